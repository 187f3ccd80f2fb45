// Reference-counted interning of Client-IDs.
#include "store/memory/client_table.h"

namespace warren::store::memory {

std::uint32_t ClientTable::acquire(std::string_view client) {
  if (client.empty()) return kNone;
  if (auto it = index_.find(client); it != index_.end()) {
    ++entries_[it->second].refs;
    return it->second;
  }
  std::uint32_t slot = free_head_;
  if (slot == 0) {
    slot = static_cast<std::uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  auto [it, inserted] = index_.emplace(std::string(client), slot);
  if (slot == free_head_) free_head_ = entries_[slot].refs;
  entries_[slot] = Entry{&it->first, 1};
  return slot;
}

void ClientTable::release(std::uint32_t index) noexcept {
  if (index == kNone || index >= entries_.size()) return;
  Entry& entry = entries_[index];
  if (entry.text == nullptr || --entry.refs > 0) return;
  index_.erase(*entry.text);
  entry = Entry{nullptr, free_head_};
  free_head_ = index;
}

std::uint32_t ClientTable::find(std::string_view client) const noexcept {
  if (client.empty()) return kNone;
  auto it = index_.find(client);
  return it == index_.end() ? kUnknown : it->second;
}

std::string_view ClientTable::name(std::uint32_t index) const noexcept {
  if (index == kNone || index >= entries_.size() || entries_[index].text == nullptr) return {};
  return *entries_[index].text;
}

}  // namespace warren::store::memory
