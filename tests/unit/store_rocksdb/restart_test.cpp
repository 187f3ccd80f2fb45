// What a restart of the rocksdb engine keeps: queues and metadata, messages in order with their
// bodies (and their encodings), posters and receive counts, claims until they expire, delays,
// deletes, dead-letter moves, subscriptions; ids, claim ids and markers continue and never repeat.
#include <gmock/gmock.h>

#include "fixture.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

class RestartTest : public RocksTest {
 protected:
  void SetUp() override { open(); }
};

TEST_F(RestartTest, QueuesMetadataAndMessagesSurvive) {
  ASSERT_TRUE(must(run(store_->create_queue(queue(), R"({"_default_message_ttl":600})", kT0))));
  std::vector<std::string> posted = post(queue(), 5);
  std::vector<std::string> delayed = post(queue(), 2, 5, kT0, 3600, 60);
  must(run(store_->delete_message(queue(), posted[1], std::nullopt, kT0)));
  std::vector<std::string> from_b = post(queue(), 1, 7, kT0, 3600, 0, kClientB);
  reopen();

  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), R"({"_default_message_ttl":600})");
  std::vector<Message> messages = all(queue());
  ASSERT_EQ(messages.size(), 7u);
  EXPECT_THAT(ids_of(messages), ElementsAre(posted[0], posted[2], posted[3], posted[4], delayed[0],
                                            delayed[1], from_b[0]));
  EXPECT_EQ(messages[0].body.view(), R"({"n":0})");
  EXPECT_EQ(messages[4].body.view(), R"({"n":5})");
  EXPECT_EQ(messages[0].ttl_s, 3600);
  EXPECT_EQ(messages[0].created, kT0);
  // Still delayed, and the poster is still known (echo filtering).
  EXPECT_THAT(ids(queue(), kT0 + sec(30), false, false),
              ElementsAre(posted[0], posted[2], posted[3], posted[4], from_b[0]));
  EXPECT_THAT(ids(queue(), kT0 + sec(61), false, false).size(), 7u);
  MessageListOptions echo;
  echo.echo_client = kClientA;
  echo.limit = 100;
  EXPECT_THAT(ids_of(must(run(store_->list_messages(queue(), echo, kT0))).messages),
              ElementsAre(from_b[0]));
  EXPECT_EQ(must(run(store_->queue_stats(queue(), kT0))).counts.total, 7);
  EXPECT_EQ(store_->load_stats().queues, 1);
  EXPECT_EQ(store_->load_stats().messages, 7);
}

TEST_F(RestartTest, BodyEncodingsAndReceiveCountsSurvive) {
  must(run(store_->create_queue(queue(), "{}", kT0)));
  std::vector<NewMessage> messages{{"plain \"text\"", 3600, 0, BodyEncoding::text},
                                   {R"([1])", 3600, 0, BodyEncoding::json}};
  must(run(store_->post_messages(queue(), kClientA, messages, kT0)));
  ClaimParams once;
  once.limit = 1;
  once.ttl_s = 60;
  must(run(store_->create_claim(queue(), once, kT0)));
  must(run(store_->create_claim(queue(), once, kT0 + sec(60))));  // the first one, again
  reopen();

  std::vector<Message> got = all(queue());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body.view(), "plain \"text\"");
  EXPECT_EQ(got[0].body.encoding(), BodyEncoding::text);
  EXPECT_EQ(got[0].receive_count, 2);
  EXPECT_EQ(got[1].body.encoding(), BodyEncoding::json);
  EXPECT_EQ(got[1].receive_count, 0);
}

TEST_F(RestartTest, APerMessageHoldSurvives) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimParams both;
  both.limit = 2;
  both.ttl_s = 60;
  ClaimResult c = must(run(store_->create_claim(queue(), both, kT0)));
  ASSERT_EQ(c.messages.size(), 2u);
  must(run(store_->change_visibility(queue(), Receipt{ids[0], 1}, kT0 + sec(600), kT0)));
  reopen();

  ClaimParams any;
  any.limit = 2;
  any.ttl_s = 1000;
  EXPECT_THAT(ids_of(must(run(store_->create_claim(queue(), any, kT0 + sec(60)))).messages),
              ElementsAre(ids[1]));
  EXPECT_TRUE(must(run(store_->create_claim(queue(), any, kT0 + sec(599)))).messages.empty());
  ClaimResult late = must(run(store_->create_claim(queue(), any, kT0 + sec(600))));
  ASSERT_THAT(ids_of(late.messages), ElementsAre(ids[0]));
  EXPECT_EQ(late.messages[0].receive_count, 2);
}

TEST_F(RestartTest, ClaimsHoldUntilTheyExpire) {
  std::vector<std::string> posted = post(queue(), 4);
  ClaimResult first = claim(queue(), 2, kT0, 60, 60);
  ASSERT_EQ(first.messages.size(), 2u);
  reopen();

  // The claimed two are not claimable again while the claim lives...
  ClaimResult second = claim(queue(), 4, kT0 + sec(10), 60, 60);
  EXPECT_THAT(ids_of(second.messages), ElementsAre(posted[2], posted[3]));
  EXPECT_NE(second.claim_id, first.claim_id);
  ClaimInfo info = must(run(store_->get_claim(queue(), first.claim_id.view(), kT0 + sec(10))));
  EXPECT_THAT(ids_of(info.messages), ElementsAre(posted[0], posted[1]));
  EXPECT_EQ(info.expires, kT0 + sec(60));
  EXPECT_EQ(must(run(store_->queue_stats(queue(), kT0 + sec(10)))).counts.claimed, 4);
  // ...its id still deletes them...
  must(run(store_->delete_message(queue(), posted[0], first.claim_id.view(), kT0 + sec(20))));
  // ...and it ends when it expires.
  ClaimResult third = claim(queue(), 4, kT0 + sec(61), 60, 60);
  EXPECT_THAT(ids_of(third.messages), ElementsAre(posted[1]));
}

TEST_F(RestartTest, ClaimUpdatesAndReleasesSurvive) {
  std::vector<std::string> posted = post(queue(), 4);
  ClaimResult extended = claim(queue(), 2, kT0, 60, 60);
  ClaimResult released = claim(queue(), 2, kT0, 60, 60);
  must(run(store_->update_claim(queue(), extended.claim_id.view(), 600, 60, kT0 + sec(30))));
  must(run(store_->release_claim(queue(), released.claim_id.view(), kT0 + sec(30))));
  reopen();

  ClaimResult again = claim(queue(), 4, kT0 + sec(120), 60, 60);
  EXPECT_THAT(ids_of(again.messages), ElementsAre(posted[2], posted[3]));
  ClaimInfo info = must(run(store_->get_claim(queue(), extended.claim_id.view(), kT0 + sec(120))));
  EXPECT_EQ(info.expires, kT0 + sec(630));
  EXPECT_EQ(info.ttl_s, 600);
  // The messages keep their own expiry (the claims never outlived it).
  EXPECT_EQ(all(queue(), kT0 + sec(120))[0].expires, kT0 + sec(3600));
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), posted[2], released.claim_id.view(),
                                                kT0 + sec(121)))),
            Errc::message_claimed);
}

TEST_F(RestartTest, IdsAndClaimIdsNeverRepeat) {
  std::vector<std::string> before = post(queue(), 3);
  ClaimResult old_claim = claim(queue(), 1, kT0);
  must(run(store_->delete_messages(queue(), std::vector<std::string_view>{before[0], before[2]}, {},
                                   kT0)));  // the newest message and the claim's only one go
  reopen();

  std::vector<std::string> after = post(queue(), 1, 3);
  EXPECT_GT(after[0], before[2]);  // fixed-width hex: text order is number order
  ClaimResult new_claim = claim(queue(), 1, kT0);
  EXPECT_GT(new_claim.claim_id.view(), old_claim.claim_id.view());
  // A marker from before the restart still pages correctly.
  EXPECT_THAT(ids(queue()), ElementsAre(before[1], after[0]));
  MessageListOptions o;
  o.marker = before[2];
  o.include_claimed = true;
  EXPECT_THAT(ids_of(must(run(store_->list_messages(queue(), o, kT0))).messages),
              ElementsAre(after[0]));
}

TEST_F(RestartTest, ARecreatedQueueNeverReusesIds) {
  std::vector<std::string> old_ids = post(queue(), 2);
  must(run(store_->delete_queue(queue())));
  reopen();
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), std::nullopt);
  std::vector<std::string> new_ids = post(queue(), 2);
  EXPECT_NE(new_ids[0].substr(0, 8), old_ids[0].substr(0, 8));
  std::vector<std::string_view> lookup{old_ids[0], old_ids[1]};
  EXPECT_THAT(must(run(store_->get_messages(queue(), lookup, kT0))), IsEmpty());
  EXPECT_EQ(store_->load_stats().messages, 0);
  reopen();
  EXPECT_THAT(ids(queue()), ElementsAreArray(new_ids));
}

TEST_F(RestartTest, PopsPurgesAndBulkDeletesStayDone) {
  std::vector<std::string> posted = post(queue(), 6);
  must(run(store_->pop_messages(queue(), 2, kT0)));
  claim(queue(), 1, kT0);  // posted[2], survives the purge
  must(run(store_->purge_messages(queue(), kT0)));
  reopen();
  EXPECT_THAT(ids(queue()), ElementsAre(posted[2]));
}

TEST_F(RestartTest, DeadLetterMovesSurvive) {
  std::vector<std::string> posted = post(queue(), 1);
  DeadLetterPolicy policy;
  policy.max_claims = 1;
  policy.queue = "dlq";
  policy.message_ttl_s = 7200;
  claim(queue(), 1, kT0, 60, 60, policy);
  ClaimResult moved = claim(queue(), 1, kT0 + sec(61), 60, 60, policy);
  EXPECT_THAT(moved.messages, IsEmpty());
  reopen();
  EXPECT_THAT(ids(queue(), kT0 + sec(62)), IsEmpty());
  std::vector<Message> dead = all(queue("dlq"), kT0 + sec(62));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body.view(), R"({"n":0})");
  EXPECT_EQ(dead[0].claim_count, 1);
  EXPECT_EQ(dead[0].ttl_s, 7200);
  EXPECT_TRUE(dead[0].claim_id.empty());
  QueueListOptions list;
  list.limit = 10;
  EXPECT_EQ(must(run(store_->list_queues(kProject, list))).queues.size(), 2u);
}

TEST_F(RestartTest, SubscriptionsSurviveAndTheirIdsContinue) {
  SubscriptionCreated first = must(
      run(store_->create_subscription(queue(), {"http://a.example", 3600, R"({"x":1})"}, kT0)));
  SubscriptionCreated gone =
      must(run(store_->create_subscription(queue(), {"http://b.example", 3600, "{}"}, kT0)));
  must(run(store_->confirm_subscription(queue(), first.id.view(), true, kT0)));
  SubscriptionUpdate update;
  update.ttl_s = 7200;
  must(run(store_->update_subscription(queue(), first.id.view(), update, kT0 + sec(10))));
  must(run(store_->delete_subscription(queue(), gone.id.view())));
  reopen();

  Subscription s = must(run(store_->get_subscription(queue(), first.id.view(), kT0 + sec(20))));
  EXPECT_EQ(s.subscriber, "http://a.example");
  EXPECT_EQ(s.options, R"({"x":1})");
  EXPECT_TRUE(s.confirmed);
  EXPECT_EQ(s.ttl_s, 7200);
  EXPECT_EQ(s.expires, kT0 + sec(10) + sec(7200));
  EXPECT_EQ(error_of(run(store_->get_subscription(queue(), gone.id.view(), kT0))),
            Errc::subscription_not_found);
  SubscriptionCreated next =
      must(run(store_->create_subscription(queue(), {"http://c.example", 3600, "{}"}, kT0)));
  EXPECT_GT(next.id.view(), gone.id.view());
  EXPECT_EQ(store_->load_stats().subscriptions, 1);
}

TEST_F(RestartTest, ExpiredMessagesAreDroppedAtStartUpAndFromDisk) {
  post(queue(), 3, 0, kT0, 60);
  std::vector<std::string> kept = post(queue(), 2, 3, kT0, 3600);
  reopen(kT0 + sec(120));
  EXPECT_EQ(store_->load_stats().messages, 2);
  EXPECT_EQ(store_->load_stats().expired, 3);
  EXPECT_THAT(ids(queue(), kT0 + sec(120)), ElementsAreArray(kept));
  reopen(kT0 + sec(120));
  EXPECT_EQ(store_->load_stats().expired, 0);  // deleted by the first start-up
  std::vector<std::string> next = post(queue(), 1, 5, kT0 + sec(120));
  EXPECT_GT(next[0], kept[1]);
}

TEST_F(RestartTest, ReapingRemovesExpiredRecordsFromDisk) {
  post(queue(), 3, 0, kT0, 60);
  claim(queue(), 1, kT0, 60, 60);
  ReapStats reaped;
  do {
    reaped = must(run(store_->reap(kT0 + sec(200), 2)));
  } while (reaped.more);
  // Reopened with the clock at kT0, records still on disk would load as live.
  reopen(kT0);
  EXPECT_EQ(store_->load_stats().messages, 0);
  EXPECT_EQ(store_->load_stats().claims, 0);
}

TEST_F(RestartTest, AStoreClosedWithAFlushStillQueuedOnItsLoopIsNotTouched) {
  post(queue(), 1, 0, kT0, 60);
  // This read drops the expired message: a write it does not wait for, whose flush is posted
  // to the loop and still queued when the read returns.
  EXPECT_TRUE(ids(queue(), kT0 + sec(120)).empty());
  reopen(kT0);  // the old store is gone; its flush runs on the loop after it (ASan watches)
  post(queue(), 1);
  EXPECT_EQ(ids(queue()).size(), 1u);
}

TEST_F(RestartTest, DeletingAQueueRemovesAllItsRecords) {
  post(queue(), 10);
  claim(queue(), 5, kT0);
  post(queue("other"), 1);
  must(run(store_->delete_queue(queue())));
  reopen();
  EXPECT_EQ(store_->load_stats().queues, 1);
  EXPECT_EQ(store_->load_stats().messages, 1);
  EXPECT_EQ(store_->load_stats().claims, 0);
}

}  // namespace
}  // namespace warren::store::testing
