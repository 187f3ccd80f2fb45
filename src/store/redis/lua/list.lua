-- list: live messages in FIFO order after a sequence number. ARGV: now, after_seq (0 = from the
-- start), limit, echo client ('' = none), include_claimed (0/1), include_delayed (0/1), budget
-- (most entries examined in this call, so one call never stalls Redis).
-- Returns {last sequence number examined, exhausted (0/1), messages...}: the caller calls again
-- from there while the page is short and the queue not exhausted.
local after = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local echo = ARGV[4]
local with_claimed = ARGV[5] == '1'
local with_delayed = ARGV[6] == '1'
local budget = tonumber(ARGV[7])
local out = {}
local found, examined, exhausted = 0, 0, 0
while found < limit and examined < budget do
  local chunk = math.min(100, budget - examined)
  local ids = redis.call('ZRANGEBYSCORE', K.ids, '(' .. num(after), '+inf', 'LIMIT', 0, chunk)
  if #ids == 0 then exhausted = 1 break end
  for _, id in ipairs(ids) do
    examined = examined + 1
    after = seq_of(id)
    local r = load(id)
    if r and r[3] > now
        and (with_claimed or r[5] == '' or r[6] <= now)
        and (with_delayed or r[4] <= now)
        and (echo == '' or r[8] ~= echo) then
      emit(out, id, r)
      found = found + 1
      if found == limit then break end
    end
  end
  if #ids < chunk and found < limit then exhausted = 1 break end
end
local reply = { after, exhausted }
for _, v in ipairs(out) do reply[#reply + 1] = v end
return reply
