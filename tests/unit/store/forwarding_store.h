// ForwardingStore: a Store that hands every operation to another one. Tests derive from it to
// change one operation of a real engine (make it fail, count it) and keep the rest real.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace warren::store::testing {

class ForwardingStore : public store::Store {
 public:
  explicit ForwardingStore(store::Store& inner) : inner_(inner) {}

  store::Async<store::ReapStats> reap(store::TimeMs now, std::size_t budget) override {
    return inner_.reap(now, budget);
  }
  std::string_view engine_name() const noexcept override { return inner_.engine_name(); }
  store::Async<bool> create_queue(store::QueueRef q, std::string_view m, store::TimeMs n) override {
    return inner_.create_queue(q, m, n);
  }
  store::Async<std::optional<std::string>> get_queue_metadata(store::QueueRef q) override {
    return inner_.get_queue_metadata(q);
  }
  store::Async<void> set_queue_metadata(store::QueueRef q, std::string_view m) override {
    return inner_.set_queue_metadata(q, m);
  }
  store::Async<void> delete_queue(store::QueueRef q) override { return inner_.delete_queue(q); }
  store::Async<store::QueuePage> list_queues(std::string_view p,
                                             const store::QueueListOptions& o) override {
    return inner_.list_queues(p, o);
  }
  store::Async<std::int64_t> count_queues(std::string_view p) override {
    return inner_.count_queues(p);
  }
  store::Async<std::vector<std::string>> list_projects(std::string_view m, int l) override {
    return inner_.list_projects(m, l);
  }
  store::Async<store::QueueStats> queue_stats(store::QueueRef q, store::TimeMs n) override {
    return inner_.queue_stats(q, n);
  }
  store::Async<std::vector<store::ShortId>> post_messages(
      store::QueueRef q, std::string_view c, std::span<const store::NewMessage> m,
      store::TimeMs n) override {
    return inner_.post_messages(q, c, m, n);
  }
  store::Async<store::MessagePage> list_messages(store::QueueRef q,
                                                 const store::MessageListOptions& o,
                                                 store::TimeMs n) override {
    return inner_.list_messages(q, o, n);
  }
  store::Async<void> change_visibility(store::QueueRef q, store::Receipt r, store::TimeMs v,
                                       store::TimeMs n) override {
    return inner_.change_visibility(q, r, v, n);
  }
  store::Async<bool> delete_received(store::QueueRef q, store::Receipt r,
                                     store::TimeMs n) override {
    return inner_.delete_received(q, r, n);
  }
  store::Async<std::vector<store::Message>> get_messages(store::QueueRef q,
                                                         std::span<const std::string_view> i,
                                                         store::TimeMs n) override {
    return inner_.get_messages(q, i, n);
  }
  store::Async<void> delete_message(store::QueueRef q, std::string_view i,
                                    std::optional<std::string_view> c, store::TimeMs n) override {
    return inner_.delete_message(q, i, c, n);
  }
  store::Async<void> delete_messages(store::QueueRef q, std::span<const std::string_view> i,
                                     std::span<const std::string_view> c,
                                     store::TimeMs n) override {
    return inner_.delete_messages(q, i, c, n);
  }
  store::Async<std::vector<store::Message>> pop_messages(store::QueueRef q, int l,
                                                         store::TimeMs n) override {
    return inner_.pop_messages(q, l, n);
  }
  store::Async<void> purge_messages(store::QueueRef q, store::TimeMs n) override {
    return inner_.purge_messages(q, n);
  }
  store::Async<store::ClaimResult> create_claim(store::QueueRef q, const store::ClaimParams& p,
                                                store::TimeMs n) override {
    return inner_.create_claim(q, p, n);
  }
  store::Async<store::ClaimInfo> get_claim(store::QueueRef q, std::string_view c,
                                           store::TimeMs n) override {
    return inner_.get_claim(q, c, n);
  }
  store::Async<void> update_claim(store::QueueRef q, std::string_view c, std::int64_t t,
                                  std::int64_t g, store::TimeMs n) override {
    return inner_.update_claim(q, c, t, g, n);
  }
  store::Async<void> release_claim(store::QueueRef q, std::string_view c,
                                   store::TimeMs n) override {
    return inner_.release_claim(q, c, n);
  }
  store::Async<store::SubscriptionCreated> create_subscription(store::QueueRef q,
                                                               const store::NewSubscription& s,
                                                               store::TimeMs n) override {
    return inner_.create_subscription(q, s, n);
  }
  store::Async<store::SubscriptionPage> list_subscriptions(store::QueueRef q, std::string_view m,
                                                           int l, store::TimeMs n) override {
    return inner_.list_subscriptions(q, m, l, n);
  }
  store::Async<store::Subscription> get_subscription(store::QueueRef q, std::string_view i,
                                                     store::TimeMs n) override {
    return inner_.get_subscription(q, i, n);
  }
  store::Async<void> update_subscription(store::QueueRef q, std::string_view i,
                                         const store::SubscriptionUpdate& u,
                                         store::TimeMs n) override {
    return inner_.update_subscription(q, i, u, n);
  }
  store::Async<void> confirm_subscription(store::QueueRef q, std::string_view i, bool c,
                                          store::TimeMs n) override {
    return inner_.confirm_subscription(q, i, c, n);
  }
  store::Async<void> delete_subscription(store::QueueRef q, std::string_view i) override {
    return inner_.delete_subscription(q, i);
  }
  store::Async<void> purge_subscriptions(store::QueueRef q) override {
    return inner_.purge_subscriptions(q);
  }
  store::Async<void> ping() override { return inner_.ping(); }

 protected:
  store::Store& inner_;
};

}  // namespace warren::store::testing
