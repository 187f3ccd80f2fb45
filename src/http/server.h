// HttpServer: puts an HTTP listener on every event loop (SO_REUSEPORT) and serves each accepted
// connection with an HttpConnection calling one Handler.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "common/errors.h"
#include "http/connection_options.h"
#include "http/handler.h"
#include "net/connection_limit.h"
#include "net/listener.h"
#include "net/loop_group.h"

namespace warren::http {

class HttpServer {
 public:
  // `loops`, `limit` and `handler` must outlive the server.
  HttpServer(net::LoopGroup& loops, net::ConnectionLimit& limit, Handler& handler,
             ConnectionOptions options);

  // Opens one listener per loop on `endpoint`. With port 0, the first gets an ephemeral port
  // and the others share it. Returns the bound endpoint. Errors: startup_failed.
  Result<boost::asio::ip::tcp::endpoint> listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                                int backlog = 4096);

  // Starts accepting on every loop (call before LoopGroup::run).
  void start();

 private:
  net::LoopGroup& loops_;
  net::ConnectionLimit& limit_;
  Handler& handler_;
  ConnectionOptions options_;
  std::vector<std::unique_ptr<net::Listener>> listeners_;
};

}  // namespace warren::http
