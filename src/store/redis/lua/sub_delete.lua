-- sub_delete: deletes one subscription. ARGV: now, id.
local sid = ARGV[2]
drop_subscription(sid)
return 0
