// MailQueue: per-project shares, the round-robin, the retry times and the relay's breaker.
#include "notify/mail_queue.h"

namespace warren::notify {

MailQueue::MailQueue(std::size_t project_limit, BreakerOptions relay_breaker)
    : project_limit_(project_limit), breaker_options_(relay_breaker) {}

MailQueue::Project& MailQueue::project_of(const std::string& name) { return projects_[name]; }

bool MailQueue::push(std::unique_ptr<MailJob> job) {
  Project& p = project_of(job->delivery.project);
  if (p.held >= project_limit_) {
    if (p.held == 0) projects_.erase(job->delivery.project);  // (a limit of 0)
    return false;
  }
  ++p.held;
  ++held_;
  make_due(std::move(job), false);
  return true;
}

void MailQueue::make_due(std::unique_ptr<MailJob> job, bool front) {
  Project& p = project_of(job->delivery.project);
  if (!p.in_ring) {
    p.in_ring = true;
    ring_.push_back(job->delivery.project);
  }
  if (front) {
    p.due.push_front(std::move(job));
  } else {
    p.due.push_back(std::move(job));
  }
}

std::unique_ptr<MailJob> MailQueue::next(TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    auto node = waiting_.extract(waiting_.begin());
    make_due(std::move(node.mapped()), true);
  }
  if (ring_.empty() || probing_) return nullptr;
  if (breaker_.state() == CircuitBreaker::State::open) {
    if (now < breaker_.open_until()) return nullptr;
    breaker_.probe_started();  // one attempt tells whether the relay is back
    probing_ = true;
  }
  const std::string name = std::move(ring_.front());
  ring_.pop_front();
  Project& p = projects_.at(name);
  std::unique_ptr<MailJob> job = std::move(p.due.front());
  p.due.pop_front();
  if (p.due.empty()) {
    p.in_ring = false;
  } else {
    ring_.push_back(name);
  }
  return job;
}

void MailQueue::relay_answered(bool ok, TimePoint now) {
  probing_ = false;
  if (ok) {
    breaker_.succeeded();
  } else if (breaker_.failed(now, breaker_options_)) {
    ++breaker_openings_;
  }
}

void MailQueue::retry(std::unique_ptr<MailJob> job, TimePoint at, bool relay_ok, TimePoint now) {
  relay_answered(relay_ok, now);
  waiting_.emplace(at, std::move(job));
}

void MailQueue::done(const MailJob& job, bool relay_ok, TimePoint now) {
  relay_answered(relay_ok, now);
  release(job.delivery.project);
}

void MailQueue::release(const std::string& project) {
  const auto it = projects_.find(project);
  if (it == projects_.end()) return;
  --held_;
  if (--it->second.held == 0) projects_.erase(it);
}

std::optional<MailQueue::TimePoint> MailQueue::next_wakeup() const {
  std::optional<TimePoint> at;
  if (!waiting_.empty()) at = waiting_.begin()->first;
  if (!ring_.empty() && breaker_.state() == CircuitBreaker::State::open && !probing_) {
    if (!at || breaker_.open_until() < *at) at = breaker_.open_until();
  }
  return at;
}

}  // namespace warren::notify
