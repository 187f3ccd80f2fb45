// The HTTP API's identity and admission stages, over the real memory engine: an identity that
// has to wait (as Keystone would) is awaited before any resource runs, admission can turn a
// principal away, and admin routes take the principal's roles, not a header read later.
#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "api/http_api.h"
#include "auth/header_identity.h"
#include "engine/clock.h"
#include "run_sync.h"
#include "store/memory/memory_store.h"

namespace warren::api {
namespace {

using namespace std::chrono_literals;

// Decides nothing at once: every principal waits for a timer first (a remote authority).
class WaitingIdentity final : public auth::Identity {
 public:
  int waited = 0;
  Decision decide(const auth::Credentials&, auth::Principal&, std::optional<Error>&) override {
    return Decision::later;
  }
  auth::Async<auth::Principal> authenticate(const auth::Credentials& credentials) override {
    const auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, 5ms);
    co_await timer.async_wait(boost::asio::use_awaitable);
    ++waited;
    co_return co_await auth::HeaderIdentity().authenticate(credentials);
  }
  bool per_message() const noexcept override { return false; }
};

// Refuses "blocked" at once; "blocked-later" and "allowed-later" only after a wait (as a rate
// kept in a shared store decides).
class RefuseProject final : public auth::Admission {
 public:
  Decision decide(const auth::Principal& principal, std::optional<Error>& refused) override {
    if (principal.project.ends_with("-later")) return Decision::later;
    if (principal.project != "blocked") return Decision::admitted;
    refused = make_error(Errc::not_authorized);
    return Decision::refused;
  }
  boost::asio::awaitable<std::optional<Error>> admit_later(
      const auth::Principal& principal) override {
    const auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, 5ms);
    co_await timer.async_wait(boost::asio::use_awaitable);
    ++waited;
    if (principal.project == "blocked-later") co_return make_error(Errc::not_authorized);
    co_return std::nullopt;
  }
  int waited = 0;
};

class IdentityStage : public ::testing::Test {
 protected:
  IdentityStage()
      : store_(store::make_memory_store()),
        service_(*store_, clock_, engine::Limits{}),
        api_(service_, identity_, &admission_, ApiOptions{}) {}

  // The status of one GET with these headers.
  int status_of(std::string_view path, std::vector<http::Header> headers) {
    http::Request request;
    request.method = boost::beast::http::verb::get;
    request.method_text = "GET";
    request.target = request.path = path;
    request.headers = std::move(headers);
    request.headers.push_back({"Client-ID", "3381af92-2b9e-11e3-b191-71861300734c"});
    std::string out;
    http::ResponseWriter writer(out);
    store::testing::run_sync(io_, [&]() -> boost::asio::awaitable<int> {
      co_await api_.handle(request, writer);
      co_return 0;
    }());
    return std::stoi(out.substr(9, 3));  // "HTTP/1.1 NNN"
  }

  boost::asio::io_context io_;
  engine::ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  engine::QueueService service_;
  WaitingIdentity identity_;
  RefuseProject admission_;
  HttpApi api_;
};

TEST_F(IdentityStage, AnIdentityThatWaitsIsAwaitedBeforeTheResourceRuns) {
  EXPECT_EQ(status_of("/v2/queues/q/stats", {{"X-Project-ID", "p"}}), 200);
  EXPECT_EQ(identity_.waited, 1);
  EXPECT_EQ(status_of("/v2/queues/q/stats", {}), 400);  // the stage's error: no project
}

TEST_F(IdentityStage, AdmissionTurnsAPrincipalAwayBeforeTheResourceRuns) {
  EXPECT_EQ(status_of("/v2/queues/q/stats", {{"X-Project-ID", "blocked"}}), 403);
  EXPECT_EQ(status_of("/v2/queues/q/stats", {{"X-Project-ID", "allowed"}}), 200);
  EXPECT_EQ(admission_.waited, 0);
}

TEST_F(IdentityStage, AnAdmissionThatWaitsIsAwaitedBeforeTheResourceRuns) {
  EXPECT_EQ(status_of("/v2/queues/q/stats", {{"X-Project-ID", "blocked-later"}}), 403);
  EXPECT_EQ(status_of("/v2/queues/q/stats", {{"X-Project-ID", "allowed-later"}}), 200);
  EXPECT_EQ(admission_.waited, 2);
  // The target is still checked after the wait.
  EXPECT_EQ(status_of("/v2/queues/bad%20name/stats", {{"X-Project-ID", "allowed-later"}}), 400);
}

TEST_F(IdentityStage, AdminRoutesTakeThePrincipalsRoles) {
  EXPECT_EQ(status_of("/v2/health", {{"X-Project-ID", "p"}}), 403);
  EXPECT_EQ(status_of("/v2/health", {{"X-Project-ID", "p"}, {"X-Roles", "member, admin"}}), 200);
}

}  // namespace
}  // namespace warren::api
