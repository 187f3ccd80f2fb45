// Pre-signed URLs: signatures identical to Zaqar's, ISO dates as oslo reads them, verification.
#include "auth/signed_url.h"

#include <gtest/gtest.h>

namespace warren::auth {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

TEST(SignedUrl, SignatureMatchesZaqars) {
  // zaqar.common.urls.create_signed_url('secret', ['/v2/queues/q/messages',
  // '/v2/queues/q/claims'], project='p', methods=['POST', 'GET'], expires='2030-01-01T00:00:00')
  auto url = create_signed_url("secret", {"/v2/queues/q/messages", "/v2/queues/q/claims"},
                               {"POST", "GET"}, "p", "2030-01-01T00:00:00", kNow);
  ASSERT_TRUE(url) << url.error().description;
  EXPECT_EQ(url->paths, (std::vector<std::string>{"/v2/queues/q/claims", "/v2/queues/q/messages"}));
  EXPECT_EQ(url->methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(url->expires, "2030-01-01T00:00:00");
  EXPECT_EQ(url->signature, "057cbaaef133de42b305908d5497d3a1456a4ba772d6767e7531b9fb74872535");
}

TEST(SignedUrl, DefaultsAndErrors) {
  auto url = create_signed_url("k", {"/v2/queues/q/messages"}, {}, "p", std::nullopt, kNow);
  ASSERT_TRUE(url);
  EXPECT_EQ(url->methods, (std::vector<std::string>{"GET"}));
  EXPECT_EQ(url->expires, "2023-11-15T22:13:20");  // a day later
  EXPECT_EQ(create_signed_url("", {"/p"}, {}, "p", std::nullopt, kNow).error().code,
            Errc::share_no_key);
  EXPECT_EQ(create_signed_url("k", {"/p"}, {}, "p", "2016", kNow).error().code,
            Errc::share_expires_integer);
  EXPECT_EQ(create_signed_url("k", {"/p"}, {}, "p", "soon", kNow).error().code,
            Errc::share_expires_unparseable);
  EXPECT_EQ(create_signed_url("k", {"/p"}, {}, "p", "2020-01-01T00:00:00", kNow).error().code,
            Errc::share_expires_past);
}

TEST(SignedUrl, IsoTimesAsOsloReadsThem) {
  EXPECT_EQ(*parse_iso_time("1970-01-02"), 86400);
  EXPECT_EQ(*parse_iso_time("1970-01-01T01:00:00"), 3600);
  EXPECT_EQ(*parse_iso_time("1970-01-01T01:00:00Z"), 3600);
  EXPECT_EQ(*parse_iso_time("1970-01-01 01:00"), 3600);
  EXPECT_EQ(*parse_iso_time("1970-01-01T03:00:00.5+02:00"), 3600);
  EXPECT_EQ(*parse_iso_time("1970-01-01T00:00:00-01:30"), 5400);
  EXPECT_FALSE(parse_iso_time("1970-13-01"));
  EXPECT_FALSE(parse_iso_time("1970-01-01Tnoon"));
  EXPECT_EQ(format_iso_time(86400 + 3661), "1970-01-02T01:01:01");
}

TEST(SignedUrl, VerificationNeedsEveryFactRight) {
  auto url = create_signed_url("k", {"/v2/queues/q/messages"}, {"GET"}, "p",
                               "2030-01-01T00:00:00", kNow);
  ASSERT_TRUE(url);
  SignedHeaders h{url->signature, url->expires, "GET", "/v2/queues/q/messages", "p"};
  EXPECT_TRUE(verify_signed_request("k", h, "GET", "/v2/queues/q/messages", kNow));
  EXPECT_FALSE(verify_signed_request("other", h, "GET", "/v2/queues/q/messages", kNow));
  EXPECT_FALSE(verify_signed_request("k", h, "POST", "/v2/queues/q/messages", kNow));
  EXPECT_FALSE(verify_signed_request("k", h, "GET", "/v2/queues/other/messages", kNow));
  SignedHeaders wrong_project = h;
  wrong_project.project = "q";
  EXPECT_FALSE(verify_signed_request("k", wrong_project, "GET", "/v2/queues/q/messages", kNow));
  SignedHeaders widened = h;
  widened.methods = "GET,DELETE";
  EXPECT_FALSE(verify_signed_request("k", widened, "DELETE", "/v2/queues/q/messages", kNow));
  // After expiry nothing verifies.
  EXPECT_FALSE(verify_signed_request("k", h, "GET", "/v2/queues/q/messages",
                                     *parse_iso_time("2030-01-01T00:00:01") * 1000));
}

}  // namespace
}  // namespace warren::auth
