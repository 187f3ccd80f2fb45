-- delete_received: deletes a message if the receipt names its latest delivery (store.h).
-- ARGV: now, id, receive count of the delivery. Returns 1 deleted, 0 not (missing or stale).
local r = load(ARGV[2])
if not r or r[3] <= now then return 0 end
if r[9] ~= tonumber(ARGV[3]) then return 0 end
drop(ARGV[2])
return 1
