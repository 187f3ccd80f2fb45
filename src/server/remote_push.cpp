// Wiring of the cross-node push (see remote_push.h).
#include "server/remote_push.h"

#include <boost/asio/post.hpp>

#include "common/log.h"
#include "store/redis/redis_url.h"

namespace warren::server {

Result<std::unique_ptr<notify::RedisFanout>> start_remote_push(const StorageOptions& options,
                                                               net::LoopGroup& loops,
                                                               notify::PushHub& hub) {
  if (options.engine != Engine::redis) return std::unique_ptr<notify::RedisFanout>();
  auto nodes = store::redis::parse_redis_url(options.redis.url);
  if (!nodes) return make_error(Errc::startup_failed, nodes.error().description);
  auto& loop = loops.loop(0);
  auto fanout =
      std::make_unique<notify::RedisFanout>(loop.context().get_executor(), hub, std::move(*nodes));
  notify::RedisFanout* raw = fanout.get();
  boost::asio::post(loop.context(), [raw] { raw->start(); });
  loop.add_shutdown_hook([raw, &hub] {
    hub.set_remote(nullptr);
    raw->stop();
  });
  hub.set_remote(raw);
  log::info("push: node {} fans out over Redis channel {}", raw->node_id(), raw->channel());
  return fanout;
}

}  // namespace warren::server
