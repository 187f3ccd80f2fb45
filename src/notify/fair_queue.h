// FairQueue: the webhook sender's scheduler, so that one tenant's slow or dead receivers cannot
// starve everyone else's. Deliveries wait in a bounded queue per subscriber (a project and a
// URL), inside a bounded share per project. Request slots go round-robin over the projects
// that have something to send, and within a project round-robin over its subscribers; a
// project holds at most `project_concurrency` slots and a subscriber `subscriber_concurrency`,
// so other projects always find free ones. Each subscriber has a CircuitBreaker: while it is
// open nothing of that subscriber is attempted (its deliveries wait in its queue) until a
// probe is due. Subscribers with nothing queued are forgotten after `idle_forget`, or sooner,
// oldest first, when more than `max_idle` of them are kept. Single-threaded (the sender's
// thread); time is passed in, never read, so tests drive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "notify/circuit_breaker.h"
#include "notify/webhook_delivery.h"

namespace warren::notify {

namespace detail {
struct FairSubscriber;
struct FairProject;
}  // namespace detail

// One delivery in the sender's hands: the delivery, how many retries it has had, and (while
// the FairQueue holds it) its subscriber's state.
struct WebhookJob {
  WebhookDelivery delivery;
  std::size_t retries_done = 0;
  detail::FairSubscriber* owner = nullptr;  // set by FairQueue::push
};

struct FairQueueOptions {
  std::size_t concurrency = 10;               // attempts in flight, all together
  std::size_t project_concurrency = 5;        // ... of one project
  std::size_t subscriber_concurrency = 2;     // ... of one subscriber
  std::size_t project_queue_limit = 2000;     // deliveries one project holds (queued, retrying,
                                              // in flight)
  std::size_t subscriber_queue_limit = 1000;  // ... one subscriber holds
  BreakerOptions breaker;
  std::chrono::milliseconds idle_forget{std::chrono::minutes(10)};
  std::size_t max_idle = 10000;  // subscriber states kept with nothing held
};

class FairQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  // How an attempt ended, for the breaker: answered 2xx-4xx; failed (timeout, connection
  // error, 5xx); or neither (nothing was attempted: the address was refused).
  enum class Outcome { success, failure, neutral };

  explicit FairQueue(FairQueueOptions options);
  ~FairQueue();
  FairQueue(const FairQueue&) = delete;
  FairQueue& operator=(const FairQueue&) = delete;

  // Queues `job` behind its subscriber's others, or refuses it (the job is destroyed) and says
  // why: its subscriber's queue is full (breaker_open if the breaker is open) or its project's
  // share is. The global bound is the sender's, checked before.
  std::optional<DropReason> push(std::unique_ptr<WebhookJob> job, TimePoint now);

  // The next job to attempt at `now` (a slot is then taken until done()), or null if none may
  // start: no slot is free, or nothing queued is allowed by the shares and breakers. A due
  // retry of a subscriber goes before its fresh deliveries.
  std::unique_ptr<WebhookJob> next(TimePoint now);

  // The attempt of `job` (from next()) ended with `outcome`: its slot is freed. With
  // `retry_at` the job waits in its subscriber's queue until then; without, it is done and
  // released.
  void done(std::unique_ptr<WebhookJob> job, Outcome outcome, std::optional<TimePoint> retry_at,
            TimePoint now);

  // The earliest time at which next() may return a job it would not return now (a retry or a
  // probe comes due); nullopt if none waits on time.
  std::optional<TimePoint> next_wakeup() const;

  std::size_t held() const noexcept { return held_; }  // queued, retrying or in flight
  std::size_t in_flight() const noexcept { return in_flight_; }
  std::size_t subscribers() const noexcept { return subscriber_count_; }  // states kept
  std::uint64_t breaker_openings() const noexcept { return breaker_openings_; }
  // The breaker of the subscriber (project, url); nullopt if no state is kept for it.
  std::optional<CircuitBreaker::State> breaker_state(std::string_view project,
                                                     std::string_view url) const;

 private:
  detail::FairSubscriber& subscriber_of(const WebhookDelivery& delivery, TimePoint now);
  // Puts `s` where its state says: in its project's ring (may start now), on the timed set
  // (may start later), idle (holds nothing) or nowhere (waits for an attempt to end).
  void place(detail::FairSubscriber& s, TimePoint now);
  void place(detail::FairProject& p);
  void wake_due(TimePoint now);
  void forget_idle(TimePoint now);

  FairQueueOptions options_;
  std::unordered_map<std::string, std::unique_ptr<detail::FairProject>> projects_;
  std::list<detail::FairProject*> ring_;  // projects with a subscriber that may start now
  std::set<std::pair<TimePoint, detail::FairSubscriber*>> timed_;  // who may start when
  std::list<detail::FairSubscriber*> idle_;                        // oldest first
  std::size_t held_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t subscriber_count_ = 0;
  std::uint64_t breaker_openings_ = 0;
};

}  // namespace warren::notify
