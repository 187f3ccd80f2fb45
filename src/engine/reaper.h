// Reaper: removes expired messages, claims and subscriptions in the background, a bounded
// amount of work per tick (store.reap(now, budget)), so no request ever waits on a sweep.
#pragma once

#include <chrono>
#include <cstddef>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/clock.h"
#include "store/store.h"

namespace warren::engine {

class Reaper {
 public:
  // Runs on `context` (one event loop). `budget` bounds the work of one store.reap() call;
  // while a pass reports more to do, the next one follows after `busy_interval`.
  Reaper(boost::asio::io_context& context, store::Store& store, const Clock& clock,
         std::chrono::milliseconds interval = std::chrono::milliseconds(250),
         std::size_t budget = 2000,
         std::chrono::milliseconds busy_interval = std::chrono::milliseconds(5));

  void start();
  // Cancels the timer; a pass in flight finishes and does not reschedule.
  void stop();

  std::size_t passes() const noexcept { return passes_; }

 private:
  void schedule(std::chrono::milliseconds after);
  // One bounded reap; schedules the next.
  boost::asio::awaitable<void> pass();

  boost::asio::io_context& context_;
  store::Store& store_;
  const Clock& clock_;
  std::chrono::milliseconds interval_;
  std::size_t budget_;
  std::chrono::milliseconds busy_interval_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  std::size_t passes_ = 0;
};

}  // namespace warren::engine
