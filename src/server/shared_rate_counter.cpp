// SharedRateCounter: leases from the shared rate buckets.
#include "server/shared_rate_counter.h"

#include <algorithm>
#include <functional>

#include "auth/now.h"
#include "common/log.h"

namespace warren::server {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kLeaseNs = 1'000 * kNsPerMs;  // a lease lives a second
constexpr std::uint64_t kChunkDivisor = 20;          // a lease is 1/20 s of the rate

std::uint32_t whole_seconds(std::int64_t ns) {
  const std::int64_t s = (ns + 1'000 * kNsPerMs - 1) / (1'000 * kNsPerMs);
  return static_cast<std::uint32_t>(std::max<std::int64_t>(1, s));
}

std::string bucket_name(auth::RateKind kind, std::string_view project) {
  std::string name(kind == auth::RateKind::requests ? "requests/" : "posts/");
  name += project;
  return name;
}

}  // namespace

SharedRateCounter::Shard& SharedRateCounter::shard(auth::RateKind kind, std::string_view project) {
  auto& shards = kind == auth::RateKind::requests ? requests_ : posts_;
  return shards[std::hash<std::string_view>()(project) % kShards];
}

std::uint32_t SharedRateCounter::try_take(auth::RateKind kind, std::string_view project,
                                          std::uint64_t rate, std::uint64_t units) {
  (void)rate;
  const std::int64_t now = auth::steady_ns();
  Shard& s = shard(kind, project);
  std::lock_guard lock(s.mutex);
  auto found = s.leases.find(project);
  if (found == s.leases.end()) return kLater;
  Lease& lease = found->second;
  if (lease.refused_until_ns > now) return whole_seconds(lease.refused_until_ns - now);
  const double wanted = static_cast<double>(units);
  if (lease.expires_ns > now && lease.tokens >= wanted) {
    lease.tokens -= wanted;
    return 0;
  }
  return kLater;
}

boost::asio::awaitable<std::uint32_t> SharedRateCounter::take_later(auth::RateKind kind,
                                                                    std::string project,
                                                                    std::uint64_t rate,
                                                                    std::uint64_t units) {
  const std::uint64_t most = std::max(units, std::max<std::uint64_t>(1, rate / kChunkDivisor));
  auto grant =
      co_await store_.take_tokens(bucket_name(kind, project), rate, units, most, clock_.now());
  if (!grant) {
    // At most one line each 10 s: while the store is down every request would say it.
    const std::int64_t at = auth::steady_ns();
    std::int64_t last = last_failure_log_ns_.load(std::memory_order_relaxed);
    if (at - last >= 10'000 * kNsPerMs &&
        last_failure_log_ns_.compare_exchange_strong(last, at, std::memory_order_relaxed)) {
      log::warn("rate limits not applied while the store cannot be reached (project {}): {}",
                project, grant.error().description);
    }
    co_return 0;
  }
  const std::int64_t now = auth::steady_ns();
  Shard& s = shard(kind, project);
  std::lock_guard lock(s.mutex);
  auto found = s.leases.find(project);
  if (found == s.leases.end()) {
    if (s.leases.size() >= s.sweep_at) sweep(s, now);
    found = s.leases.emplace(project, Lease{}).first;
  }
  Lease& lease = found->second;
  if (grant->granted == 0) {
    lease.refused_until_ns = now + grant->wait_ms * kNsPerMs;
    co_return whole_seconds(grant->wait_ms * kNsPerMs);
  }
  if (lease.expires_ns <= now) lease.tokens = 0;
  lease.tokens += static_cast<double>(grant->granted) - static_cast<double>(units);
  lease.expires_ns = now + kLeaseNs;
  lease.refused_until_ns = 0;
  co_return 0;
}

void SharedRateCounter::sweep(Shard& s, std::int64_t now_ns) {
  std::erase_if(s.leases, [now_ns](const auto& entry) {
    return entry.second.expires_ns <= now_ns && entry.second.refused_until_ns <= now_ns;
  });
  s.sweep_at = std::max<std::size_t>(1024, s.leases.size() * 2);
}

std::size_t SharedRateCounter::size() {
  std::size_t total = 0;
  for (auto* shards : {&requests_, &posts_}) {
    for (Shard& s : *shards) {
      std::lock_guard lock(s.mutex);
      total += s.leases.size();
    }
  }
  return total;
}

}  // namespace warren::server
