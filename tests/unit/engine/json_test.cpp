// engine::json: Zaqar's reading rules (a request document is an object or an array, every
// integer fits in 64 signed bits), minify, and the reuse of parsers: documents alive at the
// same time keep their own trees, and a parser that read a large document is not kept.
#include "engine/json.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace warren::engine::json {
namespace {

std::string text_of(const Result<Document>& document) {
  return document ? minify(document->root()) : std::string("<error>");
}

TEST(Json, ARequestDocumentIsAnObjectOrAnArray) {
  EXPECT_TRUE(parse_document(R"({"a": 1})"));
  EXPECT_TRUE(parse_document("[1, 2]"));
  EXPECT_EQ(parse_document("42").error().code, Errc::body_unparseable);
  EXPECT_EQ(parse_document("").error().code, Errc::body_unparseable);
  EXPECT_EQ(parse_document("{").error().code, Errc::body_unparseable);
  EXPECT_TRUE(parse_value("42"));
}

TEST(Json, IntegersBeyondSigned64BitsAreRefused) {
  EXPECT_TRUE(parse_document(R"({"n": 9223372036854775807})"));
  EXPECT_EQ(parse_document(R"({"n": 9223372036854775808})").error().code,
            Errc::body_integer_too_large);
  EXPECT_EQ(parse_document(R"([123456789012345678901234567890])").error().code,
            Errc::body_integer_too_large);
  EXPECT_TRUE(parse_document(R"({"n": 1.5e300})"));
}

TEST(Json, MinifyDropsWhitespaceAndKeepsEscapes) {
  EXPECT_EQ(text_of(parse_document(" { \"a\" : [ 1 , true , null ] , \"b\" : \"x\\ny\" } ")),
            R"({"a":[1,true,null],"b":"x\ny"})");
  // The builder is reused: a shorter text after a longer one carries nothing over.
  EXPECT_EQ(text_of(parse_document("[1]")), "[1]");
}

TEST(Json, DocumentsAliveTogetherKeepTheirOwnTrees) {
  std::vector<Result<Document>> documents;
  for (int i = 0; i < 20; ++i) {  // more than the pool keeps idle
    documents.push_back(parse_document("{\"n\":" + std::to_string(i) + "}"));
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(text_of(documents[static_cast<std::size_t>(i)]), "{\"n\":" + std::to_string(i) + "}");
  }
  documents.clear();  // back to the pool, or freed beyond what it keeps
  for (int round = 0; round < 3; ++round) {
    const Result<Document> again = parse_document(R"({"again":true})");
    EXPECT_EQ(text_of(again), R"({"again":true})");
  }
}

TEST(Json, AParserThatReadALargeDocumentStillParsesSmallOnes) {
  std::string large = "[";
  for (int i = 0; i < 50000; ++i) large += (i ? ",\"item\"" : "\"item\"");
  large += "]";
  {
    const Result<Document> big = parse_document(large);
    ASSERT_TRUE(big);
    EXPECT_EQ(array_of(big->root()).size(), 50000U);
  }
  const Result<Document> small = parse_document(R"({"small":1})");
  EXPECT_EQ(text_of(small), R"({"small":1})");
}

}  // namespace
}  // namespace warren::engine::json
