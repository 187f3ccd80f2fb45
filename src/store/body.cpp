// Allocation and release of shared message bodies.
#include "store/body.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace warren::store {

Body Body::copy_of(std::string_view text, BodyEncoding encoding) {
  Body body;
  if (text.empty() && encoding == BodyEncoding::json) return body;
  if (text.size() > std::numeric_limits<std::int32_t>::max()) throw std::bad_alloc();
  void* memory = std::malloc(sizeof(Block) + text.size());
  if (memory == nullptr) throw std::bad_alloc();
  auto* block = new (memory)
      Block{{1}, static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(encoding)};
  std::memcpy(reinterpret_cast<char*>(block + 1), text.data(), text.size());
  body.block_ = block;
  return body;
}

void Body::release() noexcept {
  if (block_ && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    std::free(block_);
  }
  block_ = nullptr;
}

}  // namespace warren::store
