// The trust+http(s) subscriber check (notify/trust_check.h) without a Keystone: trust+
// subscribers refused at once, other subscribers handed on; the trust_id option read, checked
// and added to an options object as stored. (Trust creation against the real Keystone is
// tests/integration/test_trust_subscriptions.py.)
#include "notify/trust_check.h"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "notify/webhook_url.h"

namespace warren::notify {
namespace {

// Runs a coroutine of the check to completion; its result.
template <class T>
Result<T> run(boost::asio::awaitable<Result<T>> work) {
  boost::asio::io_context context;
  std::optional<Result<T>> outcome;
  boost::asio::co_spawn(context, std::move(work), [&](std::exception_ptr failure, Result<T> r) {
    if (failure) std::rethrow_exception(failure);
    outcome = std::move(r);
  });
  context.run();
  EXPECT_TRUE(outcome.has_value());
  return std::move(*outcome);
}

TEST(TrustCheck, WithoutKeystoneTrustSubscribersAreRefused) {
  TrustSubscriberCheck check(nullptr, nullptr);
  for (const char* subscriber : {"trust+http://example.com/hook", "TRUST+HTTPS://example.com/"}) {
    auto refused = run(check.check(subscriber));
    ASSERT_FALSE(refused) << subscriber;
    EXPECT_EQ(refused.error().code, Errc::trust_needs_keystone);
    EXPECT_EQ(refused.error().status(), 400);
  }
  EXPECT_TRUE(run(check.check("http://example.com/hook")));
  EXPECT_TRUE(run(check.check("mailto:a@example.com")));
}

TEST(TrustCheck, OtherSubscribersKeepTheirOptions) {
  TrustSubscriberCheck check(nullptr, nullptr);
  engine::Caller caller;
  auto kept = run(check.prepare(engine::Scope{"p", {}, {}}, caller, "http://example.com/",
                                R"({"a":1})", 3600));
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, R"({"a":1})");
}

TEST(TrustCheck, ATrustIdMustBeANonEmptyString) {
  TrustSubscriberCheck check(nullptr, nullptr);
  EXPECT_TRUE(check.check_options("trust+http://h/", R"({"trust_id":"T"})"));
  EXPECT_TRUE(check.check_options("trust+http://h/", "{}"));
  for (const char* options : {R"({"trust_id":""})", R"({"trust_id":5})", R"({"trust_id":null})",
                              R"({"trust_id":"T","trust_id":[]})"}) {
    auto refused = check.check_options("trust+https://h/", options);
    ASSERT_FALSE(refused) << options;
    EXPECT_EQ(refused.error().code, Errc::trust_id_invalid);
  }
  // Only a trust+ subscriber's trust_id means anything.
  EXPECT_TRUE(check.check_options("http://h/", R"({"trust_id":5})"));
}

TEST(TrustCheck, ReadsAndAddsTheTrustId) {
  EXPECT_EQ(trust_id_option("{}"), std::nullopt);
  EXPECT_EQ(trust_id_option(R"({"trust_id":"abc"})"), "abc");
  EXPECT_EQ(trust_id_option(R"({"trust_id":1})"), "");
  EXPECT_EQ(with_trust_id("{}", "T1"), R"({"trust_id":"T1"})");
  EXPECT_EQ(with_trust_id(R"({"a":{"b":1}})", "T\"2"), R"({"a":{"b":1},"trust_id":"T\"2"})");
  EXPECT_EQ(trust_id_option(with_trust_id(R"({"x":[1]})", "T3")), "T3");
}

TEST(TrustCheck, TrustUrlsAreTheUrlAfterThePrefix) {
  EXPECT_EQ(trust_webhook_url("trust+http://h:8/p?q"), "http://h:8/p?q");
  EXPECT_EQ(trust_webhook_url("Trust+HTTPS://h/"), "HTTPS://h/");
  EXPECT_EQ(trust_webhook_url("http://h/"), std::nullopt);
  EXPECT_EQ(trust_webhook_url("trust+mailto:a@b"), std::nullopt);
  EXPECT_EQ(trust_webhook_url("trust+"), std::nullopt);
}

}  // namespace
}  // namespace warren::notify
