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
#include <string_view>

#include "store/types.h"

namespace warren::store::redis::keys {

// The project id with '%', '{', '}' and '/' written as %XX.
std::string escape_project(std::string_view project);

// "w:{<escaped project>/<queue>}": the prefix of every key of the queue (KEYS[1] of scripts).
std::string queue_prefix(QueueRef queue);

// "w:{<escaped project>}:queues": sorted set of the project's queue names (all scores 0).
std::string project_queues(std::string_view project);

// Sorted set of every project id that ever had a queue (all scores 0), for the reaper's walk.
inline constexpr std::string_view kProjects = "w:projects";

// Message ids are the queue's sequence number in 16 lowercase hex digits: their text order is
// the FIFO order, a deleted id still works as a marker, and the sequence counter survives the
// queue's deletion, so a re-created queue never reuses an id.
std::string message_id(std::int64_t seq);
// The sequence number of a message id, or nullopt if `id` is not one.
std::optional<std::int64_t> parse_message_id(std::string_view id);

// Claim and subscription ids: 32 random lowercase hex digits.
std::string random_id();
bool is_random_id(std::string_view id) noexcept;

}  // namespace warren::store::redis::keys
