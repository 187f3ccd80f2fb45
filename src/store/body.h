// Body: the immutable text of one message body (raw JSON, validated once by the API), shared by
// reference count so the store, listings and pushes never copy it again until it is written to a
// socket.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>
#include <utility>

namespace warren::store {

class Body {
 public:
  Body() noexcept = default;  // the empty body (no text)
  Body(const Body& other) noexcept : block_(other.block_) { retain(); }
  Body(Body&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Body& operator=(Body other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~Body() { release(); }

  // A new body holding a copy of `text` (one allocation: header and bytes together).
  static Body copy_of(std::string_view text);

  std::string_view view() const noexcept {
    return block_ ? std::string_view(bytes(), block_->size) : std::string_view();
  }
  std::size_t size() const noexcept { return block_ ? block_->size : 0; }
  bool empty() const noexcept { return size() == 0; }

  // Bytes this body holds on the heap (header + text), for memory accounting.
  std::size_t heap_bytes() const noexcept { return block_ ? sizeof(Block) + block_->size : 0; }

 private:
  struct Block {
    std::atomic<std::uint32_t> refs;
    std::uint32_t size;
  };

  const char* bytes() const noexcept { return reinterpret_cast<const char*>(block_ + 1); }
  void retain() noexcept {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept;

  Block* block_ = nullptr;
};

}  // namespace warren::store
