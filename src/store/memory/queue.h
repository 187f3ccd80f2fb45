// One queue of the memory engine: its metadata, messages, claims and interned clients, and every
// message and claim rule of the storage contract (store.h) applied at a given `now`. The caller
// (MemoryStore) serialises access with the queue's shard lock.
//
// Expired messages are invisible at once (every read checks `expires <= now`) and are removed
// lazily by the operation that meets them, by stats() and by reap(); each is removed once, so the
// cost is amortised O(log n) per message and never a sweep of the queue.
//
// A durable engine that keeps this queue as its index (rocksdb) turns on change tracking: every
// message and claim an operation adds, changes or removes is then listed in changes() for the
// engine's journal to persist (journal.h), and restore_*() rebuild the queue at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "store/memory/claim_table.h"
#include "store/memory/client_table.h"
#include "store/memory/message_log.h"
#include "store/types.h"

namespace warren::store::memory {

// A message leaving its queue for the dead-letter queue: its record as it will be there (the
// TTL and expiry it gets there; the claim left behind) and its poster. The record's client and
// claim references are its old queue's and are replaced on arrival.
struct DeadLetter {
  Record record;
  std::string client;
};

// A message as a durable engine stored it, handed back to restore_message() at start-up: its
// record (client and claim references are set on arrival), its poster and the number of its
// last claim (0: none or released).
struct RestoredMessage {
  Record record;
  std::string_view client;
  std::uint64_t claim = 0;
};

// What changed in a queue since its journal last drained the list (only while tracking).
// Numbers may repeat; the journal persists the current state of each (or its absence).
struct QueueChanges {
  std::vector<std::uint64_t> messages;  // sequence numbers of messages added, changed, removed
  std::vector<std::uint64_t> claims;    // claim numbers created, restarted or freed
  bool counters = false;                // next_seq() or last_claim() moved

  bool empty() const noexcept { return messages.empty() && claims.empty() && !counters; }
  void clear() noexcept {
    messages.clear();
    claims.clear();
    counters = false;
  }
};

// What one bounded reap step of a queue did.
struct QueueReap {
  std::size_t messages = 0;  // expired messages removed
  std::size_t claims = 0;    // claim records freed with them (expired claims left no message)
  std::size_t work = 0;      // units of budget used
};

class Queue {
 public:
  Queue(std::uint32_t incarnation, std::string metadata);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Counts this queue's messages into `total` (MessageLog::count_footprint_into).
  void count_footprint_into(std::atomic<std::int64_t>* total) noexcept {
    log_.count_footprint_into(total);
  }

  std::string metadata;       // opaque JSON object text
  TimeMs scheduled = kNever;  // when its shard's reap schedule next visits it (shard-managed)
  // A durable engine's bookkeeping for this queue (journal-managed; unused by the memory engine).
  struct JournalMarks {
    // Log positions of the last changes an answer may show: of its messages and claims, and of
    // its existence and metadata.
    std::uint64_t content_lsn = 0;
    std::uint64_t metadata_lsn = 0;
    // How far the persisted counters reach: message numbers below reserved_seq and claim numbers
    // up to reserved_claim may have been handed out (they are reserved ahead, in blocks).
    std::uint64_t reserved_seq = 0;
    std::uint64_t reserved_claim = 0;
  };
  JournalMarks marks;

  std::uint32_t incarnation() const noexcept { return incarnation_; }
  std::size_t size() const noexcept { return log_.size(); }
  // When its earliest message expires (kNever if empty); exact between operations.
  TimeMs next_expiry() const noexcept { return log_.min_key(kExpires); }

  // ---- messages (store.h has the contract of each) ----
  std::vector<ShortId> post(std::string_view client, std::span<const NewMessage> messages,
                            TimeMs now);
  // Appends a message moved here from another queue's claim (dead-letter policy).
  void append(DeadLetter&& letter);
  MessagePage list(const MessageListOptions& options, TimeMs now);
  std::vector<Message> get(std::span<const std::string_view> ids, TimeMs now);
  Result<void> delete_one(std::string_view id, std::optional<std::string_view> claim_id,
                          TimeMs now);
  // Deletes the listed messages, unless `claim_ids` is non-empty and a live claim not among them
  // holds one of them: then nothing is deleted and that claim's id is returned.
  std::optional<ShortId> delete_many(std::span<const std::string_view> ids,
                                     std::span<const std::string_view> claim_ids, TimeMs now);
  std::vector<Message> pop(int limit, TimeMs now);
  void purge(TimeMs now);
  QueueStats stats(TimeMs now);

  // ---- claims ----
  // Messages the dead-letter policy moves are appended to `moved` for the caller to deliver.
  ClaimResult claim(const ClaimParams& params, TimeMs now, std::vector<DeadLetter>& moved);
  Result<ClaimInfo> get_claim(QueueRef ref, std::string_view claim_id, TimeMs now);
  Result<void> update_claim(QueueRef ref, std::string_view claim_id, std::int64_t ttl_s,
                            std::int64_t grace_s, TimeMs now);
  void release_claim(std::string_view claim_id);

  // ---- per-message visibility ----
  Result<void> change_visibility(QueueRef ref, Receipt receipt, TimeMs visible_at, TimeMs now);
  bool delete_received(Receipt receipt, TimeMs now);

  // ---- maintenance ----
  // Removes expired messages (and claims left with none), at most `budget` of them.
  QueueReap reap(TimeMs now, std::size_t budget);
  // Frees about `budget` messages of a deleted queue; returns how many.
  std::size_t drain(std::size_t budget) noexcept { return log_.drain(budget); }

  // ---- change tracking (durable engines) ----
  // From now on, every change is listed in changes() until the journal clears it.
  void track_changes() noexcept { tracking_ = true; }
  QueueChanges& changes() noexcept { return changes_; }
  // The live message `seq` (nullptr if absent) and what a journal stores of it.
  const Record* record(std::uint64_t seq) const noexcept { return log_.find(seq); }
  std::string_view client_of(const Record& record) const noexcept {
    return clients_.name(record.client);
  }
  // The number of the record's last claim, 0 if none.
  std::uint64_t claim_number(const Record& record) const noexcept {
    return record.claim == ClaimTable::kNoClaim ? 0 : claims_.at(record.claim).seq;
  }
  // The claim with number `seq` while some message still names it, else nullptr.
  const Claim* claim_record(std::uint64_t seq) const noexcept {
    const std::uint32_t ref = claims_.find(seq);
    return ref == ClaimTable::kNoClaim ? nullptr : &claims_.at(ref);
  }
  std::uint64_t next_seq() const noexcept { return log_.next_seq(); }
  std::uint64_t last_claim() const noexcept { return last_claim_seq_; }

  // ---- restoring at start-up (durable engines) ----
  // Claims first, then messages in ascending order, then finish_restore().
  void restore_claim(std::uint64_t seq, TimeMs started, TimeMs expires, std::int64_t ttl_s);
  // Returns false if the message names a claim that was not restored (it is kept unclaimed).
  bool restore_message(std::uint64_t seq, RestoredMessage&& message);
  // Sets the counters (never below what the restored records imply) and frees restored claims
  // no message names; returns their numbers, for the engine to delete.
  std::vector<std::uint64_t> finish_restore(std::uint64_t next_seq, std::uint64_t last_claim);

 private:
  void note_message(std::uint64_t seq) {
    if (tracking_) changes_.messages.push_back(seq);
  }
  void note_claim(std::uint64_t claim_seq) {
    if (tracking_) changes_.claims.push_back(claim_seq);
  }

  // The sequence number of `id` if it is a well-formed id of this incarnation.
  std::optional<std::uint64_t> own_seq(std::string_view id) const noexcept;
  // The live claim reference named by `claim_id`, or kNoClaim.
  std::uint32_t live_claim(std::string_view claim_id, TimeMs now) const noexcept;
  Message to_message(std::uint64_t seq, const Record& record) const;
  void remove(std::uint64_t seq);
  // Stretches a claimed message so it lives at least until claim_end + grace.
  static void stretch(Record& record, TimeMs claim_end, std::int64_t ttl_s,
                      std::int64_t grace_s) noexcept;

  std::uint32_t incarnation_;
  std::uint64_t last_claim_seq_ = 0;
  ClaimTable claims_;
  ClientTable clients_;
  MessageLog log_{claims_};
  bool tracking_ = false;
  QueueChanges changes_;
  std::vector<std::uint32_t> restored_claims_;  // references restored, until finish_restore()
};

}  // namespace warren::store::memory
