-- dlq_in: appends one dead-lettered message to this (dead-letter) queue, creating it if
-- missing, unclaimed and visible at once, keeping its claim and receive counts and its body
-- encoding. ARGV: now, body, client, created, ttl_s, expires, claim count, receive count,
-- encoding.
-- Returns {queue to be indexed (0/1), id} (see post.lua).
ensure_queue()
local created = unindexed()
local seq = redis.call('INCR', K.seq)
local r = { tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), now, '', 0,
  tonumber(ARGV[7]), ARGV[3], tonumber(ARGV[8]), tonumber(ARGV[9]) }
local id = insert(seq, ARGV[2], r)
return { created, id }
