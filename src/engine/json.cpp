// JSON parsing with Zaqar's integer rule, on pooled per-loop simdjson parsers.
#include "engine/json.h"

#include <vector>

#include "common/loop_local.h"

namespace warren::engine::json {
namespace {

bool integers_fit(Element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::UINT64:
      return false;  // simdjson keeps [2^63, 2^64) here: beyond int64
    case simdjson::dom::element_type::ARRAY:
      for (Element item : array_of(value)) {
        if (!integers_fit(item)) return false;
      }
      return true;
    case simdjson::dom::element_type::OBJECT:
      for (auto field : object_of(value)) {
        if (!integers_fit(field.value)) return false;
      }
      return true;
    default:
      return true;
  }
}

std::int64_t int64_of(Element value) {
  std::int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS) return number;
  return number;
}

bool bool_of(Element value) {
  bool flag = false;
  if (value.get_bool().get(flag) != simdjson::SUCCESS) return false;
  return flag;
}

double double_of(Element value) {
  double number = 0;
  if (value.get_double().get(number) != simdjson::SUCCESS) return number;
  return number;
}

// simdjson reports integers beyond 64 bits as a generic number error; Zaqar answers those
// with "integer that is too large". True if `text` has, outside strings, a run of 19 or more
// digits that is not part of a fraction or exponent.
bool has_huge_integer_literal(std::string_view text) {
  bool in_string = false;
  std::size_t run = 0;
  bool run_is_integer = true;
  char before_run = ' ';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c >= '0' && c <= '9') {
      if (run == 0) {
        before_run = i > 0 ? text[i - 1] : ' ';
        run_is_integer = before_run != '.' && before_run != 'e' && before_run != 'E' &&
                         before_run != '+';
      }
      if (++run >= 19 && run_is_integer) return true;
      continue;
    }
    run = 0;
    if (c == '"') in_string = true;
  }
  return false;
}

// Idle parsers of this loop. A parser keeps the buffers of the largest document it parsed, so
// only small ones are kept, and only a few: enough for the documents a loop has open at once.
constexpr std::size_t kIdleParsers = 8;
constexpr std::size_t kPooledCapacity = 64 * 1024;

struct IdleParsers {
  // Reserved up front, so giving a parser back never allocates.
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers = [] {
    std::vector<std::unique_ptr<simdjson::dom::parser>> reserved;
    reserved.reserve(kIdleParsers);
    return reserved;
  }();
};

std::vector<std::unique_ptr<simdjson::dom::parser>>& idle_parsers() {
  static LoopLocal<IdleParsers> idle;
  return idle->parsers;
}

// The builder of minify(): it keeps its buffer, so a body costs one allocation.
struct MinifyBuilder {
  simdjson::internal::string_builder<> builder;
};
LoopLocal<MinifyBuilder> minify_builders;

simdjson::dom::parser* take_parser() {
  auto& idle = idle_parsers();
  if (idle.empty()) return new simdjson::dom::parser();
  simdjson::dom::parser* parser = idle.back().release();
  idle.pop_back();
  return parser;
}

}  // namespace

void ReturnParser::operator()(simdjson::dom::parser* parser) const noexcept {
  std::unique_ptr<simdjson::dom::parser> owned(parser);
  auto& idle = idle_parsers();
  if (idle.size() < kIdleParsers && parser->capacity() <= kPooledCapacity) {
    idle.push_back(std::move(owned));
  }
}

Result<Document> parse_value(std::string_view text) {
  // Not even simdjson's copy into its padded buffer may see an empty view: its data() can be
  // null, and memcpy from null is undefined even for zero bytes.
  if (text.empty()) return make_error(Errc::body_unparseable);
  Document document;
  document.parser_.reset(take_parser());
  auto parsed = document.parser_->parse(text.data(), text.size(), true);
  if (parsed.error() == simdjson::NUMBER_ERROR && has_huge_integer_literal(text)) {
    return make_error(Errc::body_integer_too_large);
  }
  if (std::move(parsed).get(document.root_) != simdjson::SUCCESS) {
    return make_error(Errc::body_unparseable);
  }
  if (!integers_fit(document.root_)) return make_error(Errc::body_integer_too_large);
  return document;
}

Result<Document> parse_document(std::string_view text) {
  auto document = parse_value(text);
  if (!document) return document;
  if (!document->root().is_object() && !document->root().is_array()) {
    return make_error(Errc::body_unparseable);
  }
  return document;
}

simdjson::dom::array array_of(Element value) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return array;
  return array;
}

simdjson::dom::object object_of(Element value) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return object;
  return object;
}

std::string_view string_of(Element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return text;
  return text;
}

std::optional<Element> member(simdjson::dom::object object, std::string_view key) {
  Element value;
  if (!get_member(object, key, value)) return std::nullopt;
  return value;
}

bool get_member(Element value, std::string_view key, Element& out) {
  return value.is_object() && get_member(object_of(value), key, out);
}

bool get_member(simdjson::dom::object object, std::string_view key, Element& out) {
  // Every member is looked at: of repeated keys the last one counts (Python's json, so Zaqar).
  bool found = false;
  for (const simdjson::dom::key_value_pair field : object) {
    if (field.key == key) {
      out = field.value;
      found = true;
    }
  }
  return found;
}

std::string minify(Element value) {
  // simdjson::minify() builds each text in a fresh vector grown a byte at a time; this loop's
  // builder keeps its buffer, so a body costs one allocation, the returned string. (The builder
  // is the one simdjson::minify uses, from its internal namespace.)
  auto& builder = minify_builders->builder;
  builder.clear();
  builder.append(value);
  return std::string(builder.str());
}

bool truthy(Element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return false;
    case simdjson::dom::element_type::BOOL: return bool_of(value);
    case simdjson::dom::element_type::INT64: return int64_of(value) != 0;
    case simdjson::dom::element_type::UINT64: return true;
    case simdjson::dom::element_type::DOUBLE: return double_of(value) != 0.0;
    case simdjson::dom::element_type::STRING: return !string_of(value).empty();
    case simdjson::dom::element_type::ARRAY: return array_of(value).size() != 0;
    case simdjson::dom::element_type::OBJECT: return object_of(value).size() != 0;
  }
  return false;
}

std::optional<std::int64_t> as_int(Element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64: return int64_of(value);
    case simdjson::dom::element_type::BOOL: return bool_of(value) ? 1 : 0;
    default: return std::nullopt;
  }
}

std::string_view python_type_name(Element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return "NoneType";
    case simdjson::dom::element_type::BOOL: return "bool";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64: return "int";
    case simdjson::dom::element_type::DOUBLE: return "float";
    case simdjson::dom::element_type::STRING: return "str";
    case simdjson::dom::element_type::ARRAY: return "list";
    case simdjson::dom::element_type::OBJECT: return "dict";
  }
  return "object";
}

}  // namespace warren::engine::json
