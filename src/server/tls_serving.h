// TlsServing: Warren's TLS listeners (--tls-listen: HTTPS and wss by upgrade; --ws-tls-listen:
// the WebSocket API alone), the one context every loop takes sessions from, and its reload on
// SIGHUP (new connections get the new files; open ones keep theirs; bad files keep the old).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/signal_set.hpp>

#include "common/errors.h"
#include "http/server.h"
#include "net/tls_context.h"
#include "server/serve_options.h"

namespace warren::server {

class TlsServing {
 public:
  // Reads the files and binds the listeners `options` asks for (at least one). `api` serves
  // HTTPS requests, `ws_only` the WebSocket-only port's; all references must outlive this.
  // Errors: tls_setup_failed (files), startup_failed (addresses).
  static Result<std::unique_ptr<TlsServing>> open(const ServeOptions& options,
                                                  net::LoopGroup& loops,
                                                  net::ConnectionLimit& limit,
                                                  const http::ConnectionOptions& connection,
                                                  http::Handler& api, http::Handler& ws_only,
                                                  http::UpgradeHandler& ws_acceptor);

  // Starts accepting (before the loops run), logs the bound addresses, and reloads the context
  // on every SIGHUP (on loop 0) until shutdown.
  void start();

  // Its HTTP servers (https, wss), for a reload of the connection options.
  std::vector<http::HttpServer*> servers() {
    std::vector<http::HttpServer*> out;
    if (https_) out.push_back(&*https_);
    if (wss_) out.push_back(&*wss_);
    return out;
  }

  // The address the https listener is bound to (--tls-listen; unspecified without it).
  const boost::asio::ip::tcp::endpoint& https_endpoint() const noexcept { return https_bound_; }

 private:
  TlsServing(net::LoopGroup& loops, const net::TlsConfig& config, net::TlsContextPtr context)
      : loops_(loops),
        contexts_(config, std::move(context)),
        hangups_(loops.loop(0).context(), SIGHUP) {}
  void wait_hangup();

  net::LoopGroup& loops_;
  net::TlsContextSource contexts_;
  boost::asio::signal_set hangups_;
  std::optional<http::HttpServer> https_;
  std::optional<http::HttpServer> wss_;
  boost::asio::ip::tcp::endpoint https_bound_;
  boost::asio::ip::tcp::endpoint wss_bound_;
};

}  // namespace warren::server
