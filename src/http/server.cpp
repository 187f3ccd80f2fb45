// HttpServer: listeners and the over-limit answer.
#include "http/server.h"

#include <boost/asio/post.hpp>

#include "http/connection.h"
#include "http/response_writer.h"

namespace warren::http {
namespace {

// Answers a connection over the limit without waiting, then closes it.
void turn_away(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  const std::string answer = canned_error_response(Errc::http_too_many_connections);
  socket.write_some(boost::asio::buffer(answer), ignored);
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// A TLS connection over the limit gets no answer: it would have to be encrypted.
void close_unanswered(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ignored;
  socket.close(ignored);
}

}  // namespace

HttpServer::HttpServer(net::LoopGroup& loops, net::ConnectionLimit& limit, Handler& handler,
                       ConnectionOptions options, UpgradeHandler* upgrade)
    : loops_(loops),
      limit_(limit),
      handler_(handler),
      upgrade_(upgrade),
      tls_established_(
          [this](net::EventLoop& loop, net::Stream stream, net::ConnectionLimit::Slot slot) {
            HttpConnection::start(loop, std::move(stream), std::move(slot),
                                  *options_[loop.index()], handler_, upgrade_);
          }) {
  for (unsigned i = 0; i < loops_.size(); ++i) {
    options_.push_back(std::make_unique<ConnectionOptions>(options));
  }
}

void HttpServer::update_options(const ConnectionOptions& options) {
  for (unsigned i = 0; i < loops_.size(); ++i) {
    net::EventLoop& loop = loops_.loop(i);
    boost::asio::post(loop.context(), [&loop, mine = options_[i].get(), options] {
      net::BufferBudget* const budget = mine->buffer_budget;
      *mine = options;
      mine->buffer_budget = budget;
      loop.options_changed();
    });
  }
}

Result<boost::asio::ip::tcp::endpoint> HttpServer::listen(
    const boost::asio::ip::tcp::endpoint& endpoint, int backlog) {
  return open_listeners(endpoint, backlog, [this](net::EventLoop& loop) {
    return net::ListenerCallbacks{
        [this, &loop](boost::asio::ip::tcp::socket socket, net::ConnectionLimit::Slot slot) {
          HttpConnection::start(loop, net::Stream(std::move(socket)), std::move(slot),
                                *options_[loop.index()], handler_, upgrade_);
        },
        turn_away};
  });
}

Result<boost::asio::ip::tcp::endpoint> HttpServer::listen_tls(
    const boost::asio::ip::tcp::endpoint& endpoint, const net::TlsContextSource& contexts,
    std::chrono::milliseconds handshake_timeout, int backlog) {
  return open_listeners(
      endpoint, backlog, [this, &contexts, handshake_timeout](net::EventLoop& loop) {
        return net::ListenerCallbacks{
            [this, &loop, &contexts, handshake_timeout](boost::asio::ip::tcp::socket socket,
                                                        net::ConnectionLimit::Slot slot) {
              net::TlsHandshake::start(loop, std::move(socket), std::move(slot), contexts.current(),
                                       handshake_timeout, tls_established_);
            },
            close_unanswered};
      });
}

Result<boost::asio::ip::tcp::endpoint> HttpServer::open_listeners(
    const boost::asio::ip::tcp::endpoint& endpoint, int backlog,
    const std::function<net::ListenerCallbacks(net::EventLoop&)>& callbacks) {
  boost::asio::ip::tcp::endpoint bound = endpoint;
  for (unsigned i = 0; i < loops_.size(); ++i) {
    net::EventLoop& loop = loops_.loop(i);
    auto listener = std::make_unique<net::Listener>(loop, limit_, callbacks(loop));
    if (auto opened = listener->open(bound, backlog); !opened) return opened.error();
    if (i == 0) bound = listener->local_endpoint();
    listeners_.push_back(std::move(listener));
  }
  return bound;
}

void HttpServer::start() {
  // Called before the loops run, so starting the accepts from this thread is safe.
  for (auto& listener : listeners_) listener->start();
}

}  // namespace warren::http
