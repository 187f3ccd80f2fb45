-- claim_release: ends a claim; its messages are claimable at once (they keep the claim id as
-- their last claim, with the claim's end set to now). ARGV: now, claim id.
local cid = ARGV[2]
local s = redis.call('HGET', K.c, cid)
if not s then return 0 end
local _, _, cexp, ids = cmsgpack.unpack(s)
if cexp > now then
  for _, id in ipairs(ids) do
    local r = load(id)
    if r and r[5] == cid and r[6] > now then
      r[6] = now
      store(id, r)
      redis.call('ZREM', K.clm, id)
      redis.call('ZADD', K.free, seq_of(id), id)
    end
  end
end
redis.call('HDEL', K.c, cid)
redis.call('ZREM', K.cexp, cid)
return 1
