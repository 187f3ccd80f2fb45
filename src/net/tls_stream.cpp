// TlsStream: the background batch write and closing.
#include "net/tls_stream.h"

#include <boost/asio/write.hpp>

namespace warren::net {

namespace asio = boost::asio;

TlsStream::TlsStream(asio::ip::tcp::socket socket, TlsContextPtr context)
    : context_(std::move(context)), ssl_(std::move(socket), *context_) {
  error_code ignored;
  ssl_.next_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
  ssl_.next_layer().non_blocking(true, ignored);
}

std::size_t TlsStream::write_gathered(std::span<const iovec> pieces, error_code& ec) {
  if (write_error_) {
    ec = write_error_;
    return 0;
  }
  if (writing_) return 0;
  batch_.clear();
  for (const iovec& piece : pieces) {
    const std::size_t room = kMaxBatch - batch_.size();
    if (room == 0) break;
    batch_.append(static_cast<const char*>(piece.iov_base), std::min(room, piece.iov_len));
  }
  if (batch_.empty()) return 0;
  writing_ = true;
  asio::async_write(ssl_, asio::buffer(batch_),
                    [self = shared_from_this()](const error_code& write_ec, std::size_t) {
                      self->write_done(write_ec);
                    });
  return batch_.size();
}

void TlsStream::write_done(const error_code& ec) {
  writing_ = false;
  if (ec && !write_error_) write_error_ = ec;
  if (batch_.capacity() > kKeptBatch) std::string().swap(batch_);
  if (shutdown_after_write_) {
    shutdown_after_write_ = false;
    error_code ignored;
    socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
  if (writable_waiter_) {
    std::unique_ptr<WaiterBase> waiter = std::move(writable_waiter_);
    waiter->complete(write_error_);
  }
}

void TlsStream::shutdown_send(error_code& ec) noexcept {
  if (writing_) {
    shutdown_after_write_ = true;
    return;
  }
  socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

void TlsStream::close() noexcept {
  error_code ignored;
  socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace warren::net
