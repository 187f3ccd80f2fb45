// Contract: messages — posting, FIFO listing, markers, filters (claimed, delayed, echo), TTL
// expiry at the exact deadline, reads by id.
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

TEST_P(StoreContract, PostReturnsOneDistinctIdPerMessageInOrder) {
  std::vector<std::string> first = post(queue(), 3);
  std::vector<std::string> second = post(queue(), 2, Post{}, 3);
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 2u);
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_FALSE(all[i].empty());
    EXPECT_LE(all[i].size(), ShortId::kCapacity);
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(all[i], all[j]);
  }
  EXPECT_EQ(list_ids(queue(), {}), all);  // FIFO: posting order, batches consecutive
}

TEST_P(StoreContract, StoredMessagesKeepTheirBodyTimesAndNoClaim) {
  std::vector<std::string> ids = post(queue(), 1, Post().ttl(120).delay(0).when(kT0));
  Message m = get_one(queue(), ids[0], kT0 + sec(3));
  EXPECT_EQ(m.id.view(), ids[0]);
  EXPECT_EQ(m.body.view(), body_text(0));
  EXPECT_EQ(m.created, kT0);
  EXPECT_EQ(m.ttl_s, 120);
  EXPECT_EQ(m.expires, kT0 + sec(120));
  EXPECT_EQ(m.visible_at, kT0);
  EXPECT_TRUE(m.claim_id.empty());
  EXPECT_FALSE(m.claimed_at(kT0 + sec(3)));
  EXPECT_EQ(m.claim_count, 0);
}

TEST_P(StoreContract, BodiesAreOpaqueBytes) {
  const std::string body =
      std::string("[\"caf\xC3\xA9\",null,{\"k\":\"") + std::string(3000, 'x') + "\"}]";
  NewMessage message{body, 300, 0};
  must(run(store_->create_queue(queue(), "{}", kT0)));
  std::vector<ShortId> ids =
      must(run(store_->post_messages(queue(), kClientA, {&message, 1}, kT0)));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(get_one(queue(), std::string(ids[0].view())).body.view(), body);
}

TEST_P(StoreContract, BodiesKeepTheirEncoding) {
  must(run(store_->create_queue(queue(), "{}", kT0)));
  // Text that is not JSON (quotes, a backslash, a newline), empty text, and a JSON body.
  const std::string text = "say \"hi\"\\\n";
  std::vector<NewMessage> messages{{text, 300, 0, BodyEncoding::text},
                                   {"", 300, 0, BodyEncoding::text},
                                   {R"({"k":1})", 300, 0, BodyEncoding::json}};
  std::vector<ShortId> ids = must(run(store_->post_messages(queue(), kClientA, messages, kT0)));
  ASSERT_EQ(ids.size(), 3u);
  const auto check = [&](const std::vector<Message>& got, const char* how) {
    ASSERT_EQ(got.size(), 3u) << how;
    EXPECT_EQ(got[0].body.view(), text) << how;
    EXPECT_EQ(got[0].body.encoding(), BodyEncoding::text) << how;
    EXPECT_EQ(got[1].body.view(), "") << how;
    EXPECT_EQ(got[1].body.encoding(), BodyEncoding::text) << how;
    EXPECT_EQ(got[2].body.view(), R"({"k":1})") << how;
    EXPECT_EQ(got[2].body.encoding(), BodyEncoding::json) << how;
  };
  check(must(run(store_->list_messages(queue(), MessageListOptions{}, kT0))).messages, "list");
  std::vector<std::string_view> views{ids[0].view(), ids[1].view(), ids[2].view()};
  check(must(run(store_->get_messages(queue(), views, kT0))), "get");
  ClaimParams params;
  params.limit = 3;
  ClaimResult claimed = must(run(store_->create_claim(queue(), params, kT0)));
  check(claimed.messages, "claim");
  check(must(run(store_->get_claim(queue(), claimed.claim_id.view(), kT0))).messages, "get claim");
  must(run(store_->release_claim(queue(), claimed.claim_id.view(), kT0)));
  check(must(run(store_->pop_messages(queue(), 3, kT0))), "pop");
}

TEST_P(StoreContract, APostNeverCreatesItsQueue) {
  NewMessage message{"1", 300, 0};
  EXPECT_EQ(error_of(run(store_->post_messages(queue(), kClientA, {&message, 1}, kT0))),
            Errc::queue_not_found);
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), std::nullopt);
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 0);
  // Nor does a deleted queue come back with a post.
  post(queue(), 1);
  must(run(store_->delete_queue(queue())));
  EXPECT_EQ(error_of(run(store_->post_messages(queue(), kClientA, {&message, 1}, kT0))),
            Errc::queue_not_found);
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), std::nullopt);
}

TEST_P(StoreContract, ListingPagesFollowMarkers) {
  std::vector<std::string> ids = post(queue(), 7);
  EXPECT_THAT(list_ids(queue(), List().max(3)), ElementsAre(ids[0], ids[1], ids[2]));
  EXPECT_THAT(list_ids(queue(), List().after(ids[2]).max(3)), ElementsAre(ids[3], ids[4], ids[5]));
  EXPECT_THAT(list_ids(queue(), List().after(ids[5]).max(3)), ElementsAre(ids[6]));
  EXPECT_THAT(list_ids(queue(), List().after(ids[6]).max(3)), IsEmpty());
  EXPECT_EQ(list_all_ids(queue(), List().max(2)), ids);
}

TEST_P(StoreContract, AMarkerStillWorksAfterItsMessageIsDeleted) {
  std::vector<std::string> ids = post(queue(), 5);
  std::vector<std::string_view> gone{ids[1], ids[2]};
  must(run(store_->delete_messages(queue(), gone, {}, kT0)));
  EXPECT_THAT(list_ids(queue(), List().after(ids[1])), ElementsAre(ids[3], ids[4]));
  EXPECT_THAT(list_ids(queue(), List().after(ids[2]).max(1)), ElementsAre(ids[3]));
  // Also when the marker's message expired.
  std::vector<std::string> short_lived = post(queue(), 1, Post().ttl(60), 5);
  std::vector<std::string> after = post(queue(), 1, Post().ttl(600), 6);
  EXPECT_THAT(list_ids(queue(), List().after(short_lived[0]), kT0 + sec(61)),
              ElementsAre(after[0]));
}

TEST_P(StoreContract, AnUnparseableMarkerGivesAnEmptyPage) {
  post(queue(), 3);
  EXPECT_THAT(list_ids(queue(), List().after("xyz")), IsEmpty());
  EXPECT_THAT(list_ids(queue(), List().after("; DROP TABLE queues")), IsEmpty());
}

TEST_P(StoreContract, ListingAMissingQueueIsEmpty) {
  EXPECT_THAT(list_ids(queue("nothing"), {}), IsEmpty());
  EXPECT_THAT(list_ids(queue("nothing"), List().claimed().delayed()), IsEmpty());
}

TEST_P(StoreContract, EchoHidesTheListingClientsOwnMessages) {
  std::vector<std::string> mine = post(queue(), 2, Post().by(kClientA));
  std::vector<std::string> theirs = post(queue(), 2, Post().by(kClientB), 2);
  std::vector<std::string> more_mine = post(queue(), 1, Post().by(kClientA), 4);
  EXPECT_EQ(list_ids(queue(), List().echo(kClientA)), theirs);
  EXPECT_THAT(list_ids(queue(), List().echo(kClientB)),
              ElementsAre(mine[0], mine[1], more_mine[0]));
  EXPECT_EQ(list_ids(queue(), List().echo("never-posted-here")).size(), 5u);
  EXPECT_EQ(list_ids(queue(), {}).size(), 5u);  // no echo client: nothing hidden
  // Also with include_claimed, and across pages.
  claim(queue(), 5, 60, 60);
  EXPECT_EQ(list_ids(queue(), List().echo(kClientA).claimed()), theirs);
  EXPECT_EQ(list_all_ids(queue(), List().max(1).echo(kClientA).claimed()), theirs);
}

TEST_P(StoreContract, ClaimedMessagesAreListedOnlyWhenAskedFor) {
  std::vector<std::string> ids = post(queue(), 4);
  ClaimResult c = claim(queue(), 2, 60, 60);
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_THAT(list_ids(queue(), {}), ElementsAre(ids[2], ids[3]));
  EXPECT_EQ(list_ids(queue(), List().claimed()), ids);
  // When the claim ends the messages are listed again.
  EXPECT_EQ(list_ids(queue(), {}, kT0 + sec(60)), ids);
  EXPECT_THAT(list_ids(queue(), {}, kT0 + sec(60) - 1), ElementsAre(ids[2], ids[3]));
}

TEST_P(StoreContract, DelayedMessagesAreListedOnlyWhenAskedForOrOnceVisible) {
  std::vector<std::string> now = post(queue(), 1, Post().delay(0));
  std::vector<std::string> later = post(queue(), 1, Post().delay(30), 1);
  Message m = get_one(queue(), later[0]);
  EXPECT_EQ(m.visible_at, kT0 + sec(30));
  EXPECT_THAT(list_ids(queue(), {}), ElementsAre(now[0]));
  EXPECT_THAT(list_ids(queue(), List().delayed()), ElementsAre(now[0], later[0]));
  EXPECT_THAT(list_ids(queue(), {}, kT0 + sec(30) - 1), ElementsAre(now[0]));
  EXPECT_THAT(list_ids(queue(), {}, kT0 + sec(30)), ElementsAre(now[0], later[0]));
  // include_claimed alone does not show delayed messages.
  EXPECT_THAT(list_ids(queue(), List().claimed()), ElementsAre(now[0]));
  EXPECT_THAT(list_ids(queue(), List().claimed().delayed()), ElementsAre(now[0], later[0]));
}

TEST_P(StoreContract, AMessageExpiresExactlyAtCreatedPlusTtl) {
  std::vector<std::string> doomed = post(queue(), 1, Post().ttl(60));
  std::vector<std::string> kept = post(queue(), 1, Post().ttl(61), 1);
  const TimeMs deadline = kT0 + sec(60);
  EXPECT_TRUE(exists(queue(), doomed[0], deadline - 1));
  EXPECT_THAT(list_ids(queue(), {}, deadline - 1), ElementsAre(doomed[0], kept[0]));
  EXPECT_EQ(stats(queue(), deadline - 1).counts.total, 2);

  EXPECT_FALSE(exists(queue(), doomed[0], deadline));
  EXPECT_THAT(list_ids(queue(), List().claimed().delayed(), deadline), ElementsAre(kept[0]));
  EXPECT_EQ(stats(queue(), deadline).counts.total, 1);
  ClaimResult c = claim(queue(), 10, 60, 60, deadline);
  EXPECT_THAT(ids_of(c.messages), ElementsAre(kept[0]));
}

TEST_P(StoreContract, AnExpiredMessageIsNotPoppedAndDeletingItSucceeds) {
  std::vector<std::string> ids = post(queue(), 2, Post().ttl(60));
  EXPECT_THAT(must(run(store_->pop_messages(queue(), 10, kT0 + sec(60)))), IsEmpty());
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0 + sec(60))));
}

TEST_P(StoreContract, GetMessagesReturnsLiveOnesInAnyStateAndSkipsUnknownIds) {
  std::vector<std::string> ids = post(queue(), 3);
  std::vector<std::string> delayed = post(queue(), 1, Post().delay(100), 3);
  claim(queue(), 1, 60, 60);
  std::vector<std::string> wanted{ids[0], ids[2], delayed[0], "xyz", std::string(24, '0')};
  EXPECT_THAT(ids_of(get(queue(), wanted)),
              UnorderedElementsAreArray({ids[0], ids[2], delayed[0]}));
  EXPECT_TRUE(get_one(queue(), ids[0]).claimed_at(kT0));
  EXPECT_THAT(get(queue("nothing"), ids), IsEmpty());
  EXPECT_THAT(get({kOtherProject, "fifo"}, ids), IsEmpty());
  EXPECT_THAT(get(queue(), {}), IsEmpty());
}

TEST_P(StoreContract, ARecreatedQueueNeverReusesIds) {
  std::vector<std::string> old_ids = post(queue(), 3);
  ClaimResult old_claim = claim(queue(), 1, 60, 60);
  must(run(store_->delete_queue(queue())));
  std::vector<std::string> new_ids = post(queue(), 3, Post{}, 10);
  for (const std::string& id : new_ids) {
    for (const std::string& old : old_ids) EXPECT_NE(id, old);
  }
  EXPECT_THAT(get(queue(), old_ids), IsEmpty());
  std::vector<std::string_view> old_views(old_ids.begin(), old_ids.end());
  must(run(store_->delete_messages(queue(), old_views, {}, kT0)));
  EXPECT_EQ(list_ids(queue(), {}), new_ids);
  EXPECT_EQ(error_of(run(store_->get_claim(queue(), old_claim.claim_id.view(), kT0))),
            Errc::claim_not_found);
  // A new claim is not the old one either.
  ClaimResult fresh = claim(queue(), 1, 60, 60);
  EXPECT_NE(fresh.claim_id, old_claim.claim_id);
}

TEST_P(StoreContract, PagingSeesEveryMessageOnce) {
  std::vector<std::string> ids = post(queue(), 45);
  EXPECT_THAT(list_all_ids(queue(), List().max(7)), ElementsAreArray(ids));
  EXPECT_THAT(list_all_ids(queue(), List().max(1)), ElementsAreArray(ids));
}

}  // namespace
}  // namespace warren::store::testing
