// JsonWriter: appends compact JSON to a caller's buffer (a connection's output buffer), so
// responses are serialised once, in place. Parsing is simdjson's job; this only writes.
// Raw JSON text (message bodies, metadata) is spliced verbatim with raw().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warren {

// Appends `text` as a JSON string literal (quotes, escapes for ", \ and control characters;
// other bytes, UTF-8 included, are copied as they are).
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // An object member's key; the next value written is its value.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view value);
  JsonWriter& integer(std::int64_t value);
  JsonWriter& number(double value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // Already-valid JSON text, spliced as one value.
  JsonWriter& raw(std::string_view json);
  // Starts a value the caller appends to the returned buffer itself (exactly one valid JSON
  // value), e.g. a string assembled from pieces without a temporary.
  std::string& raw_value();

  std::string& buffer() noexcept { return out_; }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void separate();

  std::string& out_;
  bool need_comma_ = false;  // a value was written at the current level
  bool after_key_ = false;   // the next value belongs to a key just written
};

}  // namespace warren
