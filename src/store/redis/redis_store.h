// The redis engine's public face: its options and the factory `warren serve --storage redis`
// calls. Everything else in this folder is private to the engine.
//
// Threading: any event loop may call the store; each loop (an io_context run by one thread) gets
// its own connections, created on its first call. Destroy the store after the loops stopped.
// Nodes of one deployment must keep their clocks in sync (NTP): claims, delays and expiry are
// judged by the `now` each caller passes.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/errors.h"
#include "store/store.h"

namespace warren::store::redis {

struct RedisStoreOptions {
  // redis://HOST:PORT[,HOST:PORT...]: one server, or any nodes of a Redis Cluster (the engine
  // asks them for the slot map). Host names are resolved once, by the factory.
  std::string url = "redis://127.0.0.1:6379";
  // A connection attempt that has not completed by then fails its commands.
  std::chrono::milliseconds connect_timeout{1000};
  // An operation with no reply by then fails with storage_unavailable (its effect unknown).
  std::chrono::milliseconds command_timeout{5000};
  // Reconnection backoff after a failed attempt (doubling, jittered): while it runs, operations
  // on that node fail at once.
  std::chrono::milliseconds backoff_min{50};
  std::chrono::milliseconds backoff_max{2000};
  // > 0: after each write, WAIT until that many replicas have it (or wait_timeout passed);
  // fewer is reported as storage_unavailable. Narrows, not closes, the failover loss window.
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{100};
};

// Builds the engine. Fails (storage_unavailable) only on a malformed URL or an unresolvable
// host: the servers are contacted lazily, so a Redis that is down at start-up makes operations
// fail until it is up, not the server start.
Result<std::unique_ptr<Store>> make_redis_store(const RedisStoreOptions& options);

}  // namespace warren::store::redis
