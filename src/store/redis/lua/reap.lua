-- reap: removes expired messages, claims and subscriptions of this queue, about `budget` of
-- them. ARGV: now, budget. Returns {messages, claims, subscriptions, more (0/1)}.
local budget = tonumber(ARGV[2])
local messages = reap_messages(budget)
local claims = redis.call('ZRANGEBYSCORE', K.cexp, '-inf', num(now), 'LIMIT', 0, budget)
for _, cid in ipairs(claims) do
  redis.call('HDEL', K.c, cid)
  redis.call('ZREM', K.cexp, cid)
end
local subs = redis.call('ZRANGEBYSCORE', K.sexp, '-inf', num(now), 'LIMIT', 0, budget)
for _, sid in ipairs(subs) do
  drop_subscription(sid)
end
local more = 0
if messages == budget or #claims == budget or #subs == budget then more = 1 end
return { messages, #claims, #subs, more }
