// Session: one WebSocket connection on its event loop (Beast's websocket::stream over a
// SocketLayer). Performs the opening handshake from the HTTP upgrade request, then reads one
// message at a time, hands it to its SessionHandler (the Zaqar actions, in api/) and writes the
// reply; Beast answers pings, checks UTF-8 of text messages, enforces the message size limit and
// runs the closing handshake. Pushes from the hub are queued beside the replies, bounded by
// the slow-subscriber policy. Deadlines (handshake, a message's arrival, closing handshake,
// stalled writes) are checked by the loop's coarse tick; a message arriving reserves its bytes
// from the process's budget (net/buffer_budget.h). Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "http/request.h"
#include "net/buffer_budget.h"
#include "net/connection.h"
#include "net/connection_limit.h"
#include "net/event_loop.h"
#include "ws/loop_writer.h"
#include "ws/options.h"
#include "ws/shared_bytes.h"
#include "ws/socket_layer.h"

namespace warren::ws {

class Session;

// What a session does with its messages: implemented above this layer (api/), one per session.
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;

  // One complete data message, in arrival order; the next is read only once this returns.
  // Writes the reply's payload into `reply` (left empty: no reply) and its kind into
  // `reply_binary` (preset to `binary`). Must not throw.
  virtual boost::asio::awaitable<void> on_message(std::string_view payload, bool binary,
                                                  std::string& reply, bool& reply_binary) = 0;

  // The session is ending (whatever the reason): called once, on its loop, before the handler
  // is destroyed. Pushes are refused from here on.
  virtual void on_close() noexcept = 0;
};

class HandlerFactory {
 public:
  virtual ~HandlerFactory() = default;
  // The handler of a session whose handshake has just succeeded.
  virtual std::unique_ptr<SessionHandler> make_handler(Session& session) = 0;
};

// Counters of one session, for tests and logs.
struct SessionStats {
  std::uint64_t messages_in = 0;
  std::uint64_t pushes = 0;
};

class Session final : public net::Connection, public std::enable_shared_from_this<Session> {
 public:
  // Serves `stream` (upgraded by `request`, with `leftover` bytes already read after it) on
  // `loop` until the connection ends; the session owns itself. `writer`, `options` and
  // `factory` must outlive it.
  static void start(net::EventLoop& loop, LoopWriter& writer, net::Stream stream,
                    net::ConnectionLimit::Slot slot, const WsOptions& options,
                    HandlerFactory& factory, const http::Request& request,
                    std::string_view leftover);

  ~Session() override;

  enum class PushResult {
    queued,   // will be written
    closed,   // the session is not open (handshake, closing): nothing queued
    dropped,  // the send buffer would overflow: nothing queued, the session is being closed
  };
  // Queues whole frames (shared with other sockets of this loop) after everything queued
  // before. Applies the slow-subscriber policy: when the frames would take the bytes queued
  // past max_send_buffer, the session is closed with 1008 instead.
  PushResult push(const SharedBytesPtr& frames);

  // Starts the closing handshake with `code`; the session ends when the peer answers, or after
  // close_timeout. Does nothing if it is already closing.
  void close(std::uint16_t code, std::string_view reason);

  // A header of the upgrade request ("" if absent): only while HandlerFactory::make_handler
  // runs (the request is dropped after it).
  std::string_view upgrade_header(std::string_view name) const;

  std::uint64_t id() const noexcept { return id_; }
  net::EventLoop& loop() noexcept { return loop_; }
  bool open() const noexcept;
  const SessionStats& stats() const noexcept { return stats_; }

  void check_deadline(net::SteadyTime now) override;
  void begin_shutdown() override;
  void force_close() override;

 private:
  enum class Phase { handshake, open, ended };
  using Stream = boost::beast::websocket::stream<SocketLayer>;

  Session(net::EventLoop& loop, LoopWriter& writer, net::Stream stream,
          net::ConnectionLimit::Slot slot, const WsOptions& options, HandlerFactory& factory);

  // The opening handshake, then read_next().
  void begin();
  // Reads the next piece of a message into chunk_.
  void read_next();
  void on_read(const boost::system::error_code& ec, std::size_t size);
  // Handles the complete message in message_, writes its reply, then reads on.
  static boost::asio::awaitable<void> answer(std::shared_ptr<Session> self);
  // Queues the pushes that arrived while a reply was being written.
  void release_deferred();
  // Brings the bytes reserved from the budget in line with message_'s buffer. False: the budget
  // is spent.
  bool account_message();
  void end() noexcept;

  net::EventLoop& loop_;
  const WsOptions& options_;
  HandlerFactory& factory_;
  net::ConnectionLimit::Slot slot_;
  Stream ws_;
  // The upgrade request, until the handshake is done.
  std::unique_ptr<boost::beast::http::request<boost::beast::http::empty_body>> request_;
  std::unique_ptr<SessionHandler> handler_;
  // Reads land in this small inline chunk and are gathered into message_: a waiting socket
  // then holds no read buffer of its own (a dynamic buffer would keep 1.5 KiB prepared).
  std::array<char, 64> chunk_{};
  std::string message_;
  std::string reply_;
  std::vector<SharedBytesPtr> deferred_;  // pushes held back while a reply is written
  std::size_t deferred_bytes_ = 0;
  std::uint64_t id_;
  Phase phase_ = Phase::handshake;
  net::SteadyTime deadline_{};
  // When the message arriving (message_ not empty) must be whole; max when none is.
  net::SteadyTime message_deadline_ = net::SteadyTime::max();
  net::BudgetReservation reservation_{options_.buffer_budget};  // what message_ holds
  bool writing_reply_ = false;
  bool closing_ = false;
  SessionStats stats_;
};

}  // namespace warren::ws
