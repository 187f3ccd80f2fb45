-- claim: selects up to `limit` of the oldest claimable messages and claims them (or moves them
-- to the dead-letter queue). ARGV: now, claim id, limit,
-- ttl_s, grace_s, dlq max claims (-1 = no dead-letter policy), dlq queue name, dlq ttl_s (-1 =
-- keep the message's). Takes the head of P:free after promote(): O(log n) per message taken.
-- A message already delivered `max claims` times leaves the queue for the outbox P:out (with a
-- lease in P:outl), from which the caller moves it into the dead-letter queue (another slot)
-- and acknowledges with dlq_ack; entries whose lease ran out (a node died mid-move) are handed
-- out again here.
-- Returns { {claimed messages...}, {outbox entries: id, dlq, body, client, created, ttl_s,
-- expires, claim count, receive count, encoding...} }; the claim exists only if some message was
-- claimed. Every claim counts as a receive; the claim count advances only under the policy.
local cid = ARGV[2]
local limit = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local grace = tonumber(ARGV[5])
local dlq_max = tonumber(ARGV[6])
local dlq_name = ARGV[7]
local dlq_ttl = tonumber(ARGV[8])
local LEASE_MS = 30000
local cexp = now + ttl * 1000
local floor = cexp + grace * 1000

promote(PROMOTE_LIMIT)
local held, out, moved = {}, {}, {}
local examined = 0
-- `limit` counts the messages selected: claimed ones and those moved to the dead-letter queue.
while #held + #moved < limit and examined < limit + 1000 do
  local ids = redis.call('ZRANGE', K.free, 0, limit - #held - #moved - 1)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    examined = examined + 1
    local r = load(id)
    if not r then
      redis.call('ZREM', K.free, id)
    elseif r[3] <= now then
      drop(id)
    elseif dlq_max >= 0 and r[7] >= dlq_max then
      local body = redis.call('HGET', K.b, id) or ''
      local mttl, mexp = r[2], r[3]
      if dlq_ttl > 0 then mttl, mexp = dlq_ttl, now + dlq_ttl * 1000 end
      redis.call('HSET', K.out, id,
        cmsgpack.pack(dlq_name, body, r[8], r[1], mttl, mexp, r[7], r[9], r[10]))
      redis.call('ZADD', K.outl, now + LEASE_MS, id)
      drop(id)
      moved[#moved + 1] = id
    else
      redis.call('ZREM', K.free, id)
      r[5] = cid
      if dlq_max >= 0 then r[7] = r[7] + 1 end
      r[9] = r[9] + 1
      hold(id, r, cexp, floor, ttl, grace)
      held[#held + 1] = id
      emit(out, id, r)
    end
  end
end
if #held > 0 then
  redis.call('HSET', K.c, cid, cmsgpack.pack(now, ttl, cexp, held))
  redis.call('ZADD', K.cexp, cexp, cid)
end
-- Outbox: what this call moved, plus a few entries abandoned by a caller that died.
local stale = redis.call('ZRANGEBYSCORE', K.outl, '-inf', num(now), 'LIMIT', 0, 10)
for _, id in ipairs(stale) do
  redis.call('ZADD', K.outl, now + LEASE_MS, id)
  moved[#moved + 1] = id
end
local entries = {}
for _, id in ipairs(moved) do
  local s = redis.call('HGET', K.out, id)
  if s then
    local dlq, body, client, created, mttl, mexp, count, received, encoding = cmsgpack.unpack(s)
    for _, v in ipairs({ id, dlq, body, client, created, mttl, mexp, count, received or count,
        encoding or 0 }) do
      entries[#entries + 1] = v
    end
  end
end
return { out, entries }
