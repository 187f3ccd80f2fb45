// The cross-node push of `warren serve`: with the redis engine, a RedisFanout connects the
// node's PushHub to the other nodes; with the single-node engines there is none.
#pragma once

#include <memory>

#include "common/errors.h"
#include "net/loop_group.h"
#include "notify/push_hub.h"
#include "notify/redis_fanout.h"
#include "server/serve_options.h"

namespace warren::server {

// A started fan-out installed in `hub` (running on loop 0, stopped by its shutdown hook), or
// nullptr when the engine needs none. Errors: startup_failed (an unusable --redis).
// The result must be destroyed after `loops` stopped and before they are destroyed.
Result<std::unique_ptr<notify::RedisFanout>> start_remote_push(const StorageOptions& options,
                                                               net::LoopGroup& loops,
                                                               notify::PushHub& hub);

}  // namespace warren::server
