// The JSON writer of reports and histories: warren::JsonWriter (common/json_writer.h) with a
// field(name, value) for each value type they use, so a report reads as a list of fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_writer.h"

namespace warren::bench {

class FieldWriter {
 public:
  explicit FieldWriter(std::string& out) : w_(out) {}

  FieldWriter& begin_object() { return call(w_.begin_object()); }
  FieldWriter& end_object() { return call(w_.end_object()); }
  FieldWriter& begin_array() { return call(w_.begin_array()); }
  FieldWriter& end_array() { return call(w_.end_array()); }
  FieldWriter& key(std::string_view k) { return call(w_.key(k)); }
  FieldWriter& value(std::string_view s) { return call(w_.string(s)); }
  FieldWriter& value(const char* s) { return value(std::string_view(s)); }
  FieldWriter& value(const std::string& s) { return value(std::string_view(s)); }
  FieldWriter& value(double d) { return call(w_.number(d)); }
  FieldWriter& value(std::int64_t i) { return call(w_.integer(i)); }
  FieldWriter& value(std::uint64_t u) { return call(w_.integer(static_cast<std::int64_t>(u))); }
  FieldWriter& value(int i) { return call(w_.integer(i)); }
  FieldWriter& value(bool b) { return call(w_.boolean(b)); }
  FieldWriter& null() { return call(w_.null()); }
  // Already-serialised JSON as the next value.
  FieldWriter& raw(std::string_view json) { return call(w_.raw(json)); }

  template <class T>
  FieldWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  FieldWriter& call(JsonWriter&) { return *this; }
  JsonWriter w_;
};

}  // namespace warren::bench
