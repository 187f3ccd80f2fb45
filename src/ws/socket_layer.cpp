// SocketLayer: flushing, waiting for writability, failure and teardown.
#include "ws/socket_layer.h"

#include "ws/loop_writer.h"

namespace warren::ws {

namespace asio = boost::asio;

SocketLayer::SocketLayer(net::Stream stream, LoopWriter& writer, std::size_t max_buffered)
    : stream_(std::move(stream)),
      writer_(writer),
      max_buffered_(max_buffered),
      last_progress_(std::chrono::steady_clock::now()) {}

SocketLayer::~SocketLayer() {
  close();
}

void SocketLayer::append_shared(SharedBytesPtr frames, bool urgent) {
  if (failed_ || closed_) return;
  if (out_.empty()) last_progress_ = std::chrono::steady_clock::now();
  out_.append_shared(std::move(frames));
  schedule_flush(urgent);
}

void SocketLayer::schedule_flush(bool urgent) {
  if (waiting_writable_ || closed_) return;  // the pending wait flushes
  writer_.schedule(*this, urgent);
}

void SocketLayer::flush() {
  if (closed_ || failed_) return;
  error_code ec;
  const std::size_t written = out_.write_to(stream_, ec);
  if (ec) {
    fail(ec);
    return;
  }
  if (written > 0 || out_.empty()) last_progress_ = std::chrono::steady_clock::now();
  release_blocked_write();
  if (!out_.empty()) {
    wait_writable();
  } else if (teardown_) {
    finish_teardown();
  }
}

void SocketLayer::wait_writable() {
  if (waiting_writable_) return;
  waiting_writable_ = true;
  stream_.async_wait_writable([this, keep = owner_.lock()](const error_code& ec) {
                       waiting_writable_ = false;
                       if (closed_) return;
                       if (ec) {
                         fail(ec);
                         return;
                       }
                       flush();
                     });
}

void SocketLayer::release_blocked_write() {
  if (!blocked_write_ || out_.size() > max_buffered_) return;
  blocked_write_.post(stream_.get_executor(), error_code(), blocked_bytes_);
}

void SocketLayer::fail(const error_code& ec) noexcept {
  if (failed_) return;
  failed_ = true;
  failure_ = ec;
  out_.clear();
  if (blocked_write_) blocked_write_.post(stream_.get_executor(), ec, 0);
  if (teardown_) finish_teardown();
  // Wake a pending read: the peer is gone.
  stream_.shutdown_both();
}

void SocketLayer::finish_teardown() {
  if (!teardown_) return;
  error_code ec = failure_;
  if (!failed_) stream_.shutdown_send(ec);
  teardown_.post(stream_.get_executor(), ec);
}

void SocketLayer::close() noexcept {
  if (closed_) return;
  if (!failed_ && !out_.empty() && stream_.is_open()) {
    error_code ignored;
    out_.write_to(stream_, ignored);  // a last reply or close frame, if the socket takes it
  }
  closed_ = true;
  unlink();
  out_.clear();
  const error_code aborted = asio::error::operation_aborted;
  if (blocked_write_) blocked_write_.post(stream_.get_executor(), aborted, 0);
  if (teardown_) teardown_.post(stream_.get_executor(), aborted);
  stream_.close();
}

void teardown(boost::beast::role_type, SocketLayer& layer, boost::system::error_code& ec) {
  // Only reached through Beast's blocking calls, which Warren never makes.
  ec = {};
  layer.close();
}

}  // namespace warren::ws
