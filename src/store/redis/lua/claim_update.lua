-- claim_update: restarts a live claim at now + ttl and stretches its messages as a new claim
-- would. ARGV: now, claim id, ttl_s, grace_s. Returns 0 if the claim is not live or holds no
-- message any more, else 1.
local cid = ARGV[2]
local ttl = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local s = redis.call('HGET', K.c, cid)
if not s then return 0 end
local _, _, old_exp, ids = cmsgpack.unpack(s)
if old_exp <= now then return 0 end
local cexp = now + ttl * 1000
local floor = cexp + grace * 1000
local kept = {}
for _, id in ipairs(ids) do
  local r = load(id)
  if r and r[3] > now and r[5] == cid then
    hold(id, r, cexp, floor, ttl, grace)
    kept[#kept + 1] = id
  end
end
if #kept == 0 then
  redis.call('HDEL', K.c, cid)
  redis.call('ZREM', K.cexp, cid)
  return 0
end
redis.call('HSET', K.c, cid, cmsgpack.pack(now, ttl, cexp, kept))
redis.call('ZADD', K.cexp, cexp, cid)
return 1
