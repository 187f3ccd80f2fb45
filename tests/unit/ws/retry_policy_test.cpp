// Retry schedules: Zaqar's defaults and backoff functions (values computed with Zaqar's own
// Python, notification/tasks/webhook.py), and which policy wins.
#include "notify/retry_policy.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

std::vector<int> backoff_part(const RetryPolicy& p) {
  RetryPolicy only = p;
  only.retries_with_no_delay = only.minimum_delay_retries = only.maximum_delay_retries = 0;
  return retry_delays(only);
}

TEST(RetryPolicy, ZaqarDefaults) {
  const RetryPolicy p;
  EXPECT_EQ(retry_delays(p),
            (std::vector<int>{0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30}));
}

TEST(RetryPolicy, BackoffFunctionsMatchZaqar) {
  RetryPolicy p;
  p.backoff = "linear";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{5, 10, 15, 20, 25}));
  p.backoff = "geometric";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{5, 7, 12, 19, 30}));
  p.backoff = "exponential";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{5, 7, 12, 19, 30}));
  p.backoff = "arithmetic";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{5, 7, 12, 20, 30}));
  p.minimum_delay = 2;
  p.maximum_delay = 40;
  p.backoff = "geometric";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{2, 3, 5, 8, 14, 24, 40}));
  p.backoff = "arithmetic";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{2, 3, 7, 12, 20, 29, 40}));
  p.minimum_delay = 1;
  p.maximum_delay = 11;
  p.backoff = "linear";
  EXPECT_EQ(backoff_part(p), (std::vector<int>{1, 6}));
}

TEST(RetryPolicy, SubscriptionOverridesQueueUnlessIgnored) {
  const std::string queue = R"({"_retry_policy":{"retries_with_no_delay":1}})";
  const std::string subscription = R"({"_retry_policy":{"retries_with_no_delay":7}})";
  EXPECT_EQ(resolve_retry_policy(subscription, queue).retries_with_no_delay, 7);
  EXPECT_EQ(resolve_retry_policy("{}", queue).retries_with_no_delay, 1);
  EXPECT_EQ(resolve_retry_policy("{}", "").retries_with_no_delay, 3);
  const std::string ignoring =
      R"({"_retry_policy":{"retries_with_no_delay":1,"ignore_subscription_override":true}})";
  EXPECT_EQ(resolve_retry_policy(subscription, ignoring).retries_with_no_delay, 1);
  const std::string sub_ignoring =
      R"({"_retry_policy":{"retries_with_no_delay":9,"ignore_subscription_override":true}})";
  EXPECT_EQ(resolve_retry_policy(sub_ignoring, "").retries_with_no_delay, 3);  // queue's: none
}

TEST(RetryPolicy, BadValuesFallBackToDefaults) {
  const RetryPolicy p = resolve_retry_policy(
      R"({"_retry_policy":{"minimum_delay":"x","retry_backoff_function":"bogus","maximum_delay":-1}})",
      "");
  EXPECT_EQ(p.minimum_delay, 5);
  EXPECT_EQ(p.maximum_delay, 30);
  EXPECT_EQ(p.backoff, "linear");
}

}  // namespace
}  // namespace warren::notify
