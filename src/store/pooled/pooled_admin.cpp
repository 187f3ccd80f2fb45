// PooledStore: the pool and flavor records (Zaqar's pools and flavors controllers) and the
// reload of the in-memory mirror from the home store (pooled_store.h).
#include <algorithm>

#include "common/log.h"
#include "store/pooled/pooled_store.h"
#include "store/pooled/unavailable_store.h"

namespace warren::store::pooled {
namespace {

constexpr int kPage = 100;

}  // namespace

// ---- engines ----

Async<std::shared_ptr<Store>> PooledStore::open_engine(std::string_view uri) {
  auto opened = opener_(uri);
  if (!opened) {
    if (opened.error().code == Errc::pool_uri_invalid) co_return opened.error();
    log::warn("pool {}: {}", uri, opened.error().description);
    co_return make_error(Errc::pool_unreachable, uri);
  }
  std::shared_ptr<Store> engine(std::move(*opened));
  auto pinged = co_await engine->ping();
  if (!pinged) {
    log::warn("pool {}: {}", uri, pinged.error().description);
    co_return make_error(Errc::pool_unreachable, uri);
  }
  co_return engine;
}

void PooledStore::install_pool(PoolRecord record, std::shared_ptr<Store> engine) {
  std::unique_lock lock(mutex_);
  auto it = pools_.find(record.name);
  if (it == pools_.end()) {
    const std::string name = record.name;
    pools_.emplace(name, Pool{std::move(record), std::move(engine)});
    return;
  }
  if (it->second.engine != engine) retired_.push_back(std::move(it->second.engine));
  it->second = Pool{std::move(record), std::move(engine)};
}

// ---- the mirror ----

Async<void> PooledStore::ensure_pool(std::string_view name) {
  {
    std::shared_lock lock(mutex_);
    if (pools_.contains(name)) co_return Result<void>{};
  }
  auto record = co_await get_pool(name);
  if (!record) co_return record.error();
  if (!*record) {
    co_return make_error(Errc::storage_unavailable,
                         fmt::format("The catalog names pool {}, which does not exist.", name));
  }
  auto opened = opener_((*record)->uri);
  std::shared_ptr<Store> engine;
  if (opened) {
    engine = std::shared_ptr<Store>(std::move(*opened));
  } else {
    log::warn("pool {} ({}) cannot be opened: {}", name, (*record)->uri,
              opened.error().description);
    engine = std::make_shared<UnavailableStore>(std::string(name));
  }
  install_pool(std::move(**record), std::move(engine));
  co_return Result<void>{};
}

Async<std::vector<PoolRecord>> PooledStore::read_pools() {
  std::vector<PoolRecord> pools;
  std::string marker;
  for (;;) {
    QueueListOptions options;
    options.marker = marker;
    options.limit = kPage;
    options.with_metadata = true;
    auto page = co_await home_->list_queues(kPoolSpace, options);
    if (!page) co_return page.error();
    for (const QueueEntry& entry : page->queues) {
      auto pool = decode_pool(entry.name, entry.metadata);
      if (!pool) co_return pool.error();
      pools.push_back(std::move(*pool));
    }
    if (page->queues.size() < static_cast<std::size_t>(kPage)) break;
    marker = page->queues.back().name;
  }
  co_return pools;
}

Async<void> PooledStore::reload() {
  auto pools = co_await read_pools();
  if (!pools) {
    log::warn("pools: cannot reload the pool records: {}", pools.error().description);
    co_return pools.error();
  }
  std::vector<std::string> names;
  for (PoolRecord& record : *pools) {
    names.push_back(record.name);
    std::shared_ptr<Store> current;
    bool same = false;
    {
      std::shared_lock lock(mutex_);
      const auto it = pools_.find(record.name);
      if (it != pools_.end()) {
        current = it->second.engine;
        same = it->second.record.uri == record.uri &&
               current->engine_name() != std::string_view("unavailable");
      }
    }
    if (same) {
      install_pool(std::move(record), std::move(current));
      continue;
    }
    auto opened = opener_(record.uri);
    std::shared_ptr<Store> engine;
    if (opened) {
      engine = std::shared_ptr<Store>(std::move(*opened));
    } else {
      log::warn("pool {} ({}) cannot be opened: {}", record.name, record.uri,
                opened.error().description);
      engine = std::make_shared<UnavailableStore>(record.name);
    }
    install_pool(std::move(record), std::move(engine));
  }
  {
    std::unique_lock lock(mutex_);
    for (auto it = pools_.begin(); it != pools_.end();) {
      if (std::find(names.begin(), names.end(), it->first) == names.end()) {
        retired_.push_back(std::move(it->second.engine));
        it = pools_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // The catalog: every catalog space of the home store. Projects are listed in name order and
  // the catalog spaces share a prefix, so they are one run from just after that prefix: a
  // reload reads them only, however many projects the home store has.
  Catalog catalog;
  std::size_t entries = 0;
  std::string after = catalog_space("");
  bool complete = true;
  bool past = false;  // listed beyond the catalog spaces
  for (;;) {
    auto projects = co_await home_->list_projects(after, kPage);
    if (!projects) co_return projects.error();
    for (const std::string& space : *projects) {
      const auto project = project_of_catalog_space(space);
      if (!project) {
        past = true;
        break;
      }
      std::string marker;
      for (;;) {
        QueueListOptions options;
        options.marker = marker;
        options.limit = kPage;
        options.with_metadata = true;
        auto page = co_await home_->list_queues(space, options);
        if (!page) co_return page.error();
        for (const QueueEntry& entry : page->queues) {
          auto pool = decode_placement(entry.metadata);
          if (!pool) continue;
          catalog[std::string(*project)].insert_or_assign(entry.name, std::move(*pool));
          ++entries;
        }
        if (page->queues.size() < static_cast<std::size_t>(kPage) ||
            entries >= options_.max_catalog_entries) {
          break;
        }
        marker = page->queues.back().name;
      }
      if (entries >= options_.max_catalog_entries) {
        complete = false;
        break;
      }
    }
    if (!complete || past || projects->size() < static_cast<std::size_t>(kPage)) break;
    after = projects->back();
  }
  if (!complete) {
    log::warn(
        "pools: the catalog holds more than {} entries (--pool-catalog-max): the rest "
        "are found when their queues are created again",
        options_.max_catalog_entries);
  }
  {
    std::unique_lock lock(mutex_);
    // A complete reload replaces the mirror; a partial one only adds to it.
    if (complete) {
      catalog_ = std::move(catalog);
    } else {
      for (auto& [project, queues] : catalog) {
        for (auto& [queue, pool] : queues) catalog_[project].insert_or_assign(queue, pool);
      }
    }
    if (!catalog_.empty()) pooled_.store(true, std::memory_order_release);
  }
  co_return Result<void>{};
}

// ---- pools ----

Async<std::vector<PoolRecord>> PooledStore::list_pools(std::string_view marker, int limit) {
  QueueListOptions options;
  options.marker = marker;
  options.limit = limit;
  options.with_metadata = true;
  auto page = co_await home_->list_queues(kPoolSpace, options);
  if (!page) co_return page.error();
  std::vector<PoolRecord> pools;
  for (const QueueEntry& entry : page->queues) {
    auto pool = decode_pool(entry.name, entry.metadata);
    if (!pool) co_return pool.error();
    pools.push_back(std::move(*pool));
  }
  co_return pools;
}

Async<std::optional<PoolRecord>> PooledStore::get_pool(std::string_view name) {
  auto text = co_await home_->get_queue_metadata(QueueRef{kPoolSpace, name});
  if (!text) co_return text.error();
  if (!*text) co_return std::optional<PoolRecord>();
  auto pool = decode_pool(name, **text);
  if (!pool) co_return pool.error();
  co_return std::optional<PoolRecord>(std::move(*pool));
}

Async<void> PooledStore::write_pool(const PoolRecord& pool) {
  const QueueRef ref{kPoolSpace, pool.name};
  const std::string text = encode(pool);
  auto created = co_await home_->create_queue(ref, text, 0);
  if (!created) co_return created.error();
  if (*created) co_return Result<void>{};
  co_return co_await home_->set_queue_metadata(ref, text);
}

Async<void> PooledStore::put_pool(PoolRecord pool) {
  auto existing = co_await get_pool(pool.name);
  if (!existing) co_return existing.error();
  if (!*existing) {
    auto count = co_await home_->count_queues(kPoolSpace);
    if (!count) co_return count.error();
    if (static_cast<std::size_t>(*count) >= options_.max_pools) {
      co_return make_error(Errc::pools_limit, options_.max_pools);
    }
  }
  std::shared_ptr<Store> engine;
  {
    std::shared_lock lock(mutex_);
    const auto it = pools_.find(pool.name);
    if (it != pools_.end() && it->second.record.uri == pool.uri &&
        it->second.engine->engine_name() != std::string_view("unavailable")) {
      engine = it->second.engine;
    }
  }
  if (!engine) {
    auto opened = co_await open_engine(pool.uri);
    if (!opened) co_return opened.error();
    engine = std::move(*opened);
  }
  auto written = co_await write_pool(pool);
  if (!written) co_return written;
  install_pool(std::move(pool), std::move(engine));
  co_return Result<void>{};
}

Async<PoolRecord> PooledStore::patch_pool(std::string_view name, const PoolPatch& patch) {
  auto existing = co_await get_pool(name);
  if (!existing) co_return existing.error();
  if (!*existing) co_return make_error(Errc::pool_not_found, name);
  PoolRecord pool = std::move(**existing);
  if (patch.uri) pool.uri = *patch.uri;
  if (patch.weight) pool.weight = *patch.weight;
  if (patch.flavor) pool.flavor = *patch.flavor;
  if (patch.options) pool.options = *patch.options;
  auto put = co_await put_pool(pool);
  if (!put) co_return put.error();
  co_return pool;
}

Async<void> PooledStore::delete_pool(std::string_view name) {
  auto existing = co_await get_pool(name);
  if (!existing) co_return existing.error();
  if (!*existing) co_return Result<void>{};
  const PoolRecord& pool = **existing;
  if (!pool.flavor.empty() && pools_of_flavor(pool.flavor).size() <= 1) {
    co_return make_error(Errc::pool_in_flavor, pool.flavor);
  }
  if (const std::size_t held = queues_on(name); held > 0) {
    co_return make_error(Errc::pool_holds_queues, name, held);
  }
  auto deleted = co_await home_->delete_queue(QueueRef{kPoolSpace, name});
  if (!deleted) co_return deleted;
  std::unique_lock lock(mutex_);
  const auto it = pools_.find(name);
  if (it != pools_.end()) {
    retired_.push_back(std::move(it->second.engine));
    pools_.erase(it);
  }
  co_return Result<void>{};
}

std::vector<std::string> PooledStore::pools_of_flavor(std::string_view flavor) const {
  std::vector<std::string> names;
  std::shared_lock lock(mutex_);
  for (const auto& [name, pool] : pools_) {
    if (!flavor.empty() && pool.record.flavor == flavor) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string PooledStore::uri_of(std::string_view pool) const {
  std::shared_lock lock(mutex_);
  const auto it = pools_.find(pool);
  return it == pools_.end() ? std::string() : it->second.record.uri;
}

// ---- flavors ----

Async<std::vector<FlavorRecord>> PooledStore::list_flavors(std::string_view project,
                                                           std::string_view marker, int limit) {
  QueueListOptions options;
  options.marker = marker;
  options.limit = limit;
  const std::string space = flavor_space(project);
  auto page = co_await home_->list_queues(space, options);
  if (!page) co_return page.error();
  std::vector<FlavorRecord> flavors;
  for (const QueueEntry& entry : page->queues) flavors.push_back(FlavorRecord{entry.name});
  co_return flavors;
}

Async<bool> PooledStore::flavor_exists(std::string_view project, std::string_view name) {
  auto text = co_await home_->get_queue_metadata(QueueRef{flavor_space(project), name});
  if (!text) co_return text.error();
  co_return text->has_value();
}

Async<void> PooledStore::put_flavor(std::string_view project, std::string_view name,
                                    std::vector<std::string> pools) {
  std::vector<PoolRecord> records;
  for (const std::string& pool : pools) {
    if (!is_record_name(pool)) co_return make_error(Errc::flavor_pool_missing, name, pool);
    auto record = co_await get_pool(pool);
    if (!record) co_return record.error();
    if (!*record) co_return make_error(Errc::flavor_pool_missing, name, pool);
    records.push_back(std::move(**record));
  }
  auto created = co_await home_->create_queue(QueueRef{flavor_space(project), name}, "{}", 0);
  if (!created) co_return created.error();
  for (PoolRecord& record : records) {
    if (record.flavor == name) continue;
    record.flavor = std::string(name);
    auto written = co_await write_pool(record);
    if (!written) co_return written;
    std::unique_lock lock(mutex_);
    const auto it = pools_.find(record.name);
    if (it != pools_.end()) it->second.record.flavor = record.flavor;
  }
  // Pools of this flavor not listed any more are left with none (Zaqar's PATCH).
  for (const std::string& old : pools_of_flavor(name)) {
    if (std::find(pools.begin(), pools.end(), old) != pools.end()) continue;
    auto record = co_await get_pool(old);
    if (!record) co_return record.error();
    if (!*record) continue;
    (*record)->flavor.clear();
    auto written = co_await write_pool(**record);
    if (!written) co_return written;
    std::unique_lock lock(mutex_);
    const auto it = pools_.find(old);
    if (it != pools_.end()) it->second.record.flavor.clear();
  }
  co_return Result<void>{};
}

Async<void> PooledStore::delete_flavor(std::string_view project, std::string_view name) {
  for (const std::string& pool : pools_of_flavor(name)) {
    auto record = co_await get_pool(pool);
    if (!record) co_return record.error();
    if (!*record) continue;
    (*record)->flavor.clear();
    auto written = co_await write_pool(**record);
    if (!written) co_return written;
    std::unique_lock lock(mutex_);
    const auto it = pools_.find(pool);
    if (it != pools_.end()) it->second.record.flavor.clear();
  }
  co_return co_await home_->delete_queue(QueueRef{flavor_space(project), name});
}

}  // namespace warren::store::pooled
