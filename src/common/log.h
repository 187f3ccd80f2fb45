// Leveled logging to stderr: one line per event, with the UTC time, the level and, for
// failures, the error table's code; as text or as JSON lines (--log-format, common/log_line.h).
// Never on a per-request path except at debug level (requests go to the access log,
// common/access_log.h).
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/log_line.h"

namespace warren::log {

// Messages below this level are dropped. Default: info. Any thread, any time (SIGHUP).
void set_level(Level level) noexcept;
bool enabled(Level level) noexcept;

// The format of every line from now on (event and access log). Default: text. Any thread.
void set_format(Format format) noexcept;
Format format() noexcept;

// Writes one line (thread-safe: one write(2) per line). `code`: an error table name, or empty.
void write(Level level, std::string_view message, std::string_view code = {}) noexcept;

// Writes `error` at error level: its description, with its code.
void failure(const Error& error) noexcept;
// The same with some context before the description ("SIGHUP: ...").
void failure(std::string_view context, const Error& error) noexcept;

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace warren::log
