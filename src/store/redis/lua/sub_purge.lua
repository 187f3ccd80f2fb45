-- sub_purge: deletes every subscription of the queue. ARGV: now.
redis.call('UNLINK', K.s, K.sidx, K.sby, K.sexp)
return 0
