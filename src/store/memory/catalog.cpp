// Per-project queue-name index of the memory engine.
#include "store/memory/catalog.h"

#include <algorithm>
#include <mutex>

namespace warren::store::memory {

void Catalog::add(std::string_view project, std::string_view name) {
  std::unique_lock lock(mutex_);
  auto it = projects_.find(project);
  if (it == projects_.end()) it = projects_.emplace(std::string(project), Names{}).first;
  it->second.emplace(name);
}

void Catalog::remove(std::string_view project, std::string_view name) {
  std::unique_lock lock(mutex_);
  auto it = projects_.find(project);
  if (it == projects_.end()) return;
  if (auto found = it->second.find(name); found != it->second.end()) it->second.erase(found);
  if (it->second.empty()) projects_.erase(it);
}

std::vector<std::string> Catalog::list(std::string_view project, std::string_view marker,
                                       std::size_t limit, std::string_view contains) const {
  std::vector<std::string> names;
  std::shared_lock lock(mutex_);
  auto it = projects_.find(project);
  if (it == projects_.end()) return names;
  const Names& all = it->second;
  for (auto name = marker.empty() ? all.begin() : all.upper_bound(marker);
       name != all.end() && names.size() < limit; ++name) {
    if (contains.empty() || name->find(contains) != std::string::npos) names.push_back(*name);
  }
  return names;
}

std::vector<std::string> Catalog::projects(std::string_view marker, std::size_t limit) const {
  std::vector<std::string> names;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [project, queues] : projects_) {
      if (project > marker) names.push_back(project);
    }
  }
  // The map is unordered: sort, then keep the first `limit` (projects are few beside queues).
  const std::size_t keep = std::min(limit, names.size());
  std::partial_sort(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(keep), names.end());
  names.resize(keep);
  return names;
}

std::int64_t Catalog::count(std::string_view project) const {
  std::shared_lock lock(mutex_);
  auto it = projects_.find(project);
  return it == projects_.end() ? 0 : static_cast<std::int64_t>(it->second.size());
}

}  // namespace warren::store::memory
