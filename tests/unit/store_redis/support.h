// Test support for the redis engine: the servers under test (from the environment) and a fresh
// empty store per test (run_sync, shared with the contract suite, drives one awaitable).
#pragma once

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "run_sync.h"
#include "store/redis/redis_store.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis::testing {

// Drives `io` until an operation is done (the store's tests share it with the contract suite).
using warren::store::testing::run_sync;

// The URL of the servers of `kind` ("standalone" or "cluster"), or "" when not configured.
inline std::string server_url(const std::string& kind) {
  const char* value = std::getenv(kind == "cluster" ? "WARREN_TEST_REDIS_CLUSTER_URL"
                                                    : "WARREN_TEST_REDIS_URL");
  return value ? value : "";
}

inline std::string skip_reason(const std::string& kind) {
  return kind == "cluster"
             ? "WARREN_TEST_REDIS_CLUSTER_URL is unset (start one: tests/redis/start-cluster.sh)"
             : "WARREN_TEST_REDIS_URL is unset (start one: tests/redis/start-redis.sh)";
}

// Deletes every key on every master.
inline void flush_all(boost::asio::io_context& io, RedisStore& store) {
  run_sync(io, [&]() -> boost::asio::awaitable<int> {
    Client* client = co_await store.client();
    Command flush;
    flush.arg("FLUSHALL");
    for (const Endpoint& node : co_await client->masters()) {
      Reply reply = co_await client->run_on(node, flush);
      if (reply.is_failed() || reply.is_error()) throw std::runtime_error("FLUSHALL: " + reply.str);
    }
    co_return 0;
  }());
}

// A fresh store over the servers of `kind`, emptied; nullptr if `url` is empty.
inline std::unique_ptr<RedisStore> fresh_store(boost::asio::io_context& io, const std::string& url,
                                               RedisStoreOptions options = {}) {
  if (url.empty()) return nullptr;
  options.url = url;
  auto made = make_redis_store(options);
  if (!made) throw std::runtime_error(made.error().description);
  std::unique_ptr<RedisStore> store(static_cast<RedisStore*>(made->release()));
  flush_all(io, *store);
  return store;
}

}  // namespace warren::store::redis::testing
