-- delete_many: deletes the listed messages. ARGV: now, k, k claim ids, then the message ids.
-- With k > 0, a listed live message held by a live claim not among the k claim ids stops the
-- call before anything is deleted: returns {1, that claim id}. Otherwise returns {0}.
local k = tonumber(ARGV[2])
if k > 0 then
  local allowed = {}
  for i = 3, 2 + k do allowed[ARGV[i]] = true end
  for i = 3 + k, #ARGV do
    local r = load(ARGV[i])
    if r and r[3] > now and r[5] ~= '' and r[6] > now and not allowed[r[5]] then
      return { 1, r[5] }
    end
  end
end
for i = 3 + k, #ARGV do drop(ARGV[i]) end
return { 0 }
