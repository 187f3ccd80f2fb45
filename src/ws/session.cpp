// Session: handshake, the read / handle / reply loop, pushes, closing and deadlines.
#include "ws/session.h"

#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "common/counters.h"
#include "common/log.h"
#include "common/spawn.h"

namespace warren::ws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

Counter messages_received("warren_ws_messages_received_total", "",
                          "WebSocket messages received (whole messages, not frames).");
Counter pushes_queued("warren_ws_pushes_total", R"(outcome="queued")",
                      "Push frames for subscribed sockets, by outcome.");
Counter pushes_dropped("warren_ws_pushes_total", R"(outcome="dropped_slow_subscriber")",
                       "Push frames for subscribed sockets, by outcome.");
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::atomic<std::uint64_t> next_session_id{1};

}  // namespace

void Session::start(net::EventLoop& loop, LoopWriter& writer, net::Stream stream,
                    net::ConnectionLimit::Slot slot, const WsOptions& options,
                    HandlerFactory& factory, const http::Request& request,
                    std::string_view leftover) {
  std::shared_ptr<Session> self(
      new Session(loop, writer, std::move(stream), std::move(slot), options, factory));
  self->ws_.next_layer().set_keep_alive(self);
  self->ws_.next_layer().preload(leftover);
  self->request_ = std::make_unique<beast::http::request<beast::http::empty_body>>();
  auto& upgrade = *self->request_;
  upgrade.method(request.method);
  upgrade.target(beast::string_view(request.target.data(), request.target.size()));
  upgrade.version(request.version);
  for (const http::Header& h : request.headers) {
    upgrade.insert(beast::string_view(h.name.data(), h.name.size()),
                   beast::string_view(h.value.data(), h.value.size()));
  }
  self->begin();
}

Session::Session(net::EventLoop& loop, LoopWriter& writer, net::Stream stream,
                 net::ConnectionLimit::Slot slot, const WsOptions& options, HandlerFactory& factory)
    : loop_(loop),
      options_(options),
      factory_(factory),
      slot_(std::move(slot)),
      ws_(std::move(stream), writer, options.max_send_buffer),
      id_(next_session_id.fetch_add(1, std::memory_order_relaxed)) {
  ws_.read_message_max(options.max_message_bytes);
  ws_.auto_fragment(false);
  websocket::permessage_deflate deflate;
  deflate.server_enable = options.permessage_deflate;
  ws_.set_option(deflate);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "warren");
  }));
  deadline_ = loop_.coarse_now() + options_.handshake_timeout;
  loop_.attach(*this);
}

Session::~Session() {
  ws_.next_layer().close();
  loop_.detach(*this);
}

bool Session::account_message() {
  return reservation_.hold(message_.capacity());
}

bool Session::open() const noexcept {
  return phase_ == Phase::open && !closing_ && ws_.is_open();
}

std::string_view Session::upgrade_header(std::string_view name) const {
  if (!request_) return {};
  const auto found = request_->find(boost::beast::string_view(name.data(), name.size()));
  if (found == request_->end()) return {};
  const auto value = found->value();
  return std::string_view(value.data(), value.size());
}

void Session::begin() {
  if (loop_.shutting_down()) {
    end();
    return;
  }
  ws_.async_accept(*request_, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) {
      self->request_.reset();
      log::debug("ws {}: handshake failed: {}", self->id_, ec.message());
      self->end();
      return;
    }
    self->phase_ = Phase::open;
    self->deadline_ = net::SteadyTime::max();
    self->handler_ = self->factory_.make_handler(*self);
    self->request_.reset();
    self->read_next();
  });
}

void Session::read_next() {
  // A callback, not a coroutine, waits for the next bytes: an idle socket then holds one small
  // Beast operation instead of a stack of coroutine frames.
  ws_.async_read_some(asio::buffer(chunk_),
                      [self = shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t n) { self->on_read(ec, n); });
}

void Session::on_read(const boost::system::error_code& ec, std::size_t size) {
  if (ec) {
    log::debug("ws {}: read ended: {}", id_, ec.message());
    end();
    return;
  }
  if (message_.empty()) {
    // The first bytes of a message: its deadline starts now, and trickling extends nothing.
    message_deadline_ = loop_.coarse_now() + options_.message_timeout;
  }
  message_.append(chunk_.data(), size);
  if (!account_message()) {
    log::debug("ws {}: the process's request buffers are full: closing", id_);
    std::string().swap(message_);
    account_message();
    close(kCloseTryAgainLater, "server buffers full: try again later");
    read_next();  // the close handshake's answer arrives there
    return;
  }
  if (!ws_.is_message_done()) {
    read_next();
    return;
  }
  message_deadline_ = net::SteadyTime::max();
  ++stats_.messages_in;
  messages_received.add();
  // A message whose handling fails by an exception (a bug) is logged and its socket closed: the
  // session would otherwise never read again.
  spawn(loop_.context(), answer(shared_from_this()), "a WebSocket message",
        [session = weak_from_this()] {
          if (auto alive = session.lock()) alive->force_close();
        });
}

asio::awaitable<void> Session::answer(std::shared_ptr<Session> self) {
  const bool binary = self->ws_.got_binary();
  bool reply_binary = binary;
  self->reply_.clear();
  co_await self->handler_->on_message(self->message_, binary, self->reply_, reply_binary);
  // Buffers are given back after every message: a subscribed socket mostly waits, and its
  // idle footprint is what a server with thousands of them pays.
  std::string().swap(self->message_);
  self->account_message();
  if (!self->reply_.empty() && self->ws_.is_open() && self->phase_ == Phase::open) {
    self->ws_.binary(reply_binary);
    self->writing_reply_ = true;
    auto [write_ec, written] =
        co_await self->ws_.async_write(asio::buffer(self->reply_), kUseTuple);
    self->writing_reply_ = false;
    std::string().swap(self->reply_);
    if (write_ec) {
      self->end();
      co_return;
    }
    self->release_deferred();
  }
  if (self->phase_ == Phase::open) self->read_next();
}

Session::PushResult Session::push(const SharedBytesPtr& frames) {
  if (!open()) return PushResult::closed;
  SocketLayer& layer = ws_.next_layer();
  if (layer.queued() + deferred_bytes_ + frames->size() > options_.max_send_buffer) {
    log::debug("ws {}: send buffer full ({} bytes queued): closing slow subscriber", id_,
               layer.queued() + deferred_bytes_);
    close(kCloseSlowConsumer, "send buffer full: slow subscriber");
    pushes_dropped.add();
    return PushResult::dropped;
  }
  ++stats_.pushes;
  pushes_queued.add();
  if (writing_reply_) {
    // A reply may span several frames (permessage-deflate): no data frame may come between.
    deferred_bytes_ += frames->size();
    deferred_.push_back(frames);
    return PushResult::queued;
  }
  layer.append_shared(frames, false);
  return PushResult::queued;
}

void Session::release_deferred() {
  if (deferred_.empty()) return;
  SocketLayer& layer = ws_.next_layer();
  if (ws_.is_open()) {
    for (SharedBytesPtr& frames : deferred_) layer.append_shared(std::move(frames), false);
  }
  deferred_.clear();
  deferred_bytes_ = 0;
}

void Session::close(std::uint16_t code, std::string_view reason) {
  if (closing_ || phase_ != Phase::open || !ws_.is_open()) return;
  closing_ = true;
  deadline_ = loop_.coarse_now() + options_.close_timeout;
  deferred_.clear();
  deferred_bytes_ = 0;
  websocket::close_reason why(static_cast<websocket::close_code>(code),
                              beast::string_view(reason.data(), reason.size()));
  ws_.async_close(why, [self = shared_from_this()](const boost::system::error_code&) {});
}

void Session::end() noexcept {
  if (phase_ == Phase::ended) return;
  phase_ = Phase::ended;
  deferred_.clear();
  deferred_bytes_ = 0;
  if (handler_) {
    handler_->on_close();
    handler_.reset();
  }
  ws_.next_layer().close();
}

void Session::check_deadline(net::SteadyTime now) {
  if (phase_ == Phase::ended) return;
  if (now >= deadline_) {
    log::debug("ws {}: {} timed out", id_, closing_ ? "closing handshake" : "opening handshake");
    force_close();
    return;
  }
  if (now >= message_deadline_ && !closing_) {
    log::debug("ws {}: a message did not arrive in time: closing", id_);
    message_deadline_ = net::SteadyTime::max();
    close(kClosePolicy, "message did not arrive in time");
    return;
  }
  const SocketLayer& layer = ws_.next_layer();
  if (layer.queued() > 0 && now - layer.last_progress() > options_.write_stall_timeout) {
    log::debug("ws {}: writes stalled: closing", id_);
    force_close();
  }
}

void Session::begin_shutdown() {
  if (phase_ == Phase::open && !closing_) {
    close(kCloseGoingAway, "server shutting down");
  } else if (phase_ == Phase::handshake) {
    force_close();
  }
}

void Session::force_close() {
  ws_.next_layer().close();
}

}  // namespace warren::ws
