// HttpServer: puts an HTTP listener on every event loop (SO_REUSEPORT) and serves each accepted
// connection with an HttpConnection calling one Handler; over TLS (https, wss) too, each
// connection after its handshake (net/tls_handshake.h).
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "common/errors.h"
#include "http/connection_options.h"
#include "http/handler.h"
#include "http/upgrade.h"
#include "net/connection_limit.h"
#include "net/listener.h"
#include "net/loop_group.h"
#include "net/tls_context.h"
#include "net/tls_handshake.h"

namespace warren::http {

class HttpServer {
 public:
  // `loops`, `limit`, `handler` and `upgrade` must outlive the server. `upgrade` (may be null)
  // takes over connections that switch protocols (WebSocket).
  HttpServer(net::LoopGroup& loops, net::ConnectionLimit& limit, Handler& handler,
             ConnectionOptions options, UpgradeHandler* upgrade = nullptr);

  // Opens one listener per loop on `endpoint`. With port 0, the first gets an ephemeral port
  // and the others share it. Returns the bound endpoint. Errors: startup_failed.
  Result<boost::asio::ip::tcp::endpoint> listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                                int backlog = 4096);

  // The same over TLS: each accepted connection's handshake runs with the context `contexts`
  // holds then, bounded by `handshake_timeout`, within the connection limit; a connection over
  // the limit is closed unanswered. `contexts` must outlive the server. Errors: startup_failed.
  Result<boost::asio::ip::tcp::endpoint> listen_tls(const boost::asio::ip::tcp::endpoint& endpoint,
                                                    const net::TlsContextSource& contexts,
                                                    std::chrono::milliseconds handshake_timeout,
                                                    int backlog = 4096);

  // Starts accepting on every loop (call before LoopGroup::run).
  void start();

  // Replaces the limits and timeouts of every connection (SIGHUP): each loop's copy is
  // replaced on that loop's thread, so open keep-alive connections apply them from their next
  // request (a request being read keeps the limits it started with, except the timeouts) and
  // nothing is dropped. The buffer budget in force is kept. Any thread.
  void update_options(const ConnectionOptions& options);

 private:
  // Opens one listener per loop, each calling `accepted(loop)` and `rejected`.
  Result<boost::asio::ip::tcp::endpoint> open_listeners(
      const boost::asio::ip::tcp::endpoint& endpoint, int backlog,
      const std::function<net::ListenerCallbacks(net::EventLoop&)>& callbacks);

  net::LoopGroup& loops_;
  net::ConnectionLimit& limit_;
  Handler& handler_;
  // One copy per loop (indexed by EventLoop::index()), read and replaced only on its loop: the
  // connections there hold a reference to it.
  std::vector<std::unique_ptr<ConnectionOptions>> options_;
  UpgradeHandler* upgrade_;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
  net::TlsEstablished tls_established_;  // starts an HttpConnection on a handshake's stream
};

}  // namespace warren::http
