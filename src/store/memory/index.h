// Index: every operation of the storage contract (store.h) over sharded in-memory queues, as
// synchronous calls. The memory engine is this index behind coroutines (memory_store.cpp); the
// rocksdb engine keeps the same index, rebuilt at start-up, and passes a Journal (journal.h)
// that persists what each locked section changed before the locks are released.
//
// Locking: each operation takes its queue's shard lock (two shard locks, taken together, for a
// claim that moves messages to a dead-letter queue), then the catalog's if it must; a section's
// journal calls all happen under those locks. Operations on queues of different shards run in
// parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/errors.h"
#include "store/memory/catalog.h"
#include "store/memory/journal.h"
#include "store/memory/memory_store.h"
#include "store/memory/queue.h"
#include "store/memory/shard.h"
#include "store/memory/subscription_table.h"
#include "store/types.h"

namespace warren::store::memory {

class Index {
 public:
  explicit Index(MemoryStoreOptions options);
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // The operations: store.h has the contract of each. `journal` may be nullptr.
  Result<bool> create_queue(QueueRef queue, std::string_view metadata, Journal* journal);
  Result<std::optional<std::string>> get_queue_metadata(QueueRef queue, Journal* journal);
  Result<void> set_queue_metadata(QueueRef queue, std::string_view metadata, Journal* journal);
  Result<void> delete_queue(QueueRef queue, Journal* journal);
  Result<QueuePage> list_queues(std::string_view project, const QueueListOptions& options,
                                Journal* journal);
  Result<std::int64_t> count_queues(std::string_view project, Journal* journal);
  Result<std::vector<std::string>> list_projects(std::string_view marker, int limit,
                                                 Journal* journal);
  Result<QueueStats> queue_stats(QueueRef queue, TimeMs now, Journal* journal);

  Result<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                             std::span<const NewMessage> messages, TimeMs now,
                                             Journal* journal);
  Result<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options, TimeMs now,
                                    Journal* journal);
  Result<std::vector<Message>> get_messages(QueueRef queue, std::span<const std::string_view> ids,
                                            TimeMs now, Journal* journal);
  Result<void> delete_message(QueueRef queue, std::string_view id,
                              std::optional<std::string_view> claim_id, TimeMs now,
                              Journal* journal);
  Result<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                               std::span<const std::string_view> claim_ids, TimeMs now,
                               Journal* journal);
  Result<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now,
                                            Journal* journal);
  Result<void> purge_messages(QueueRef queue, TimeMs now, Journal* journal);

  Result<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now,
                                   Journal* journal);
  Result<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now,
                              Journal* journal);
  Result<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                            std::int64_t grace_s, TimeMs now, Journal* journal);
  Result<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now,
                             Journal* journal);

  Result<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at, TimeMs now,
                                 Journal* journal);
  Result<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now, Journal* journal);

  Result<SubscriptionCreated> create_subscription(QueueRef queue,
                                                  const NewSubscription& subscription, TimeMs now,
                                                  Journal* journal);
  Result<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker, int limit,
                                              TimeMs now, Journal* journal);
  // Whether the queue has stored subscriptions (store.h: may_have_subscriptions); not journaled.
  bool may_have_subscriptions(QueueRef queue);
  Result<Subscription> get_subscription(QueueRef queue, std::string_view id, TimeMs now,
                                        Journal* journal);
  Result<void> update_subscription(QueueRef queue, std::string_view id,
                                   const SubscriptionUpdate& update, TimeMs now, Journal* journal);
  Result<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed, TimeMs now,
                                    Journal* journal);
  Result<void> delete_subscription(QueueRef queue, std::string_view id, Journal* journal);
  Result<void> purge_subscriptions(QueueRef queue, Journal* journal);

  // Bounded reclamation; each shard visited is one journal section.
  ReapStats reap(TimeMs now, std::size_t budget, Journal* journal);

  // ---- durable engines: start-up, before any operation runs ----
  // Queues created from now on, and every subscription table, list their changes.
  void track_changes();
  // The counters a durable engine persists: the incarnation the next queue gets, and the
  // subscription id prefix and last number.
  std::uint32_t next_incarnation() const noexcept { return next_incarnation_.load(); }
  std::uint32_t subscription_nonce() const noexcept { return subscription_ids_.nonce; }
  std::uint64_t last_subscription() const noexcept { return subscription_ids_.last_seq.load(); }
  void restore_counters(std::uint32_t next_incarnation, std::uint32_t subscription_nonce,
                        std::uint64_t last_subscription);
  // Puts back a stored queue under its index key ("<name>\0<project>"); nullptr if the key is
  // malformed or already taken. The engine then restores its claims and messages.
  Queue* restore_queue(std::string_view key, std::uint32_t incarnation, std::string metadata);
  // Makes a restored queue's reaping due when its first message expires.
  void schedule_restored(std::string_view key, Queue& queue);
  void restore_subscription(std::string_view key, std::uint64_t seq,
                            SubscriptionTable::Entry entry);

 private:
  Shard& shard_of(std::string_view key) noexcept {
    // Fibonacci hashing spreads the string hash's bits over the shard index.
    const std::size_t hash = std::hash<std::string_view>{}(key);
    return *shards_[((hash * 0x9E3779B97F4A7C15ull) >> 32) & shard_mask_];
  }
  // The queue under `key`, created with `metadata` if missing. Caller holds the shard's lock.
  Queue& ensure_queue(Shard& shard, const QueueKey& key, QueueRef queue, std::string_view metadata,
                      Journal* journal);
  // Runs `op(queue)` under the shard lock if the queue exists, else `missing()`; either way the
  // section is sealed. `use` is how op uses the queue's messages (journal).
  template <class Missing, class Op>
  auto with_queue(QueueRef queue, Journal* journal, Journal::Use use, Missing&& missing, Op&& op)
      -> std::invoke_result_t<Op&, Queue&>;
  // Runs `op(shard, key)` under the lock of the queue's shard, and seals the section.
  template <class Op>
  auto with_shard(QueueRef queue, Journal* journal, Op&& op);

  MemoryStoreOptions options_;
  SubscriptionIds subscription_ids_;
  // What stored messages take (MessageLog::footprint_of), summed over the shards.
  std::int64_t footprint() const noexcept;
  // Whether `messages` may be posted to `shard` (locked) under --max-stored-bytes: from the
  // shard's allowance, or after summing every shard. Only with a bound set.
  bool admit_footprint(Shard& shard, std::span<const NewMessage> messages);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::size_t shard_mask_ = 0;  // shard count - 1 (a power of two)
  Catalog catalog_;
  std::atomic<std::uint32_t> next_incarnation_;
  std::atomic<std::size_t> next_reap_shard_{0};
  bool tracking_ = false;
};

}  // namespace warren::store::memory
