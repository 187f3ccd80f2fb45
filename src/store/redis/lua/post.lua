-- post: appends messages in order to an existing queue (a post never creates its queue: the
-- engine does, with queue_create). ARGV: now, client, count, then body, ttl_s, delay_s, body
-- encoding for each.
-- The ids of one call are consecutive. Returns {queue to be indexed (0/1), first sequence
-- number}: a queue whose indexing failed before is indexed by the caller; {-1, 0}: no queue.
local client = ARGV[2]
local n = tonumber(ARGV[3])
if redis.call('EXISTS', K.q) == 0 then return { -1, 0 } end
local created = unindexed()
local last = redis.call('INCRBY', K.seq, n)
local first = last - n + 1
for i = 0, n - 1 do
  local body = ARGV[4 + 4 * i]
  local ttl = tonumber(ARGV[5 + 4 * i])
  local delay = tonumber(ARGV[6 + 4 * i])
  local encoding = tonumber(ARGV[7 + 4 * i])
  insert(first + i, body,
    { now, ttl, now + ttl * 1000, now + delay * 1000, '', 0, 0, client, 0, encoding })
end
return { created, first }
