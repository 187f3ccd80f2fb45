// spawn(): a task's exception is not lost: its policy runs (and the loop goes on).
#include "common/spawn.h"

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace warren {
namespace {

boost::asio::awaitable<void> finishes(int& ran) {
  ++ran;
  co_return;
}

boost::asio::awaitable<void> throws() {
  throw std::runtime_error("boom");
  co_return;
}

TEST(Spawn, AFailedTaskRunsItsPolicyAndTheLoopGoesOn) {
  boost::asio::io_context io;
  int ran = 0;
  int failures = 0;
  spawn(io, throws(), "a test task", [&] { ++failures; });
  spawn(io, finishes(ran), "a test task", [&] { ++failures; });
  spawn(io.get_executor(), throws(), "a test task");  // log only: no policy to run
  io.run();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(failures, 1);
}

TEST(Spawn, DescribesAnyException) {
  EXPECT_EQ(describe(std::make_exception_ptr(std::logic_error("broken"))), "broken");
  EXPECT_EQ(describe(std::make_exception_ptr(42)),
            "an exception not derived from std::exception");
}

}  // namespace
}  // namespace warren
