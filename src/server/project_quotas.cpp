// ProjectQuotas: counting a project's queues and a queue's messages against their quotas.
#include "server/project_quotas.h"

#include <algorithm>

namespace warren::server {

store::Async<void> ProjectQuotas::admit_queue(const engine::Scope& scope, std::string_view queue) {
  (void)queue;
  const std::uint64_t quota = limits_.of(scope.project).quota_queues;
  if (quota == 0) co_return Result<void>();
  auto count = co_await store_.count_queues(scope.store_project());
  if (!count) co_return count.error();
  if (static_cast<std::uint64_t>(*count) >= quota) {
    co_return make_error(Errc::quota_queues, scope.project, quota);
  }
  co_return Result<void>();
}

store::Async<void> ProjectQuotas::admit_messages(const engine::Scope& scope, std::string_view queue,
                                                 std::size_t count, std::size_t bytes) {
  const auth::Limits limits = limits_.of(scope.project);
  if (limits.rate_limit_posts != 0) {
    auto refused = co_await limits_.take_posts(std::string(scope.project), limits, count);
    if (refused) co_return std::move(*refused);
  }
  const std::uint64_t quota = limits.quota_messages_per_queue;
  const std::uint64_t quota_bytes = limits.quota_bytes;
  if (quota == 0 && quota_bytes == 0) co_return Result<void>();
  auto stats = co_await store_.queue_stats(store::QueueRef{scope.store_project(), queue}, clock_.now());
  std::uint64_t held = 0;
  std::uint64_t held_bytes = 0;
  if (stats) {
    held = static_cast<std::uint64_t>(stats->counts.total);
    held_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, stats->bytes));
  } else if (stats.error().code != Errc::queue_not_found) {
    co_return stats.error();
  }
  if (quota != 0 && held + count > quota) {
    co_return make_error(Errc::quota_messages, queue, quota);
  }
  if (quota_bytes != 0 && held_bytes + bytes > quota_bytes) {
    co_return make_error(Errc::quota_bytes, queue, quota_bytes);
  }
  co_return Result<void>();
}

}  // namespace warren::server
