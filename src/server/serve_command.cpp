// `warren serve`: wires storage, engine, API and HTTP server onto the event loops, and runs
// them until SIGINT/SIGTERM, then drains requests in flight and exits 0.
#include "server/serve_command.h"

#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/http_api.h"
#include "api/ws_api.h"
#include "auth/credential_store.h"
#include "auth/header_identity.h"
#include "auth/keystone_identity.h"
#include "auth/project_limits.h"
#include "auth/token_identity.h"
#include "common/access_log.h"
#include "common/log.h"
#include "common/version.h"
#include "engine/clock.h"
#include "engine/queue_service.h"
#include "engine/reaper.h"
#include "http/server.h"
#include "metrics/scrape.h"
#include "net/loop_group.h"
#include "notify/mail_check.h"
#include "notify/post_fanout.h"
#include "notify/push_hub.h"
#include "notify/subscriber_check.h"
#include "notify/trust_check.h"
#include "notify/webhook_sender.h"
#include "server/metrics_listener.h"
#include "server/project_quotas.h"
#include "server/queue_metrics.h"
#include "server/shared_rate_counter.h"
#include "server/remote_push.h"
#include "server/serve_options.h"
#include "server/store_factory.h"
#include "server/systemd_notify.h"
#include "server/live_reload.h"
#include "server/tls_serving.h"
#include "ws/acceptor.h"

namespace warren::server {
namespace {

constexpr auto kTick = std::chrono::milliseconds(250);

// Lets the process hold as many descriptors as its hard limit allows; returns that limit.
std::size_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace

int run_serve_command(int argc, char** argv) {
  ParsedServeOptions parsed = parse_serve_options(argc, argv);
  if (!parsed.options) return parsed.exit_status;
  const ServeOptions& options = *parsed.options;
  log::set_level(options.log_level);
  log::set_format(options.log_format);
  if (!options.access_log.empty()) {
    if (auto opened = log::open_access_log(options.access_log, options.access_log_sample);
        !opened) {
      log::failure(opened.error());
      return 1;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  const std::size_t descriptors = raise_descriptor_limit();
  std::size_t max_connections = options.max_connections;
  if (descriptors <= options.reserved_fds + 1) {
    log::error("the descriptor limit ({}) leaves nothing for connections after --reserved-fds {}",
               descriptors, options.reserved_fds);
    return 1;
  }
  if (max_connections > descriptors - options.reserved_fds) {
    max_connections = descriptors - options.reserved_fds;
    log::info("connections capped at {} (descriptor limit {} minus {} reserved)", max_connections,
              descriptors, options.reserved_fds);
  }

  auto store = make_store(options.storage);
  if (!store) {
    log::failure(store.error());
    return 1;
  }
  // --pooling: the engine becomes the home store of a pooled store (docs/pools.md).
  store::pooled::PooledStore* pools = nullptr;
  if (options.storage.pooling) {
    const StorageOptions& base = options.storage;
    auto pooled = std::make_unique<store::pooled::PooledStore>(
        std::move(*store), [&base](std::string_view uri) { return open_pool_engine(base, uri); },
        options.storage.pools);
    if (auto loaded = pooled->load(); !loaded) {
      log::error("{}", loaded.error().description);
      return 1;
    }
    pools = pooled.get();
    *store = std::move(pooled);
  }
  engine::SystemClock clock;
  engine::QueueService service(**store, clock, options.limits);
  // Who calls (the identity stage): --auth none, as Zaqar without keystonemiddleware (the
  // project is the one X-Project-ID names), or --auth tokens (the credentials file's grants).
  std::unique_ptr<auth::CredentialStore> credentials;
  if (!options.credentials_file.empty()) {
    auto opened = auth::CredentialStore::open(options.credentials_file);
    if (!opened) {
      log::failure(opened.error());
      return 1;
    }
    credentials = std::move(*opened);
    if (options.auth != AuthMode::tokens && credentials->current()->token_count() > 0) {
      log::warn("{}: its tokens grant nothing under --auth {} (only its project limits apply)",
                options.credentials_file, options.auth == AuthMode::none ? "none" : "keystone");
    }
  }
  std::unique_ptr<auth::Identity> identity;
  std::unique_ptr<auth::KeystoneClient> keystone;
  if (options.auth == AuthMode::tokens) {
    identity = std::make_unique<auth::TokenIdentity>(*credentials, options.roles);
  } else if (options.auth == AuthMode::keystone) {
    auto client = auth::KeystoneClient::make(options.keystone);
    if (!client) {
      log::failure(client.error());
      return 1;
    }
    keystone = std::move(*client);
    identity =
        std::make_unique<auth::KeystoneIdentity>(*keystone, options.roles, options.keystone_cache);
  } else {
    identity = std::make_unique<auth::HeaderIdentity>();
  }
  // What each project may use: the admission stage (request rate) and the engine's quota hook
  // (queues, messages, post rate), installed only where a limit can apply. The rates' buckets
  // live in the store when several servers share it (redis), else in process.
  auth::LocalRateCounter local_rates;
  SharedRateCounter shared_rates(**store, clock);
  auth::RateCounter& rates =
      (*store)->shares_rate_buckets() ? static_cast<auth::RateCounter&>(shared_rates) : local_rates;
  auth::ProjectLimits limits(options.project_limits, credentials.get(), rates);
  auth::Admission* const admission = limits.may_limit() ? &limits : nullptr;
  ProjectQuotas quotas(limits, **store, clock);
  if (limits.may_limit()) service.set_quota_check(&quotas);
  // What GET /metrics shows (docs/metrics.md): every counter and histogram, the process, and
  // the gauges added below.
  metrics::Scrape scrape;
  QueueMetrics queue_metrics(**store, clock, options.metrics_max_queues,
                             options.metrics_max_visited);
  scrape.add_async([&queue_metrics](metrics::Exposition& out) {
    return queue_metrics.collect(out);
  });
  api::ApiOptions api_options = options.api;
  api_options.metrics = &scrape;
  api_options.pools = pools;
  api_options.pools_admin_only = options.auth != AuthMode::none;
  api::HttpApi api(service, *identity, admission, api_options);
  // Webhook subscribers are checked (URL, address policy) when subscribed, over either
  // transport, whether or not webhooks are delivered now.
  notify::WebhookSubscriberCheck subscriber_check(
      {options.webhook.allow_private, options.webhook.timeout});
  // mailto: subscribers are refused without a relay, else checked as mail addresses.
  const bool mail = !options.mail.relay.empty();
  notify::MailSubscriberCheck mail_check(mail, &subscriber_check);
  // trust+http(s) subscribers get a Keystone trust when subscribed; refused without Keystone.
  notify::TrustSubscriberCheck trust_check(keystone.get(), &mail_check);
  service.set_subscriber_check(&trust_check);

  net::LoopGroup loops(options.threads, kTick);
  net::ConnectionLimit limit(max_connections);
  // Request bytes still arriving are bounded over all connections, and memory freed after a
  // burst of them goes back to the system (net/buffer_budget.h).
  net::retain_less_heap();
  net::BufferBudget buffer_budget(options.max_buffered_bytes);
  http::ConnectionOptions connection = options.connection;
  connection.buffer_budget = &buffer_budget;
  for (unsigned i = 0; i < loops.size(); ++i) {
    loops.loop(i).add_tick_hook([&buffer_budget](net::SteadyTime) { buffer_budget.trim(); });
  }
  scrape.add([&limit, &loops](metrics::Exposition& out) {
    using Type = metrics::Exposition::Type;
    out.family("warren_connections_open", Type::gauge,
               "Connections open now (HTTP and WebSocket, every listener).");
    out.sample("warren_connections_open", "", static_cast<std::uint64_t>(limit.open()));
    out.family("warren_connections_max", Type::gauge, "The most connections served at once.");
    out.sample("warren_connections_max", "", static_cast<std::uint64_t>(limit.max()));
    out.family("warren_event_loops", Type::gauge, "Event loops (threads) serving requests.");
    out.sample("warren_event_loops", "", static_cast<std::uint64_t>(loops.size()));
  });

  // Subscribers: sockets through the push hub, http(s) URIs through the webhook sender,
  // mailto: URIs through the mail sender (with a relay; libcurl is loaded only then).
  notify::PushHub hub(loops);
  std::optional<auth::TrustTokenCache> trust_tokens;  // (outlives the sender that uses it)
  if (keystone) trust_tokens.emplace(*keystone, options.trust_tokens);
  std::unique_ptr<notify::WebhookSender> webhooks;
  if (options.webhooks) {
    webhooks = std::make_unique<notify::WebhookSender>(
        options.webhook, trust_tokens ? &*trust_tokens : nullptr);
  }
  std::unique_ptr<notify::MailSender> mailer;
  if (mail) {
    auto curl = notify::load_curl();
    if (!curl) {
      log::failure(curl.error());
      return 1;
    }
    mailer = std::make_unique<notify::MailSender>(**curl, options.mail);
  }
  notify::PostFanout fanout(service, loops, hub, webhooks.get(), mailer.get());
  // Other nodes' posts reach this node's sockets (redis engine only).
  auto remote_push = start_remote_push(options.storage, loops, hub);
  if (!remote_push) {
    log::failure(remote_push.error());
    return 1;
  }
  service.add_observer(&fanout);
  api::WsApi ws_api(service, hub, *identity, admission,
                    api::WsApiOptions{options.api, options.ws_min_subscription_ttl,
                                      options.ws_max_subscriptions});
  ws::WsOptions ws_options = options.ws;
  ws_options.buffer_budget = &buffer_budget;
  ws::WsAcceptor ws_acceptor(loops, ws_options, ws_api);

  http::HttpServer server(loops, limit, api, connection, &ws_acceptor);
  // (--tls-only: no plain listener; the log's "listening on" names the https one.)
  auto bound = options.tls_only ? Result<boost::asio::ip::tcp::endpoint>()
                                : server.listen(options.listen, options.backlog);
  if (!bound) {
    log::failure(bound.error());
    return 1;
  }
  ws::WsOnlyHandler ws_only;
  std::optional<http::HttpServer> ws_server;
  std::optional<boost::asio::ip::tcp::endpoint> ws_bound;
  if (options.ws_listen) {
    ws_server.emplace(loops, limit, ws_only, connection, &ws_acceptor);
    auto opened = ws_server->listen(*options.ws_listen, options.backlog);
    if (!opened) {
      log::failure(opened.error());
      return 1;
    }
    ws_bound = *opened;
  }
  MetricsHandler metrics_only(scrape);
  std::optional<http::HttpServer> metrics_server;
  std::optional<boost::asio::ip::tcp::endpoint> metrics_bound;
  if (options.metrics_listen) {
    metrics_server.emplace(loops, limit, metrics_only, connection, nullptr);
    auto opened = metrics_server->listen(*options.metrics_listen, options.backlog);
    if (!opened) {
      log::failure(opened.error());
      return 1;
    }
    metrics_bound = *opened;
  }
  // TLS listeners (https, wss) and their reload on SIGHUP (server/tls_serving.h).
  std::unique_ptr<TlsServing> tls;
  if (options.tls_listen || options.ws_tls_listen) {
    auto opened = TlsServing::open(options, loops, limit, connection, api, ws_only, ws_acceptor);
    if (!opened) {
      log::failure(opened.error());
      return 1;
    }
    tls = std::move(*opened);
    if (options.tls_only) bound = tls->https_endpoint();
  }

  // Once a loop has no connection left, the engine closes what it keeps open there.
  for (unsigned i = 0; i < loops.size(); ++i) {
    auto& loop = loops.loop(i);
    loop.add_drained_hook([&loop, &store] { (*store)->release_loop(loop.context()); });
  }
  engine::Reaper reaper(loops.loop(0).context(), **store, clock);
  loops.loop(0).add_shutdown_hook([&reaper] { reaper.stop(); });
  reaper.start();

  // systemd (Type=notify): READY=1 once the loops run with every listener bound, STOPPING=1
  // on SIGINT/SIGTERM, WATCHDOG=1 from loop 0 (server/systemd_notify.h).
  SystemdNotifier systemd(loops.loop(0));
  loops.loop(0).add_shutdown_hook([&systemd] { systemd.stopping(); });
  boost::asio::signal_set signals(loops.loop(0).context(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    systemd.stopping();
    log::info("signal {}: stopping (requests in flight get {} ms)", signal,
              options.shutdown_grace.count());
    loops.shutdown(options.shutdown_grace);
  });
  loops.loop(0).add_shutdown_hook([&signals] { signals.cancel(); });
  // SIGHUP: the options and the files they name are read again (server/live_reload.h).
  ReloadTargets targets;
  targets.servers.push_back(&server);
  if (ws_server) targets.servers.push_back(&*ws_server);
  if (metrics_server) targets.servers.push_back(&*metrics_server);
  if (tls) {
    for (http::HttpServer* s : tls->servers()) targets.servers.push_back(s);
  }
  targets.connection_limit = &limit;
  targets.buffer_budget = &buffer_budget;
  targets.max_connections_cap = descriptors - options.reserved_fds;
  targets.credentials = credentials.get();
  targets.systemd = &systemd;
  LiveReload live(argc, argv, options, std::move(parsed.given), std::move(targets));
  boost::asio::signal_set reload(loops.loop(0).context(), SIGHUP);
  std::function<void()> wait_reload = [&] {
    reload.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      live.reload();
      wait_reload();
    });
  };
  wait_reload();
  loops.loop(0).add_shutdown_hook([&reload] { reload.cancel(); });
  if (options.auth == AuthMode::none && !bound->address().is_loopback()) {
    log::warn(
        "--auth none on {}: anyone who reaches this port can act as any project; use "
        "--auth tokens (docs/security.md)",
        bound->address().to_string());
  }

  if (tls) tls->start();  // (before the line below, which scripts wait for)
  server.start();
  log::info("warren {} listening on {}:{} ({} threads, storage {})", kVersion,
            bound->address().to_string(), bound->port(), options.threads, (*store)->engine_name());
  if (ws_server) {
    ws_server->start();
    // (After the line above: scripts read the HTTP port from the first "listening on".)
    log::info("websocket-only listener on {}:{}", ws_bound->address().to_string(),
              ws_bound->port());
  }
  if (metrics_server) {
    metrics_server->start();
    log::info("metrics listener on {}:{}", metrics_bound->address().to_string(),
              metrics_bound->port());
  }
  if (systemd.enabled()) {
    boost::asio::post(loops.loop(0).context(), [&systemd, port = bound->port()] {
      systemd.ready(fmt::format("serving on port {}", port));
      systemd.start_watchdog();
    });
  }
  loops.run();
  service.remove_observer(&fanout);
  log::info("stopped");
  return 0;
}

}  // namespace warren::server
