// The subscriptions of one shard's queues. They are kept apart from the queues because they
// outlive them: deleting a queue leaves its subscriptions (Zaqar does the same). Ids come from a
// store-wide counter behind the store's nonce, so within a queue id order is creation order.
// Expired subscriptions are invisible at once and freed by reap() through an expiry heap.
// With change tracking on (durable engines), every subscription added, changed or removed is
// listed in changes() for the engine's journal, and restore() rebuilds the table at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/errors.h"
#include "store/types.h"

namespace warren::store::memory {

// Shared by all shards: what makes subscription ids unique and ordered.
struct SubscriptionIds {
  std::uint32_t nonce = 0;  // the id prefix of this store instance
  std::atomic<std::uint64_t> last_seq{0};
};

class SubscriptionTable {
 public:
  // A stored subscription (its id is the store's nonce and its number).
  struct Entry {
    std::string subscriber;
    std::int64_t ttl_s = 0;
    TimeMs created = 0;
    TimeMs expires = 0;
    std::string options;
    bool confirmed = false;
  };
  // A subscription added, changed or removed: the queue key and its number.
  struct Change {
    std::string key;
    std::uint64_t seq = 0;
  };

  explicit SubscriptionTable(SubscriptionIds& ids) : ids_(ids) {}

  // `key` identifies the queue (project and name); `queue` is used for `source` and errors.
  Result<SubscriptionCreated> create(std::string_view key, const NewSubscription& subscription,
                                     TimeMs now);
  SubscriptionPage list(std::string_view key, QueueRef queue, std::string_view marker, int limit,
                        TimeMs now) const;
  Result<Subscription> get(std::string_view key, QueueRef queue, std::string_view id,
                           TimeMs now) const;
  Result<void> update(std::string_view key, std::string_view id, const SubscriptionUpdate& update,
                      TimeMs now);
  Result<void> confirm(std::string_view key, std::string_view id, bool confirmed, TimeMs now);
  void erase(std::string_view key, std::string_view id);
  // Whether the queue under `key` has stored subscriptions (expired ones not yet reaped count).
  bool any(std::string_view key) const noexcept { return find_set(key) != nullptr; }
  void purge(std::string_view key);

  // Frees expired subscriptions, at most `budget`; `more` tells whether some remain due.
  std::size_t reap(TimeMs now, std::size_t budget, bool& more);
  // When reap() next has something to look at (kNever-like maximum when nothing is scheduled).
  TimeMs next_due() const noexcept {
    return due_.empty() ? std::numeric_limits<TimeMs>::max() : due_.top().expires;
  }

  // ---- change tracking and restoring (durable engines) ----
  void track_changes() noexcept { tracking_ = true; }
  std::vector<Change>& changes() noexcept { return changes_; }
  // The stored subscription `seq` of queue `key` (expired or not), or nullptr.
  const Entry* entry(std::string_view key, std::uint64_t seq) const noexcept;
  // Puts back a stored subscription at start-up.
  void restore(std::string_view key, std::uint64_t seq, Entry entry);

 private:
  struct Set {
    std::map<std::uint64_t, Entry> by_seq;
    std::unordered_map<std::string, std::uint64_t> by_subscriber;
  };
  struct Due {
    TimeMs expires;
    std::uint64_t seq;
    std::string key;
    friend bool operator>(const Due& a, const Due& b) noexcept { return a.expires > b.expires; }
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  Set* find_set(std::string_view key) noexcept;
  const Set* find_set(std::string_view key) const noexcept;
  // The live entry `id` of a set, or nullptr.
  const Entry* find_live(const Set* set, std::string_view id, TimeMs now) const noexcept;
  Entry* find_live(Set* set, std::string_view id, TimeMs now) noexcept;
  void remove(Set& set, std::map<std::uint64_t, Entry>::iterator it);
  Subscription to_subscription(std::uint64_t seq, const Entry& entry,
                               std::string_view source) const;
  void schedule(std::string_view key, std::uint64_t seq, TimeMs expires);

  void note(std::string_view key, std::uint64_t seq) {
    if (tracking_) changes_.push_back(Change{std::string(key), seq});
  }

  SubscriptionIds& ids_;
  std::unordered_map<std::string, Set, Hash, std::equal_to<>> sets_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  bool tracking_ = false;
  std::vector<Change> changes_;
};

}  // namespace warren::store::memory
