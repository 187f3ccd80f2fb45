// The circuit breaker's transitions, with time given.
#include "notify/circuit_breaker.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

const BreakerOptions kOptions{3, 1000ms, 4000ms};
const CircuitBreaker::TimePoint kT0{std::chrono::seconds(100)};

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
  CircuitBreaker b;
  EXPECT_FALSE(b.failed(kT0, kOptions));
  EXPECT_FALSE(b.failed(kT0, kOptions));
  b.succeeded();  // the count starts again
  EXPECT_FALSE(b.failed(kT0, kOptions));
  EXPECT_FALSE(b.failed(kT0, kOptions));
  EXPECT_EQ(b.state(), State::closed);
  EXPECT_TRUE(b.failed(kT0, kOptions));
  EXPECT_EQ(b.state(), State::open);
  EXPECT_EQ(b.open_until(), kT0 + 1000ms);
  // Attempts that started before it opened and fail now change nothing.
  EXPECT_FALSE(b.failed(kT0 + 10ms, kOptions));
  EXPECT_EQ(b.open_until(), kT0 + 1000ms);
}

TEST(CircuitBreaker, FailedProbesDoubleTheBackoffUpToTheCap) {
  CircuitBreaker b;
  for (int i = 0; i < 3; ++i) b.failed(kT0, kOptions);
  auto t = kT0;
  for (const auto expected : {2000ms, 4000ms, 4000ms}) {
    t = b.open_until();
    b.probe_started();
    EXPECT_EQ(b.state(), State::half_open);
    EXPECT_TRUE(b.failed(t, kOptions));
    EXPECT_EQ(b.state(), State::open);
    EXPECT_EQ(b.backoff(), expected);
    EXPECT_EQ(b.open_until(), t + expected);
  }
}

TEST(CircuitBreaker, ASuccessClosesAndResets) {
  CircuitBreaker b;
  for (int i = 0; i < 3; ++i) b.failed(kT0, kOptions);
  b.probe_started();
  b.failed(kT0 + 1s, kOptions);  // backoff 2 s
  b.probe_started();
  b.succeeded();
  EXPECT_EQ(b.state(), State::closed);
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(b.failed(kT0, kOptions));
  EXPECT_TRUE(b.failed(kT0 + 5s, kOptions));
  EXPECT_EQ(b.backoff(), 1000ms);  // the first period again
}

TEST(CircuitBreaker, AnAbandonedProbeMayGoAgainAtOnce) {
  CircuitBreaker b;
  for (int i = 0; i < 3; ++i) b.failed(kT0, kOptions);
  b.probe_started();
  b.probe_abandoned();
  EXPECT_EQ(b.state(), State::open);
  EXPECT_EQ(b.open_until(), kT0 + 1000ms);
}

}  // namespace
}  // namespace warren::notify
