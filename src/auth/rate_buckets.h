// RateBuckets: one token bucket per project, shared by every event loop: a project may spend
// `rate` units a second, in bursts of up to one second's worth. Exact across loops (each bucket
// is changed under its shard's lock, held for a few instructions), so N loops together never
// admit more than the rate allows. Buckets of projects that have been quiet long enough to be
// full again are dropped, so the table holds only projects active in the last seconds however
// many projects callers name.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"

namespace warren::auth {

class RateBuckets {
 public:
  // Takes `units` from `project`'s bucket, refilled at `rate` a second (capacity: `rate`; a
  // request for more than that is admitted only from a full bucket, and leaves it in debt), at
  // `now_ns` (a steady clock). Returns 0 if taken, else the whole seconds after which the
  // units will be there (at least 1). `rate` 0 means unlimited.
  std::uint32_t take(std::string_view project, std::uint64_t rate, std::uint64_t units,
                     std::int64_t now_ns);

  // Buckets kept now (tests, metrics).
  std::size_t size();

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ns = 0;
    double rate = 0;
  };
  struct Shard {
    std::mutex mutex;
    NameMap<Bucket> buckets;
    std::size_t sweep_at = 1024;  // sweeps full buckets when the map grows past this
  };
  static constexpr std::size_t kShards = 32;
  void sweep(Shard& shard, std::int64_t now_ns);

  std::array<Shard, kShards> shards_;
};

}  // namespace warren::auth
