// Minimal leveled logging to stderr: one line per event, prefixed with UTC time and level.
// Never on a per-request path except at debug level.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace warren::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Messages below this level are dropped. Default: info.
void set_level(Level level) noexcept;
bool enabled(Level level) noexcept;

// Writes one line (thread-safe: one write(2) per line).
void write(Level level, std::string_view message) noexcept;

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
