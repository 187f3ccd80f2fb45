// The request model shared by both transports (HTTP and WebSocket): each operation's typed
// parameters after the transport has decoded them. The engine validates their values with
// Zaqar's rules and limits, so both transports answer bad input the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace warren::engine {

// Who asks: every resource belongs to `project`; `client` (canonical Client-ID text) identifies
// the producer/consumer for echo filtering.
struct Scope {
  std::string_view project;
  std::string_view client;
};

struct QueueListRequest {
  std::string_view marker;
  std::optional<std::int64_t> limit;
  bool detailed = false;
  std::string_view name_contains;
  bool with_count = false;
  // Metadata equality filters: key and compact JSON of the wanted value.
  std::vector<std::pair<std::string, std::string>> filters;
};

struct QueueListResult {
  std::vector<store::QueueEntry> queues;  // metadata with reserved defaults when detailed
  std::string next_marker;                // the last name listed, or the marker given
  std::optional<std::int64_t> count;      // with_count
};

// One message of a POST, as decoded from the request.
struct MessageInput {
  std::string body;                   // compact JSON text of "body"
  std::optional<std::int64_t> ttl;    // absent: the queue's or the configured default
  std::optional<std::int64_t> delay;  // absent: the queue's default; dropped on non-delay queues
};

// What a producer must know before its messages are decoded: the queue's defaults.
struct PostPlan {
  std::int64_t default_ttl = 3600;
  std::optional<std::int64_t> default_delay;  // set only for delay queues
};

struct MessageListRequest {
  std::string_view marker;
  std::optional<std::int64_t> limit;
  bool echo = false;
  bool include_claimed = false;
  bool include_delayed = false;
};

struct MessageListResult {
  std::vector<store::Message> messages;
  bool include_delayed = false;  // as applied (forced on for queues without a delay)
};

struct ClaimCreateRequest {
  std::optional<std::int64_t> limit;
  std::int64_t ttl = 300;
  std::int64_t grace = 60;
};

struct SubscriptionCreateRequest {
  std::string subscriber;
  std::optional<std::int64_t> ttl;
  std::string options = "{}";  // compact JSON object
};

}  // namespace warren::engine
