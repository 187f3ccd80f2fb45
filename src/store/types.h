// The values that cross the storage contract (store.h): identifiers, records, options, pages.
// Times are wall-clock milliseconds since the Unix epoch, always passed in by the caller, so
// engines persist absolute deadlines and tests drive time without sleeping.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/body.h"

namespace warren::store {

using TimeMs = std::int64_t;

// An identifier kept inline (message, claim and subscription ids; message markers): at most
// kCapacity bytes, so records and pages carry ids without allocating.
class ShortId {
 public:
  static constexpr std::size_t kCapacity = 47;

  ShortId() noexcept = default;
  // Truncates nothing: returns an empty id if `text` is longer than kCapacity (such a string
  // is never a valid id of any engine, so lookups with it simply find nothing).
  static ShortId from(std::string_view text) noexcept {
    ShortId id;
    if (text.size() <= kCapacity) {
      std::memcpy(id.bytes_.data(), text.data(), text.size());
      id.size_ = static_cast<std::uint8_t>(text.size());
    }
    return id;
  }
  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  bool empty() const noexcept { return size_ == 0; }
  friend bool operator==(const ShortId& a, const ShortId& b) noexcept {
    return a.view() == b.view();
  }

 private:
  std::array<char, kCapacity> bytes_{};
  std::uint8_t size_ = 0;
};

// A queue of a project. Views are valid for the duration of the call they are passed to.
// The API has validated both: name matches ^[a-zA-Z0-9_.-]{1,64}$, project is <= 256 bytes.
struct QueueRef {
  std::string_view project;
  std::string_view name;
};

// ---- queues ----

// A queue as listed: its name and, when asked for, its metadata (opaque JSON object text).
struct QueueEntry {
  std::string name;
  std::string metadata;
};

struct QueuePage {
  std::vector<QueueEntry> queues;  // sorted by name, all > the marker given
};

// What list_queues returns and filters. The store does not understand metadata; the engine
// filters on it with `metadata_filter` when the listing asks for equality filters.
struct QueueListOptions {
  std::string_view marker;         // exclusive lower bound on names; "" = from the first
  int limit = 10;                  // >= 1, the API has enforced its maximum
  bool with_metadata = false;      // fill QueueEntry::metadata
  std::string_view name_contains;  // only names containing this substring; "" = all
};

// Message counts of one queue. Delayed messages count as free (Zaqar v2 has no delayed field).
struct MessageCounts {
  std::int64_t free = 0;
  std::int64_t claimed = 0;
  std::int64_t total = 0;
};

// A message endpoint of the stats: oldest or newest live message.
struct MessageMark {
  ShortId id;
  TimeMs created = 0;
};

struct QueueStats {
  MessageCounts counts;
  // Body bytes of the messages stored (what the per-queue byte quota counts). The redis engine
  // counts expired messages until they are reaped.
  std::int64_t bytes = 0;
  std::optional<MessageMark> oldest;  // present iff counts.total > 0
  std::optional<MessageMark> newest;
};

// ---- messages ----

// One message to post; the engine has resolved every default.
struct NewMessage {
  std::string_view body;   // JSON text validated by the API, or opaque text (see encoding)
  std::int64_t ttl_s = 0;  // > 0
  std::int64_t delay_s = 0;  // >= 0; the message is invisible to listings (unless asked) and
                             // claims until created + delay
  // Kept with the message (Message::body).
  BodyEncoding encoding = BodyEncoding::json;
};

// A stored message as operations return it.
struct Message {
  ShortId id;              // unique within the queue; also its marker (see list_messages)
  TimeMs created = 0;
  std::int64_t ttl_s = 0;  // current TTL: set at post, stretched by claims (claim ttl + grace)
  TimeMs expires = 0;      // when it vanishes
  TimeMs visible_at = 0;   // created + delay
  ShortId claim_id;        // the last claim that took it, even an expired one; empty if never
                           // claimed or that claim was released
  TimeMs claim_expires = 0;  // when that claim ends (<= now: not claimed any more)
  std::int32_t claim_count = 0;  // claims that delivered it while a dead-letter policy was set
                                 // (Zaqar's counter, which that policy judges)
  // Claims that delivered it, always counted (SQS's ApproximateReceiveCount); kept by a
  // dead-letter move.
  std::int32_t receive_count = 0;
  Body body;  // with its encoding

  bool claimed_at(TimeMs now) const noexcept { return !claim_id.empty() && claim_expires > now; }
};

struct MessageListOptions {
  std::string_view marker;           // list messages after this id; "" = from the oldest
  int limit = 10;                    // >= 1
  std::string_view echo_client;      // if non-empty: hide messages posted by this client
  bool include_claimed = false;
  bool include_delayed = false;
};

struct MessagePage {
  std::vector<Message> messages;  // FIFO (posting) order
};

// ---- claims ----

// Dead-letter policy of the claimed queue, resolved by the engine from its metadata. Active
// when both max_claims and queue are set: a message already delivered max_claims times is moved
// to `queue` (same project, created if missing) instead of being claimed again.
struct DeadLetterPolicy {
  std::optional<std::int64_t> max_claims;
  std::string queue;
  std::optional<std::int64_t> message_ttl_s;  // TTL the moved message gets, if set

  bool active() const noexcept { return max_claims.has_value() && !queue.empty(); }
};

struct ClaimParams {
  int limit = 10;            // >= 1
  std::int64_t ttl_s = 300;  // the claim lasts this long
  std::int64_t grace_s = 60;  // claimed messages live at least until claim end + grace
  DeadLetterPolicy dead_letter;
};

// One delivery of a message: its id and the receive count that delivery gave it (a later
// claim counts on, so it names this delivery only). SQS receipt handles carry one; a claim is
// the set of the receipts it delivered.
struct Receipt {
  std::string_view id;
  std::int32_t receive_count = 0;
};

struct ClaimResult {
  ShortId claim_id;               // empty if nothing was claimable (then no claim exists)
  std::vector<Message> messages;  // oldest first
};

struct ClaimInfo {
  TimeMs created = 0;       // the claim's start: its expiry - ttl (restarted by update_claim)
  std::int64_t ttl_s = 0;
  TimeMs expires = 0;
  std::vector<Message> messages;  // those still held by this claim
};

// ---- subscriptions ----

struct Subscription {
  ShortId id;
  std::string source;      // the queue name
  std::string subscriber;  // URI
  std::int64_t ttl_s = 0;
  TimeMs created = 0;      // creation or last update (age restarts on update)
  TimeMs expires = 0;
  std::string options;     // opaque JSON object text
  bool confirmed = false;
};

struct NewSubscription {
  std::string_view subscriber;
  std::int64_t ttl_s = 0;
  std::string_view options;  // JSON object text
};

// What update_subscription changes; absent fields stay as they are. A new ttl restarts the
// subscription's life from now.
struct SubscriptionUpdate {
  std::optional<std::string_view> subscriber;
  std::optional<std::int64_t> ttl_s;
  std::optional<std::string_view> options;
};

struct SubscriptionCreated {
  ShortId id;
  bool created = false;  // false: an unconfirmed duplicate existed and its id is returned
};

struct SubscriptionPage {
  std::vector<Subscription> subscriptions;  // sorted by id, all > the marker given
};

// ---- maintenance ----

// Tokens a shared rate bucket gave (Store::take_tokens).
struct TokenGrant {
  std::uint64_t granted = 0;  // 0, or between the least and the most asked for
  std::int64_t wait_ms = 0;   // when none were granted: until the least asked for will be there
};

// What one bounded reclamation pass removed.
struct ReapStats {
  std::int64_t messages = 0;
  std::int64_t claims = 0;
  std::int64_t subscriptions = 0;
  bool more = false;  // the budget ran out before everything expired was removed
};

}  // namespace warren::store
