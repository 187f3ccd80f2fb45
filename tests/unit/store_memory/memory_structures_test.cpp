// Unit tests of the memory engine's internal structures: the id codec, the summary tree
// (against brute force, across window wrap-around), the message log's chunk freeing, and the
// cost bound that makes claims O(log n): a search on a deep queue whose first half is claimed
// examines a chunk's worth of records and O(log n) tree nodes, not the claimed half.
#include <bit>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "store/memory/claim_table.h"
#include "store/memory/client_table.h"
#include "store/memory/ids.h"
#include "store/memory/message_log.h"
#include "store/memory/summary_tree.h"

namespace warren::store::memory {
namespace {

constexpr TimeMs kNow = 1'700'000'000'000;

TEST(Ids, RoundTripAndRejectEverythingElse) {
  const IdParts parts{0xdeadbeef, 0x0123456789abcdefull};
  const ShortId id = format_id(parts);
  EXPECT_EQ(id.view(), "deadbeef0123456789abcdef");
  auto parsed = parse_id(id.view());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->prefix, parts.prefix);
  EXPECT_EQ(parsed->seq, parts.seq);
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("deadbeef0123456789abcde"));    // 23 digits
  EXPECT_FALSE(parse_id("deadbeef0123456789abcdef0"));  // 25
  EXPECT_FALSE(parse_id("DEADBEEF0123456789ABCDEF"));   // upper case is not ours
  EXPECT_FALSE(parse_id("deadbeef0123456789abcdeg"));
  // Text order is numeric order.
  EXPECT_LT(format_id({1, 9}).view(), format_id({1, 10}).view());
  EXPECT_LT(format_id({1, 0xffff}).view(), format_id({2, 0}).view());
}

TEST(ClientTable, InternsWithReferenceCounts) {
  ClientTable clients;
  const std::uint32_t a = clients.acquire("alpha");
  EXPECT_EQ(clients.acquire("alpha"), a);
  const std::uint32_t b = clients.acquire("beta");
  EXPECT_NE(a, b);
  EXPECT_EQ(clients.acquire(""), ClientTable::kNone);
  EXPECT_EQ(clients.find("gamma"), ClientTable::kUnknown);
  clients.release(a);
  EXPECT_EQ(clients.find("alpha"), a);
  clients.release(a);
  EXPECT_EQ(clients.find("alpha"), ClientTable::kUnknown);
  EXPECT_EQ(clients.size(), 1u);
  const std::uint32_t c = clients.acquire("gamma");  // reuses the freed slot
  EXPECT_EQ(c, a);
  EXPECT_EQ(clients.name(c), "gamma");
  EXPECT_EQ(clients.name(b), "beta");
}

TEST(SummaryTree, FindFirstMatchesBruteForceAcrossWrapAround) {
  std::mt19937 rng(7);
  constexpr std::uint64_t kCapacity = 64;
  for (int round = 0; round < 200; ++round) {
    SummaryTree tree(kCapacity);
    // A window [first, first + width) of chunk numbers that may wrap around the capacity.
    const std::uint64_t first = rng() % 1000;
    const std::uint64_t width = 1 + rng() % kCapacity;
    std::vector<TimeMs> value(width);
    for (std::uint64_t i = 0; i < width; ++i) {
      value[i] = rng() % 4 == 0 ? kNever : static_cast<TimeMs>(rng() % 100);
      Summary s;
      s.min[kAvailable] = value[i];
      if (rng() % 2) {
        tree.set(first + i, s);
      } else {
        tree.lower(first + i, s);
      }
    }
    for (int query = 0; query < 20; ++query) {
      const std::uint64_t from = first + rng() % width;
      const TimeMs bound = static_cast<TimeMs>(rng() % 100);
      std::uint64_t expected = first + width;
      for (std::uint64_t k = from; k < first + width; ++k) {
        if (value[k - first] <= bound) {
          expected = k;
          break;
        }
      }
      EXPECT_EQ(tree.find_first(from, first + width, kAvailable, bound), expected)
          << "first " << first << " width " << width << " from " << from << " bound " << bound;
    }
  }
}

class MessageLogTest : public ::testing::Test {
 protected:
  std::uint64_t append(TimeMs created, std::int64_t ttl_s, std::uint32_t delay_s = 0) {
    Record r;
    r.created = created;
    r.expires = created + ttl_s * 1000;
    r.ttl_s = static_cast<std::uint32_t>(ttl_s);
    r.delay_s = delay_s;
    return log_.append(std::move(r));
  }

  ClaimTable claims_;
  MessageLog log_{claims_};
};

TEST_F(MessageLogTest, ChunksAreFreedWhereverTheyEmpty) {
  for (int i = 0; i < 64 * 10; ++i) append(kNow, 60);
  EXPECT_EQ(log_.size(), 640u);
  EXPECT_EQ(log_.first(), 1u);
  EXPECT_EQ(log_.last(), 640u);
  // Empty the middle chunks and the ends: searches jump the holes.
  for (std::uint64_t seq = 100; seq <= 500; ++seq) log_.erase(seq);
  for (std::uint64_t seq = 1; seq <= 10; ++seq) log_.erase(seq);
  for (std::uint64_t seq = 600; seq <= 640; ++seq) log_.erase(seq);
  log_.flush();
  EXPECT_EQ(log_.first(), 11u);
  EXPECT_EQ(log_.last(), 599u);
  EXPECT_EQ(log_.next_live(100), 501u);
  EXPECT_EQ(log_.find(300), nullptr);
  EXPECT_EQ(log_.size(), 640u - 401u - 10u - 41u);
  // Appends continue after the last sequence number ever used.
  EXPECT_EQ(append(kNow, 60), 641u);
}

TEST_F(MessageLogTest, SearchesCostLogNOnADeepHalfClaimedQueue) {
  constexpr std::uint64_t kDepth = 200'000;
  for (std::uint64_t i = 0; i < kDepth; ++i) append(kNow, 3600);
  // Claim the first half, 20 messages a claim, as consumers would.
  for (std::uint64_t seq = 1; seq <= kDepth / 2; seq += 20) {
    const std::uint32_t ref = claims_.create(seq, kNow, kNow + 300'000, 300);
    for (std::uint64_t s = seq; s < seq + 20; ++s) {
      const Summary before = log_.keys_of(*log_.find(s));
      log_.find(s)->claim = ref;
      claims_.attach(ref, s);
      log_.touch(s, before);
    }
  }
  log_.flush();

  const MessageLog::SearchCost before = log_.search_cost();
  EXPECT_EQ(log_.find_first(kAvailable, 1, kNow), kDepth / 2 + 1);
  EXPECT_EQ(log_.find_first(kUnclaimed, 1, kNow), kDepth / 2 + 1);
  const MessageLog::SearchCost after = log_.search_cost();
  const std::uint64_t log_n = std::bit_width(kDepth);
  // Two searches: each examines at most two chunks of records and a few root-to-leaf paths.
  EXPECT_LE(after.records - before.records, 4 * MessageLog::kChunkSize);
  EXPECT_LE(after.nodes - before.nodes, 2 * 4 * log_n);

  // When the claims end, the oldest message is the first claimable again, as cheaply.
  EXPECT_EQ(log_.find_first(kAvailable, 1, kNow + 300'000), 1u);
  // Delayed messages are skipped the same way.
  const std::uint64_t delayed = append(kNow, 3600, 600);
  EXPECT_EQ(log_.find_first(kVisible, delayed, kNow), 0u);
  EXPECT_EQ(log_.find_first(kVisible, delayed, kNow + 600'000), delayed);
}

TEST_F(MessageLogTest, ExpiredRecordsAreFoundInDeadlineOrderOfChunks) {
  for (int i = 0; i < 1000; ++i) append(kNow + i, i % 2 ? 3600 : 60);
  EXPECT_EQ(log_.min_key(kExpires), kNow + 60'000);
  EXPECT_EQ(log_.find_first(kExpires, 1, kNow + 60'000), 1u);
  EXPECT_EQ(log_.find_first(kExpires, 1, kNow + 59'999), 0u);
  for (std::uint64_t s = log_.find_first(kExpires, 1, kNow + 61'000); s != 0;
       s = log_.find_first(kExpires, 1, kNow + 61'000)) {
    log_.erase(s);
  }
  log_.flush();
  EXPECT_EQ(log_.size(), 500u);
  EXPECT_EQ(log_.min_key(kExpires), kNow + 1 + 3'600'000);
}

}  // namespace
}  // namespace warren::store::memory
