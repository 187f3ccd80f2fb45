// SocketLayer: the stream under Beast's websocket::stream (its "next layer"). Reads come from
// the connection's net::Stream, after any bytes the HTTP layer had already read past the
// upgrade request. Writes never go to the stream directly: every frame, whether Beast
// serialised it (replies, pong, close) or the push hub shares it between subscribers, is
// queued in one OutputQueue and written by the loop's LoopWriter, one gathered write per
// flush. Frames are always queued whole and in order, so Beast's frames and push frames never
// interleave byte-wise.
//
// Backpressure: a Beast write is queued at once, but completes only once the queue is back
// under `max_buffered` bytes; so a peer that does not read stops its own requests being read.
// Push frames never wait: the session applies the slow-subscriber policy before queueing them.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/intrusive/list_hook.hpp>

#include "net/stream.h"
#include "ws/output_queue.h"

namespace warren::ws {

class LoopWriter;

// A completion handler kept until later, type-erased and move-only. (Asio 1.26's
// any_completion_handler recurses without end when posted through asio::append.)
template <class... Args>
class PendingHandler {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  PendingHandler() = default;
  template <class Handler>
  explicit PendingHandler(Handler&& handler)
      : impl_(std::make_unique<Impl<std::decay_t<Handler>>>(std::forward<Handler>(handler))) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  // Posts the handler, called with `args`, to `executor`; this becomes empty.
  void post(const executor_type& executor, Args... args) {
    std::unique_ptr<Base> impl = std::move(impl_);
    impl->post(executor, args...);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void post(const executor_type& executor, Args... args) = 0;
  };
  template <class Handler>
  struct Impl final : Base {
    explicit Impl(Handler h) : handler(std::move(h)) {}
    void post(const executor_type& executor, Args... args) override {
      boost::asio::post(executor, boost::asio::append(std::move(handler), args...));
    }
    Handler handler;
  };
  std::unique_ptr<Base> impl_;
};

class SocketLayer : public boost::intrusive::list_base_hook<
                        boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
 public:
  using executor_type = net::Stream::executor_type;
  using error_code = boost::system::error_code;

  // `writer` must outlive the layer. `keep_alive` is held by every wait the layer starts on
  // its own (the owning session), so the layer outlives them.
  SocketLayer(net::Stream stream, LoopWriter& writer, std::size_t max_buffered);
  SocketLayer(const SocketLayer&) = delete;
  SocketLayer& operator=(const SocketLayer&) = delete;
  ~SocketLayer();

  void set_keep_alive(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // Bytes the HTTP layer read after the upgrade request: served first by reads.
  void preload(std::string_view bytes) { preread_.assign(bytes.data(), bytes.size()); }

  executor_type get_executor() noexcept { return stream_.get_executor(); }

  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    if (preread_pos_ >= preread_.size()) {
      return stream_.async_read_some(buffers, std::forward<Token>(token));
    }
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const MutableBufferSequence& target) {
          const std::size_t n = boost::asio::buffer_copy(
              target,
              boost::asio::buffer(preread_.data() + preread_pos_, preread_.size() - preread_pos_));
          preread_pos_ += n;
          if (preread_pos_ >= preread_.size()) {
            std::string().swap(preread_);
            preread_pos_ = 0;
          }
          boost::asio::post(stream_.get_executor(),
                            boost::asio::append(std::move(handler), error_code(), n));
        },
        token, buffers);
  }

  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& source) {
          if (failed_) {
            boost::asio::post(stream_.get_executor(),
                              boost::asio::append(std::move(handler),
                                                  error_code(boost::asio::error::broken_pipe), 0));
            return;
          }
          const std::size_t n = out_.append_copy(source);
          schedule_flush(true);
          if (out_.size() <= max_buffered_) {
            boost::asio::post(stream_.get_executor(),
                              boost::asio::append(std::move(handler), error_code(), n));
          } else {
            blocked_write_ = PendingHandler<error_code, std::size_t>(std::move(handler));
            blocked_bytes_ = n;
          }
        },
        token, buffers);
  }

  // Flushes what is queued, then shuts the sending side down (Beast's close handshake ends
  // here). Completes with the write error, if any.
  template <class Token>
  auto async_teardown(Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code)>(
        [this](auto handler) {
          teardown_ = PendingHandler<error_code>(std::move(handler));
          if (out_.empty() || failed_) {
            finish_teardown();
          } else {
            schedule_flush(true);
          }
        },
        token);
  }

  // Queues whole frames shared with other sockets. Never waits, never fails: the caller checks
  // queued() against its limit first.
  void append_shared(SharedBytesPtr frames, bool urgent);

  std::size_t queued() const noexcept { return out_.size(); }
  std::size_t max_buffered() const noexcept { return max_buffered_; }
  bool failed() const noexcept { return failed_; }
  // When a flush last wrote a byte (or the queue was last empty): stall detection.
  std::chrono::steady_clock::time_point last_progress() const noexcept { return last_progress_; }

  // Writes what the socket takes now; waits for writability if bytes remain. Called by the
  // LoopWriter.
  void flush();

  // Best effort, never waits: writes what the socket takes now, then closes it. Pending
  // completions run with operation_aborted.
  void close() noexcept;

 private:
  void schedule_flush(bool urgent);
  void wait_writable();
  void fail(const error_code& ec) noexcept;
  void release_blocked_write();
  void finish_teardown();

  net::Stream stream_;
  LoopWriter& writer_;
  std::size_t max_buffered_;
  std::weak_ptr<void> owner_;
  OutputQueue out_;
  std::string preread_;
  std::size_t preread_pos_ = 0;
  PendingHandler<error_code, std::size_t> blocked_write_;
  std::size_t blocked_bytes_ = 0;
  PendingHandler<error_code> teardown_;
  std::chrono::steady_clock::time_point last_progress_;
  friend class LoopWriter;
  bool urgent_ = false;  // in the LoopWriter's list of this turn (else in its delayed list)
  bool waiting_writable_ = false;
  bool failed_ = false;
  bool closed_ = false;
  error_code failure_;
};

// Beast's customisation points for a user-defined next layer (found by argument-dependent
// lookup from boost::beast::websocket).
void teardown(boost::beast::role_type role, SocketLayer& layer, boost::system::error_code& ec);

// Beast closes the lowest layer this way when an operation fails.
inline void beast_close_socket(SocketLayer& layer) {
  layer.close();
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type, SocketLayer& layer, TeardownHandler&& handler) {
  layer.async_teardown(std::forward<TeardownHandler>(handler));
}

}  // namespace warren::ws
