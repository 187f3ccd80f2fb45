// The fair queue, with time given: round-robin over projects and within a project over
// subscribers, the slot shares, the bounds and why they drop, retries, the circuit breaker
// holding a dead subscriber's deliveries, and forgetting idle subscribers.
#include "notify/fair_queue.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

using namespace std::chrono_literals;
using Outcome = FairQueue::Outcome;
using State = CircuitBreaker::State;

const FairQueue::TimePoint kT0{std::chrono::seconds(1000)};

std::unique_ptr<WebhookJob> job(std::string project, std::string url, std::string body = "") {
  auto j = std::make_unique<WebhookJob>();
  j->delivery.project = std::move(project);
  j->delivery.url = std::move(url);
  j->delivery.body = std::move(body);
  return j;
}

FairQueueOptions options() {
  FairQueueOptions o;
  o.concurrency = 10;
  o.project_concurrency = 5;
  o.subscriber_concurrency = 2;
  o.project_queue_limit = 2000;
  o.subscriber_queue_limit = 1000;
  o.breaker = BreakerOptions{3, 1000ms, 8000ms};
  return o;
}

// Takes every job next() gives at `now`.
std::vector<std::unique_ptr<WebhookJob>> drain(FairQueue& q, FairQueue::TimePoint now) {
  std::vector<std::unique_ptr<WebhookJob>> taken;
  while (auto j = q.next(now)) taken.push_back(std::move(j));
  return taken;
}

TEST(FairQueue, AnotherProjectGoesOutWhileOneProjectsBacklogWaits) {
  // Item 4 of issue 16: twenty subscribers of project A, a hundred posts; then project B.
  FairQueue q(options());
  for (int post = 0; post < 100; ++post) {
    for (int s = 0; s < 20; ++s) {
      EXPECT_FALSE(q.push(job("A", "http://a.example/" + std::to_string(s)), kT0));
    }
  }
  EXPECT_FALSE(q.push(job("B", "http://b.example/hook"), kT0));
  auto first = drain(q, kT0);
  // A holds only its share of the ten slots; B's delivery is among them.
  ASSERT_EQ(first.size(), 6u);
  std::map<std::string, int> by_project;
  for (const auto& j : first) ++by_project[j->delivery.project];
  EXPECT_EQ(by_project["A"], 5);
  EXPECT_EQ(by_project["B"], 1);
  EXPECT_EQ(first[1]->delivery.project, "B");  // round-robin: A, B, A, A...
  EXPECT_EQ(q.in_flight(), 6u);
  EXPECT_EQ(q.held(), 2001u);
}

TEST(FairQueue, ProjectsTakeTurnsAndSoDoSubscribersWithinOne) {
  FairQueueOptions o = options();
  o.concurrency = 1;
  FairQueue q(o);
  for (int i = 0; i < 3; ++i) q.push(job("A", "http://a.example/1", "a1"), kT0);
  for (int i = 0; i < 3; ++i) q.push(job("A", "http://a.example/2", "a2"), kT0);
  for (int i = 0; i < 3; ++i) q.push(job("B", "http://b.example/1", "b1"), kT0);
  std::vector<std::string> order;
  while (auto j = q.next(kT0)) {
    order.push_back(j->delivery.body);
    q.done(std::move(j), Outcome::success, std::nullopt, kT0);
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{"a1", "b1", "a2", "b1", "a1", "b1", "a2", "a1", "a2"}));
  EXPECT_EQ(q.held(), 0u);
}

TEST(FairQueue, ASubscriberHoldsAtMostItsSlots) {
  FairQueue q(options());
  for (int i = 0; i < 10; ++i) q.push(job("A", "http://a.example/slow"), kT0);
  auto taken = drain(q, kT0);
  EXPECT_EQ(taken.size(), 2u);
  q.push(job("A", "http://a.example/other"), kT0);
  EXPECT_EQ(drain(q, kT0).size(), 1u);  // another subscriber of the same project still goes
  q.done(std::move(taken[0]), Outcome::success, std::nullopt, kT0);
  EXPECT_EQ(drain(q, kT0).size(), 1u);  // the freed slot goes to the next waiting one
}

TEST(FairQueue, BoundsDropAndSayWhy) {
  FairQueueOptions o = options();
  o.subscriber_queue_limit = 3;
  o.project_queue_limit = 5;
  FairQueue q(o);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(q.push(job("A", "http://a.example/1"), kT0));
  EXPECT_EQ(q.push(job("A", "http://a.example/1"), kT0), DropReason::subscriber_full);
  EXPECT_FALSE(q.push(job("A", "http://a.example/2"), kT0));
  EXPECT_FALSE(q.push(job("A", "http://a.example/2"), kT0));
  EXPECT_EQ(q.push(job("A", "http://a.example/3"), kT0), DropReason::project_full);
  EXPECT_FALSE(q.push(job("B", "http://a.example/3"), kT0));  // B has its own share
  // In flight and retrying still count against the bounds.
  auto taken = drain(q, kT0);
  EXPECT_EQ(q.push(job("A", "http://a.example/1"), kT0), DropReason::subscriber_full);
  q.done(std::move(taken[0]), Outcome::failure, kT0 + 1h, kT0);
  EXPECT_EQ(q.push(job("A", "http://a.example/1"), kT0), DropReason::subscriber_full);
  EXPECT_EQ(q.push(job("A", "http://a.example/4"), kT0), DropReason::project_full);
  EXPECT_EQ(q.held(), 6u);
}

TEST(FairQueue, ARetryWaitsForItsTimeAndThenGoesFirst) {
  FairQueue q(options());
  q.push(job("A", "http://a.example/1", "first"), kT0);
  auto j = q.next(kT0);
  ASSERT_TRUE(j);
  q.done(std::move(j), Outcome::failure, kT0 + 5s, kT0);
  EXPECT_FALSE(q.next(kT0 + 4s));
  EXPECT_EQ(q.next_wakeup(), kT0 + 5s);
  q.push(job("A", "http://a.example/1", "second"), kT0 + 4s);
  auto second = q.next(kT0 + 4s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->delivery.body, "second");
  q.done(std::move(second), Outcome::success, std::nullopt, kT0 + 4s);
  q.push(job("A", "http://a.example/1", "third"), kT0 + 5s);
  auto retried = q.next(kT0 + 5s);
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->delivery.body, "first");
}

TEST(FairQueue, TheBreakerHoldsADeadSubscribersDeliveriesAndProbesWithBackoff) {
  FairQueue q(options());  // opens after 3 failures, 1 s then doubling to 8 s
  const std::string dead = "http://dead.example/";
  for (int i = 0; i < 20; ++i) q.push(job("A", dead), kT0);
  auto t = kT0;
  for (int round = 0; round < 2; ++round) {
    auto taken = drain(q, t);
    ASSERT_EQ(taken.size(), 2u);
    for (auto& j : taken) q.done(std::move(j), Outcome::failure, std::nullopt, t);
  }
  EXPECT_EQ(q.breaker_state("A", dead), State::open);
  EXPECT_EQ(q.breaker_openings(), 1u);
  EXPECT_EQ(q.held(), 16u);
  // Nothing of it is attempted while open; another subscriber of the project goes on.
  q.push(job("A", "http://alive.example/"), t);
  auto alive = drain(q, t + 500ms);
  ASSERT_EQ(alive.size(), 1u);
  EXPECT_EQ(alive[0]->delivery.url, "http://alive.example/");
  q.done(std::move(alive[0]), Outcome::success, std::nullopt, t + 500ms);
  EXPECT_EQ(q.next_wakeup(), t + 1s);
  // One probe at a time, at 1 s, then 2 s, 4 s, 8 s, 8 s after each failed one.
  auto at = t + 1s;
  for (const auto backoff : {2s, 4s, 8s, 8s}) {
    EXPECT_FALSE(q.next(at - 1ms));
    auto probe = drain(q, at);
    ASSERT_EQ(probe.size(), 1u);
    EXPECT_EQ(q.breaker_state("A", dead), State::half_open);
    q.done(std::move(probe[0]), Outcome::failure, std::nullopt, at);
    EXPECT_EQ(q.next_wakeup(), at + backoff);
    at += backoff;
  }
  // A successful probe closes it and the held deliveries flow again.
  auto probe = drain(q, at);
  ASSERT_EQ(probe.size(), 1u);
  q.done(std::move(probe[0]), Outcome::success, std::nullopt, at);
  EXPECT_EQ(q.breaker_state("A", dead), State::closed);
  EXPECT_EQ(drain(q, at).size(), 2u);
  EXPECT_EQ(q.held(), 11u);
}

TEST(FairQueue, AFullQueueBehindAnOpenBreakerDropsAsBreakerOpen) {
  FairQueueOptions o = options();
  o.subscriber_queue_limit = 4;
  FairQueue q(o);
  for (int i = 0; i < 4; ++i) q.push(job("A", "http://dead.example/"), kT0);
  for (int round = 0; round < 2; ++round) {
    for (auto& j : drain(q, kT0)) {
      q.done(std::move(j), Outcome::failure, kT0 + 1h, kT0);  // they wait for a retry
    }
  }
  EXPECT_EQ(q.breaker_state("A", "http://dead.example/"), State::open);
  EXPECT_EQ(q.push(job("A", "http://dead.example/"), kT0), DropReason::breaker_open);
  // A probe may take a retry before it is due when nothing else waits.
  EXPECT_EQ(drain(q, kT0 + 1s).size(), 1u);
}

TEST(FairQueue, AProbeThatAttemptedNothingMayGoAgain) {
  FairQueue q(options());
  for (int i = 0; i < 5; ++i) q.push(job("A", "http://x.example/"), kT0);
  for (int i = 0; i < 3; ++i) {
    auto j = q.next(kT0);
    q.done(std::move(j), Outcome::failure, std::nullopt, kT0);
  }
  auto probe = q.next(kT0 + 1s);
  ASSERT_TRUE(probe);
  q.done(std::move(probe), Outcome::neutral, std::nullopt, kT0 + 1s);
  EXPECT_TRUE(q.next(kT0 + 1s));
}

TEST(FairQueue, IdleSubscribersAreForgotten) {
  FairQueueOptions o = options();
  o.idle_forget = 60s;
  o.max_idle = 3;
  FairQueue q(o);
  for (int i = 0; i < 3; ++i) {
    q.push(job("A", "http://x.example/" + std::to_string(i)), kT0);
    q.done(q.next(kT0), Outcome::failure, std::nullopt, kT0);
  }
  EXPECT_EQ(q.subscribers(), 3u);
  EXPECT_FALSE(q.next(kT0 + 59s));
  EXPECT_EQ(q.subscribers(), 3u);
  EXPECT_EQ(q.breaker_state("A", "http://x.example/0"), State::closed);
  EXPECT_FALSE(q.next(kT0 + 60s));
  EXPECT_EQ(q.subscribers(), 0u);
  EXPECT_FALSE(q.breaker_state("A", "http://x.example/0"));
  // Beyond max_idle the oldest idle ones go first; one that holds deliveries stays.
  q.push(job("B", "http://busy.example/"), kT0 + 61s);
  for (int i = 0; i < 6; ++i) {
    q.push(job("A", "http://y.example/" + std::to_string(i)), kT0 + 61s);
    auto j = q.next(kT0 + 61s);
    if (j->delivery.project == "B") {
      q.done(std::move(j), Outcome::failure, kT0 + 2h, kT0 + 61s);
      j = q.next(kT0 + 61s);
    }
    q.done(std::move(j), Outcome::success, std::nullopt, kT0 + 61s);
  }
  q.push(job("C", "http://z.example/"), kT0 + 62s);
  EXPECT_EQ(q.subscribers(), 5u);  // 3 idle + busy + z
  EXPECT_TRUE(q.breaker_state("B", "http://busy.example/"));
  EXPECT_FALSE(q.breaker_state("A", "http://y.example/0"));
  EXPECT_TRUE(q.breaker_state("A", "http://y.example/5"));
}

}  // namespace
}  // namespace warren::notify
