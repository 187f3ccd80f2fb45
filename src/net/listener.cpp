// Listener: accept loop with EMFILE back-off and the connection limit.
#include "net/listener.h"

#include <sys/socket.h>

#include <boost/asio/socket_base.hpp>

#include "common/log.h"

namespace warren::net {
namespace {

constexpr auto kFdExhaustedPause = std::chrono::milliseconds(100);
constexpr int kAcceptBatch = 256;  // connections accepted per readiness, at most

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors ||  // EMFILE
         ec.value() == ENFILE || ec == boost::asio::error::no_buffer_space ||
         ec == boost::asio::error::no_memory;
}

}  // namespace

Listener::Listener(EventLoop& loop, ConnectionLimit& limit, ListenerCallbacks callbacks)
    : loop_(loop),
      limit_(limit),
      callbacks_(std::move(callbacks)),
      acceptor_(loop.context()),
      retry_timer_(loop.context()) {}

Result<void> Listener::open(const boost::asio::ip::tcp::endpoint& endpoint, int backlog) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) {
    const int on = 1;
    if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
      ec.assign(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(backlog, ec);
  if (!ec) acceptor_.non_blocking(true, ec);
  if (ec) {
    return make_error(Errc::startup_failed, fmt::format("cannot listen on {}:{}: {}",
                                                        endpoint.address().to_string(),
                                                        endpoint.port(), ec.message()));
  }
  return {};
}

boost::asio::ip::tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() {
  loop_.add_shutdown_hook([this] { close(); });
  accept_next();
}

void Listener::close() {
  boost::system::error_code ignored;
  retry_timer_.cancel();
  acceptor_.close(ignored);
}

void Listener::accept_next() {
  acceptor_.async_accept(
      loop_.context(),
      [this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
          if (out_of_descriptors(ec)) {
            pause_then_accept();
            return;
          }
          // ECONNABORTED and the like concern one peer only.
          accept_next();
          return;
        }
        hand_over(std::move(socket));
        // One completion per connection would queue each accept behind every ready connection
        // of the loop: with thousands of busy connections, a burst of new ones would wait
        // thousands of turns. Take what the backlog holds now, a batch at a time.
        for (int i = 0; i < kAcceptBatch; ++i) {
          boost::system::error_code accept_ec;
          boost::asio::ip::tcp::socket next(loop_.context());
          acceptor_.accept(next, accept_ec);
          if (accept_ec == boost::asio::error::would_block ||
              accept_ec == boost::asio::error::try_again) {
            break;
          }
          if (accept_ec) {
            if (out_of_descriptors(accept_ec)) {
              pause_then_accept();
              return;
            }
            continue;
          }
          hand_over(std::move(next));
        }
        accept_next();
      });
}

void Listener::hand_over(boost::asio::ip::tcp::socket socket) {
  if (ConnectionLimit::Slot slot = limit_.try_acquire()) {
    callbacks_.accepted(std::move(socket), std::move(slot));
  } else {
    callbacks_.rejected(std::move(socket));
  }
}

void Listener::pause_then_accept() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_fd_warning_ > std::chrono::seconds(10)) {
    last_fd_warning_ = now;
    log::warn("loop {}: out of file descriptors; pausing accept (existing connections go on)",
              loop_.index());
  }
  retry_timer_.expires_after(kFdExhaustedPause);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && acceptor_.is_open()) accept_next();
  });
}

}  // namespace warren::net
