// The rocksdb record codec's compatibility promises (docs/rocksdb.md): message records of
// version 1, written before the receive count and the body encoding existed, still load; what
// this version writes is version 2 and decodes to every field. (tests/fuzz/rocksdb_codec_fuzz.cpp
// checks the codec on arbitrary bytes.)
#include "store/rocksdb/codec.h"

#include <gtest/gtest.h>

namespace warren::store::rocks {
namespace {

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

TEST(RocksCodec, VersionOneMessagesReadAsJsonWithTheirClaimCountAsReceives) {
  std::string v1;
  v1.push_back(1);
  put_le(v1, 1'700'000'000'000, 8);  // created
  put_le(v1, 1'700'000'060'000, 8);  // expires
  put_le(v1, 60, 4);                 // ttl
  put_le(v1, 0, 4);                  // delay
  put_le(v1, 3, 4);                  // claim count
  put_le(v1, 9, 8);                  // claim number
  put_le(v1, 6, 4);                  // client length
  v1 += "client";
  v1 += R"({"old":true})";
  const auto m = decode_message(v1);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->created, 1'700'000'000'000);
  EXPECT_EQ(m->claim_count, 3u);
  EXPECT_EQ(m->receive_count, 3u);
  EXPECT_EQ(m->claim, 9u);
  EXPECT_EQ(m->encoding, BodyEncoding::json);
  EXPECT_EQ(m->client, "client");
  EXPECT_EQ(m->body, R"({"old":true})");
}

TEST(RocksCodec, MessagesAreWrittenAsVersionTwoWithEveryField) {
  memory::Record record;
  record.body = Body::copy_of("free text, not JSON", BodyEncoding::text);
  record.created = 5;
  record.expires = 6;
  record.ttl_s = 7;
  record.delay_s = 8;
  record.claim_count = 1;
  record.receive_count = 4;
  std::string out;
  encode_message(out, record, "c", 2);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0], 2);
  const auto m = decode_message(out);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->receive_count, 4u);
  EXPECT_EQ(m->claim_count, 1u);
  EXPECT_EQ(m->encoding, BodyEncoding::text);
  EXPECT_EQ(m->body, "free text, not JSON");
  // An encoding this version does not know is refused, not guessed.
  std::string unknown = out;
  unknown[1 + 8 + 8 + 4 + 4 + 4 + 8 + 4] = 7;
  EXPECT_FALSE(decode_message(unknown));
}

}  // namespace
}  // namespace warren::store::rocks
