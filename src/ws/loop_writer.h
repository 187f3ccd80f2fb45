// LoopWriter: one per event loop. Collects the sockets with bytes to write and writes each of
// them once per flush, so frames queued for a socket during one loop turn (replies, pushes of
// several posts) leave in one system call. Replies are flushed at the end of the current loop
// turn. Pushes may wait up to `push_delay` after the previous flush of this loop, so a busy
// socket gets its notifications in batches (fewer, bigger writes); with push_delay 0 they leave
// at the end of the turn like replies. Loop thread only.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include "ws/socket_layer.h"

namespace warren::ws {

class LoopWriter {
 public:
  LoopWriter(boost::asio::io_context& context, std::chrono::milliseconds push_delay);
  LoopWriter(const LoopWriter&) = delete;
  LoopWriter& operator=(const LoopWriter&) = delete;
  ~LoopWriter();

  // Makes sure `layer` is written by a coming flush: at the end of this turn when `urgent`,
  // else within push_delay of the previous flush. Idempotent.
  void schedule(SocketLayer& layer, bool urgent);

  std::chrono::milliseconds push_delay() const noexcept { return push_delay_; }

  // Flushes counted since start (for tests and stats).
  std::uint64_t flush_count() const noexcept { return flushes_; }

 private:
  void post_turn_flush();
  void arm_timer(std::chrono::steady_clock::time_point at);
  void flush_all();

  boost::asio::io_context& context_;
  std::chrono::milliseconds push_delay_;
  boost::asio::steady_timer timer_;
  boost::intrusive::list<SocketLayer, boost::intrusive::constant_time_size<false>> pending_;
  std::chrono::steady_clock::time_point last_flush_{};
  bool turn_posted_ = false;
  bool timer_armed_ = false;
  std::uint64_t flushes_ = 0;
};

}  // namespace warren::ws
