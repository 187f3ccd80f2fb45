// PolicyCache: recently seen queue-metadata texts and the policies they set. Posts and claims
// read their queue's metadata every time, and parsing it every time would cost more than the
// operation. Tenants write the metadata, so the cache is bounded however they write it: only
// texts up to `max_text` bytes are kept (a longer one is parsed at each use, which only its own
// queue pays), at most `max_entries` of them and `max_bytes` of text in all (past either bound it
// starts over). A lookup does not allocate.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/queue_metadata.h"

namespace warren::engine {

class PolicyCache {
 public:
  struct Bounds {
    std::size_t max_text = 1024;
    std::size_t max_entries = 1024;
    std::size_t max_bytes = 256 * 1024;
  };
  PolicyCache() : PolicyCache(Bounds{}) {}
  explicit PolicyCache(Bounds bounds) : bounds_(bounds) {}

  // The policy `metadata` (stored metadata text) sets; unparseable text sets none.
  QueuePolicy policy(std::string_view metadata);

  std::size_t entries() const noexcept { return map_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  Bounds bounds_;
  std::unordered_map<std::string, QueuePolicy, Hash, std::equal_to<>> map_;
  std::size_t bytes_ = 0;
};

}  // namespace warren::engine
