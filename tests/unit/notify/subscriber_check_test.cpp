// The subscriber check at subscription time, with the real resolver: literals in refused
// ranges, names that resolve to them (localhost, numeric shorthands), URLs with control
// characters or userinfo; names that do not resolve and other schemes pass; with
// allow_private only the URL checks remain.
#include "notify/subscriber_check.h"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace warren::notify {
namespace {

// Runs the check to completion on an io_context of its own; the error code, or nullopt if
// the subscriber passed.
std::optional<Errc> run_check(std::string_view subscriber, bool allow_private = false) {
  boost::asio::io_context context;
  WebhookSubscriberCheck check({allow_private, std::chrono::seconds(5)});
  std::optional<Result<void>> outcome;
  const std::string text(subscriber);
  boost::asio::co_spawn(context, check.check(text),
                        [&](std::exception_ptr failure, Result<void> result) {
                          if (failure) std::rethrow_exception(failure);
                          outcome = std::move(result);
                        });
  context.run();
  EXPECT_TRUE(outcome.has_value());
  if (!outcome || *outcome) return std::nullopt;
  return outcome->error().code;
}

TEST(SubscriberCheck, RefusesLiteralsInRefusedRanges) {
  for (const char* url :
       {"http://127.0.0.1:9/hook", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/", "https://192.168.0.1/", "http://0.0.0.0:8888/",
        "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "HTTP://127.0.0.1/",
        "trust+http://127.0.0.1/"}) {
    EXPECT_EQ(run_check(url), Errc::subscriber_address_refused) << url;
  }
}

TEST(SubscriberCheck, RefusesNamesThatResolveToRefusedAddresses) {
  EXPECT_EQ(run_check("http://localhost:8080/hook"), Errc::subscriber_address_refused);
  // getaddrinfo reads these as IPv4 addresses (inet_aton's forms): 127.0.0.1.
  EXPECT_EQ(run_check("http://127.1/"), Errc::subscriber_address_refused);
  EXPECT_EQ(run_check("http://2130706433/"), Errc::subscriber_address_refused);
  EXPECT_EQ(run_check("http://0x7f000001/"), Errc::subscriber_address_refused);
}

TEST(SubscriberCheck, TheErrorNamesTheHostAndTheRange) {
  boost::asio::io_context context;
  WebhookSubscriberCheck check({false, std::chrono::seconds(5)});
  std::optional<Result<void>> outcome;
  boost::asio::co_spawn(context, check.check("http://localhost/"),
                        [&](std::exception_ptr, Result<void> result) { outcome = result; });
  context.run();
  ASSERT_TRUE(outcome && !*outcome);
  EXPECT_EQ(outcome->error().status(), 400);
  EXPECT_EQ(outcome->error().description,
            "Webhooks may not reach localhost: it resolves to an address in the loopback range.");
}

TEST(SubscriberCheck, AcceptsPublicAddressesUnresolvableNamesAndOtherSchemes) {
  EXPECT_EQ(run_check("http://93.184.216.34/hook"), std::nullopt);
  EXPECT_EQ(run_check("https://[2606:4700:4700::1111]/"), std::nullopt);
  // .invalid never resolves (RFC 6761): checked again when connecting.
  EXPECT_EQ(run_check("http://hooks.invalid/hook"), std::nullopt);
  EXPECT_EQ(run_check("mailto:ops@localhost"), std::nullopt);
  EXPECT_EQ(run_check("mailto:ops@127.0.0.1"), std::nullopt);
}

TEST(SubscriberCheck, RefusesControlCharactersAndUserinfo) {
  EXPECT_EQ(run_check("http://hooks.invalid/a\r\nX: 1"), Errc::subscriber_control_characters);
  EXPECT_EQ(run_check("mailto:a@b.invalid\r\nBcc: c@d.invalid"),
            Errc::subscriber_control_characters);
  EXPECT_EQ(run_check("http://user:secret@hooks.invalid/"), Errc::subscriber_userinfo);
  EXPECT_EQ(run_check("http://hooks.invalid:70000/"), Errc::subscriber_url_invalid);
}

TEST(SubscriberCheck, AllowPrivateKeepsOnlyTheUrlChecks) {
  EXPECT_EQ(run_check("http://127.0.0.1:9/hook", true), std::nullopt);
  EXPECT_EQ(run_check("http://[::1]/", true), std::nullopt);
  EXPECT_EQ(run_check("http://localhost/", true), std::nullopt);
  EXPECT_EQ(run_check("http://169.254.169.254/", true), std::nullopt);
  EXPECT_EQ(run_check("http://u:p@127.0.0.1/", true), Errc::subscriber_userinfo);
  EXPECT_EQ(run_check("http://127.0.0.1/\n", true), Errc::subscriber_control_characters);
}

}  // namespace
}  // namespace warren::notify
