// The engine's Lua scripts, embedded at build time from lua/*.lua (see embed_lua.cmake). Each is
// run by EVALSHA and loaded with SCRIPT LOAD the first time a node answers NOSCRIPT.
#pragma once

#include <string_view>

namespace warren::store::redis {

struct Script {
  std::string_view name;
  std::string_view sha1;  // hex SHA1 of `text`, as Redis computes it
  std::string_view text;
};

namespace scripts {
// Messages
extern const Script post;
extern const Script list;
extern const Script get;
extern const Script delete_one;
extern const Script delete_many;
extern const Script pop;
extern const Script purge;
extern const Script stats;
// Queues
extern const Script queue_create;
extern const Script queue_set;
extern const Script queue_delete;
// Claims and dead-lettering
extern const Script claim;
extern const Script claim_get;
extern const Script claim_update;
extern const Script claim_release;
extern const Script visibility;
extern const Script delete_received;
extern const Script dlq_in;
extern const Script dlq_ack;
// Subscriptions
extern const Script sub_create;
extern const Script sub_list;
extern const Script sub_get;
extern const Script sub_update;
extern const Script sub_confirm;
extern const Script sub_delete;
extern const Script sub_purge;
// Maintenance
extern const Script reap;
// Shared rate buckets
extern const Script bucket_take;
}  // namespace scripts

}  // namespace warren::store::redis
