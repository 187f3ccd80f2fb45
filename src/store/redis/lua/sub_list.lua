-- sub_list: live subscriptions in id order after a marker. ARGV: now, marker ('' = first),
-- limit. Returns flat {id, subscriber, ttl_s, created, expires, options, confirmed}...
local marker, limit = ARGV[2], tonumber(ARGV[3])
local from = '-'
if marker ~= '' then from = '(' .. marker end
local out, found = {}, 0
while found < limit do
  local ids = redis.call('ZRANGEBYLEX', K.sidx, from, '+', 'LIMIT', 0, 100)
  if #ids == 0 then break end
  for _, sid in ipairs(ids) do
    from = '(' .. sid
    local s = redis.call('HGET', K.s, sid)
    if s then
      local subscriber, ttl, created, expires, options, confirmed = cmsgpack.unpack(s)
      if expires > now then
        for _, v in ipairs({ sid, subscriber, ttl, created, expires, options, confirmed }) do
          out[#out + 1] = v
        end
        found = found + 1
        if found == limit then break end
      end
    end
  end
  if #ids < 100 then break end
end
return out
