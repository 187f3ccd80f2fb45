// The redis engine's Store implementation, split by area over store_*.cpp. Private to the
// engine and its tests (which reach the per-loop Client through it).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/execution_context.hpp>

#include "store/redis/client.h"
#include "store/redis/redis_store.h"
#include "store/store.h"

namespace warren::store::redis {

class RedisStore final : public Store {
 public:
  RedisStore(std::vector<Endpoint> seeds, const RedisStoreOptions& options);
  ~RedisStore() override;

  std::string_view engine_name() const noexcept override { return "redis"; }

  Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs now) override;
  Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) override;
  Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) override;
  Async<void> delete_queue(QueueRef queue) override;
  Async<QueuePage> list_queues(std::string_view project, const QueueListOptions& options) override;
  Async<std::int64_t> count_queues(std::string_view project) override;
  Async<std::vector<std::string>> list_projects(std::string_view marker, int limit) override;
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
                              std::span<const std::string_view> claim_ids, TimeMs now) override;
  Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) override;
  Async<void> purge_messages(QueueRef queue, TimeMs now) override;

  Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now) override;
  Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override;
  Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                           std::int64_t grace_s, TimeMs now) override;
  Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override;

  Async<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                TimeMs now) override;
  Async<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now) override;

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

  bool shares_rate_buckets() const noexcept override { return true; }
  Async<TokenGrant> take_tokens(std::string_view bucket, std::uint64_t rate, std::uint64_t least,
                                std::uint64_t most, TimeMs now) override;

  void release_loop(boost::asio::io_context& loop) override;

  // The calling event loop's client, created on its first call.
  boost::asio::awaitable<Client*> client();

 private:
  // Calls release_loop(loop) on that loop in a moment (after the operation under way started).
  void release_later(boost::asio::io_context& loop);
  // Runs `cmd` on this loop's client. Transport failures and Redis refusing service (OOM,
  // LOADING, ...) become storage_unavailable; other error replies (bugs) become internal.
  Async<Reply> exec(const Command& cmd);
  // Adds the queue to its project's index and the project to the project list (other slots
  // than the queue's, hence not in the queue's scripts; see docs/redis.md).
  Async<void> index_queue(QueueRef queue);
  // index_queue() where the write it belongs to is already done and must not fail for it (a post,
  // a dead-letter move): a failure is logged and the queue kept for retry_unindexed(); the
  // queue's scripts also keep asking for it on every later write (common.lua unindexed()).
  boost::asio::awaitable<void> index_or_remember(QueueRef queue);
  // Indexes the queues index_or_remember() could not (called at each reaper pass).
  boost::asio::awaitable<void> retry_unindexed();
  // Moves outbox entries returned by the claim script into their dead-letter queues.
  Async<void> move_dead_letters(QueueRef queue, const Reply& entries, TimeMs now);

  const std::uint64_t instance_;  // distinguishes stores in the per-thread client cache
  std::shared_ptr<Topology> topology_;
  ClientOptions client_options_;
  std::mutex mutex_;
  std::unordered_map<boost::asio::execution_context*, std::unique_ptr<Client>> clients_;
  // Loops that release_loop() was called for: a client made there later is released again.
  std::unordered_set<boost::asio::execution_context*> released_;
  // Queues (project, name) still to be indexed; at most kMaxUnindexed (more wait for their next
  // write to be retried).
  static constexpr std::size_t kMaxUnindexed = 10000;
  std::mutex unindexed_mutex_;
  std::set<std::pair<std::string, std::string>> unindexed_;
  // The reaper's position: the project and queue it visits next.
  std::mutex reap_mutex_;
  std::string reap_project_;
  std::string reap_queue_;
};

// The number of fields a message takes in the scripts' replies (common.lua `emit`).
inline constexpr std::size_t kMessageFields = 11;

// Decodes the message layout of the scripts (common.lua `emit`) starting at
// elements[at]; `id_suffix` turns internal ids into the queue's public ids (keys.h). Returns
// false if the reply is malformed.
bool decode_message(const std::vector<Reply>& elements, std::size_t at, std::string_view id_suffix,
                    Message& out);
// Decodes a flat array of messages.
Result<std::vector<Message>> decode_messages(const Reply& reply, std::string_view id_suffix);

}  // namespace warren::store::redis
