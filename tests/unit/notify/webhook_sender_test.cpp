// The webhook sender against real listeners on loopback: the address policy at connect time
// (no connection reaches a refused address), another project's delivery going out while one
// project's subscribers never answer, the circuit breaker holding a failing subscriber, and
// the drop counts by reason; trust+ deliveries carrying their trust's token, and retried then
// dropped when no token comes.
#include "notify/webhook_sender.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/counters.h"

namespace warren::notify {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

// An HTTP listener on 127.0.0.1 with a thread of its own: it answers every POST with `status`,
// or (status 0) accepts connections and never reads nor answers them.
class Listener {
 public:
  explicit Listener(int status) : status_(status), acceptor_(context_) {
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    asio::co_spawn(context_, accept(), asio::detached);
    thread_ = std::thread([this] { context_.run(); });
  }
  ~Listener() {
    context_.stop();
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(std::string_view path = "/") const {
    std::string url = "http://127.0.0.1:";
    url.append(std::to_string(port())).append(path);
    return url;
  }
  int accepted() const { return accepted_.load(); }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  // The X-Auth-Token of each request ("" for none), in arrival order.
  std::vector<std::string> tokens() const {
    std::lock_guard lock(mutex_);
    return tokens_;
  }

 private:
  asio::awaitable<void> accept() {
    while (true) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++accepted_;
      if (status_ == 0) {
        held_.push_back(std::move(socket));  // never read, never answered
      } else {
        asio::co_spawn(context_, serve(std::move(socket)), asio::detached);
      }
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [read_ec, n] =
        co_await http::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
    if (read_ec) co_return;
    {
      std::lock_guard lock(mutex_);
      targets_.emplace_back(request.target());
      const auto token = request.find("X-Auth-Token");
      tokens_.emplace_back(token == request.end() ? "" : token->value());
    }
    http::response<http::string_body> response(static_cast<http::status>(status_), 11);
    response.prepare_payload();
    auto [write_ec, m] =
        co_await http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
    (void)write_ec;
  }

  int status_;
  asio::io_context context_;
  tcp::acceptor acceptor_;
  std::vector<tcp::socket> held_;
  std::atomic<int> accepted_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<std::string> tokens_;
  std::thread thread_;
};

// Stands in for Keystone: a token "token-of-ID" for every trust, or (failing) none.
class FakeTrustTokens final : public auth::TrustTokenSource {
 public:
  explicit FakeTrustTokens(bool failing) : failing_(failing) {}
  asio::awaitable<Result<std::string>> token(std::string trust_id) override {
    ++asked_;
    if (failing_) co_return make_error(Errc::auth_unavailable, "keystone is down");
    co_return "token-of-" + trust_id;
  }
  int asked() const { return asked_.load(); }

 private:
  bool failing_;
  std::atomic<int> asked_{0};
};

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

WebhookDelivery delivery(std::string project, std::string url) {
  WebhookDelivery d;
  d.project = std::move(project);
  d.url = std::move(url);
  d.body = "{}";
  return d;
}

TEST(WebhookSender, NoConnectionReachesARefusedAddress) {
  Listener listener(200);
  WebhookSender sender(WebhookOptions{});  // the policy on, as by default
  const std::string port = std::to_string(listener.port());
  sender.enqueue(delivery("p", listener.url("/literal")));
  sender.enqueue(delivery("p", "http://localhost:" + port + "/name"));
  sender.enqueue(delivery("p", "http://[::ffff:127.0.0.1]:" + port + "/mapped"));
  ASSERT_TRUE(wait_until([&] { return sender.stats().dropped(DropReason::refused_address) == 3; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(listener.accepted(), 0);
  EXPECT_EQ(sender.stats().delivered, 0u);
  EXPECT_EQ(sender.pending(), 0u);
}

TEST(WebhookSender, AllowPrivateConnects) {
  Listener listener(200);
  WebhookOptions options;
  options.allow_private = true;
  WebhookSender sender(options);
  sender.enqueue(delivery("p", listener.url("/literal")));
  sender.enqueue(delivery("p", "http://localhost:" + std::to_string(listener.port()) + "/name"));
  ASSERT_TRUE(wait_until([&] { return sender.stats().delivered == 2; }));
  EXPECT_EQ(listener.accepted(), 2);
  EXPECT_EQ(sender.stats().dropped_total(), 0u);
}

TEST(WebhookSender, AnotherProjectIsServedWhileOneProjectsSubscribersNeverAnswer) {
  Listener black_hole(0);
  Listener receiver(200);
  WebhookOptions options;
  options.allow_private = true;
  options.timeout = 5s;
  WebhookSender sender(options);
  for (int post = 0; post < 10; ++post) {
    for (int s = 0; s < 20; ++s) {
      sender.enqueue(delivery("A", black_hole.url(fmt::format("/{}", s))));
    }
  }
  ASSERT_TRUE(wait_until([&] { return black_hole.accepted() >= 5; }));
  const auto start = std::chrono::steady_clock::now();
  sender.enqueue(delivery("B", receiver.url("/b")));
  ASSERT_TRUE(wait_until([&] { return sender.stats().delivered == 1; }, 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  // Project A never held more than its share of the slots.
  EXPECT_EQ(black_hole.accepted(), 5);
}

TEST(WebhookSender, TheBreakerStopsAttemptsToAFailingSubscriber) {
  Listener failing(503);
  Listener healthy(200);
  WebhookOptions options;
  options.allow_private = true;
  options.subscriber_concurrency = 1;
  options.breaker = BreakerOptions{3, 60s, 120s};
  WebhookSender sender(options);
  for (int i = 0; i < 10; ++i) sender.enqueue(delivery("p", failing.url()));
  ASSERT_TRUE(wait_until([&] { return sender.stats().breaker_openings == 1; }));
  sender.enqueue(delivery("p", healthy.url()));
  ASSERT_TRUE(wait_until([&] { return sender.stats().delivered == 1; }));
  std::this_thread::sleep_for(200ms);
  const WebhookStats stats = sender.stats();
  EXPECT_EQ(failing.targets().size(), 3u);  // then nothing until a probe, a minute later
  EXPECT_EQ(stats.attempts, 4u);
  EXPECT_EQ(stats.dropped(DropReason::gave_up), 3u);  // no retries in these deliveries
  EXPECT_EQ(sender.pending(), 7u);                    // held behind the open breaker
}

TEST(WebhookSender, AFullGlobalQueueDropsAtOnce) {
  Listener black_hole(0);
  WebhookOptions options;
  options.allow_private = true;
  options.queue_limit = 3;
  WebhookSender sender(options);
  const Counter* counted = Counter::find("warren_webhook_dropped_total", R"(reason="queue_full")");
  ASSERT_NE(counted, nullptr);
  const std::uint64_t counted_before = counted->total();
  int taken = 0;
  for (int i = 0; i < 5; ++i) taken += sender.enqueue(delivery("A", black_hole.url("/1")));
  EXPECT_EQ(taken, 3);  // judged on the caller's thread
  EXPECT_EQ(sender.stats().dropped(DropReason::queue_full), 2u);
  EXPECT_EQ(counted->total() - counted_before, 2u);  // and in the process's counters
  EXPECT_EQ(sender.pending(), 3u);
}

TEST(WebhookSender, SharesDropAndCountWhy) {
  Listener black_hole(0);
  WebhookOptions options;
  options.allow_private = true;
  options.project_queue_limit = 5;
  options.subscriber_queue_limit = 3;
  WebhookSender sender(options);
  for (int i = 0; i < 4; ++i) sender.enqueue(delivery("A", black_hole.url("/1")));
  for (int i = 0; i < 3; ++i) sender.enqueue(delivery("A", black_hole.url("/2")));
  for (int i = 0; i < 3; ++i) sender.enqueue(delivery("B", black_hole.url("/3")));
  ASSERT_TRUE(wait_until([&] { return sender.stats().dropped_total() == 2; }));
  std::this_thread::sleep_for(50ms);
  const WebhookStats stats = sender.stats();
  EXPECT_EQ(stats.dropped(DropReason::subscriber_full), 1u);
  EXPECT_EQ(stats.dropped(DropReason::project_full), 1u);
  EXPECT_EQ(stats.dropped_total(), 2u);
  EXPECT_EQ(sender.pending(), 8u);
}

// A delivery of a trust+ subscriber whose trust is `trust_id`, retried after `delays`.
WebhookDelivery trusted(std::string url, std::string trust_id, std::vector<int> delays = {}) {
  WebhookDelivery d = delivery("p", std::move(url));
  d.trust_id = std::move(trust_id);
  d.retry_delays = std::move(delays);
  return d;
}

WebhookOptions private_options() {
  WebhookOptions options;
  options.allow_private = true;
  return options;
}

TEST(WebhookSender, TrustDeliveriesCarryTheirTrustsToken) {
  Listener receiver(200);
  FakeTrustTokens tokens(false);
  WebhookSender sender(private_options(), &tokens);
  sender.enqueue(trusted(receiver.url("/t"), "T1"));
  ASSERT_TRUE(wait_until([&] { return sender.stats().delivered == 1; }));
  sender.enqueue(delivery("p", receiver.url("/plain")));
  ASSERT_TRUE(wait_until([&] { return sender.stats().delivered == 2; }));
  EXPECT_EQ(receiver.tokens(), (std::vector<std::string>{"token-of-T1", ""}));
  EXPECT_EQ(tokens.asked(), 1);
}

TEST(WebhookSender, NoTokenIsRetriedThenDroppedWithoutOpeningTheBreaker) {
  Listener receiver(200);
  FakeTrustTokens tokens(true);
  WebhookOptions options = private_options();
  options.breaker = BreakerOptions{2, 60s, 120s};
  WebhookSender sender(options, &tokens);
  sender.enqueue(trusted(receiver.url("/t"), "T1", {0, 0, 0}));
  ASSERT_TRUE(wait_until([&] { return sender.stats().dropped(DropReason::no_trust_token) == 1; }));
  EXPECT_EQ(tokens.asked(), 4);  // the attempt and its three retries
  EXPECT_EQ(receiver.accepted(), 0);
  EXPECT_EQ(sender.stats().breaker_openings, 0u);
  EXPECT_EQ(sender.pending(), 0u);
}

TEST(WebhookSender, ATrustDeliveryWithoutATrustIsDroppedAtOnce) {
  Listener receiver(200);
  FakeTrustTokens tokens(false);
  WebhookSender sender(private_options(), &tokens);
  sender.enqueue(trusted(receiver.url("/t"), "", {0, 0}));  // no trust_id
  WebhookSender no_source(private_options());              // no Keystone
  no_source.enqueue(trusted(receiver.url("/t"), "T1"));
  ASSERT_TRUE(wait_until([&] { return sender.stats().dropped(DropReason::no_trust_token) == 1; }));
  ASSERT_TRUE(
      wait_until([&] { return no_source.stats().dropped(DropReason::no_trust_token) == 1; }));
  EXPECT_EQ(tokens.asked(), 0);
  EXPECT_EQ(sender.stats().attempts, 1u);
  EXPECT_EQ(receiver.accepted(), 0);
}

}  // namespace
}  // namespace warren::notify
