// QueueMetrics: walking projects and queues for the per-queue gauges.
#include "server/queue_metrics.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/topics.h"

namespace warren::server {
namespace {

constexpr int kPage = 100;

struct Row {
  std::string labels;  // project="…",queue="…"
  store::QueueStats stats;
};

}  // namespace

boost::asio::awaitable<void> QueueMetrics::collect(metrics::Exposition& out) {
  using Type = metrics::Exposition::Type;
  const store::TimeMs now = clock_.now();
  std::vector<Row> rows;
  store::QueueStats rest;
  std::size_t rest_queues = 0;
  std::size_t visited = 0;
  bool truncated = false;
  std::string project_marker;
  while (!truncated) {
    auto projects = co_await store_.list_projects(project_marker, kPage);
    if (!projects || projects->empty()) break;
    for (const std::string& project : *projects) {
      store::QueueListOptions options;
      options.limit = kPage;
      std::string queue_marker;
      while (!truncated) {
        options.marker = queue_marker;
        auto page = co_await store_.list_queues(project, options);
        if (!page || page->queues.empty()) break;
        for (const store::QueueEntry& entry : page->queues) {
          if (visited == max_visited_) {
            truncated = true;
            break;
          }
          ++visited;
          auto stats = co_await store_.queue_stats(store::QueueRef{project, entry.name}, now);
          if (!stats) continue;
          if (rows.size() < max_queues_) {
            // A topic is a queue of its project's topic space (engine/topics.h): labelled with
            // the owning project and resource="topic", never with the space's spelling.
            const engine::Scope scope = engine::scope_of_store_project(project);
            rows.push_back({fmt::format(R"(project="{}",queue="{}",resource="{}")",
                                        metrics::Exposition::escape_label(scope.project),
                                        metrics::Exposition::escape_label(entry.name),
                                        scope.topic() ? "topic" : "queue"),
                            *stats});
          } else {
            ++rest_queues;
            rest.counts.free += stats->counts.free;
            rest.counts.claimed += stats->counts.claimed;
            rest.bytes += stats->bytes;
          }
        }
        if (page->queues.size() < static_cast<std::size_t>(kPage)) break;
        queue_marker = page->queues.back().name;
      }
    }
    if (projects->size() < static_cast<std::size_t>(kPage)) break;
    project_marker = projects->back();
  }

  out.family("warren_queue_messages", Type::gauge,
             "Messages a queue holds, by state (free: claimable or delayed; claimed).");
  for (const Row& row : rows) {
    out.sample("warren_queue_messages", row.labels + R"(,state="free")",
               static_cast<std::uint64_t>(row.stats.counts.free));
    out.sample("warren_queue_messages", row.labels + R"(,state="claimed")",
               static_cast<std::uint64_t>(row.stats.counts.claimed));
  }
  out.family("warren_queue_message_bytes", Type::gauge, "Bytes of message bodies a queue holds.");
  for (const Row& row : rows) {
    out.sample("warren_queue_message_bytes", row.labels,
               static_cast<std::uint64_t>(row.stats.bytes));
  }
  out.family("warren_queue_oldest_message_age_seconds", Type::gauge,
             "Age of a queue's oldest message (queues holding none are left out).");
  for (const Row& row : rows) {
    if (!row.stats.oldest) continue;
    out.sample("warren_queue_oldest_message_age_seconds", row.labels,
               static_cast<double>(now - row.stats.oldest->created) / 1000.0);
  }
  out.family("warren_queues_other", Type::gauge,
             "Queues past --metrics-max-queues, whose counts are summed in the _other families.");
  out.sample("warren_queues_other", "", static_cast<std::uint64_t>(rest_queues));
  out.family("warren_queue_messages_other", Type::gauge,
             "Messages the queues past --metrics-max-queues hold, by state.");
  out.sample("warren_queue_messages_other", R"(state="free")",
             static_cast<std::uint64_t>(rest.counts.free));
  out.sample("warren_queue_messages_other", R"(state="claimed")",
             static_cast<std::uint64_t>(rest.counts.claimed));
  out.family("warren_queue_message_bytes_other", Type::gauge,
             "Bytes of message bodies the queues past --metrics-max-queues hold.");
  out.sample("warren_queue_message_bytes_other", "", static_cast<std::uint64_t>(rest.bytes));
  out.family("warren_queue_metrics_truncated", Type::gauge,
             "1 if the last scrape stopped walking queues at its bound (--metrics-max-visited).");
  out.sample("warren_queue_metrics_truncated", "", std::uint64_t{truncated ? 1u : 0u});
}

}  // namespace warren::server
