// MessagePack <-> JSON conversion (msgpack-cxx visitor and packer, simdjson DOM).
#include "ws/msgpack_json.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <msgpack.hpp>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/json_writer.h"
#include "common/loop_local.h"

namespace warren::ws {
namespace {

// Writes JSON as msgpack-cxx's parser visits the MessagePack input.
class JsonVisitor : public msgpack::null_visitor {
 public:
  explicit JsonVisitor(std::string& out) : out_(out) {}

  bool visit_nil() { return value("null"); }
  bool visit_boolean(bool v) { return value(v ? "true" : "false"); }
  bool visit_positive_integer(std::uint64_t v) {
    if (!scalar_allowed()) return false;
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return true;
  }
  bool visit_negative_integer(std::int64_t v) {
    if (!scalar_allowed()) return false;
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return true;
  }
  bool visit_float32(float v) { return visit_float64(static_cast<double>(v)); }
  bool visit_float64(double v) {
    if (!scalar_allowed()) return false;
    if (!std::isfinite(v))
      return fail("ValueError: Out of range float values are not JSON compliant");
    const std::size_t at = out_.size();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    // Python keeps floats floats: 1.0, not 1.
    if (out_.find_first_of(".en", at) == std::string::npos) out_.append(".0");
    return true;
  }
  bool visit_str(const char* v, std::uint32_t size) { return string(v, size); }
  bool visit_bin(const char* v, std::uint32_t size) { return string(v, size); }
  bool visit_ext(const char*, std::uint32_t) {
    return fail("TypeError: MessagePack ext types are not supported");
  }
  bool start_array(std::uint32_t) {
    if (!scalar_allowed() || !deeper()) return false;
    out_.push_back('[');
    return true;
  }
  bool start_array_item() {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    return true;
  }
  bool end_array_item() { return true; }
  bool end_array() {
    first_.pop_back();
    out_.push_back(']');
    return true;
  }
  bool start_map(std::uint32_t) {
    if (!scalar_allowed() || !deeper()) return false;
    out_.push_back('{');
    return true;
  }
  bool start_map_key() {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    in_key_ = true;
    return true;
  }
  bool end_map_key() {
    in_key_ = false;
    out_.push_back(':');
    return true;
  }
  bool start_map_value() { return true; }
  bool end_map_value() { return true; }
  bool end_map() {
    first_.pop_back();
    out_.push_back('}');
    return true;
  }
  void parse_error(std::size_t, std::size_t) { fail("ValueError: Unpack failed: error = -2"); }
  void insufficient_bytes(std::size_t, std::size_t) {
    fail("ValueError: Unpack failed: incomplete input");
  }

  const std::string& error() const noexcept { return error_; }

 private:
  bool value(std::string_view text) {
    if (!scalar_allowed()) return false;
    out_.append(text);
    return true;
  }
  // Map keys must be strings.
  bool scalar_allowed() {
    if (!in_key_) return true;
    return fail("TypeError: map keys must be strings");
  }
  bool string(const char* v, std::uint32_t size) {
    if (!simdjson::validate_utf8(v, size)) {
      return fail("UnicodeDecodeError: 'utf-8' codec can't decode the string");
    }
    append_json_string(out_, std::string_view(v, size));
    return true;
  }
  bool deeper() {
    if (static_cast<int>(first_.size()) >= kMaxNesting) {
      return fail("ValueError: nested too deeply");
    }
    first_.push_back(true);
    return true;
  }
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  std::string& out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool in_key_ = false;
  std::string error_;
};

struct StringSink {
  std::string* out;
  void write(const char* data, std::size_t size) { out->append(data, size); }
};

// float64 always (msgpack-cxx's pack_double turns integral doubles into integers; Python, and
// so Zaqar's clients, keep 2.0 a float).
void pack_float64(StringSink& sink, double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  char bytes[9];
  bytes[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>((bits >> (56 - 8 * i)) & 0xFF);
  sink.write(bytes, sizeof bytes);
}

template <class Packer>
void pack_element(Packer& packer, StringSink& sink, simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      const simdjson::dom::array array = e.get_array().value_unsafe();
      packer.pack_array(static_cast<std::uint32_t>(array.size()));
      for (simdjson::dom::element item : array) pack_element(packer, sink, item);
      break;
    }
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object object = e.get_object().value_unsafe();
      packer.pack_map(static_cast<std::uint32_t>(object.size()));
      for (auto field : object) {
        packer.pack_str(static_cast<std::uint32_t>(field.key.size()));
        packer.pack_str_body(field.key.data(), static_cast<std::uint32_t>(field.key.size()));
        pack_element(packer, sink, field.value);
      }
      break;
    }
    case simdjson::dom::element_type::INT64:
      packer.pack(e.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      packer.pack(e.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      pack_float64(sink, e.get_double().value_unsafe());
      break;
    case simdjson::dom::element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      packer.pack_str(static_cast<std::uint32_t>(s.size()));
      packer.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
      break;
    }
    case simdjson::dom::element_type::BOOL:
      if (e.get_bool().value_unsafe()) {
        packer.pack_true();
      } else {
        packer.pack_false();
      }
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      packer.pack_nil();
      break;
  }
}

}  // namespace

bool msgpack_to_json(std::string_view payload, std::string& json, std::string& error) {
  const std::size_t start = json.size();
  JsonVisitor visitor(json);
  std::size_t offset = 0;
  bool parsed = false;
  try {
    parsed = msgpack::parse(payload.data(), payload.size(), offset, visitor);
  } catch (const std::exception& e) {
    error = fmt::format("ValueError: {}", e.what());
    json.resize(start);
    return false;
  }
  if (!parsed || !visitor.error().empty()) {
    error = visitor.error().empty() ? "ValueError: Unpack failed" : visitor.error();
    json.resize(start);
    return false;
  }
  if (offset != payload.size()) {
    error = "ExtraData: unpack(b) received extra data.";
    json.resize(start);
    return false;
  }
  return true;
}

bool json_to_msgpack(std::string_view json, std::string& out) {
  static LoopLocal<simdjson::dom::parser> parsers;
  simdjson::dom::parser& parser = parsers.get();
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return false;
  StringSink sink{&out};
  msgpack::packer<StringSink> packer(sink);
  pack_element(packer, sink, root);
  return true;
}

}  // namespace warren::ws
