// LoopGroup: threads for the event loops.
#include "net/loop_group.h"

#include <thread>

namespace warren::net {

LoopGroup::LoopGroup(unsigned count, std::chrono::milliseconds tick) {
  if (count == 0) count = 1;
  loops_.reserve(count);
  for (unsigned i = 0; i < count; ++i) loops_.push_back(std::make_unique<EventLoop>(i, tick));
}

void LoopGroup::run() {
  std::vector<std::thread> threads;
  threads.reserve(loops_.size() - 1);
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([loop = loops_[i].get()] { loop->run(); });
  }
  loops_[0]->run();
  for (auto& thread : threads) thread.join();
}

void LoopGroup::shutdown(std::chrono::milliseconds grace) {
  for (auto& loop : loops_) loop->shutdown(grace);
}

}  // namespace warren::net
