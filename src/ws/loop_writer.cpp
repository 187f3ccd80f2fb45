// LoopWriter: the per-loop list of sockets to flush and when to flush it.
#include "ws/loop_writer.h"

#include <boost/asio/post.hpp>

#include "ws/socket_layer.h"

namespace warren::ws {

LoopWriter::LoopWriter(boost::asio::io_context& context, std::chrono::milliseconds push_delay)
    : context_(context), push_delay_(push_delay), timer_(context) {}

LoopWriter::~LoopWriter() {
  pending_.clear();
}

void LoopWriter::schedule(SocketLayer& layer, bool urgent) {
  if (!layer.is_linked()) pending_.push_back(layer);
  if (turn_posted_) return;
  if (urgent || push_delay_.count() == 0) {
    post_turn_flush();
    return;
  }
  if (timer_armed_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= push_delay_) {
    post_turn_flush();
  } else {
    arm_timer(last_flush_ + push_delay_);
  }
}

void LoopWriter::post_turn_flush() {
  turn_posted_ = true;
  boost::asio::post(context_, [this] {
    turn_posted_ = false;
    flush_all();
  });
}

void LoopWriter::arm_timer(std::chrono::steady_clock::time_point at) {
  timer_armed_ = true;
  timer_.expires_at(at);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    timer_armed_ = false;
    if (!ec) flush_all();
  });
}

void LoopWriter::flush_all() {
  if (pending_.empty()) return;
  ++flushes_;
  last_flush_ = std::chrono::steady_clock::now();
  // A flush may schedule its own layer again (it never does synchronously today, but a layer
  // could be re-queued by a completion): take the list first.
  decltype(pending_) batch;
  batch.swap(pending_);
  while (!batch.empty()) {
    SocketLayer& layer = batch.front();
    batch.pop_front();
    layer.flush();
  }
}

}  // namespace warren::ws
