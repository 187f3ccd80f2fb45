// HTTP resource helpers.
#include "api/http_support.h"

#include <charconv>

#include "common/loop_local.h"

namespace warren::api {

Result<std::optional<engine::json::Document>> optional_json_body(const HttpCall& call) {
  if (call.request.body.empty()) return std::optional<engine::json::Document>();
  auto document = engine::json::parse_document(call.request.body);
  if (!document) return document.error();
  return std::optional<engine::json::Document>(std::move(*document));
}

Result<engine::json::Document> required_json_body(const HttpCall& call) {
  if (!call.request.content_length && call.request.body.empty()) {
    return make_error(Errc::body_missing);
  }
  return engine::json::parse_document(call.request.body);
}

NextLink::Field* NextLink::add(std::string_view name) {
  for (std::size_t i = 0; i < count_; ++i) {
    if (fields_[i].name == name) return &fields_[i];
  }
  if (count_ == fields_.size()) return nullptr;
  Field* field = &fields_[count_++];
  field->name = name;
  return field;
}

void NextLink::keep(const QueryParams& query, std::string_view name) {
  // falcon's get_param: the last value of a repeated or comma-separated parameter.
  if (const auto value = query.get(name)) set(name, *value);
}

void NextLink::keep_int(const QueryParams& query, std::string_view name) {
  const auto value = query.get_int(name);
  if (!value || !*value) return;
  Field* field = add(name);
  if (field == nullptr) return;
  const auto [end, ec] = std::to_chars(field->digits, field->digits + sizeof field->digits, **value);
  field->value = std::string_view(field->digits, static_cast<std::size_t>(end - field->digits));
}

void NextLink::keep_bool(const QueryParams& query, std::string_view name) {
  const auto value = query.get_bool(name);
  if (value && *value) set(name, **value ? "true" : "false");
}

void NextLink::set(std::string_view name, std::string_view value) {
  if (Field* field = add(name)) field->value = value;
}

void NextLink::write(JsonWriter& json, std::string_view path) const {
  static LoopLocal<std::string> hrefs;  // reused: no allocation once it has grown
  std::string& href = hrefs.get();
  href.assign(path);
  for (std::size_t i = 0; i < count_; ++i) {
    href += i == 0 ? '?' : '&';
    append_query_encoded(href, fields_[i].name);
    href += '=';
    append_query_encoded(href, fields_[i].value);
  }
  json.begin_object().key("rel").string("next").key("href").string(href).end_object();
}

void write_empty(http::ResponseWriter& response, int status, std::string_view location) {
  response.begin(status);
  if (!location.empty()) response.header("location", location);
  if (status == 204) {
    response.end_without_body();
  } else {
    response.end_with_body("application/json", "");
  }
}

std::string_view queue_path(std::string_view path, std::size_t segments_below) {
  for (std::size_t i = 0; i < segments_below; ++i) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) break;
    path = path.substr(0, slash);
  }
  return path;
}

JsonWriter json_response(HttpCall& call, int status, std::string_view location) {
  call.response.begin(status);
  if (!location.empty()) call.response.header("location", location);
  return JsonWriter(call.response.begin_body("application/json"));
}

}  // namespace warren::api
