// hiredis's asynchronous context driven by an Asio event loop (see connection.h).
#include "store/redis/connection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <cstdint>
#include <utility>

#include <boost/asio/post.hpp>

#include "common/random.h"

namespace warren::store::redis {

namespace {

using Wait = boost::asio::posix::descriptor_base::wait_type;

std::chrono::milliseconds jittered(std::chrono::milliseconds base) {
  const auto spread = static_cast<std::uint64_t>(base.count() / 2) + 1;
  return base + std::chrono::milliseconds(static_cast<long>(random_u64() % spread));
}

}  // namespace

Connection::Connection(boost::asio::any_io_executor executor, Endpoint endpoint,
                       ConnectionOptions options)
    : executor_(std::move(executor)),
      endpoint_(std::move(endpoint)),
      options_(options),
      timer_(executor_),
      connect_timer_(executor_),
      backoff_(options.backoff_min) {}

Connection::~Connection() {
  closing_ = true;
  if (ac_ != nullptr) {
    // Completes every pending command with a failure (posted to its waiter), runs the cleanup
    // hook (which releases the descriptor) and closes the socket.
    redisAsyncFree(ac_);
  }
  ac_ = nullptr;
}

void Connection::submit(const Command& cmd, Completion* done) {
  if (ac_ == nullptr && !start_connect()) {
    fail_later(done, "Redis at " + endpoint_.text() + " is unreachable.", false);
    return;
  }
  const auto& args = cmd.args();
  constexpr std::size_t kInline = 16;
  const char* argv_inline[kInline];
  std::size_t len_inline[kInline];
  std::vector<const char*> argv_heap;
  std::vector<std::size_t> len_heap;
  const char** argv = argv_inline;
  std::size_t* lens = len_inline;
  if (args.size() > kInline) {
    argv_heap.resize(args.size());
    len_heap.resize(args.size());
    argv = argv_heap.data();
    lens = len_heap.data();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lens[i] = args[i].size();
  }
  if (redisAsyncCommandArgv(ac_, &Connection::on_reply, this, static_cast<int>(args.size()), argv,
                            lens) != REDIS_OK) {
    fail_later(done, "Redis at " + endpoint_.text() + " refused the command.", false);
    return;
  }
  pending_.push_back(Pending{Clock::now() + options_.command_timeout, done});
  arm_timer();
}

bool Connection::subscribe(std::string_view channel, MessageHandler on_message) {
  if (ac_ == nullptr && !start_connect()) return false;
  on_message_ = std::move(on_message);
  const char* argv[2] = {"SUBSCRIBE", channel.data()};
  const std::size_t lens[2] = {9, channel.size()};
  // hiredis keeps this callback for the channel: it runs for the confirmation and every message.
  return redisAsyncCommandArgv(ac_, &Connection::on_push, this, 2, argv, lens) == REDIS_OK;
}

void Connection::fail_later(Completion* done, std::string why, bool maybe_sent) {
  // Completion::complete never resumes its waiter inline, so this is safe inside submit().
  done->complete(Reply::failure(std::move(why), maybe_sent));
}

bool Connection::start_connect() {
  if (closing_ || Clock::now() < next_attempt_) return false;
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (ac == nullptr) return false;
  if (ac->err != 0) {
    redisAsyncFree(ac);
    lost(true);
    return false;
  }
  ++generation_;
  ac_ = ac;
  ac->data = this;
  connected_ = false;
  answered_ = false;
  want_read_ = want_write_ = reading_ = writing_ = false;
  socket_.emplace(executor_, ac->c.fd);
  ac->ev.data = this;
  ac->ev.addRead = &Connection::hook_add_read;
  ac->ev.delRead = &Connection::hook_del_read;
  ac->ev.addWrite = &Connection::hook_add_write;
  ac->ev.delWrite = &Connection::hook_del_write;
  ac->ev.cleanup = &Connection::hook_cleanup;
  redisAsyncSetConnectCallback(ac, &Connection::on_connected);
  redisAsyncSetDisconnectCallback(ac, &Connection::on_disconnected);
  // The connect completes when the socket turns writable (hiredis checks SO_ERROR then).
  hook_add_read(this);
  hook_add_write(this);
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait(
      [weak = weak_from_this(), generation = generation_](boost::system::error_code ec) {
        auto self = weak.lock();
        if (!self || ec || generation != self->generation_ || self->connected_) return;
        self->on_connect_timeout();
      });
  return true;
}

void Connection::on_connect_timeout() {
  if (ac_ == nullptr) return;
  // Fails the queued commands (never sent: connected_ is false) and closes the socket.
  redisAsyncFree(ac_);
  ac_ = nullptr;
  lost(true);
}

void Connection::lost(bool during_connect) {
  ac_ = nullptr;
  connected_ = false;
  connect_timer_.cancel();
  if (closing_) return;
  if (!during_connect && answered_) {
    // A connection that worked was dropped (CLIENT KILL, idle timeout, a proxy): Redis was
    // there a moment ago, so the next command reconnects at once. Should that attempt fail, the
    // backoff starts from there (on_connected left it at its minimum).
    next_attempt_ = Clock::now();
    return;
  }
  next_attempt_ = Clock::now() + jittered(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
}

void Connection::arm_read() {
  if (reading_ || !socket_) return;
  reading_ = true;
  socket_->async_wait(
      Wait::wait_read,
      [weak = weak_from_this(), generation = generation_](boost::system::error_code ec) {
        auto self = weak.lock();
        if (!self || generation != self->generation_) return;
        self->reading_ = false;
        // An error (refused connect, reset) is hiredis's to find when it reads: only an aborted
        // wait (descriptor released) means there is nothing left to do.
        if (ec == boost::asio::error::operation_aborted || self->ac_ == nullptr) return;
        if (self->want_read_) redisAsyncHandleRead(self->ac_);
        // hiredis may have dropped the connection while reading.
        if (self->ac_ != nullptr && generation == self->generation_ && self->want_read_) {
          self->arm_read();
        }
      });
}

void Connection::arm_write() {
  if (writing_ || !socket_) return;
  writing_ = true;
  socket_->async_wait(
      Wait::wait_write,
      [weak = weak_from_this(), generation = generation_](boost::system::error_code ec) {
        auto self = weak.lock();
        if (!self || generation != self->generation_) return;
        self->writing_ = false;
        if (ec == boost::asio::error::operation_aborted || self->ac_ == nullptr) return;
        if (self->want_write_) redisAsyncHandleWrite(self->ac_);
        if (self->ac_ != nullptr && generation == self->generation_ && self->want_write_) {
          self->arm_write();
        }
      });
}

void Connection::arm_timer() {
  if (timer_armed_) return;
  for (const Pending& p : pending_) {
    if (p.done == nullptr) continue;
    timer_armed_ = true;
    timer_.expires_at(p.deadline);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self) return;
      self->timer_armed_ = false;
      if (!ec) self->on_timer();
    });
    return;
  }
}

void Connection::on_timer() {
  const auto now = Clock::now();
  for (Pending& p : pending_) {
    if (p.done == nullptr) continue;
    if (p.deadline > now) break;
    Completion* done = std::exchange(p.done, nullptr);
    fail_later(done,
               "Redis at " + endpoint_.text() + " did not answer within " +
                   std::to_string(options_.command_timeout.count()) + " ms.",
               true);
  }
  arm_timer();
}

void Connection::hook_add_read(void* self) {
  auto* c = static_cast<Connection*>(self);
  c->want_read_ = true;
  c->arm_read();
}

void Connection::hook_del_read(void* self) { static_cast<Connection*>(self)->want_read_ = false; }

void Connection::hook_add_write(void* self) {
  auto* c = static_cast<Connection*>(self);
  c->want_write_ = true;
  c->arm_write();
}

void Connection::hook_del_write(void* self) {
  static_cast<Connection*>(self)->want_write_ = false;
}

void Connection::hook_cleanup(void* self) {
  auto* c = static_cast<Connection*>(self);
  c->want_read_ = c->want_write_ = false;
  if (c->socket_) {
    // hiredis closes the fd itself: take it back from Asio first (this also deregisters it and
    // aborts the pending waits, whose handlers then see an old generation or an error).
    c->socket_->release();
    c->socket_.reset();
  }
}

void Connection::on_connected(const redisAsyncContext* ac, int status) {
  auto* c = static_cast<Connection*>(ac->data);
  if (status == REDIS_OK) {
    c->connected_ = true;
    c->backoff_ = c->options_.backoff_min;
    c->connect_timer_.cancel();
    return;
  }
  // hiredis frees the context after this returns, failing the queued commands (never sent).
  c->lost(true);
}

void Connection::on_disconnected(const redisAsyncContext* ac, int /*status*/) {
  auto* c = static_cast<Connection*>(ac->data);
  c->lost(false);
}

void Connection::on_reply(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  auto* c = static_cast<Connection*>(privdata);
  if (c->pending_.empty()) return;
  Pending p = c->pending_.front();
  c->pending_.pop_front();
  if (p.done == nullptr) return;  // timed out earlier: the reply is no longer wanted
  if (reply != nullptr) {
    const auto* r = static_cast<const redisReply*>(reply);
    if (r->type != REDIS_REPLY_ERROR) c->answered_ = true;
    p.done->complete(Reply::from_hiredis(*r));
  } else {
    // The context is being torn down: a command is known unsent only if we never connected.
    p.done->complete(Reply::failure("Lost the connection to Redis at " + c->endpoint_.text() + ".",
                                    c->connected_));
  }
}

void Connection::on_push(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  auto* c = static_cast<Connection*>(privdata);
  const auto* r = static_cast<const redisReply*>(reply);
  // nullptr: the context is going away (on_disconnected reports it).
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
  c->answered_ = true;
  const redisReply* kind = r->element[0];
  const redisReply* payload = r->element[2];
  if (kind->type != REDIS_REPLY_STRING || std::string_view(kind->str, kind->len) != "message" ||
      payload->type != REDIS_REPLY_STRING || !c->on_message_) {
    return;
  }
  c->on_message_(std::string_view(payload->str, payload->len));
}

}  // namespace warren::store::redis
