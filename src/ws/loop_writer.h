// LoopWriter: one per event loop. Collects the sockets with bytes to write and writes each of
// them once per flush, so frames queued for a socket during one loop turn (replies, pushes of
// several posts) leave in one system call. Sockets with replies (or Beast's control frames)
// are flushed at the end of the current loop turn, pushes pending for them included. Sockets
// with pushes only wait up to `push_delay` from the first push pending on this loop, so that
// notifications of several posts leave in one write per socket: one system call per socket
// per flush is the cost of a broadcast, whatever the number of messages. With push_delay 0
// they leave at the end of the turn like replies. Loop thread only.
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
  // else by the timer armed push_delay after the first push waiting on this loop (or with the
  // socket's next reply, whichever comes first). Idempotent.
  void schedule(SocketLayer& layer, bool urgent);

  std::chrono::milliseconds push_delay() const noexcept { return push_delay_; }

  // Shutdown has begun: what waits for the timer is flushed at the end of this turn, and from
  // here on pushes leave at the end of their turn like replies, so no timer holds the loop
  // open (with a long push_delay, shutdown would otherwise wait for it).
  void stop();

 private:
  using List = boost::intrusive::list<SocketLayer, boost::intrusive::constant_time_size<false>>;

  void post_turn_flush();
  void arm_timer();
  static void flush(List& list);

  boost::asio::io_context& context_;
  std::chrono::milliseconds push_delay_;
  boost::asio::steady_timer timer_;
  List urgent_;   // flushed at the end of the turn
  List delayed_;  // pushes only: flushed when the timer fires
  bool turn_posted_ = false;
  bool timer_armed_ = false;
  bool stopped_ = false;
};

}  // namespace warren::ws
