// Push frame headers: the three length encodings of RFC 6455 section 5.2, unmasked and final.
#include "ws/frame.h"

#include <gtest/gtest.h>

namespace warren::ws {
namespace {

std::string header(Opcode opcode, std::uint64_t size) {
  std::string out;
  append_frame_header(out, opcode, size);
  return out;
}

TEST(Frame, SmallPayloadHasATwoByteHeader) {
  EXPECT_EQ(header(Opcode::text, 0), std::string("\x81\x00", 2));
  EXPECT_EQ(header(Opcode::text, 125), std::string("\x81\x7d", 2));
  EXPECT_EQ(header(Opcode::binary, 5), std::string("\x82\x05", 2));
}

TEST(Frame, MediumPayloadUsesSixteenBits) {
  EXPECT_EQ(header(Opcode::text, 126), std::string("\x81\x7e\x00\x7e", 4));
  EXPECT_EQ(header(Opcode::text, 65535), std::string("\x81\x7e\xff\xff", 4));
}

TEST(Frame, LargePayloadUsesSixtyFourBits) {
  EXPECT_EQ(header(Opcode::binary, 65536),
            std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
}

TEST(Frame, AppendFrameAddsThePayload) {
  std::string out;
  append_frame(out, Opcode::text, "hello");
  EXPECT_EQ(out, std::string("\x81\x05hello", 7));
}

}  // namespace
}  // namespace warren::ws
