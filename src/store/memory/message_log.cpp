// Chunked, sequence-addressed message storage with per-chunk key minima.
#include "store/memory/message_log.h"

#include <algorithm>
#include <bit>

namespace warren::store::memory {
namespace {

constexpr std::uint64_t kMinTreeCapacity = 16;

}  // namespace

MessageLog::MessageLog(const ClaimTable& claims) : claims_(claims), tree_(kMinTreeCapacity) {}

MessageLog::~MessageLog() {
  add_footprint(
      -(static_cast<std::int64_t>(bytes_) + static_cast<std::int64_t>(size_) * kRecordFootprint));
}

void MessageLog::count_footprint_into(std::atomic<std::int64_t>* total) noexcept {
  add_footprint(
      -(static_cast<std::int64_t>(bytes_) + static_cast<std::int64_t>(size_) * kRecordFootprint));
  footprint_ = total;
  add_footprint(static_cast<std::int64_t>(bytes_) +
                static_cast<std::int64_t>(size_) * kRecordFootprint);
}

TimeMs MessageLog::key_of(const Record& record, Key key) const noexcept {
  switch (key) {
    case kVisible:
      return record.visible_at();
    case kUnclaimed:
      return claims_.expires_of(record.claim);
    case kAvailable:
      return std::max(record.visible_at(), claims_.expires_of(record.claim));
    case kExpires:
    default:
      return record.expires;
  }
}

Summary MessageLog::keys_of(const Record& record) const noexcept {
  Summary s;
  TimeMs claim_end = claims_.expires_of(record.claim);
  s.min[kVisible] = record.visible_at();
  s.min[kUnclaimed] = claim_end;
  s.min[kAvailable] = std::max(s.min[kVisible], claim_end);
  s.min[kExpires] = record.expires;
  return s;
}

std::uint64_t MessageLog::append(Record&& record) {
  const std::uint64_t seq = next_seq_;
  const std::uint64_t k = seq >> kChunkBits;
  if (dir_.empty()) first_k_ = k;
  while (first_k_ + dir_.size() <= k) dir_.emplace_back();
  if (dir_.size() > tree_.capacity()) resize_tree(std::bit_ceil(dir_.size()));
  std::unique_ptr<Chunk>& slot = dir_[k - first_k_];
  if (!slot) slot = std::make_unique<Chunk>();
  Chunk& c = *slot;
  const unsigned i = seq & (kChunkSize - 1);
  bytes_ += record.body.size();
  add_footprint(footprint_of(record.body.size()));
  c.records[i] = std::move(record);
  c.live |= std::uint64_t{1} << i;
  Summary keys = keys_of(c.records[i]);
  c.summary.lower(keys);
  tree_.lower(k, keys);
  ++next_seq_;
  ++size_;
  return seq;
}

Record* MessageLog::find(std::uint64_t seq) noexcept {
  return const_cast<Record*>(static_cast<const MessageLog*>(this)->find(seq));
}

const Record* MessageLog::find(std::uint64_t seq) const noexcept {
  const Chunk* c = chunk(seq >> kChunkBits);
  if (c == nullptr) return nullptr;
  const unsigned i = seq & (kChunkSize - 1);
  return (c->live >> i) & 1 ? &c->records[i] : nullptr;
}

void MessageLog::erase(std::uint64_t seq) {
  const std::uint64_t k = seq >> kChunkBits;
  Chunk* c = chunk(k);
  if (c == nullptr) return;
  const unsigned i = seq & (kChunkSize - 1);
  const std::uint64_t bit = std::uint64_t{1} << i;
  if ((c->live & bit) == 0) return;
  const Summary before = keys_of(c->records[i]);
  c->live &= ~bit;
  bytes_ -= c->records[i].body.size();
  add_footprint(-footprint_of(c->records[i].body.size()));
  c->records[i] = Record{};
  --size_;
  if (c->live == 0) {
    free_chunk(k);
    return;
  }
  rescan_if_needed(k, *c, before, Summary{});
}

void MessageLog::touch(std::uint64_t seq, const Summary& before) {
  const std::uint64_t k = seq >> kChunkBits;
  Chunk* c = chunk(k);
  if (c == nullptr) return;
  const unsigned i = seq & (kChunkSize - 1);
  if (((c->live >> i) & 1) == 0) return;
  const Summary after = keys_of(c->records[i]);
  rescan_if_needed(k, *c, before, after);
  c->summary.lower(after);
  tree_.lower(k, after);
}

void MessageLog::rescan_if_needed(std::uint64_t k, Chunk& c, const Summary& before,
                                  const Summary& after) {
  if (c.dirty) return;
  for (int key = 0; key < kKeyCount; ++key) {
    if (after.min[key] > before.min[key] && before.min[key] <= c.summary.min[key]) {
      dirty_.push_back(k);
      c.dirty = true;
      return;
    }
  }
}

void MessageLog::recompute(std::uint64_t k, Chunk& c) noexcept {
  Summary s;
  for (std::uint64_t mask = c.live; mask != 0; mask &= mask - 1) {
    s.lower(keys_of(c.records[static_cast<unsigned>(std::countr_zero(mask))]));
  }
  c.summary = s;
  c.dirty = false;
  tree_.set(k, s);
}

void MessageLog::flush() noexcept {
  for (std::uint64_t k : dirty_) {
    if (Chunk* c = chunk(k); c != nullptr && c->dirty) recompute(k, *c);
  }
  dirty_.clear();
  // Shrink the tree when the window has become much narrower (hysteresis: grow at 1x, shrink
  // at 1/4, so rebuilds are amortised).
  if (tree_.capacity() > kMinTreeCapacity && dir_.size() < tree_.capacity() / 4) {
    resize_tree(std::max(kMinTreeCapacity, std::bit_ceil(dir_.size()) * 2));
  }
}

void MessageLog::free_chunk(std::uint64_t k) noexcept {
  dir_[k - first_k_].reset();
  tree_.set(k, Summary{});
  while (!dir_.empty() && !dir_.front()) {
    dir_.pop_front();
    ++first_k_;
  }
  while (!dir_.empty() && !dir_.back()) dir_.pop_back();
}

void MessageLog::resize_tree(std::uint64_t capacity) {
  capacity = std::max(capacity, kMinTreeCapacity);
  SummaryTree tree(capacity);
  for (std::size_t j = 0; j < dir_.size(); ++j) {
    if (dir_[j]) tree.set_leaf(first_k_ + j, dir_[j]->summary);
  }
  tree.build();
  tree_ = std::move(tree);
}

std::uint64_t MessageLog::find_first(Key key, std::uint64_t from, TimeMs bound) const noexcept {
  if (dir_.empty()) return 0;
  if (from < 1) from = 1;
  const std::uint64_t end_k = first_k_ + dir_.size();
  const std::uint64_t from_k = from >> kChunkBits;
  std::uint64_t k = std::max(from_k, first_k_);
  while (k < end_k) {
    k = tree_.find_first(k, end_k, key, bound);
    if (k == end_k) return 0;
    const Chunk& c = *dir_[k - first_k_];
    std::uint64_t mask = c.live;
    if (k == from_k) mask &= ~std::uint64_t{0} << (from & (kChunkSize - 1));
    for (; mask != 0; mask &= mask - 1) {
      const unsigned i = static_cast<unsigned>(std::countr_zero(mask));
      ++records_examined_;
      if (key_of(c.records[i], key) <= bound) return (k << kChunkBits) | i;
    }
    ++k;
  }
  return 0;
}

std::uint64_t MessageLog::first() const noexcept {
  if (dir_.empty()) return 0;
  return (first_k_ << kChunkBits) | static_cast<unsigned>(std::countr_zero(dir_.front()->live));
}

std::uint64_t MessageLog::last() const noexcept {
  if (dir_.empty()) return 0;
  const std::uint64_t k = first_k_ + dir_.size() - 1;
  return (k << kChunkBits) |
         (kChunkSize - 1 - static_cast<unsigned>(std::countl_zero(dir_.back()->live)));
}

std::size_t MessageLog::drain(std::size_t budget) noexcept {
  std::size_t freed = 0;
  while (!dir_.empty() && freed < budget) {
    if (dir_.front()) {
      const std::size_t n = static_cast<std::size_t>(std::popcount(dir_.front()->live));
      freed += n;
      size_ -= n;
      std::int64_t drained = 0;
      for (std::uint64_t live = dir_.front()->live; live != 0; live &= live - 1) {
        const unsigned i = static_cast<unsigned>(std::countr_zero(live));
        drained += footprint_of(dir_.front()->records[i].body.size());
        bytes_ -= dir_.front()->records[i].body.size();
      }
      add_footprint(-drained);
      tree_.set(first_k_, Summary{});
    }
    dir_.pop_front();
    ++first_k_;
  }
  if (dir_.empty()) tree_ = SummaryTree(kMinTreeCapacity);
  return freed;
}

}  // namespace warren::store::memory
