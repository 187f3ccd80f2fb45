// UnavailableStore: the engine of a pool that cannot be opened. Every operation fails with
// storage_unavailable naming the pool, so a queue placed there is never served by another
// engine by mistake.
#pragma once

#include <string>

#include "store/store.h"

namespace warren::store::pooled {

class UnavailableStore final : public Store {
 public:
  explicit UnavailableStore(std::string pool) : pool_(std::move(pool)) {}
  std::string_view engine_name() const noexcept override { return "unavailable"; }
  Async<bool> create_queue(QueueRef, std::string_view, TimeMs) override { co_return fail(); }
  Async<std::optional<std::string>> get_queue_metadata(QueueRef) override { co_return fail(); }
  Async<void> set_queue_metadata(QueueRef, std::string_view) override { co_return fail(); }
  Async<void> delete_queue(QueueRef) override { co_return fail(); }
  Async<QueuePage> list_queues(std::string_view, const QueueListOptions&) override {
    co_return fail();
  }
  Async<std::int64_t> count_queues(std::string_view) override { co_return fail(); }
  Async<std::vector<std::string>> list_projects(std::string_view, int) override {
    co_return fail();
  }
  Async<QueueStats> queue_stats(QueueRef, TimeMs) override { co_return fail(); }
  Async<std::vector<ShortId>> post_messages(QueueRef, std::string_view, std::span<const NewMessage>,
                                            TimeMs) override {
    co_return fail();
  }
  Async<MessagePage> list_messages(QueueRef, const MessageListOptions&, TimeMs) override {
    co_return fail();
  }
  Async<std::vector<Message>> get_messages(QueueRef, std::span<const std::string_view>,
                                           TimeMs) override {
    co_return fail();
  }
  Async<void> delete_message(QueueRef, std::string_view, std::optional<std::string_view>,
                             TimeMs) override {
    co_return fail();
  }
  Async<void> delete_messages(QueueRef, std::span<const std::string_view>,
                              std::span<const std::string_view>, TimeMs) override {
    co_return fail();
  }
  Async<std::vector<Message>> pop_messages(QueueRef, int, TimeMs) override { co_return fail(); }
  Async<void> purge_messages(QueueRef, TimeMs) override { co_return fail(); }
  Async<ClaimResult> create_claim(QueueRef, const ClaimParams&, TimeMs) override {
    co_return fail();
  }
  Async<ClaimInfo> get_claim(QueueRef, std::string_view, TimeMs) override { co_return fail(); }
  Async<void> update_claim(QueueRef, std::string_view, std::int64_t, std::int64_t,
                           TimeMs) override {
    co_return fail();
  }
  Async<void> release_claim(QueueRef, std::string_view, TimeMs) override { co_return fail(); }
  Async<void> change_visibility(QueueRef, Receipt, TimeMs, TimeMs) override { co_return fail(); }
  Async<bool> delete_received(QueueRef, Receipt, TimeMs) override { co_return fail(); }
  Async<SubscriptionCreated> create_subscription(QueueRef, const NewSubscription&,
                                                 TimeMs) override {
    co_return fail();
  }
  Async<SubscriptionPage> list_subscriptions(QueueRef, std::string_view, int, TimeMs) override {
    co_return fail();
  }
  Async<Subscription> get_subscription(QueueRef, std::string_view, TimeMs) override {
    co_return fail();
  }
  Async<void> update_subscription(QueueRef, std::string_view, const SubscriptionUpdate&,
                                  TimeMs) override {
    co_return fail();
  }
  Async<void> confirm_subscription(QueueRef, std::string_view, bool, TimeMs) override {
    co_return fail();
  }
  Async<void> delete_subscription(QueueRef, std::string_view) override { co_return fail(); }
  Async<void> purge_subscriptions(QueueRef) override { co_return fail(); }
  Async<void> ping() override { co_return fail(); }
  Async<ReapStats> reap(TimeMs, std::size_t) override { co_return ReapStats{}; }

 private:
  Error fail() const {
    return make_error(Errc::storage_unavailable, "Pool " + pool_ + " cannot be opened.");
  }
  std::string pool_;
};

}  // namespace warren::store::pooled
