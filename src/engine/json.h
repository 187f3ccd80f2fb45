// JSON input the way Zaqar reads it (zaqar/transport/utils.py read_json): valid UTF-8, every
// integer within signed 64 bits. Parsing is simdjson's (DOM). A Document owns its parser, so
// its elements stay valid for as long as it lives, also across a coroutine's suspension.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "common/errors.h"

namespace warren::engine::json {

using Element = simdjson::dom::element;

// Gives a parser back to its thread's pool of idle parsers (or frees it: see json.cpp).
struct ReturnParser {
  void operator()(simdjson::dom::parser* parser) const noexcept;
};

// A parsed JSON text and the parser that holds its tape. Parsers are reused: a fresh one per
// request document allocated and freed its buffers every time.
class Document {
 public:
  Element root() const noexcept { return root_; }

 private:
  friend Result<Document> parse_value(std::string_view text);
  std::unique_ptr<simdjson::dom::parser, ReturnParser> parser_;
  Element root_;
};

// Any JSON value (a stored metadata member, a message body). Errors: body_unparseable,
// body_integer_too_large.
Result<Document> parse_value(std::string_view text);

// A request document: its top level must be an object or an array. Same errors.
Result<Document> parse_document(std::string_view text);

// Views of a value of known type (check is_array()/is_object()/is_string() first).
simdjson::dom::array array_of(Element value);
simdjson::dom::object object_of(Element value);
std::string_view string_of(Element value);

// The member `key` of an object, or nullopt. Of repeated keys the last one counts, as in
// Python's json module (so in Zaqar): every lookup of a request's members goes through here or
// get_member(), so a check and the use after it always see the same value.
std::optional<Element> member(simdjson::dom::object object, std::string_view key);
// The same, into `out`: false (out unchanged) if there is no such member.
bool get_member(simdjson::dom::object object, std::string_view key, Element& out);
// The same for a value that may not be an object (false if it is not).
bool get_member(Element value, std::string_view key, Element& out);

// Compact JSON text of `value`.
std::string minify(Element value);

// Python's truth value of the decoded JSON (null, false, 0, 0.0, "", [], {} are false).
bool truthy(Element value);

// The value as Python's isinstance(v, int) sees it: integers and booleans (as 0/1).
std::optional<std::int64_t> as_int(Element value);

// Python's type name of the decoded value, for "must be a <type>" messages.
std::string_view python_type_name(Element value);

}  // namespace warren::engine::json
