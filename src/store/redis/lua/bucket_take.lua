-- bucket_take: a shared token bucket (Store::take_tokens; the per-project rate limits across
-- nodes). KEYS[1]: the bucket, a hash {t: tokens, u: updated ms}. ARGV: now, rate (tokens a
-- second, also the capacity), least, most.
-- Returns {granted, wait_ms}: between least and most tokens, or 0 and the milliseconds until
-- `least` will be there. More than `rate` at once is granted only from a full bucket (it would
-- never pass otherwise) and leaves it in debt. An idle bucket expires once it would be full.
local key = KEYS[1]
local rate = tonumber(ARGV[2])
local least = tonumber(ARGV[3])
local most = tonumber(ARGV[4])
local state = redis.call('HMGET', key, 't', 'u')
local tokens = tonumber(state[1]) or rate
local updated = tonumber(state[2]) or now
if now > updated then
  tokens = math.min(rate, tokens + (now - updated) * rate / 1000)
  updated = now
end
local needed = math.min(least, rate)
local granted = 0
local wait = 0
if tokens + 1e-9 >= needed then
  granted = math.max(least, math.min(most, math.floor(tokens + 1e-9)))
  tokens = tokens - granted
else
  wait = math.ceil((needed - tokens) * 1000 / rate)
end
redis.call('HSET', key, 't', string.format('%.6f', tokens), 'u', num(updated))
-- Full again after (rate - tokens) / rate seconds; kept a second beyond that.
redis.call('PEXPIRE', key, math.ceil((rate - tokens) * 1000 / rate) + 1000)
return { granted, wait }
