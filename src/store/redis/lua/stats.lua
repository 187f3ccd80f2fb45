-- stats: message counts and the oldest and newest live messages. ARGV: now.
-- Returns {free, claimed, total, oldest id, oldest created, newest id, newest created, body
-- bytes} (ids '' when the queue is empty). Counting is O(log n): expired messages not yet reaped are counted
-- through P:exp, and a live claim's messages cannot expire before it ends.
local expired = redis.call('ZCOUNT', K.exp, '-inf', num(now))
local total = redis.call('ZCARD', K.ids) - expired
local claimed = redis.call('ZCOUNT', K.clm, '(' .. num(now), '+inf')
local function edge(reverse)
  for start = 0, 1000, 100 do
    local ids
    if reverse then
      ids = redis.call('ZREVRANGE', K.ids, start, start + 99)
    else
      ids = redis.call('ZRANGE', K.ids, start, start + 99)
    end
    if #ids == 0 then return '', 0 end
    for _, id in ipairs(ids) do
      local r = load(id)
      if r and r[3] > now then return id, r[1] end
    end
  end
  return '', 0
end
local oldest, ocreated, newest, ncreated = '', 0, '', 0
if total > 0 then
  oldest, ocreated = edge(false)
  newest, ncreated = edge(true)
end
local bytes = tonumber(redis.call('HGET', K.q, 'bytes') or '0')
if bytes < 0 then bytes = 0 end
return { total - claimed, claimed, total, oldest, ocreated, newest, ncreated, bytes }
