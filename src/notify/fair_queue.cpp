// FairQueue: per-subscriber queues and breakers, two levels of round-robin rings, a timed set
// for retries and probes, and an idle list for forgetting.
#include "notify/fair_queue.h"

#include <algorithm>
#include <deque>
#include <map>

namespace warren::notify {
namespace detail {

using TimePoint = FairQueue::TimePoint;

struct FairSubscriber {
  FairProject* project = nullptr;
  std::string url;
  std::deque<std::unique_ptr<WebhookJob>> ready;                   // oldest first
  std::multimap<TimePoint, std::unique_ptr<WebhookJob>> retrying;  // by due time
  std::size_t held = 0;                                            // ready + retrying + in flight
  std::size_t in_flight = 0;
  CircuitBreaker breaker;
  std::optional<std::list<FairSubscriber*>::iterator> in_ring;  // in project->ring
  std::optional<TimePoint> wake;                                // its key in FairQueue::timed_
  std::optional<std::list<FairSubscriber*>::iterator> in_idle;
  TimePoint idle_since{};
};

struct FairProject {
  std::string name;
  std::unordered_map<std::string, std::unique_ptr<FairSubscriber>> subscribers;
  std::list<FairSubscriber*> ring;  // subscribers that may start now
  std::size_t held = 0;
  std::size_t in_flight = 0;
  std::optional<std::list<FairProject*>::iterator> in_ring;
};

}  // namespace detail

using detail::FairProject;
using detail::FairSubscriber;

FairQueue::FairQueue(FairQueueOptions options) : options_(std::move(options)) {
  options_.concurrency = std::max<std::size_t>(1, options_.concurrency);
  options_.project_concurrency =
      std::clamp<std::size_t>(options_.project_concurrency, 1, options_.concurrency);
  options_.subscriber_concurrency =
      std::clamp<std::size_t>(options_.subscriber_concurrency, 1, options_.project_concurrency);
  options_.project_queue_limit = std::max<std::size_t>(1, options_.project_queue_limit);
  options_.subscriber_queue_limit = std::max<std::size_t>(1, options_.subscriber_queue_limit);
}

FairQueue::~FairQueue() = default;

FairSubscriber& FairQueue::subscriber_of(const WebhookDelivery& delivery, TimePoint now) {
  auto project = projects_.find(delivery.project);
  if (project == projects_.end()) {
    auto made = std::make_unique<FairProject>();
    made->name = delivery.project;
    project = projects_.emplace(delivery.project, std::move(made)).first;
  }
  FairProject& p = *project->second;
  auto subscriber = p.subscribers.find(delivery.url);
  if (subscriber == p.subscribers.end()) {
    auto made = std::make_unique<FairSubscriber>();
    made->project = &p;
    made->url = delivery.url;
    subscriber = p.subscribers.emplace(delivery.url, std::move(made)).first;
    ++subscriber_count_;
    place(*subscriber->second, now);  // idle until something is queued
  }
  return *subscriber->second;
}

std::optional<DropReason> FairQueue::push(std::unique_ptr<WebhookJob> job, TimePoint now) {
  forget_idle(now);
  FairSubscriber& s = subscriber_of(job->delivery, now);
  FairProject& p = *s.project;
  if (s.held >= options_.subscriber_queue_limit) {
    return s.breaker.state() == CircuitBreaker::State::closed ? DropReason::subscriber_full
                                                              : DropReason::breaker_open;
  }
  if (p.held >= options_.project_queue_limit) return DropReason::project_full;
  job->owner = &s;
  s.ready.push_back(std::move(job));
  ++s.held;
  ++p.held;
  ++held_;
  place(s, now);
  return std::nullopt;
}

std::unique_ptr<WebhookJob> FairQueue::next(TimePoint now) {
  wake_due(now);
  forget_idle(now);
  if (in_flight_ >= options_.concurrency || ring_.empty()) return nullptr;
  FairProject& p = *ring_.front();
  ring_.pop_front();
  p.in_ring.reset();
  FairSubscriber& s = *p.ring.front();
  p.ring.pop_front();
  s.in_ring.reset();
  if (s.breaker.state() == CircuitBreaker::State::open) s.breaker.probe_started();
  std::unique_ptr<WebhookJob> job;
  // A due retry first; a probe takes a retry even before it is due when nothing else waits.
  if (!s.retrying.empty() && (s.retrying.begin()->first <= now || s.ready.empty())) {
    job = std::move(s.retrying.begin()->second);
    s.retrying.erase(s.retrying.begin());
  } else {
    job = std::move(s.ready.front());
    s.ready.pop_front();
  }
  ++s.in_flight;
  ++p.in_flight;
  ++in_flight_;
  place(s, now);  // back of its project's ring if it may start another, and the project
                  // back of the projects' ring
  place(p);
  return job;
}

void FairQueue::done(std::unique_ptr<WebhookJob> job, Outcome outcome,
                     std::optional<TimePoint> retry_at, TimePoint now) {
  FairSubscriber& s = *job->owner;
  FairProject& p = *s.project;
  --s.in_flight;
  --p.in_flight;
  --in_flight_;
  switch (outcome) {
    case Outcome::success:
      s.breaker.succeeded();
      break;
    case Outcome::failure:
      if (s.breaker.failed(now, options_.breaker)) ++breaker_openings_;
      break;
    case Outcome::neutral:
      s.breaker.probe_abandoned();
      break;
  }
  if (retry_at) {
    s.retrying.emplace(*retry_at, std::move(job));
  } else {
    job.reset();
    --s.held;
    --p.held;
    --held_;
  }
  place(s, now);
  place(p);
}

std::optional<FairQueue::TimePoint> FairQueue::next_wakeup() const {
  if (timed_.empty()) return std::nullopt;
  return timed_.begin()->first;
}

std::optional<CircuitBreaker::State> FairQueue::breaker_state(std::string_view project,
                                                              std::string_view url) const {
  const auto p = projects_.find(std::string(project));
  if (p == projects_.end()) return std::nullopt;
  const auto s = p->second->subscribers.find(std::string(url));
  if (s == p->second->subscribers.end()) return std::nullopt;
  return s->second->breaker.state();
}

void FairQueue::place(FairSubscriber& s, TimePoint now) {
  // When may `s` start its next attempt? nullopt: not before an attempt of it ends.
  std::optional<TimePoint> when;
  if (!s.ready.empty() || !s.retrying.empty()) {
    switch (s.breaker.state()) {
      case CircuitBreaker::State::closed:
        if (s.in_flight < options_.subscriber_concurrency) {
          when = s.ready.empty() ? s.retrying.begin()->first : now;
        }
        break;
      case CircuitBreaker::State::open:
        if (s.in_flight == 0) when = s.breaker.open_until();  // a probe
        break;
      case CircuitBreaker::State::half_open:
        break;  // its probe is in flight
    }
  }
  const bool now_ready = when && *when <= now;
  if (now_ready && !s.in_ring) {
    s.in_ring = s.project->ring.insert(s.project->ring.end(), &s);
  } else if (!now_ready && s.in_ring) {
    s.project->ring.erase(*s.in_ring);
    s.in_ring.reset();
  }
  const std::optional<TimePoint> wake = now_ready ? std::nullopt : when;
  if (s.wake != wake) {
    if (s.wake) timed_.erase({*s.wake, &s});
    if (wake) timed_.emplace(*wake, &s);
    s.wake = wake;
  }
  if (s.held == 0 && !s.in_idle) {
    s.in_idle = idle_.insert(idle_.end(), &s);
    s.idle_since = now;
  } else if (s.held > 0 && s.in_idle) {
    idle_.erase(*s.in_idle);
    s.in_idle.reset();
  }
  place(*s.project);
}

void FairQueue::place(FairProject& p) {
  const bool may_start = !p.ring.empty() && p.in_flight < options_.project_concurrency;
  if (may_start && !p.in_ring) {
    p.in_ring = ring_.insert(ring_.end(), &p);
  } else if (!may_start && p.in_ring) {
    ring_.erase(*p.in_ring);
    p.in_ring.reset();
  }
}

void FairQueue::wake_due(TimePoint now) {
  while (!timed_.empty() && timed_.begin()->first <= now) {
    FairSubscriber& s = *timed_.begin()->second;
    timed_.erase(timed_.begin());
    s.wake.reset();
    place(s, now);
  }
}

void FairQueue::forget_idle(TimePoint now) {
  while (!idle_.empty() && (idle_.size() > options_.max_idle ||
                            idle_.front()->idle_since + options_.idle_forget <= now)) {
    FairSubscriber& s = *idle_.front();
    idle_.pop_front();
    FairProject& p = *s.project;
    // Holding nothing, it is in no ring and on no timer.
    p.subscribers.erase(s.url);
    --subscriber_count_;
    if (p.subscribers.empty()) projects_.erase(p.name);
  }
}

}  // namespace warren::notify
