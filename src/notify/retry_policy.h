// RetryPolicy: when a webhook delivery is tried again after its first attempt failed, as
// Zaqar's webhook task does it (notification/tasks/webhook.py): immediate retries, retries
// after minimum_delay, a backoff function from minimum_delay to maximum_delay in steps of 5 s,
// then retries after maximum_delay. A subscription's options._retry_policy wins over its
// queue's metadata._retry_policy unless either sets ignore_subscription_override.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace warren::notify {

struct RetryPolicy {
  int retries_with_no_delay = 3;
  int minimum_delay_retries = 3;
  int minimum_delay = 5;  // seconds
  int maximum_delay = 30;
  int maximum_delay_retries = 3;
  std::string backoff = "linear";  // linear | arithmetic | geometric | exponential
};

// The policy for a subscription with options `subscription_options` (JSON object text) on a
// queue with metadata `queue_metadata` (JSON object text; "" for none). Bad or missing values
// fall back to Zaqar's defaults.
RetryPolicy resolve_retry_policy(std::string_view subscription_options,
                                 std::string_view queue_metadata);

// The delays in seconds before each retry, in order (empty: no retry).
std::vector<int> retry_delays(const RetryPolicy& policy);

}  // namespace warren::notify
