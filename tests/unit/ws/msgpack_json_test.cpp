// MessagePack <-> JSON: round trips of every JSON type, and the inputs the decoder refuses.
#include "ws/msgpack_json.h"

#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

namespace warren::ws {
namespace {

std::string to_json(const std::string& packed) {
  std::string json, error;
  EXPECT_TRUE(msgpack_to_json(packed, json, error)) << error;
  return json;
}

std::string round_trip(std::string_view json) {
  std::string packed;
  EXPECT_TRUE(json_to_msgpack(json, packed));
  return to_json(packed);
}

std::string refusal(const std::string& packed) {
  std::string json, error;
  EXPECT_FALSE(msgpack_to_json(packed, json, error));
  EXPECT_TRUE(json.empty());
  return error;
}

TEST(MsgpackJson, RoundTripsEveryJsonType) {
  EXPECT_EQ(round_trip(R"({"a":1,"b":-2,"c":1.5,"d":"x\"y","e":[true,false,null],"f":{}})"),
            R"({"a":1,"b":-2,"c":1.5,"d":"x\"y","e":[true,false,null],"f":{}})");
  EXPECT_EQ(round_trip("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(round_trip("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(round_trip(R"("ünïcödé ☃")"), R"("ünïcödé ☃")");
  EXPECT_EQ(round_trip("[]"), "[]");
}

TEST(MsgpackJson, FloatsStayFloats) {
  EXPECT_EQ(round_trip("2.0"), "2.0");
  EXPECT_EQ(round_trip("[1e300]"), "[1e+300]");
}

TEST(MsgpackJson, EncodesIntegersInTheirSmallestForm) {
  std::string packed;
  ASSERT_TRUE(json_to_msgpack("[1,200,70000]", packed));
  EXPECT_EQ(packed, std::string("\x93\x01\xcc\xc8\xce\x00\x01\x11\x70", 9));
}

TEST(MsgpackJson, BinValuesBecomeStrings) {
  EXPECT_EQ(to_json(std::string("\xc4\x02hi", 4)), R"("hi")");
}

TEST(MsgpackJson, RefusesWhatJsonCannotCarry) {
  EXPECT_EQ(refusal(std::string("\x81\x01\x02", 3)), "TypeError: map keys must be strings");
  EXPECT_EQ(refusal(std::string("\xd4\x01\x01", 3)),
            "TypeError: MessagePack ext types are not supported");
  EXPECT_NE(refusal(std::string("\xa2\xff\xfe", 3)).find("UnicodeDecodeError"), std::string::npos);
  EXPECT_NE(refusal(std::string("\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00", 9)).find("float"),
            std::string::npos);  // NaN
}

TEST(MsgpackJson, RefusesMalformedInput) {
  EXPECT_EQ(refusal(std::string("\xc1", 1)), "ValueError: Unpack failed: error = -2");
  EXPECT_EQ(refusal(std::string("\x92\x01", 2)), "ValueError: Unpack failed: incomplete input");
  EXPECT_EQ(refusal(""), "ValueError: Unpack failed: incomplete input");
  EXPECT_EQ(refusal(std::string("\x01\x02", 2)), "ExtraData: unpack(b) received extra data.");
}

TEST(MsgpackJson, BoundsNesting) {
  std::string deep(kMaxNesting + 1, '\x91');  // arrays of one element, nested
  deep.push_back('\x01');
  EXPECT_EQ(refusal(deep), "ValueError: nested too deeply");
  std::string fine(kMaxNesting, '\x91');
  fine.push_back('\x01');
  EXPECT_EQ(to_json(fine), std::string(kMaxNesting, '[') + "1" + std::string(kMaxNesting, ']'));
}

TEST(MsgpackJson, HugeDeclaredSizesDoNotAllocate) {
  // An array32 claiming 4 billion elements, with none present.
  EXPECT_EQ(refusal(std::string("\xdd\xff\xff\xff\xff", 5)),
            "ValueError: Unpack failed: incomplete input");
}

TEST(MsgpackJson, RefusesInvalidJson) {
  std::string packed;
  EXPECT_FALSE(json_to_msgpack("{", packed));
}

}  // namespace
}  // namespace warren::ws
