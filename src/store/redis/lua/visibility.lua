-- visibility: moves the end of one delivered message's hold (store.h change_visibility).
-- ARGV: now, id, receive count of the delivery, visible-at (ms), a new claim id, that claim's
-- ttl_s. At or before now: the message is claimable at once, its claim cleared. Later: it
-- leaves its claim for a claim of its own (the new id) ending then, and lives at least as long.
-- Returns 1 done, -1 no such live message, -2 a later delivery (stale receipt), -3 not held.
local id, count, visible = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local cid, ttl = ARGV[5], tonumber(ARGV[6])
local r = load(id)
if not r or r[3] <= now then return -1 end
if r[9] ~= count then return -2 end
if r[5] == '' or r[6] <= now then return -3 end
redis.call('ZREM', K.clm, id)
if visible <= now then
  r[5] = ''
  r[6] = 0
  store(id, r)
  redis.call('ZADD', K.free, seq_of(id), id)
  return 1
end
r[5] = cid
hold(id, r, visible, visible, ttl, 0)
redis.call('HSET', K.c, cid, cmsgpack.pack(now, ttl, visible, { id }))
redis.call('ZADD', K.cexp, visible, cid)
return 1
