// The storage contract suite (tests/unit/store) run against the redis engine: on one
// redis-server (WARREN_TEST_REDIS_URL) and on a Redis Cluster (WARREN_TEST_REDIS_CLUSTER_URL),
// each test on a freshly flushed server; skipped, saying why, when a URL is unset.
#include "store_contract.h"
#include "support.h"

namespace {

using warren::store::testing::EngineUnderTest;
namespace rt = warren::store::redis::testing;

EngineUnderTest engine(std::string name, std::string kind) {
  return {std::move(name),
          [kind](boost::asio::io_context& io, std::string& why_not)
              -> std::unique_ptr<warren::store::Store> {
            std::string url = rt::server_url(kind);
            if (url.empty()) {
              why_not = rt::skip_reason(kind);
              return nullptr;
            }
            return rt::fresh_store(io, url);
          }};
}

}  // namespace

WARREN_INSTANTIATE_STORE_CONTRACT(Redis, engine("redis", "standalone"),
                                  engine("redis_cluster", "cluster"))
