// TlsStream: the encrypted kind of net::Stream: Asio's SSL stream over an accepted socket, and
// the one write Stream's callers expect to never wait (write_gathered, the WebSocket flush).
// OpenSSL's engine cannot be driven synchronously over a non-blocking socket without losing
// bytes it has already encrypted when the socket fills, so a TLS stream only ever uses the
// asynchronous operations: a gathered write copies the bytes (one batch at a time, at most
// kMaxBatch) and writes them in the background; "writable" means that batch is done.
// Shared (std::shared_ptr) so the background write keeps it alive after its owner is gone.
// Loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <sys/uio.h>

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "net/tls_context.h"

namespace warren::net {

class TlsStream : public std::enable_shared_from_this<TlsStream> {
 public:
  using error_code = boost::system::error_code;
  using SslStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // Bytes one gathered write takes at most (the copy a TLS connection holds while writing).
  static constexpr std::size_t kMaxBatch = 64 * 1024;
  // A batch's buffer is kept between writes up to this capacity, and freed above it: an idle
  // socket (most WebSocket subscribers, most of the time) holds no batch-sized copy.
  static constexpr std::size_t kKeptBatch = 4 * 1024;

  // A server-side stream over `socket` (made non-blocking, Nagle off) with a session of
  // `context`, which it keeps alive (a reload does not disturb it).
  TlsStream(boost::asio::ip::tcp::socket socket, TlsContextPtr context);
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  SslStream& ssl() noexcept { return ssl_; }
  boost::asio::ip::tcp::socket& socket() noexcept { return ssl_.next_layer(); }

  // Copies up to kMaxBatch bytes of `pieces` and starts writing them. Returns the bytes taken:
  // 0 while an earlier batch is still being written (the stream is full, no error), or with
  // `ec` set once a write has failed.
  std::size_t write_gathered(std::span<const iovec> pieces, error_code& ec);

  // Completes when no batch is being written (at once if none), with a failed write's error.
  template <class Token>
  auto async_wait_writable(Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code)>(
        [self = shared_from_this()](auto handler) {
          if (!self->writing_) {
            boost::asio::post(self->socket().get_executor(),
                              boost::asio::append(std::move(handler), self->write_error_));
            return;
          }
          self->writable_waiter_ =
              std::make_unique<Waiter<std::decay_t<decltype(handler)>>>(std::move(handler));
        },
        token);
  }

  // Ends the sending direction once the batch in flight is written. (At the TCP level: no
  // close_notify is sent; see docs/tls.md.)
  void shutdown_send(error_code& ec) noexcept;

  // Ends both directions and closes: pending operations complete with operation_aborted.
  void close() noexcept;

 private:
  // The wait for writability, type-erased. (Asio 1.26's any_completion_handler recurses without
  // end when one is moved into another.)
  struct WaiterBase {
    virtual ~WaiterBase() = default;
    virtual void complete(const error_code& ec) = 0;
  };
  template <class Handler>
  struct Waiter final : WaiterBase {
    explicit Waiter(Handler h) : handler(std::move(h)) {}
    void complete(const error_code& ec) override { std::move(handler)(ec); }
    Handler handler;
  };

  void write_done(const error_code& ec);

  TlsContextPtr context_;  // before ssl_: outlives the session made from it
  SslStream ssl_;
  std::string batch_;  // the bytes being written in the background
  bool writing_ = false;
  bool shutdown_after_write_ = false;
  error_code write_error_;
  std::unique_ptr<WaiterBase> writable_waiter_;
};

}  // namespace warren::net
