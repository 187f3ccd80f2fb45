// Body: the immutable bytes of one message body and their encoding (JSON text validated once by
// the API that took it, or opaque text such as an SQS message body), shared by reference count
// so the store, listings and pushes never copy it again until it is written to a socket.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>
#include <utility>

namespace warren::store {

// What a body's bytes are, so that a renderer knows how to embed them: `json` bodies are valid
// JSON text and go into JSON documents verbatim; `text` bodies are any UTF-8 text and go in as
// a JSON string (a Zaqar reader then sees a string body). Stored with every message.
enum class BodyEncoding : std::uint8_t { json = 0, text = 1 };

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

  // A new body holding a copy of `text` (one allocation: header and bytes together). An empty
  // JSON body is the empty body; an empty text body is kept (it renders as ""). Texts of 2 GiB
  // or more throw std::bad_alloc.
  static Body copy_of(std::string_view text, BodyEncoding encoding = BodyEncoding::json);

  std::string_view view() const noexcept {
    return block_ ? std::string_view(bytes(), block_->size) : std::string_view();
  }
  BodyEncoding encoding() const noexcept {
    return block_ ? static_cast<BodyEncoding>(block_->encoding) : BodyEncoding::json;
  }
  std::size_t size() const noexcept { return block_ ? block_->size : 0; }
  bool empty() const noexcept { return size() == 0; }

  // Bytes this body holds on the heap (header + text), for memory accounting.
  std::size_t heap_bytes() const noexcept { return block_ ? sizeof(Block) + block_->size : 0; }

 private:
  struct Block {
    std::atomic<std::uint32_t> refs;
    std::uint32_t size : 31;
    std::uint32_t encoding : 1;  // a BodyEncoding
  };

  const char* bytes() const noexcept { return reinterpret_cast<const char*>(block_ + 1); }
  void retain() noexcept {
    if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept;

  Block* block_ = nullptr;
};

}  // namespace warren::store
