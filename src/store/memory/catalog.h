// The names of every project's queues, in name order, for list_queues and count_queues. Queues
// themselves live in hashed shards; this index is the one place that sees a project's queues
// together. Lock order: a shard's lock may be held while taking the catalog's, never the reverse.
#pragma once

#include <cstdint>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace warren::store::memory {

class Catalog {
 public:
  void add(std::string_view project, std::string_view name);
  void remove(std::string_view project, std::string_view name);

  // Up to `limit` names of the project's queues after `marker` in name order, keeping only
  // names that contain `contains` (all when empty).
  std::vector<std::string> list(std::string_view project, std::string_view marker,
                                std::size_t limit, std::string_view contains) const;
  std::int64_t count(std::string_view project) const;
  // Up to `limit` projects that have queues, in name order after `marker` ("" = from the first).
  std::vector<std::string> projects(std::string_view marker, std::size_t limit) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Names = std::set<std::string, std::less<>>;

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Names, Hash, std::equal_to<>> projects_;
};

}  // namespace warren::store::memory
