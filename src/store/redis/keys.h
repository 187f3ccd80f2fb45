// The key layout of the redis engine and its identifiers (docs/redis.md has the full table).
//
// Every key of one queue starts with the queue's prefix `w:{<project>/<queue>}`, whose hash tag
// puts them all in one cluster slot, so each Lua script touches a single slot. Project-level
// keys use the project's own tag `w:{<project>}` (a slot of their own), and `w:projects` (one
// slot) lists the projects for the reaper. In tags, '%', '{', '}' and '/' of the project id are
// percent-escaped, so no project id can end a tag early or collide with another's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <iterator>
#include <string_view>

#include "store/types.h"

namespace warren::store::redis::keys {

// The project id with '%', '{', '}' and '/' written as %XX.
std::string escape_project(std::string_view project);

// "w:{<escaped project>/<queue>}": the prefix of every key of the queue (KEYS[1] of scripts).
std::string queue_prefix(QueueRef queue);

// Every key of one queue, in the order the Lua scripts receive them as KEYS (common.lua). Scripts
// declare them all, so during a slot migration Redis answers TRYAGAIN (some keys moved) or ASK
// (none left here) instead of running a script over half of a queue.
class QueueKeys {
 public:
  static constexpr std::string_view kSuffixes[] = {
      "q", "seq", "b", "m", "ids", "exp", "free", "dly", "dlyseq", "clm",
      "c", "cexp", "out", "outl", "s", "sidx", "sby", "sexp"};
  static constexpr std::size_t kCount = std::size(kSuffixes);

  explicit QueueKeys(QueueRef queue);
  QueueKeys(const QueueKeys&) = delete;
  QueueKeys& operator=(const QueueKeys&) = delete;

  // "w:{<escaped project>/<queue>}", the hash tag every key shares.
  std::string_view prefix() const noexcept { return std::string_view(text_).substr(0, prefix_); }
  // The key with suffix kSuffixes[i].
  std::string_view key(std::size_t i) const noexcept { return keys_[i]; }
  // The queue record (hash: metadata), whose existence is the queue's.
  std::string_view record() const noexcept { return keys_[0]; }
  // What this queue's message ids end with (see message_id).
  std::string_view id_suffix() const noexcept { return id_suffix_; }

 private:
  std::string id_suffix_;
  std::string text_;
  std::size_t prefix_ = 0;
  std::string_view keys_[kCount];
};

// "w:{<escaped project>}:queues": sorted set of the project's queue names (all scores 0).
std::string project_queues(std::string_view project);

// "w:rate:{<escaped bucket>}": a shared rate bucket (lua/bucket_take.lua).
std::string rate_bucket(std::string_view bucket);

// Sorted set of every project id that ever had a queue (all scores 0), for the reaper's walk.
inline constexpr std::string_view kProjects = "w:projects";

// Message ids are the queue's sequence number in 16 lowercase hex digits followed by 16 hex
// digits of a hash of the queue's name (QueueKeys::id_suffix): their text order within the queue
// is the FIFO order, a deleted id still works as a marker, the sequence counter survives the
// queue's deletion (a re-created queue never reuses an id), and another queue's id is not
// mistaken for one of this queue. Inside Redis (the Lua scripts) only the first 16 digits are
// used: the internal id.
std::string message_id(std::int64_t seq, std::string_view suffix);
// The sequence number of one of the queue's message ids, or nullopt if `id` is not one.
std::optional<std::int64_t> parse_message_id(std::string_view id, std::string_view suffix);
// The internal (Lua) id of a sequence number, and the public id of an internal one.
std::string internal_id(std::int64_t seq);
inline std::string public_id(std::string_view internal, std::string_view suffix) {
  std::string out(internal);
  out += suffix;
  return out;
}

// Claim and subscription ids: 32 random lowercase hex digits.
std::string random_id();
bool is_random_id(std::string_view id) noexcept;

}  // namespace warren::store::redis::keys
