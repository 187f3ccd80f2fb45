-- dlq_ack: forgets outbox entries once their messages are in the dead-letter queue.
-- ARGV: now, id...
for i = 2, #ARGV do
  redis.call('HDEL', K.out, ARGV[i])
  redis.call('ZREM', K.outl, ARGV[i])
end
return 0
