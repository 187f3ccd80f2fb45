// The mail queue, with time given: the per-project bound, round-robin over projects, retries
// due before fresh mail, and the relay's breaker holding everything back until a probe; and
// the sender's global bound (--smtp-queue-limit), refused on the caller's thread.
#include "notify/mail_queue.h"

#include <gtest/gtest.h>

#include "notify/mail_sender.h"

namespace warren::notify {
namespace {

using namespace std::chrono_literals;
const MailQueue::TimePoint kT0{std::chrono::seconds(1000)};

std::unique_ptr<MailJob> job(std::string project, std::string notification = "") {
  auto j = std::make_unique<MailJob>();
  j->delivery.project = std::move(project);
  j->delivery.notification = std::move(notification);
  return j;
}

TEST(MailQueue, BoundsEachProject) {
  MailQueue q(2, BreakerOptions{});
  EXPECT_TRUE(q.push(job("a")));
  EXPECT_TRUE(q.push(job("a")));
  EXPECT_FALSE(q.push(job("a")));  // a's share is full
  EXPECT_TRUE(q.push(job("b")));   // b's is not
  EXPECT_EQ(q.held(), 3u);
  auto sent = q.next(kT0);
  ASSERT_TRUE(sent);
  EXPECT_FALSE(q.push(job("a")));  // one of a's is being sent: still held
  q.done(*sent, true, kT0);
  EXPECT_TRUE(q.push(job("a")));
  EXPECT_EQ(q.held(), 3u);
}

TEST(MailQueue, RoundRobinOverProjects) {
  MailQueue q(100, BreakerOptions{});
  for (int i = 0; i < 3; ++i) q.push(job("flood", std::to_string(i)));
  q.push(job("quiet"));
  std::vector<std::string> order;
  while (auto j = q.next(kT0)) {
    order.push_back(j->delivery.project);
    q.done(*j, true, kT0);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"flood", "quiet", "flood", "flood"}));
  EXPECT_EQ(q.held(), 0u);
  EXPECT_EQ(q.projects(), 0u);
}

TEST(MailQueue, RetriesWaitTheirTimeThenGoFirst) {
  MailQueue q(100, BreakerOptions{});
  q.push(job("a", "first"));
  auto j = q.next(kT0);
  q.retry(std::move(j), kT0 + 5s, true, kT0);
  q.push(job("a", "second"));
  auto fresh = q.next(kT0);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->delivery.notification, "second");
  q.done(*fresh, true, kT0);
  EXPECT_FALSE(q.next(kT0 + 4s));
  EXPECT_EQ(q.next_wakeup(), kT0 + 5s);
  auto due = q.next(kT0 + 5s);
  ASSERT_TRUE(due);
  EXPECT_EQ(due->delivery.notification, "first");
}

TEST(MailQueue, ABreakerHoldsEverythingBackUntilAProbe) {
  MailQueue q(100, BreakerOptions{2, 1000ms, 4000ms});
  for (int i = 0; i < 4; ++i) q.push(job("a"));
  for (int i = 0; i < 2; ++i) {
    auto j = q.next(kT0);
    ASSERT_TRUE(j);
    q.retry(std::move(j), kT0, false, kT0);  // the relay did not answer
  }
  EXPECT_EQ(q.relay_state(), CircuitBreaker::State::open);
  EXPECT_EQ(q.breaker_openings(), 1u);
  EXPECT_FALSE(q.next(kT0 + 999ms));
  EXPECT_EQ(q.next_wakeup(), kT0 + 1000ms);
  auto probe = q.next(kT0 + 1000ms);
  ASSERT_TRUE(probe);
  EXPECT_FALSE(q.next(kT0 + 1000ms));  // one probe at a time
  q.done(*probe, true, kT0 + 1100ms);  // the relay is back
  EXPECT_EQ(q.relay_state(), CircuitBreaker::State::closed);
  EXPECT_TRUE(q.next(kT0 + 1100ms));
}

TEST(MailSender, RefusesBeyondTheGlobalBoundWithoutBlocking) {
  auto curl = load_curl();
  if (!curl) GTEST_SKIP() << curl.error().description;
  SmtpOptions o;
  o.relay = "127.0.0.1:9";  // (nothing listens: every attempt fails and is retried)
  o.queue_limit = 3;
  o.timeout = 1000ms;
  MailSender sender(**curl, o);
  int taken = 0;
  for (int i = 0; i < 10; ++i) {
    MailDelivery d;
    d.project = "p";
    d.subscriber = "mailto:bob@example.com";
    d.retry_delays = {60};  // holds its place for a minute
    if (sender.enqueue(std::move(d))) ++taken;
  }
  EXPECT_EQ(taken, 3);
  EXPECT_EQ(sender.pending(), 3u);
  EXPECT_EQ(sender.stats().dropped(MailDropReason::queue_full), 7u);
}

}  // namespace
}  // namespace warren::notify
