// LoopGroup: the server's event loops, one per thread (the caller's thread runs loop 0).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "net/event_loop.h"

namespace warren::net {

class LoopGroup {
 public:
  LoopGroup(unsigned count, std::chrono::milliseconds tick);

  unsigned size() const noexcept { return static_cast<unsigned>(loops_.size()); }
  EventLoop& loop(unsigned index) noexcept { return *loops_[index]; }

  // Runs every loop, loop 0 on the calling thread; returns when all have stopped.
  void run();

  // Thread-safe: graceful shutdown of every loop (see EventLoop::shutdown).
  void shutdown(std::chrono::milliseconds grace);

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
};

}  // namespace warren::net
