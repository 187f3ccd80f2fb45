// What the webhook sender carries: one delivery (one POST of one notification to one
// subscriber URL, with its retry schedule), and the reasons a delivery can be dropped.
#pragma once

#include <cstddef>
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
};
inline constexpr std::size_t kDropReasons = 6;

// A short name of `reason` for logs ("queue full", ...).
std::string_view drop_reason_name(DropReason reason) noexcept;

}  // namespace warren::notify
