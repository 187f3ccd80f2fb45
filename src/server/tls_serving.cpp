// TlsServing: opening the TLS listeners and the SIGHUP reload.
#include "server/tls_serving.h"

#include <csignal>

#include "common/log.h"

namespace warren::server {

Result<std::unique_ptr<TlsServing>> TlsServing::open(const ServeOptions& options,
                                                     net::LoopGroup& loops,
                                                     net::ConnectionLimit& limit,
                                                     const http::ConnectionOptions& connection,
                                                     http::Handler& api, http::Handler& ws_only,
                                                     http::UpgradeHandler& ws_acceptor) {
  auto context = net::make_tls_context(options.tls);
  if (!context) return context.error();
  std::unique_ptr<TlsServing> self(new TlsServing(loops, options.tls, std::move(*context)));
  const auto timeout = options.tls.handshake_timeout;
  if (options.tls_listen) {
    self->https_.emplace(loops, limit, api, connection, &ws_acceptor);
    auto bound =
        self->https_->listen_tls(*options.tls_listen, self->contexts_, timeout, options.backlog);
    if (!bound) return bound.error();
    self->https_bound_ = *bound;
  }
  if (options.ws_tls_listen) {
    self->wss_.emplace(loops, limit, ws_only, connection, &ws_acceptor);
    auto bound =
        self->wss_->listen_tls(*options.ws_tls_listen, self->contexts_, timeout, options.backlog);
    if (!bound) return bound.error();
    self->wss_bound_ = *bound;
  }
  return self;
}

void TlsServing::start() {
  if (https_) {
    https_->start();
    log::info("TLS (https) listener on {}:{}", https_bound_.address().to_string(),
              https_bound_.port());
  }
  if (wss_) {
    wss_->start();
    log::info("TLS websocket-only (wss) listener on {}:{}", wss_bound_.address().to_string(),
              wss_bound_.port());
  }
  loops_.loop(0).add_shutdown_hook([this] {
    boost::system::error_code ignored;
    hangups_.cancel(ignored);
  });
  wait_hangup();
}

void TlsServing::wait_hangup() {
  hangups_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    // Reads a few small files on loop 0: a moment's pause of that loop, once per SIGHUP.
    if (auto reloaded = contexts_.reload(); reloaded) {
      log::info("SIGHUP: TLS certificate and key reloaded; new connections use them");
    } else {
      log::error("SIGHUP: TLS reload failed, the previous certificate stays in use: {}",
                 reloaded.error().description);
    }
    wait_hangup();
  });
}

}  // namespace warren::server
