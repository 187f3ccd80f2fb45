// Decoding of request bodies into the engine's request model, with the type rules of Zaqar's
// wsgi utils (sanitize / get_checked_field) and validation.py. Shared by the HTTP resources and
// the WebSocket actions, which carry the same fields (inside their frame's "body").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "engine/json.h"
#include "engine/limits.h"
#include "engine/requests.h"
#include "store/types.h"

namespace warren::api {

// A JSON array of messages: each an object with "ttl" (int, optional), "body" (required, any
// value) and, on delay queues only, "delay" (int, optional); other fields are dropped.
Result<std::vector<engine::MessageInput>> decode_messages(engine::json::Element messages,
                                                          const engine::PostPlan& plan);

// A message POST document {"messages": [...]}.
Result<std::vector<engine::MessageInput>> decode_post_document(std::string_view body,
                                                               const engine::PostPlan& plan);

// Claim options {"ttl": int, "grace": int}; absent fields stay absent (the engine's defaults).
Result<engine::ClaimOptions> decode_claim_options(engine::json::Element document);

// Subscription fields as Zaqar's subscription_patching checks them (subscriber scheme aside,
// which the engine checks). `for_create` requires "subscriber".
struct SubscriptionFields {
  std::optional<std::string> subscriber;
  std::optional<std::int64_t> ttl;
  std::optional<std::string> options;  // compact JSON object
};
Result<SubscriptionFields> decode_subscription(engine::json::Element document, bool for_create);

// {"confirmed": bool}.
Result<bool> decode_confirmation(engine::json::Element document);

// Purge document {"resource_types": [...]} -> (messages, subscriptions).
struct PurgeTargets {
  bool messages = true;
  bool subscriptions = true;
};
Result<PurgeTargets> decode_purge(engine::json::Element document);

}  // namespace warren::api
