// Subscription records, their uniqueness by subscriber, and their expiry.
#include "store/memory/subscription_table.h"

#include "store/memory/ids.h"
#include "store/memory/time_math.h"

namespace warren::store::memory {

SubscriptionTable::Set* SubscriptionTable::find_set(std::string_view key) noexcept {
  auto it = sets_.find(key);
  return it == sets_.end() ? nullptr : &it->second;
}

const SubscriptionTable::Set* SubscriptionTable::find_set(std::string_view key) const noexcept {
  auto it = sets_.find(key);
  return it == sets_.end() ? nullptr : &it->second;
}

SubscriptionTable::Entry* SubscriptionTable::find_live(Set* set, std::string_view id,
                                                       TimeMs now) noexcept {
  const SubscriptionTable& self = *this;
  return const_cast<Entry*>(self.find_live(static_cast<const Set*>(set), id, now));
}

const SubscriptionTable::Entry* SubscriptionTable::find_live(const Set* set, std::string_view id,
                                                             TimeMs now) const noexcept {
  if (set == nullptr) return nullptr;
  std::optional<IdParts> parts = parse_id(id);
  if (!parts || parts->prefix != ids_.nonce) return nullptr;
  auto it = set->by_seq.find(parts->seq);
  if (it == set->by_seq.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

void SubscriptionTable::remove(Set& set, std::map<std::uint64_t, Entry>::iterator it) {
  auto by_subscriber = set.by_subscriber.find(it->second.subscriber);
  if (by_subscriber != set.by_subscriber.end() && by_subscriber->second == it->first) {
    set.by_subscriber.erase(by_subscriber);
  }
  set.by_seq.erase(it);
}

Subscription SubscriptionTable::to_subscription(std::uint64_t seq, const Entry& entry,
                                                std::string_view source) const {
  Subscription s;
  s.id = format_id({ids_.nonce, seq});
  s.source = std::string(source);
  s.subscriber = entry.subscriber;
  s.ttl_s = entry.ttl_s;
  s.created = entry.created;
  s.expires = entry.expires;
  s.options = entry.options;
  s.confirmed = entry.confirmed;
  return s;
}

void SubscriptionTable::schedule(std::string_view key, std::uint64_t seq, TimeMs expires) {
  due_.push(Due{expires, seq, std::string(key)});
}

Result<SubscriptionCreated> SubscriptionTable::create(std::string_view key,
                                                      const NewSubscription& subscription,
                                                      TimeMs now) {
  auto set_it = sets_.find(key);
  if (set_it == sets_.end()) set_it = sets_.emplace(std::string(key), Set{}).first;
  Set& set = set_it->second;
  if (auto dup = set.by_subscriber.find(std::string(subscription.subscriber));
      dup != set.by_subscriber.end()) {
    auto it = set.by_seq.find(dup->second);
    if (it != set.by_seq.end() && it->second.expires > now) {
      if (it->second.confirmed) return make_error(Errc::subscription_conflict);
      return SubscriptionCreated{format_id({ids_.nonce, it->first}), false};
    }
    if (it != set.by_seq.end()) {
      note(key, it->first);
      remove(set, it);  // an expired duplicate no longer counts
    } else {
      set.by_subscriber.erase(dup);
    }
  }
  const std::uint64_t seq = ids_.last_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  Entry entry;
  entry.subscriber = std::string(subscription.subscriber);
  entry.ttl_s = subscription.ttl_s;
  entry.created = now;
  entry.expires = add_seconds(now, subscription.ttl_s);
  entry.options = std::string(subscription.options);
  const TimeMs expires = entry.expires;
  set.by_subscriber.emplace(entry.subscriber, seq);
  set.by_seq.emplace(seq, std::move(entry));
  schedule(key, seq, expires);
  note(key, seq);
  return SubscriptionCreated{format_id({ids_.nonce, seq}), true};
}

SubscriptionPage SubscriptionTable::list(std::string_view key, QueueRef queue,
                                         std::string_view marker, int limit, TimeMs now) const {
  SubscriptionPage page;
  const Set* set = find_set(key);
  if (set == nullptr || limit <= 0) return page;
  auto it = set->by_seq.begin();
  if (!marker.empty()) {
    std::optional<IdParts> parts = parse_id(marker);
    if (!parts) return page;  // unparseable marker: empty page, as for messages
    // Ids sort as text; all of ours share the nonce, so compare the nonce first.
    if (parts->prefix > ids_.nonce) return page;
    if (parts->prefix == ids_.nonce) it = set->by_seq.upper_bound(parts->seq);
  }
  for (; it != set->by_seq.end() && page.subscriptions.size() < static_cast<std::size_t>(limit);
       ++it) {
    if (it->second.expires > now) {
      page.subscriptions.push_back(to_subscription(it->first, it->second, queue.name));
    }
  }
  return page;
}

Result<Subscription> SubscriptionTable::get(std::string_view key, QueueRef queue,
                                            std::string_view id, TimeMs now) const {
  const Entry* entry = find_live(find_set(key), id, now);
  if (entry == nullptr) return make_error(Errc::subscription_not_found, id);
  return to_subscription(parse_id(id)->seq, *entry, queue.name);
}

Result<void> SubscriptionTable::update(std::string_view key, std::string_view id,
                                       const SubscriptionUpdate& update, TimeMs now) {
  Set* set = find_set(key);
  Entry* entry = find_live(set, id, now);
  if (entry == nullptr) return make_error(Errc::subscription_not_found, id);
  const std::uint64_t seq = parse_id(id)->seq;
  if (update.subscriber && *update.subscriber != entry->subscriber) {
    auto other = set->by_subscriber.find(std::string(*update.subscriber));
    if (other != set->by_subscriber.end()) {
      auto it = set->by_seq.find(other->second);
      if (it != set->by_seq.end() && it->second.expires > now) {
        return make_error(Errc::subscription_conflict);
      }
      if (it != set->by_seq.end()) {
        note(key, it->first);
        remove(*set, it);  // an expired holder of that subscriber no longer counts
        entry = &set->by_seq.find(seq)->second;
      } else {
        set->by_subscriber.erase(other);
      }
    }
    set->by_subscriber.erase(entry->subscriber);
    entry->subscriber = std::string(*update.subscriber);
    set->by_subscriber.emplace(entry->subscriber, seq);
  }
  if (update.options) entry->options = std::string(*update.options);
  entry->created = now;  // age restarts on update (types.h)
  if (update.ttl_s) {
    entry->ttl_s = *update.ttl_s;
    entry->expires = add_seconds(now, *update.ttl_s);
    schedule(key, seq, entry->expires);
  }
  note(key, seq);
  return {};
}

Result<void> SubscriptionTable::confirm(std::string_view key, std::string_view id, bool confirmed,
                                        TimeMs now) {
  Entry* entry = find_live(find_set(key), id, now);
  if (entry == nullptr) return make_error(Errc::subscription_not_found, id);
  entry->confirmed = confirmed;
  note(key, parse_id(id)->seq);
  return {};
}

void SubscriptionTable::erase(std::string_view key, std::string_view id) {
  Set* set = find_set(key);
  std::optional<IdParts> parts = parse_id(id);
  if (set == nullptr || !parts || parts->prefix != ids_.nonce) return;
  auto it = set->by_seq.find(parts->seq);
  if (it != set->by_seq.end()) {
    note(key, it->first);
    remove(*set, it);
  }
  if (set->by_seq.empty()) sets_.erase(sets_.find(key));
}

void SubscriptionTable::purge(std::string_view key) {
  auto it = sets_.find(key);
  if (it == sets_.end()) return;
  for (const auto& [seq, entry] : it->second.by_seq) note(key, seq);
  sets_.erase(it);
}

const SubscriptionTable::Entry* SubscriptionTable::entry(std::string_view key,
                                                         std::uint64_t seq) const noexcept {
  const Set* set = find_set(key);
  if (set == nullptr) return nullptr;
  auto it = set->by_seq.find(seq);
  return it == set->by_seq.end() ? nullptr : &it->second;
}

void SubscriptionTable::restore(std::string_view key, std::uint64_t seq, Entry entry) {
  auto set_it = sets_.find(key);
  if (set_it == sets_.end()) set_it = sets_.emplace(std::string(key), Set{}).first;
  Set& set = set_it->second;
  if (set.by_seq.count(seq) != 0) return;
  const TimeMs expires = entry.expires;
  set.by_subscriber[entry.subscriber] = seq;
  set.by_seq.emplace(seq, std::move(entry));
  schedule(key, seq, expires);
}

std::size_t SubscriptionTable::reap(TimeMs now, std::size_t budget, bool& more) {
  std::size_t removed = 0;
  std::size_t work = 0;
  while (!due_.empty() && due_.top().expires <= now) {
    if (work >= budget) {
      more = true;
      break;
    }
    ++work;
    const Due& due = due_.top();
    if (Set* set = find_set(due.key)) {
      auto it = set->by_seq.find(due.seq);
      // Skip stale entries: a later ttl update scheduled the subscription again.
      if (it != set->by_seq.end() && it->second.expires <= now) {
        note(due.key, it->first);
        remove(*set, it);
        ++removed;
        if (set->by_seq.empty()) sets_.erase(sets_.find(due.key));
      }
    }
    due_.pop();
  }
  return removed;
}

}  // namespace warren::store::memory
