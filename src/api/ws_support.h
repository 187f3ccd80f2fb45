// Helpers shared by the WebSocket action handlers: reading body fields the way Zaqar's
// api_utils.get_headers() reads them, name checks, and the WS message shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <simdjson.h>

#include "common/errors.h"
#include "common/json_writer.h"
#include "engine/json.h"
#include "engine/queue_service.h"
#include "store/types.h"

namespace warren::api {

// Zaqar's queue_identification: project <= 256 characters, a valid name (engine/names.h).
Result<void> check_queue_identification(std::string_view queue, std::string_view project);

// An empty JSON object (this loop's; valid for the loop's life).
engine::json::Element empty_object();

std::optional<simdjson::dom::element> field(simdjson::dom::object body, std::string_view name);
std::optional<std::string_view> string_field(simdjson::dom::object body, std::string_view name);

// int(body[name]) as Python computes it (integers, booleans, floats truncated, numeric
// strings). Absent or null: nullopt. Otherwise unconvertible: param_not_integer.
Result<std::optional<std::int64_t>> int_field(simdjson::dom::object body, std::string_view name);

// A listing's paging fields: "marker" (absent: "") and "limit" (int_field's rules).
Result<void> page_fields(simdjson::dom::object body, std::string_view& marker,
                         std::optional<std::int64_t>& limit);

// oslo strutils.bool_from_string(body[name]): true for true, 1 and the strings "1", "t",
// "true", "on", "y", "yes" (any case); false otherwise. Absent or null: nullopt.
std::optional<bool> bool_field(simdjson::dom::object body, std::string_view name);

// Zaqar's api_utils.format_message: {"id","claim_id","ttl","age","body"}.
void write_ws_message(JsonWriter& json, const store::Message& message, store::TimeMs now,
                      std::string_view claim_id);

}  // namespace warren::api
