// write_body: how every Zaqar renderer embeds a stored body in a JSON document, whatever its
// encoding (storage contract v2): the output must stay valid JSON for any text body.
#include "engine/body_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace warren::engine {
namespace {

std::string rendered(const store::Body& body) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().key("body");
  write_body(json, body).end_object();
  return out;
}

// The "body" member as a parser reads it back: its JSON type and its string value.
std::pair<simdjson::dom::element_type, std::string> parsed_body(const std::string& document) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(document);
  simdjson::dom::element body = root["body"];
  std::string text;
  if (body.is_string()) text = std::string(std::string_view(body));
  return {body.type(), text};
}

TEST(BodyJson, JsonBodiesGoInVerbatimAndNoBodyIsNull) {
  EXPECT_EQ(rendered(store::Body::copy_of(R"({"a":[1,"x"]})")), R"({"body":{"a":[1,"x"]}})");
  EXPECT_EQ(rendered(store::Body::copy_of(R"("just a string")")), R"({"body":"just a string"})");
  EXPECT_EQ(rendered(store::Body()), R"({"body":null})");
}

TEST(BodyJson, TextBodiesBecomeJsonStringsThatReadBackExactly) {
  const std::string text =
      "not JSON: \"quoted\", back\\slash, tab\t, newline\n, \x01, caf\xC3\xA9 }";
  const std::string out = rendered(store::Body::copy_of(text, store::BodyEncoding::text));
  auto [type, value] = parsed_body(out);
  EXPECT_EQ(type, simdjson::dom::element_type::STRING);
  EXPECT_EQ(value, text);
  // Text that happens to look like JSON is still text.
  EXPECT_EQ(rendered(store::Body::copy_of("[1,2]", store::BodyEncoding::text)),
            R"({"body":"[1,2]"})");
  EXPECT_EQ(rendered(store::Body::copy_of("", store::BodyEncoding::text)), R"({"body":""})");
}

}  // namespace
}  // namespace warren::engine
