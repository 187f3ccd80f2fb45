-- sub_update: changes a live subscription. ARGV: now, id, has subscriber (0/1), subscriber,
-- has ttl (0/1), ttl_s, has options (0/1), options. A new ttl restarts its life from now.
-- Returns 1 updated, 0 not found, -1 the new subscriber belongs to another live subscription.
local sid = ARGV[2]
local s = redis.call('HGET', K.s, sid)
if not s then return 0 end
local subscriber, ttl, created, expires, options, confirmed = cmsgpack.unpack(s)
if expires <= now then return 0 end
if ARGV[3] == '1' and ARGV[4] ~= subscriber then
  local other = redis.call('HGET', K.sby, ARGV[4])
  if other and other ~= sid then
    local o = redis.call('HGET', K.s, other)
    if o then
      local _, _, _, oexp = cmsgpack.unpack(o)
      if oexp > now then return -1 end
    end
  end
  if redis.call('HGET', K.sby, subscriber) == sid then redis.call('HDEL', K.sby, subscriber) end
  subscriber = ARGV[4]
  redis.call('HSET', K.sby, subscriber, sid)
end
if ARGV[5] == '1' then
  ttl = tonumber(ARGV[6])
  created = now
  expires = now + ttl * 1000
  redis.call('ZADD', K.sexp, expires, sid)
end
if ARGV[7] == '1' then options = ARGV[8] end
redis.call('HSET', K.s, sid, cmsgpack.pack(subscriber, ttl, created, expires, options, confirmed))
return 1
