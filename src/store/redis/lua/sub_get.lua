-- sub_get: one live subscription. ARGV: now, id. Returns nil or {id, subscriber, ttl_s,
-- created, expires, options, confirmed}.
local s = redis.call('HGET', K.s, ARGV[2])
if not s then return nil end
local subscriber, ttl, created, expires, options, confirmed = cmsgpack.unpack(s)
if expires <= now then return nil end
return { ARGV[2], subscriber, ttl, created, expires, options, confirmed }
