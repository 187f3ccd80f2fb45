// RateCounter: where the per-project token buckets of the rate limits live. In process
// (LocalRateCounter: RateBuckets, exact across the event loops) for a single server; in the
// shared store for a deployment of several servers (server/shared_rate_counter.h), where a
// bucket may have to be asked over the network. So a take is tried at once first, and only
// when that cannot decide is it awaited.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "auth/rate_buckets.h"

namespace warren::auth {

enum class RateKind : std::uint8_t { requests, posts };

class RateCounter {
 public:
  // try_take()'s answer when only take_later() can decide.
  static constexpr std::uint32_t kLater = std::numeric_limits<std::uint32_t>::max();

  virtual ~RateCounter() = default;

  // Takes `units` from `project`'s `kind` bucket, refilled at `rate` (> 0) a second and holding
  // one second's worth (more than that at once only from a full bucket). Returns 0 if taken,
  // else the whole seconds to wait (>= 1), or kLater. Decides at once; never blocks.
  virtual std::uint32_t try_take(RateKind kind, std::string_view project, std::uint64_t rate,
                                 std::uint64_t units) = 0;

  // The same, awaiting whoever keeps the buckets when it must: never kLater. On the caller's
  // event loop.
  virtual boost::asio::awaitable<std::uint32_t> take_later(RateKind kind, std::string project,
                                                           std::uint64_t rate,
                                                           std::uint64_t units) = 0;
};

// The buckets in this process: every take decides at once.
class LocalRateCounter final : public RateCounter {
 public:
  std::uint32_t try_take(RateKind kind, std::string_view project, std::uint64_t rate,
                         std::uint64_t units) override;
  boost::asio::awaitable<std::uint32_t> take_later(RateKind kind, std::string project,
                                                   std::uint64_t rate,
                                                   std::uint64_t units) override;

 private:
  RateBuckets requests_;
  RateBuckets posts_;
};

}  // namespace warren::auth
