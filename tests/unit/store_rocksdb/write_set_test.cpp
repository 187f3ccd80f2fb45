// SpareBuffer: the hand-over of write buffers between the journals of one thread (a buffer
// left after a take must come back; the larger one is kept).
#include "store/rocksdb/write_set.h"

#include <gtest/gtest.h>

namespace warren::store::rocks {
namespace {

TEST(SpareBuffer, ABufferLeftAfterATakeIsKept) {
  // The journal's sequence: take the spare (leaving a moved-from string behind), grow a
  // buffer, leave it. The next journal must get the grown buffer back.
  SpareBuffer spare;
  std::string first = spare.take();
  first.reserve(300);
  spare.leave(std::move(first));
  std::string second = spare.take();
  EXPECT_GE(second.capacity(), 300u);
  spare.leave(std::move(second));
  EXPECT_GE(spare.take().capacity(), 300u);
}

TEST(SpareBuffer, KeepsTheLargerBuffer) {
  SpareBuffer spare;
  std::string large;
  large.reserve(1000);
  spare.leave(std::move(large));
  std::string small;
  small.reserve(100);
  spare.leave(std::move(small));
  EXPECT_GE(spare.take().capacity(), 1000u);
}

}  // namespace
}  // namespace warren::store::rocks
