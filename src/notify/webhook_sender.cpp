// WebhookSender: the global bound, the FairQueue's pump and wake-up timer, the drop counts, and
// one HTTP(S) POST per attempt (Beast over Asio, OpenSSL for https, its context made on the
// first https delivery).
#include "notify/webhook_sender.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#ifndef WARREN_WEBHOOK_TLS
#define WARREN_WEBHOOK_TLS 0
#endif
#if WARREN_WEBHOOK_TLS
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#endif
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "common/counters.h"
#include "common/log.h"
#include "common/spawn.h"
#include "notify/webhook_resolve.h"
#include "notify/webhook_url.h"

namespace warren::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// The process's counts, summed over every sender (the per-sender ones are WebhookStats).
Counter attempts_total("warren_webhook_attempts_total", "", "Webhook requests made.");
Counter delivered_total("warren_webhook_delivered_total", "",
                        "Webhook deliveries answered 2xx-4xx by their subscriber.");
constexpr std::string_view kDroppedHelp = "Webhook deliveries dropped, by reason.";
static_assert(static_cast<std::size_t>(DropReason::no_trust_token) == kDropReasons - 1);
Counter dropped_total[kDropReasons] = {  // in DropReason's order
    {"warren_webhook_dropped_total", R"(reason="queue_full")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="project_full")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="subscriber_full")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="breaker_open")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="gave_up")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="refused_address")", kDroppedHelp},
    {"warren_webhook_dropped_total", R"(reason="no_trust_token")", kDroppedHelp},
};

FairQueueOptions fair_queue_options(const WebhookOptions& o) {
  FairQueueOptions f;
  f.concurrency = o.concurrency;
  f.project_concurrency = o.project_concurrency;
  f.subscriber_concurrency = o.subscriber_concurrency;
  f.project_queue_limit = o.project_queue_limit;
  f.subscriber_queue_limit = o.subscriber_queue_limit;
  f.breaker = o.breaker;
  f.idle_forget = o.subscriber_idle;
  f.max_idle = o.queue_limit;
  return f;
}

using Request = http::request<http::string_body>;

Request make_request(const WebhookDelivery& d, std::string_view host_header,
                     std::string_view target, std::string_view token) {
  Request request(http::verb::post, beast::string_view(target.data(), target.size()), 11);
  request.set(http::field::host, beast::string_view(host_header.data(), host_header.size()));
  request.set(http::field::user_agent, "warren-webhook");
  request.set(http::field::content_type, d.content_type);
  // A trust's token; the subscription's post_headers come after and may replace it (as in
  // Zaqar, whose TrustTask's headers are updated with them).
  if (!token.empty()) request.set("X-Auth-Token", beast::string_view(token.data(), token.size()));
  for (const auto& [name, value] : d.headers) request.set(name, value);
  request.body() = d.body;
  request.prepare_payload();
  return request;
}

// Sends `request` on a connected stream and reads the answer's status (0 on failure).
template <class Stream>
asio::awaitable<int> exchange(Stream& stream, Request& request, std::size_t max_body) {
  auto [write_ec, written] = co_await http::async_write(stream, request, kUseTuple);
  if (write_ec) co_return 0;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
  if (read_ec && read_ec != http::error::body_limit) co_return 0;
  co_return static_cast<int>(parser.get().result_int());
}

}  // namespace

std::string_view drop_reason_name(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::queue_full:
      return "queue full";
    case DropReason::project_full:
      return "project share full";
    case DropReason::subscriber_full:
      return "subscriber queue full";
    case DropReason::breaker_open:
      return "breaker open";
    case DropReason::gave_up:
      return "gave up after retries";
    case DropReason::refused_address:
      return "refused address";
    case DropReason::no_trust_token:
      return "no trust token";
  }
  return "?";
}

std::uint64_t WebhookStats::dropped_total() const noexcept {
  std::uint64_t total = 0;
  for (const std::uint64_t n : dropped_by) total += n;
  return total;
}

bool webhook_tls_available() noexcept {
  return WARREN_WEBHOOK_TLS != 0;
}

WebhookSender::WebhookSender(WebhookOptions options, auth::TrustTokenSource* trust_tokens)
    : options_(std::move(options)),
      trust_tokens_(trust_tokens),
      work_(asio::make_work_guard(context_)),
      queue_(fair_queue_options(options_)),
      wakeup_(context_) {
  thread_ = std::thread([this] { context_.run(); });
}

WebhookSender::~WebhookSender() {
  work_.reset();
  context_.stop();
  if (thread_.joinable()) thread_.join();
  const WebhookStats s = stats();
  if (s.attempts > 0 || s.dropped_total() > 0) {
    log::info(
        "webhooks: {} delivered in {} attempts, {} breaker openings, {} left undelivered; "
        "dropped: {} queue full, {} project share full, {} subscriber queue full, {} breaker "
        "open, {} gave up after retries, {} refused address, {} no trust token",
        s.delivered, s.attempts, s.breaker_openings, pending(), s.dropped(DropReason::queue_full),
        s.dropped(DropReason::project_full), s.dropped(DropReason::subscriber_full),
        s.dropped(DropReason::breaker_open), s.dropped(DropReason::gave_up),
        s.dropped(DropReason::refused_address), s.dropped(DropReason::no_trust_token));
  }
}

bool WebhookSender::enqueue(WebhookDelivery delivery) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= options_.queue_limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(DropReason::queue_full);
    return false;
  }
  auto job = std::make_unique<WebhookJob>();
  job->delivery = std::move(delivery);
  asio::post(context_, [this, job = std::move(job)]() mutable { admit(std::move(job)); });
  return true;
}

WebhookStats WebhookSender::stats() const noexcept {
  WebhookStats stats;
  stats.delivered = delivered_.load(std::memory_order_relaxed);
  stats.attempts = attempts_.load(std::memory_order_relaxed);
  stats.breaker_openings = breaker_openings_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kDropReasons; ++i) {
    stats.dropped_by[i] = dropped_[i].load(std::memory_order_relaxed);
  }
  return stats;
}

void WebhookSender::dropped(DropReason reason) {
  dropped_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  dropped_total[static_cast<std::size_t>(reason)].add();
  if (!drop_log_.due()) return;
  const WebhookStats s = stats();
  log::warn(
      "webhooks: {} deliveries dropped so far: {} queue full (--webhook-queue-limit {}), {} "
      "project share full, {} subscriber queue full, {} breaker open, {} gave up after retries, "
      "{} refused address, {} no trust token",
      s.dropped_total(), s.dropped(DropReason::queue_full), options_.queue_limit,
      s.dropped(DropReason::project_full), s.dropped(DropReason::subscriber_full),
      s.dropped(DropReason::breaker_open), s.dropped(DropReason::gave_up),
      s.dropped(DropReason::refused_address), s.dropped(DropReason::no_trust_token));
}

void WebhookSender::admit(std::unique_ptr<WebhookJob> job) {
  if (const auto refused = queue_.push(std::move(job), FairQueue::Clock::now())) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(*refused);
  }
  pump();
}

void WebhookSender::pump() {
  const auto now = FairQueue::Clock::now();
  while (auto job = queue_.next(now)) {
    spawn(context_, run_attempt(std::move(job)), "a webhook attempt");
  }
  arm_wakeup();
}

void WebhookSender::arm_wakeup() {
  const auto at = queue_.next_wakeup();
  if (at == wakeup_at_) return;
  wakeup_at_ = at;
  if (!at) {
    wakeup_.cancel();
    return;
  }
  wakeup_.expires_at(*at);  // cancels the wait for the previous time
  wakeup_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or stopped
    wakeup_at_.reset();
    pump();
  });
}

asio::awaitable<void> WebhookSender::run_attempt(std::unique_ptr<WebhookJob> job) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  attempts_total.add();
  // An attempt that fails by an exception counts as a failed attempt (retried by the policy):
  // the job, and its place among the subscriber's slots, must not vanish with it.
  Attempt attempt;
  try {
    attempt = co_await attempt_once(job->delivery);
  } catch (const std::exception& e) {
    log::error("webhooks: an attempt to {} failed: {}", job->delivery.url, e.what());
  }
  const auto now = FairQueue::Clock::now();
  const bool answered = attempt.status >= 200 && attempt.status < 500;
  if (attempt.refused) {
    log::debug("webhooks: {}: address refused", job->delivery.url);
    queue_.done(std::move(job), FairQueue::Outcome::neutral, std::nullopt, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(DropReason::refused_address);
  } else if (attempt.no_token &&
             (job->delivery.trust_id->empty() || trust_tokens_ == nullptr ||
              job->retries_done >= job->delivery.retry_delays.size())) {
    // No trust to ask for, or Keystone gave no token through every retry.
    log::debug("webhooks: {}: no token for its trust", job->delivery.url);
    queue_.done(std::move(job), FairQueue::Outcome::neutral, std::nullopt, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(DropReason::no_trust_token);
  } else if (attempt.no_token) {
    // Keystone, not the subscriber, failed: retried by the policy, the breaker left alone.
    const int delay = job->delivery.retry_delays[job->retries_done++];
    queue_.done(std::move(job), FairQueue::Outcome::neutral, now + std::chrono::seconds(delay),
                now);
  } else if (answered) {
    queue_.done(std::move(job), FairQueue::Outcome::success, std::nullopt, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    delivered_.fetch_add(1, std::memory_order_relaxed);
    delivered_total.add();
  } else if (job->retries_done < job->delivery.retry_delays.size()) {
    const int delay = job->delivery.retry_delays[job->retries_done++];
    log::debug("webhooks: {} answered {}; retry {} in {} s", job->delivery.url, attempt.status,
               job->retries_done, delay);
    queue_.done(std::move(job), FairQueue::Outcome::failure, now + std::chrono::seconds(delay),
                now);
  } else {
    log::debug("webhooks: giving up on {} (last status {})", job->delivery.url, attempt.status);
    queue_.done(std::move(job), FairQueue::Outcome::failure, std::nullopt, now);
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped(DropReason::gave_up);
  }
  const std::uint64_t openings = queue_.breaker_openings();
  if (openings != breaker_openings_.exchange(openings, std::memory_order_relaxed)) {
    if (breaker_log_.due()) {
      log::warn(
          "webhooks: a subscriber's circuit breaker opened ({} openings so far): its "
          "deliveries wait for a probe",
          openings);
    }
  }
  pump();
}

asio::awaitable<WebhookSender::Attempt> WebhookSender::attempt_once(
    const WebhookDelivery& delivery) {
  if (!delivery.trust_id) co_return co_await post_once(delivery, std::string());
  Attempt no_token;
  no_token.no_token = true;
  if (delivery.trust_id->empty() || trust_tokens_ == nullptr) co_return no_token;
  auto token = co_await trust_tokens_->token(*delivery.trust_id);
  if (!token) {
    if (token_log_.due()) {
      log::warn("webhooks: no token for the trust of a subscriber of project {}: {}",
                delivery.project, token.error().description);
    }
    co_return no_token;
  }
  co_return co_await post_once(delivery, std::move(*token));
}

asio::awaitable<WebhookSender::Attempt> WebhookSender::post_once(const WebhookDelivery& delivery,
                                                                 std::string token) {
  Attempt refused;
  refused.refused = true;
  auto target = parse_webhook_url(delivery.url);
  if (!target) co_return refused;
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  const ResolvedTarget resolved =
      co_await resolve_webhook_target(*target, options_.allow_private, options_.timeout);
  if (resolved.failed) co_return Attempt{};
  if (resolved.allowed.empty()) co_return refused;
  Request request = make_request(delivery, target->host_header, target->target, token);
  beast::tcp_stream stream(context_);
  stream.expires_at(deadline);
  // Only the allowed addresses: what is connected to is what the policy judged.
  auto [connect_ec, endpoint] = co_await stream.async_connect(resolved.allowed, kUseTuple);
  if (connect_ec) co_return Attempt{};
  if (!target->tls) {
    const int status = co_await exchange(stream, request, options_.max_response_bytes);
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return Attempt{status, false};
  }
#if !WARREN_WEBHOOK_TLS
  log::debug("webhooks: {}: https is not built in (WARREN_WEBHOOK_TLS=OFF)", delivery.url);
  co_return Attempt{};
#else
  const std::string& host = target->host;
  if (!tls_) {
    // Made on first use: initialising OpenSSL costs megabytes of resident memory that a
    // server without https subscribers should not pay.
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    context->set_default_verify_paths(ec);
    if (!options_.ca_file.empty()) {
      context->load_verify_file(options_.ca_file, ec);
      if (ec) log::warn("webhooks: cannot load CA file {}: {}", options_.ca_file, ec.message());
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    tls_ = std::move(context);
  }
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream),
                                              *static_cast<asio::ssl::context*>(tls_.get()));
  if (!SSL_set_tlsext_host_name(secure.native_handle(), host.c_str())) co_return Attempt{};
  secure.set_verify_callback(asio::ssl::host_name_verification(host));
  auto [handshake_ec] = co_await secure.async_handshake(asio::ssl::stream_base::client, kUseTuple);
  if (handshake_ec) co_return Attempt{};
  const int status = co_await exchange(secure, request, options_.max_response_bytes);
  auto [shutdown_ec] = co_await secure.async_shutdown(kUseTuple);
  (void)shutdown_ec;
  co_return Attempt{status, false};
#endif
}

}  // namespace warren::notify
