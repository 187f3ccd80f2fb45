-- sub_create: creates a subscription of the queue, which need not exist (subscriptions outlive
-- their queue; creating one never creates the queue). ARGV: now, new id, subscriber, ttl_s,
-- options. A live subscription with the same subscriber: unconfirmed -> its id, not created;
-- confirmed -> conflict. Returns {id, created (0/1)} or {'', -1} for a conflict.
local sid, subscriber, ttl, options = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local existing = redis.call('HGET', K.sby, subscriber)
if existing then
  local s = redis.call('HGET', K.s, existing)
  if s then
    local _, _, _, expires, _, confirmed = cmsgpack.unpack(s)
    if expires > now then
      if confirmed == 1 then return { '', -1 } end
      return { existing, 0 }
    end
    redis.call('HDEL', K.s, existing)
    redis.call('ZREM', K.sidx, existing)
    redis.call('ZREM', K.sexp, existing)
  end
end
local expires = now + ttl * 1000
redis.call('HSET', K.s, sid, cmsgpack.pack(subscriber, ttl, now, expires, options, 0))
redis.call('ZADD', K.sidx, 0, sid)
redis.call('ZADD', K.sexp, expires, sid)
redis.call('HSET', K.sby, subscriber, sid)
return { sid, 1 }
