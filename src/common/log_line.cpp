// LogLine: the two line formats of Warren's logs, and JSON escaping that survives any bytes.
#include "common/log_line.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace warren::log {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at `s[i]` (RFC 3629: no overlongs, no
// surrogates, at most U+10FFFF), or 0 if the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = byte(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return n;
}

// Whether text format must quote `value` (empty, or holding a space, quote, '=' or a byte
// outside printable ASCII).
bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

// "YYYY-MM-DDTHH:MM:SS" of `secs` (UTC), formatted once per second per thread: the access log
// stamps every request.
std::string_view second_text(std::time_t secs) {
  thread_local std::time_t cached = -1;
  thread_local char text[32];
  if (secs != cached) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    fmt::format_to_n(text, sizeof text, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached = secs;
  }
  return {text, 19};
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace

void write_line(int fd, std::string_view line) noexcept {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "?";
}

void append_json_chars(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) {
      const std::size_t n = utf8_sequence(text, i);
      if (n == 0) {
        out.append("\\ufffd");
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    if (b == '"' || b == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
    } else if (b == '\n') {
      out.append("\\n");
    } else if (b == '\t') {
      out.append("\\t");
    } else if (b == '\r') {
      out.append("\\r");
    } else if (b < 0x20 || b == 0x7F) {
      out.append("\\u00");
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    } else {
      out.push_back(static_cast<char>(b));
    }
    ++i;
  }
}

LogLine::LogLine(std::string& out, Format format, Level level, std::string_view code)
    : out_(out), format_(format) {
  out_.clear();
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
      1000);
  const bool json = format_ == Format::json;
  if (json) out_.append("{\"time\":\"");
  out_.append(second_text(secs));
  const char fraction[] = {'.', static_cast<char>('0' + millis / 100),
                           static_cast<char>('0' + millis / 10 % 10),
                           static_cast<char>('0' + millis % 10), 'Z'};
  out_.append(fraction, sizeof fraction);
  out_.append(json ? "\",\"level\":\"" : " ");
  out_.append(level_name(level));
  if (json) {
    out_.push_back('"');
    if (!code.empty()) {
      out_.append(",\"code\":\"");
      append_json_chars(out_, code);
      out_.push_back('"');
    }
  } else if (!code.empty()) {
    out_.append(" [");
    out_.append(code);
    out_.push_back(']');
  }
}

LogLine& LogLine::message(std::string_view text) {
  if (format_ == Format::json) {
    out_.append(",\"msg\":\"");
    append_json_chars(out_, text);
    out_.push_back('"');
  } else {
    out_.push_back(' ');
    // A message is one line: a newline in it would forge the next one.
    for (const char c : text) out_.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  return *this;
}

LogLine& LogLine::field(std::string_view key, std::string_view value) {
  if (format_ == Format::json) {
    out_.append(",\"");
    append_json_chars(out_, key);
    out_.append("\":\"");
    append_json_chars(out_, value);
    out_.push_back('"');
  } else {
    out_.push_back(' ');
    out_.append(key);
    out_.push_back('=');
    if (needs_quotes(value)) {
      out_.push_back('"');
      append_json_chars(out_, value);
      out_.push_back('"');
    } else {
      out_.append(value);
    }
  }
  return *this;
}

LogLine& LogLine::field(std::string_view key, std::uint64_t value) {
  if (format_ == Format::json) {
    out_.append(",\"");
    append_json_chars(out_, key);
    out_.append("\":");
  } else {
    out_.push_back(' ');
    out_.append(key);
    out_.push_back('=');
  }
  append_number(out_, value);
  return *this;
}

std::string_view LogLine::finish() {
  if (format_ == Format::json) out_.push_back('}');
  out_.push_back('\n');
  return out_;
}

}  // namespace warren::log
