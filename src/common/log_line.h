// LogLine: formats one log line, in text ("TIME LEVEL [CODE] message key=value ...") or as one
// JSON object per line ({"time":..., "level":..., "code":..., "msg":..., key: value ...}), into a
// caller's buffer. Shared by the event log (common/log.h) and the access log
// (common/access_log.h) so both have the same timestamp, level and escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warren::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format { text = 0, json = 1 };

// The level's name as lines show it: "debug", "info", "warn", "error".
std::string_view level_name(Level level) noexcept;

// Appends `text` to `out` as the contents of a JSON string (no quotes): '"', '\\' and control
// characters escaped, bytes that are not valid UTF-8 replaced by \ufffd, so every line is valid
// JSON whatever bytes a peer sent.
void append_json_chars(std::string& out, std::string_view text);

// Writes `line` to `fd` whole, with one write(2) unless the kernel takes it in parts; gives up
// silently on an error (logging never fails the caller).
void write_line(int fd, std::string_view line) noexcept;

class LogLine {
 public:
  // Starts a line in `out` (which it clears) stamped with the current UTC time (milliseconds)
  // and `level`; `code` (an error table name, empty: none) follows.
  LogLine(std::string& out, Format format, Level level, std::string_view code = {});

  // The free-text message (at most once, before any field).
  LogLine& message(std::string_view text);
  // Named fields: text shows key=value (a value with spaces, quotes or control characters is
  // quoted and escaped as JSON); JSON adds a member.
  LogLine& field(std::string_view key, std::string_view value);
  LogLine& field(std::string_view key, std::uint64_t value);

  // Ends the line (newline included) and returns it.
  std::string_view finish();

 private:
  std::string& out_;
  Format format_;
};

}  // namespace warren::log
