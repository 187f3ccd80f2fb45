// WebhookSender: delivers notifications to http(s):// subscribers, one POST per message, off
// the event loops: it runs its own thread and io_context. Deliveries wait in a bounded queue
// (--webhook-queue-limit, counting those waiting to be retried): when it is full, new ones are
// dropped and counted, so a slow or dead receiver never grows memory without bound. At most
// `concurrency` requests are in flight (Zaqar's max_notifier_workers); a delivery waiting for
// its next retry holds no slot. A 2xx-4xx answer ends a delivery; a 5xx, a connection error or
// a timeout schedules the next retry of its RetryPolicy, until they run out. https needs the
// build option WARREN_WEBHOOK_TLS (OpenSSL, linked statically; off by default).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace warren::notify {

// True if this binary can deliver to https:// subscribers (built with WARREN_WEBHOOK_TLS).
bool webhook_tls_available() noexcept;

struct WebhookOptions {
  std::size_t queue_limit = 10000;  // deliveries waiting, in flight or between retries
  std::size_t concurrency = 10;     // requests in flight
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};  // per attempt, all phases
  std::string ca_file;  // extra trusted CA certificates (PEM) for https
  std::size_t max_response_bytes = 64 * 1024;
};

struct WebhookDelivery {
  std::string url;                                           // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type, Host
  std::string content_type = "application/json";
  std::string body;
  std::vector<int> retry_delays;  // seconds before each retry
};

struct WebhookStats {
  std::uint64_t delivered = 0;  // answered 2xx-4xx
  std::uint64_t given_up = 0;   // every retry failed
  std::uint64_t dropped = 0;    // the queue was full
  std::uint64_t attempts = 0;
};

class WebhookSender {
 public:
  explicit WebhookSender(WebhookOptions options);
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;
  // Stops the thread; deliveries not done by then are dropped.
  ~WebhookSender();

  // Any thread, never blocks. False (and counted as dropped) if the queue is full.
  bool enqueue(WebhookDelivery delivery);

  WebhookStats stats() const noexcept;
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

 private:
  struct Job {
    WebhookDelivery delivery;
    std::size_t retries_done = 0;
  };

  void pump();  // sender thread
  boost::asio::awaitable<void> run_attempt(std::shared_ptr<Job> job);
  boost::asio::awaitable<void> retry_later(std::shared_ptr<Job> job, int delay_s);
  // One POST; the HTTP status, or 0 on a connection error or timeout.
  boost::asio::awaitable<int> post_once(const WebhookDelivery& delivery);
  void finish(bool delivered);

  WebhookOptions options_;
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<void> tls_;  // the OpenSSL client context, made on first use (type-erased)
  std::deque<std::shared_ptr<Job>> waiting_;  // sender thread only
  std::size_t in_flight_ = 0;                 // sender thread only
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> delivered_{0}, given_up_{0}, dropped_{0}, attempts_{0};
  std::thread thread_;
};

}  // namespace warren::notify
