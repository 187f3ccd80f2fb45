// The request schemas of Zaqar's WebSocket actions (zaqar/api/v1/request.py, v1_1, v2): which
// actions exist, which headers and body fields each requires, and the JSON type of each field
// it names (JSON-schema draft 4 as Zaqar applies it: "integer" is not a boolean nor a float).
// Checking a request against its schema is separate from running it: a request can pass the
// schema and still be refused by the engine's rules.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <simdjson.h>

#include "api/ws_api.h"

namespace warren::api {

enum class JsonType : std::uint8_t { string, integer, boolean, array, object };

struct FieldRule {
  std::string_view name;
  JsonType type;
  bool required;
};

enum class HeaderRule : std::uint8_t {
  client_and_project,  // Client-ID and X-Project-ID required (every queue action)
  project_and_token,   // X-Project-ID and X-Auth-Token required (authenticate)
  none,                // a headers object, nothing in it required
};

struct ActionRule {
  std::string_view name;
  WsConnection::Action run = nullptr;  // null: in Zaqar's schema, not implemented (501)
  HeaderRule headers = HeaderRule::client_and_project;
  bool body_required = true;
  bool body_checked = true;  // the schema describes "body" (then it must be an object)
  std::span<const FieldRule> fields;
};

// The rule of `action`, or null if the schema has no such action.
const ActionRule* find_action(std::string_view action);

// True if `envelope` (the decoded frame) satisfies `rule`'s schema.
bool matches_schema(const ActionRule& rule, simdjson::dom::object envelope);

}  // namespace warren::api
