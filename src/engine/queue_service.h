// QueueService: Zaqar v2 queue semantics over the storage contract, for every transport. It
// validates request values (limits, TTL ranges, reserved metadata), resolves defaults from the
// queue's metadata (TTL, delay, dead-letter policy), reads the clock, and calls the store with
// fully resolved parameters. Errors are typed (common/errors.def).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/limits.h"
#include "engine/queue_metadata.h"
#include "engine/quota_check.h"
#include "engine/requests.h"
#include "store/store.h"

namespace warren::engine {

template <class T>
using Async = store::Async<T>;

// A message as it was posted, for subscribers (push and webhooks).
struct PostedMessage {
  store::ShortId id;
  std::string_view body;  // compact JSON, or text (see encoding)
  std::int64_t ttl = 0;
  std::int64_t delay = 0;
  store::BodyEncoding encoding = store::BodyEncoding::json;
};

// The engine's event source: told of what makes a queue's messages available, after the store
// acknowledged it, on the loop that made the change. WebSocket pushes and webhooks
// (notify/post_fanout.h) listen to posts; a long poll would listen to both events. Must not
// block; it may not keep the views past the call. `project` is the store project
// (Scope::store_project()): for a topic, its owner's topic space (engine/topics.h turns it back
// into a scope).
class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  // Messages were posted (visible at once, or after their delay).
  virtual void messages_posted(std::string_view project, std::string_view queue,
                               std::span<const PostedMessage> messages) = 0;
  // Claimed messages of the queue become claimable again at `at` unless deleted first: now,
  // when a claim was released; later, when a claim was made or restarted (its end). Events for
  // a time still to come are announced once, when it is set.
  virtual void messages_visible(std::string_view project, std::string_view queue,
                                store::TimeMs at) {
    (void)project, (void)queue, (void)at;
  }
};

// Checks a subscriber URI beyond its scheme before a subscription is created with it or changed
// to it (set by server/: the webhook address policy, notify/subscriber_check.h). Runs on the
// caller's loop and must not block it; an Error refuses the subscriber.
class SubscriberCheck {
 public:
  virtual ~SubscriberCheck() = default;
  virtual Async<void> check(std::string_view subscriber) = 0;
  // Checks a subscription's options (JSON object text) as they are created or changed, with
  // its subscriber ("" when an update leaves the subscriber as it was). Runs on the caller's
  // loop; an Error refuses them. By default every options object passes.
  virtual Result<void> check_options(std::string_view subscriber, std::string_view options) {
    (void)subscriber, (void)options;
    return {};
  }
  // Completes a new subscription's options once every check passed, just before it is stored,
  // as Zaqar's notification tasks' `register` does (a trust+ subscriber without a trust_id gets
  // a Keystone trust of `caller`'s, expiring with the subscription). Returns the options to
  // store (JSON object text). Runs on the caller's loop and must not block it. By default the
  // options are stored as they are.
  virtual Async<std::string> prepare(const Scope& scope, const Caller& caller,
                                     std::string_view subscriber, std::string options,
                                     std::int64_t ttl_s);
};

class QueueService {
 public:
  // `store` and `clock` must outlive the service.
  QueueService(store::Store& store, const Clock& clock, Limits limits);

  const Limits& limits() const noexcept { return limits_; }
  store::TimeMs now() const noexcept { return clock_.now(); }
  store::Store& store() noexcept { return store_; }
  // Adds a listener to the event source (MessageObserver). Observers are added and removed
  // only while no request is being served (the list is read by every loop without a lock);
  // each must outlive its registration.
  void add_observer(MessageObserver* observer) { observers_.push_back(observer); }
  void remove_observer(MessageObserver* observer) { std::erase(observers_, observer); }
  // `check` (may be null: none) must outlive the service.
  void set_subscriber_check(SubscriberCheck* check) noexcept { subscriber_check_ = check; }
  // `quotas` (may be null: no quotas) must outlive the service.
  void set_quota_check(QuotaCheck* quotas) noexcept { quotas_ = quotas; }

  // ---- checks a transport makes before decoding a body ----
  Result<void> check_queue_metadata_size(std::size_t bytes) const;
  // Zaqar's message_deletion rules for DELETE ...messages?ids=&pop=&claim_ids=.
  Result<void> check_message_deletion(const std::optional<std::vector<std::string_view>>& ids,
                                      std::optional<std::int64_t> pop,
                                      const std::optional<std::vector<std::string_view>>& claim_ids) const;

  // ---- queues ----
  // Creates the queue with `metadata` (JSON object text, "" for none). True if created; an
  // existing queue is left unchanged (false).
  Async<bool> create_queue(const Scope& scope, std::string_view queue, std::string_view metadata);
  // The stored metadata; a missing queue has empty metadata (Zaqar answers 200 with defaults).
  Async<QueueMetadata> get_queue_metadata(const Scope& scope, std::string_view queue);
  // Applies a JSON-patch document; returns the new metadata. queue_not_found if missing.
  Async<QueueMetadata> patch_queue(const Scope& scope, std::string_view queue,
                                   std::string_view patch);
  Async<void> delete_queue(const Scope& scope, std::string_view queue);
  // Whether the queue exists (has been created, implicitly or not, and not deleted since).
  Async<bool> queue_exists(const Scope& scope, std::string_view queue);
  Async<QueueListResult> list_queues(const Scope& scope, const QueueListRequest& request);
  Async<store::QueueStats> queue_stats(const Scope& scope, std::string_view queue);
  Async<void> purge_queue(const Scope& scope, std::string_view queue, bool messages,
                          bool subscriptions);

  // ---- messages ----
  // Decodes a post's messages once the queue's defaults are known: the transport's part (its
  // document shape). May refuse the request with any error; called at most once, before
  // post() returns.
  using PostDecoder = std::function<Result<std::vector<MessageInput>>(const PostPlan& plan)>;
  // A whole post: checks `size` (the body's bytes; absent: no body, body_missing) against the
  // configured limit and, under rules.queue_policy, the queue's own; resolves the defaults
  // (missing queue: the configured ones; it is created only once the messages are ready to be
  // stored, so a request refused before leaves no queue behind); decodes; checks TTL and delay
  // ranges; stores; tells the post observer. Returns the new ids in order.
  Async<std::vector<store::ShortId>> post(const Scope& scope, std::string_view queue,
                                          std::optional<std::size_t> size, PostRules rules,
                                          const PostDecoder& decode);
  // Posts messages already decoded with `plan`'s defaults (the health probe's own post),
  // creating the queue if it is missing.
  Async<std::vector<store::ShortId>> post_messages(const Scope& scope, std::string_view queue,
                                                   std::vector<MessageInput> messages,
                                                   const PostPlan& plan);
  Async<MessageListResult> list_messages(const Scope& scope, std::string_view queue,
                                         const MessageListRequest& request);
  // Messages by id in any state; checks the count against the page limit.
  Async<std::vector<store::Message>> get_messages(const Scope& scope, std::string_view queue,
                                                  std::span<const std::string_view> ids);
  // message_not_found if it does not exist (or expired).
  Async<store::Message> get_message(const Scope& scope, std::string_view queue,
                                    std::string_view id);
  Async<void> delete_message(const Scope& scope, std::string_view queue, std::string_view id,
                             std::optional<std::string_view> claim_id);
  Async<void> delete_messages(const Scope& scope, std::string_view queue,
                              std::span<const std::string_view> ids,
                              std::span<const std::string_view> claim_ids);
  Async<std::vector<store::Message>> pop_messages(const Scope& scope, std::string_view queue,
                                                  std::int64_t count);

  // ---- claims ----
  Async<store::ClaimResult> create_claim(const Scope& scope, std::string_view queue,
                                         const ClaimCreateRequest& request);
  Async<store::ClaimInfo> get_claim(const Scope& scope, std::string_view queue,
                                    std::string_view claim_id);
  // A new TTL and grace for a live claim, counted from now; absent ones take the defaults.
  Async<void> update_claim(const Scope& scope, std::string_view queue, std::string_view claim_id,
                           const ClaimOptions& options);
  Async<void> delete_claim(const Scope& scope, std::string_view queue, std::string_view claim_id);

  // ---- deliveries (receipts: storage contract v2) ----
  // Ends one delivered message's hold `timeout_s` from now (0: claimable at once), whatever the
  // rest of its claim does; 0 <= timeout_s <= the claim TTL limit (visibility_timeout_range).
  // Otherwise as store::Store::change_visibility (receipt_stale, message_not_in_flight,
  // message_not_found). Announced to the event source.
  Async<void> change_visibility(const Scope& scope, std::string_view queue, store::Receipt receipt,
                                std::int64_t timeout_s);
  // Deletes the message if `receipt` is its latest delivery; false (nothing deleted) if stale
  // or missing.
  Async<bool> delete_received(const Scope& scope, std::string_view queue, store::Receipt receipt);

  // ---- subscriptions ----
  Result<void> check_subscriber(std::string_view subscriber) const;
  // Creates the queue if it is missing, first and even when `decoded` is an error (Zaqar's
  // order: a refused subscription still leaves its queue), then checks the subscriber and TTL
  // and stores the subscription (subscription_conflict: the same subscriber exists).
  Async<store::SubscriptionCreated> create_subscription(
      const Scope& scope, std::string_view queue,
      const Result<SubscriptionCreateRequest>& decoded);
  Async<store::SubscriptionPage> list_subscriptions(const Scope& scope, std::string_view queue,
                                                    std::string_view marker,
                                                    std::optional<std::int64_t> limit);
  // False only when the store is sure, at once, that the queue has no subscription (store.h).
  bool may_have_subscriptions(const Scope& scope, std::string_view queue) {
    return store_.may_have_subscriptions(store::QueueRef{scope.store_project(), queue});
  }
  Async<store::Subscription> get_subscription(const Scope& scope, std::string_view queue,
                                              std::string_view id);
  Async<void> update_subscription(const Scope& scope, std::string_view queue, std::string_view id,
                                  const store::SubscriptionUpdate& update);
  Async<void> delete_subscription(const Scope& scope, std::string_view queue,
                                  std::string_view id);
  Async<void> confirm_subscription(const Scope& scope, std::string_view queue,
                                   std::string_view id, bool confirmed);

  // ---- health ----
  Async<void> ping();

 private:
  // Creates a queue that a post or a subscription names before it exists (Zaqar creates it with
  // empty metadata): the one place, with create_queue, where the service makes queues, and so
  // where admission of new queues (quotas) belongs. An existing queue is left as it is.
  Async<void> create_implied(const Scope& scope, std::string_view queue);
  // With a quota check: asks it before a queue that does not exist yet is created.
  Async<void> admit_new_queue(const Scope& scope, std::string_view queue);
  // With a quota check: asks it before the messages are stored.
  Async<void> admit_messages(const Scope& scope, std::string_view queue,
                             std::span<const store::NewMessage> messages);
  // Stores a post whose queue was missing: creates it, then posts, a few times if a concurrent
  // delete removes it in between.
  Async<std::vector<store::ShortId>> post_creating(const Scope& scope, std::string_view queue,
                                                   std::span<const store::NewMessage> messages);
  Async<QueuePolicy> policy_of(store::QueueRef queue);
  // The defaults of a post of `size` bytes to a queue of `policy`, its size checked against
  // the configured and the queue's limit.
  Result<PostPlan> plan_post(const QueuePolicy& policy, std::optional<std::size_t> size) const;
  Result<void> check_message_post_size(std::size_t bytes) const;

  store::Store& store_;
  const Clock& clock_;
  Limits limits_;
  // Tells the observers of a post. (Not in post_messages itself: its state would make every
  // post's coroutine frame bigger than Asio recycles, and cost an allocation per post.)
  void announce_posted(const Scope& scope, std::string_view queue,
                       std::span<const store::NewMessage> messages,
                       const std::vector<store::ShortId>& ids) const;
  // Tells the observers that claimed messages of `queue` become claimable at `at`.
  void announce_visible(const Scope& scope, std::string_view queue, store::TimeMs at) const {
    for (MessageObserver* observer : observers_) {
      observer->messages_visible(scope.store_project(), queue, at);
    }
  }

  std::vector<MessageObserver*> observers_;
  SubscriberCheck* subscriber_check_ = nullptr;
  QuotaCheck* quotas_ = nullptr;
};

}  // namespace warren::engine
