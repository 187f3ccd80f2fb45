// JsonWriter: commas, nesting, escaping, raw splicing.
#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace warren {
namespace {

TEST(JsonWriter, NestedObjectsAndArrays) {
  std::string out;
  JsonWriter json(out);
  json.begin_object()
      .key("a").integer(1)
      .key("b").begin_array().integer(1).string("x").null().boolean(true).end_array()
      .key("c").begin_object().end_object()
      .key("d").begin_array().end_array()
      .key("e").raw("{\"raw\":[1,2]}")
      .end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[1,"x",null,true],"c":{},"d":[],"e":{"raw":[1,2]}})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, std::string_view("a\"b\\c\n\t\x01\x1f" "\xc3\xa9", 11));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\xc3\xa9\"");
}

TEST(JsonWriter, RawValueKeepsSeparators) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("href");
  json.raw_value().append("\"/v2/queues/q\"");
  json.key("n").integer(-7).end_object();
  EXPECT_EQ(out, R"({"href":"/v2/queues/q","n":-7})");
}

TEST(JsonWriter, NonFiniteNumbersBecomeNull) {
  std::string out;
  JsonWriter json(out);
  json.begin_array().number(1.5).number(1.0 / 0.0).end_array();
  EXPECT_EQ(out, "[1.5,null]");
}

}  // namespace
}  // namespace warren
