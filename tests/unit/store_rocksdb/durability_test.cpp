// Durability of the rocksdb engine: group commit (concurrent writers share one WAL sync), answers
// that wait until what they show is durable, what each fsync mode acknowledges, and the
// read-only state after a failed WAL write or sync (injected through FaultyFs).
#include <gmock/gmock.h>

#include "fixture.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class DurabilityTest : public RocksTest {
 protected:
  // Runs the loop (so started operations submit their writes) until a WAL sync waits at the
  // closed gate.
  bool held() {
    for (int i = 0; i < 2000; ++i) {
      poll_for(5);
      if (fs_->wait_until_held(std::chrono::milliseconds(0))) return true;
    }
    return false;
  }

  // After a failed write: the write and every later one is refused, reads of durable state are
  // served, reads of state the failed write touched are not, ping reports it.
  void expect_read_only(QueueRef failed, QueueRef untouched) {
    auto refused = run(store_->post_messages(
        untouched, kClientA, std::vector<NewMessage>{{R"({"late":1})", 60, 0}}, kT0));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::storage_read_only);
    EXPECT_EQ(error_of(run(store_->create_queue(queue("new"), "{}", kT0))),
              Errc::storage_read_only);
    EXPECT_EQ(error_of(run(store_->ping())), Errc::storage_read_only);
    MessageListOptions o;
    o.limit = 10;
    auto durable = run(store_->list_messages(untouched, o, kT0));
    ASSERT_TRUE(durable) << durable.error().description;
    EXPECT_EQ(durable->messages.size(), 1u);
    EXPECT_EQ(error_of(run(store_->list_messages(failed, o, kT0))), Errc::storage_read_only);
    ReapStats reaped = must(run(store_->reap(kT0 + 1'000'000'000, 100)));
    EXPECT_EQ(reaped.messages, 0);
  }
};

TEST_F(DurabilityTest, ConcurrentWritersShareOneSync) {
  open();
  post(queue(), 1);  // the queue exists; its creation is durable
  const int syncs_before = fs_->syncs;
  fs_->close_gate();
  // The first post's group is held in its sync; the other 63 gather behind it.
  std::vector<std::string> bodies;
  for (int i = 0; i < 64; ++i) bodies.push_back(fmt::format(R"({{"i":{}}})", i));
  std::vector<std::vector<NewMessage>> batches;
  for (const std::string& body : bodies) batches.push_back({NewMessage{body, 3600, 0}});
  std::vector<std::shared_ptr<Started<std::vector<ShortId>>>> posts;
  posts.push_back(start(store_->post_messages(queue(), kClientA, batches[0], kT0)));
  ASSERT_TRUE(held());
  for (int i = 1; i < 64; ++i) {
    posts.push_back(start(store_->post_messages(queue(), kClientA, batches[i], kT0)));
  }
  poll_for(50);
  for (const auto& p : posts) EXPECT_FALSE(p->done) << "acknowledged before its sync";
  fs_->open_gate();
  run_until([&] {
    return std::all_of(posts.begin(), posts.end(), [](const auto& p) { return p->done; });
  });
  for (const auto& p : posts) ASSERT_TRUE(p->done && *p->result);
  // One sync for the held group, one (or very few) for the 63 behind it.
  EXPECT_LE(fs_->syncs - syncs_before, 3);
  DurabilityStats stats = store_->durability_stats();
  EXPECT_GE(stats.sections, 65u);
  EXPECT_LE(stats.groups, stats.sections / 8);
}

TEST_F(DurabilityTest, AnswersWaitUntilWhatTheyShowIsDurable) {
  open();
  post(queue("settled"), 1);
  fs_->close_gate();
  std::string body = R"({"pending":true})";
  std::vector<NewMessage> message{{body, 3600, 0}};
  auto created = start(store_->create_queue(queue(), "{}", kT0));
  auto posted = start(store_->post_messages(queue(), kClientA, message, kT0));
  ASSERT_TRUE(held());
  poll_for(20);
  ASSERT_FALSE(created->done);
  ASSERT_FALSE(posted->done);

  // Whatever shows the pending post (or the pending queue it went to) waits for its sync...
  MessageListOptions o;
  o.limit = 10;
  auto listed = start(store_->list_messages(queue(), o, kT0));
  auto metadata = start(store_->get_queue_metadata(queue()));
  ClaimParams p;
  auto claimed = start(store_->create_claim(queue(), p, kT0));
  QueueListOptions q;
  auto queues = start(store_->list_queues(kProject, q));
  // ...what is already durable does not.
  auto settled = start(store_->list_messages(queue("settled"), o, kT0));
  poll_for(100);
  EXPECT_TRUE(settled->done);
  EXPECT_FALSE(listed->done);
  EXPECT_FALSE(metadata->done);
  EXPECT_FALSE(claimed->done);
  EXPECT_FALSE(queues->done);

  fs_->open_gate();
  run_until([&] { return posted->done && listed->done && metadata->done && claimed->done; });
  ASSERT_TRUE(listed->done && *listed->result);
  ASSERT_EQ((*listed->result)->messages.size(), 1u);
  EXPECT_EQ((*listed->result)->messages[0].body.view(), body);
  ASSERT_TRUE(claimed->done && *claimed->result);
  EXPECT_EQ((*claimed->result)->messages.size(), 1u);
}

TEST_F(DurabilityTest, BatchModeAcknowledgesBeforeTheSync) {
  fsync_ = FsyncPolicy::batch;
  fsync_interval_ = std::chrono::milliseconds(60000);  // no periodic sync during the test
  open();
  fs_->close_gate();  // a sync would hang: none must be needed to acknowledge
  std::vector<std::string> posted = post(queue(), 3);
  EXPECT_EQ(ids(queue()), posted);
  fs_->open_gate();
  reopen();  // a clean shutdown syncs
  EXPECT_EQ(ids(queue()), posted);
}

TEST_F(DurabilityTest, BatchModeSyncsWithinTheInterval) {
  fsync_ = FsyncPolicy::batch;
  fsync_interval_ = std::chrono::milliseconds(20);
  open();
  const int before = fs_->syncs;
  post(queue(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GE(fs_->syncs - before, 1);
}

TEST_F(DurabilityTest, NeverModeAcknowledgesWithoutSyncing) {
  fsync_ = FsyncPolicy::never;
  open();
  const int before = fs_->syncs;
  std::vector<std::string> posted = post(queue(), 5);
  EXPECT_EQ(fs_->syncs, before);
  EXPECT_EQ(store_->durability_stats().syncs, 0u);
  reopen();
  EXPECT_EQ(ids(queue()), posted);
}

TEST_F(DurabilityTest, AFailedWalWriteMakesTheStoreReadOnly) {
  open();
  std::vector<std::string> acknowledged = post(queue(), 2);
  post(queue("untouched"), 1);
  fs_->fail_appends = true;
  auto failed = run(store_->post_messages(queue(), kClientA,
                                          std::vector<NewMessage>{{R"({"n":9})", 60, 0}}, kT0));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::storage_read_only);
  EXPECT_THAT(failed.error().description, ::testing::HasSubstr("space"));
  expect_read_only(queue(), queue("untouched"));

  fs_->fail_appends = false;
  reopen();  // restarting recovers from the log: every acknowledged write is there
  std::vector<std::string> after = ids(queue());
  ASSERT_GE(after.size(), 2u);
  EXPECT_EQ(after[0], acknowledged[0]);
  EXPECT_EQ(after[1], acknowledged[1]);
  EXPECT_EQ(ids(queue("untouched")).size(), 1u);
  post(queue(), 1);
}

TEST_F(DurabilityTest, AFailedSyncMakesTheStoreReadOnly) {
  open();
  std::vector<std::string> acknowledged = post(queue(), 2);
  post(queue("untouched"), 1);
  fs_->fail_syncs = true;
  std::vector<std::string> ids_before = ids(queue());
  auto failed = run(store_->delete_message(queue(), acknowledged[0], std::nullopt, kT0));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::storage_read_only);
  expect_read_only(queue(), queue("untouched"));
  fs_->fail_syncs = false;
  reopen();
  // The delete was never acknowledged: it may or may not have happened, nothing else did.
  std::vector<std::string> after = ids(queue());
  EXPECT_TRUE(after == ids_before || after == std::vector<std::string>{acknowledged[1]});
}

TEST_F(DurabilityTest, WritersWaitingOnAFailedGroupAllFail) {
  open();
  post(queue(), 1);
  must(run(store_->create_queue(queue("other"), "{}", kT0)));
  fs_->close_gate();
  std::string body = R"({"x":1})";
  std::vector<NewMessage> message{{body, 3600, 0}};
  auto first = start(store_->post_messages(queue(), kClientA, message, kT0));
  ASSERT_TRUE(held());
  auto second = start(store_->post_messages(queue("other"), kClientA, message, kT0));
  poll_for(20);
  fs_->fail_syncs = true;
  fs_->open_gate();
  run_until([&] { return first->done && second->done; });
  ASSERT_TRUE(first->done && second->done);
  EXPECT_EQ(first->result->error().code, Errc::storage_read_only);
  EXPECT_EQ(second->result->error().code, Errc::storage_read_only);
}

}  // namespace
}  // namespace warren::store::testing
