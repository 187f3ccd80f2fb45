// PolicyCache: a bounded map from metadata text to the policy it sets.
#include "engine/policy_cache.h"

namespace warren::engine {

QueuePolicy PolicyCache::policy(std::string_view metadata) {
  if (metadata.empty() || metadata == "{}") return QueuePolicy{};
  if (const auto hit = map_.find(metadata); hit != map_.end()) return hit->second;
  auto parsed = QueueMetadata::parse(metadata);
  QueuePolicy policy = parsed ? parsed->policy() : QueuePolicy{};
  if (metadata.size() > bounds_.max_text) return policy;
  if (map_.size() >= bounds_.max_entries || bytes_ + metadata.size() > bounds_.max_bytes) {
    map_.clear();
    bytes_ = 0;
  }
  map_.emplace(std::string(metadata), policy);
  bytes_ += metadata.size();
  return policy;
}

}  // namespace warren::engine
