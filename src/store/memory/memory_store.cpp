// MemoryStore: the storage contract (store.h) as the in-memory index (index.h) with no journal.
// Every operation completes without suspending.
#include "store/memory/memory_store.h"

#include "store/memory/index.h"

namespace warren::store {
namespace memory {

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options) : index_(options) {}

  std::string_view engine_name() const noexcept override { return "memory"; }

  Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs) override {
    co_return index_.create_queue(queue, metadata, nullptr);
  }
  Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) override {
    co_return index_.get_queue_metadata(queue, nullptr);
  }
  Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) override {
    co_return index_.set_queue_metadata(queue, metadata, nullptr);
  }
  Async<void> delete_queue(QueueRef queue) override {
    co_return index_.delete_queue(queue, nullptr);
  }
  Async<QueuePage> list_queues(std::string_view project, const QueueListOptions& options) override {
    co_return index_.list_queues(project, options, nullptr);
  }
  Async<std::vector<std::string>> list_projects(std::string_view marker, int limit) override {
    co_return index_.list_projects(marker, limit, nullptr);
  }
  Async<std::int64_t> count_queues(std::string_view project) override {
    co_return index_.count_queues(project, nullptr);
  }
  Async<QueueStats> queue_stats(QueueRef queue, TimeMs now) override {
    co_return index_.queue_stats(queue, now, nullptr);
  }

  Async<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                            std::span<const NewMessage> messages,
                                            TimeMs now) override {
    co_return index_.post_messages(queue, client, messages, now, nullptr);
  }
  Async<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options,
                                   TimeMs now) override {
    co_return index_.list_messages(queue, options, now, nullptr);
  }
  Async<std::vector<Message>> get_messages(QueueRef queue, std::span<const std::string_view> ids,
                                           TimeMs now) override {
    co_return index_.get_messages(queue, ids, now, nullptr);
  }
  Async<void> delete_message(QueueRef queue, std::string_view id,
                             std::optional<std::string_view> claim_id, TimeMs now) override {
    co_return index_.delete_message(queue, id, claim_id, now, nullptr);
  }
  Async<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                              std::span<const std::string_view> claim_ids, TimeMs now) override {
    co_return index_.delete_messages(queue, ids, claim_ids, now, nullptr);
  }
  Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) override {
    co_return index_.pop_messages(queue, limit, now, nullptr);
  }
  Async<void> purge_messages(QueueRef queue, TimeMs now) override {
    co_return index_.purge_messages(queue, now, nullptr);
  }

  Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now) override {
    co_return index_.create_claim(queue, params, now, nullptr);
  }
  Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    co_return index_.get_claim(queue, claim_id, now, nullptr);
  }
  Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                           std::int64_t grace_s, TimeMs now) override {
    co_return index_.update_claim(queue, claim_id, ttl_s, grace_s, now, nullptr);
  }
  Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    co_return index_.release_claim(queue, claim_id, now, nullptr);
  }

  Async<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                TimeMs now) override {
    co_return index_.change_visibility(queue, receipt, visible_at, now, nullptr);
  }
  Async<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now) override {
    co_return index_.delete_received(queue, receipt, now, nullptr);
  }

  Async<SubscriptionCreated> create_subscription(QueueRef queue,
                                                 const NewSubscription& subscription,
                                                 TimeMs now) override {
    co_return index_.create_subscription(queue, subscription, now, nullptr);
  }
  Async<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker, int limit,
                                             TimeMs now) override {
    co_return index_.list_subscriptions(queue, marker, limit, now, nullptr);
  }
  bool may_have_subscriptions(QueueRef queue) override {
    return index_.may_have_subscriptions(queue);
  }
  Async<Subscription> get_subscription(QueueRef queue, std::string_view id, TimeMs now) override {
    co_return index_.get_subscription(queue, id, now, nullptr);
  }
  Async<void> update_subscription(QueueRef queue, std::string_view id,
                                  const SubscriptionUpdate& update, TimeMs now) override {
    co_return index_.update_subscription(queue, id, update, now, nullptr);
  }
  Async<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                   TimeMs now) override {
    co_return index_.confirm_subscription(queue, id, confirmed, now, nullptr);
  }
  Async<void> delete_subscription(QueueRef queue, std::string_view id) override {
    co_return index_.delete_subscription(queue, id, nullptr);
  }
  Async<void> purge_subscriptions(QueueRef queue) override {
    co_return index_.purge_subscriptions(queue, nullptr);
  }

  Async<void> ping() override { co_return Result<void>(); }
  Async<ReapStats> reap(TimeMs now, std::size_t budget) override {
    co_return Result<ReapStats>(index_.reap(now, budget, nullptr));
  }

 private:
  Index index_;
};

}  // namespace memory

std::unique_ptr<Store> make_memory_store(MemoryStoreOptions options) {
  return std::make_unique<memory::MemoryStore>(options);
}

}  // namespace warren::store
