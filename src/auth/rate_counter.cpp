// LocalRateCounter: the rate limits' buckets kept in process.
#include "auth/rate_counter.h"

#include "auth/now.h"

namespace warren::auth {

std::uint32_t LocalRateCounter::try_take(RateKind kind, std::string_view project,
                                         std::uint64_t rate, std::uint64_t units) {
  RateBuckets& buckets = kind == RateKind::requests ? requests_ : posts_;
  return buckets.take(project, rate, units, steady_ns());
}

boost::asio::awaitable<std::uint32_t> LocalRateCounter::take_later(RateKind kind,
                                                                   std::string project,
                                                                   std::uint64_t rate,
                                                                   std::uint64_t units) {
  co_return try_take(kind, project, rate, units);
}

}  // namespace warren::auth
