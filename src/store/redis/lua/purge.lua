-- purge: deletes up to `batch` messages that no live claim holds. ARGV: now, batch.
-- Returns {deleted, more (0/1)}; the caller repeats while more is 1.
local batch = tonumber(ARGV[2])
local cut = promote(batch)
local deleted = 0
for _, set in ipairs({ K.free, K.dlyseq }) do
  if deleted < batch then
    local ids = redis.call('ZRANGE', set, 0, batch - deleted - 1)
    for _, id in ipairs(ids) do drop(id) end
    deleted = deleted + #ids
  end
end
local more = 0
if cut or deleted == batch then more = 1 end
return { deleted, more }
