// Queue operations of the redis engine: create, metadata, delete, list, count, stats.
#include <algorithm>

#include "store/redis/keys.h"
#include "store/redis/scripts.h"
#include "store/redis/store_impl.h"

namespace warren::store::redis {

Async<bool> RedisStore::create_queue(QueueRef queue, std::string_view metadata, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::queue_create, qk);
  cmd.num(now).arg(metadata).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  // Index after creating, also when it existed: a retry after a failure between the two steps
  // repairs the index (docs/redis.md, "Project indexes").
  auto indexed = co_await index_queue(queue);
  if (!indexed) co_return indexed.error();
  co_return reply->as_int() == 1;
}

Async<std::optional<std::string>> RedisStore::get_queue_metadata(QueueRef queue) {
  std::string key = keys::queue_prefix(queue) + ":q";
  Command cmd;
  cmd.arg("HGET").arg(key).arg("meta").route_by(key);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->is_nil()) co_return std::optional<std::string>();
  co_return std::optional<std::string>(std::move(reply->str));
}

Async<void> RedisStore::set_queue_metadata(QueueRef queue, std::string_view metadata) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::queue_set, qk);
  cmd.num(0).arg(metadata).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  if (reply->as_int() == 0) {
    co_return make_error(Errc::queue_not_found, queue.name, queue.project);
  }
  co_return Result<void>();
}

Async<void> RedisStore::delete_queue(QueueRef queue) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::queue_delete, qk);
  cmd.num(0).writes();
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  // Then unlist it; if a concurrent create re-made it meanwhile, list it again, so a queue that
  // exists is never left out of the index (the index may briefly list a deleted queue, which
  // list_queues skips).
  std::string index = keys::project_queues(queue.project);
  Command unlist;
  unlist.arg("ZREM").arg(index).arg(queue.name).route_by(index).writes();
  auto removed = co_await exec(unlist);
  if (!removed) co_return removed.error();
  std::string key(qk.record());
  Command exists;
  exists.arg("EXISTS").arg(key).route_by(key);
  auto again = co_await exec(exists);
  if (!again) co_return again.error();
  if (again->as_int() != 1) co_return Result<void>();
  auto indexed = co_await index_queue(queue);
  co_return indexed;
}

Async<QueuePage> RedisStore::list_queues(std::string_view project,
                                         const QueueListOptions& options) {
  QueuePage page;
  std::string index = keys::project_queues(project);
  std::string after(options.marker);
  const int chunk = std::max(options.limit, 10);
  while (static_cast<int>(page.queues.size()) < options.limit) {
    Command range;
    range.arg("ZRANGEBYLEX").arg(index).copy(after.empty() ? "-" : "(" + after).arg("+");
    range.arg("LIMIT").arg("0").num(chunk).route_by(index);
    auto names = co_await exec(range);
    if (!names) co_return names.error();
    if (names->elements.empty()) break;
    // Read every candidate's metadata at once (also proving the queue still exists).
    std::vector<std::string> candidates;
    for (const Reply& name : names->elements) {
      if (options.name_contains.empty() ||
          name.str.find(options.name_contains) != std::string::npos) {
        candidates.push_back(name.str);
      }
    }
    after = names->elements.back().str;
    std::vector<std::string> meta_keys;
    meta_keys.reserve(candidates.size());
    std::vector<Command> reads(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      meta_keys.push_back(keys::queue_prefix({project, candidates[i]}) + ":q");
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      reads[i].arg("HGET").arg(meta_keys[i]).arg("meta").route_by(meta_keys[i]);
    }
    Client* c = co_await client();
    auto replies = co_await c->run_all(reads);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const Reply& r = replies[i];
      if (r.is_failed() || r.is_error()) co_return make_error(Errc::storage_unavailable, r.str);
      if (r.is_nil()) continue;  // listed but deleted: skip
      if (static_cast<int>(page.queues.size()) == options.limit) break;
      page.queues.push_back(QueueEntry{candidates[i], options.with_metadata ? r.str : ""});
    }
    if (static_cast<int>(names->elements.size()) < chunk) break;
  }
  co_return page;
}

Async<std::int64_t> RedisStore::count_queues(std::string_view project) {
  std::string index = keys::project_queues(project);
  Command cmd;
  cmd.arg("ZCARD").arg(index).route_by(index);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  co_return reply->as_int();
}

Async<std::vector<std::string>> RedisStore::list_projects(std::string_view marker, int limit) {
  // w:projects holds every project that ever had a queue (the reaper's walk), all scores 0, so
  // a lexicographic range is its name order.
  // (Appended, not `"(" + std::string(marker)`: gcc 12 at -O3 warns a false -Wrestrict there.)
  std::string from = marker.empty() ? "-" : "(";
  from += marker;
  Command cmd;
  cmd.arg("ZRANGEBYLEX").arg(keys::kProjects).arg(from).arg("+").arg("LIMIT").num(0).num(
      std::max(limit, 1));
  cmd.route_by(keys::kProjects);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  std::vector<std::string> projects;
  for (auto& element : reply->elements) projects.push_back(std::move(element.str));
  co_return projects;
}

Async<QueueStats> RedisStore::queue_stats(QueueRef queue, TimeMs now) {
  keys::QueueKeys qk(queue);
  auto cmd = eval(scripts::stats, qk);
  cmd.num(now);
  auto reply = co_await exec(cmd);
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (e.size() != 8) co_return make_error(Errc::internal, "Malformed stats from Redis");
  QueueStats stats;
  stats.counts.free = e[0].as_int();
  stats.counts.claimed = e[1].as_int();
  stats.counts.total = e[2].as_int();
  stats.bytes = e[7].as_int();
  if (stats.counts.total > 0 && !e[3].str.empty()) {
    stats.oldest = MessageMark{ShortId::from(keys::public_id(e[3].str, qk.id_suffix())),
                               e[4].as_int()};
    stats.newest = MessageMark{ShortId::from(keys::public_id(e[5].str, qk.id_suffix())),
                               e[6].as_int()};
  }
  co_return stats;
}

}  // namespace warren::store::redis
