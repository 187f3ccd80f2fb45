// The wire form of batches between nodes: what is encoded comes back whole (any bytes in any
// field), and anything else is refused rather than half-read.
#include "notify/remote_batch.h"

#include <gtest/gtest.h>

namespace warren::notify {
namespace {

TEST(RemoteBatch, RoundTripsAnyBytes) {
  // (Built whole: GCC 12 warns falsely (-Wrestrict) on assigning literals to its fields.)
  const NotificationBatch batch{
      "p:1{x}", "q", {R"({"body":"a:b","ttl":60})", std::string("\0\n12:", 5), ""}, ""};
  const std::string wire = encode_remote_batch("node-7", batch);
  auto back = decode_remote_batch(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->node, "node-7");
  EXPECT_EQ(back->project, batch.project);
  EXPECT_EQ(back->queue, "q");
  EXPECT_EQ(back->payloads, batch.payloads);
}

TEST(RemoteBatch, RefusesWhatItDidNotWrite) {
  const NotificationBatch batch{"p", "q", {"one", "two"}, ""};
  const std::string wire = encode_remote_batch("n", batch);
  for (std::size_t cut = 0; cut < wire.size(); ++cut) {
    EXPECT_FALSE(decode_remote_batch(wire.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(decode_remote_batch(wire + "x"));
  EXPECT_FALSE(decode_remote_batch("w2" + wire.substr(2)));
  EXPECT_FALSE(decode_remote_batch("w11:n1:p1:q9:99999999"));
  EXPECT_FALSE(decode_remote_batch("w1-1:n"));
}

}  // namespace
}  // namespace warren::notify
