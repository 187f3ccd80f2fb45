// Helpers shared by the HTTP resource handlers: reading JSON bodies with Zaqar's rules, next
// links of paginated lists, and the common response shapes.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_api.h"
#include "engine/json.h"

namespace warren::api {

// The body if the request has a non-empty one (Zaqar's `if req.content_length:`), parsed as a
// JSON object or array. Errors: body_unparseable, body_integer_too_large.
Result<std::optional<engine::json::Document>> optional_json_body(const HttpCall& call);

// The body, which must be present (Zaqar's deserialize()). Errors: body_missing and the above.
Result<engine::json::Document> required_json_body(const HttpCall& call);

// The query of a "next" link: the parameters a list read, in the order it read them, with the
// new marker replacing the old one (or appended). Values are written as Zaqar's
// falcon.to_query_str writes the parsed ones: integers in decimal, booleans as true/false.
class NextLink {
 public:
  // Records string parameter `name` if the request had it (its last value, as falcon reads it).
  void keep(const QueryParams& query, std::string_view name);
  // Records integer / boolean parameter `name` if the request had a valid one.
  void keep_int(const QueryParams& query, std::string_view name);
  void keep_bool(const QueryParams& query, std::string_view name);
  // Sets (or appends) `name`; the value's bytes must outlive the link (a query value, an id or
  // a name of the result being rendered).
  void set(std::string_view name, std::string_view value);
  // {"rel":"next","href":"<path>?<params>"}
  void write(JsonWriter& json, std::string_view path) const;

 private:
  struct Field {
    std::string_view name;
    std::string_view value;
    char digits[24];  // backing store of a value formatted here
  };
  Field* add(std::string_view name);

  std::array<Field, 8> fields_{};  // no list has more parameters than this
  std::size_t count_ = 0;
};

// Begins a JSON response with `status` (and a Location when given); returns a writer into its
// body. The handler ends it with call.response.finish_body().
JsonWriter json_response(HttpCall& call, int status, std::string_view location = {});

// A response without body: 201/204 with an optional Location.
void write_empty(http::ResponseWriter& response, int status, std::string_view location = {});

// The queue's path ("/v2/queues/q") from a path below it.
std::string_view queue_path(std::string_view path, std::size_t segments_below);

}  // namespace warren::api
