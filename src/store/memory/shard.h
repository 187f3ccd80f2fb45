// A shard of the memory engine: the queues whose (project, name) hash to it, their
// subscriptions, the deleted queues still being freed, and the one mutex that serialises every
// operation on them. Event-loop threads working on queues of different shards never contend.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "store/memory/journal.h"
#include "store/memory/queue.h"
#include "store/memory/subscription_table.h"
#include "store/types.h"

namespace warren::store::memory {

// The key of a queue within the engine: "<name>\0<project>". Names never contain NUL, so the
// split is unambiguous. Built on the stack for the usual sizes.
class QueueKey {
 public:
  explicit QueueKey(QueueRef queue) {
    buffer_.append(queue.name);
    buffer_.push_back('\0');
    buffer_.append(queue.project);
  }
  std::string_view view() const noexcept { return {buffer_.data(), buffer_.size()}; }
  std::size_t hash() const noexcept { return std::hash<std::string_view>{}(view()); }

 private:
  fmt::basic_memory_buffer<char, 352> buffer_;
};

// What one bounded reap step of a shard did.
struct ShardReap {
  std::size_t messages = 0;
  std::size_t claims = 0;
  std::size_t subscriptions = 0;
  std::size_t work = 0;
  bool more = false;
};

struct alignas(64) Shard {
  explicit Shard(SubscriptionIds& ids) : subscriptions(ids) {}

  // Every member function expects the caller to hold `mutex`.

  // The queue with `key`, or nullptr.
  Queue* find(std::string_view key) noexcept;
  // Adds a new queue under `key`.
  Queue& insert(std::string_view key, std::unique_ptr<Queue> queue);
  // Removes the queue with `key` and hands it over (nullptr if absent).
  std::unique_ptr<Queue> take(std::string_view key);
  // Call after any operation that may have added messages to `queue`: makes sure reap() will
  // visit it when its earliest message expires.
  void schedule(std::string_view key, Queue& queue);
  // Frees expired messages and subscriptions, and deleted queues, about `budget` units of work.
  // Tells `journal` (if any) of every queue and subscription it changed, as reads: what it
  // removes had already expired.
  ShardReap reap(TimeMs now, std::size_t budget, Journal* journal = nullptr);
  // Whether reap(now, ...) would find anything to do.
  bool has_work(TimeMs now) const noexcept;

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  // A queue due for reaping at `when`. Entries may be stale (the queue deleted, re-created or
  // rescheduled); reap() checks each against the queue's key and incarnation.
  struct Due {
    TimeMs when;
    std::uint32_t incarnation;
    std::string key;
    friend bool operator>(const Due& a, const Due& b) noexcept { return a.when > b.when; }
  };

  std::mutex mutex;
  std::unordered_map<std::string, std::unique_ptr<Queue>, Hash, std::equal_to<>> queues;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  SubscriptionTable subscriptions;
  std::deque<std::unique_ptr<Queue>> graveyard;  // deleted queues freed a budget at a time
  // What the messages of this shard's queues (the graveyard's too) take, as MessageLog counts
  // it: kept by the queues under `mutex`, read without it (Index::footprint).
  std::atomic<std::int64_t> footprint{0};
  // Bytes posts to this shard may still add before the bound is checked over every shard again
  // (Index::admit_footprint). Under `mutex`.
  std::int64_t allowance = 0;
};

}  // namespace warren::store::memory
