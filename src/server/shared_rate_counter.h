// SharedRateCounter: the rate limits' token buckets kept in the shared store (the redis engine),
// so a project's rate holds across every server of a deployment (docs/security.md, "Across
// nodes"). Asking Redis for every request would cost a round trip each, so a server leases
// tokens: it takes a small chunk from the shared bucket (a twentieth of a second's worth, at
// least what the request needs), spends it locally, and asks again when it runs out. Tokens
// are only ever spent after the shared bucket gave them, so the servers together never admit
// more than the rate; a lease unused after a second is dropped, so a server holds back at most
// one chunk a project for at most a second. A refusal is remembered until the shared bucket
// said the tokens would be there, so requests over the rate cost no round trip. If the store
// cannot be reached the request is admitted (its operation then fails on the store anyway) and
// the failure logged.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/rate_counter.h"
#include "engine/clock.h"
#include "store/store.h"

namespace warren::server {

class SharedRateCounter final : public auth::RateCounter {
 public:
  // `store` (one that shares_rate_buckets()) and `clock` must outlive this.
  SharedRateCounter(store::Store& store, const engine::Clock& clock)
      : store_(store), clock_(clock) {}

  // From this server's lease; kLater when it holds too few tokens.
  std::uint32_t try_take(auth::RateKind kind, std::string_view project, std::uint64_t rate,
                         std::uint64_t units) override;
  // Leases a chunk from the shared bucket.
  boost::asio::awaitable<std::uint32_t> take_later(auth::RateKind kind, std::string project,
                                                   std::uint64_t rate,
                                                   std::uint64_t units) override;

  // Leases kept now (tests).
  std::size_t size();

 private:
  struct Lease {
    double tokens = 0;                  // leased, not spent yet
    std::int64_t expires_ns = 0;        // then the rest is dropped
    std::int64_t refused_until_ns = 0;  // the shared bucket was empty until then
  };
  struct Shard {
    std::mutex mutex;
    auth::NameMap<Lease> leases;
    std::size_t sweep_at = 1024;  // drops stale leases when the map grows past this
  };
  static constexpr std::size_t kShards = 32;
  Shard& shard(auth::RateKind kind, std::string_view project);
  void sweep(Shard& shard, std::int64_t now_ns);

  store::Store& store_;
  const engine::Clock& clock_;
  std::array<Shard, kShards> requests_;
  std::array<Shard, kShards> posts_;
  std::atomic<std::int64_t> last_failure_log_ns_{-10'000'000'000};
};

}  // namespace warren::server
