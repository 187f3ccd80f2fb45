// Interned Client-IDs of one queue: each message records a 4-byte index instead of the id text,
// and the text is kept once per distinct poster for as long as one of its messages lives.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace warren::store::memory {

class ClientTable {
 public:
  // Index 0 stands for "no client" (an empty Client-ID); it is never counted.
  static constexpr std::uint32_t kNone = 0;
  // What find() returns for a client that has no live message here; matches no record.
  static constexpr std::uint32_t kUnknown = UINT32_MAX;

  // The index of `client`, counting one more reference to it (0 for "").
  std::uint32_t acquire(std::string_view client);
  // Counts `count` more references to a live index (not kNone).
  void retain(std::uint32_t index, std::uint32_t count) noexcept { entries_[index].refs += count; }
  // Drops one reference taken by acquire(); the text is freed with the last one.
  void release(std::uint32_t index) noexcept;
  // The index of `client` without taking a reference: kNone for "", kUnknown if absent.
  std::uint32_t find(std::string_view client) const noexcept;
  // The text of a live index ("" for kNone).
  std::string_view name(std::uint32_t index) const noexcept;
  // Distinct clients held.
  std::size_t size() const noexcept { return index_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Entry {
    const std::string* text = nullptr;  // key of the map node (stable), nullptr when free
    std::uint32_t refs = 0;             // when free: the next free slot (0 = none)
  };

  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
  std::vector<Entry> entries_{Entry{}};  // entries_[0] is the unused kNone slot
  std::uint32_t free_head_ = 0;          // first free slot (0 = none), linked through refs
};

}  // namespace warren::store::memory
