// The --auth tokens identity and its role policy, and the projects' rate limits.
#include "auth/token_identity.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "auth/project_limits.h"
#include "auth/rate_buckets.h"

namespace warren::auth {
namespace {

std::string entry(std::string_view token, std::string_view project, std::string_view roles,
                  std::string_view extra = "") {
  std::string digest;
  for (unsigned char c : digest_token(token)) digest += fmt::format("{:02x}", c);
  return fmt::format(R"({{"type":"token","sha256":"{}","project":"{}","roles":{}{}}})", digest,
                     project, roles, extra);
}

class TokenIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/warren-tokens-XXXXXX";
    close(mkstemp(name));
    path_ = name;
    write(fmt::format(
        R"({{"credentials":[{},{},{},{},{}],"projects":{{"limited":{{"rate-limit-requests":2}}}}}})",
        entry("member-token", "p1", R"(["member"])", R"(,"user":"alice")"),
        entry("admin-token", "ops", R"(["admin"])"), entry("reader-token", "p2", R"(["reader"])"),
        entry("expired-token", "p1", R"(["member"])", R"(,"expires":"2001-01-01T00:00:00")"),
        entry("limited-token", "limited", R"(["member"])")));
    auto opened = CredentialStore::open(path_);
    ASSERT_TRUE(opened) << opened.error().description;
    store_ = std::move(*opened);
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void write(std::string_view text) { std::ofstream(path_) << text; }

  Result<Principal> decide(std::optional<std::string_view> token,
                           std::optional<std::string_view> project = std::nullopt) {
    TokenIdentity identity(*store_, RolePolicy{});
    Principal principal;
    std::optional<Error> error;
    const auto decision =
        identity.decide(Credentials{project, std::nullopt, token}, principal, error);
    EXPECT_NE(decision, Identity::Decision::later) << "a token of the file is decided at once";
    if (decision == Identity::Decision::refused) return *error;
    return principal;
  }

  std::string path_;
  std::unique_ptr<CredentialStore> store_;
};

TEST_F(TokenIdentityTest, TheTokensProjectIsTheRequestsWhateverTheHeaderSays) {
  auto principal = decide("member-token", "someone-else");
  ASSERT_TRUE(principal) << principal.error().description;
  EXPECT_EQ(principal->project, "p1");
  EXPECT_EQ(principal->user, "alice");
  EXPECT_EQ(principal->source, Principal::Source::token);
  EXPECT_FALSE(principal->admin);
  EXPECT_NE(principal->hold, nullptr);
  auto admin = decide("admin-token");
  ASSERT_TRUE(admin);
  EXPECT_TRUE(admin->admin);
}

TEST_F(TokenIdentityTest, MissingUnknownExpiredAndRolelessTokensAreRefused) {
  EXPECT_EQ(decide(std::nullopt, "p1").error().code, Errc::auth_token_missing);
  EXPECT_EQ(decide("").error().code, Errc::auth_token_missing);
  EXPECT_EQ(decide("member-token ").error().code, Errc::auth_token_invalid);
  EXPECT_EQ(decide("expired-token").error().code, Errc::auth_token_invalid);
  EXPECT_EQ(decide("reader-token").error().code, Errc::auth_role_missing);
  EXPECT_EQ(make_error(Errc::auth_token_invalid).status(), 401);
  EXPECT_EQ(make_error(Errc::auth_role_missing, "member").status(), 403);
}

TEST_F(TokenIdentityTest, AReloadRevokesAndAHeldPrincipalStaysReadable) {
  auto before = decide("member-token");
  ASSERT_TRUE(before);
  write(fmt::format(R"({{"credentials":[{}]}})", entry("reader-token", "p2", R"(["member"])")));
  ASSERT_TRUE(store_->reload());
  EXPECT_EQ(decide("member-token").error().code, Errc::auth_token_invalid);
  EXPECT_TRUE(decide("reader-token"));
  EXPECT_EQ(before->project, "p1");  // its table is held by the principal
}

TEST(RolePolicy, TheRequiredRoleOrTheAdminRoleIsNeeded) {
  const RolePolicy policy{"writer", "operator"};
  Principal p;
  p.roles = "Writer";
  EXPECT_TRUE(policy.apply(p));
  EXPECT_FALSE(p.admin);
  p.roles = "operator";
  EXPECT_TRUE(policy.apply(p));
  EXPECT_TRUE(p.admin);
  p.roles = "member,admin";
  EXPECT_EQ(policy.apply(p).error().code, Errc::auth_role_missing);
}

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(RateBuckets, AdmitsTheRateInBurstsOfOneSecondAndSaysWhenToComeBack) {
  RateBuckets buckets;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(buckets.take("p", 10, 1, kSecond), 0u) << i;
  EXPECT_EQ(buckets.take("p", 10, 1, kSecond), 1u);
  EXPECT_EQ(buckets.take("other", 10, 1, kSecond), 0u) << "projects do not share a bucket";
  EXPECT_EQ(buckets.take("p", 10, 1, kSecond + kSecond / 10), 0u) << "a tenth refills one";
  EXPECT_EQ(buckets.take("p", 10, 1, kSecond + kSecond / 10), 1u);
  EXPECT_EQ(buckets.take("p", 0, 1000, kSecond), 0u) << "rate 0 is unlimited";
  // More than a second's worth at once: from a full bucket only, leaving a debt.
  EXPECT_EQ(buckets.take("big", 10, 25, kSecond), 0u);
  EXPECT_EQ(buckets.take("big", 10, 1, 2 * kSecond), 1u);
  EXPECT_GE(buckets.take("big", 10, 25, kSecond * 5 / 2), 1u);
}

TEST(RateBuckets, IsExactAcrossThreads) {
  RateBuckets buckets;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (buckets.take("shared", 100, 1, kSecond) == 0) admitted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 100) << "one instant: exactly one second's worth";
}

TEST(RateBuckets, ForgetsQuietProjects) {
  RateBuckets buckets;
  // Enough projects that every shard passes its first sweep mark (1024).
  constexpr int kProjects = 50'000;
  for (int i = 0; i < kProjects; ++i) buckets.take(fmt::format("p{}", i), 10, 1, kSecond);
  EXPECT_EQ(buckets.size(), std::size_t{kProjects});
  for (int i = 0; i < kProjects; ++i) buckets.take(fmt::format("q{}", i), 10, 1, 3 * kSecond);
  EXPECT_LT(buckets.size(), std::size_t{kProjects} * 3 / 2)
      << "the full buckets of the first round were swept";
}

// Runs an awaitable to its end on a private loop.
template <typename T>
T run(boost::asio::awaitable<T> work) {
  boost::asio::io_context loop;
  auto done = boost::asio::co_spawn(loop, std::move(work), boost::asio::use_future);
  loop.run();
  return done.get();
}

TEST_F(TokenIdentityTest, ProjectLimitsTakeOverridesOverDefaults) {
  LocalRateCounter rates;
  ProjectLimits limits(Limits{.quota_queues = 5, .rate_limit_posts = 100}, store_.get(), rates);
  EXPECT_EQ(limits.of("p1").quota_queues, 5u);
  EXPECT_EQ(limits.of("limited").rate_limit_requests, 2u);
  Principal p;
  p.project = "limited";
  std::optional<Error> refused;
  EXPECT_EQ(limits.decide(p, refused), Admission::Decision::admitted);
  EXPECT_EQ(limits.decide(p, refused), Admission::Decision::admitted);
  EXPECT_EQ(limits.decide(p, refused), Admission::Decision::refused);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, Errc::rate_limited);
  EXPECT_EQ(refused->status(), 429);
  EXPECT_EQ(refused->retry_after, 1u);
  EXPECT_TRUE(run(limits.admit_later(p))) << "the awaited path agrees";
  p.project = "p1";
  EXPECT_EQ(limits.decide(p, refused), Admission::Decision::admitted)
      << "no request rate by default";
  EXPECT_FALSE(run(limits.take_posts("p1", limits.of("p1"), 100)));
  EXPECT_TRUE(run(limits.take_posts("p1", limits.of("p1"), 1)));
}

}  // namespace
}  // namespace warren::auth
