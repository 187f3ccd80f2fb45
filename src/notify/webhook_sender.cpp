// WebhookSender: the queue, the retry timers and one HTTP(S) POST per attempt (Beast over Asio,
// OpenSSL for https, its context made on the first https delivery).
#include "notify/webhook_sender.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
#include <boost/url/parse.hpp>

#include "common/log.h"

namespace warren::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

using Request = http::request<http::string_body>;

Request make_request(const WebhookDelivery& d, std::string_view host_header,
                     std::string_view target) {
  Request request(http::verb::post, beast::string_view(target.data(), target.size()), 11);
  request.set(http::field::host, beast::string_view(host_header.data(), host_header.size()));
  request.set(http::field::user_agent, "warren-webhook");
  request.set(http::field::content_type, d.content_type);
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

bool webhook_tls_available() noexcept {
  return WARREN_WEBHOOK_TLS != 0;
}

WebhookSender::WebhookSender(WebhookOptions options)
    : options_(std::move(options)), work_(asio::make_work_guard(context_)) {
  if (options_.concurrency == 0) options_.concurrency = 1;
  thread_ = std::thread([this] { context_.run(); });
}

WebhookSender::~WebhookSender() {
  work_.reset();
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

bool WebhookSender::enqueue(WebhookDelivery delivery) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= options_.queue_limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    const auto dropped = dropped_.fetch_add(1, std::memory_order_relaxed);
    if (dropped % 1000 == 0) {
      log::warn("webhooks: delivery queue full ({}): dropping notifications ({} so far)",
                options_.queue_limit, dropped + 1);
    }
    return false;
  }
  auto job = std::make_shared<Job>(Job{std::move(delivery), 0});
  asio::post(context_, [this, job = std::move(job)]() mutable {
    waiting_.push_back(std::move(job));
    pump();
  });
  return true;
}

WebhookStats WebhookSender::stats() const noexcept {
  return WebhookStats{delivered_.load(), given_up_.load(), dropped_.load(), attempts_.load()};
}

void WebhookSender::pump() {
  while (in_flight_ < options_.concurrency && !waiting_.empty()) {
    std::shared_ptr<Job> job = std::move(waiting_.front());
    waiting_.pop_front();
    ++in_flight_;
    asio::co_spawn(context_, run_attempt(std::move(job)), asio::detached);
  }
}

asio::awaitable<void> WebhookSender::run_attempt(std::shared_ptr<Job> job) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  const int status = co_await post_once(job->delivery);
  --in_flight_;
  const bool answered = status >= 200 && status < 500;
  if (answered) {
    finish(true);
  } else if (job->retries_done < job->delivery.retry_delays.size()) {
    const int delay = job->delivery.retry_delays[job->retries_done++];
    log::debug("webhooks: {} answered {}; retry {} in {} s", job->delivery.url, status,
               job->retries_done, delay);
    asio::co_spawn(context_, retry_later(std::move(job), delay), asio::detached);
  } else {
    log::warn("webhooks: giving up on {} (last status {})", job->delivery.url, status);
    finish(false);
  }
  pump();
}

asio::awaitable<void> WebhookSender::retry_later(std::shared_ptr<Job> job, int delay_s) {
  if (delay_s > 0) {
    asio::steady_timer timer(context_, std::chrono::seconds(delay_s));
    auto [ec] = co_await timer.async_wait(kUseTuple);
    if (ec) co_return;
  }
  waiting_.push_back(std::move(job));
  pump();
}

void WebhookSender::finish(bool delivered) {
  (delivered ? delivered_ : given_up_).fetch_add(1, std::memory_order_relaxed);
  pending_.fetch_sub(1, std::memory_order_relaxed);
}

asio::awaitable<int> WebhookSender::post_once(const WebhookDelivery& delivery) {
  auto parsed = boost::urls::parse_uri(delivery.url);
  if (!parsed) co_return 0;
  const bool tls = parsed->scheme() == "https";
  if (!tls && parsed->scheme() != "http") co_return 0;
  const std::string host(parsed->encoded_host());
  std::string port(parsed->port());
  if (port.empty()) port = tls ? "443" : "80";
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  const std::string host_header = parsed->has_port() ? host + ":" + port : host;
  Request request = make_request(delivery, host_header, target);

  asio::ip::tcp::resolver resolver(context_);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, kUseTuple);
  if (resolve_ec) co_return 0;
  beast::tcp_stream stream(context_);
  stream.expires_after(options_.timeout);
  auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kUseTuple);
  if (connect_ec) co_return 0;
  if (!tls) {
    const int status = co_await exchange(stream, request, options_.max_response_bytes);
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    co_return status;
  }
#if !WARREN_WEBHOOK_TLS
  log::warn("webhooks: {}: https is not built in (WARREN_WEBHOOK_TLS=OFF)", delivery.url);
  co_return 0;
#else
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
  if (!SSL_set_tlsext_host_name(secure.native_handle(), host.c_str())) co_return 0;
  secure.set_verify_callback(asio::ssl::host_name_verification(host));
  auto [handshake_ec] = co_await secure.async_handshake(asio::ssl::stream_base::client, kUseTuple);
  if (handshake_ec) co_return 0;
  const int status = co_await exchange(secure, request, options_.max_response_bytes);
  auto [shutdown_ec] = co_await secure.async_shutdown(kUseTuple);
  (void)shutdown_ec;
  co_return status;
#endif
}

}  // namespace warren::notify
