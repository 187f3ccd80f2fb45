// Contract: per-message visibility and receipts (storage contract v2) — one delivered message's
// hold moved later or ended at once while the rest of its claim keeps its own, counts staying
// exact; receipts naming the latest delivery only; deleting by receipt.
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Receipt receipt_of(const Message& m) {
  return Receipt{m.id.view(), m.receive_count};
}

TEST_P(StoreContract, OneMessageOfAClaimCanBeHeldLongerOrLetGoAlone) {
  std::vector<std::string> ids = post(queue(), 3);
  ClaimResult c = claim(queue(), 3, 60, 0);
  ASSERT_EQ(c.messages.size(), 3u);
  // The first is held for 300 s from kT0 + 10 s, the second is let go at once.
  must(run(store_->change_visibility(queue(), receipt_of(c.messages[0]), kT0 + sec(310),
                                     kT0 + sec(10))));
  must(run(
      store_->change_visibility(queue(), receipt_of(c.messages[1]), kT0 + sec(10), kT0 + sec(10))));
  EXPECT_EQ(stats(queue(), kT0 + sec(10)).counts.claimed, 2);
  EXPECT_EQ(stats(queue(), kT0 + sec(10)).counts.free, 1);
  Message held = get_one(queue(), ids[0], kT0 + sec(10));
  EXPECT_TRUE(held.claimed_at(kT0 + sec(309)));
  EXPECT_FALSE(held.claimed_at(kT0 + sec(310)));
  EXPECT_NE(held.claim_id, c.claim_id);  // a claim of its own
  EXPECT_GE(held.expires, kT0 + sec(310));
  EXPECT_TRUE(get_one(queue(), ids[1], kT0 + sec(10)).claim_id.empty());
  // The claim keeps the message it still holds, until its own end.
  ClaimInfo info = must(run(store_->get_claim(queue(), c.claim_id.view(), kT0 + sec(10))));
  EXPECT_THAT(ids_of(info.messages), ElementsAre(ids[2]));

  // Claimable: the one let go now, the claim's other one at its end, the held one at 310 s.
  EXPECT_THAT(ids_of(claim(queue(), 3, 1000, 0, kT0 + sec(11)).messages), ElementsAre(ids[1]));
  EXPECT_THAT(ids_of(claim(queue(), 3, 1000, 0, kT0 + sec(60)).messages), ElementsAre(ids[2]));
  EXPECT_THAT(claim(queue(), 3, 1000, 0, kT0 + sec(309)).messages, IsEmpty());
  EXPECT_EQ(stats(queue(), kT0 + sec(309)).counts.claimed, 3);
  ClaimResult again = claim(queue(), 3, 60, 0, kT0 + sec(310));
  EXPECT_THAT(ids_of(again.messages), ElementsAre(ids[0]));
  EXPECT_EQ(again.messages[0].receive_count, 2);
}

TEST_P(StoreContract, AHoldCanBeMovedAgainAndShortened) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 60, 0);
  const Receipt r = receipt_of(c.messages[0]);
  must(run(store_->change_visibility(queue(), r, kT0 + sec(600), kT0 + sec(1))));
  must(run(store_->change_visibility(queue(), r, kT0 + sec(20), kT0 + sec(2))));
  EXPECT_THAT(claim(queue(), 1, 60, 0, kT0 + sec(19)).messages, IsEmpty());
  EXPECT_THAT(ids_of(claim(queue(), 1, 60, 0, kT0 + sec(20)).messages), ElementsAre(ids[0]));
}

TEST_P(StoreContract, AReceiptNamesOnlyTheLatestDelivery) {
  std::vector<std::string> ids = post(queue(), 1);
  const ClaimResult delivered = claim(queue(), 1, 60, 0);
  const Receipt first = receipt_of(delivered.messages[0]);
  EXPECT_EQ(first.receive_count, 1);
  // Its hold ended: it cannot be moved, but it still deletes while nobody received it again.
  EXPECT_EQ(error_of(run(store_->change_visibility(queue(), first, kT0 + sec(200), kT0 + sec(60)))),
            Errc::message_not_in_flight);
  ClaimResult second = claim(queue(), 1, 60, 0, kT0 + sec(60));
  ASSERT_EQ(second.messages.size(), 1u);
  // Delivered again: the first receipt is stale for both operations.
  EXPECT_EQ(error_of(run(store_->change_visibility(queue(), first, kT0 + sec(200), kT0 + sec(61)))),
            Errc::receipt_stale);
  EXPECT_FALSE(must(run(store_->delete_received(queue(), first, kT0 + sec(61)))));
  EXPECT_EQ(stats(queue(), kT0 + sec(61)).counts.total, 1);
  EXPECT_TRUE(
      must(run(store_->delete_received(queue(), receipt_of(second.messages[0]), kT0 + sec(61)))));
  EXPECT_EQ(stats(queue(), kT0 + sec(61)).counts.total, 0);
  // Gone: nothing to move, nothing to delete.
  EXPECT_EQ(error_of(run(store_->change_visibility(queue(), receipt_of(second.messages[0]),
                                                   kT0 + sec(200), kT0 + sec(62)))),
            Errc::message_not_found);
  EXPECT_FALSE(
      must(run(store_->delete_received(queue(), receipt_of(second.messages[0]), kT0 + sec(62)))));
}

TEST_P(StoreContract, AReceiptOfANeverDeliveredMessageOrAMissingQueueFindsNothing) {
  std::vector<std::string> ids = post(queue(), 1);
  // Never claimed: receive count 0 is its "delivery", which holds nothing.
  EXPECT_EQ(
      error_of(run(store_->change_visibility(queue(), Receipt{ids[0], 0}, kT0 + sec(60), kT0))),
      Errc::message_not_in_flight);
  EXPECT_EQ(error_of(run(
                store_->change_visibility(queue("none"), Receipt{ids[0], 1}, kT0 + sec(60), kT0))),
            Errc::message_not_found);
  EXPECT_EQ(error_of(run(
                store_->change_visibility(queue(), Receipt{"not-an-id", 1}, kT0 + sec(60), kT0))),
            Errc::message_not_found);
  EXPECT_FALSE(must(run(store_->delete_received(queue("none"), Receipt{ids[0], 0}, kT0))));
}

TEST_P(StoreContract, AMessageHeldAloneIsStillAClaimedMessageToZaqarsOperations) {
  std::vector<std::string> ids = post(queue(), 1);
  ClaimResult c = claim(queue(), 1, 60, 0);
  must(run(store_->change_visibility(queue(), receipt_of(c.messages[0]), kT0 + sec(120), kT0)));
  // Its old claim no longer holds it, so that claim's id cannot delete it...
  EXPECT_EQ(error_of(run(store_->delete_message(queue(), ids[0], c.claim_id.view(), kT0 + sec(1)))),
            Errc::message_claimed);
  // ...and its own claim's id can, as any claim's.
  Message m = get_one(queue(), ids[0], kT0 + sec(1));
  must(run(store_->delete_message(queue(), ids[0], m.claim_id.view(), kT0 + sec(1))));
  EXPECT_EQ(stats(queue(), kT0 + sec(1)).counts.total, 0);
}

}  // namespace
}  // namespace warren::store::testing
