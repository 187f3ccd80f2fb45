// Limits: Zaqar's [transport] limits and defaults (zaqar/conf/transport.py, validation.py),
// with Zaqar's values as defaults. The engine enforces them for every transport.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace warren::engine {

// Fixed minimums of Zaqar's validation.py.
inline constexpr std::int64_t kMinMessageTtl = 60;
inline constexpr std::int64_t kMinMessageDelay = 0;
inline constexpr std::int64_t kMinClaimTtl = 60;
inline constexpr std::int64_t kMinClaimGrace = 60;
inline constexpr std::int64_t kMinSubscriptionTtl = 60;
inline constexpr std::size_t kMaxQueueNameLength = 64;
inline constexpr std::size_t kMaxProjectIdLength = 256;

struct Limits {
  std::int64_t max_queues_per_page = 20;
  std::int64_t max_messages_per_page = 20;
  std::int64_t max_subscriptions_per_page = 20;
  std::int64_t max_messages_per_claim_or_pop = 20;

  std::int64_t max_queue_metadata = 65536;       // bytes of a queue PUT/PATCH body
  std::int64_t max_messages_post_size = 262144;  // bytes of a message POST body

  std::int64_t max_message_ttl = 1209600;
  std::int64_t default_message_ttl = 3600;
  std::int64_t max_message_delay = 900;
  std::int64_t default_message_delay = 0;
  std::int64_t max_claim_ttl = 43200;
  std::int64_t default_claim_ttl = 300;
  std::int64_t max_claim_grace = 43200;
  std::int64_t default_claim_grace = 60;
  std::int64_t default_subscription_ttl = 3600;

  std::vector<std::string> subscriber_types = {"http", "https", "mailto", "trust+http",
                                               "trust+https"};
  // DELETE ...messages?ids= must name the claims of claimed messages (claim_ids=).
  bool message_delete_with_claim_id = false;
};

}  // namespace warren::engine
