// Webhook request bodies and headers from a subscription's options (post_data, post_headers).
#include "notify/post_fanout.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

constexpr std::string_view kNote = R"({"ttl":60,"body":1})";

TEST(WebhookBody, NotificationAsIsWithoutPostData) {
  EXPECT_EQ(webhook_body("{}", kNote), kNote);
  EXPECT_EQ(webhook_body(R"({"post_data":5})", kNote), kNote);  // not a string: ignored
}

TEST(WebhookBody, PostDataTemplateReplacesEveryQuotedPlaceholder) {
  EXPECT_EQ(webhook_body(R"({"post_data":"{\"m\":\"$zaqar_message$\",\"n\":[\"$zaqar_message$\"]}"})",
                         kNote),
            R"({"m":{"ttl":60,"body":1},"n":[{"ttl":60,"body":1}]})");
  // Without its quotes the placeholder is left alone, as in Zaqar.
  EXPECT_EQ(webhook_body(R"({"post_data":"x $zaqar_message$ y"})", kNote), "x $zaqar_message$ y");
}

TEST(WebhookHeaders, StringsAsTheyAreOthersAsJson) {
  const auto headers = webhook_headers(R"({"post_headers":{"X-A":"1","X-B":2,"X-C":true}})");
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"X-A", "1"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-B", "2"}));
  EXPECT_EQ(headers[2], (std::pair<std::string, std::string>{"X-C", "true"}));
}

TEST(WebhookHeaders, NoLineBreaksIntoTheRequest) {
  const auto headers =
      webhook_headers(R"({"post_headers":{"X-Evil":"a\r\nInjected: 1","Bad Name":"x","X-Ok":"y"}})");
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].first, "X-Ok");
}

}  // namespace
}  // namespace warren::notify
