// ProjectQuotas: counting a project's queues and a queue's messages against their quotas.
#include "server/project_quotas.h"

namespace warren::server {

store::Async<void> ProjectQuotas::admit_queue(const engine::Scope& scope, std::string_view queue) {
  (void)queue;
  const std::uint64_t quota = limits_.of(scope.project).quota_queues;
  if (quota == 0) co_return Result<void>();
  auto count = co_await store_.count_queues(scope.project);
  if (!count) co_return count.error();
  if (static_cast<std::uint64_t>(*count) >= quota) {
    co_return make_error(Errc::quota_queues, scope.project, quota);
  }
  co_return Result<void>();
}

store::Async<void> ProjectQuotas::admit_messages(const engine::Scope& scope, std::string_view queue,
                                                 std::size_t count, std::size_t bytes) {
  (void)bytes;
  const auth::Limits limits = limits_.of(scope.project);
  if (auto refused = limits_.take_posts(scope.project, limits, count)) {
    co_return std::move(*refused);
  }
  const std::uint64_t quota = limits.quota_messages_per_queue;
  if (quota == 0) co_return Result<void>();
  auto stats = co_await store_.queue_stats(store::QueueRef{scope.project, queue}, clock_.now());
  std::uint64_t held = 0;
  if (stats) {
    held = static_cast<std::uint64_t>(stats->counts.total);
  } else if (stats.error().code != Errc::queue_not_found) {
    co_return stats.error();
  }
  if (held + count > quota) co_return make_error(Errc::quota_messages, queue, quota);
  co_return Result<void>();
}

}  // namespace warren::server
