// WriteSet: the writes of one journal section, encoded into one buffer on the event loop and
// replayed into the group's rocksdb::WriteBatch on the commit thread, so loop threads never
// touch RocksDB and merging sections costs one pass over bytes. SpareBuffer keeps one such
// buffer for a thread's next section.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/rocksdb/codec.h"

namespace warren::store::rocks {

class WriteSet {
 public:
  void put(Cf cf, std::string_view key, std::string_view value) { add(kPut, cf, key, value); }
  void erase(Cf cf, std::string_view key) { add(kErase, cf, key, {}); }
  // Erases every key in [begin, end).
  void erase_range(Cf cf, std::string_view begin, std::string_view end) {
    add(kEraseRange, cf, begin, end);
  }

  // Takes `buffer` as storage (its text is dropped, its capacity kept).
  void adopt(std::string&& buffer) noexcept {
    bytes_ = std::move(buffer);
    bytes_.clear();
    count_ = 0;
  }
  // Gives up the storage, for reuse.
  std::string release() && noexcept {
    count_ = 0;
    return std::move(bytes_);
  }

  bool empty() const noexcept { return bytes_.empty(); }
  std::size_t bytes() const noexcept { return bytes_.size(); }
  std::size_t count() const noexcept { return count_; }

  // Appends every write, in order, to `batch` (handles indexed by Cf).
  rocksdb::Status apply(rocksdb::WriteBatch& batch,
                        std::span<rocksdb::ColumnFamilyHandle* const> handles) const {
    std::string_view in = bytes_;
    while (!in.empty()) {
      const auto op = static_cast<Op>(in[0]);
      rocksdb::ColumnFamilyHandle* cf = handles[static_cast<std::uint8_t>(in[1])];
      in.remove_prefix(2);
      const std::string_view key = take(in);
      const std::string_view value = take(in);
      rocksdb::Status status;
      switch (op) {
        case kPut:
          status = batch.Put(cf, key, value);
          break;
        case kErase:
          status = batch.Delete(cf, key);
          break;
        case kEraseRange:
          status = batch.DeleteRange(cf, key, value);
          break;
      }
      if (!status.ok()) return status;
    }
    return rocksdb::Status::OK();
  }

 private:
  enum Op : std::uint8_t { kPut, kErase, kEraseRange };

  void add(Op op, Cf cf, std::string_view key, std::string_view value) {
    bytes_.push_back(static_cast<char>(op));
    bytes_.push_back(static_cast<char>(cf));
    append(key);
    append(value);
    ++count_;
  }
  void append(std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    char length[4];
    std::memcpy(length, &size, 4);
    bytes_.append(length, 4);
    bytes_.append(text);
  }
  static std::string_view take(std::string_view& in) noexcept {
    std::uint32_t size;
    std::memcpy(&size, in.data(), 4);
    const std::string_view text = in.substr(4, size);
    in.remove_prefix(4 + size);
    return text;
  }

  std::string bytes_;
  std::size_t count_ = 0;
};

// One spare write buffer, passed from journal to journal on a thread: a journal takes it when it
// starts and leaves its own buffer when it ends, and the larger of the two is kept, so encoding
// allocates nothing once the buffers have grown. (Capacities are compared: a buffer taken away
// is a moved-from string, which still reports its inline capacity.)
class SpareBuffer {
 public:
  std::string take() noexcept { return std::move(buffer_); }
  void leave(std::string&& buffer) noexcept {
    if (buffer.capacity() > buffer_.capacity()) buffer_ = std::move(buffer);
  }

 private:
  std::string buffer_;
};

}  // namespace warren::store::rocks
