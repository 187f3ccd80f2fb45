// Encoding of index changes into write sets, and the answer's log position.
#include "store/rocksdb/op_journal.h"

#include <algorithm>

#include "common/loop_local.h"

namespace warren::store::rocks {
namespace {

void raise(std::atomic<std::uint64_t>& mark, std::uint64_t lsn) noexcept {
  std::uint64_t current = mark.load(std::memory_order_relaxed);
  while (current < lsn && !mark.compare_exchange_weak(current, lsn)) {
  }
}

template <class T>
void sort_unique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// Buffers that circulate between this loop's journals and the commit thread, so encoding a
// section allocates nothing in the steady state.
struct Spares {
  SpareBuffer writes;
  std::string value;
};
LoopLocal<Spares> spares;

}  // namespace

OperationJournal::OperationJournal(JournalContext& context) noexcept : ctx_(context) {
  writes_.adopt(spares->writes.take());
}

OperationJournal::~OperationJournal() {
  spares->writes.leave(std::move(writes_).release());
}

void OperationJournal::queue_saved(std::string_view key, memory::Queue& queue, bool created) {
  writes_.put(kQueues, key, encode_queue(queue.incarnation(), queue.metadata));
  metadata_written_.push_back(&queue);
  visible_ = true;
  if (created) {
    catalog_written_ = true;
    queue_created_ = true;
  }
}

void OperationJournal::queue_deleted(std::string_view key, memory::Queue& queue) {
  const std::uint32_t incarnation = queue.incarnation();
  writes_.erase(kQueues, key);
  const std::string begin = numbered_key(incarnation, 0);
  const std::string end = incarnation_end(incarnation);
  writes_.erase_range(kMessages, begin, end);
  writes_.erase_range(kClaims, begin, end);
  queue.changes().clear();
  catalog_written_ = true;
  visible_ = true;
}

void OperationJournal::encode_queue_changes(memory::Queue& queue) {
  memory::QueueChanges& changes = queue.changes();
  const std::uint32_t incarnation = queue.incarnation();
  sort_unique(changes.messages);
  for (std::uint64_t seq : changes.messages) {
    const std::string key = numbered_key(incarnation, seq);
    if (const memory::Record* record = queue.record(seq)) {
      std::string& value = spares->value;
      value.clear();
      encode_message(value, *record, queue.client_of(*record), queue.claim_number(*record));
      writes_.put(kMessages, key, value);
    } else {
      writes_.erase(kMessages, key);
    }
  }
  sort_unique(changes.claims);
  for (std::uint64_t seq : changes.claims) {
    const std::string key = numbered_key(incarnation, seq);
    if (const memory::Claim* claim = queue.claim_record(seq)) {
      writes_.put(kClaims, key, encode_claim({claim->started, claim->expires, claim->ttl_s}));
    } else {
      writes_.erase(kClaims, key);
    }
  }
  memory::Queue::JournalMarks& marks = queue.marks;
  if (changes.counters &&
      (queue.next_seq() > marks.reserved_seq || queue.last_claim() > marks.reserved_claim)) {
    marks.reserved_seq = std::max(marks.reserved_seq, queue.next_seq() + kCounterReserve);
    marks.reserved_claim = std::max(marks.reserved_claim, queue.last_claim() + kCounterReserve);
    writes_.put(kMessages, numbered_key(incarnation, 0),
                encode_counters({marks.reserved_seq, marks.reserved_claim}));
  }
  changes.clear();
}

void OperationJournal::queue_used(std::string_view, memory::Queue& queue, Use use) {
  depend(queue.marks.content_lsn);
  if (queue.changes().empty()) return;
  encode_queue_changes(queue);
  if (use == Use::write) {
    content_written_.push_back(&queue);
    visible_ = true;
  }
}

void OperationJournal::metadata_read(memory::Queue& queue) {
  depend(queue.marks.metadata_lsn);
}

void OperationJournal::catalog_read() {
  depend(ctx_.catalog_lsn.load(std::memory_order_acquire));
}

void OperationJournal::subscriptions_used(memory::SubscriptionTable& table, Use use) {
  depend(ctx_.subscriptions_lsn.load(std::memory_order_acquire));
  std::vector<memory::SubscriptionTable::Change>& changes = table.changes();
  if (changes.empty()) return;
  for (const auto& change : changes) {
    const std::string key = subscription_key(change.key, change.seq);
    if (const auto* entry = table.entry(change.key, change.seq)) {
      writes_.put(kSubscriptions, key, encode_subscription(*entry));
    } else {
      writes_.erase(kSubscriptions, key);
    }
  }
  changes.clear();
  subscriptions_changed_ = true;
  if (use == Use::write) {
    subscriptions_written_ = true;
    visible_ = true;
  }
}

void OperationJournal::seal() {
  if (!writes_.empty()) {
    CounterMarks marks;
    if (queue_created_) marks.next_incarnation = ctx_.index.next_incarnation();
    if (subscriptions_changed_) marks.last_subscription = ctx_.index.last_subscription();
    std::string recycled;
    const std::uint64_t lsn = ctx_.committer.submit(std::move(writes_), marks, &recycled);
    submitted_ = true;
    writes_ = WriteSet();
    writes_.adopt(std::move(recycled));
    for (memory::Queue* queue : content_written_) queue->marks.content_lsn = lsn;
    for (memory::Queue* queue : metadata_written_) queue->marks.metadata_lsn = lsn;
    if (catalog_written_) raise(ctx_.catalog_lsn, lsn);
    if (subscriptions_written_) raise(ctx_.subscriptions_lsn, lsn);
    if (visible_) depend(lsn);
  }
  content_written_.clear();
  metadata_written_.clear();
  catalog_written_ = subscriptions_written_ = subscriptions_changed_ = false;
  queue_created_ = visible_ = false;
}

}  // namespace warren::store::rocks
