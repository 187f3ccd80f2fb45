// Reaper: a pass that fails by an exception (a bug in an engine's reap) is not the last one.
#include "engine/reaper.h"

#include <chrono>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "forwarding_store.h"
#include "store/memory/memory_store.h"

namespace warren::engine {
namespace {

using namespace std::chrono_literals;

// The memory engine, but its first reap throws.
class FirstReapThrows final : public store::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int reaps = 0;

  store::Async<store::ReapStats> reap(store::TimeMs now, std::size_t budget) override {
    if (++reaps == 1) throw std::logic_error("a broken invariant");
    co_return co_await inner_.reap(now, budget);
  }
};

TEST(Reaper, APassThatThrowsIsNotTheLast) {
  boost::asio::io_context io;
  auto memory = store::make_memory_store();
  FirstReapThrows store(*memory);
  ManualClock clock;
  Reaper reaper(io, store, clock, 10ms);
  reaper.start();
  boost::asio::steady_timer stop(io, 300ms);
  stop.async_wait([&](auto) { reaper.stop(); });
  io.run();
  EXPECT_GE(store.reaps, 3);  // it went on after the first threw
  EXPECT_GE(reaper.passes(), 2u);
}

}  // namespace
}  // namespace warren::engine
