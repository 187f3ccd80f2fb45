// HttpConnection: the read / parse / answer / write loop of one connection.
#include "http/connection.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "common/access_log.h"
#include "common/spawn.h"
#include "common/tick_clock.h"

namespace warren::http {
namespace {

namespace asio = boost::asio;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

constexpr std::size_t kInitialBuffer = 4096;
constexpr std::size_t kIdleBufferLimit = 16 * 1024;  // bigger buffers are freed when idle
constexpr std::size_t kLingerBytes = 64 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(2);

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

void HttpConnection::start(net::EventLoop& loop, net::Stream stream,
                           net::ConnectionLimit::Slot slot, const ConnectionOptions& options,
                           Handler& handler, UpgradeHandler* upgrade) {
  std::unique_ptr<HttpConnection> self(
      new HttpConnection(loop, std::move(stream), std::move(slot), options, handler, upgrade));
  // A connection that fails by an exception (a bug) is logged; its socket closes as the
  // coroutine's frame, which owns it, unwinds. The loop serves the others on.
  spawn(loop.context(), run(std::move(self)), "an HTTP connection");
}

HttpConnection::HttpConnection(net::EventLoop& loop, net::Stream stream,
                               net::ConnectionLimit::Slot slot, const ConnectionOptions& options,
                               Handler& handler, UpgradeHandler* upgrade)
    : loop_(loop),
      stream_(std::move(stream)),
      slot_(std::move(slot)),
      options_(options),
      handler_(handler),
      upgrade_(upgrade),
      parser_(options.limits) {
  loop_.attach(*this);
}

HttpConnection::~HttpConnection() {
  close_socket();
  loop_.detach(*this);
}

asio::awaitable<void> HttpConnection::run(std::unique_ptr<HttpConnection> self) {
  co_await self->serve();
}

void HttpConnection::set_phase(Phase phase, std::chrono::milliseconds timeout) {
  phase_ = phase;
  deadline_ = loop_.coarse_now() + timeout;
  if (request_arriving_ && request_deadline_ < deadline_) deadline_ = request_deadline_;
}

bool HttpConnection::account_buffers() {
  return reservation_.hold((in_capacity_ > kInitialBuffer ? in_capacity_ - kInitialBuffer : 0) +
                           header_copy_.capacity() + parser_.body_buffer_bytes());
}

void HttpConnection::refuse_arriving_request(const Error& error) {
  writer_.set_head_request(false);
  writer_.set_keep_alive_header(false);
  writer_.set_close(true);
  writer_.error(error);
  closing_ = framing_lost_ = true;
  // Nothing of the request is needed any more: give its memory back at once, not after the
  // lingering close.
  parser_.reset();
  std::string().swap(header_copy_);
  header_kept_ = false;
  in_begin_ = in_end_ = request_begin_ = 0;
  in_capacity_ = kInitialBuffer;
  in_ = std::make_unique<char[]>(in_capacity_);
  account_buffers();
}

asio::awaitable<void> HttpConnection::serve() {
  set_phase(Phase::idle, options_.idle_timeout);
  if (loop_.shutting_down()) co_return;
  while (!closed_) {
    // (No co_await inside a condition: GCC 12 miscompiles some of those.)
    const bool answered = co_await answer_buffered();
    if (!answered) break;
    if (!out_.empty()) {
      const bool written = co_await flush();
      if (!written) break;
    }
    if (upgrading_) {
      hand_over();
      co_return;
    }
    if (closing_) break;
    if (shutdown_requested_ && in_begin_ == in_end_ && !parser_.started()) break;
    if (!make_room()) break;
    if (closing_) continue;  // make_room() refused the request: its answer goes out first

    if (in_begin_ == in_end_ && !parser_.started()) {
      request_arriving_ = false;
      if (phase_ != Phase::idle) set_phase(Phase::idle, options_.idle_timeout);
    } else {
      if (!request_arriving_) {
        // The first bytes of a request: its absolute deadline starts now, and trickling bytes
        // never extend it.
        request_arriving_ = true;
        request_deadline_ = loop_.coarse_now() + options_.request_timeout;
      }
      if (parser_.in_body()) {
        set_phase(Phase::reading_body, options_.idle_timeout);  // each read restarts it
      } else if (phase_ != Phase::reading_header) {
        set_phase(Phase::reading_header, options_.header_timeout);
      }
    }

    const std::size_t n = co_await read_some();
    if (n == 0) break;
    in_end_ += n;
  }
  if (framing_lost_ && !closed_) {
    co_await linger();
  }
  close_socket();
}

asio::awaitable<std::size_t> HttpConnection::read_some() {
  char* const into = in_.get() + in_end_;
  const std::size_t space = in_capacity_ - in_end_;
  // The read-readiness trick holds only where reads go straight to the socket.
  asio::ip::tcp::socket* const plain = stream_.plain_socket();
  if (plain == nullptr || net::ReadReadiness::is_expected(*plain)) {
    boost::system::error_code ec;
    const std::size_t n = stream_.read_some(asio::buffer(into, space), ec);
    if (!ec) {
      if (n < space && plain != nullptr) net::ReadReadiness::mark_drained(*plain);
      co_return n;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return 0;
    if (plain != nullptr) net::ReadReadiness::mark_drained(*plain);
  }
  // The socket was seen empty and no edge has come since: the read is queued for epoll at once,
  // and the reactor runs it and resumes this coroutine in one slice, so a short read there is a
  // drained socket seen in the slice that marks it.
  auto [ec, n] = co_await stream_.async_read_some(asio::buffer(into, space), kUseTuple);
  if (ec) co_return 0;
  if (n < space && plain != nullptr) net::ReadReadiness::mark_drained(*plain);
  co_return n;
}

asio::awaitable<bool> HttpConnection::answer_buffered() {
  while (in_begin_ < in_end_ && !closing_) {
    std::size_t used = 0;
    const ParseStatus status =
        parser_.feed(std::string_view(in_.get() + in_begin_, in_end_ - in_begin_), used);
    in_begin_ += used;

    if (status == ParseStatus::need_more) {
      if (parser_.in_body()) {
        keep_unfinished_header();
        if (!account_buffers()) {
          refuse_arriving_request(make_error(Errc::http_buffers_exhausted));
          break;
        }
        if (parser_.request().expect_continue && !continue_sent_) {
          out_.append(kContinue);
          continue_sent_ = true;
        }
      }
      break;
    }
    if (status == ParseStatus::failed) {
      writer_.set_head_request(false);
      writer_.set_keep_alive_header(false);
      writer_.set_close(true);
      writer_.error(parser_.error());
      closing_ = framing_lost_ = true;
      break;
    }

    Request& request = parser_.request();
    if (request.upgrade && upgrade_ != nullptr && upgrade_->accepts(request)) {
      // The views stay valid: nothing reuses the buffer until hand_over() has run.
      upgrading_ = true;
      break;
    }
    writer_.set_head_request(request.method == boost::beast::http::verb::head);
    writer_.set_close(!request.keep_alive || shutdown_requested_);
    writer_.set_keep_alive_header(request.version == 10 && request.keep_alive);
    phase_ = Phase::handling;
    request.scope = this;
    // The access log's branch (common/access_log.h): when off, nothing else here runs.
    const bool logged = log::access_sampled();
    std::uint64_t started = 0;
    const std::size_t out_before = out_.size();
    if (logged) [[unlikely]] {
      started = TickClock::now();
      writer_.forget_error();
    }
    co_await handler_.handle(request, writer_);
    if (logged) [[unlikely]] log_access(request, started, out_before);
    if (watch_) end_peer_watch();
    if (writer_.closing()) closing_ = true;

    parser_.reset();
    request_arriving_ = false;  // the next request's clock starts with its first byte
    request_begin_ = in_begin_;
    header_kept_ = false;
    continue_sent_ = false;
    if (out_.size() >= options_.max_buffered_output && !closing_) {
      const bool written = co_await flush();
      if (!written) co_return false;
    }
  }
  if (header_kept_) request_begin_ = in_begin_;  // no views into the buffer any more
  if (in_begin_ == in_end_ && !parser_.started()) in_begin_ = in_end_ = request_begin_ = 0;
  if (!closing_ && !account_buffers()) {
    refuse_arriving_request(make_error(Errc::http_buffers_exhausted));
  }
  co_return true;
}

void HttpConnection::keep_unfinished_header() {
  if (header_kept_) return;
  // The request's header (and body pieces the parser has already copied out) lie between
  // request_begin_ and in_begin_. Keep the header aside so the read buffer can be reused for
  // the body however long it is.
  const char* from = in_.get() + request_begin_;
  header_copy_.assign(from, in_begin_ - request_begin_);
  parser_.request().relocate(from, header_copy_.size(), header_copy_.data());
  std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
  in_end_ -= in_begin_;
  in_begin_ = request_begin_ = 0;
  header_kept_ = true;
}

void HttpConnection::move_unfinished_request(char* to) {
  char* from = in_.get() + request_begin_;
  const std::size_t size = in_end_ - request_begin_;
  // Beast may already have reported the request line (views into it) before the rest of the
  // header arrived, so the views move with the bytes.
  parser_.request().relocate(from, size, to);
  std::memmove(to, from, size);
  in_begin_ -= request_begin_;
  in_end_ -= request_begin_;
  request_begin_ = 0;
}

bool HttpConnection::make_room() {
  if (!in_) {
    in_capacity_ = kInitialBuffer;
    in_ = std::make_unique<char[]>(in_capacity_);
  }
  if (in_begin_ == in_end_ && !parser_.started() && in_capacity_ > kIdleBufferLimit) {
    in_capacity_ = kInitialBuffer;
    in_ = std::make_unique<char[]>(in_capacity_);
    in_begin_ = in_end_ = request_begin_ = 0;
  }
  if (in_end_ < in_capacity_) return true;
  if (request_begin_ > 0) {
    move_unfinished_request(in_.get());
    return true;
  }
  // A header bigger than the buffer: grow up to just past the header limit, so the parser sees
  // enough bytes to report the limit.
  const std::size_t ceiling = options_.limits.max_header_bytes + kInitialBuffer;
  if (in_capacity_ >= ceiling) return false;
  const std::size_t capacity = std::min(in_capacity_ * 2, ceiling);
  auto bigger = std::make_unique<char[]>(capacity);
  move_unfinished_request(bigger.get());
  in_ = std::move(bigger);
  in_capacity_ = capacity;
  if (!account_buffers()) refuse_arriving_request(make_error(Errc::http_buffers_exhausted));
  return true;
}

asio::awaitable<bool> HttpConnection::flush() {
  set_phase(Phase::writing, options_.idle_timeout);
  std::size_t done = 0;
  while (done < out_.size()) {
    boost::system::error_code ec;
    const std::size_t n =
        stream_.write_some(asio::buffer(out_.data() + done, out_.size() - done), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      auto [write_ec, written] = co_await asio::async_write(
          stream_, asio::buffer(out_.data() + done, out_.size() - done), kUseTuple);
      if (write_ec) {
        out_.clear();
        co_return false;
      }
      done += written;
      continue;
    }
    if (ec) {
      out_.clear();
      co_return false;
    }
    done += n;
  }
  out_.clear();
  if (out_.capacity() > options_.max_buffered_output * 2) std::string().swap(out_);
  co_return true;
}

asio::awaitable<void> HttpConnection::linger() {
  boost::system::error_code ec;
  stream_.shutdown_send(ec);
  if (ec) co_return;
  phase_ = Phase::lingering;
  deadline_ = loop_.coarse_now() + kLingerTime;
  std::size_t drained = 0;
  char sink[4096];
  while (!closed_ && drained < kLingerBytes) {
    auto [read_ec, n] = co_await stream_.async_read_some(asio::buffer(sink), kUseTuple);
    if (read_ec || n == 0) break;
    drained += n;
  }
}

void HttpConnection::hand_over() {
  closed_ = true;  // the socket is someone else's from here
  const std::string_view leftover(in_.get() + in_begin_, in_end_ - in_begin_);
  upgrade_->take_over(loop_, std::move(stream_), std::move(slot_), parser_.request(), leftover);
}

void HttpConnection::check_deadline(net::SteadyTime now) {
  if (closed_ || phase_ == Phase::handling || now < deadline_) return;
  if ((phase_ == Phase::reading_header || phase_ == Phase::reading_body) && out_.empty()) {
    boost::system::error_code ignored;
    // Best effort, never waits. (The Date header is the only part that changes.)
    const std::string timeout = canned_error_response(
        phase_ == Phase::reading_header ? Errc::http_request_timeout : Errc::http_request_too_slow);
    stream_.write_some(asio::buffer(timeout), ignored);
  }
  close_socket();
}

void HttpConnection::begin_shutdown() {
  shutdown_requested_ = true;
  if (phase_ == Phase::idle) close_socket();
  // A request being handled answers now with what it has (a long wait ends).
  if (phase_ == Phase::handling) cancel_.emit(asio::cancellation_type::total);
}

void HttpConnection::force_close() {
  close_socket();
}

void HttpConnection::close_socket() noexcept {
  if (closed_) return;
  closed_ = true;
  end_peer_watch();
  stream_.close();
  if (phase_ == Phase::handling) cancel_.emit(asio::cancellation_type::terminal);
}

void HttpConnection::options_changed() {
  // Idle: nothing of a next request has arrived, so the parser holds no views yet.
  if (!closed_ && phase_ == Phase::idle && in_begin_ == in_end_ && !parser_.started()) {
    parser_.reset();
  }
}

void HttpConnection::log_access(const Request& request, std::uint64_t started,
                                std::size_t out_before) noexcept {
  try {
    const std::uint64_t ns = TickClock::to_ns(TickClock::now() - started);
    const std::string remote = peer_address();
    const std::optional<Errc> code = writer_.error_code();
    log::access({remote, request.method_text, request.target, writer_.status(),
                 out_.size() >= out_before ? out_.size() - out_before : 0, ns / 1000,
                 code ? error_info(*code).name : std::string_view()});
  } catch (...) {
  }
}

std::string HttpConnection::peer_address() const {
  boost::system::error_code ec;
  const auto endpoint = stream_.remote_endpoint(ec);
  if (ec) return {};
  const auto address = endpoint.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), endpoint.port())
                         : fmt::format("{}:{}", address.to_string(), endpoint.port());
}

void HttpConnection::watch_peer() {
  asio::ip::tcp::socket* plain = stream_.plain_socket();
  if (watch_ || closed_ || plain == nullptr || phase_ != Phase::handling) return;
  watch_ = std::make_shared<HttpConnection*>(this);
  plain->async_wait(asio::ip::tcp::socket::wait_read,
                    [watch = watch_](const boost::system::error_code& ec) {
                      if (*watch != nullptr) (*watch)->peer_readable(ec);
                    });
}

void HttpConnection::end_peer_watch() noexcept {
  if (!watch_) return;
  *watch_ = nullptr;
  watch_.reset();
  if (asio::ip::tcp::socket* plain = stream_.plain_socket(); plain != nullptr && !closed_) {
    boost::system::error_code ignored;
    plain->cancel(ignored);  // nothing else waits on the socket while a request is handled
  }
}

void HttpConnection::peer_readable(const boost::system::error_code& ec) {
  *watch_ = nullptr;
  watch_.reset();
  if (phase_ != Phase::handling) return;
  bool gone = static_cast<bool>(ec);
  if (!gone) {
    // Readable: the end of the stream (the peer left), an error, or the bytes of a next request.
    char byte = 0;
    const ssize_t n =
        ::recv(stream_.plain_socket()->native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }
  if (gone) cancel_.emit(asio::cancellation_type::terminal);
}

}  // namespace warren::http
