// PooledStore: routing of the storage contract to pools (pooled_store.h).
#include "store/pooled/pooled_store.h"

#include <algorithm>
#include <chrono>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "common/log.h"
#include "common/random.h"
#include "store/pooled/unavailable_store.h"

namespace warren::store::pooled {

PooledStore::PooledStore(std::unique_ptr<Store> home, EngineOpener opener,
                         PooledStoreOptions options)
    : home_(std::move(home)), opener_(std::move(opener)), options_(options) {}

PooledStore::~PooledStore() = default;

Result<void> PooledStore::load() {
  startup_context_ = std::make_unique<boost::asio::io_context>();
  auto done = boost::asio::co_spawn(*startup_context_, reload(), boost::asio::use_future);
  // Driven only until the reload is done: an engine with sockets keeps work pending on the
  // context (its readers), so run() would never return.
  while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    startup_context_->run_one_for(std::chrono::milliseconds(100));
  }
  Result<void> loaded = done.get();
  // Close what the engines opened on this context, and let the closing run.
  home_->release_loop(*startup_context_);
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) pool.engine->release_loop(*startup_context_);
  }
  startup_context_->run_for(std::chrono::milliseconds(100));
  if (!loaded) {
    // Fail closed: without the catalog, pooled queues would be served by the home store.
    return make_error(Errc::startup_failed, "--pooling: cannot read the pools and catalog: " +
                                                loaded.error().description);
  }
  std::shared_lock lock(mutex_);
  for (const auto& [name, pool] : pools_) {
    if (pool.engine->engine_name() == "unavailable") {
      return make_error(Errc::startup_failed,
                        fmt::format("pool {} ({}) cannot be opened", name, pool.record.uri));
    }
  }
  return {};
}

// ---- routing ----

Store& PooledStore::route_slow(QueueRef queue) const {
  std::shared_lock lock(mutex_);
  const auto project = catalog_.find(queue.project);
  if (project == catalog_.end()) return *home_;
  const auto placed = project->second.find(queue.name);
  if (placed == project->second.end()) return *home_;
  const auto pool = pools_.find(placed->second);
  if (pool == pools_.end()) {
    // A pool this process does not know yet (another node added it): none of its operations
    // may land on the home store. Unknown pools are kept as unavailable until a reload.
    static UnavailableStore unknown("(not yet loaded)");
    return unknown;
  }
  return *pool->second.engine;
}

std::string PooledStore::pool_of(QueueRef queue) const {
  std::shared_lock lock(mutex_);
  const auto project = catalog_.find(queue.project);
  if (project == catalog_.end()) return {};
  const auto placed = project->second.find(queue.name);
  return placed == project->second.end() ? std::string() : placed->second;
}

std::vector<Store*> PooledStore::engines_of(std::string_view project) const {
  std::vector<Store*> engines{home_.get()};
  if (!pooled_.load(std::memory_order_acquire)) return engines;
  std::shared_lock lock(mutex_);
  const auto queues = catalog_.find(project);
  if (queues == catalog_.end()) return engines;
  std::vector<std::string_view> names;
  for (const auto& [queue, pool] : queues->second) {
    if (std::find(names.begin(), names.end(), pool) == names.end()) names.push_back(pool);
  }
  for (std::string_view name : names) {
    const auto pool = pools_.find(name);
    if (pool != pools_.end()) engines.push_back(pool->second.engine.get());
  }
  return engines;
}

void PooledStore::remember(std::string_view project, std::string_view queue,
                           std::string_view pool) {
  std::unique_lock lock(mutex_);
  auto it = catalog_.find(project);
  if (it == catalog_.end()) it = catalog_.emplace(std::string(project), QueueMap{}).first;
  it->second.insert_or_assign(std::string(queue), std::string(pool));
  pooled_.store(true, std::memory_order_release);
}

void PooledStore::forget(std::string_view project, std::string_view queue) {
  std::unique_lock lock(mutex_);
  const auto it = catalog_.find(project);
  if (it == catalog_.end()) return;
  const auto placed = it->second.find(queue);
  if (placed != it->second.end()) it->second.erase(placed);
  if (it->second.empty()) catalog_.erase(it);
  // pooled_ stays set: clearing it could race with a concurrent remember().
}

std::size_t PooledStore::queues_on(std::string_view pool) const {
  std::shared_lock lock(mutex_);
  std::size_t count = 0;
  for (const auto& [project, queues] : catalog_) {
    for (const auto& [queue, placed] : queues) count += placed == pool ? 1 : 0;
  }
  return count;
}

// ---- queues ----

Async<bool> PooledStore::create_queue(QueueRef queue, std::string_view metadata, TimeMs now) {
  // The durable catalog decides (another node may have placed the queue).
  const std::string space = catalog_space(queue.project);
  auto entry = co_await home_->get_queue_metadata(QueueRef{space, queue.name});
  if (!entry) co_return entry.error();
  std::string pool;
  if (*entry) {
    auto placed = decode_placement(**entry);
    if (!placed) co_return placed.error();
    pool = std::move(*placed);
  } else {
    forget(queue.project, queue.name);
    std::string flavor = flavor_of_metadata(metadata);
    const bool by_default = flavor.empty();
    if (by_default) flavor = options_.default_flavor;
    if (flavor.empty()) co_return co_await home_->create_queue(queue, metadata, now);
    // A queue that exists already stays where it is (its metadata unchanged, as any PUT of an
    // existing queue).
    auto existing = co_await home_->get_queue_metadata(queue);
    if (!existing) co_return existing.error();
    if (*existing) co_return false;
    auto chosen = co_await place(queue, flavor, by_default);
    if (!chosen) co_return chosen.error();
    pool = std::move(*chosen);
  }
  auto known = co_await ensure_pool(pool);
  if (!known) co_return known.error();
  remember(queue.project, queue.name, pool);
  co_return co_await route(queue).create_queue(queue, metadata, now);
}

Async<std::string> PooledStore::place(QueueRef queue, std::string_view flavor, bool known) {
  if (!is_record_name(flavor)) co_return make_error(Errc::queue_flavor_unknown, flavor, queue.project);
  if (!known) {
    auto record = co_await home_->get_queue_metadata(QueueRef{flavor_space(queue.project), flavor});
    if (!record) co_return record.error();
    if (!*record) co_return make_error(Errc::queue_flavor_unknown, flavor, queue.project);
  }
  std::vector<std::pair<std::string, std::int64_t>> candidates;
  std::int64_t total = 0;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) {
      if (pool.record.flavor == flavor && pool.record.weight > 0) {
        candidates.emplace_back(name, pool.record.weight);
        total += pool.record.weight;
      }
    }
  }
  if (candidates.empty()) co_return make_error(Errc::no_pool_found, flavor);
  std::sort(candidates.begin(), candidates.end());
  std::int64_t pick = static_cast<std::int64_t>(random_u64() % static_cast<std::uint64_t>(total));
  std::string chosen = candidates.back().first;
  for (const auto& [name, weight] : candidates) {
    if (pick < weight) {
      chosen = name;
      break;
    }
    pick -= weight;
  }
  const std::string space = catalog_space(queue.project);
  auto created =
      co_await home_->create_queue(QueueRef{space, queue.name}, encode_placement(chosen), 0);
  if (!created) co_return created.error();
  if (!*created) {
    // Another node placed it meanwhile: its choice stands.
    auto entry = co_await home_->get_queue_metadata(QueueRef{space, queue.name});
    if (!entry) co_return entry.error();
    if (*entry) {
      auto placed = decode_placement(**entry);
      if (!placed) co_return placed.error();
      chosen = std::move(*placed);
    }
  }
  co_return chosen;
}

Async<void> PooledStore::delete_queue(QueueRef queue) {
  const std::string pool = pool_of(queue);
  if (pool.empty()) co_return co_await home_->delete_queue(queue);
  auto deleted = co_await route(queue).delete_queue(queue);
  if (!deleted) co_return deleted;
  auto dropped = co_await home_->delete_queue(QueueRef{catalog_space(queue.project), queue.name});
  if (!dropped) co_return dropped;
  forget(queue.project, queue.name);
  co_return Result<void>{};
}

Async<QueuePage> PooledStore::list_queues(std::string_view project,
                                          const QueueListOptions& options) {
  const std::vector<Store*> engines = engines_of(project);
  if (engines.size() == 1) co_return co_await home_->list_queues(project, options);
  // Each engine's first page after the marker, merged by name: the first `limit` of the union.
  QueuePage merged;
  for (Store* engine : engines) {
    auto page = co_await engine->list_queues(project, options);
    if (!page) co_return page.error();
    for (QueueEntry& entry : page->queues) merged.queues.push_back(std::move(entry));
  }
  std::sort(merged.queues.begin(), merged.queues.end(),
            [](const QueueEntry& a, const QueueEntry& b) { return a.name < b.name; });
  merged.queues.erase(
      std::unique(merged.queues.begin(), merged.queues.end(),
                  [](const QueueEntry& a, const QueueEntry& b) { return a.name == b.name; }),
      merged.queues.end());
  if (merged.queues.size() > static_cast<std::size_t>(options.limit)) {
    merged.queues.resize(static_cast<std::size_t>(options.limit));
  }
  co_return merged;
}

Async<std::int64_t> PooledStore::count_queues(std::string_view project) {
  std::int64_t total = 0;
  for (Store* engine : engines_of(project)) {
    auto count = co_await engine->count_queues(project);
    if (!count) co_return count.error();
    total += *count;
  }
  co_return total;
}

Async<std::vector<std::string>> PooledStore::list_projects(std::string_view marker, int limit) {
  // The union of the home store's projects (without the reserved spaces) and the pools'; each
  // engine answers in name order after the marker, so the first `limit` of the union are right.
  std::vector<std::string> out;
  std::string after(marker);
  for (;;) {
    auto page = co_await home_->list_projects(after, limit);
    if (!page) co_return page.error();
    for (std::string& project : *page) {
      if (!is_reserved_space(project)) out.push_back(std::move(project));
    }
    if (page->size() < static_cast<std::size_t>(limit) ||
        out.size() >= static_cast<std::size_t>(limit)) {
      break;
    }
    after = page->back();
  }
  std::vector<std::shared_ptr<Store>> engines;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) engines.push_back(pool.engine);
  }
  for (const auto& engine : engines) {
    auto page = co_await engine->list_projects(marker, limit);
    if (!page) continue;  // a pool down: its projects are left out of this operators' listing
    for (std::string& project : *page) out.push_back(std::move(project));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  co_return out;
}

Async<ClaimResult> PooledStore::create_claim(QueueRef queue, const ClaimParams& params,
                                             TimeMs now) {
  Store& engine = route(queue);
  if (&engine == home_.get() || !params.dead_letter.active()) {
    return engine.create_claim(queue, params, now);
  }
  return claim_dead_lettering(engine, queue, params, now);
}

Async<ClaimResult> PooledStore::claim_dead_lettering(Store& engine, QueueRef queue,
                                                     const ClaimParams& params, TimeMs now) {
  // The engine creates a missing dead-letter queue by itself, on the source's pool: enter it
  // in the catalog there first, so that it is found where it will be.
  const QueueRef dead{queue.project, params.dead_letter.queue};
  if (pool_of(dead).empty()) {
    const std::string space = catalog_space(queue.project);
    auto entry = co_await home_->get_queue_metadata(QueueRef{space, dead.name});
    if (!entry) co_return entry.error();
    if (*entry) {
      auto placed = decode_placement(**entry);
      if (!placed) co_return placed.error();
      remember(dead.project, dead.name, *placed);
    } else {
      auto at_home = co_await home_->get_queue_metadata(dead);
      if (!at_home) co_return at_home.error();
      if (!*at_home) {
        // (An existing dead-letter queue elsewhere stays there: see docs/pools.md.)
        const std::string pool = pool_of(queue);
        auto created =
            co_await home_->create_queue(QueueRef{space, dead.name}, encode_placement(pool), 0);
        if (!created) co_return created.error();
        remember(dead.project, dead.name, pool);
      }
    }
  }
  co_return co_await engine.create_claim(queue, params, now);
}

// ---- maintenance ----

Async<ReapStats> PooledStore::reap(TimeMs now, std::size_t budget) {
  auto stats = co_await home_->reap(now, budget);
  if (!stats) co_return stats;
  std::vector<std::shared_ptr<Store>> engines;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) engines.push_back(pool.engine);
  }
  for (const auto& engine : engines) {
    auto reaped = co_await engine->reap(now, budget);
    if (!reaped) continue;  // a pool down: the others are still reaped
    stats->messages += reaped->messages;
    stats->claims += reaped->claims;
    stats->subscriptions += reaped->subscriptions;
    stats->more = stats->more || reaped->more;
  }
  if (now >= next_refresh_ms_.load(std::memory_order_relaxed) && !reloading_.exchange(true)) {
    next_refresh_ms_.store(now + options_.refresh_interval.count(), std::memory_order_relaxed);
    co_await reload();
    reloading_.store(false);
  }
  co_return stats;
}

void PooledStore::release_loop(boost::asio::io_context& loop) {
  home_->release_loop(loop);
  std::vector<std::shared_ptr<Store>> engines;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) engines.push_back(pool.engine);
    engines.insert(engines.end(), retired_.begin(), retired_.end());
  }
  for (const auto& engine : engines) engine->release_loop(loop);
}

Async<std::vector<PoolHealth>> PooledStore::pool_health() {
  std::vector<std::pair<std::string, std::shared_ptr<Store>>> engines;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [name, pool] : pools_) engines.emplace_back(name, pool.engine);
  }
  std::sort(engines.begin(), engines.end());
  std::vector<PoolHealth> out;
  for (const auto& [name, engine] : engines) {
    auto pinged = co_await engine->ping();
    out.push_back(PoolHealth{name, pinged.has_value()});
  }
  co_return out;
}

}  // namespace warren::store::pooled
