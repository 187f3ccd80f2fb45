-- claim_get: a live claim and the live messages it still holds. ARGV: now, claim id.
-- Returns nil if the claim is unknown, released or expired, or holds no message any more (all
-- deleted: the claim is then gone), else {created, ttl_s, expires, {messages...}}.
local s = redis.call('HGET', K.c, ARGV[2])
if not s then return nil end
local created, ttl, cexp, ids = cmsgpack.unpack(s)
if cexp <= now then return nil end
local out = {}
for _, id in ipairs(ids) do
  local r = load(id)
  if r and r[3] > now and r[5] == ARGV[2] then emit(out, id, r) end
end
if #out == 0 then
  redis.call('HDEL', K.c, ARGV[2])
  redis.call('ZREM', K.cexp, ARGV[2])
  return nil
end
return { created, ttl, cexp, out }
