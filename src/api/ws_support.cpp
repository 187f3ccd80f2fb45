// Field readers, name checks and the WS message shape.
#include "api/ws_support.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "api/http_render.h"
#include "common/loop_local.h"
#include "engine/body_json.h"
#include "engine/names.h"

namespace warren::api {

namespace json = engine::json;

Result<void> check_queue_identification(std::string_view queue, std::string_view project) {
  if (project.size() > engine::kMaxProjectIdLength) {
    return make_error(Errc::ws_project_id_too_long, engine::kMaxProjectIdLength);
  }
  if (queue.size() > engine::kMaxQueueNameLength) {
    return make_error(Errc::ws_queue_name_too_long, engine::kMaxQueueNameLength);
  }
  if (!engine::is_valid_queue_name(queue)) return make_error(Errc::ws_queue_name_invalid);
  return {};
}

json::Element empty_object() {
  // A parser of its own (not one of the pool's, which it would hold for the loop's life).
  struct EmptyObject {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(std::string_view("{}")).value();
  };
  static LoopLocal<EmptyObject> objects;
  return objects->root;
}

std::optional<simdjson::dom::element> field(simdjson::dom::object body, std::string_view name) {
  simdjson::dom::element value;
  if (!json::get_member(body, name, value)) return std::nullopt;
  return value;
}

std::optional<std::string_view> string_field(simdjson::dom::object body, std::string_view name) {
  const auto value = field(body, name);
  if (!value || !value->is_string()) return std::nullopt;
  return json::string_of(*value);
}

Result<std::optional<std::int64_t>> int_field(simdjson::dom::object body, std::string_view name) {
  const auto value = field(body, name);
  if (!value || value->is_null()) return std::optional<std::int64_t>();
  if (const auto number = json::as_int(*value)) return std::optional<std::int64_t>(*number);
  if (value->is_double()) {
    const double d = value->get_double().value_unsafe();
    if (std::isfinite(d) && std::fabs(d) < 9.2e18) {
      return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
    }
  } else if (value->is_string()) {
    std::string_view text = json::string_of(*value);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
      text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
      text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
      return std::optional<std::int64_t>(number);
    }
  }
  return make_error(Errc::param_not_integer, name);
}

Result<void> page_fields(simdjson::dom::object body, std::string_view& marker,
                         std::optional<std::int64_t>& limit) {
  marker = string_field(body, "marker").value_or("");
  auto number = int_field(body, "limit");
  if (!number) return number.error();
  limit = *number;
  return {};
}

std::optional<bool> bool_field(simdjson::dom::object body, std::string_view name) {
  const auto value = field(body, name);
  if (!value || value->is_null()) return std::nullopt;
  if (value->is_bool()) return value->get_bool().value_unsafe();
  std::string text;
  if (value->is_string()) {
    text = std::string(json::string_of(*value));
  } else if (value->is_int64() || value->is_uint64()) {
    text = simdjson::minify(*value);
  }
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text == "1" || text == "t" || text == "true" || text == "on" || text == "y" ||
         text == "yes";
}

void write_ws_message(JsonWriter& json, const store::Message& message, store::TimeMs now,
                      std::string_view claim_id) {
  json.begin_object().key("id").string(message.id.view()).key("claim_id");
  if (claim_id.empty()) {
    json.null();
  } else {
    json.string(claim_id);
  }
  json.key("ttl")
      .integer(message.ttl_s)
      .key("age")
      .integer(age_seconds(message.created, now))
      .key("body");
  engine::write_body(json, message.body).end_object();
}

}  // namespace warren::api
