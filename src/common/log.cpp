// stderr logging: a line is formatted whole and written with one write(2) so lines from
// different threads never interleave.
#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace warren::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<int> g_format{static_cast<int>(Format::text)};

}  // namespace

void set_level(Level level) noexcept { g_level.store(static_cast<int>(level)); }

bool enabled(Level level) noexcept {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void set_format(Format f) noexcept { g_format.store(static_cast<int>(f)); }

Format format() noexcept { return static_cast<Format>(g_format.load(std::memory_order_relaxed)); }

void write(Level level, std::string_view message, std::string_view code) noexcept {
  try {
    std::string line;
    write_line(STDERR_FILENO, LogLine(line, format(), level, code).message(message).finish());
  } catch (...) {
    // Logging must never take the server down.
  }
}

void failure(const Error& error) noexcept {
  if (enabled(Level::error)) write(Level::error, error.description, error_info(error.code).name);
}

void failure(std::string_view context, const Error& error) noexcept {
  if (!enabled(Level::error)) return;
  try {
    write(Level::error, fmt::format("{}{}", context, error.description),
          error_info(error.code).name);
  } catch (...) {
  }
}

}  // namespace warren::log
