// The access log's destination, sampling and line.
#include "common/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace warren::log {
namespace detail {
std::atomic<std::uint64_t> g_access_threshold{0};
}  // namespace detail

namespace {

constexpr std::uint64_t kAlways = std::uint64_t{1} << 32;
std::atomic<int> g_fd{-1};  // the access log's descriptor (-1: never opened)

// xorshift64*: a per-thread generator, cheap enough for every request.
std::uint64_t next_random() noexcept {
  thread_local std::uint64_t state = [] {
    std::uint64_t seed = reinterpret_cast<std::uintptr_t>(&state) ^ 0x9E3779B97F4A7C15ULL;
    return seed == 0 ? 1 : seed;
  }();
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace

bool detail::draw_sample(std::uint64_t threshold) noexcept {
  if (threshold >= kAlways) return true;
  return (next_random() >> 32) < threshold;
}

Result<void> open_access_log(const std::string& path, double rate) {
  if (!(rate >= 0.0 && rate <= 1.0)) {
    return make_error(Errc::startup_failed, "--access-log-sample must be between 0 and 1");
  }
  int fd = STDERR_FILENO;
  bool owned = false;
  if (path != "-") {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
      return make_error(Errc::startup_failed,
                        fmt::format("--access-log {}: {}", path, std::strerror(errno)));
    }
    owned = true;
  }
  const int current = g_fd.load();
  if (current < 0 || current == STDERR_FILENO) {
    // First destination (or stderr until now): a file gets a descriptor of its own.
    g_fd.store(owned ? fd : STDERR_FILENO);
  } else if (owned) {
    // Writers keep using `current`: dup3 swaps the file behind it in one step.
    ::dup3(fd, current, O_CLOEXEC);
    ::close(fd);
  } else {
    g_fd.store(STDERR_FILENO);  // (the old file's descriptor is left open: a writer may hold it)
  }
  const auto threshold = static_cast<std::uint64_t>(rate * static_cast<double>(kAlways));
  detail::g_access_threshold.store(rate >= 1.0 ? kAlways : threshold);
  return {};
}

void close_access_log() noexcept { detail::g_access_threshold.store(0); }

void access(const AccessEntry& entry) noexcept {
  try {
    thread_local std::string line;
    LogLine out(line, format(), Level::info, entry.code);
    out.message("access")
        .field("remote", entry.remote)
        .field("method", entry.method)
        .field("target", entry.target)
        .field("status", static_cast<std::uint64_t>(entry.status))
        .field("bytes", entry.bytes)
        .field("duration_us", entry.duration_us);
    const std::string_view text = out.finish();
    write_line(g_fd.load(std::memory_order_relaxed), text);
  } catch (...) {
    // Logging must never take the server down.
  }
}

}  // namespace warren::log
