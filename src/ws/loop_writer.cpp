// LoopWriter: the per-loop list of sockets to flush and when to flush it.
#include "ws/loop_writer.h"

#include <boost/asio/post.hpp>

#include "ws/socket_layer.h"

namespace warren::ws {

LoopWriter::LoopWriter(boost::asio::io_context& context, std::chrono::milliseconds push_delay)
    : context_(context), push_delay_(push_delay), timer_(context) {}

LoopWriter::~LoopWriter() {
  urgent_.clear();
  delayed_.clear();
}

void LoopWriter::schedule(SocketLayer& layer, bool urgent) {
  if (urgent || push_delay_.count() == 0 || stopped_) {
    if (layer.is_linked() && !layer.urgent_) layer.unlink();  // leaves the delayed list
    if (!layer.is_linked()) {
      layer.urgent_ = true;
      urgent_.push_back(layer);
    }
    if (!turn_posted_) post_turn_flush();
    return;
  }
  if (layer.is_linked()) return;  // already due, with the turn or the timer
  layer.urgent_ = false;
  delayed_.push_back(layer);
  if (!timer_armed_) arm_timer();
}

void LoopWriter::stop() {
  stopped_ = true;
  if (timer_armed_) {
    timer_.cancel();
    timer_armed_ = false;
  }
  while (!delayed_.empty()) schedule(delayed_.front(), true);  // moves it to urgent_
}

void LoopWriter::post_turn_flush() {
  turn_posted_ = true;
  boost::asio::post(context_, [this] {
    turn_posted_ = false;
    flush(urgent_);
  });
}

void LoopWriter::arm_timer() {
  timer_armed_ = true;
  timer_.expires_after(push_delay_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    timer_armed_ = false;
    if (!ec) flush(delayed_);
  });
}

void LoopWriter::flush(List& list) {
  // Take the list first: a flush never re-queues its layer synchronously today, but a layer
  // could be queued again by what a completion does.
  List batch;
  batch.swap(list);
  while (!batch.empty()) {
    SocketLayer& layer = batch.front();
    batch.pop_front();
    layer.flush();
  }
}

}  // namespace warren::ws
