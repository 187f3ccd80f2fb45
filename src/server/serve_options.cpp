// Command-line and config-file options of `warren serve` (Boost.Program_options).
#include "server/serve_options.h"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

#include "common/version.h"

namespace warren::server {
namespace po = boost::program_options;

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

ParsedServeOptions parse_serve_options(int argc, char** argv) {
  ServeOptions o;
  std::string config_file;
  double header_timeout_s = 10, idle_timeout_s = 60, request_timeout_s = 60, shutdown_grace_s = 10;
  std::int64_t fsync_batch_ms = 10;
  std::string client_id_mode = "strict";
  std::string subscriber_types = "http,https,mailto,trust+http,trust+https";
  double ws_handshake_timeout_s = 10, ws_close_timeout_s = 5, webhook_timeout_s = 10;
  double breaker_backoff_s = 1, breaker_max_backoff_s = 120, subscriber_idle_s = 600;
  std::int64_t ws_push_delay_ms = o.ws.push_delay.count();
  std::string webhooks = "on";
  std::string deprecated_versions;
  engine::Limits& l = o.limits;
  http::ParserLimits& p = o.connection.limits;

  po::options_description general("Server");
  general.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("config", po::value(&config_file), "read options from this file (key = value lines, same names)")
      ("listen", po::value(&o.listen)->default_value(o.listen), "address and port: HOST:PORT, [IPv6]:PORT or PORT")
      ("threads", po::value(&o.threads)->default_value(0), "event-loop threads (0: one per core)")
      ("max-connections", po::value(&o.max_connections)->default_value(o.max_connections), "open connections at most; more are answered 503 and closed")
      ("reserved-fds", po::value(&o.reserved_fds)->default_value(o.reserved_fds), "file descriptors kept free for storage and logs; connections are capped at the descriptor limit minus this")
      ("backlog", po::value(&o.backlog)->default_value(o.backlog), "listen backlog of each loop's socket")
      ("max-header-bytes", po::value(&p.max_header_bytes)->default_value(p.max_header_bytes), "request line and headers at most (431 beyond)")
      ("max-target-bytes", po::value(&p.max_target_bytes)->default_value(p.max_target_bytes), "request target at most (414 beyond)")
      ("max-header-count", po::value(&p.max_header_count)->default_value(p.max_header_count), "header fields at most (431 beyond)")
      ("max-body-bytes", po::value(&p.max_body_bytes)->default_value(p.max_body_bytes), "request body at most (413 beyond)")
      ("header-timeout", po::value(&header_timeout_s)->default_value(header_timeout_s), "seconds a request's headers may take to arrive")
      ("idle-timeout", po::value(&idle_timeout_s)->default_value(idle_timeout_s), "seconds an idle keep-alive connection (or a stalled body or write) is kept")
      ("request-timeout", po::value(&request_timeout_s)->default_value(request_timeout_s), "seconds a whole request (headers and body) may take to arrive, from its first byte (408 beyond)")
      ("max-buffered-bytes", po::value(&o.max_buffered_bytes)->default_value(o.max_buffered_bytes), "bytes buffered for requests still arriving, over all connections; a request that would pass it gets 503 (0: no bound)")
      ("shutdown-grace", po::value(&shutdown_grace_s)->default_value(shutdown_grace_s), "seconds requests in flight get to finish on SIGINT/SIGTERM")
      ("log-level", po::value(&o.log_level)->default_value(o.log_level), "debug | info | warn | error")
      ("enable-deprecated-api-versions", po::value(&deprecated_versions), "also serve these deprecated Zaqar API versions: 1.1 (as Zaqar's option of that name)");

  po::options_description storage("Storage");
  storage.add_options()
      ("storage", po::value(&o.storage.engine)->default_value(o.storage.engine), "engine: memory | rocksdb | redis")
      ("data-dir", po::value(&o.storage.data_dir)->default_value(o.storage.data_dir), "rocksdb: directory of the database")
      ("fsync", po::value(&o.storage.fsync)->default_value(o.storage.fsync), "rocksdb: always (acknowledge after the WAL sync; concurrent writes share one) | batch (acknowledge, sync within --fsync-interval-ms) | never (leave syncing to the OS)")
      ("fsync-interval-ms", po::value(&fsync_batch_ms)->default_value(fsync_batch_ms), "rocksdb, --fsync=batch: sync at most this often")
      ("wal-recovery", po::value(&o.storage.wal_recovery)->default_value(o.storage.wal_recovery), "rocksdb: strict (refuse to start on a corrupt log, past a torn last record) | point-in-time (start from the intact prefix)")
      ("redis", po::value(&o.storage.redis_urls), "redis: redis://HOST:PORT[,HOST:PORT...] (several: a Redis Cluster)")
      ("redis-wait-replicas", po::value(&o.storage.redis_wait_replicas)->default_value(0), "redis: after each write, WAIT for this many replicas (narrows the failover loss window)")
      ("memory-shards", po::value(&o.storage.memory_shards)->default_value(o.storage.memory_shards), "memory, rocksdb: lock shards of the in-memory index");

  po::options_description limits("Zaqar limits (as Zaqar's [transport] options)");
  limits.add_options()
      ("max-queues-per-page", po::value(&l.max_queues_per_page)->default_value(l.max_queues_per_page), "")
      ("max-messages-per-page", po::value(&l.max_messages_per_page)->default_value(l.max_messages_per_page), "")
      ("max-subscriptions-per-page", po::value(&l.max_subscriptions_per_page)->default_value(l.max_subscriptions_per_page), "")
      ("max-messages-per-claim-or-pop", po::value(&l.max_messages_per_claim_or_pop)->default_value(l.max_messages_per_claim_or_pop), "")
      ("max-queue-metadata", po::value(&l.max_queue_metadata)->default_value(l.max_queue_metadata), "bytes")
      ("max-messages-post-size", po::value(&l.max_messages_post_size)->default_value(l.max_messages_post_size), "bytes")
      ("max-message-ttl", po::value(&l.max_message_ttl)->default_value(l.max_message_ttl), "seconds")
      ("default-message-ttl", po::value(&l.default_message_ttl)->default_value(l.default_message_ttl), "seconds")
      ("max-message-delay", po::value(&l.max_message_delay)->default_value(l.max_message_delay), "seconds")
      ("default-message-delay", po::value(&l.default_message_delay)->default_value(l.default_message_delay), "seconds")
      ("max-claim-ttl", po::value(&l.max_claim_ttl)->default_value(l.max_claim_ttl), "seconds")
      ("default-claim-ttl", po::value(&l.default_claim_ttl)->default_value(l.default_claim_ttl), "seconds")
      ("max-claim-grace", po::value(&l.max_claim_grace)->default_value(l.max_claim_grace), "seconds")
      ("default-claim-grace", po::value(&l.default_claim_grace)->default_value(l.default_claim_grace), "seconds")
      ("default-subscription-ttl", po::value(&l.default_subscription_ttl)->default_value(l.default_subscription_ttl), "seconds")
      ("subscriber-types", po::value(&subscriber_types)->default_value(subscriber_types), "comma-separated URI schemes")
      ("message-delete-with-claim-id", po::bool_switch(&l.message_delete_with_claim_id), "bulk deletes must name the claims of claimed messages")
      ("client-id-uuid-safe", po::value(&client_id_mode)->default_value(client_id_mode), "strict (a UUID) | off (a length range)")
      ("signed-url-secret", po::value(&o.api.signed_url_secret), "key of pre-signed URLs (POST .../share); none: sharing is refused")
      ("min-client-id-length", po::value(&o.api.client_id.min_length)->default_value(o.api.client_id.min_length), "")
      ("max-client-id-length", po::value(&o.api.client_id.max_length)->default_value(o.api.client_id.max_length), "");

  po::options_description websocket("WebSocket and notifications");
  websocket.add_options()
      ("ws-listen", po::value(&o.ws_listen), "also serve the WebSocket API alone on HOST:PORT (Zaqar's layout: 127.0.0.1:9000); it is always served on --listen by upgrade")
      ("ws-max-message-bytes", po::value(&o.ws.max_message_bytes)->default_value(o.ws.max_message_bytes), "a bigger message closes the socket (1009)")
      ("ws-send-buffer", po::value(&o.ws.max_send_buffer)->default_value(o.ws.max_send_buffer), "bytes queued per socket at most; a push beyond closes the socket (1008, slow subscriber)")
      ("ws-deflate", po::bool_switch(&o.ws.permessage_deflate), "offer permessage-deflate (replies compressed; pushes never)")
      ("ws-push-delay-ms", po::value(&ws_push_delay_ms)->default_value(ws_push_delay_ms), "pushes may wait this long (from the first push waiting on its loop), to leave in fewer writes; replies never wait")
      ("ws-handshake-timeout", po::value(&ws_handshake_timeout_s)->default_value(ws_handshake_timeout_s), "seconds the opening handshake may take")
      ("ws-close-timeout", po::value(&ws_close_timeout_s)->default_value(ws_close_timeout_s), "seconds the closing handshake may take")
      ("ws-min-subscription-ttl", po::value(&o.ws_min_subscription_ttl)->default_value(o.ws_min_subscription_ttl), "smallest TTL of a socket subscription (Zaqar: 60; lower it for tests)")
      ("ws-max-subscriptions", po::value(&o.ws_max_subscriptions)->default_value(o.ws_max_subscriptions), "subscriptions one socket may hold at once (to as many queues); more are refused with 400")
      ("webhooks", po::value(&webhooks)->default_value(webhooks), "on | off: POST notifications to http(s) subscribers")
      ("webhook-queue-limit", po::value(&o.webhook.queue_limit)->default_value(o.webhook.queue_limit), "webhook deliveries waiting (or between retries) at most; more are dropped")
      ("webhook-concurrency", po::value(&o.webhook.concurrency)->default_value(o.webhook.concurrency), "webhook requests in flight at most")
      ("webhook-timeout", po::value(&webhook_timeout_s)->default_value(webhook_timeout_s), "seconds one webhook attempt may take")
      ("webhook-project-queue-limit", po::value(&o.webhook.project_queue_limit)->default_value(o.webhook.project_queue_limit), "webhook deliveries one project holds at most (waiting, in flight or between retries); more are dropped")
      ("webhook-subscriber-queue-limit", po::value(&o.webhook.subscriber_queue_limit)->default_value(o.webhook.subscriber_queue_limit), "webhook deliveries one subscriber (project and URL) holds at most; more are dropped")
      ("webhook-project-concurrency", po::value(&o.webhook.project_concurrency)->default_value(o.webhook.project_concurrency), "webhook requests in flight of one project at most (slots go round-robin over projects, then subscribers)")
      ("webhook-subscriber-concurrency", po::value(&o.webhook.subscriber_concurrency)->default_value(o.webhook.subscriber_concurrency), "webhook requests in flight of one subscriber at most")
      ("webhook-breaker-failures", po::value(&o.webhook.breaker.failures)->default_value(o.webhook.breaker.failures), "consecutive failed attempts (timeout, connection error, 5xx) that open a subscriber's circuit breaker: its deliveries then wait for a probe")
      ("webhook-breaker-backoff", po::value(&breaker_backoff_s)->default_value(breaker_backoff_s), "seconds an opened breaker waits before its first probe; doubled after each failed probe")
      ("webhook-breaker-max-backoff", po::value(&breaker_max_backoff_s)->default_value(breaker_max_backoff_s), "seconds between probes at most")
      ("webhook-subscriber-idle", po::value(&subscriber_idle_s)->default_value(subscriber_idle_s), "seconds a subscriber's state (its breaker) is kept once it holds no delivery")
      ("webhook-allow-private", po::bool_switch(&o.webhook.allow_private), "let webhooks reach loopback, link-local, private and other special addresses (tests, private deployments); by default they are refused at subscription and at connect time")
      ("webhook-ca-file", po::value(&o.webhook.ca_file),
       notify::webhook_tls_available()
           ? "PEM file of extra CAs trusted for https webhooks"
           : "PEM file of extra CAs trusted for https webhooks (https not built in: WARREN_WEBHOOK_TLS=OFF)");

  po::options_description all;
  all.add(general).add(storage).add(limits).add(websocket);

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("config")) {
      po::store(po::parse_config_file(vm["config"].as<std::string>().c_str(), all), vm);
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warren serve: %s\n(see `warren serve --help`)\n", e.what());
    return {std::nullopt, 2};
  }
  if (vm.count("help")) {
    std::cout << "usage: warren serve [options]\n\nRuns the Zaqar v2 queue server.\n\n" << all << "\n";
    return {std::nullopt, 0};
  }
  if (vm.count("version")) {
    std::printf("warren %s\n", kVersion);
    return {std::nullopt, 0};
  }
  auto fail = [](const std::string& why) {
    std::fprintf(stderr, "warren serve: %s\n", why.c_str());
    return ParsedServeOptions{std::nullopt, 2};
  };
  if (client_id_mode != "strict" && client_id_mode != "off") {
    return fail("--client-id-uuid-safe must be strict or off");
  }
  o.api.client_id.uuid_safe = client_id_mode == "strict";
  for (const std::string& version : split_list(deprecated_versions)) {
    if (version != "1.1") return fail("--enable-deprecated-api-versions knows only 1.1");
    o.api.enable_v1_1 = true;
  }
  l.subscriber_types = split_list(subscriber_types);
  if (header_timeout_s <= 0 || idle_timeout_s <= 0 || request_timeout_s <= 0 ||
      shutdown_grace_s < 0) {
    return fail("timeouts must be positive");
  }
  o.connection.header_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(header_timeout_s * 1000));
  o.connection.idle_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(idle_timeout_s * 1000));
  o.connection.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(request_timeout_s * 1000));
  o.shutdown_grace = std::chrono::milliseconds(static_cast<std::int64_t>(shutdown_grace_s * 1000));
  o.storage.fsync_batch_interval = std::chrono::milliseconds(fsync_batch_ms);
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  if (o.max_connections == 0) return fail("--max-connections must be at least 1");
  if (p.max_header_bytes < 256) return fail("--max-header-bytes must be at least 256");
  if (l.default_message_ttl < engine::kMinMessageTtl || l.default_message_ttl > l.max_message_ttl) {
    return fail("--default-message-ttl must lie within 60..--max-message-ttl");
  }
  if (l.default_claim_ttl < engine::kMinClaimTtl || l.default_claim_ttl > l.max_claim_ttl) {
    return fail("--default-claim-ttl must lie within 60..--max-claim-ttl");
  }
  if (l.default_claim_grace < engine::kMinClaimGrace || l.default_claim_grace > l.max_claim_grace) {
    return fail("--default-claim-grace must lie within 60..--max-claim-grace");
  }
  if (l.max_messages_per_page < 1 || l.max_queues_per_page < 1 ||
      l.max_subscriptions_per_page < 1 || l.max_messages_per_claim_or_pop < 1) {
    return fail("page and claim limits must be at least 1");
  }
  if (webhooks != "on" && webhooks != "off") return fail("--webhooks must be on or off");
  o.webhooks = webhooks == "on";
  if (ws_push_delay_ms < 0 || ws_handshake_timeout_s <= 0 || ws_close_timeout_s <= 0 ||
      webhook_timeout_s <= 0) {
    return fail("WebSocket and webhook timeouts must be positive");
  }
  o.ws.push_delay = std::chrono::milliseconds(ws_push_delay_ms);
  o.ws.handshake_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(ws_handshake_timeout_s * 1000));
  o.ws.close_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(ws_close_timeout_s * 1000));
  o.ws.write_stall_timeout = o.connection.idle_timeout;
  o.ws.message_timeout = o.connection.request_timeout;
  o.webhook.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(webhook_timeout_s * 1000));
  if (o.webhook.queue_limit < 1 || o.webhook.concurrency < 1 || o.webhook.project_queue_limit < 1 ||
      o.webhook.subscriber_queue_limit < 1 || o.webhook.project_concurrency < 1 ||
      o.webhook.subscriber_concurrency < 1 || o.webhook.breaker.failures < 1) {
    return fail("webhook limits, concurrencies and --webhook-breaker-failures must be at least 1");
  }
  if (breaker_backoff_s < 0.001 || breaker_max_backoff_s < breaker_backoff_s || subscriber_idle_s <= 0) {
    return fail("--webhook-breaker-backoff must be positive, --webhook-breaker-max-backoff at least "
                "it, --webhook-subscriber-idle positive");
  }
  o.webhook.breaker.backoff = std::chrono::milliseconds(static_cast<std::int64_t>(breaker_backoff_s * 1000));
  o.webhook.breaker.max_backoff = std::chrono::milliseconds(static_cast<std::int64_t>(breaker_max_backoff_s * 1000));
  o.webhook.subscriber_idle = std::chrono::milliseconds(static_cast<std::int64_t>(subscriber_idle_s * 1000));
  if (o.ws.max_message_bytes < 1024) return fail("--ws-max-message-bytes must be at least 1024");
  if (o.ws.max_send_buffer < 4096) return fail("--ws-send-buffer must be at least 4096");
  if (o.ws_min_subscription_ttl < 1) return fail("--ws-min-subscription-ttl must be at least 1");
  if (o.ws_max_subscriptions < 1) return fail("--ws-max-subscriptions must be at least 1");
  if (o.storage.engine != "memory" && o.storage.engine != "rocksdb" && o.storage.engine != "redis") {
    return fail("--storage must be memory, rocksdb or redis");
  }
  if (o.storage.fsync != "always" && o.storage.fsync != "batch" && o.storage.fsync != "never") {
    return fail("--fsync must be always, batch or never");
  }
  if (fsync_batch_ms < 1 || fsync_batch_ms > 60000) {
    return fail("--fsync-interval-ms must lie within 1..60000");
  }
  if (o.storage.wal_recovery != "strict" && o.storage.wal_recovery != "point-in-time") {
    return fail("--wal-recovery must be strict or point-in-time");
  }
  return {std::move(o), 0};
}

}  // namespace warren::server
