// ProjectQuotas: the engine's quota hook (engine/quota_check.h) answered by the projects' limits
// (auth/project_limits.h) and the store's own counts: a queue is refused when its project
// already has its quota of queues, messages when their queue would hold more than its quota or
// when they exceed the project's post rate. A check, not a reservation (the hook's contract):
// concurrent creations or posts of one project can overshoot a quota by at most the requests
// in flight at that moment (each saw the count before the others stored); the rates are exact.
#pragma once

#include "auth/project_limits.h"
#include "engine/clock.h"
#include "engine/quota_check.h"
#include "store/store.h"

namespace warren::server {

class ProjectQuotas final : public engine::QuotaCheck {
 public:
  // All must outlive this.
  ProjectQuotas(auth::ProjectLimits& limits, store::Store& store, const engine::Clock& clock)
      : limits_(limits), store_(store), clock_(clock) {}

  // Errors: quota_queues.
  store::Async<void> admit_queue(const engine::Scope& scope, std::string_view queue) override;
  // Errors: rate_limited (the post rate, counted in messages), quota_messages.
  store::Async<void> admit_messages(const engine::Scope& scope, std::string_view queue,
                                    std::size_t count, std::size_t bytes) override;

 private:
  auth::ProjectLimits& limits_;
  store::Store& store_;
  const engine::Clock& clock_;
};

}  // namespace warren::server
