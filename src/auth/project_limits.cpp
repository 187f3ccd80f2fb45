// ProjectLimits: defaults, overrides and the two rates.
#include "auth/project_limits.h"

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
  if (own->quota_bytes) limits.quota_bytes = *own->quota_bytes;
  if (own->rate_limit_requests) limits.rate_limit_requests = *own->rate_limit_requests;
  if (own->rate_limit_posts) limits.rate_limit_posts = *own->rate_limit_posts;
  return limits;
}

Admission::Decision ProjectLimits::decide(const Principal& principal,
                                          std::optional<Error>& refused) {
  const std::uint64_t rate = of(principal.project).rate_limit_requests;
  if (rate == 0) return Decision::admitted;
  const std::uint32_t wait = rates_.try_take(RateKind::requests, principal.project, rate, 1);
  if (wait == 0) return Decision::admitted;
  if (wait == RateCounter::kLater) return Decision::later;
  refused = rate_error(principal.project, rate, "requests", wait);
  return Decision::refused;
}

boost::asio::awaitable<std::optional<Error>> ProjectLimits::admit_later(
    const Principal& principal) {
  const std::uint64_t rate = of(principal.project).rate_limit_requests;
  if (rate == 0) co_return std::nullopt;
  const std::uint32_t wait =
      co_await rates_.take_later(RateKind::requests, std::string(principal.project), rate, 1);
  if (wait == 0) co_return std::nullopt;
  co_return rate_error(principal.project, rate, "requests", wait);
}

boost::asio::awaitable<std::optional<Error>> ProjectLimits::take_posts(std::string project,
                                                                       Limits limits,
                                                                       std::uint64_t count) {
  const std::uint64_t rate = limits.rate_limit_posts;
  if (rate == 0) co_return std::nullopt;
  std::uint32_t wait = rates_.try_take(RateKind::posts, project, rate, count);
  if (wait == RateCounter::kLater) {
    wait = co_await rates_.take_later(RateKind::posts, project, rate, count);
  }
  if (wait == 0) co_return std::nullopt;
  co_return rate_error(project, rate, "messages posted", wait);
}

}  // namespace warren::auth
