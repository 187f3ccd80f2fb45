// What the mail sender carries: one delivery (one notification for one mailto: subscriber,
// with its retry schedule), as the fan-out hands it over, and the reasons one can be dropped.
// The subscriber and options are parsed on the sender's thread (mail_compose.h), never on a
// loop.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warren::notify {

struct MailDelivery {
  std::string project;     // whose subscription: the sender shares its queue by project
  std::string queue;       // the queue posted to
  std::string subscriber;  // mailto:...
  std::string options;     // the subscription's options (JSON object text): from, subject
  std::string notification;        // the mail's body: the notification document (JSON)
  std::vector<int> retry_delays;   // seconds before each retry
};

// Why a delivery was dropped, each counted by the sender (MailStats).
enum class MailDropReason : std::size_t {
  queue_full,    // --smtp-queue-limit: the global memory ceiling
  project_full,  // --smtp-project-queue-limit: the project's share
  invalid,       // its subscriber or options do not make a valid mail (checked again at send)
  rejected,      // the relay answered 5xx: a permanent refusal, not retried
  gave_up,       // every retry of its policy failed
};
inline constexpr std::size_t kMailDropReasons = 5;

// A short name of `reason` for logs and the counter's label ("queue_full", ...).
std::string_view mail_drop_reason_name(MailDropReason reason) noexcept;

}  // namespace warren::notify
