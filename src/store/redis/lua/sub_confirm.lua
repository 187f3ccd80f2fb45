-- sub_confirm: sets the confirmed flag of a live subscription. ARGV: now, id, confirmed (0/1).
-- Returns 0 if not found.
local s = redis.call('HGET', K.s, ARGV[2])
if not s then return 0 end
local subscriber, ttl, created, expires, options = cmsgpack.unpack(s)
if expires <= now then return 0 end
redis.call('HSET', K.s, ARGV[2],
  cmsgpack.pack(subscriber, ttl, created, expires, options, tonumber(ARGV[3])))
return 1
