// SharedBytes: immutable bytes that several sockets of ONE event loop write out (a batch of push
// frames sent to every subscriber). Loop-local by contract: the reference count is a plain
// integer, so a SharedBytes must never be referenced from two threads. Cross-loop sharing is the
// caller's business (the push hub copies a batch once per loop).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <boost/intrusive_ptr.hpp>

namespace warren::ws {

class SharedBytes {
 public:
  explicit SharedBytes(std::string bytes) noexcept : bytes_(std::move(bytes)) {}
  SharedBytes(const SharedBytes&) = delete;
  SharedBytes& operator=(const SharedBytes&) = delete;

  std::string_view view() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return bytes_.size(); }

  // The bytes, for the creator to fill before the first reference is handed out.
  std::string& mutable_bytes() noexcept { return bytes_; }

 private:
  friend void intrusive_ptr_add_ref(SharedBytes* p) noexcept { ++p->refs_; }
  friend void intrusive_ptr_release(SharedBytes* p) noexcept {
    if (--p->refs_ == 0) delete p;
  }

  std::uint32_t refs_ = 0;
  std::string bytes_;
};

using SharedBytesPtr = boost::intrusive_ptr<SharedBytes>;

inline SharedBytesPtr make_shared_bytes(std::string bytes = {}) {
  return SharedBytesPtr(new SharedBytes(std::move(bytes)));
}

}  // namespace warren::ws
