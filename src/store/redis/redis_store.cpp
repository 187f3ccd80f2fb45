// The redis engine: construction, per-loop clients, error mapping, decoding, ping and the
// reaper's walk over every queue (the operations themselves are in store_*.cpp).
#include "store/redis/store_impl.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "common/log.h"
#include "common/loop_local.h"
#include "store/redis/keys.h"
#include "store/redis/redis_url.h"
#include "store/redis/scripts.h"

namespace warren::store::redis {

namespace asio = boost::asio;

namespace {

std::atomic<std::uint64_t> next_instance{1};

// Redis refusing service for a while (as opposed to rejecting the command as such).
bool unavailable_error(const Reply& reply) {
  for (std::string_view prefix : {"OOM", "LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
                                  "READONLY", "BUSY", "NOREPLICAS", "MOVED", "ASK"}) {
    if (reply.error_is(prefix)) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<Store>> make_redis_store(const RedisStoreOptions& options) {
  auto seeds = parse_redis_url(options.url);
  if (!seeds) return seeds.error();
  return std::unique_ptr<Store>(std::make_unique<RedisStore>(std::move(*seeds), options));
}

RedisStore::RedisStore(std::vector<Endpoint> seeds, const RedisStoreOptions& options)
    : instance_(next_instance.fetch_add(1)),
      topology_(std::make_shared<Topology>(std::move(seeds))) {
  client_options_.connection.connect_timeout = options.connect_timeout;
  client_options_.connection.command_timeout = options.command_timeout;
  client_options_.connection.backoff_min = options.backoff_min;
  client_options_.connection.backoff_max = options.backoff_max;
  client_options_.wait_replicas = options.wait_replicas;
  client_options_.wait_timeout = options.wait_timeout;
}

RedisStore::~RedisStore() = default;

namespace {

// The client of the last store and loop this loop asked for (so a hot path takes no lock).
struct ClientCache {
  std::uint64_t instance = 0;
  asio::execution_context* context = nullptr;
  Client* client = nullptr;
};
LoopLocal<ClientCache> client_caches;

}  // namespace

asio::awaitable<Client*> RedisStore::client() {
  auto executor = co_await asio::this_coro::executor;
  asio::execution_context* context = &asio::query(executor, asio::execution::context);
  ClientCache& cache = client_caches.get();
  if (cache.instance == instance_ && cache.context == context) co_return cache.client;
  std::unique_lock lock(mutex_);
  auto& slot = clients_[context];
  Client* made = slot.get();
  if (made == nullptr) {
    slot = std::make_unique<Client>(executor, topology_, client_options_);
    made = slot.get();
    if (released_.contains(context)) {
      // The loop is stopping (a reaper pass still running, say): close this client again once
      // the operation it is wanted for is over.
      lock.unlock();
      release_later(static_cast<asio::io_context&>(*context));
      co_return made;
    }
  }
  cache = ClientCache{instance_, context, made};
  co_return made;
}

void RedisStore::release_loop(asio::io_context& loop) {
  std::unique_ptr<Client> released;
  {
    std::lock_guard lock(mutex_);
    released_.insert(&loop);
    auto it = clients_.find(&loop);
    if (it == clients_.end()) return;
    if (!it->second->idle()) {
      // An operation (a reaper pass, say) still waits for Redis: look again shortly.
      release_later(loop);
      return;
    }
    released = std::move(it->second);
    clients_.erase(it);
  }
  if (ClientCache& cache = client_caches.get(); cache.instance == instance_ && cache.context == &loop) {
    cache = {};
  }
  // `released` closes its connections here, on the loop's own thread.
}

void RedisStore::release_later(asio::io_context& loop) {
  auto timer = std::make_shared<asio::steady_timer>(loop, std::chrono::milliseconds(20));
  timer->async_wait([this, &loop, timer](boost::system::error_code) { release_loop(loop); });
}

Async<Reply> RedisStore::exec(const Command& cmd) {
  Client* c = co_await client();
  Reply reply = co_await c->run(cmd);
  if (reply.is_failed()) co_return make_error(Errc::storage_unavailable, reply.str);
  if (reply.is_error()) {
    if (reply.error_is("OOM")) {
      co_return make_error(Errc::storage_full, "Redis is out of memory (its maxmemory).");
    }
    if (unavailable_error(reply)) {
      co_return make_error(Errc::storage_unavailable, "Redis answered: " + reply.str + ".");
    }
    co_return make_error(Errc::internal, "Redis answered: " + reply.str);
  }
  co_return reply;
}

Async<void> RedisStore::index_queue(QueueRef queue) {
  std::string index = keys::project_queues(queue.project);
  Command cmds[2];
  cmds[0].arg("ZADD").arg(index).arg("0").arg(queue.name).route_by(index).writes();
  cmds[1].arg("ZADD").arg(keys::kProjects).arg("0").arg(queue.project).route_by(keys::kProjects);
  cmds[1].writes();
  Client* c = co_await client();
  auto replies = co_await c->run_all(cmds);
  for (const Reply& r : replies) {
    if (r.is_failed() || r.is_error()) co_return make_error(Errc::storage_unavailable, r.str);
  }
  // Only now may the scripts stop asking for the queue to be indexed (common.lua unindexed()).
  const std::string record = keys::queue_prefix(queue) + ":q";
  Command mark;
  mark.arg("HSET").arg(record).arg("ix").arg("1").route_by(record).writes();
  auto marked = co_await exec(mark);
  if (!marked) co_return marked.error();
  co_return Result<void>();
}

asio::awaitable<void> RedisStore::index_or_remember(QueueRef queue) {
  auto indexed = co_await index_queue(queue);
  if (indexed) co_return;
  log::warn("redis: queue {}/{} could not be added to its project's index ({}); retried by the "
            "next write to it and by the reaper",
            queue.project, queue.name, indexed.error().description);
  std::lock_guard lock(unindexed_mutex_);
  if (unindexed_.size() < kMaxUnindexed) {
    unindexed_.emplace(std::string(queue.project), std::string(queue.name));
  }
}

asio::awaitable<void> RedisStore::retry_unindexed() {
  std::set<std::pair<std::string, std::string>> pending;
  {
    std::lock_guard lock(unindexed_mutex_);
    pending.swap(unindexed_);
  }
  for (const auto& [project, name] : pending) {
    auto indexed = co_await index_queue(QueueRef{project, name});
    if (indexed) continue;
    std::lock_guard lock(unindexed_mutex_);
    if (unindexed_.size() < kMaxUnindexed) unindexed_.emplace(project, name);
  }
}

bool decode_message(const std::vector<Reply>& e, std::size_t at, std::string_view id_suffix,
                    Message& out) {
  if (at + kMessageFields > e.size() || e[at].str.empty()) return false;
  const std::int64_t encoding = e[at + 10].as_int();
  if (encoding < 0 || encoding > static_cast<std::int64_t>(BodyEncoding::text)) return false;
  out.id = ShortId::from(keys::public_id(e[at].str, id_suffix));
  out.body = Body::copy_of(e[at + 1].str, static_cast<BodyEncoding>(encoding));
  out.created = e[at + 2].as_int();
  out.ttl_s = e[at + 3].as_int();
  out.expires = e[at + 4].as_int();
  out.visible_at = e[at + 5].as_int();
  out.claim_id = ShortId::from(e[at + 6].str);
  out.claim_expires = e[at + 7].as_int();
  out.claim_count = static_cast<std::int32_t>(e[at + 8].as_int());
  out.receive_count = static_cast<std::int32_t>(e[at + 9].as_int());
  return !out.id.empty();
}

Result<std::vector<Message>> decode_messages(const Reply& reply, std::string_view id_suffix) {
  std::vector<Message> out;
  if (reply.is_nil()) return out;
  if (reply.type != Reply::Type::array || reply.elements.size() % kMessageFields != 0) {
    return make_error(Errc::internal, "Malformed message list from Redis");
  }
  out.resize(reply.elements.size() / kMessageFields);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!decode_message(reply.elements, i * kMessageFields, id_suffix, out[i])) {
      return make_error(Errc::internal, "Malformed message from Redis");
    }
  }
  return out;
}

Async<void> RedisStore::ping() {
  Client* c = co_await client();
  auto masters = co_await c->masters();
  if (masters.empty()) {
    co_return make_error(Errc::storage_unavailable, "No Redis node answered.");
  }
  Command cmd;
  cmd.arg("PING");
  for (const Endpoint& node : masters) {
    Reply reply = co_await c->run_on(node, cmd);
    if (reply.is_failed() || reply.is_error()) {
      co_return make_error(Errc::storage_unavailable,
                           "Redis at " + node.text() + ": " + reply.str);
    }
  }
  co_return Result<void>();
}

Async<ReapStats> RedisStore::reap(TimeMs now, std::size_t budget) {
  // Walks the project list and each project's queue index from a cursor kept across calls,
  // running the reap script on each queue, until the budget is spent or the walk wraps.
  // Queues whose indexing failed are indexed first: until they are, the walk cannot see them.
  co_await retry_unindexed();
  ReapStats stats;
  std::size_t spent = 0;
  std::string project, after_queue;
  {
    std::lock_guard lock(reap_mutex_);
    project = reap_project_;
    after_queue = reap_queue_;
  }
  bool wrapped = false;
  while (spent < budget && !wrapped) {
    if (project.empty()) {
      Command first;
      first.arg("ZRANGEBYLEX").arg(keys::kProjects).arg("-").arg("+").arg("LIMIT").arg("0").arg(
          "1");
      first.route_by(keys::kProjects);
      auto r = co_await exec(first);
      if (!r) co_return r.error();
      if (r->elements.empty()) break;
      project = r->elements[0].str;
      after_queue.clear();
    }
    std::string index = keys::project_queues(project);
    Command list;
    list.arg("ZRANGEBYLEX").arg(index).copy(after_queue.empty() ? "-" : "(" + after_queue);
    list.arg("+").arg("LIMIT").arg("0").arg("10").route_by(index);
    auto queues = co_await exec(list);
    if (!queues) co_return queues.error();
    if (queues->elements.empty()) {
      Command next;
      next.arg("ZRANGEBYLEX").arg(keys::kProjects).copy("(" + project).arg("+");
      next.arg("LIMIT").arg("0").arg("1").route_by(keys::kProjects);
      auto r = co_await exec(next);
      if (!r) co_return r.error();
      if (r->elements.empty()) {
        project.clear();
        wrapped = true;
      } else {
        project = r->elements[0].str;
      }
      after_queue.clear();
      ++spent;
      continue;
    }
    for (const Reply& name : queues->elements) {
      if (spent >= budget) break;
      after_queue = name.str;
      keys::QueueKeys qk(QueueRef{project, name.str});
      auto cmd = eval(scripts::reap, qk);
      cmd.num(now).num(static_cast<std::int64_t>(budget - spent)).writes();
      auto r = co_await exec(cmd);
      if (!r) co_return r.error();
      if (r->elements.size() == 4) {
        stats.messages += r->elements[0].as_int();
        stats.claims += r->elements[1].as_int();
        stats.subscriptions += r->elements[2].as_int();
        spent += static_cast<std::size_t>(r->elements[0].as_int() + r->elements[1].as_int() +
                                          r->elements[2].as_int());
        if (r->elements[3].as_int() != 0) {
          // This queue has more: visit it again next time.
          after_queue = "";
          auto pos = queues->elements.begin();
          while (pos != queues->elements.end() && &*pos != &name) ++pos;
          if (pos != queues->elements.begin()) after_queue = std::prev(pos)->str;
          stats.more = true;
          break;
        }
      }
      ++spent;
    }
  }
  if (spent >= budget) stats.more = true;
  {
    std::lock_guard lock(reap_mutex_);
    reap_project_ = project;
    reap_queue_ = after_queue;
  }
  co_return stats;
}

}  // namespace warren::store::redis
