// OperationJournal: the rocksdb engine's memory::Journal, one per store operation. Under the
// index's locks it encodes what each section changed into a WriteSet and submits it to the
// committer at seal(), and it works out the one log position (target) the operation's answer
// depends on; the operation waits for that position before it answers.
//
// The consistency rule (docs/rocksdb.md): an answer never shows state the log would not
// reproduce after a crash. Changes reach the index before they are durable (so concurrent
// writers can share one sync), but every answer that shows them waits until they are:
//   - a write's answer waits for its own section (which is logged after every change it saw);
//   - a read waits for the last logged change of what it shows: the queue's content_lsn for
//     messages and claims, its metadata_lsn for metadata, the store-wide catalog LSN for lists
//     of queues and for "no such queue", the subscriptions LSN for subscriptions.
// So no consumer can claim, list or get a message whose post is not yet durable, and no delete
// is reported (or observed) before it is durable. Changes a read makes on its own (removing
// expired messages) are logged too but do not hold the read's answer: losing them is harmless.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <boost/container/small_vector.hpp>

#include "store/memory/index.h"
#include "store/memory/journal.h"
#include "store/rocksdb/committer.h"
#include "store/rocksdb/write_set.h"

namespace warren::store::rocks {

// What every operation's journal shares.
// Counters are persisted ahead of use by this many numbers, so a post or a claim rewrites its
// queue's counter record only once every kCounterReserve ids (a restart skips the rest).
inline constexpr std::uint64_t kCounterReserve = 4096;

struct JournalContext {
  JournalContext(Committer& c, memory::Index& i) : committer(c), index(i) {}

  Committer& committer;
  memory::Index& index;
  std::atomic<std::uint64_t> catalog_lsn{0};        // last queue creation or deletion
  std::atomic<std::uint64_t> subscriptions_lsn{0};  // last subscription change
};

class OperationJournal final : public memory::Journal {
 public:
  explicit OperationJournal(JournalContext& context) noexcept;
  // Keeps its write buffer for the thread's next journal.
  ~OperationJournal() override;
  OperationJournal(const OperationJournal&) = delete;
  OperationJournal& operator=(const OperationJournal&) = delete;

  void queue_saved(std::string_view key, memory::Queue& queue, bool created) override;
  void queue_deleted(std::string_view key, memory::Queue& queue) override;
  void queue_used(std::string_view key, memory::Queue& queue, Use use) override;
  void metadata_read(memory::Queue& queue) override;
  void catalog_read() override;
  void subscriptions_used(memory::SubscriptionTable& table, Use use) override;
  void seal() override;

  // The log position the answer depends on (0: none).
  std::uint64_t target() const noexcept { return target_; }
  // Whether some section submitted writes (the committer must then be flushed).
  bool submitted() const noexcept { return submitted_; }

 private:
  void depend(std::uint64_t lsn) noexcept {
    if (lsn > target_) target_ = lsn;
  }
  void encode_queue_changes(memory::Queue& queue);

  JournalContext& ctx_;
  WriteSet writes_;
  // Their content_lsn / metadata_lsn become the section's.
  boost::container::small_vector<memory::Queue*, 2> content_written_;
  boost::container::small_vector<memory::Queue*, 2> metadata_written_;
  bool catalog_written_ = false;
  bool subscriptions_written_ = false;
  bool subscriptions_changed_ = false;
  bool queue_created_ = false;
  bool visible_ = false;  // the section changed what the answer shows
  std::uint64_t target_ = 0;
  bool submitted_ = false;
};

}  // namespace warren::store::rocks
