// EventLoop: one Asio io_context run by one thread, the connections it owns, and a coarse tick
// that checks their deadlines (no timer per operation). Nothing here blocks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include "common/loop_local.h"
#include "net/connection.h"

namespace warren::net {

class EventLoop {
 public:
  // `index` names the loop in logs; `tick` is the deadline-check period.
  EventLoop(unsigned index, std::chrono::milliseconds tick);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  boost::asio::io_context& context() noexcept { return context_; }
  unsigned index() const noexcept { return index_; }

  // The loop whose run() is running on the calling thread, or nullptr off the loops.
  static EventLoop* current() noexcept;

  // The coarse steady time of the latest tick: cheap, for deadlines measured in seconds.
  SteadyTime coarse_now() const noexcept { return coarse_now_; }

  // Connections register themselves while alive. Loop thread only.
  void attach(Connection& connection) noexcept;
  void detach(Connection& connection) noexcept;
  std::size_t connection_count() const noexcept { return connection_count_; }
  // Tells every connection of this loop that its server's options changed. Loop thread only.
  void options_changed();
  bool shutting_down() const noexcept { return shutting_down_; }

  // Called on every tick (loop thread), e.g. to refresh a cached Date header.
  void add_tick_hook(std::function<void(SteadyTime)> hook);
  // Called once when shutdown begins (loop thread), e.g. to close a listener.
  void add_shutdown_hook(std::function<void()> hook);
  // Called once when shutdown has closed every connection (loop thread), before run() may
  // return: e.g. to close what else keeps the loop busy (a storage engine's connections).
  void add_drained_hook(std::function<void()> hook);

  // Runs the loop on the calling thread until it has stopped.
  void run();

  // Thread-safe. Stops accepting work: runs the shutdown hooks, asks every connection to finish
  // and close, and force-closes the rest after `grace`. run() returns once no connection is left.
  void shutdown(std::chrono::milliseconds grace);

 private:
  using ConnectionList =
      boost::intrusive::list<Connection, boost::intrusive::constant_time_size<false>>;

  void schedule_tick();
  void on_tick();
  void begin_shutdown(std::chrono::milliseconds grace);
  void finish_if_drained();

  unsigned index_;
  std::chrono::milliseconds tick_;
  boost::asio::io_context context_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer grace_timer_;
  SteadyTime coarse_now_;
  ConnectionList connections_;
  std::size_t connection_count_ = 0;
  bool shutting_down_ = false;
  std::vector<std::function<void(SteadyTime)>> tick_hooks_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::vector<std::function<void()>> drained_hooks_;  // emptied when run
  LoopSlots slots_;  // this loop's LoopLocal values (common/loop_local.h), entered by run()
};

}  // namespace warren::net
