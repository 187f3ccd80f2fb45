// Stream: one accepted connection's byte stream, whatever carries it. Every protocol above
// (HTTP connections, WebSocket sessions, their canned answers) reads and writes through a
// Stream, never a socket: so a stream that encrypts (TLS, the security issue) changes nothing
// above it. A stream is plain TCP or TLS (net/tls_stream.h), decided once when it is made;
// every operation branches once on which, so a plain stream's operations stay inline and cost
// what the socket's own do.
//
// The contract of each operation is the socket's (Asio's AsyncReadStream and AsyncWriteStream
// for the asynchronous ones); the synchronous ones never wait (the stream is non-blocking).
// A TLS stream's synchronous read_some and write_some always answer would_block (its engine is
// driven by the asynchronous operations only), and its write_gathered writes in the background:
// a caller uses either write_gathered or async_write_some on one stream, never both at once.
// Loop thread only.
#pragma once

#include <cerrno>
#include <cstddef>
#include <memory>
#include <span>
#include <sys/socket.h>
#include <sys/uio.h>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/tls_stream.h"

namespace warren::net {

class Stream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using error_code = boost::system::error_code;

  // A plain TCP stream over an accepted socket: made non-blocking, with Nagle off (requests and
  // answers are written whole).
  explicit Stream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
    error_code ignored;
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    socket_.non_blocking(true, ignored);
  }
  // A TLS stream whose handshake is done.
  explicit Stream(std::shared_ptr<TlsStream> tls)
      : socket_(tls->socket().get_executor()), tls_(std::move(tls)) {}
  Stream(Stream&&) noexcept = default;
  Stream& operator=(Stream&&) noexcept = default;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  bool is_open() const noexcept {
    if (tls_) [[unlikely]]
      return tls_->socket().is_open();
    return socket_.is_open();
  }
  bool is_tls() const noexcept { return tls_ != nullptr; }

  // The bytes available now, without waiting: would_block (or try_again) when there are none;
  // 0 bytes with no error never happens for a non-empty buffer (end of stream is an error).
  std::size_t read_some(boost::asio::mutable_buffer into, error_code& ec) {
    if (tls_) [[unlikely]]
      return would_block(ec);
    return socket_.read_some(into, ec);
  }
  // Writes what the stream takes now, without waiting (would_block when it takes nothing).
  std::size_t write_some(boost::asio::const_buffer bytes, error_code& ec) {
    if (tls_) [[unlikely]]
      return would_block(ec);
    return socket_.write_some(bytes, ec);
  }

  // The asynchronous forms, as Asio's AsyncReadStream and AsyncWriteStream.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (tls_) [[unlikely]]
      return tls_->ssl().async_read_some(buffers, std::forward<Token>(token));
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (tls_) [[unlikely]] {
      return tls_->ssl().async_write_some(buffers, std::forward<Token>(token));
    }
    return socket_.async_write_some(buffers, std::forward<Token>(token));
  }
  // Writes `pieces` in order with one system call, as much as the stream takes now, without
  // waiting. Returns the bytes written; `ec` is set on a hard error only (a full stream is not
  // one: 0 bytes, no error).
  std::size_t write_gathered(std::span<iovec> pieces, error_code& ec) noexcept {
    if (tls_) [[unlikely]]
      return tls_->write_gathered(pieces, ec);
    msghdr message{};
    message.msg_iov = pieces.data();
    message.msg_iovlen = pieces.size();
    for (;;) {
      const ssize_t n = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        ec.assign(errno, boost::system::system_category());
      }
      return 0;
    }
  }
  // Completes when the stream can take more bytes.
  template <class Token>
  auto async_wait_writable(Token&& token) {
    if (tls_) [[unlikely]]
      return tls_->async_wait_writable(std::forward<Token>(token));
    return socket_.async_wait(boost::asio::ip::tcp::socket::wait_write, std::forward<Token>(token));
  }

  // Ends the sending direction (the peer reads an end of stream after what was written).
  void shutdown_send(error_code& ec) noexcept {
    if (tls_) [[unlikely]]
      return tls_->shutdown_send(ec);
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  }
  // Ends both directions and closes: pending operations complete with operation_aborted.
  void close() noexcept {
    if (tls_) [[unlikely]]
      return tls_->close();
    error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  // Wakes a pending read with an end of stream, without closing (a failed writer tells the
  // reading side the peer is gone).
  void shutdown_both() noexcept {
    error_code ignored;
    if (tls_) [[unlikely]] {
      tls_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      return;
    }
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  }

  // The peer's address and port (`ec` set when the socket has none).
  boost::asio::ip::tcp::endpoint remote_endpoint(error_code& ec) const {
    return socket_.remote_endpoint(ec);
  }

  // The TCP socket of a stream whose reads go straight to it (a plain stream), for
  // net/read_readiness.h's trick; nullptr for a stream that buffers bytes of its own (TLS),
  // whose socket must never be marked drained.
  boost::asio::ip::tcp::socket* plain_socket() noexcept { return tls_ ? nullptr : &socket_; }

 private:
  static std::size_t would_block(error_code& ec) noexcept {
    ec = boost::asio::error::would_block;
    return 0;
  }

  boost::asio::ip::tcp::socket socket_;  // a TLS stream's is never opened
  std::shared_ptr<TlsStream> tls_;       // null: plain
};

}  // namespace warren::net
