// Listener: one loop's own SO_REUSEPORT acceptor (no accept queue shared between loops). Hands
// each accepted socket, with its place under the connection limit, to the protocol layer.
// Out of file descriptors (EMFILE/ENFILE): stops accepting for a short pause and retries, so
// existing connections keep being served and nothing spins.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/errors.h"
#include "net/connection_limit.h"
#include "net/event_loop.h"

namespace warren::net {

struct ListenerCallbacks {
  // A new connection within the limit; the callee owns socket and slot from here.
  std::function<void(boost::asio::ip::tcp::socket, ConnectionLimit::Slot)> accepted;
  // A connection over the limit: the callee may answer it briefly, then must close it.
  std::function<void(boost::asio::ip::tcp::socket)> rejected;
};

class Listener {
 public:
  Listener(EventLoop& loop, ConnectionLimit& limit, ListenerCallbacks callbacks);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds with SO_REUSEADDR and SO_REUSEPORT and listens. Errors: startup_failed.
  Result<void> open(const boost::asio::ip::tcp::endpoint& endpoint, int backlog);

  // The bound address (the real port when opened on port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Starts accepting on the loop (loop thread), and closes itself when the loop shuts down.
  void start();

  // Stops accepting (loop thread).
  void close();

 private:
  void accept_next();
  void pause_then_accept();
  // Gives an accepted socket to the protocol layer, or turns it away over the limit.
  void hand_over(boost::asio::ip::tcp::socket socket);

  EventLoop& loop_;
  ConnectionLimit& limit_;
  ListenerCallbacks callbacks_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::chrono::steady_clock::time_point last_fd_warning_{};
};

}  // namespace warren::net
