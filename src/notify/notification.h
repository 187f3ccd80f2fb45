// The notification document Zaqar sends subscribers for each posted message (zaqar-v2-api.md
// §9): {"ttl": N, "body": <body>[, "delay": N], "Message_Type": "Notification",
// "queue_name": "<queue>"}. No message id, as in Zaqar. Pushed to sockets as bare frames and
// POSTed to webhooks.
#pragma once

#include <string>
#include <string_view>

#include "engine/queue_service.h"

namespace warren::notify {

// Appends the notification of `message` (posted to `queue`) as compact JSON.
void append_notification(std::string& out, std::string_view queue,
                         const engine::PostedMessage& message);

}  // namespace warren::notify
