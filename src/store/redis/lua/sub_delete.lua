-- sub_delete: deletes one subscription. ARGV: now, id.
local sid = ARGV[2]
local s = redis.call('HGET', K.s, sid)
if s then
  local subscriber = cmsgpack.unpack(s)
  if redis.call('HGET', K.sby, subscriber) == sid then redis.call('HDEL', K.sby, subscriber) end
end
redis.call('HDEL', K.s, sid)
redis.call('ZREM', K.sidx, sid)
redis.call('ZREM', K.sexp, sid)
return 0
