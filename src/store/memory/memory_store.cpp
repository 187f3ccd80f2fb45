// MemoryStore: the storage contract (store.h) over sharded in-memory queues. This file maps each
// operation to its shard and queue under the shard's lock; the semantics live in queue.cpp and
// subscription_table.cpp.
#include "store/memory/memory_store.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <mutex>
#include <random>
#include <type_traits>
#include <vector>

#include "store/memory/catalog.h"
#include "store/memory/ids.h"
#include "store/memory/queue.h"
#include "store/memory/shard.h"

namespace warren::store {
namespace memory {
namespace {

// The metadata of a queue created implicitly (by a post, a subscription or a dead letter).
constexpr std::string_view kEmptyMetadata = "{}";

std::uint32_t random_seed() {
  std::random_device device;
  return device();
}

}  // namespace

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options);

  std::string_view engine_name() const noexcept override { return "memory"; }

  Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs now) override;
  Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) override;
  Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) override;
  Async<void> delete_queue(QueueRef queue) override;
  Async<QueuePage> list_queues(std::string_view project, const QueueListOptions& options) override;
  Async<std::int64_t> count_queues(std::string_view project) override;
  Async<QueueStats> queue_stats(QueueRef queue, TimeMs now) override;

  Async<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                            std::span<const NewMessage> messages,
                                            TimeMs now) override;
  Async<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options,
                                   TimeMs now) override;
  Async<std::vector<Message>> get_messages(QueueRef queue, std::span<const std::string_view> ids,
                                           TimeMs now) override;
  Async<void> delete_message(QueueRef queue, std::string_view id,
                             std::optional<std::string_view> claim_id, TimeMs now) override;
  Async<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                              TimeMs now) override;
  Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) override;
  Async<void> purge_messages(QueueRef queue, TimeMs now) override;

  Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now) override;
  Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override;
  Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                           std::int64_t grace_s, TimeMs now) override;
  Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override;

  Async<SubscriptionCreated> create_subscription(QueueRef queue,
                                                 const NewSubscription& subscription,
                                                 TimeMs now) override;
  Async<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker, int limit,
                                             TimeMs now) override;
  Async<Subscription> get_subscription(QueueRef queue, std::string_view id, TimeMs now) override;
  Async<void> update_subscription(QueueRef queue, std::string_view id,
                                  const SubscriptionUpdate& update, TimeMs now) override;
  Async<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                   TimeMs now) override;
  Async<void> delete_subscription(QueueRef queue, std::string_view id) override;
  Async<void> purge_subscriptions(QueueRef queue) override;

  Async<void> ping() override;
  Async<ReapStats> reap(TimeMs now, std::size_t budget) override;

 private:
  Shard& shard_of(const QueueKey& key) noexcept {
    // Fibonacci hashing spreads the string hash's bits over the shard index.
    return *shards_[((key.hash() * 0x9E3779B97F4A7C15ull) >> 32) & shard_mask_];
  }
  // The queue under `key`, created with `metadata` if missing. Caller holds the shard's lock.
  Queue& ensure_queue(Shard& shard, const QueueKey& key, QueueRef queue, std::string_view metadata);

  // The synchronous bodies of the operations (the memory engine never suspends).
  Result<std::vector<ShortId>> post_now(QueueRef queue, std::string_view client,
                                        std::span<const NewMessage> messages, TimeMs now);
  Result<ClaimResult> claim_now(QueueRef queue, const ClaimParams& params, TimeMs now);
  Result<QueuePage> list_queues_now(std::string_view project, const QueueListOptions& options);
  ReapStats reap_now(TimeMs now, std::size_t budget);

  // Runs `op(queue)` under the shard lock if the queue exists, else returns `missing`.
  template <class Missing, class Op>
  auto with_queue(QueueRef queue, Missing&& missing, Op&& op) -> std::invoke_result_t<Op&, Queue&> {
    QueueKey key(queue);
    Shard& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    Queue* found = shard.find(key.view());
    if (found == nullptr) return missing();
    return op(*found);
  }
  // Runs `op(shard, key)` under the lock of the queue's shard.
  template <class Op>
  auto with_shard(QueueRef queue, Op&& op) {
    QueueKey key(queue);
    Shard& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    return op(shard, key);
  }

  MemoryStoreOptions options_;
  SubscriptionIds subscription_ids_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::size_t shard_mask_ = 0;  // shard count - 1 (a power of two)
  Catalog catalog_;
  std::atomic<std::uint32_t> next_incarnation_;
  std::atomic<std::size_t> next_reap_shard_{0};
};

MemoryStore::MemoryStore(MemoryStoreOptions options) : options_(options) {
  const std::uint32_t seed = options.seed ? *options.seed : random_seed();
  next_incarnation_.store(seed);
  subscription_ids_.nonce = seed * 0x9E3779B9u + 0x7F4A7C15u;
  const std::size_t count = std::bit_ceil(std::clamp<std::size_t>(options.shards, 1, 1u << 16));
  shard_mask_ = count - 1;
  shards_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    shards_.push_back(std::make_unique<Shard>(subscription_ids_));
  }
}

Queue& MemoryStore::ensure_queue(Shard& shard, const QueueKey& key, QueueRef queue,
                                 std::string_view metadata) {
  if (Queue* found = shard.find(key.view())) return *found;
  auto created = std::make_unique<Queue>(next_incarnation_.fetch_add(1), std::string(metadata));
  catalog_.add(queue.project, queue.name);
  return shard.insert(key.view(), std::move(created));
}

// ---- queues ----

Async<bool> MemoryStore::create_queue(QueueRef queue, std::string_view metadata, TimeMs) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) -> Result<bool> {
    if (shard.find(key.view()) != nullptr) return false;
    ensure_queue(shard, key, queue, metadata);
    return true;
  });
}

Async<std::optional<std::string>> MemoryStore::get_queue_metadata(QueueRef queue) {
  co_return with_queue(
      queue, [] { return Result<std::optional<std::string>>(std::nullopt); },
      [](Queue& q) { return Result<std::optional<std::string>>(q.metadata); });
}

Async<void> MemoryStore::set_queue_metadata(QueueRef queue, std::string_view metadata) {
  co_return with_queue(
      queue,
      [&] { return Result<void>(make_error(Errc::queue_not_found, queue.name, queue.project)); },
      [&](Queue& q) {
        q.metadata = std::string(metadata);
        return Result<void>();
      });
}

Async<void> MemoryStore::delete_queue(QueueRef queue) {
  std::unique_ptr<Queue> doomed;  // destroyed after the lock is released
  with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    doomed = shard.take(key.view());
    if (!doomed) return;
    catalog_.remove(queue.project, queue.name);
    if (doomed->size() > options_.deferred_free_threshold) {
      shard.graveyard.push_back(std::move(doomed));
    }
  });
  doomed.reset();
  co_return Result<void>();
}

Result<QueuePage> MemoryStore::list_queues_now(std::string_view project,
                                               const QueueListOptions& options) {
  QueuePage page;
  std::vector<std::string> names =
      catalog_.list(project, options.marker, static_cast<std::size_t>(std::max(options.limit, 0)),
                    options.name_contains);
  page.queues.reserve(names.size());
  for (std::string& name : names) {
    QueueEntry entry;
    if (options.with_metadata) {
      QueueRef ref{project, name};
      bool exists = with_queue(
          ref, [] { return false; },
          [&](Queue& q) {
            entry.metadata = q.metadata;
            return true;
          });
      if (!exists) continue;  // deleted since the catalog was read
    }
    entry.name = std::move(name);
    page.queues.push_back(std::move(entry));
  }
  return page;
}

Async<QueuePage> MemoryStore::list_queues(std::string_view project,
                                          const QueueListOptions& options) {
  co_return list_queues_now(project, options);
}

Async<std::int64_t> MemoryStore::count_queues(std::string_view project) {
  co_return Result<std::int64_t>(catalog_.count(project));
}

Async<QueueStats> MemoryStore::queue_stats(QueueRef queue, TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<QueueStats>(QueueStats{}); },
      [&](Queue& q) { return Result<QueueStats>(q.stats(now)); });
}

// ---- messages ----

Result<std::vector<ShortId>> MemoryStore::post_now(QueueRef queue, std::string_view client,
                                                   std::span<const NewMessage> messages,
                                                   TimeMs now) {
  return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    Queue& q = ensure_queue(shard, key, queue, kEmptyMetadata);
    std::vector<ShortId> ids = q.post(client, messages, now);
    shard.schedule(key.view(), q);
    return Result<std::vector<ShortId>>(std::move(ids));
  });
}

Async<std::vector<ShortId>> MemoryStore::post_messages(QueueRef queue, std::string_view client,
                                                       std::span<const NewMessage> messages,
                                                       TimeMs now) {
  co_return post_now(queue, client, messages, now);
}

Async<MessagePage> MemoryStore::list_messages(QueueRef queue, const MessageListOptions& options,
                                              TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<MessagePage>(MessagePage{}); },
      [&](Queue& q) { return Result<MessagePage>(q.list(options, now)); });
}

Async<std::vector<Message>> MemoryStore::get_messages(QueueRef queue,
                                                      std::span<const std::string_view> ids,
                                                      TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<std::vector<Message>>(std::vector<Message>{}); },
      [&](Queue& q) { return Result<std::vector<Message>>(q.get(ids, now)); });
}

Async<void> MemoryStore::delete_message(QueueRef queue, std::string_view id,
                                        std::optional<std::string_view> claim_id, TimeMs now) {
  // A malformed claim id is refused before anything is looked up (as Zaqar's Mongo driver).
  if (claim_id && !parse_id(*claim_id)) co_return make_error(Errc::claim_invalid);
  co_return with_queue(
      queue, [] { return Result<void>(); },
      [&](Queue& q) { return q.delete_one(id, claim_id, now); });
}

Async<void> MemoryStore::delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                                         TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<void>(); },
      [&](Queue& q) {
        q.delete_many(ids, now);
        return Result<void>();
      });
}

Async<std::vector<Message>> MemoryStore::pop_messages(QueueRef queue, int limit, TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<std::vector<Message>>(std::vector<Message>{}); },
      [&](Queue& q) { return Result<std::vector<Message>>(q.pop(limit, now)); });
}

Async<void> MemoryStore::purge_messages(QueueRef queue, TimeMs now) {
  co_return with_queue(
      queue, [] { return Result<void>(); },
      [&](Queue& q) {
        q.purge(now);
        return Result<void>();
      });
}

// ---- claims ----

Result<ClaimResult> MemoryStore::claim_now(QueueRef queue, const ClaimParams& params, TimeMs now) {
  const DeadLetterPolicy& policy = params.dead_letter;
  // A name with NUL cannot be a queue's (nor form an unambiguous key): no dead-lettering then.
  if (!policy.active() || policy.queue.find('\0') != std::string::npos) {
    std::vector<DeadLetter> none;
    ClaimParams plain = params;
    plain.dead_letter = DeadLetterPolicy{};
    return with_queue(
        queue, [] { return Result<ClaimResult>(ClaimResult{}); },
        [&](Queue& q) { return Result<ClaimResult>(q.claim(plain, now, none)); });
  }
  // The claim and the moves into the dead-letter queue happen under both shards' locks, taken
  // together (std::lock avoids deadlock), so no reader sees a moved message in neither queue.
  const QueueRef dead_ref{queue.project, policy.queue};
  QueueKey key(queue);
  QueueKey dead_key(dead_ref);
  Shard& shard = shard_of(key);
  Shard& dead_shard = shard_of(dead_key);
  std::unique_lock lock(shard.mutex, std::defer_lock);
  std::unique_lock dead_lock(dead_shard.mutex, std::defer_lock);
  if (&shard == &dead_shard) {
    lock.lock();
  } else {
    std::lock(lock, dead_lock);
  }
  Queue* q = shard.find(key.view());
  if (q == nullptr) return ClaimResult{};
  std::vector<DeadLetter> moved;
  ClaimResult result = q->claim(params, now, moved);
  if (!moved.empty()) {
    Queue& dead = ensure_queue(dead_shard, dead_key, dead_ref, kEmptyMetadata);
    for (DeadLetter& letter : moved) dead.append(std::move(letter));
    dead_shard.schedule(dead_key.view(), dead);
  }
  return result;
}

Async<ClaimResult> MemoryStore::create_claim(QueueRef queue, const ClaimParams& params,
                                             TimeMs now) {
  co_return claim_now(queue, params, now);
}

Async<ClaimInfo> MemoryStore::get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) {
  co_return with_queue(
      queue,
      [&] {
        return Result<ClaimInfo>(
            make_error(Errc::claim_not_found, claim_id, queue.name, queue.project));
      },
      [&](Queue& q) { return q.get_claim(queue, claim_id, now); });
}

Async<void> MemoryStore::update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                                      std::int64_t grace_s, TimeMs now) {
  co_return with_queue(
      queue,
      [&] {
        return Result<void>(make_error(Errc::claim_not_found, claim_id, queue.name, queue.project));
      },
      [&](Queue& q) { return q.update_claim(queue, claim_id, ttl_s, grace_s, now); });
}

Async<void> MemoryStore::release_claim(QueueRef queue, std::string_view claim_id, TimeMs) {
  co_return with_queue(
      queue, [] { return Result<void>(); },
      [&](Queue& q) {
        q.release_claim(claim_id);
        return Result<void>();
      });
}

// ---- subscriptions ----

Async<SubscriptionCreated> MemoryStore::create_subscription(QueueRef queue,
                                                            const NewSubscription& subscription,
                                                            TimeMs now) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    ensure_queue(shard, key, queue, kEmptyMetadata);
    return shard.subscriptions.create(key.view(), subscription, now);
  });
}

Async<SubscriptionPage> MemoryStore::list_subscriptions(QueueRef queue, std::string_view marker,
                                                        int limit, TimeMs now) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    return Result<SubscriptionPage>(
        shard.subscriptions.list(key.view(), queue, marker, limit, now));
  });
}

Async<Subscription> MemoryStore::get_subscription(QueueRef queue, std::string_view id, TimeMs now) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    return shard.subscriptions.get(key.view(), queue, id, now);
  });
}

Async<void> MemoryStore::update_subscription(QueueRef queue, std::string_view id,
                                             const SubscriptionUpdate& update, TimeMs now) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    return shard.subscriptions.update(key.view(), id, update, now);
  });
}

Async<void> MemoryStore::confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                              TimeMs now) {
  co_return with_shard(queue, [&](Shard& shard, const QueueKey& key) {
    return shard.subscriptions.confirm(key.view(), id, confirmed, now);
  });
}

Async<void> MemoryStore::delete_subscription(QueueRef queue, std::string_view id) {
  with_shard(queue,
             [&](Shard& shard, const QueueKey& key) { shard.subscriptions.erase(key.view(), id); });
  co_return Result<void>();
}

Async<void> MemoryStore::purge_subscriptions(QueueRef queue) {
  with_shard(queue,
             [&](Shard& shard, const QueueKey& key) { shard.subscriptions.purge(key.view()); });
  co_return Result<void>();
}

// ---- health and maintenance ----

Async<void> MemoryStore::ping() {
  co_return Result<void>();
}

ReapStats MemoryStore::reap_now(TimeMs now, std::size_t budget) {
  ReapStats stats;
  std::size_t used = 0;
  const std::size_t count = shards_.size();
  // Start at a different shard each call so a small budget still reaches every shard.
  const std::size_t start = next_reap_shard_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    Shard& shard = *shards_[(start + i) & (count - 1)];
    std::lock_guard lock(shard.mutex);
    if (used >= budget) {
      if (shard.has_work(now)) {
        stats.more = true;
        break;
      }
      continue;
    }
    ShardReap done = shard.reap(now, budget - used);
    used += done.work;
    stats.messages += static_cast<std::int64_t>(done.messages);
    stats.claims += static_cast<std::int64_t>(done.claims);
    stats.subscriptions += static_cast<std::int64_t>(done.subscriptions);
    stats.more = stats.more || done.more;
  }
  return stats;
}

Async<ReapStats> MemoryStore::reap(TimeMs now, std::size_t budget) {
  co_return reap_now(now, budget);
}

}  // namespace memory

std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options) {
  return std::make_unique<memory::MemoryStore>(options);
}

}  // namespace warren::store
