// Contract: claims — FIFO selection, claim fields, limits, stretch of short-lived messages (with
// grace), claim expiry returning messages, get/update/release, delayed and expired messages.
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

TEST_P(StoreContract, AClaimTakesTheOldestMessagesAndMarksThem) {
  std::vector<std::string> ids = post(queue(), 5);
  ClaimResult c = claim(queue(), 3, 90, 60, kT0 + sec(1));
  ASSERT_FALSE(c.claim_id.empty());
  EXPECT_LE(c.claim_id.view().size(), ShortId::kCapacity);
  EXPECT_THAT(ids_of(c.messages), ElementsAre(ids[0], ids[1], ids[2]));
  for (const Message& m : c.messages) {
    EXPECT_EQ(m.claim_id, c.claim_id);
    EXPECT_EQ(m.claim_expires, kT0 + sec(91));
    EXPECT_TRUE(m.claimed_at(kT0 + sec(90)));
    EXPECT_FALSE(m.claimed_at(kT0 + sec(91)));
    EXPECT_FALSE(m.body.empty());
  }
  EXPECT_EQ(c.messages[1].body.view(), body_text(1));
  // Reads by id show the claim.
  Message m = get_one(queue(), ids[0], kT0 + sec(2));
  EXPECT_EQ(m.claim_id, c.claim_id);
  EXPECT_EQ(m.claim_expires, kT0 + sec(91));
}

TEST_P(StoreContract, NothingClaimableGivesNoClaim) {
  ClaimResult c = claim(queue("nothing"), 5, 60, 60);
  EXPECT_TRUE(c.claim_id.empty());
  EXPECT_THAT(c.messages, IsEmpty());
  must(run(store_->create_queue(queue(), "{}", kT0)));
  c = claim(queue(), 5, 60, 60);
  EXPECT_TRUE(c.claim_id.empty());
  post(queue(), 2);
  claim(queue(), 5, 60, 60);
  c = claim(queue(), 5, 60, 60);  // everything is claimed
  EXPECT_TRUE(c.claim_id.empty());
  EXPECT_THAT(c.messages, IsEmpty());
}

TEST_P(StoreContract, SuccessiveClaimsTakeDisjointMessagesInOrder) {
  std::vector<std::string> ids = post(queue(), 21);
  std::vector<std::string> seen;
  std::vector<std::string> claim_ids;
  for (int expected : {10, 10, 1}) {
    ClaimResult c = claim(queue(), 10, 60, 60);
    ASSERT_EQ(c.messages.size(), static_cast<std::size_t>(expected));
    for (const std::string& id : ids_of(c.messages)) seen.push_back(id);
    claim_ids.emplace_back(c.claim_id.view());
  }
  EXPECT_THAT(seen, ElementsAreArray(ids));
  EXPECT_NE(claim_ids[0], claim_ids[1]);
  EXPECT_NE(claim_ids[1], claim_ids[2]);
  EXPECT_TRUE(claim(queue(), 10, 60, 60).claim_id.empty());
}

TEST_P(StoreContract, AClaimStretchesMessagesThatWouldExpireBeforeItsEndPlusGrace) {
  // ttl 120 s; claim 121 s + 22 s grace: the messages now live until claim end + grace.
  std::vector<std::string> ids = post(queue(), 2, Post().ttl(120));
  ClaimResult c = claim(queue(), 1, 121, 22, kT0 + sec(10));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].ttl_s, 143);
  EXPECT_EQ(c.messages[0].expires, kT0 + sec(10 + 121 + 22));
  Message m = get_one(queue(), ids[0], kT0 + sec(10));
  EXPECT_EQ(m.ttl_s, 143);
  EXPECT_EQ(m.expires, kT0 + sec(153));
  // It outlives its original ttl, and vanishes exactly at its new expiry.
  EXPECT_TRUE(exists(queue(), ids[0], kT0 + sec(150)));
  EXPECT_FALSE(exists(queue(), ids[1], kT0 + sec(150)));
  EXPECT_TRUE(exists(queue(), ids[0], kT0 + sec(153) - 1));
  EXPECT_FALSE(exists(queue(), ids[0], kT0 + sec(153)));
}

TEST_P(StoreContract, TheGraceAloneCanStretchAMessage) {
  // ttl 100 s, claim 60 s + 60 s grace: the message would expire 20 s into the grace period.
  std::vector<std::string> ids = post(queue(), 1, Post().ttl(100));
  ClaimResult c = claim(queue(), 1, 60, 60);
  EXPECT_EQ(c.messages[0].ttl_s, 120);
  EXPECT_EQ(c.messages[0].expires, kT0 + sec(120));
}

TEST_P(StoreContract, AClaimLeavesLongLivedMessagesAlone) {
  post(queue(), 1, Post().ttl(120));
  post(queue(), 1, Post().ttl(90), 1);
  ClaimResult c = claim(queue(), 2, 60, 30);  // ends + grace at +90: exactly the second's expiry
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[0].ttl_s, 120);
  EXPECT_EQ(c.messages[0].expires, kT0 + sec(120));
  EXPECT_EQ(c.messages[1].ttl_s, 90);
  EXPECT_EQ(c.messages[1].expires, kT0 + sec(90));
}

TEST_P(StoreContract, AnEndedClaimReturnsItsMessagesAtItsDeadline) {
  std::vector<std::string> ids = post(queue(), 3);
  ClaimResult first = claim(queue(), 2, 60, 60);
  const TimeMs deadline = kT0 + sec(60);
  EXPECT_THAT(ids_of(claim(queue(), 5, 60, 60, deadline - 1).messages), ElementsAre(ids[2]));
  ClaimResult again = claim(queue(), 5, 60, 60, deadline);
  EXPECT_THAT(ids_of(again.messages), ElementsAre(ids[0], ids[1]));
  EXPECT_NE(again.claim_id, first.claim_id);
  EXPECT_EQ(error_of(run(store_->get_claim(queue(), first.claim_id.view(), deadline))),
            Errc::claim_not_found);
}

TEST_P(StoreContract, AnExpiredClaimIsGoneButItsIdStaysOnItsMessages) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 60, 60);
  const TimeMs after = kT0 + sec(60);
  EXPECT_EQ(error_of(run(store_->get_claim(queue(), c.claim_id.view(), after))),
            Errc::claim_not_found);
  EXPECT_EQ(error_of(run(store_->update_claim(queue(), c.claim_id.view(), 60, 60, after))),
            Errc::claim_not_found);
  must(run(store_->release_claim(queue(), c.claim_id.view(), after)));
  Message m = get_one(queue(), ids[0], after);
  EXPECT_FALSE(m.claimed_at(after));
  EXPECT_EQ(list_ids(queue(), {}, after), ids);
}

TEST_P(StoreContract, GetClaimShowsItsTtlStartAndMessages) {
  std::vector<std::string> ids = post(queue(), 3);
  ClaimResult c = claim(queue(), 2, 90, 30, kT0 + sec(5));
  ClaimInfo info = must(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(20))));
  EXPECT_EQ(info.ttl_s, 90);
  EXPECT_EQ(info.created, kT0 + sec(5));
  EXPECT_EQ(info.expires, kT0 + sec(95));
  EXPECT_THAT(ids_of(info.messages), ElementsAre(ids[0], ids[1]));
  // Messages deleted under the claim leave it; when none is left the claim is gone.
  must(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), kT0 + sec(20))));
  info = must(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(20))));
  EXPECT_THAT(ids_of(info.messages), ElementsAre(ids[1]));
  must(run(store_->delete_message(queue(), ids[1], c.claim_id.view(), kT0 + sec(20))));
  EXPECT_EQ(error_of(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(20)))),
            Errc::claim_not_found);
}

TEST_P(StoreContract, UnknownClaimsAreNotFoundAndReleasingThemSucceeds) {
  post(queue(), 1);
  for (std::string_view bad : {"xyz", "", "0123456789abcdef01234567", "; DROP TABLE queues"}) {
    EXPECT_EQ(error_of(run(store_->get_claim(queue(), bad, kT0))), Errc::claim_not_found) << bad;
    EXPECT_EQ(error_of(run(store_->update_claim(queue(), bad, 60, 60, kT0))), Errc::claim_not_found)
        << bad;
    must(run(store_->release_claim(queue(), bad, kT0)));
  }
  ClaimResult c = claim(queue(), 1, 60, 60);
  EXPECT_EQ(error_of(run(store_->get_claim(queue("nothing"), c.claim_id.view(), kT0))),
            Errc::claim_not_found);
  EXPECT_EQ(error_of(run(store_->get_claim({kOtherProject, "fifo"}, c.claim_id.view(), kT0))),
            Errc::claim_not_found);
  must(run(store_->release_claim(queue("nothing"), c.claim_id.view(), kT0)));
}

TEST_P(StoreContract, UpdateClaimRestartsItAndStretchesItsMessages) {
  std::vector<std::string> ids = post(queue(), 2, Post().ttl(200));
  ClaimResult c = claim(queue(), 1, 60, 60);
  const TimeMs at = kT0 + sec(50);
  must(run(store_->update_claim(queue(), c.claim_id.view(), 300, 100, at)));
  ClaimInfo info = must(run(store_->get_claim(queue(), c.claim_id.view(), at)));
  EXPECT_EQ(info.ttl_s, 300);
  EXPECT_EQ(info.created, at);
  EXPECT_EQ(info.expires, at + sec(300));
  ASSERT_EQ(info.messages.size(), 1u);
  EXPECT_EQ(info.messages[0].claim_expires, at + sec(300));
  EXPECT_EQ(info.messages[0].ttl_s, 400);
  EXPECT_EQ(info.messages[0].expires, at + sec(400));
  // Still held past the original end, free at the new one.
  EXPECT_THAT(list_ids(queue(), {}, kT0 + sec(100)), ElementsAre(ids[1]));
  EXPECT_THAT(list_ids(queue(), {}, at + sec(300)), ElementsAre(ids[0]));
}

TEST_P(StoreContract, UpdateClaimCanShortenIt) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 600, 60);
  must(run(store_->update_claim(queue(), c.claim_id.view(), 60, 60, kT0 + sec(10))));
  EXPECT_TRUE(claim(queue(), 1, 60, 60, kT0 + sec(70) - 1).claim_id.empty());
  EXPECT_THAT(ids_of(claim(queue(), 1, 60, 60, kT0 + sec(70)).messages), ElementsAre(ids[0]));
}

TEST_P(StoreContract, ReleaseMakesTheMessagesClaimableAtOnce) {
  std::vector<std::string> ids = post(queue(), 3);
  ClaimResult c = claim(queue(), 2, 600, 60);
  must(run(store_->release_claim(queue(), c.claim_id.view(), kT0 + sec(1))));
  EXPECT_EQ(error_of(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(1)))),
            Errc::claim_not_found);
  Message m = get_one(queue(), ids[0], kT0 + sec(1));
  EXPECT_FALSE(m.claimed_at(kT0 + sec(1)));
  EXPECT_TRUE(m.claim_id.empty());  // a released claim is cleared from its messages
  EXPECT_EQ(list_ids(queue(), {}, kT0 + sec(1)), ids);
  EXPECT_EQ(stats(queue(), kT0 + sec(1)).counts.claimed, 0);
  EXPECT_THAT(ids_of(claim(queue(), 5, 60, 60, kT0 + sec(1)).messages), ElementsAreArray(ids));
  must(run(store_->release_claim(queue(), c.claim_id.view(), kT0 + sec(1))));  // idempotent
}

TEST_P(StoreContract, ClaimsSkipDelayedMessagesUntilTheyAreVisible) {
  std::vector<std::string> delayed = post(queue(), 1, Post().delay(30));
  std::vector<std::string> ready = post(queue(), 1, Post().delay(0), 1);
  EXPECT_THAT(ids_of(claim(queue(), 5, 60, 60).messages), ElementsAre(ready[0]));
  EXPECT_TRUE(claim(queue(), 5, 60, 60, kT0 + sec(30) - 1).claim_id.empty());
  EXPECT_THAT(ids_of(claim(queue(), 5, 60, 60, kT0 + sec(30)).messages), ElementsAre(delayed[0]));
}

TEST_P(StoreContract, ClaimsSkipExpiredMessages) {
  std::vector<std::string> short_lived = post(queue(), 2, Post().ttl(60));
  std::vector<std::string> kept = post(queue(), 2, Post().ttl(600), 2);
  EXPECT_THAT(ids_of(claim(queue(), 5, 60, 60, kT0 + sec(60)).messages), ElementsAreArray(kept));
}

TEST_P(StoreContract, ClaimCountDoesNotAdvanceWithoutADeadLetterPolicy) {
  std::vector<std::string> ids = post(queue(), 1);
  for (int round = 0; round < 3; ++round) {
    ClaimResult c = claim(queue(), 1, 60, 60, kT0 + sec(60 * round));
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(c.messages[0].claim_count, 0);
  }
}

TEST_P(StoreContract, EveryClaimCountsAsAReceive) {
  std::vector<std::string> ids = post(queue(), 2);
  EXPECT_EQ(get_one(queue(), ids[0]).receive_count, 0);
  // Claimed after its claim expired, and after a release: each delivery counts.
  ClaimResult c = claim(queue(), 1, 60, 60);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].receive_count, 1);
  c = claim(queue(), 1, 60, 60, kT0 + sec(60));
  ASSERT_THAT(ids_of(c.messages), ElementsAre(ids[0]));
  EXPECT_EQ(c.messages[0].receive_count, 2);
  must(run(store_->release_claim(queue(), c.claim_id.view(), kT0 + sec(61))));
  c = claim(queue(), 2, 60, 60, kT0 + sec(62));
  ASSERT_THAT(ids_of(c.messages), ElementsAre(ids[0], ids[1]));
  EXPECT_EQ(c.messages[0].receive_count, 3);
  EXPECT_EQ(c.messages[1].receive_count, 1);
  // Reads show it and do not count; neither does a claim update.
  must(run(store_->update_claim(queue(), c.claim_id.view(), 120, 60, kT0 + sec(63))));
  EXPECT_EQ(get_one(queue(), ids[0], kT0 + sec(63)).receive_count, 3);
  EXPECT_EQ(must(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(63))))
                .messages[0]
                .receive_count,
            3);
  // Zaqar's claim count is another counter: without a dead-letter policy it stays 0.
  EXPECT_EQ(c.messages[0].claim_count, 0);
}

TEST_P(StoreContract, ReclaimingAfterExpiryMovesTheMessageToTheNewClaim) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimResult first = claim(queue(), 2, 60, 60);
  ClaimResult second = claim(queue(), 1, 60, 60, kT0 + sec(60));
  ASSERT_THAT(ids_of(second.messages), ElementsAre(ids[0]));
  EXPECT_EQ(get_one(queue(), ids[0], kT0 + sec(61)).claim_id, second.claim_id);
  // The first claim has ended; its other message still names it until claimed again.
  EXPECT_EQ(get_one(queue(), ids[1], kT0 + sec(61)).claim_id, first.claim_id);
  EXPECT_EQ(stats(queue(), kT0 + sec(61)).counts.claimed, 1);
}

}  // namespace
}  // namespace warren::store::testing
