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
// the producer/consumer for echo filtering. `space` says where the named resource lives in the
// store: empty for a queue; for a topic, the project's topic namespace (engine/topics.h:
// topic_space(project)), kept alive by whoever made the scope. A topic is a queue of that
// namespace, so every queue, message and subscription operation serves topics unchanged.
struct Scope {
  std::string_view project;
  std::string_view client;
  std::string_view space;

  // The project under which the store keeps the resource (QueueRef::project).
  std::string_view store_project() const noexcept { return space.empty() ? project : space; }
  bool topic() const noexcept { return !space.empty(); }
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
  std::string body;                   // compact JSON text of "body", or text (see encoding)
  std::optional<std::int64_t> ttl;    // absent: the queue's or the configured default
  std::optional<std::int64_t> delay;  // absent: the queue's default; dropped on non-delay queues
  // Zaqar's APIs post JSON only (text bodies are SQS's).
  store::BodyEncoding encoding = store::BodyEncoding::json;
};

// What a producer must know before its messages are decoded: the queue's defaults.
struct PostPlan {
  std::int64_t default_ttl = 3600;
  std::optional<std::int64_t> default_delay;  // set only when delays apply
};

// How a post is sized and defaulted, where Zaqar's APIs differ.
struct PostRules {
  // The queue's own policy applies (_max_messages_post_size, _default_message_ttl, delays);
  // false: only the configured limit and default TTL, and no delays (Zaqar v1.1).
  bool queue_policy = true;
  // Delays apply (the queue's default and each message's); false: ignored (the WebSocket API).
  bool delays = true;
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

// A claim's lifetimes as the caller gave them; absent ones take the configured defaults
// (Limits::default_claim_ttl, default_claim_grace).
struct ClaimOptions {
  std::optional<std::int64_t> ttl;
  std::optional<std::int64_t> grace;
};

struct ClaimCreateRequest {
  std::optional<std::int64_t> limit;  // absent: 10
  ClaimOptions options;
};

// The caller of a subscription's creation, as a subscriber type may need it to act on the
// caller's behalf later (Zaqar's notification tasks' `register`: a trust+ subscriber makes a
// Keystone trust with the caller's token). Views, valid while the creation runs; "" when the
// identity scheme knows none (a header identity has no user or token).
struct Caller {
  std::string_view user;   // the authenticated user's id
  std::string_view roles;  // comma-separated role names
  std::string_view token;  // the credential the caller authenticated with (X-Auth-Token)
};

struct SubscriptionCreateRequest {
  std::string subscriber;
  std::optional<std::int64_t> ttl;
  std::string options = "{}";  // compact JSON object
  Caller caller;
};

}  // namespace warren::engine
