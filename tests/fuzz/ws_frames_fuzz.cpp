// Fuzz target: the untrusted path of a WebSocket frame before any action runs. The input is
// taken both as a text frame (JSON) and as a binary frame (MessagePack, turned into JSON), then
// as the request envelope: the action lookup, the action's schema, and the body readers the
// handlers call once the schema has passed. Traps on a broken invariant:
//   * MessagePack that decodes gives JSON that parses, re-encodes, and decodes to the same text;
//   * an envelope that passes its action's schema has the headers and field types that
//     WsConnection::dispatch and the handlers then read without checking (members looked up as
//     they do: of repeated keys the last one counts, engine/json.h);
//   * every error reply built from client-supplied text is valid JSON and packs to MessagePack.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "api/ws_api.h"
#include "api/ws_schema.h"
#include "api/ws_support.h"
#include "common/errors.h"
#include "engine/json.h"
#include "ws/msgpack_json.h"

namespace {

namespace json = warren::engine::json;
using warren::api::JsonType;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// A reply must be one JSON value, packable as MessagePack (binary frames are answered so).
void check_reply(const std::string& reply) {
  check(json::parse_value(reply).has_value());
  std::string packed;
  check(warren::ws::json_to_msgpack(reply, packed));
}

// The JSON type of `value` in the schema's terms, derived independently of ws_schema.cpp (an
// oracle, not the code under test): "integer" is a JSON integer, never a bool or a float.
std::optional<JsonType> schema_type(simdjson::dom::element value) {
  using simdjson::dom::element_type;
  const element_type kind = value.type();
  if (kind == element_type::STRING) return JsonType::string;
  if (kind == element_type::INT64 || kind == element_type::UINT64) return JsonType::integer;
  if (kind == element_type::BOOL) return JsonType::boolean;
  if (kind == element_type::ARRAY) return JsonType::array;
  if (kind == element_type::OBJECT) return JsonType::object;
  return std::nullopt;  // double or null
}

// The body readers on each field the schema names, after the schema has passed.
void read_fields(const warren::api::ActionRule& rule, simdjson::dom::object body) {
  for (const warren::api::FieldRule& f : rule.fields) {
    const auto value = warren::api::field(body, f.name);
    check(value.has_value() || !f.required);
    if (!value) continue;
    check(schema_type(*value) == f.type);
    if (f.type == JsonType::integer) {
      // A schema "integer" is one Python's int() takes (a uint64 beyond int64 may be refused).
      const auto number = warren::api::int_field(body, f.name);
      check(!number.has_value() || number->has_value());
      check(number.has_value() || value->is_uint64());
    } else if (f.type == JsonType::boolean) {
      check(warren::api::bool_field(body, f.name).has_value());
    } else if (f.type == JsonType::string) {
      check(warren::api::string_field(body, f.name).has_value());
    }
  }
}

// The envelope steps of WsConnection::dispatch on a decoded frame.
void check_envelope(std::string_view text) {
  auto parsed = json::parse_value(text);
  if (!parsed) return;
  const json::Element root = parsed->root();
  if (!root.is_object()) return;
  const simdjson::dom::object envelope = json::object_of(root);

  warren::api::WsCall call;
  std::string reply;
  call.out = &reply;
  call.request_echo = R"({"action":null,"body":{},"headers":{},"api":"v2"})";

  simdjson::dom::element action;
  if (!json::get_member(envelope, "action", action) || !action.is_string()) return;
  const std::string_view name = json::string_of(action);
  const warren::api::ActionRule* rule = warren::api::find_action(name);
  if (rule == nullptr) {
    warren::api::ws_reply_error(call, warren::make_error(warren::Errc::ws_invalid_action, name));
    check_reply(reply);
    return;
  }
  check(rule->name == name);
  if (!warren::api::matches_schema(*rule, envelope)) return;

  simdjson::dom::element headers;
  simdjson::dom::element value;
  if (rule->headers == warren::api::HeaderRule::client_and_project) {
    check(json::get_member(envelope, "headers", headers) && headers.is_object());
    check(json::get_member(headers, "X-Project-ID", value) && value.is_string());
    check(json::get_member(headers, "Client-ID", value) && value.is_string());
  }
  const bool has_body = json::get_member(envelope, "body", value);
  check(has_body || !rule->body_required);
  if (!has_body || !rule->body_checked) return;
  check(value.is_object());
  const simdjson::dom::object body = json::object_of(value);
  read_fields(*rule, body);

  if (const auto queue = warren::api::string_field(body, "queue_name")) {
    if (auto valid = warren::api::check_queue_identification(*queue, "project"); !valid) {
      warren::api::ws_reply_exception(call, valid.error());
      check_reply(reply);
    }
    warren::api::ws_reply_text(call, 201, *queue);
    check_reply(reply);
  }
}

// A binary frame: MessagePack that decodes must give JSON that round-trips.
void check_binary(std::string_view payload) {
  std::string text;
  std::string why;
  if (!warren::ws::msgpack_to_json(payload, text, why)) {
    check(!why.empty());
    return;
  }
  auto parsed = json::parse_value(text);
  if (!parsed) {
    // The one refusal the JSON decoder may add: integers beyond 64 bits never come out of
    // MessagePack, but simdjson refuses some uint64 values that Python accepts as big ints.
    check(parsed.error().code == warren::Errc::body_integer_too_large);
    return;
  }
  std::string packed;
  check(warren::ws::json_to_msgpack(text, packed));
  std::string again;
  check(warren::ws::msgpack_to_json(packed, again, why));
  check(again == text);
  check_envelope(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  check_envelope(payload);
  check_binary(payload);
  // JSON that Warren packs must decode again (unless nested deeper than a client may send).
  if (json::parse_value(payload)) {
    std::string packed;
    check(warren::ws::json_to_msgpack(payload, packed));
    std::string text;
    std::string why;
    if (warren::ws::msgpack_to_json(packed, text, why)) {
      check(json::parse_value(text).has_value());
    } else {
      check(why == "ValueError: nested too deeply");
    }
  }
  return 0;
}
