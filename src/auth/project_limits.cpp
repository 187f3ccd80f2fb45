// ProjectLimits: defaults, overrides and the two rates.
#include "auth/project_limits.h"

#include "auth/now.h"

namespace warren::auth {
namespace {

Error rate_error(std::string_view project, std::uint64_t rate, std::string_view what,
                 std::uint32_t retry_after) {
  Error error = make_error(Errc::rate_limited, project, rate, what, retry_after);
  error.retry_after = retry_after;
  return error;
}

}  // namespace

Limits ProjectLimits::of(std::string_view project) {
  Limits limits = defaults_;
  if (overrides_ == nullptr) return limits;
  const LimitOverrides* own = overrides_->current()->overrides(project);
  if (own == nullptr) return limits;
  if (own->quota_queues) limits.quota_queues = *own->quota_queues;
  if (own->quota_messages_per_queue)
    limits.quota_messages_per_queue = *own->quota_messages_per_queue;
  if (own->rate_limit_requests) limits.rate_limit_requests = *own->rate_limit_requests;
  if (own->rate_limit_posts) limits.rate_limit_posts = *own->rate_limit_posts;
  return limits;
}

std::optional<Error> ProjectLimits::admit(const Principal& principal) {
  const std::uint64_t rate = of(principal.project).rate_limit_requests;
  if (rate == 0) return std::nullopt;
  const std::uint32_t wait = requests_.take(principal.project, rate, 1, steady_ns());
  if (wait == 0) return std::nullopt;
  return rate_error(principal.project, rate, "requests", wait);
}

std::optional<Error> ProjectLimits::take_posts(std::string_view project, const Limits& limits,
                                               std::uint64_t count) {
  const std::uint64_t rate = limits.rate_limit_posts;
  if (rate == 0) return std::nullopt;
  const std::uint32_t wait = posts_.take(project, rate, count, steady_ns());
  if (wait == 0) return std::nullopt;
  return rate_error(project, rate, "messages posted", wait);
}

}  // namespace warren::auth
