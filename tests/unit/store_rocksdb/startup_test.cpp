// Start-up of the rocksdb engine: it loads many messages quickly, refuses a record it cannot
// decode (rather than guess what it held), refuses a directory another process holds, and
// recovers what a crash left in the write-ahead log.
#include <gmock/gmock.h>
#include <rocksdb/db.h>

#include "fixture.h"

namespace warren::store::testing {
namespace {

using ::testing::HasSubstr;

class StartupTest : public RocksTest {};

TEST_F(StartupTest, LoadsManyMessagesQuickly) {
  fsync_ = FsyncPolicy::never;  // this test is about loading, not syncing
  progress_every_ = 50000;
  open();
  constexpr int kPosts = 2000, kPerPost = 100;
  std::string body(100, 'x');
  body = "\"" + body + "\"";
  std::vector<NewMessage> batch(kPerPost, NewMessage{body, 3600, 0});
  must(run(store_->create_queue(queue("even"), "{}", kT0)));
  must(run(store_->create_queue(queue("odd"), "{}", kT0)));
  for (int i = 0; i < kPosts; ++i) {
    must(run(store_->post_messages(queue(i % 2 == 0 ? "even" : "odd"), kClientA, batch, kT0)));
  }
  claim(queue("even"), 20, kT0);
  reopen();
  const LoadStats& loaded = store_->load_stats();
  EXPECT_EQ(loaded.messages, kPosts * kPerPost);
  EXPECT_EQ(loaded.queues, 2);
  EXPECT_EQ(loaded.claims, 1);
  EXPECT_LT(loaded.seconds, 10.0);
  std::cout << "loaded " << loaded.messages << " messages in " << loaded.seconds << " s\n";
  EXPECT_EQ(must(run(store_->queue_stats(queue("even"), kT0))).counts.claimed, 20);
}

TEST_F(StartupTest, RefusesARecordItCannotDecode) {
  open();
  post(queue(), 3);
  store_.reset();
  {
    // Damage one message record behind the engine's back.
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "queues", "messages", "claims", "subscriptions"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open({}, dir_.sub("db"), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, handles[2]));
    it->SeekToLast();
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(db->Put({}, handles[2], it->key(), "\x01garbage").ok());
    it.reset();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
  auto made = make_rocksdb_store(options());
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, Errc::startup_failed);
  EXPECT_THAT(made.error().description, HasSubstr("corrupt message record"));
}

TEST_F(StartupTest, RefusesADirectoryInUse) {
  open();
  auto second = make_rocksdb_store(options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::startup_failed);
  EXPECT_THAT(second.error().description, HasSubstr("lock"));
}

TEST_F(StartupTest, ANewDirectoryIsCreated) {
  RocksStoreOptions o = options();
  o.path = dir_.sub("nested/deeper/db");
  auto made = make_rocksdb_store(o);
  ASSERT_TRUE(made) << made.error().description;
}

}  // namespace
}  // namespace warren::store::testing
