// The rate-limited log of refused authentications.
#include "auth/refusal_log.h"

#include <atomic>

#include <fmt/format.h>

#include "auth/credentials.h"
#include "auth/now.h"
#include "common/log.h"

namespace warren::auth {
namespace {

std::atomic<std::int64_t> window_second{0};
std::atomic<int> lines_in_window{0};
std::atomic<std::uint64_t> left_out{0};

}  // namespace

std::string token_tag(std::string_view token) {
  if (token.empty()) return "-";
  const TokenDigest digest = digest_token(token);
  return fmt::format("{:02x}{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2], digest[3]);
}

void log_refusal(const Error& why, std::string_view token, std::string_view peer) noexcept {
  const std::int64_t second = steady_ns() / 1'000'000'000;
  std::int64_t seen = window_second.load(std::memory_order_relaxed);
  if (seen != second && window_second.compare_exchange_strong(seen, second)) {
    lines_in_window.store(0, std::memory_order_relaxed);
  }
  if (lines_in_window.fetch_add(1, std::memory_order_relaxed) >= kRefusalLinesPerSecond) {
    left_out.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  try {
    const std::uint64_t skipped = left_out.exchange(0, std::memory_order_relaxed);
    log::warn(
        "auth: refused {} (token {}): {}{}", peer.empty() ? "a client" : peer, token_tag(token),
        why.description,
        skipped == 0 ? std::string() : fmt::format(" ({} more refusals not logged)", skipped));
  } catch (...) {
    // Logging must not fail the request it describes.
  }
}

}  // namespace warren::auth
