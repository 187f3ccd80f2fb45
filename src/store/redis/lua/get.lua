-- get: the live messages among the ids (any state). ARGV: now, id... Returns messages.
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local r = load(id)
  if r and r[3] > now then emit(out, id, r) end
end
return out
