// HttpConnection: one HTTP/1.x connection, served by one coroutine on its loop. Reads into a
// per-connection buffer, parses every complete request in it (pipelining), answers them in
// order into one output buffer and writes that buffer once per batch. Deadlines (header
// timeout, a whole request's absolute deadline, idle keep-alive, stalled writes) are checked by
// the loop's coarse tick; the bytes it buffers for an arriving request are reserved from the
// process's budget (net/buffer_budget.h).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/connection_options.h"
#include "http/handler.h"
#include "http/request_parser.h"
#include "http/request_scope.h"
#include "http/response_writer.h"
#include "http/upgrade.h"
#include "net/buffer_budget.h"
#include "net/connection.h"
#include "net/connection_limit.h"
#include "net/event_loop.h"
#include "net/read_readiness.h"
#include "net/stream.h"

namespace warren::http {

class HttpConnection final : public net::Connection, private RequestScope {
 public:
  // Serves `stream` on `loop` until it closes; the connection owns itself. `options`,
  // `handler` and `upgrade` must outlive every connection (they belong to the server).
  // `upgrade` (may be null) is offered every request that asks to switch protocols.
  static void start(net::EventLoop& loop, net::Stream stream, net::ConnectionLimit::Slot slot,
                    const ConnectionOptions& options, Handler& handler,
                    UpgradeHandler* upgrade = nullptr);

  ~HttpConnection() override;

  void check_deadline(net::SteadyTime now) override;
  void begin_shutdown() override;
  void force_close() override;

 private:
  enum class Phase { idle, reading_header, reading_body, handling, writing, lingering };

  HttpConnection(net::EventLoop& loop, net::Stream stream, net::ConnectionLimit::Slot slot,
                 const ConnectionOptions& options, Handler& handler, UpgradeHandler* upgrade);

  static boost::asio::awaitable<void> run(std::unique_ptr<HttpConnection> self);
  boost::asio::awaitable<void> serve();
  // Reads what has arrived into the buffer's free space, waiting for it if need be, without the
  // recv() that would find a drained socket empty (see net/read_readiness.h). 0: end of stream
  // or error.
  boost::asio::awaitable<std::size_t> read_some();
  // Parses and answers every complete request buffered. False: stop serving.
  boost::asio::awaitable<bool> answer_buffered();
  // Writes all buffered responses. False: the peer is gone.
  boost::asio::awaitable<bool> flush();
  // After an error that lost the framing: stop sending, drain the peer's bytes for a moment so
  // the error response is not destroyed by a reset, then close.
  boost::asio::awaitable<void> linger();

  // Enters `phase` with a deadline `timeout` from now, capped by the request's own deadline
  // while a request is arriving.
  void set_phase(Phase phase, std::chrono::milliseconds timeout);
  // Brings the bytes reserved from the budget in line with what the buffers hold now. False:
  // the budget is spent (the caller answers 503 and closes).
  bool account_buffers();
  // Answers `error` to the request arriving, drops what it buffered and closes after the answer.
  void refuse_arriving_request(const Error& error);
  void keep_unfinished_header();
  // Moves the unfinished request's bytes (and those after it) to the start of `to`, re-pointing
  // the request's views.
  void move_unfinished_request(char* to);
  bool make_room();
  void close_socket() noexcept;
  // Gives the stream, the slot, the upgrade request and the bytes after it to upgrade_.
  void hand_over();

  // RequestScope, for the request being handled.
  boost::asio::cancellation_slot cancellation_slot() noexcept override { return cancel_.slot(); }
  void watch_peer() override;
  std::string peer_address() const override;
  // An idle connection's parser for its next request is set up again under the new limits.
  void options_changed() override;
  // Writes the access log's line of `request`, answered since `started` (TickClock) with what
  // out_ holds past `out_before`.
  void log_access(const Request& request, std::uint64_t started, std::size_t out_before) noexcept;
  // Ends the peer watch of the request just handled (its completion then does nothing).
  void end_peer_watch() noexcept;
  // What the peer watch saw when the socket became readable.
  void peer_readable(const boost::system::error_code& ec);

  net::EventLoop& loop_;
  net::Stream stream_;
  net::ConnectionLimit::Slot slot_;
  const ConnectionOptions& options_;
  Handler& handler_;
  UpgradeHandler* upgrade_;
  RequestParser parser_;

  std::unique_ptr<char[]> in_;
  std::size_t in_capacity_ = 0;
  std::size_t in_begin_ = 0;       // first byte not consumed by the parser
  std::size_t in_end_ = 0;         // end of the bytes read
  std::size_t request_begin_ = 0;  // first byte of the unfinished request (views point past it)
  std::string header_copy_;        // header of a request whose body is still arriving
  bool header_kept_ = false;
  bool continue_sent_ = false;

  std::string out_;
  ResponseWriter writer_{out_};

  Phase phase_ = Phase::idle;
  net::SteadyTime deadline_{};
  bool request_arriving_ = false;       // bytes of a request not yet answered are here
  net::SteadyTime request_deadline_{};  // when that request must have arrived whole
  net::BudgetReservation reservation_{options_.buffer_budget};  // what the buffers hold
  bool closing_ = false;       // close after the current batch is written
  bool framing_lost_ = false;  // closing because of a request error
  bool shutdown_requested_ = false;
  bool upgrading_ = false;  // the request parsed last switches protocols
  bool closed_ = false;

  boost::asio::cancellation_signal cancel_;  // emitted while a request is handled
  // The peer watch in progress: its completion holds this and does nothing once it is null.
  std::shared_ptr<HttpConnection*> watch_;
};

}  // namespace warren::http
