// Subscriber URL parsing: what the sender calls, and the URLs refused with a 400.
#include "notify/webhook_url.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

Errc refusal(std::string_view url) {
  auto parsed = parse_webhook_url(url);
  EXPECT_FALSE(parsed.has_value()) << url;
  return parsed ? Errc::internal : parsed.error().code;
}

TEST(WebhookUrl, NameHostPortAndTarget) {
  auto t = parse_webhook_url("http://hooks.example:8080/a/b?x=1&y=%20#frag");
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->host, "hooks.example");
  EXPECT_FALSE(t->literal);
  EXPECT_EQ(t->port, "8080");
  EXPECT_EQ(t->target, "/a/b?x=1&y=%20");
  EXPECT_EQ(t->host_header, "hooks.example:8080");
}

TEST(WebhookUrl, DefaultsPortsAndPath) {
  auto http = parse_webhook_url("http://hooks.example");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(http->port, "80");
  EXPECT_EQ(http->target, "/");
  EXPECT_EQ(http->host_header, "hooks.example");
  auto https = parse_webhook_url("HTTPS://hooks.example/p");
  ASSERT_TRUE(https.has_value());
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->port, "443");
  auto trust = parse_webhook_url("trust+http://hooks.example/");
  ASSERT_TRUE(trust.has_value());
  EXPECT_EQ(trust->host, "hooks.example");
}

TEST(WebhookUrl, IpLiteralsAreAddresses) {
  auto v4 = parse_webhook_url("http://127.0.0.1:9/x");
  ASSERT_TRUE(v4.has_value());
  ASSERT_TRUE(v4->literal);
  EXPECT_EQ(*v4->literal, boost::asio::ip::make_address("127.0.0.1"));
  EXPECT_EQ(v4->host_header, "127.0.0.1:9");
  auto v6 = parse_webhook_url("http://[::1]:8080/");
  ASSERT_TRUE(v6.has_value());
  ASSERT_TRUE(v6->literal);
  EXPECT_EQ(*v6->literal, boost::asio::ip::make_address("::1"));
  EXPECT_EQ(v6->host, "::1");  // what is connected to: no brackets
  EXPECT_EQ(v6->host_header, "[::1]:8080");
}

TEST(WebhookUrl, PercentEncodedNamesAreDecodedAndChecked) {
  auto t = parse_webhook_url("http://ho%6Fks.example/");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->host, "hooks.example");
  // A NUL or a dot-less trick hidden by percent-encoding is no DNS name.
  EXPECT_EQ(refusal("http://127.0.0.1%00.hooks.example/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://a%2Fb/"), Errc::subscriber_url_invalid);
}

TEST(WebhookUrl, AnAddressFollowedByMoreHostIsNoAddress) {
  // Boost.URL 1.81 would read these as host 127.0.0.1 and a path not starting with '/'.
  EXPECT_EQ(refusal("http://127.0.0.1.nip.example/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://8.8.8.8.hooks.example/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://127.0.0.1x/"), Errc::subscriber_url_invalid);
}

TEST(WebhookUrl, ControlCharactersAreRefused) {
  EXPECT_EQ(refusal("http://hooks.example/a\r\nX-Injected: 1"),
            Errc::subscriber_control_characters);
  EXPECT_EQ(refusal(std::string_view("http://hooks.example/\0", 22)),
            Errc::subscriber_control_characters);
  EXPECT_EQ(refusal("http://hooks.example/\x7f"), Errc::subscriber_control_characters);
  EXPECT_EQ(refusal("http://hooks.example/\t"), Errc::subscriber_control_characters);
  EXPECT_TRUE(has_control_characters("mailto:a@b.example\r\nBcc: x"));
  EXPECT_FALSE(has_control_characters("mailto:a@b.example"));
}

TEST(WebhookUrl, UserinfoIsRefused) {
  EXPECT_EQ(refusal("http://user:pass@hooks.example/"), Errc::subscriber_userinfo);
  EXPECT_EQ(refusal("http://user@hooks.example/"), Errc::subscriber_userinfo);
  EXPECT_EQ(refusal("http://@hooks.example/"), Errc::subscriber_userinfo);
  EXPECT_EQ(refusal("http://hooks.example@127.0.0.1/"), Errc::subscriber_userinfo);
}

TEST(WebhookUrl, BrokenUrlsAreRefused) {
  EXPECT_EQ(refusal("http://"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http:///path"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://hooks example/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://hooks.example:0/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://hooks.example:65536/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://hooks.example:99999999999999999999/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("http://[v1.x]/"), Errc::subscriber_url_invalid);
  EXPECT_EQ(refusal("ftp://hooks.example/"), Errc::subscriber_url_invalid);
  auto port = parse_webhook_url("http://hooks.example:00080/");
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->port, "80");
}

TEST(WebhookUrl, WhichSubscribersAreWebhooks) {
  EXPECT_TRUE(is_webhook_url("http://x.example"));
  EXPECT_TRUE(is_webhook_url("HTTPS://x.example"));
  EXPECT_FALSE(is_webhook_url("mailto:a@x.example"));
  EXPECT_FALSE(is_webhook_url("httpx://x.example"));
}

}  // namespace
}  // namespace warren::notify
