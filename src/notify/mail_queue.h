// MailQueue: the mail sender's scheduler. Deliveries wait per project, within a bounded share
// per project (so one tenant's flood of mail cannot take the whole --smtp-queue-limit), and
// are handed out round-robin over the projects that have one due; a delivery waiting for a
// retry is due at its time and goes before its project's fresh ones. The relay is one
// destination for every delivery, so its health is one CircuitBreaker: consecutive failed
// attempts open it, and while it is open nothing is handed out until a probe is due.
// Single-threaded (the sender's thread); time is passed in, never read, so tests drive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "notify/circuit_breaker.h"
#include "notify/mail_delivery.h"

namespace warren::notify {

// One delivery in the sender's hands and how many retries it has had.
struct MailJob {
  MailDelivery delivery;
  std::size_t retries_done = 0;
};

class MailQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  MailQueue(std::size_t project_limit, BreakerOptions relay_breaker);

  // Queues `job` (due now), or refuses it (false; the job is destroyed) when its project
  // already holds `project_limit` deliveries (queued, retrying or being sent).
  bool push(std::unique_ptr<MailJob> job);

  // The next job to send at `now`, or null if none is due or the relay's breaker holds them
  // back. The job stays counted against its project until retry() or done().
  std::unique_ptr<MailJob> next(TimePoint now);

  // The attempt of `job` (from next()) ended: it failed and waits until `at` (retry), or it is
  // finished (done). `relay_ok` says whether the relay answered (success or a refusal of this
  // mail), else the attempt counts as a relay failure for the breaker.
  void retry(std::unique_ptr<MailJob> job, TimePoint at, bool relay_ok, TimePoint now);
  void done(const MailJob& job, bool relay_ok, TimePoint now);

  // When next() may return a job it would not return now; nullopt if nothing waits on time.
  std::optional<TimePoint> next_wakeup() const;

  std::size_t held() const noexcept { return held_; }
  std::size_t projects() const noexcept { return projects_.size(); }
  std::uint64_t breaker_openings() const noexcept { return breaker_openings_; }
  CircuitBreaker::State relay_state() const noexcept { return breaker_.state(); }

 private:
  struct Project {
    std::deque<std::unique_ptr<MailJob>> due;  // retries that came due first, then fresh ones
    std::size_t held = 0;
    bool in_ring = false;
  };
  Project& project_of(const std::string& name);
  void make_due(std::unique_ptr<MailJob> job, bool front);
  void relay_answered(bool ok, TimePoint now);
  void release(const std::string& project);

  std::size_t project_limit_;
  BreakerOptions breaker_options_;
  CircuitBreaker breaker_;
  bool probing_ = false;
  std::unordered_map<std::string, Project> projects_;  // only those holding a delivery
  std::list<std::string> ring_;                        // projects with a due delivery
  std::multimap<TimePoint, std::unique_ptr<MailJob>> waiting_;  // retries, by due time
  std::size_t held_ = 0;
  std::uint64_t breaker_openings_ = 0;
};

}  // namespace warren::notify
