-- claim_release: ends a claim: its messages are claimable at once and no longer name it (claim
-- id cleared, so the released id deletes nothing). An expired claim is cleared from the messages
-- that still name it the same way. ARGV: now, claim id.
local cid = ARGV[2]
local s = redis.call('HGET', K.c, cid)
if not s then return 0 end
local _, _, _, ids = cmsgpack.unpack(s)
for _, id in ipairs(ids) do
  local r = load(id)
  if r and r[5] == cid then
    local was_held = r[6] > now
    r[5] = ''
    r[6] = 0
    store(id, r)
    if was_held then
      redis.call('ZREM', K.clm, id)
      redis.call('ZADD', K.free, seq_of(id), id)
    end
  end
end
redis.call('HDEL', K.c, cid)
redis.call('ZREM', K.cexp, cid)
return 1
