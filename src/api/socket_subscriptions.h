// SocketSubscriptions: the subscriptions one WebSocket made for itself (subscription_create
// without a subscriber), at most one per queue, found by queue or by id in constant time, and
// at most `limit` of them (--ws-max-subscriptions): one socket may not make unbounded state.
// Loop thread only (it belongs to one connection).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/types.h"

namespace warren::api {

struct SocketSubscription {
  std::array<char, 32> id_hex{};  // inline: no allocation per subscription
  std::string_view id() const noexcept { return {id_hex.data(), id_hex.size()}; }
  std::string project;
  std::string queue;
  std::int64_t ttl_s = 0;
  store::TimeMs created = 0;
  store::TimeMs expires = 0;
  std::string options = "{}";
};

class SocketSubscriptions {
 public:
  explicit SocketSubscriptions(std::size_t limit) : limit_(limit) {}

  // The socket's subscription to the queue (live or expired), or nullptr.
  SocketSubscription* find(std::string_view project, std::string_view queue);
  // The subscription with this id (live or expired), or nullptr.
  SocketSubscription* find_by_id(std::string_view id);

  // A new subscription to the queue with a fresh id (the caller fills the rest), or nullptr if
  // the socket has `limit` already. Call only when find() found none.
  SocketSubscription* add(std::string_view project, std::string_view queue);
  void erase(const SocketSubscription& subscription);

  // Erases the subscriptions expired by `now`, calling `gone(s)` before each goes.
  template <class Gone>
  void erase_expired(store::TimeMs now, Gone&& gone);

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [key, s] : by_queue_) visit(s);
  }
  std::size_t size() const noexcept { return by_queue_.size(); }
  std::size_t limit() const noexcept { return limit_; }
  void clear() noexcept;

 private:
  // project NUL queue: a project id never holds a NUL (engine/names.h).
  static std::string key_of(std::string_view project, std::string_view queue);

  std::size_t limit_;
  std::unordered_map<std::string, SocketSubscription> by_queue_;  // nodes: stable addresses
  std::unordered_map<std::string_view, SocketSubscription*> by_id_;  // views into by_queue_
};

template <class Gone>
void SocketSubscriptions::erase_expired(store::TimeMs now, Gone&& gone) {
  for (auto it = by_queue_.begin(); it != by_queue_.end();) {
    if (it->second.expires > now) {
      ++it;
      continue;
    }
    gone(it->second);
    by_id_.erase(it->second.id());
    it = by_queue_.erase(it);
  }
}

}  // namespace warren::api
