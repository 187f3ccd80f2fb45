-- queue_delete: deletes the queue with its messages, claims and pending dead-letter moves.
-- UNLINK frees the big structures off Redis's main thread; subscriptions and the sequence
-- counter survive (the counter so that a re-created queue never reuses an id). ARGV: now.
redis.call('UNLINK', K.q, K.b, K.m, K.ids, K.exp, K.free, K.dly, K.dlyseq, K.clm, K.c, K.cexp,
  K.out, K.outl)
return 0
