-- queue_create: creates the queue with its metadata unless it exists. ARGV: now, metadata.
-- Returns 1 if created, 0 if it existed (its metadata unchanged).
if redis.call('EXISTS', K.q) == 1 then return 0 end
redis.call('HSET', K.q, 'meta', ARGV[2])
return 1
