// Journal: how a durable engine that keeps the memory engine's structures as its index (rocksdb)
// learns what every operation read and changed. The index (index.h) calls it under the locks of
// each locked section, before releasing them, so the engine can append the section's changes to
// its write-ahead log in exactly the order they were applied to the index, and know which of its
// log positions an answer depends on. The memory engine runs without one (nullptr).
//
// Rules the index keeps:
// - Every section that touches a queue calls queue_used() for it once, after its last change;
//   the queue's changes() list (queue.h) is the journal's to drain there.
// - Every section ends with seal(), still under its locks; a section that changed nothing seals
//   too (the journal then adds nothing to its log, but records what the answer depends on).
// - "Read" uses may still change state the answer cannot show (removing expired messages, whose
//   loss on a crash is harmless): the journal persists those changes but need not make the
//   answer wait for them.
#pragma once

#include <string_view>

namespace warren::store::memory {

class Queue;
class SubscriptionTable;

class Journal {
 public:
  enum class Use { read, write };

  virtual ~Journal() = default;

  // `queue` (index key `key`, see QueueKey) was just created (`created`) or had its metadata
  // replaced.
  virtual void queue_saved(std::string_view key, Queue& queue, bool created) = 0;
  // `queue` was deleted with all its messages and claims (its subscriptions stay).
  virtual void queue_deleted(std::string_view key, Queue& queue) = 0;
  // The section read or wrote `queue`'s messages and claims; queue.changes() lists the changes.
  virtual void queue_used(std::string_view key, Queue& queue, Use use) = 0;
  // The answer shows `queue`'s metadata (or relies on the queue existing).
  virtual void metadata_read(Queue& queue) = 0;
  // The answer relies on a queue being absent, or lists queues.
  virtual void catalog_read() = 0;
  // The section read or wrote subscriptions; table.changes() lists the changes.
  virtual void subscriptions_used(SubscriptionTable& table, Use use) = 0;
  // End of a locked section: its changes form one atomic write, logged after every section
  // sealed before it.
  virtual void seal() = 0;
};

}  // namespace warren::store::memory
