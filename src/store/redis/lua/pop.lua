-- pop: removes and returns up to `limit` messages no live claim holds, oldest first, delayed
-- ones included. ARGV: now, limit. Merges the heads of P:free and P:dlyseq (both by sequence),
-- so it too never scans past claimed messages.
local limit = tonumber(ARGV[2])
promote(PROMOTE_LIMIT)
local out = {}
local taken, examined = 0, 0
while taken < limit and examined < limit + 1000 do
  local f = redis.call('ZRANGE', K.free, 0, 0, 'WITHSCORES')
  local d = redis.call('ZRANGE', K.dlyseq, 0, 0, 'WITHSCORES')
  local id
  if #f > 0 and (#d == 0 or tonumber(f[2]) < tonumber(d[2])) then id = f[1]
  elseif #d > 0 then id = d[1]
  else break end
  examined = examined + 1
  local r = load(id)
  if r and r[3] > now then
    emit(out, id, r)
    taken = taken + 1
  end
  drop(id)
end
return out
