// RocksStore: the storage contract over the memory index with a journal into RocksDB. Every
// operation runs its index call with an OperationJournal, then waits (suspended, off the loop)
// until the log position its answer depends on is acknowledged by the committer.
#include "store/rocksdb/rocksdb_store.h"

#include <chrono>

#include <boost/asio/this_coro.hpp>

#include "store/memory/index.h"
#include "store/rocksdb/committer.h"
#include "store/rocksdb/database.h"
#include "store/rocksdb/loader.h"
#include "store/rocksdb/op_journal.h"

namespace warren::store {
namespace rocks {
namespace {

TimeMs system_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FsyncMode mode_of(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::batch:
      return FsyncMode::batch;
    case FsyncPolicy::never:
      return FsyncMode::never;
    case FsyncPolicy::always:
    default:
      return FsyncMode::always;
  }
}

enum class Kind { read, write };

}  // namespace

class Engine final : public RocksStore {
 public:
  Engine(RocksStoreOptions options, std::unique_ptr<Database> database, MemoryStoreOptions index)
      : options_(std::move(options)), database_(std::move(database)), index_(index) {}

  // Rebuilds the index and starts the committer.
  Result<void> start() {
    const TimeMs now = options_.clock ? options_.clock() : system_now();
    auto loaded = load_index(*database_, index_, options_, now);
    if (!loaded) return loaded.error();
    load_stats_ = loaded->stats;
    Committer::Options commit;
    commit.mode = mode_of(options_.fsync);
    commit.batch_interval = options_.fsync_interval;
    commit.subscription_nonce = loaded->subscription_nonce;
    commit.next_incarnation = loaded->next_incarnation;
    commit.last_subscription = loaded->last_subscription;
    committer_ = std::make_unique<Committer>(database_->db(), database_->handles(), commit);
    context_ = std::make_unique<JournalContext>(*committer_, index_);
    return {};
  }

  std::string_view engine_name() const noexcept override { return "rocksdb"; }

  LoadStats load_stats() const override { return load_stats_; }
  DurabilityStats durability_stats() const override {
    const CommitStats s = committer_->stats();
    return {s.sections, s.groups, s.syncs, s.bytes};
  }

  // ---- queues ----

  Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs) override {
    return run<bool>(Kind::write, [=, this](memory::Journal* j) {
      return index_.create_queue(queue, metadata, j);
    });
  }
  Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) override {
    return run<std::optional<std::string>>(
        Kind::read, [=, this](memory::Journal* j) { return index_.get_queue_metadata(queue, j); });
  }
  Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.set_queue_metadata(queue, metadata, j);
    });
  }
  Async<void> delete_queue(QueueRef queue) override {
    return run<void>(Kind::write,
                     [=, this](memory::Journal* j) { return index_.delete_queue(queue, j); });
  }
  Async<QueuePage> list_queues(std::string_view project, const QueueListOptions& options) override {
    return run<QueuePage>(Kind::read, [=, this, &options](memory::Journal* j) {
      return index_.list_queues(project, options, j);
    });
  }
  Async<std::vector<std::string>> list_projects(std::string_view marker, int limit) override {
    return run<std::vector<std::string>>(Kind::read, [=, this](memory::Journal* j) {
      return index_.list_projects(marker, limit, j);
    });
  }
  Async<std::int64_t> count_queues(std::string_view project) override {
    return run<std::int64_t>(
        Kind::read, [=, this](memory::Journal* j) { return index_.count_queues(project, j); });
  }
  Async<QueueStats> queue_stats(QueueRef queue, TimeMs now) override {
    return run<QueueStats>(
        Kind::read, [=, this](memory::Journal* j) { return index_.queue_stats(queue, now, j); });
  }

  // ---- messages ----

  Async<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                            std::span<const NewMessage> messages,
                                            TimeMs now) override {
    return run<std::vector<ShortId>>(Kind::write, [=, this](memory::Journal* j) {
      return index_.post_messages(queue, client, messages, now, j);
    });
  }
  Async<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options,
                                   TimeMs now) override {
    return run<MessagePage>(Kind::read, [=, this, &options](memory::Journal* j) {
      return index_.list_messages(queue, options, now, j);
    });
  }
  Async<std::vector<Message>> get_messages(QueueRef queue, std::span<const std::string_view> ids,
                                           TimeMs now) override {
    return run<std::vector<Message>>(Kind::read, [=, this](memory::Journal* j) {
      return index_.get_messages(queue, ids, now, j);
    });
  }
  Async<void> delete_message(QueueRef queue, std::string_view id,
                             std::optional<std::string_view> claim_id, TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.delete_message(queue, id, claim_id, now, j);
    });
  }
  Async<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                              std::span<const std::string_view> claim_ids, TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.delete_messages(queue, ids, claim_ids, now, j);
    });
  }
  Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) override {
    return run<std::vector<Message>>(Kind::write, [=, this](memory::Journal* j) {
      return index_.pop_messages(queue, limit, now, j);
    });
  }
  Async<void> purge_messages(QueueRef queue, TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.purge_messages(queue, now, j);
    });
  }

  // ---- claims ----

  Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now) override {
    return run<ClaimResult>(Kind::write, [=, this, &params](memory::Journal* j) {
      return index_.create_claim(queue, params, now, j);
    });
  }
  Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    return run<ClaimInfo>(Kind::read, [=, this](memory::Journal* j) {
      return index_.get_claim(queue, claim_id, now, j);
    });
  }
  Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                           std::int64_t grace_s, TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.update_claim(queue, claim_id, ttl_s, grace_s, now, j);
    });
  }
  Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.release_claim(queue, claim_id, now, j);
    });
  }

  // ---- per-message visibility ----

  Async<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.change_visibility(queue, receipt, visible_at, now, j);
    });
  }
  Async<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now) override {
    return run<bool>(Kind::write, [=, this](memory::Journal* j) {
      return index_.delete_received(queue, receipt, now, j);
    });
  }

  // ---- subscriptions ----

  Async<SubscriptionCreated> create_subscription(QueueRef queue,
                                                 const NewSubscription& subscription,
                                                 TimeMs now) override {
    return run<SubscriptionCreated>(Kind::write, [=, this, &subscription](memory::Journal* j) {
      return index_.create_subscription(queue, subscription, now, j);
    });
  }
  Async<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker, int limit,
                                             TimeMs now) override {
    return run<SubscriptionPage>(Kind::read, [=, this](memory::Journal* j) {
      return index_.list_subscriptions(queue, marker, limit, now, j);
    });
  }
  // The index holds every subscription in memory (written ones before they are durable, which
  // only makes the answer "maybe").
  bool may_have_subscriptions(QueueRef queue) override {
    return index_.may_have_subscriptions(queue);
  }
  Async<Subscription> get_subscription(QueueRef queue, std::string_view id, TimeMs now) override {
    return run<Subscription>(Kind::read, [=, this](memory::Journal* j) {
      return index_.get_subscription(queue, id, now, j);
    });
  }
  Async<void> update_subscription(QueueRef queue, std::string_view id,
                                  const SubscriptionUpdate& update, TimeMs now) override {
    return run<void>(Kind::write, [=, this, &update](memory::Journal* j) {
      return index_.update_subscription(queue, id, update, now, j);
    });
  }
  Async<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                   TimeMs now) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.confirm_subscription(queue, id, confirmed, now, j);
    });
  }
  Async<void> delete_subscription(QueueRef queue, std::string_view id) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.delete_subscription(queue, id, j);
    });
  }
  Async<void> purge_subscriptions(QueueRef queue) override {
    return run<void>(Kind::write, [=, this](memory::Journal* j) {
      return index_.purge_subscriptions(queue, j);
    });
  }

  // ---- health and maintenance ----

  Async<void> ping() override {
    std::optional<Error> failure = committer_->failure();
    if (failure) co_return *failure;
    co_return Result<void>();
  }

  Async<ReapStats> reap(TimeMs now, std::size_t budget) override {
    // Nothing a reap removes is visible (it had expired), so it never waits for the log; once
    // the engine is read-only it stops, as its writes would be dropped.
    if (committer_->failed()) co_return ReapStats{};
    OperationJournal journal(*context_);
    ReapStats stats = index_.reap(now, budget, &journal);
    if (journal.submitted()) {
      const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
      committer_->flush_soon(executor);
    }
    co_return stats;
  }

 private:
  // Runs `op` on the index with a journal, then waits until its answer is durable. A write is
  // refused at once when the engine is read-only, before it touches the index.
  template <class T, class Op>
  Async<T> run(Kind kind, Op op) {
    if (kind == Kind::write && committer_->failed()) {
      std::optional<Error> failure = committer_->failure();
      if (failure) co_return *failure;
    }
    std::uint64_t target = 0;
    bool submitted = false;
    std::optional<Result<T>> result;
    {
      OperationJournal journal(*context_);
      result.emplace(op(&journal));
      target = journal.target();
      submitted = journal.submitted();
    }
    if (submitted) {
      const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
      committer_->flush_soon(executor);
    }
    if (target > committer_->acked()) {
      Result<void> durable = co_await committer_->wait(target);
      if (!durable) co_return durable.error();
    }
    co_return std::move(*result);
  }

  RocksStoreOptions options_;
  std::unique_ptr<Database> database_;  // destroyed last: closed after the committer stopped
  memory::Index index_;
  LoadStats load_stats_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<JournalContext> context_;
};

}  // namespace rocks

Result<std::unique_ptr<RocksStore>> make_rocksdb_store(RocksStoreOptions options) {
  auto database = rocks::Database::open(options);
  if (!database) return database.error();
  MemoryStoreOptions index;
  index.shards = options.shards;
  index.max_stored_bytes = options.max_stored_bytes;
  auto engine = std::make_unique<rocks::Engine>(std::move(options), std::move(*database), index);
  if (auto started = engine->start(); !started) return started.error();
  return std::unique_ptr<RocksStore>(std::move(engine));
}

}  // namespace warren::store
