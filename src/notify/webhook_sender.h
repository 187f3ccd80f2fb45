// WebhookSender: delivers notifications to http(s):// subscribers, one POST per message, off
// the event loops: it runs its own thread and io_context. Every delivery counts against a
// global bound (--webhook-queue-limit: waiting, in flight or between retries), the memory
// ceiling, checked on the caller's thread; then a FairQueue (fair_queue.h) shares the queue
// and the `concurrency` request slots fairly by project and by subscriber, with a circuit
// breaker per subscriber. A 2xx-4xx answer ends a delivery; a 5xx, a connection error or a
// timeout schedules the next retry of its RetryPolicy, until they run out. At connect time the
// host is resolved and only addresses the policy allows (address_policy.h) are connected to,
// unless `allow_private`. Every dropped delivery is counted by reason (WebhookStats) and the
// counts are logged at most every 10 s. A trust+ delivery first gets a token of its trust
// (TrustTokenSource, cached there) and sends it as X-Auth-Token; a token that cannot be had is
// retried by the same policy (without counting against the subscriber's breaker: Keystone is
// not the subscriber) and dropped as no_trust_token when the retries run out. https needs the build option WARREN_WEBHOOK_TLS
// (OpenSSL, linked statically; off by default).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "auth/trust_tokens.h"
#include "notify/fair_queue.h"
#include "notify/log_limiter.h"
#include "notify/webhook_delivery.h"

namespace warren::notify {

// True if this binary can deliver to https:// subscribers (built with WARREN_WEBHOOK_TLS).
bool webhook_tls_available() noexcept;

struct WebhookOptions {
  std::size_t queue_limit = 10000;            // deliveries waiting, in flight or between retries
  std::size_t concurrency = 10;               // requests in flight
  std::size_t project_queue_limit = 2000;     // ... of one project
  std::size_t subscriber_queue_limit = 1000;  // ... of one subscriber (project, URL)
  std::size_t project_concurrency = 5;        // requests in flight of one project
  std::size_t subscriber_concurrency = 2;     // ... of one subscriber
  BreakerOptions breaker;
  std::chrono::milliseconds subscriber_idle{std::chrono::minutes(10)};  // then forgotten
  bool allow_private = false;  // no address policy (tests, private deployments)
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per attempt, all phases
  std::string ca_file;  // extra trusted CA certificates (PEM) for https
  std::size_t max_response_bytes = 64 * 1024;
};

struct WebhookStats {
  std::uint64_t delivered = 0;  // answered 2xx-4xx
  std::uint64_t attempts = 0;
  std::uint64_t breaker_openings = 0;
  std::array<std::uint64_t, kDropReasons> dropped_by{};  // by DropReason

  std::uint64_t dropped(DropReason reason) const noexcept {
    return dropped_by[static_cast<std::size_t>(reason)];
  }
  std::uint64_t dropped_total() const noexcept;
};

class WebhookSender {
 public:
  // `trust_tokens` (null: none, trust+ deliveries are dropped) must outlive the sender; it is
  // used on the sender's thread only.
  explicit WebhookSender(WebhookOptions options, auth::TrustTokenSource* trust_tokens = nullptr);
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;
  // Stops the thread; deliveries not done by then are dropped.
  ~WebhookSender();

  // Any thread, never blocks. False (and counted) if the global queue is full; a delivery
  // taken may still be dropped by its project's or subscriber's bound (counted in stats()).
  bool enqueue(WebhookDelivery delivery);

  // Any thread.
  WebhookStats stats() const noexcept;
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

 private:
  struct Attempt {
    int status = 0;        // the HTTP status, or 0 on a connection error or timeout
    bool refused = false;  // the URL or every address was refused: nothing was attempted
    bool no_token = false;  // a trust+ delivery got no token: nothing was sent
  };

  // Sender thread only, from here on.
  void admit(std::unique_ptr<WebhookJob> job);
  void pump();
  void arm_wakeup();
  boost::asio::awaitable<void> run_attempt(std::unique_ptr<WebhookJob> job);
  // A trust+ delivery's token, then post_once().
  boost::asio::awaitable<Attempt> attempt_once(const WebhookDelivery& delivery);
  boost::asio::awaitable<Attempt> post_once(const WebhookDelivery& delivery, std::string token);
  // Any thread: counts a dropped delivery and logs the counts, at most every 10 s.
  void dropped(DropReason reason);

  WebhookOptions options_;
  auth::TrustTokenSource* trust_tokens_;
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<void> tls_;  // the OpenSSL client context, made on first use (type-erased)
  FairQueue queue_;
  boost::asio::steady_timer wakeup_;  // the FairQueue's next retry or probe
  std::optional<FairQueue::TimePoint> wakeup_at_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0}, attempts_{0}, breaker_openings_{0};
  std::array<std::atomic<std::uint64_t>, kDropReasons> dropped_{};
  // Drop counts and breaker openings are logged at most every 10 s each.
  LogLimiter drop_log_{std::chrono::seconds(10)};
  LogLimiter breaker_log_{std::chrono::seconds(10)};
  LogLimiter token_log_{std::chrono::seconds(10)};
  std::thread thread_;
};

}  // namespace warren::notify
