// Shared rate buckets of the redis engine: one hash per bucket, taken from by a script, so every
// node of a deployment draws on the same tokens (docs/security.md, "Across nodes").
#include <algorithm>

#include "store/redis/keys.h"
#include "store/redis/scripts.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis {

Async<TokenGrant> RedisStore::take_tokens(std::string_view bucket, std::uint64_t rate,
                                          std::uint64_t least, std::uint64_t most, TimeMs now) {
  const std::string key = keys::rate_bucket(bucket);
  Command cmd;
  cmd.arg("EVALSHA").arg(scripts::bucket_take.sha1).num(1).arg(key);
  cmd.route_by(key).script(scripts::bucket_take);  // no WAIT: rate state may be lost
  cmd.num(now)
      .num(static_cast<std::int64_t>(rate))
      .num(static_cast<std::int64_t>(least))
      .num(static_cast<std::int64_t>(most));
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (e.size() != 2) co_return make_error(Errc::internal, "Malformed rate bucket from Redis");
  TokenGrant grant;
  grant.granted = static_cast<std::uint64_t>(std::max<std::int64_t>(0, e[0].as_int()));
  grant.wait_ms = std::max<std::int64_t>(0, e[1].as_int());
  co_return grant;
}

}  // namespace warren::store::redis
