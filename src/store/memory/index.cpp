// Index: maps each operation to its shard and queue under the shard's lock, and tells the
// journal (if any) what each locked section read and changed. The semantics live in queue.cpp
// and subscription_table.cpp.
#include "store/memory/index.h"

#include <algorithm>
#include <bit>
#include <random>

#include <fmt/format.h>

#include "store/memory/ids.h"

namespace warren::store::memory {
namespace {

// The metadata of a queue created implicitly (by a post, a subscription or a dead letter).
constexpr std::string_view kEmptyMetadata = "{}";

std::uint32_t random_seed() {
  std::random_device device;
  return device();
}

// Ends a journal section when the scope ends: declared after the section's locks, it runs
// before they are released. A journal that cannot record a section it was told about (out of
// memory) terminates the process rather than let the index and the log disagree.
class Seal {
 public:
  explicit Seal(Journal* journal) noexcept : journal_(journal) {}
  ~Seal() {
    if (journal_ != nullptr) journal_->seal();
  }
  Seal(const Seal&) = delete;
  Seal& operator=(const Seal&) = delete;

 private:
  Journal* journal_;
};

// The catalog change of a section, applied after the journal sealed it (declared between the
// lock and the Seal): a reader that sees the change in the catalog then also sees the journal
// position that makes it durable.
class CatalogChange {
 public:
  explicit CatalogChange(Catalog& catalog) noexcept : catalog_(catalog) {}
  ~CatalogChange() {
    if (added_) catalog_.add(added_->project, added_->name);
    if (removed_) catalog_.remove(removed_->project, removed_->name);
  }
  CatalogChange(const CatalogChange&) = delete;
  CatalogChange& operator=(const CatalogChange&) = delete;

  void add(QueueRef queue) noexcept { added_ = queue; }
  void remove(QueueRef queue) noexcept { removed_ = queue; }

 private:
  Catalog& catalog_;
  std::optional<QueueRef> added_;
  std::optional<QueueRef> removed_;
};

void used(Journal* journal, std::string_view key, Queue& queue, Journal::Use use) {
  if (journal != nullptr) journal->queue_used(key, queue, use);
}

void absent(Journal* journal) {
  if (journal != nullptr) journal->catalog_read();
}

void subscriptions_used(Journal* journal, Shard& shard, Journal::Use use) {
  if (journal != nullptr) journal->subscriptions_used(shard.subscriptions, use);
}

}  // namespace

Index::Index(MemoryStoreOptions options) : options_(options) {
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

bool Index::admit_footprint(Shard& shard, std::span<const NewMessage> messages) {
  std::int64_t incoming = 0;
  for (const NewMessage& m : messages) incoming += MessageLog::footprint_of(m.body.size());
  if (incoming <= shard.allowance) {
    shard.allowance -= incoming;
    return true;
  }
  // Sum the shards, and take a share of what is left: a 2 x shards-th, so that the shares
  // handed out never add up to more than the room there was (only the last posts before the
  // bound sum every time).
  const std::int64_t room = options_.max_stored_bytes - footprint() - incoming;
  if (room < 0) return false;
  shard.allowance = room / static_cast<std::int64_t>(2 * shards_.size());
  return true;
}

std::int64_t Index::footprint() const noexcept {
  std::int64_t total = 0;
  for (const auto& shard : shards_) total += shard->footprint.load(std::memory_order_relaxed);
  return total;
}

Queue& Index::ensure_queue(Shard& shard, const QueueKey& key, QueueRef, std::string_view metadata,
                           Journal* journal) {
  if (Queue* found = shard.find(key.view())) return *found;
  auto created = std::make_unique<Queue>(next_incarnation_.fetch_add(1), std::string(metadata));
  if (tracking_) created->track_changes();
  Queue& queue = shard.insert(key.view(), std::move(created));
  if (journal != nullptr) journal->queue_saved(key.view(), queue, true);
  return queue;
}

template <class Missing, class Op>
auto Index::with_queue(QueueRef queue, Journal* journal, Journal::Use use, Missing&& missing,
                       Op&& op) -> std::invoke_result_t<Op&, Queue&> {
  QueueKey key(queue);
  Shard& shard = shard_of(key.view());
  std::lock_guard lock(shard.mutex);
  Seal seal(journal);
  Queue* found = shard.find(key.view());
  if (found == nullptr) {
    absent(journal);
    return missing();
  }
  auto result = op(*found);
  used(journal, key.view(), *found, use);
  return result;
}

template <class Op>
auto Index::with_shard(QueueRef queue, Journal* journal, Op&& op) {
  QueueKey key(queue);
  Shard& shard = shard_of(key.view());
  std::lock_guard lock(shard.mutex);
  CatalogChange catalog(catalog_);
  Seal seal(journal);
  return op(shard, key, catalog);
}

// ---- queues ----

Result<bool> Index::create_queue(QueueRef queue, std::string_view metadata, Journal* journal) {
  return with_shard(queue, journal,
                    [&](Shard& shard, const QueueKey& key, CatalogChange& catalog) -> Result<bool> {
                      if (Queue* found = shard.find(key.view())) {
                        if (journal != nullptr) journal->metadata_read(*found);
                        return false;
                      }
                      ensure_queue(shard, key, queue, metadata, journal);
                      catalog.add(queue);
                      return true;
                    });
}

Result<std::optional<std::string>> Index::get_queue_metadata(QueueRef queue, Journal* journal) {
  return with_shard(
      queue, journal,
      [&](Shard& shard, const QueueKey& key, CatalogChange&) -> Result<std::optional<std::string>> {
        Queue* found = shard.find(key.view());
        if (found == nullptr) {
          absent(journal);
          return std::optional<std::string>();
        }
        if (journal != nullptr) journal->metadata_read(*found);
        return std::optional<std::string>(found->metadata);
      });
}

Result<void> Index::set_queue_metadata(QueueRef queue, std::string_view metadata,
                                       Journal* journal) {
  return with_shard(queue, journal,
                    [&](Shard& shard, const QueueKey& key, CatalogChange&) -> Result<void> {
                      Queue* found = shard.find(key.view());
                      if (found == nullptr) {
                        absent(journal);
                        return make_error(Errc::queue_not_found, queue.name, queue.project);
                      }
                      found->metadata = std::string(metadata);
                      if (journal != nullptr) journal->queue_saved(key.view(), *found, false);
                      return {};
                    });
}

Result<void> Index::delete_queue(QueueRef queue, Journal* journal) {
  std::unique_ptr<Queue> doomed;  // destroyed after the lock is released
  with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange& catalog) {
    doomed = shard.take(key.view());
    if (!doomed) {
      absent(journal);
      return;
    }
    catalog.remove(queue);
    if (journal != nullptr) journal->queue_deleted(key.view(), *doomed);
    if (doomed->size() > options_.deferred_free_threshold) {
      shard.graveyard.push_back(std::move(doomed));
    }
  });
  doomed.reset();
  return {};
}

Result<QueuePage> Index::list_queues(std::string_view project, const QueueListOptions& options,
                                     Journal* journal) {
  QueuePage page;
  std::vector<std::string> names =
      catalog_.list(project, options.marker, static_cast<std::size_t>(std::max(options.limit, 0)),
                    options.name_contains);
  absent(journal);  // after reading the catalog (see CatalogChange)
  page.queues.reserve(names.size());
  for (std::string& name : names) {
    QueueEntry entry;
    if (options.with_metadata) {
      QueueRef ref{project, name};
      bool exists =
          with_shard(ref, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
            Queue* found = shard.find(key.view());
            if (found == nullptr) return false;  // deleted since the catalog was read
            if (journal != nullptr) journal->metadata_read(*found);
            entry.metadata = found->metadata;
            return true;
          });
      if (!exists) continue;
    }
    entry.name = std::move(name);
    page.queues.push_back(std::move(entry));
  }
  return page;
}

Result<std::int64_t> Index::count_queues(std::string_view project, Journal* journal) {
  const std::int64_t count = catalog_.count(project);
  absent(journal);
  return count;
}

Result<std::vector<std::string>> Index::list_projects(std::string_view marker, int limit,
                                                      Journal* journal) {
  std::vector<std::string> projects =
      catalog_.projects(marker, static_cast<std::size_t>(std::max(limit, 1)));
  absent(journal);
  return projects;
}

Result<QueueStats> Index::queue_stats(QueueRef queue, TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::read, [] { return Result<QueueStats>(QueueStats{}); },
      [&](Queue& q) { return Result<QueueStats>(q.stats(now)); });
}

// ---- messages ----

Result<std::vector<ShortId>> Index::post_messages(QueueRef queue, std::string_view client,
                                                  std::span<const NewMessage> messages, TimeMs now,
                                                  Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    Queue* q = shard.find(key.view());
    if (q == nullptr) {
      absent(journal);
      return Result<std::vector<ShortId>>(
          make_error(Errc::queue_not_found, queue.name, queue.project));
    }
    if (options_.max_stored_bytes > 0 && !admit_footprint(shard, messages)) {
      used(journal, key.view(), *q, Journal::Use::read);
      return Result<std::vector<ShortId>>(make_error(
          Errc::storage_full, fmt::format("The server holds as many messages as it may ({} bytes).",
                                          options_.max_stored_bytes)));
    }
    std::vector<ShortId> ids = q->post(client, messages, now);
    shard.schedule(key.view(), *q);
    used(journal, key.view(), *q, Journal::Use::write);
    return Result<std::vector<ShortId>>(std::move(ids));
  });
}

Result<MessagePage> Index::list_messages(QueueRef queue, const MessageListOptions& options,
                                         TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::read, [] { return Result<MessagePage>(MessagePage{}); },
      [&](Queue& q) { return Result<MessagePage>(q.list(options, now)); });
}

Result<std::vector<Message>> Index::get_messages(QueueRef queue,
                                                 std::span<const std::string_view> ids, TimeMs now,
                                                 Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::read,
      [] { return Result<std::vector<Message>>(std::vector<Message>{}); },
      [&](Queue& q) { return Result<std::vector<Message>>(q.get(ids, now)); });
}

Result<void> Index::delete_message(QueueRef queue, std::string_view id,
                                   std::optional<std::string_view> claim_id, TimeMs now,
                                   Journal* journal) {
  // A malformed claim id is refused before anything is looked up (as Zaqar's Mongo driver).
  if (claim_id && !parse_id(*claim_id)) return make_error(Errc::claim_invalid);
  return with_queue(
      queue, journal, Journal::Use::write, [] { return Result<void>(); },
      [&](Queue& q) { return q.delete_one(id, claim_id, now); });
}

Result<void> Index::delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                                    std::span<const std::string_view> claim_ids, TimeMs now,
                                    Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write, [] { return Result<void>(); },
      [&](Queue& q) -> Result<void> {
        if (const std::optional<ShortId> holder = q.delete_many(ids, claim_ids, now)) {
          return make_error(Errc::claim_ids_mismatch, holder->view(), queue.name, queue.project);
        }
        return {};
      });
}

Result<std::vector<Message>> Index::pop_messages(QueueRef queue, int limit, TimeMs now,
                                                 Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write,
      [] { return Result<std::vector<Message>>(std::vector<Message>{}); },
      [&](Queue& q) { return Result<std::vector<Message>>(q.pop(limit, now)); });
}

Result<void> Index::purge_messages(QueueRef queue, TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write, [] { return Result<void>(); },
      [&](Queue& q) {
        q.purge(now);
        return Result<void>();
      });
}

// ---- claims ----

Result<ClaimResult> Index::create_claim(QueueRef queue, const ClaimParams& params, TimeMs now,
                                        Journal* journal) {
  const DeadLetterPolicy& policy = params.dead_letter;
  // A name with NUL cannot be a queue's (nor form an unambiguous key): no dead-lettering then.
  if (!policy.active() || policy.queue.find('\0') != std::string::npos) {
    std::vector<DeadLetter> none;
    ClaimParams plain = params;
    plain.dead_letter = DeadLetterPolicy{};
    return with_queue(
        queue, journal, Journal::Use::write, [] { return Result<ClaimResult>(ClaimResult{}); },
        [&](Queue& q) { return Result<ClaimResult>(q.claim(plain, now, none)); });
  }
  // The claim and the moves into the dead-letter queue happen under both shards' locks, taken
  // together (std::lock avoids deadlock), so no reader sees a moved message in neither queue;
  // they are one journal section, so one atomic write.
  const QueueRef dead_ref{queue.project, policy.queue};
  QueueKey key(queue);
  QueueKey dead_key(dead_ref);
  Shard& shard = shard_of(key.view());
  Shard& dead_shard = shard_of(dead_key.view());
  std::unique_lock lock(shard.mutex, std::defer_lock);
  std::unique_lock dead_lock(dead_shard.mutex, std::defer_lock);
  if (&shard == &dead_shard) {
    lock.lock();
  } else {
    std::lock(lock, dead_lock);
  }
  CatalogChange catalog(catalog_);
  Seal seal(journal);
  Queue* q = shard.find(key.view());
  if (q == nullptr) {
    absent(journal);
    return ClaimResult{};
  }
  std::vector<DeadLetter> moved;
  ClaimResult result = q->claim(params, now, moved);
  used(journal, key.view(), *q, Journal::Use::write);
  if (!moved.empty()) {
    if (dead_shard.find(dead_key.view()) == nullptr) catalog.add(dead_ref);
    Queue& dead = ensure_queue(dead_shard, dead_key, dead_ref, kEmptyMetadata, journal);
    for (DeadLetter& letter : moved) dead.append(std::move(letter));
    dead_shard.schedule(dead_key.view(), dead);
    used(journal, dead_key.view(), dead, Journal::Use::write);
  }
  return result;
}

Result<ClaimInfo> Index::get_claim(QueueRef queue, std::string_view claim_id, TimeMs now,
                                   Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::read,
      [&] {
        return Result<ClaimInfo>(
            make_error(Errc::claim_not_found, claim_id, queue.name, queue.project));
      },
      [&](Queue& q) { return q.get_claim(queue, claim_id, now); });
}

Result<void> Index::update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                                 std::int64_t grace_s, TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write,
      [&] {
        return Result<void>(make_error(Errc::claim_not_found, claim_id, queue.name, queue.project));
      },
      [&](Queue& q) { return q.update_claim(queue, claim_id, ttl_s, grace_s, now); });
}

Result<void> Index::release_claim(QueueRef queue, std::string_view claim_id, TimeMs,
                                  Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write, [] { return Result<void>(); },
      [&](Queue& q) {
        q.release_claim(claim_id);
        return Result<void>();
      });
}

// ---- per-message visibility ----

Result<void> Index::change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                      TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write,
      [&] {
        return Result<void>(
            make_error(Errc::message_not_found, receipt.id, queue.name, queue.project));
      },
      [&](Queue& q) { return q.change_visibility(queue, receipt, visible_at, now); });
}

Result<bool> Index::delete_received(QueueRef queue, Receipt receipt, TimeMs now, Journal* journal) {
  return with_queue(
      queue, journal, Journal::Use::write, [] { return Result<bool>(false); },
      [&](Queue& q) { return Result<bool>(q.delete_received(receipt, now)); });
}

// ---- subscriptions ----

Result<SubscriptionCreated> Index::create_subscription(QueueRef queue,
                                                       const NewSubscription& subscription,
                                                       TimeMs now, Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    auto created = shard.subscriptions.create(key.view(), subscription, now);
    subscriptions_used(journal, shard, Journal::Use::write);
    return created;
  });
}

Result<SubscriptionPage> Index::list_subscriptions(QueueRef queue, std::string_view marker,
                                                   int limit, TimeMs now, Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    subscriptions_used(journal, shard, Journal::Use::read);
    return Result<SubscriptionPage>(
        shard.subscriptions.list(key.view(), queue, marker, limit, now));
  });
}

bool Index::may_have_subscriptions(QueueRef queue) {
  const QueueKey key(queue);
  Shard& shard = shard_of(key.view());
  std::lock_guard lock(shard.mutex);
  return shard.subscriptions.any(key.view());
}

Result<Subscription> Index::get_subscription(QueueRef queue, std::string_view id, TimeMs now,
                                             Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    subscriptions_used(journal, shard, Journal::Use::read);
    return shard.subscriptions.get(key.view(), queue, id, now);
  });
}

Result<void> Index::update_subscription(QueueRef queue, std::string_view id,
                                        const SubscriptionUpdate& update, TimeMs now,
                                        Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    auto updated = shard.subscriptions.update(key.view(), id, update, now);
    subscriptions_used(journal, shard, Journal::Use::write);
    return updated;
  });
}

Result<void> Index::confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                         TimeMs now, Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    auto done = shard.subscriptions.confirm(key.view(), id, confirmed, now);
    subscriptions_used(journal, shard, Journal::Use::write);
    return done;
  });
}

Result<void> Index::delete_subscription(QueueRef queue, std::string_view id, Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    shard.subscriptions.erase(key.view(), id);
    subscriptions_used(journal, shard, Journal::Use::write);
    return Result<void>();
  });
}

Result<void> Index::purge_subscriptions(QueueRef queue, Journal* journal) {
  return with_shard(queue, journal, [&](Shard& shard, const QueueKey& key, CatalogChange&) {
    shard.subscriptions.purge(key.view());
    subscriptions_used(journal, shard, Journal::Use::write);
    return Result<void>();
  });
}

// ---- maintenance ----

ReapStats Index::reap(TimeMs now, std::size_t budget, Journal* journal) {
  ReapStats stats;
  std::size_t used_budget = 0;
  const std::size_t count = shards_.size();
  // Start at a different shard each call so a small budget still reaches every shard.
  const std::size_t start = next_reap_shard_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    Shard& shard = *shards_[(start + i) & (count - 1)];
    std::lock_guard lock(shard.mutex);
    if (used_budget >= budget) {
      if (shard.has_work(now)) {
        stats.more = true;
        break;
      }
      continue;
    }
    if (!shard.has_work(now)) continue;
    Seal seal(journal);
    ShardReap done = shard.reap(now, budget - used_budget, journal);
    used_budget += done.work;
    stats.messages += static_cast<std::int64_t>(done.messages);
    stats.claims += static_cast<std::int64_t>(done.claims);
    stats.subscriptions += static_cast<std::int64_t>(done.subscriptions);
    stats.more = stats.more || done.more;
  }
  return stats;
}

// ---- durable engines: start-up ----

void Index::track_changes() {
  tracking_ = true;
  for (auto& shard : shards_) shard->subscriptions.track_changes();
}

void Index::restore_counters(std::uint32_t next_incarnation, std::uint32_t subscription_nonce,
                             std::uint64_t last_subscription) {
  next_incarnation_.store(next_incarnation);
  subscription_ids_.nonce = subscription_nonce;
  subscription_ids_.last_seq.store(last_subscription);
}

Queue* Index::restore_queue(std::string_view key, std::uint32_t incarnation, std::string metadata) {
  const std::size_t split = key.find('\0');
  if (split == std::string_view::npos || split == 0) return nullptr;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (shard.find(key) != nullptr) return nullptr;
  auto created = std::make_unique<Queue>(incarnation, std::move(metadata));
  if (tracking_) created->track_changes();
  Queue& queue = shard.insert(key, std::move(created));
  catalog_.add(key.substr(split + 1), key.substr(0, split));
  return &queue;
}

void Index::schedule_restored(std::string_view key, Queue& queue) {
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  shard.schedule(key, queue);
}

void Index::restore_subscription(std::string_view key, std::uint64_t seq,
                                 SubscriptionTable::Entry entry) {
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  shard.subscriptions.restore(key, seq, std::move(entry));
}

}  // namespace warren::store::memory
