// EventLoop: the io_context, the coarse tick and graceful shutdown.
#include "net/event_loop.h"

#include <utility>

#include <boost/asio/post.hpp>

namespace warren::net {
namespace {

thread_local EventLoop* t_current = nullptr;  // the loop this thread runs, while it runs it

}  // namespace

EventLoop* EventLoop::current() noexcept { return t_current; }

EventLoop::EventLoop(unsigned index, std::chrono::milliseconds tick)
    : index_(index),
      tick_(tick),
      // One thread runs this context; sockets are never touched from another thread, so the
      // reactor needs no locking. Posting from other threads (store completions) stays safe.
      context_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      work_(boost::asio::make_work_guard(context_)),
      tick_timer_(context_),
      grace_timer_(context_),
      coarse_now_(SteadyClock::now()) {}

EventLoop::~EventLoop() {
  // Connections own themselves; any still linked were abandoned by a stopped context.
  connections_.clear();
}

void EventLoop::attach(Connection& connection) noexcept {
  connections_.push_back(connection);
  ++connection_count_;
}

void EventLoop::options_changed() {
  for (Connection& connection : connections_) connection.options_changed();
}

void EventLoop::detach(Connection& connection) noexcept {
  if (connection.is_linked()) {
    connection.unlink();
    --connection_count_;
  }
  if (shutting_down_) finish_if_drained();
}

void EventLoop::add_tick_hook(std::function<void(SteadyTime)> hook) {
  tick_hooks_.push_back(std::move(hook));
}

void EventLoop::add_shutdown_hook(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

void EventLoop::add_drained_hook(std::function<void()> hook) {
  drained_hooks_.push_back(std::move(hook));
}

void EventLoop::run() {
  EventLoop* const outer = std::exchange(t_current, this);
  const LoopSlots::Enter enter(slots_);
  schedule_tick();
  context_.run();
  t_current = outer;
}

void EventLoop::schedule_tick() {
  tick_timer_.expires_after(tick_);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_tick();
  });
}

void EventLoop::on_tick() {
  coarse_now_ = SteadyClock::now();
  for (auto& hook : tick_hooks_) hook(coarse_now_);
  // check_deadline never destroys a connection synchronously, so iteration stays valid.
  for (Connection& connection : connections_) connection.check_deadline(coarse_now_);
  if (!shutting_down_ || connection_count_ > 0) schedule_tick();
}

void EventLoop::shutdown(std::chrono::milliseconds grace) {
  boost::asio::post(context_, [this, grace] { begin_shutdown(grace); });
}

void EventLoop::begin_shutdown(std::chrono::milliseconds grace) {
  if (shutting_down_) return;
  shutting_down_ = true;
  for (auto& hook : shutdown_hooks_) hook();
  // A connection may detach (and unlink) inside begin_shutdown; step past it first.
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& connection = *it++;
    connection.begin_shutdown();
  }
  grace_timer_.expires_after(grace);
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto it = connections_.begin(); it != connections_.end();) {
      Connection& connection = *it++;
      connection.force_close();
    }
  });
  finish_if_drained();
}

void EventLoop::finish_if_drained() {
  if (connection_count_ != 0 || !work_) return;
  grace_timer_.cancel();
  tick_timer_.cancel();
  for (auto& hook : std::exchange(drained_hooks_, {})) hook();
  work_.reset();  // run() returns once the handlers still queued have run
}

}  // namespace warren::net
