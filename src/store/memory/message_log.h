// The messages of one queue, in sequence (FIFO) order: 48-byte records in chunks of 64 addressed
// by sequence number, with per-chunk minima of each record's key times (summary_tree.h) so that
// "the first message after s that is claimable / unclaimed / visible / expired at t" costs
// O(log n) whatever lies before it.
//
// A chunk is freed as soon as its last record goes, wherever it sits, so holes left by
// out-of-order deletes cost at most one partly used chunk each, and the directory is trimmed at
// both ends. Summaries are lower bounds between a change and flush(): decreases are applied at
// once (so searches never miss a match), increases and removals mark the chunk dirty and are
// recomputed once per chunk at flush(), which every operation calls before it returns.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "store/body.h"
#include "store/memory/claim_table.h"
#include "store/memory/summary_tree.h"
#include "store/types.h"

namespace warren::store::memory {

// One stored message. Kept at 48 bytes: with a 100-byte body (128 bytes of heap) a message
// costs about 180 bytes in all.
struct Record {
  Body body;
  TimeMs created = 0;
  TimeMs expires = 0;               // created + ttl, or stretched by a claim
  std::uint32_t ttl_s = 0;          // the TTL shown to clients (saturated at 2^32 - 1)
  std::uint32_t delay_s = 0;        // visible from created + delay_s seconds
  std::uint32_t client = 0;         // ClientTable index of the poster
  std::uint32_t claim = 0;          // ClaimTable reference of its last claim; 0 = none/released
  std::uint32_t claim_count = 0;    // deliveries by claim counted for the dead-letter policy
  std::uint32_t receive_count = 0;  // deliveries by claim, always counted (saturating)

  TimeMs visible_at() const noexcept { return created + TimeMs{delay_s} * 1000; }
};
static_assert(sizeof(Record) == 48, "a record must stay compact (see the memory budget)");

class MessageLog {
 public:
  static constexpr unsigned kChunkBits = 6;
  static constexpr std::uint64_t kChunkSize = std::uint64_t{1} << kChunkBits;

  explicit MessageLog(const ClaimTable& claims);
  ~MessageLog();
  MessageLog(const MessageLog&) = delete;
  MessageLog& operator=(const MessageLog&) = delete;

  // The sequence number the next append gets (sequences start at 1).
  std::uint64_t next_seq() const noexcept { return next_seq_; }

  // Stores `record` as the next sequence number and returns that number.
  std::uint64_t append(Record&& record);
  // Makes `seq` the next sequence number if it is beyond the current one (restoring records
  // with gaps, or a counter that was persisted ahead of the records).
  void skip_to(std::uint64_t seq) noexcept {
    if (seq > next_seq_) next_seq_ = seq;
  }

  // The live record `seq`, or nullptr.
  Record* find(std::uint64_t seq) noexcept;
  const Record* find(std::uint64_t seq) const noexcept;

  // Removes the live record `seq` (its body is released).
  void erase(std::uint64_t seq);

  // Tells the log that the keys of live record `seq` changed (claim, release, stretch); `before`
  // is keys_of() the record before the change. The chunk is rescanned at flush() only if a key
  // rose from its chunk's minimum; decreases cost O(log n) at once.
  void touch(std::uint64_t seq, const Summary& before);

  // Makes every summary exact again; call before returning from an operation.
  void flush() noexcept;

  // The first live sequence number >= from whose key is <= bound, or 0.
  std::uint64_t find_first(Key key, std::uint64_t from, TimeMs bound) const noexcept;
  // The first live sequence number >= from, or 0.
  std::uint64_t next_live(std::uint64_t from) const noexcept {
    return find_first(kExpires, from, kNever - 1);
  }
  // The oldest and newest live sequence numbers, or 0 when empty.
  std::uint64_t first() const noexcept;
  std::uint64_t last() const noexcept;

  std::size_t size() const noexcept { return size_; }
  // Body bytes of the live records (the per-queue byte quota counts them).
  std::size_t bytes() const noexcept { return bytes_; }

  // What a record of `body_bytes` counts towards the stored bytes' bound (--max-stored-bytes):
  // its body and about what the record and the body's header take beside it.
  static constexpr std::int64_t kRecordFootprint = 64;
  static std::int64_t footprint_of(std::size_t body_bytes) noexcept {
    return static_cast<std::int64_t>(body_bytes) + kRecordFootprint;
  }
  // From now on, adds what the live records take (footprint_of each) to `total`, and keeps it
  // current as records come and go, until this log is destroyed (which takes them back out).
  // `total` (shared with other logs, changed with relaxed atomics) must outlive this log.
  void count_footprint_into(std::atomic<std::int64_t>* total) noexcept;

  // Lower bound of `key` over all live records (exact after flush()).
  TimeMs min_key(Key key) const noexcept { return tree_.root().min[key]; }

  // The key times of a record.
  Summary keys_of(const Record& record) const noexcept;

  // Work done by find_first() since construction: records examined and tree nodes visited.
  // Lets tests check that searches stay O(log n) without timing them.
  struct SearchCost {
    std::uint64_t records = 0;
    std::uint64_t nodes = 0;
  };
  SearchCost search_cost() const noexcept { return {records_examined_, tree_.nodes_visited()}; }

  // Frees whole chunks from the front until about `budget` records are gone; for a deleted
  // queue whose claims and clients no longer matter. Returns the records freed.
  std::size_t drain(std::size_t budget) noexcept;

 private:
  struct Chunk {
    std::uint64_t live = 0;  // bit i set: records[i] is live
    Summary summary;         // minima of the live records' keys (a lower bound while dirty)
    bool dirty = false;
    std::array<Record, kChunkSize> records;
  };

  Chunk* chunk(std::uint64_t k) const noexcept {
    if (k < first_k_ || k - first_k_ >= dir_.size()) return nullptr;
    return dir_[k - first_k_].get();
  }
  TimeMs key_of(const Record& record, Key key) const noexcept;
  void recompute(std::uint64_t k, Chunk& c) noexcept;
  // Marks the chunk for a rescan if a record whose keys were `before` held one of its minima
  // and that key rose (to `after`, or away with the record).
  void rescan_if_needed(std::uint64_t k, Chunk& c, const Summary& before, const Summary& after);
  void free_chunk(std::uint64_t k) noexcept;
  void resize_tree(std::uint64_t capacity);

  const ClaimTable& claims_;
  std::deque<std::unique_ptr<Chunk>> dir_;  // chunks first_k_ .. first_k_ + size - 1; ends non-null
  std::uint64_t first_k_ = 0;
  std::uint64_t next_seq_ = 1;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
  std::atomic<std::int64_t>* footprint_ = nullptr;
  void add_footprint(std::int64_t delta) noexcept {
    if (footprint_ != nullptr) footprint_->fetch_add(delta, std::memory_order_relaxed);
  }
  SummaryTree tree_;
  std::vector<std::uint64_t> dirty_;  // chunk numbers to recompute at flush()
  mutable std::uint64_t records_examined_ = 0;
};

}  // namespace warren::store::memory
