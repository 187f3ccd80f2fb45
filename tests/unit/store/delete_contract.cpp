// Contract: deleting messages — the 204/403/400 rules of a single delete (store.h,
// delete_message), bulk delete, pop and purge with claimed messages present.
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_P(StoreContract, DeletingAnUnclaimedMessageWithoutClaimSucceeds) {
  std::vector<std::string> ids = post(queue(), 2);
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0)));
  EXPECT_FALSE(exists(queue(), ids[0]));
  EXPECT_TRUE(exists(queue(), ids[1]));
  // Idempotent; missing messages and queues succeed too.
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0)));
  must(run(store_->delete_message(queue(), "xyz", std::nullopt, kT0)));
  must(run(store_->delete_message(queue("nothing"), ids[1], std::nullopt, kT0)));
}

TEST_P(StoreContract, AClaimedMessageNeedsItsClaimToBeDeleted) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 60, 60);
  ASSERT_FALSE(c.claim_id.empty());
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0 + sec(59)))),
            Errc::message_claimed);
  EXPECT_TRUE(exists(queue(), ids[0]));
  must(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), kT0 + sec(59))));
  EXPECT_FALSE(exists(queue(), ids[0]));
  // Deleting it again with its claim: the message is gone, success.
  must(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), kT0 + sec(59))));
}

TEST_P(StoreContract, AMalformedClaimIdIsInvalidEvenForAMissingMessage) {
  std::vector<std::string> ids = post(queue(), 1);
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], "; DROP TABLE queues", kT0))),
            Errc::claim_invalid);
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], "", kT0))), Errc::claim_invalid);
  EXPECT_TRUE(exists(queue(), ids[0]));
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0)));
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], "xyz", kT0))),
            Errc::claim_invalid);
  EXPECT_EQ(error_of(run(store_->delete_message(queue("nothing"), ids[0], "xyz", kT0))),
            Errc::claim_invalid);
}

TEST_P(StoreContract, AClaimOnANeverClaimedMessageIsNotItsClaim) {
  post(queue(), 1);
  std::vector<std::string> unclaimed = post(queue(), 1, Post{}, 1);
  ClaimResult c = claim(queue(), 1, 60, 60);  // takes the first message only
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), unclaimed[0], c.claim_id.view(), kT0))),
            Errc::message_not_claimed);
  EXPECT_TRUE(exists(queue(), unclaimed[0]));
}

TEST_P(StoreContract, AnotherLiveClaimForbidsTheDelete) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimResult first = claim(queue(), 1, 60, 60);
  ClaimResult second = claim(queue(), 1, 60, 60);
  ASSERT_THAT(ids_of(second.messages), ElementsAre(ids[1]));
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[1], first.claim_id.view(), kT0))),
            Errc::message_claimed);
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], second.claim_id.view(), kT0))),
            Errc::message_claimed);
  EXPECT_TRUE(exists(queue(), ids[0]));
  EXPECT_TRUE(exists(queue(), ids[1]));
}

TEST_P(StoreContract, TheOwnClaimStillDeletesAfterItExpired) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimResult c = claim(queue(), 2, 60, 60);
  const TimeMs after = kT0 + sec(60);
  must(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), after)));
  EXPECT_FALSE(exists(queue(), ids[0], after));
  // Without a claim it is deletable too once the claim ended.
  must(run(store_->delete_message(queue(), ids[1], std::nullopt, after)));
  EXPECT_FALSE(exists(queue(), ids[1], after));
}

TEST_P(StoreContract, AStaleClaimOfAMessageNowFreeIsNotClaimed) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimResult old_claim = claim(queue(), 1, 60, 60);  // ids[0], expires at +60
  ClaimResult other = claim(queue(), 1, 60, 60);      // ids[1]
  // At +60 both claims ended; ids[1]'s last claim is `other`, not `old_claim`.
  EXPECT_EQ(error_of(run(
                store_->delete_message(queue(), ids[1], old_claim.claim_id.view(), kT0 + sec(60)))),
            Errc::message_not_claimed);
  EXPECT_TRUE(exists(queue(), ids[1], kT0 + sec(60)));
  (void)other;
}

TEST_P(StoreContract, AReleasedClaimNoLongerDeletesItsMessages) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 60, 60);
  must(run(store_->release_claim(queue(), c.claim_id.view(), kT0 + sec(1))));
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), kT0 + sec(1)))),
            Errc::message_not_claimed);
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0 + sec(1))));
}

TEST_P(StoreContract, AMessageReclaimedByAnotherClaimRefusesTheOldOne) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult old_claim = claim(queue(), 1, 60, 60);
  ClaimResult new_claim = claim(queue(), 1, 60, 60, kT0 + sec(60));
  ASSERT_THAT(ids_of(new_claim.messages), ElementsAre(ids[0]));
  EXPECT_EQ(error_of(run(
                store_->delete_message(queue(), ids[0], old_claim.claim_id.view(), kT0 + sec(61)))),
            Errc::message_claimed);
  must(run(store_->delete_message(queue(), ids[0], new_claim.claim_id.view(), kT0 + sec(61))));
}

TEST_P(StoreContract, BulkDeleteIgnoresClaimsAndUnknownIds) {
  std::vector<std::string> ids = post(queue(), 4);
  claim(queue(), 2, 60, 60);
  std::vector<std::string_view> doomed{ids[0], ids[2], "xyz", std::string_view(ids[0])};
  must(run(store_->delete_messages(queue(), doomed, {}, kT0)));
  EXPECT_THAT(list_ids(queue(), List().claimed()), ElementsAre(ids[1], ids[3]));
  EXPECT_EQ(stats(queue()).counts.claimed, 1);
  must(run(store_->delete_messages(queue("nothing"), doomed, {}, kT0)));
}

TEST_P(StoreContract, BulkDeleteWithClaimIdsRefusesMessagesHeldByAnUnnamedClaim) {
  std::vector<std::string> ids = post(queue(), 3);
  ClaimResult first = claim(queue(), 1, 60, 60);   // ids[0]
  ClaimResult second = claim(queue(), 1, 60, 60);  // ids[1]
  const std::vector<std::string_view> named{first.claim_id.view()};
  // ids[1] is held by `second`, which the call does not name: nothing at all is deleted.
  std::vector<std::string_view> doomed{ids[0], ids[1], ids[2]};
  const auto refused = run(store_->delete_messages(queue(), doomed, named, kT0));
  ASSERT_EQ(error_of(refused), Errc::claim_ids_mismatch);
  EXPECT_NE(refused.error().description.find(second.claim_id.view()), std::string::npos)
      << refused.error().description;
  EXPECT_THAT(list_ids(queue(), List().claimed()), ElementsAre(ids[0], ids[1], ids[2]));
  // Naming every live holder deletes them all, an unclaimed message with them.
  const std::vector<std::string_view> both{first.claim_id.view(), second.claim_id.view()};
  must(run(store_->delete_messages(queue(), doomed, both, kT0)));
  EXPECT_THAT(list_ids(queue(), List().claimed()), ElementsAre());
}

TEST_P(StoreContract, BulkDeleteWithClaimIdsIgnoresExpiredClaims) {
  std::vector<std::string> ids = post(queue(), 2);
  ClaimResult held = claim(queue(), 1, 60, 60);  // ids[0], ends at kT0 + 60 s
  ClaimResult other = claim(queue(), 1, 60, 60);  // ids[1]
  const std::vector<std::string_view> named{other.claim_id.view()};
  std::vector<std::string_view> doomed{ids[0], ids[1]};
  EXPECT_EQ(error_of(run(store_->delete_messages(queue(), doomed, named, kT0 + sec(30)))),
            Errc::claim_ids_mismatch);
  // Once `held` has ended, its message is free: naming `other` alone suffices.
  must(run(store_->delete_messages(queue(), doomed, named, kT0 + sec(61))));
  EXPECT_THAT(list_ids(queue(), List().claimed(), kT0 + sec(61)), ElementsAre());
  (void)held;
}

TEST_P(StoreContract, PopTakesTheOldestUnclaimedMessagesDelayedIncluded) {
  std::vector<std::string> ids = post(queue(), 2);
  std::vector<std::string> delayed = post(queue(), 1, Post().delay(300), 2);
  std::vector<std::string> last = post(queue(), 2, Post{}, 3);
  claim(queue(), 1, 60, 60);  // ids[0]
  std::vector<Message> popped = must(run(store_->pop_messages(queue(), 3, kT0)));
  EXPECT_THAT(ids_of(popped), ElementsAre(ids[1], delayed[0], last[0]));
  ASSERT_EQ(popped.size(), 3u);
  EXPECT_EQ(popped[0].body.view(), body_text(1));
  EXPECT_EQ(popped[0].ttl_s, 3600);
  for (const std::string& id : ids_of(popped)) EXPECT_FALSE(exists(queue(), id));
  EXPECT_THAT(list_ids(queue(), List().claimed()), ElementsAre(ids[0], last[1]));
  EXPECT_THAT(ids_of(must(run(store_->pop_messages(queue(), 5, kT0)))), ElementsAre(last[1]));
  EXPECT_THAT(must(run(store_->pop_messages(queue(), 5, kT0))), IsEmpty());
  // Once the claim ended, its message can be popped.
  EXPECT_THAT(ids_of(must(run(store_->pop_messages(queue(), 5, kT0 + sec(60))))),
              ElementsAre(ids[0]));
  EXPECT_THAT(must(run(store_->pop_messages(queue("nothing"), 5, kT0))), IsEmpty());
}

TEST_P(StoreContract, PurgeKeepsOnlyClaimedMessages) {
  std::vector<std::string> ids = post(queue(), 5);
  post(queue(), 1, Post().delay(300), 5);
  ClaimResult c = claim(queue(), 2, 60, 60);
  must(run(store_->purge_messages(queue(), kT0 + sec(1))));
  EXPECT_THAT(list_ids(queue(), List().claimed().delayed(), kT0 + sec(1)),
              ElementsAre(ids[0], ids[1]));
  QueueStats s = stats(queue(), kT0 + sec(1));
  EXPECT_EQ(s.counts.total, 2);
  EXPECT_EQ(s.counts.claimed, 2);
  // The queue and the claim survive.
  EXPECT_TRUE(must(run(store_->get_queue_metadata(queue()))).has_value());
  EXPECT_EQ(must(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(1)))).messages.size(),
            2u);
  must(run(store_->purge_messages(queue("nothing"), kT0)));
}

}  // namespace
}  // namespace warren::store::testing
