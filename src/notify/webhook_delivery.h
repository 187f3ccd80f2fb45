// What the webhook sender carries: one delivery (one POST of one notification to one
// subscriber URL, with its retry schedule), and the reasons a delivery can be dropped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warren::notify {

struct WebhookDelivery {
  std::string project;  // whose subscription: the sender shares its queue and slots fairly by
                        // project, then by subscriber (project, url)
  std::string url;      // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type, Host
  std::string content_type = "application/json";
  std::string body;
  std::vector<int> retry_delays;  // seconds before each retry
  // Set for a trust+http(s) subscriber (`url` is then the URL after "trust+"): the sender
  // trades this Keystone trust for a token (auth/trust_tokens.h) and sends it as X-Auth-Token.
  // "" when the subscription has no usable trust_id (dropped as no_trust_token).
  std::optional<std::string> trust_id;
};

// Why a delivery was dropped, each counted by the sender (WebhookStats).
enum class DropReason : std::size_t {
  queue_full,       // --webhook-queue-limit: the global memory ceiling
  project_full,     // --webhook-project-queue-limit: the project's share
  subscriber_full,  // --webhook-subscriber-queue-limit, the subscriber's breaker closed
  breaker_open,     // the subscriber's queue is full while its circuit breaker is open
  gave_up,          // every retry of its policy failed
  refused_address,  // at connect time: the URL, or every address its host resolved to, is
                    // refused by the address policy
  no_trust_token,   // a trust+ delivery for which Keystone gave no token, through every retry
                    // (or no trust to ask for: no trust_id, no Keystone)
};
inline constexpr std::size_t kDropReasons = 7;

// A short name of `reason` for logs ("queue full", ...).
std::string_view drop_reason_name(DropReason reason) noexcept;

}  // namespace warren::notify
