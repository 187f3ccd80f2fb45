// `warren serve`'s options of the WebSocket API and of notifications (pushes, webhooks).
#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

OptionSection websocket_options(ServeOptions& o) {
  static const ChoiceNames<bool> kOnOff = {{"on", true}, {"off", false}};
  auto push_delay_ms = std::make_shared<std::int64_t>(o.ws.push_delay.count());
  notify::WebhookOptions& w = o.webhook;
  OptionSection section{po::options_description("WebSocket and notifications"), nullptr};
  section.description.add_options()
      ("metrics-max-queues", po::value(&o.metrics_max_queues)->default_value(o.metrics_max_queues), "queues (in project, name order) that get gauges of their own in /metrics; the counts of the rest are summed")
      ("metrics-max-visited", po::value(&o.metrics_max_visited)->default_value(o.metrics_max_visited), "queues one scrape of /metrics reads the counts of at most (then it says it stopped short)")
      ("metrics-listen", address(o.metrics_listen), "also serve GET /metrics alone on HOST:PORT, without authentication (keep it on loopback or a private network); the API's port serves it too, to the admin role when authentication is on")
      ("ws-listen", address(o.ws_listen), "also serve the WebSocket API alone on HOST:PORT (Zaqar's layout: 127.0.0.1:9000); it is always served on --listen by upgrade")
      ("ws-max-message-bytes", po::value(&o.ws.max_message_bytes)->default_value(o.ws.max_message_bytes), "a bigger message closes the socket (1009)")
      ("ws-send-buffer", po::value(&o.ws.max_send_buffer)->default_value(o.ws.max_send_buffer), "bytes queued per socket at most; a push beyond closes the socket (1008, slow subscriber)")
      ("ws-deflate", po::bool_switch(&o.ws.permessage_deflate), "offer permessage-deflate (replies compressed; pushes never)")
      ("ws-push-delay-ms", po::value(push_delay_ms.get())->default_value(*push_delay_ms), "pushes may wait this long (from the first push waiting on its loop), to leave in fewer writes; replies never wait")
      ("ws-handshake-timeout", seconds(o.ws.handshake_timeout), "seconds the opening handshake may take")
      ("ws-close-timeout", seconds(o.ws.close_timeout), "seconds the closing handshake may take")
      ("ws-min-subscription-ttl", po::value(&o.ws_min_subscription_ttl)->default_value(o.ws_min_subscription_ttl), "smallest TTL of a socket subscription (Zaqar: 60; lower it for tests)")
      ("ws-max-subscriptions", po::value(&o.ws_max_subscriptions)->default_value(o.ws_max_subscriptions), "subscriptions one socket may hold at once (to as many queues); more are refused with 400")
      ("webhooks", choice(o.webhooks, kOnOff), "on | off: POST notifications to http(s) subscribers")
      ("webhook-queue-limit", po::value(&w.queue_limit)->default_value(w.queue_limit), "webhook deliveries waiting (or between retries) at most; more are dropped")
      ("webhook-concurrency", po::value(&w.concurrency)->default_value(w.concurrency), "webhook requests in flight at most")
      ("webhook-timeout", seconds(w.timeout), "seconds one webhook attempt may take")
      ("webhook-project-queue-limit", po::value(&w.project_queue_limit)->default_value(w.project_queue_limit), "webhook deliveries one project holds at most (waiting, in flight or between retries); more are dropped")
      ("webhook-subscriber-queue-limit", po::value(&w.subscriber_queue_limit)->default_value(w.subscriber_queue_limit), "webhook deliveries one subscriber (project and URL) holds at most; more are dropped")
      ("webhook-project-concurrency", po::value(&w.project_concurrency)->default_value(w.project_concurrency), "webhook requests in flight of one project at most (slots go round-robin over projects, then subscribers)")
      ("webhook-subscriber-concurrency", po::value(&w.subscriber_concurrency)->default_value(w.subscriber_concurrency), "webhook requests in flight of one subscriber at most")
      ("webhook-breaker-failures", po::value(&w.breaker.failures)->default_value(w.breaker.failures), "consecutive failed attempts (timeout, connection error, 5xx) that open a subscriber's circuit breaker: its deliveries then wait for a probe")
      ("webhook-breaker-backoff", seconds(w.breaker.backoff), "seconds an opened breaker waits before its first probe; doubled after each failed probe")
      ("webhook-breaker-max-backoff", seconds(w.breaker.max_backoff), "seconds between probes at most")
      ("webhook-subscriber-idle", seconds(w.subscriber_idle), "seconds a subscriber's state (its breaker) is kept once it holds no delivery")
      ("webhook-allow-private", po::bool_switch(&w.allow_private), "let webhooks reach loopback, link-local, private and other special addresses (tests, private deployments); by default they are refused at subscription and at connect time")
      ("webhook-ca-file", po::value(&w.ca_file),
       notify::webhook_tls_available()
           ? "PEM file of extra CAs trusted for https webhooks"
           : "PEM file of extra CAs trusted for https webhooks (https not built in: WARREN_WEBHOOK_TLS=OFF)");
  section.check = [&o, &w, push_delay_ms]() -> Result<void> {
    using std::chrono::milliseconds;
    if (*push_delay_ms < 0 || o.ws.handshake_timeout <= milliseconds(0) ||
        o.ws.close_timeout <= milliseconds(0) || w.timeout <= milliseconds(0)) {
      return option_error("WebSocket and webhook timeouts must be positive");
    }
    o.ws.push_delay = milliseconds(*push_delay_ms);
    // A WebSocket message and a stalled write are bounded as an HTTP request and write are.
    o.ws.write_stall_timeout = o.connection.idle_timeout;
    o.ws.message_timeout = o.connection.request_timeout;
    if (w.queue_limit < 1 || w.concurrency < 1 || w.project_queue_limit < 1 ||
        w.subscriber_queue_limit < 1 || w.project_concurrency < 1 ||
        w.subscriber_concurrency < 1 || w.breaker.failures < 1) {
      return option_error(
          "webhook limits, concurrencies and --webhook-breaker-failures must be at least 1");
    }
    if (w.breaker.backoff < milliseconds(1) || w.breaker.max_backoff < w.breaker.backoff ||
        w.subscriber_idle <= milliseconds(0)) {
      return option_error(
          "--webhook-breaker-backoff must be positive, --webhook-breaker-max-backoff at least "
          "it, --webhook-subscriber-idle positive");
    }
    if (o.ws.max_message_bytes < 1024) {
      return option_error("--ws-max-message-bytes must be at least 1024");
    }
    if (o.ws.max_send_buffer < 4096) return option_error("--ws-send-buffer must be at least 4096");
    if (o.ws_min_subscription_ttl < 1) {
      return option_error("--ws-min-subscription-ttl must be at least 1");
    }
    if (o.ws_max_subscriptions < 1) {
      return option_error("--ws-max-subscriptions must be at least 1");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
