// QueueService: validation, defaults and dead-letter policy around the storage contract.
#include "engine/queue_service.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/container/small_vector.hpp>

#include "engine/json.h"
#include "engine/python_repr.h"

namespace warren::engine {
namespace {

using store::QueueRef;

constexpr std::string_view kImpliedMetadata = "{}";  // of a queue a post or subscription made
constexpr std::int64_t kDefaultPageSize = 10;
constexpr std::int64_t kDefaultClaimLimit = 10;
// Queues read per store page while a listing filters by metadata.
constexpr std::int64_t kFilterPageSize = 100;
// datetime.max (9999-12-31T23:59:59) as seconds since the epoch: Zaqar rejects subscription
// TTLs that would take the expiry past it.
constexpr std::int64_t kLatestExpirySeconds = 253402300799;

// Where the store keeps the scope's queue or topic.
QueueRef ref(const Scope& scope, std::string_view queue) {
  return QueueRef{scope.store_project(), queue};
}

// The scheme of a URI as Python's urllib.parse.urlparse finds it ("" if none).
std::string uri_scheme(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return {};
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(uri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return {};
    scheme.push_back(static_cast<char>(std::tolower(c)));
  }
  return scheme;
}

}  // namespace

QueueService::QueueService(store::Store& store, const Clock& clock, Limits limits)
    : store_(store), clock_(clock), limits_(std::move(limits)) {}

Result<void> QueueService::check_queue_metadata_size(std::size_t bytes) const {
  if (static_cast<std::int64_t>(bytes) > limits_.max_queue_metadata) {
    return make_error(Errc::queue_metadata_too_large, limits_.max_queue_metadata);
  }
  return {};
}

Result<void> QueueService::check_message_post_size(std::size_t bytes) const {
  if (static_cast<std::int64_t>(bytes) > limits_.max_messages_post_size) {
    return make_error(Errc::messages_too_large, limits_.max_messages_post_size);
  }
  return {};
}

Result<void> QueueService::check_message_deletion(
    const std::optional<std::vector<std::string_view>>& ids, std::optional<std::int64_t> pop,
    const std::optional<std::vector<std::string_view>>& claim_ids) const {
  if (pop && ids) return make_error(Errc::delete_pop_and_ids);
  if (!pop && !ids) return make_error(Errc::delete_needs_ids_or_pop);
  if (limits_.message_delete_with_claim_id) {
    const bool has_ids = ids && !ids->empty();
    const bool has_claims = claim_ids && !claim_ids->empty();
    if ((has_ids && !claim_ids) || (!ids && has_claims)) {
      return make_error(Errc::delete_needs_claim_ids);
    }
  }
  if (pop && (*pop < 1 || *pop > limits_.max_messages_per_claim_or_pop)) {
    return make_error(Errc::pop_range, limits_.max_messages_per_claim_or_pop);
  }
  if (ids && (ids->empty() || static_cast<std::int64_t>(ids->size()) > limits_.max_messages_per_page)) {
    return make_error(Errc::ids_range, limits_.max_messages_per_page);
  }
  return {};
}

Async<QueuePolicy> QueueService::policy_of(QueueRef queue) {
  auto metadata = co_await store_.get_queue_metadata(queue);
  if (!metadata) co_return metadata.error();
  if (!*metadata) co_return QueuePolicy{};
  co_return policy_of_metadata(**metadata);
}

// ---- queues ----

Async<bool> QueueService::create_queue(const Scope& scope, std::string_view queue,
                                       std::string_view metadata) {
  auto parsed = QueueMetadata::parse(metadata);
  if (!parsed) co_return parsed.error();
  if (auto valid = parsed->validate(limits_); !valid) co_return valid.error();
  if (quotas_ != nullptr) {
    auto admitted = co_await admit_new_queue(scope, queue);
    if (!admitted) co_return admitted.error();
  }
  co_return co_await store_.create_queue(ref(scope, queue), parsed->to_json(), now());
}

Async<void> QueueService::admit_new_queue(const Scope& scope, std::string_view queue) {
  auto metadata = co_await store_.get_queue_metadata(ref(scope, queue));
  if (!metadata) co_return metadata.error();
  if (*metadata) co_return Result<void>{};  // exists: nothing grows
  co_return co_await quotas_->admit_queue(scope, queue);
}

Async<void> QueueService::admit_messages(const Scope& scope, std::string_view queue,
                                         std::span<const store::NewMessage> messages) {
  std::size_t bytes = 0;
  for (const store::NewMessage& message : messages) bytes += message.body.size();
  co_return co_await quotas_->admit_messages(scope, queue, messages.size(), bytes);
}

Async<std::vector<store::ShortId>> QueueService::post_creating(
    const Scope& scope, std::string_view queue_name, std::span<const store::NewMessage> messages) {
  const QueueRef queue = ref(scope, queue_name);
  // A post to a missing queue creates it (Zaqar's rule), here and not in the store. Tried
  // again (twice at most) when a concurrent delete removes the queue between the two steps.
  for (int attempt = 1;; ++attempt) {
    auto created = co_await create_implied(scope, queue_name);
    if (!created) co_return created.error();
    auto ids = co_await store_.post_messages(queue, scope.client, messages, now());
    if (ids || ids.error().code != Errc::queue_not_found || attempt == 3) co_return ids;
  }
}

Async<void> QueueService::create_implied(const Scope& scope, std::string_view queue) {
  if (quotas_ != nullptr) {
    auto admitted = co_await admit_new_queue(scope, queue);
    if (!admitted) co_return admitted.error();
  }
  auto created = co_await store_.create_queue(ref(scope, queue), kImpliedMetadata, now());
  if (!created) co_return created.error();
  co_return Result<void>{};
}

Async<QueueMetadata> QueueService::get_queue_metadata(const Scope& scope, std::string_view queue) {
  auto metadata = co_await store_.get_queue_metadata(ref(scope, queue));
  if (!metadata) co_return metadata.error();
  if (!*metadata) co_return QueueMetadata{};
  auto parsed = QueueMetadata::parse(**metadata);
  co_return parsed ? std::move(*parsed) : QueueMetadata{};
}

Async<QueueMetadata> QueueService::patch_queue(const Scope& scope, std::string_view queue,
                                               std::string_view patch) {
  auto changes = QueueMetadata::parse_patch(patch);
  if (!changes) co_return std::move(changes.error()).retitled(Errc::invalid_body);
  auto stored = co_await store_.get_queue_metadata(ref(scope, queue));
  if (!stored) co_return stored.error();
  if (!*stored) co_return make_error(Errc::queue_not_found, queue, scope.project);
  auto metadata = QueueMetadata::parse(**stored);
  QueueMetadata current = metadata ? std::move(*metadata) : QueueMetadata{};
  if (auto applied = current.apply(*changes); !applied) co_return applied.error();
  if (auto valid = current.validate(limits_); !valid) {
    co_return std::move(valid.error()).retitled(Errc::invalid_body);
  }
  auto saved = co_await store_.set_queue_metadata(ref(scope, queue), current.to_json());
  if (!saved) co_return saved.error();
  co_return current;
}

Async<void> QueueService::delete_queue(const Scope& scope, std::string_view queue) {
  co_return co_await store_.delete_queue(ref(scope, queue));
}

Async<bool> QueueService::queue_exists(const Scope& scope, std::string_view queue) {
  auto metadata = co_await store_.get_queue_metadata(ref(scope, queue));
  if (!metadata) co_return metadata.error();
  co_return metadata->has_value();
}

Async<QueueListResult> QueueService::list_queues(const Scope& scope,
                                                 const QueueListRequest& request) {
  const std::int64_t limit = request.limit.value_or(kDefaultPageSize);
  if (limit < 1 || limit > limits_.max_queues_per_page) {
    co_return make_error(Errc::queue_limit_range, limits_.max_queues_per_page);
  }
  QueueListResult result;
  std::string marker(request.marker);
  const bool filtering = !request.filters.empty();
  while (static_cast<std::int64_t>(result.queues.size()) < limit) {
    const auto wanted = limit - static_cast<std::int64_t>(result.queues.size());
    store::QueueListOptions options;
    options.marker = marker;
    // A filtered listing reads the project's queues a page at a time until enough match.
    options.limit = static_cast<int>(filtering ? std::max<std::int64_t>(wanted, kFilterPageSize)
                                               : wanted);
    options.with_metadata = request.detailed || filtering;
    options.name_contains = request.name_contains;
    auto page = co_await store_.list_queues(scope.store_project(), options);
    if (!page) co_return page.error();
    const bool last_page = static_cast<int>(page->queues.size()) < options.limit;
    for (store::QueueEntry& entry : page->queues) {
      if (static_cast<std::int64_t>(result.queues.size()) == limit) break;
      marker = entry.name;
      if (filtering) {
        auto metadata = QueueMetadata::parse(entry.metadata);
        if (!metadata) continue;
        const bool matches = std::all_of(
            request.filters.begin(), request.filters.end(), [&](const auto& filter) {
              const std::string* value = metadata->find(filter.first);
              return value != nullptr && *value == filter.second;
            });
        if (!matches) continue;
      }
      if (!request.detailed) entry.metadata.clear();
      result.queues.push_back(std::move(entry));
    }
    if (last_page || !filtering) break;
    // The memory and rocksdb engines answer without suspending: let the loop serve others
    // between pages, so a project of many queues cannot stall it with one request.
    const auto executor = co_await boost::asio::this_coro::executor;
    co_await boost::asio::post(executor, boost::asio::use_awaitable);
  }
  result.next_marker = result.queues.empty() ? std::string(request.marker)
                                             : result.queues.back().name;
  if (request.with_count) {
    auto count = co_await store_.count_queues(scope.store_project());
    if (!count) co_return count.error();
    result.count = *count;
  }
  co_return result;
}

Async<store::QueueStats> QueueService::queue_stats(const Scope& scope, std::string_view queue) {
  co_return co_await store_.queue_stats(ref(scope, queue), now());
}

Async<void> QueueService::purge_queue(const Scope& scope, std::string_view queue, bool messages,
                                      bool subscriptions) {
  if (messages) {
    auto purged = co_await store_.purge_messages(ref(scope, queue), now());
    if (!purged) co_return purged.error();
  }
  if (subscriptions) {
    auto purged = co_await store_.purge_subscriptions(ref(scope, queue));
    if (!purged) co_return purged.error();
  }
  co_return Result<void>{};
}

// ---- messages ----

Result<PostPlan> QueueService::plan_post(const QueuePolicy& policy,
                                         std::optional<std::size_t> size) const {
  if (size) {
    const auto length = static_cast<std::int64_t>(*size);
    if (policy.max_post_bytes > 0) {
      const std::int64_t effective = std::min(policy.max_post_bytes, limits_.max_messages_post_size);
      if (length > effective) {
        return make_error(Errc::messages_too_large_for_queue, effective,
                          limits_.max_messages_post_size, policy.max_post_bytes);
      }
    }
    if (length > limits_.max_messages_post_size) {
      return make_error(Errc::messages_too_large, limits_.max_messages_post_size);
    }
  }
  PostPlan plan;
  plan.default_ttl = policy.default_ttl > 0 ? policy.default_ttl : limits_.default_message_ttl;
  if (policy.delay_queue()) plan.default_delay = policy.default_delay;
  return plan;
}

Async<std::vector<store::ShortId>> QueueService::post(const Scope& scope, std::string_view queue,
                                                    std::optional<std::size_t> size,
                                                    PostRules rules, const PostDecoder& decode) {
  PostPlan plan;
  if (rules.queue_policy) {
    // (Read here, not in a coroutine of its own: a post is the hottest path.) A missing queue
    // has the default policy; it is created only when the messages are stored (post_messages), so
    // a request refused before (body, Client-ID) leaves no queue behind.
    auto metadata = co_await store_.get_queue_metadata(ref(scope, queue));
    if (!metadata) co_return metadata.error();
    auto planned = plan_post(*metadata ? policy_of_metadata(**metadata) : QueuePolicy{}, size);
    if (!planned) co_return planned.error();
    plan = *planned;
  } else {
    if (size) {
      if (auto valid = check_message_post_size(*size); !valid) co_return valid.error();
    }
    plan.default_ttl = limits_.default_message_ttl;
  }
  if (!size) co_return make_error(Errc::body_missing);
  if (!rules.delays) plan.default_delay.reset();
  auto messages = decode(plan);
  if (!messages) co_return messages.error();
  co_return co_await post_messages(scope, queue, std::move(*messages), plan);
}

Async<std::vector<store::ShortId>> QueueService::post_messages(const Scope& scope,
                                                             std::string_view queue,
                                                             std::vector<MessageInput> messages,
                                                             const PostPlan& plan) {
  if (messages.empty()) co_return make_error(Errc::messages_empty);
  // Most posts carry one message or a few: no allocation for them.
  boost::container::small_vector<store::NewMessage, 4> resolved;
  resolved.reserve(messages.size());
  for (const MessageInput& input : messages) {
    store::NewMessage message;
    message.body = input.body;
    message.encoding = input.encoding;
    message.ttl_s = input.ttl.value_or(plan.default_ttl);
    message.delay_s = plan.default_delay ? input.delay.value_or(*plan.default_delay) : 0;
    if (message.ttl_s < kMinMessageTtl || message.ttl_s > limits_.max_message_ttl) {
      co_return make_error(Errc::message_ttl_range, limits_.max_message_ttl, kMinMessageTtl);
    }
    if (message.delay_s < kMinMessageDelay || message.delay_s > limits_.max_message_delay) {
      co_return make_error(Errc::message_delay_range, limits_.max_message_delay, kMinMessageDelay);
    }
    resolved.push_back(message);
  }
  if (quotas_ != nullptr) {
    auto admitted = co_await admit_messages(scope, queue, resolved);
    if (!admitted) co_return admitted.error();
  }
  auto ids = co_await store_.post_messages(ref(scope, queue), scope.client, resolved, now());
  if (!ids && ids.error().code == Errc::queue_not_found) {
    // (A coroutine of its own: its state would make every post's frame bigger.)
    ids = co_await post_creating(scope, queue, resolved);
  }
  if (ids && !observers_.empty()) announce_posted(scope, queue, resolved, *ids);
  co_return ids;
}

void QueueService::announce_posted(const Scope& scope, std::string_view queue,
                                   std::span<const store::NewMessage> messages,
                                   const std::vector<store::ShortId>& ids) const {
  boost::container::small_vector<PostedMessage, 4> posted;
  posted.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size() && i < ids.size(); ++i) {
    posted.push_back(PostedMessage{ids[i], messages[i].body, messages[i].ttl_s, messages[i].delay_s,
                                   messages[i].encoding});
  }
  for (MessageObserver* observer : observers_) {
    observer->messages_posted(scope.store_project(), queue, posted);
  }
}

Async<MessageListResult> QueueService::list_messages(const Scope& scope, std::string_view queue,
                                                     const MessageListRequest& request) {
  const std::int64_t limit = request.limit.value_or(kDefaultPageSize);
  if (limit < 1 || limit > limits_.max_messages_per_page) {
    co_return make_error(Errc::limit_range, limits_.max_messages_per_page);
  }
  auto policy = co_await policy_of(ref(scope, queue));
  if (!policy) co_return policy.error();
  MessageListResult result;
  result.include_delayed = request.include_delayed || !policy->delay_queue();
  store::MessageListOptions options;
  options.marker = request.marker;
  options.limit = static_cast<int>(limit);
  options.echo_client = request.echo ? std::string_view() : scope.client;
  options.include_claimed = request.include_claimed;
  options.include_delayed = result.include_delayed;
  auto page = co_await store_.list_messages(ref(scope, queue), options, now());
  if (!page) co_return page.error();
  result.messages = std::move(page->messages);
  co_return result;
}

Async<std::vector<store::Message>> QueueService::get_messages(
    const Scope& scope, std::string_view queue, std::span<const std::string_view> ids) {
  if (ids.empty() || static_cast<std::int64_t>(ids.size()) > limits_.max_messages_per_page) {
    co_return make_error(Errc::limit_range, limits_.max_messages_per_page);
  }
  co_return co_await store_.get_messages(ref(scope, queue), ids, now());
}

Async<store::Message> QueueService::get_message(const Scope& scope, std::string_view queue,
                                                std::string_view id) {
  const std::string_view ids[] = {id};
  auto found = co_await store_.get_messages(ref(scope, queue), ids, now());
  if (!found) co_return found.error();
  if (found->empty()) co_return make_error(Errc::message_not_found, id, queue, scope.project);
  co_return std::move(found->front());
}

Async<void> QueueService::delete_message(const Scope& scope, std::string_view queue,
                                         std::string_view id,
                                         std::optional<std::string_view> claim_id) {
  co_return co_await store_.delete_message(ref(scope, queue), id, claim_id, now());
}

Async<void> QueueService::delete_messages(const Scope& scope, std::string_view queue,
                                          std::span<const std::string_view> ids,
                                          std::span<const std::string_view> claim_ids) {
  // Claimed messages may only be deleted by their own claims: the store checks and deletes in
  // one atomic step, so a claim taken meanwhile is never bypassed.
  const std::span<const std::string_view> required =
      limits_.message_delete_with_claim_id ? claim_ids : std::span<const std::string_view>();
  co_return co_await store_.delete_messages(ref(scope, queue), ids, required, now());
}

Async<std::vector<store::Message>> QueueService::pop_messages(const Scope& scope,
                                                             std::string_view queue,
                                                             std::int64_t count) {
  co_return co_await store_.pop_messages(ref(scope, queue), static_cast<int>(count), now());
}

// ---- claims ----

Async<store::ClaimResult> QueueService::create_claim(const Scope& scope, std::string_view queue,
                                                     const ClaimCreateRequest& request) {
  const std::int64_t ttl = request.options.ttl.value_or(limits_.default_claim_ttl);
  const std::int64_t grace = request.options.grace.value_or(limits_.default_claim_grace);
  if (ttl < kMinClaimTtl || ttl > limits_.max_claim_ttl) {
    co_return make_error(Errc::claim_ttl_range, limits_.max_claim_ttl, kMinClaimTtl);
  }
  const std::int64_t limit = request.limit.value_or(kDefaultClaimLimit);
  if (limit < 1 || limit > limits_.max_messages_per_claim_or_pop) {
    co_return make_error(Errc::limit_range, limits_.max_messages_per_claim_or_pop);
  }
  if (grace < kMinClaimGrace || grace > limits_.max_claim_grace) {
    co_return make_error(Errc::claim_grace_range, limits_.max_claim_grace, kMinClaimGrace);
  }
  auto policy = co_await policy_of(ref(scope, queue));
  if (!policy) co_return policy.error();
  store::ClaimParams params;
  params.limit = static_cast<int>(limit);
  params.ttl_s = ttl;
  params.grace_s = grace;
  params.dead_letter = std::move(policy->dead_letter);
  const store::TimeMs at = now();
  auto claimed = co_await store_.create_claim(ref(scope, queue), params, at);
  if (claimed && !claimed->messages.empty()) {
    announce_visible(scope, queue, at + params.ttl_s * 1000);
  }
  co_return claimed;
}

Async<store::ClaimInfo> QueueService::get_claim(const Scope& scope, std::string_view queue,
                                                std::string_view claim_id) {
  co_return co_await store_.get_claim(ref(scope, queue), claim_id, now());
}

Async<void> QueueService::update_claim(const Scope& scope, std::string_view queue,
                                       std::string_view claim_id,
                                       const ClaimOptions& options) {
  const std::int64_t ttl = options.ttl.value_or(limits_.default_claim_ttl);
  const std::int64_t grace = options.grace.value_or(limits_.default_claim_grace);
  if (ttl < kMinClaimTtl || ttl > limits_.max_claim_ttl) {
    co_return make_error(Errc::claim_ttl_range, limits_.max_claim_ttl, kMinClaimTtl);
  }
  // Zaqar checks only the TTL of an update (a grace below the minimum passes there, and here);
  // the grace's upper bound is checked too, as at creation: it reaches every engine's deadline
  // arithmetic.
  if (grace > limits_.max_claim_grace) {
    co_return make_error(Errc::claim_grace_range, limits_.max_claim_grace, kMinClaimGrace);
  }
  const store::TimeMs at = now();
  auto updated = co_await store_.update_claim(ref(scope, queue), claim_id, ttl, grace, at);
  if (updated) announce_visible(scope, queue, at + ttl * 1000);
  co_return updated;
}

Async<void> QueueService::delete_claim(const Scope& scope, std::string_view queue,
                                       std::string_view claim_id) {
  const store::TimeMs at = now();
  auto released = co_await store_.release_claim(ref(scope, queue), claim_id, at);
  if (released) announce_visible(scope, queue, at);
  co_return released;
}

// ---- deliveries ----

Async<void> QueueService::change_visibility(const Scope& scope, std::string_view queue,
                                            store::Receipt receipt, std::int64_t timeout_s) {
  if (timeout_s < 0 || timeout_s > limits_.max_claim_ttl) {
    co_return make_error(Errc::visibility_timeout_range, limits_.max_claim_ttl);
  }
  const store::TimeMs at = now();
  const store::TimeMs visible_at = at + timeout_s * 1000;
  auto changed = co_await store_.change_visibility(ref(scope, queue), receipt, visible_at, at);
  if (changed) announce_visible(scope, queue, visible_at);
  co_return changed;
}

Async<bool> QueueService::delete_received(const Scope& scope, std::string_view queue,
                                          store::Receipt receipt) {
  co_return co_await store_.delete_received(ref(scope, queue), receipt, now());
}

// ---- subscriptions ----

Result<void> QueueService::check_subscriber(std::string_view subscriber) const {
  const std::string scheme = uri_scheme(subscriber);
  if (std::find(limits_.subscriber_types.begin(), limits_.subscriber_types.end(), scheme) ==
      limits_.subscriber_types.end()) {
    return make_error(Errc::subscriber_type_unsupported, python_repr(limits_.subscriber_types));
  }
  return {};
}

Async<store::SubscriptionCreated> QueueService::create_subscription(
    const Scope& scope, std::string_view queue, const Result<SubscriptionCreateRequest>& decoded) {
  auto created = co_await create_implied(scope, queue);
  if (!created) co_return created.error();
  if (!decoded) co_return decoded.error();
  const SubscriptionCreateRequest& request = *decoded;
  if (!request.subscriber.empty()) {
    if (auto valid = check_subscriber(request.subscriber); !valid) co_return valid.error();
  }
  const std::int64_t ttl = request.ttl.value_or(limits_.default_subscription_ttl);
  if (request.ttl && *request.ttl != 0) {
    if (*request.ttl < kMinSubscriptionTtl) {
      co_return make_error(Errc::subscription_ttl_too_small, kMinSubscriptionTtl);
    }
    if (*request.ttl > kLatestExpirySeconds - now() / 1000) {
      co_return make_error(Errc::subscription_ttl_overflow);
    }
  }
  if (subscriber_check_ != nullptr && !request.subscriber.empty()) {
    auto allowed = co_await subscriber_check_->check(request.subscriber);
    if (!allowed) co_return allowed.error();
    auto options = subscriber_check_->check_options(request.subscriber, request.options);
    if (!options) co_return options.error();
  }
  store::NewSubscription subscription;
  subscription.subscriber = request.subscriber;
  subscription.ttl_s = ttl;
  subscription.options = request.options;
  std::string prepared_options;  // what prepare() made of the options, kept for the store call
  if (subscriber_check_ != nullptr && !request.subscriber.empty()) {
    auto prepared = co_await subscriber_check_->prepare(scope, request.caller, request.subscriber,
                                                        request.options, ttl);
    if (!prepared) co_return prepared.error();
    prepared_options = std::move(*prepared);
    subscription.options = prepared_options;
  }
  co_return co_await store_.create_subscription(ref(scope, queue), subscription, now());
}

Async<std::string> SubscriberCheck::prepare(const Scope& scope, const Caller& caller,
                                            std::string_view subscriber, std::string options,
                                            std::int64_t ttl_s) {
  (void)scope, (void)caller, (void)subscriber, (void)ttl_s;
  co_return options;
}

Async<store::SubscriptionPage> QueueService::list_subscriptions(const Scope& scope,
                                                                std::string_view queue,
                                                                std::string_view marker,
                                                                std::optional<std::int64_t> limit) {
  const std::int64_t n = limit.value_or(kDefaultPageSize);
  if (n < 1 || n > limits_.max_subscriptions_per_page) {
    co_return make_error(Errc::limit_range, limits_.max_subscriptions_per_page);
  }
  co_return co_await store_.list_subscriptions(ref(scope, queue), marker, static_cast<int>(n), now());
}

Async<store::Subscription> QueueService::get_subscription(const Scope& scope,
                                                          std::string_view queue,
                                                          std::string_view id) {
  co_return co_await store_.get_subscription(ref(scope, queue), id, now());
}

Async<void> QueueService::update_subscription(const Scope& scope, std::string_view queue,
                                              std::string_view id,
                                              const store::SubscriptionUpdate& update) {
  if (update.subscriber) {
    if (auto valid = check_subscriber(*update.subscriber); !valid) co_return valid.error();
  }
  if (update.ttl_s && *update.ttl_s != 0) {
    if (*update.ttl_s < kMinSubscriptionTtl) {
      co_return make_error(Errc::subscription_ttl_too_small, kMinSubscriptionTtl);
    }
    if (*update.ttl_s > kLatestExpirySeconds - now() / 1000) {
      co_return make_error(Errc::subscription_ttl_overflow);
    }
  }
  if (subscriber_check_ != nullptr && update.subscriber) {
    auto allowed = co_await subscriber_check_->check(*update.subscriber);
    if (!allowed) co_return allowed.error();
  }
  if (subscriber_check_ != nullptr && update.options) {
    auto options = subscriber_check_->check_options(update.subscriber.value_or(""), *update.options);
    if (!options) co_return options.error();
  }
  co_return co_await store_.update_subscription(ref(scope, queue), id, update, now());
}

Async<void> QueueService::delete_subscription(const Scope& scope, std::string_view queue,
                                              std::string_view id) {
  co_return co_await store_.delete_subscription(ref(scope, queue), id);
}

Async<void> QueueService::confirm_subscription(const Scope& scope, std::string_view queue,
                                               std::string_view id, bool confirmed) {
  co_return co_await store_.confirm_subscription(ref(scope, queue), id, confirmed, now());
}

Async<void> QueueService::ping() { co_return co_await store_.ping(); }

}  // namespace warren::engine
