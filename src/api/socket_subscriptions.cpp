// SocketSubscriptions: two hash maps over the same entries.
#include "api/socket_subscriptions.h"

#include <fmt/format.h>

#include "common/random.h"

namespace warren::api {
namespace {

// A new subscription id: 32 hex digits (a random UUID's, like the Redis driver's ids).
std::array<char, 32> new_subscription_id() {
  const std::uint64_t high = random_u64();
  const std::uint64_t low = random_u64();
  std::array<char, 32> id{};
  fmt::format_to_n(id.data(), id.size(), "{:016x}{:016x}", high, low);
  return id;
}

}  // namespace

std::string SocketSubscriptions::key_of(std::string_view project, std::string_view queue) {
  std::string key;
  key.reserve(project.size() + 1 + queue.size());
  key.append(project).push_back('\0');
  key.append(queue);
  return key;
}

SocketSubscription* SocketSubscriptions::find(std::string_view project, std::string_view queue) {
  const auto it = by_queue_.find(key_of(project, queue));
  return it == by_queue_.end() ? nullptr : &it->second;
}

SocketSubscription* SocketSubscriptions::find_by_id(std::string_view id) {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

SocketSubscription* SocketSubscriptions::add(std::string_view project, std::string_view queue) {
  if (by_queue_.size() >= limit_) return nullptr;
  auto [it, inserted] = by_queue_.try_emplace(key_of(project, queue));
  SocketSubscription& s = it->second;
  s.id_hex = new_subscription_id();
  s.project = std::string(project);
  s.queue = std::string(queue);
  by_id_[s.id()] = &s;
  return &s;
}

void SocketSubscriptions::erase(const SocketSubscription& subscription) {
  by_id_.erase(subscription.id());
  by_queue_.erase(key_of(subscription.project, subscription.queue));
}

void SocketSubscriptions::clear() noexcept {
  by_id_.clear();
  by_queue_.clear();
}

}  // namespace warren::api
