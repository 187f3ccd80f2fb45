// The storage contract: every operation the queue service needs from an engine (memory, rocksdb,
// redis). One contract test suite (tests/unit/store/) runs unchanged against every engine; an
// engine is done when it passes.
//
// Rules every engine keeps:
// - Operations are C++20 coroutines on Boost.Asio (`awaitable`). They run on the calling event
//   loop's executor and must never block it: an engine that waits on disk or network suspends,
//   and resumes the caller on the caller's executor. The memory engine completes without
//   suspending. Any loop thread may call any operation concurrently.
// - Each operation is atomic with respect to the others on the same queue, also across
//   processes for a shared engine (redis): a message is never held by two live claims, a marker
//   is never reused, an acknowledged post is never lost.
// - `now` is passed in (wall-clock ms). The engine judges expiry, claims and delays by it alone,
//   so tests inject time; engines must tolerate `now` moving backwards slightly between callers.
// - Failures are typed (common/errors.def): queue_not_found, message_not_found, claim_not_found,
//   subscription_not_found, subscription_conflict, message_claimed, message_not_claimed,
//   claim_invalid, storage_unavailable, storage_read_only. Missing things are NOT errors where
//   Zaqar answers 2xx (listing a missing queue, deleting a missing message...): the comment at
//   each operation says which.
// - The store knows nothing of HTTP, JSON envelopes or queue metadata semantics: metadata and
//   subscription options are opaque text, bodies are opaque bytes. The engine resolves defaults
//   (TTL, delay, claim limits, dead-letter policy) before calling.
#pragma once

#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/errors.h"
#include "store/types.h"

namespace warren::store {

template <class T>
using Async = boost::asio::awaitable<Result<T>>;

class Store {
 public:
  virtual ~Store() = default;

  // Name of the engine ("memory", "rocksdb", "redis"), for logs and health.
  virtual std::string_view engine_name() const noexcept = 0;

  // ---- queues ----

  // Creates the queue with `metadata` (JSON object text). Returns true if created, false if it
  // already existed, in which case its metadata is left unchanged.
  virtual Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs now) = 0;

  // The queue's metadata text, or nullopt if the queue does not exist.
  virtual Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) = 0;

  // Replaces the queue's metadata. queue_not_found if it does not exist.
  virtual Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) = 0;

  // Deletes the queue with its messages and claims (subscriptions survive). Missing: success.
  virtual Async<void> delete_queue(QueueRef queue) = 0;

  // The project's queues in name order after options.marker, at most options.limit of them.
  virtual Async<QueuePage> list_queues(std::string_view project,
                                       const QueueListOptions& options) = 0;

  // Number of queues the project has.
  virtual Async<std::int64_t> count_queues(std::string_view project) = 0;

  // Projects that have queues, in name order after `marker` ("" = from the first), at most
  // `limit` (>= 1) of them: for operators (the metrics' per-queue gauges), not for callers of
  // the API. An engine may also list a project whose queues were all deleted (redis).
  virtual Async<std::vector<std::string>> list_projects(std::string_view marker, int limit) = 0;

  // Counts and oldest/newest live messages. A missing queue has zero counts (not an error).
  virtual Async<QueueStats> queue_stats(QueueRef queue, TimeMs now) = 0;

  // ---- messages ----

  // Appends the messages in order to an existing queue: queue_not_found if it does not exist (a
  // post never creates its queue; the engine creates the queues posts imply, so creation has one
  // choke point). Returns their ids in the same order; ids of one call are consecutive in FIFO
  // order. `client` identifies the
  // poster (for echo filtering); it is the canonical Client-ID text, at most 64 bytes.
  virtual Async<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                                    std::span<const NewMessage> messages,
                                                    TimeMs now) = 0;

  // Live messages in FIFO order after options.marker (a message id, which need not exist any
  // more; an unparseable marker gives an empty page). Hides claimed messages unless
  // include_claimed, delayed ones unless include_delayed, and the echo client's own messages.
  // A missing queue gives an empty page.
  virtual Async<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options,
                                           TimeMs now) = 0;

  // The live messages among `ids`, in any state (claimed, delayed); unknown ids are skipped.
  virtual Async<std::vector<Message>> get_messages(QueueRef queue,
                                                   std::span<const std::string_view> ids,
                                                   TimeMs now) = 0;

  // Deletes one message. Without `claim_id`: message_claimed if a live claim holds it. With
  // `claim_id`: claim_invalid if it is not a well-formed claim id of this engine;
  // message_not_claimed if the message's last claim is another one that is no longer live (or it
  // was never claimed); message_claimed if another live claim holds it. The message's own claim
  // id deletes it even after that claim expired. A missing message: success.
  virtual Async<void> delete_message(QueueRef queue, std::string_view id,
                                     std::optional<std::string_view> claim_id, TimeMs now) = 0;

  // Deletes the listed messages. Unknown ids are skipped. With `claim_ids` empty, whatever their
  // claims. Otherwise a listed message that a live claim holds must be held by one of
  // `claim_ids`: if one is not, nothing is deleted and the answer is claim_ids_mismatch naming
  // that message's claim. The check and the deletion are one atomic step.
  virtual Async<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                                      std::span<const std::string_view> claim_ids,
                                      TimeMs now) = 0;

  // Removes and returns up to `limit` messages that no live claim holds, oldest first, delayed
  // ones included. A missing queue: empty.
  virtual Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) = 0;

  // Deletes every message no live claim holds (claimed ones survive). Missing queue: success.
  virtual Async<void> purge_messages(QueueRef queue, TimeMs now) = 0;

  // ---- claims ----

  // Claims up to params.limit of the oldest messages that are live, visible (delay passed) and
  // held by no live claim. Each claimed message's claim_id/claim_expires are set; if it would
  // expire before the claim ends + grace, its ttl becomes ttl + grace and it expires at claim end
  // + grace. With an active dead-letter policy, a selected message whose claim_count has reached
  // max_claims is moved to the dead-letter queue instead and left out of the result; the others
  // get claim_count + 1. A moved message is appended to the dead-letter queue (created with
  // metadata "{}" if missing: the one creation a store makes by itself, inside the claim) under
  // a new id of that queue, keeping its body, poster, created time and claim_count, with its
  // claim cleared; if message_ttl_s is set its ttl becomes that and it expires message_ttl_s
  // after the move, else it keeps its ttl and expiry. Nothing claimable (or a missing queue):
  // empty claim_id and no messages.
  virtual Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params,
                                          TimeMs now) = 0;

  // A live claim and the messages it still holds. claim_not_found if unknown, expired or
  // released.
  virtual Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) = 0;

  // Restarts a live claim: it now ends at now + ttl, and its messages are stretched as by
  // create_claim. claim_not_found if unknown, expired or released.
  virtual Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                                   std::int64_t grace_s, TimeMs now) = 0;

  // Ends a claim: its messages are claimable again at once and no longer name it (their
  // claim_id becomes empty, so the released id deletes nothing: message_not_claimed). An expired
  // claim is cleared from its messages the same way. Unknown: success.
  virtual Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) = 0;

  // ---- per-message visibility (receipts) ----

  // Moves the end of one delivered message's hold, whatever the rest of its claim does: it
  // becomes claimable at `visible_at` (at once if that is <= now, its claim then cleared as by a
  // release), unless deleted first. Otherwise the message leaves its claim for a claim of its
  // own ending at `visible_at` (its claim_id changes; the claim it left keeps its other
  // messages), and it lives at least until then. message_not_found if missing or expired;
  // receipt_stale if a later claim delivered it again; message_not_in_flight if that delivery's
  // hold already ended.
  virtual Async<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                        TimeMs now) = 0;

  // Deletes the message if `receipt` names its latest delivery, held or not any more; returns
  // whether it did. A stale receipt or a missing message deletes nothing (false).
  virtual Async<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now) = 0;

  // ---- subscriptions ----

  // Creates a subscription of the queue. The queue need not exist and is never created here
  // (subscriptions outlive their queue, see delete_queue). If one with the same subscriber
  // exists: unconfirmed -> its id with created=false; confirmed -> subscription_conflict.
  virtual Async<SubscriptionCreated> create_subscription(QueueRef queue,
                                                         const NewSubscription& subscription,
                                                         TimeMs now) = 0;

  // Whether the queue may have subscriptions, answered at once, without I/O or waiting: false
  // only when the store is sure it has none (a post then needs no subscription lookup). Engines
  // that cannot tell without a round trip keep this default.
  virtual bool may_have_subscriptions(QueueRef /*queue*/) { return true; }

  // Live subscriptions of the queue in id order after `marker`, at most `limit`.
  virtual Async<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker,
                                                     int limit, TimeMs now) = 0;

  // subscription_not_found if unknown or expired.
  virtual Async<Subscription> get_subscription(QueueRef queue, std::string_view id,
                                               TimeMs now) = 0;

  // subscription_not_found if unknown or expired; subscription_conflict if the new subscriber
  // is already another subscription's of this queue.
  virtual Async<void> update_subscription(QueueRef queue, std::string_view id,
                                          const SubscriptionUpdate& update, TimeMs now) = 0;

  // Sets the confirmed flag. subscription_not_found if unknown or expired.
  virtual Async<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                           TimeMs now) = 0;

  // Missing: success.
  virtual Async<void> delete_subscription(QueueRef queue, std::string_view id) = 0;

  // Deletes every subscription of the queue.
  virtual Async<void> purge_subscriptions(QueueRef queue) = 0;

  // ---- health and maintenance ----

  // Succeeds when the engine can serve requests; storage_unavailable otherwise.
  virtual Async<void> ping() = 0;

  // Removes expired messages, claims and subscriptions, doing at most about `budget` units of
  // work, so a caller can run it every tick without stalling a loop. Engines whose backend
  // expires data itself may do nothing. Reads never depend on it: expired things are invisible
  // to every operation whether or not they were reaped yet.
  virtual Async<ReapStats> reap(TimeMs now, std::size_t budget) = 0;

  // ---- shared rate buckets ----

  // True if several servers share this engine's data (redis): the per-project rate limits then
  // keep their token buckets here too, so a rate holds across nodes (docs/security.md). Other
  // engines keep the default, and servers keep their buckets in process.
  virtual bool shares_rate_buckets() const noexcept { return false; }

  // Takes between `least` and `most` tokens (1 <= least <= most) from the token bucket `bucket`
  // (a name of the caller's; created full on first use), refilled at `rate` (> 0) tokens a
  // second and holding at most `rate`, at `now`. All or nothing for `least`: if fewer are
  // there, none are taken and wait_ms says when they will be. More than `rate` at once is
  // granted only from a full bucket, which it leaves in debt. Buckets idle long enough to be
  // full again may be forgotten. Only engines that share_rate_buckets() implement it (the
  // default fails with internal).
  virtual Async<TokenGrant> take_tokens(std::string_view bucket, std::uint64_t rate,
                                        std::uint64_t least, std::uint64_t most, TimeMs now);

  // ---- lifecycle ----

  // Called on the thread of event loop `loop` once it is stopping with no request left on it:
  // closes what the engine keeps open on that loop (the redis engine's connections), possibly
  // after operations still in flight there finish, so that the loop's run() can return. A later
  // call on that loop opens them again. Engines with nothing per loop keep the default.
  virtual void release_loop(boost::asio::io_context& loop) { (void)loop; }
};

}  // namespace warren::store
