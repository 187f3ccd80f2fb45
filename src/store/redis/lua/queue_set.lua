-- queue_set: replaces the metadata of an existing queue. ARGV: now, metadata.
-- Returns 0 if the queue does not exist.
if redis.call('EXISTS', K.q) == 0 then return 0 end
redis.call('HSET', K.q, 'meta', ARGV[2])
return 1
