// Rendering of engine results as Zaqar's v2 HTTP JSON (messages, claims, stats,
// subscriptions), written straight into the response buffer.
#pragma once

#include <string_view>

#include "common/json_writer.h"
#include "store/types.h"

namespace warren::api {

// Whole seconds between `created` and `now` (never negative).
std::int64_t age_seconds(store::TimeMs created, store::TimeMs now) noexcept;

// "YYYY-MM-DDTHH:MM:SSZ".
std::string iso8601(store::TimeMs time);

// {"id","href","ttl","age","body"}; href is <queue_path>/messages/<id>[?claim_id=<cid>] with the
// claim id the message carries (even a stale one), or `claim_id` when given.
void write_message(JsonWriter& json, const store::Message& message, std::string_view queue_path,
                   store::TimeMs now, std::string_view claim_id = {});

// The raw form of a pop: {"id","age","ttl","body","claim_id","claim_count"} (no href).
void write_popped_message(JsonWriter& json, const store::Message& message, store::TimeMs now);

// {"id","source","subscriber","ttl","age","options","confirmed"}.
void write_subscription(JsonWriter& json, const store::Subscription& subscription,
                        store::TimeMs now);

// {"messages":{"claimed","free","total"[,"oldest","newest"]}} with hrefs under `queue_path`.
void write_stats(JsonWriter& json, const store::QueueStats& stats, std::string_view queue_path,
                 store::TimeMs now);

}  // namespace warren::api
