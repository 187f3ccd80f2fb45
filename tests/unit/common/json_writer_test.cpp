// JsonWriter: commas, nesting, escaping, raw splicing.
#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <cstdio>

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

// The word-at-a-time scan must agree with a byte-by-byte reference on every byte value and
// every position.
TEST(JsonWriter, EscapingMatchesAReferenceEverywhere) {
  auto reference = [](std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c < 0x20) {
        const char* named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                          : c == '\b' ? "\\b" : c == '\f' ? "\\f" : nullptr;
        if (named) {
          out += named;
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        }
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t length = 1; length <= 20; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(byte);
        std::string out;
        append_json_string(out, text);
        ASSERT_EQ(out, reference(text)) << "byte " << byte << " at " << at << " of " << length;
      }
    }
  }
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
