// RateBuckets: token buckets per project, sharded by the project's hash.
#include "auth/rate_buckets.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace warren::auth {
namespace {

constexpr double kNsPerSecond = 1e9;

// The bucket's tokens at `now_ns`, capped at one second's worth.
double refilled(double tokens, std::int64_t updated_ns, double rate, std::int64_t now_ns) {
  const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ns - updated_ns));
  return std::min(rate, tokens + elapsed * rate / kNsPerSecond);
}

}  // namespace

std::uint32_t RateBuckets::take(std::string_view project, std::uint64_t rate, std::uint64_t units,
                                std::int64_t now_ns) {
  if (rate == 0) return 0;
  Shard& shard = shards_[std::hash<std::string_view>()(project) % kShards];
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(project);
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= shard.sweep_at) sweep(shard, now_ns);
    const double full = static_cast<double>(rate);
    found = shard.buckets.emplace(std::string(project), Bucket{full, now_ns, full}).first;
  }
  Bucket& bucket = found->second;
  const double r = static_cast<double>(rate);
  bucket.tokens = refilled(bucket.tokens, bucket.updated_ns, r, now_ns);
  bucket.updated_ns = now_ns;
  bucket.rate = r;
  const double wanted = static_cast<double>(units);
  // More than a second's worth at once: only from a full bucket (else it could never pass).
  const double needed = std::min(wanted, r);
  if (bucket.tokens + 1e-9 >= needed) {
    bucket.tokens -= wanted;
    return 0;
  }
  const double wait = (needed - bucket.tokens) / r;
  return static_cast<std::uint32_t>(std::max(1.0, std::ceil(wait)));
}

void RateBuckets::sweep(Shard& shard, std::int64_t now_ns) {
  std::erase_if(shard.buckets, [now_ns](const auto& entry) {
    const Bucket& b = entry.second;
    return refilled(b.tokens, b.updated_ns, b.rate, now_ns) >= b.rate;
  });
  shard.sweep_at = std::max<std::size_t>(1024, shard.buckets.size() * 2);
}

std::size_t RateBuckets::size() {
  std::size_t total = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace warren::auth
