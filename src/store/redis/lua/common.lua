-- common.lua: prepended to every script of the redis engine (see embed_lua.cmake).
-- KEYS are every key of one queue, "w:{project/queue}:<suffix>" in the order below (keys.h
-- QueueKeys): they share the queue's hash tag, so a script touches one cluster slot, and they
-- are all declared, so Redis refuses (TRYAGAIN) a script over a slot caught mid-migration.
-- ARGV[1] is always `now` (wall-clock ms, from the caller).
--
-- The queue record P:q is a hash: 'meta' (metadata JSON), 'ix' (indexed), 'bytes' (body bytes
-- of the messages stored, expired ones until reaped).
-- Messages (P = the prefix): P:b hash id->body; P:m hash id->record (msgpack: created, ttl_s,
-- expires, visible, claim id, claim expires, claim count, client, receive count, body encoding
-- (0 JSON, 1 text); records written before the last two existed read as claim count and 0).
-- Indexes (sorted sets of ids):
--   P:ids    every message, by sequence number (FIFO order, listings, markers)
--   P:exp    every message, by expiry time (reaping)
--   P:free   claimable: visible and unclaimed, by sequence number (claims take the head)
--   P:dly    unclaimed but delayed, by visible-at time; P:dlyseq the same ids by sequence
--   P:clm    claimed, by claim expiry
-- promote() moves due entries of P:dly and P:clm into P:free, so a claim is a few O(log n)
-- steps whatever the queue's depth: it never scans past claimed or delayed messages.
local K = {}
for i, name in ipairs({ 'q', 'seq', 'b', 'm', 'ids', 'exp', 'free', 'dly', 'dlyseq', 'clm',
    'c', 'cexp', 'out', 'outl', 's', 'sidx', 'sby', 'sexp' }) do
  K[name] = KEYS[i]
end
local now = tonumber(ARGV[1])

-- Integers as exact decimal text (tostring would switch to exponents past 1e14).
local function num(x) return string.format('%d', x) end
local function id_of(seq) return string.format('%016x', seq) end
local function seq_of(id) return tonumber(id, 16) end

local function load(id)
  local s = redis.call('HGET', K.m, id)
  if not s then return nil end
  local r = { cmsgpack.unpack(s) }
  if r[9] == nil then r[9] = r[7] end
  if r[10] == nil then r[10] = 0 end
  return r
end
local function store(id, r)
  redis.call('HSET', K.m, id,
    cmsgpack.pack(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]))
end

-- Removes a message from every structure, and its body's bytes from the queue's count (the
-- queue record's 'bytes' field; never recreates a deleted queue's record).
local function drop(id)
  local size = redis.call('HSTRLEN', K.b, id)
  if size > 0 and redis.call('EXISTS', K.q) == 1 then redis.call('HINCRBY', K.q, 'bytes', -size) end
  redis.call('HDEL', K.b, id)
  redis.call('HDEL', K.m, id)
  redis.call('ZREM', K.ids, id)
  redis.call('ZREM', K.exp, id)
  redis.call('ZREM', K.free, id)
  redis.call('ZREM', K.dly, id)
  redis.call('ZREM', K.dlyseq, id)
  redis.call('ZREM', K.clm, id)
end

-- Appends a message in the reply layout the C++ side decodes (11 fields: id, body, created,
-- ttl, expires, visible, claim id, claim expires, claim count, receive count, encoding).
local function emit(out, id, r, body)
  out[#out + 1] = id
  out[#out + 1] = body or redis.call('HGET', K.b, id) or ''
  for i = 1, 7 do out[#out + 1] = r[i] end
  out[#out + 1] = r[9]
  out[#out + 1] = r[10]
end

-- Delayed messages now visible and claimed messages whose claim ended become claimable, at most
-- `limit` of each per call (each message is promoted once per delay or claim: amortised
-- O(log n)). Returns true if the limit cut it short.
local function promote(limit)
  local cut = false
  local due = redis.call('ZRANGEBYSCORE', K.dly, '-inf', num(now), 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', K.dly, id)
    redis.call('ZREM', K.dlyseq, id)
    redis.call('ZADD', K.free, seq_of(id), id)
  end
  if #due == limit then cut = true end
  due = redis.call('ZRANGEBYSCORE', K.clm, '-inf', num(now), 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', K.clm, id)
    redis.call('ZADD', K.free, seq_of(id), id)
  end
  if #due == limit then cut = true end
  return cut
end

-- Deletes up to `limit` expired messages. Returns how many.
local function reap_messages(limit)
  local due = redis.call('ZRANGEBYSCORE', K.exp, '-inf', num(now), 'LIMIT', 0, limit)
  for _, id in ipairs(due) do drop(id) end
  return #due
end

-- Creates the queue record if missing. Returns 1 if it did.
local function ensure_queue()
  if redis.call('EXISTS', K.q) == 1 then return 0 end
  redis.call('HSET', K.q, 'meta', '{}')
  return 1
end

-- 1 if the queue is not known to be in its project's index yet: the caller must index it
-- (RedisStore::index_queue sets the queue's 'ix' field once it has), else 0.
local function unindexed()
  if redis.call('HGET', K.q, 'ix') == '1' then return 0 end
  return 1
end

-- Adds one message with sequence number `seq`; it is free or delayed according to `visible`.
local function insert(seq, body, r)
  local id = id_of(seq)
  redis.call('HSET', K.b, id, body)
  if #body > 0 then redis.call('HINCRBY', K.q, 'bytes', #body) end
  store(id, r)
  redis.call('ZADD', K.ids, seq, id)
  redis.call('ZADD', K.exp, r[3], id)
  if r[4] > now then
    redis.call('ZADD', K.dly, r[4], id)
    redis.call('ZADD', K.dlyseq, seq, id)
  else
    redis.call('ZADD', K.free, seq, id)
  end
  return id
end

-- Message `id` (record `r`) is held by a claim ending at `cexp`: its life is stretched to at
-- least `floor` (the claim's end + grace; its ttl becomes ttl + grace), the record is stored and
-- the message joins the claimed index.
local function hold(id, r, cexp, floor, ttl, grace)
  r[6] = cexp
  if r[3] < floor then
    r[3] = floor
    r[2] = ttl + grace
    redis.call('ZADD', K.exp, floor, id)
  end
  store(id, r)
  redis.call('ZADD', K.clm, cexp, id)
end

-- Deletes subscription `sid` with its index entries; its subscriber's entry goes only if it
-- still names `sid`.
local function drop_subscription(sid)
  local s = redis.call('HGET', K.s, sid)
  if s then
    local subscriber = cmsgpack.unpack(s)
    if redis.call('HGET', K.sby, subscriber) == sid then redis.call('HDEL', K.sby, subscriber) end
  end
  redis.call('HDEL', K.s, sid)
  redis.call('ZREM', K.sidx, sid)
  redis.call('ZREM', K.sexp, sid)
end

local PROMOTE_LIMIT = 1000
