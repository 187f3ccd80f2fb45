-- delete_one: deletes one message, checking its claim. ARGV: now, id, claim id ('' = none).
-- Returns 0 deleted (or missing), 1 a live claim (another one) holds it, 2 the claim given is not
-- the message's and the message is not claimed by a live claim.
local id, cid = ARGV[2], ARGV[3]
local r = load(id)
if not r then return 0 end
if r[3] <= now then drop(id) return 0 end
local held = r[5] ~= '' and r[6] > now
if cid == '' then
  if held then return 1 end
elseif r[5] ~= cid then
  if held then return 1 end
  return 2
end
drop(id)
return 0
