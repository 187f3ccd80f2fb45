// Contract: the dead-letter policy of claims — counting deliveries, moving a message after
// max_claims deliveries (with the dead-letter TTL, claim cleared, queue created if missing).
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DeadLetterPolicy policy(std::int64_t max_claims, std::string queue,
                        std::optional<std::int64_t> ttl_s = std::nullopt) {
  DeadLetterPolicy p;
  p.max_claims = max_claims;
  p.queue = std::move(queue);
  p.message_ttl_s = ttl_s;
  return p;
}

TEST_P(StoreContract, AMessageIsClaimedAtMostMaxClaimsTimesThenDeadLettered) {
  std::vector<std::string> ids = post(queue(), 1, Post().ttl(3600));
  const DeadLetterPolicy dlq = policy(2, "dead", 9999);
  ClaimResult c = claim(queue(), 1, 60, 60, kT0, dlq);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].claim_count, 1);
  c = claim(queue(), 1, 60, 60, kT0 + sec(60), dlq);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].claim_count, 2);
  EXPECT_EQ(get_one(queue(), ids[0], kT0 + sec(61)).claim_count, 2);

  // The third claim moves it instead of delivering it.
  const TimeMs moved_at = kT0 + sec(120);
  c = claim(queue(), 1, 60, 60, moved_at, dlq);
  EXPECT_TRUE(c.claim_id.empty());
  EXPECT_THAT(c.messages, IsEmpty());
  EXPECT_FALSE(exists(queue(), ids[0], moved_at));
  EXPECT_EQ(stats(queue(), moved_at).counts.total, 0);

  // The dead-letter queue was created and holds it, unclaimed, with the dead-letter TTL counted
  // from the move.
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue("dead")))), std::optional<std::string>("{}"));
  MessageListOptions all;
  all.include_claimed = true;
  all.include_delayed = true;
  std::vector<Message> dead =
      must(run(store_->list_messages(queue("dead"), all, moved_at))).messages;
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body.view(), body_text(0));
  EXPECT_EQ(dead[0].ttl_s, 9999);
  EXPECT_EQ(dead[0].expires, moved_at + sec(9999));
  EXPECT_EQ(dead[0].created, kT0);
  EXPECT_TRUE(dead[0].claim_id.empty());
  EXPECT_FALSE(dead[0].claimed_at(moved_at));
  EXPECT_EQ(dead[0].claim_count, 2);
  EXPECT_EQ(dead[0].receive_count, 2);  // the move is not a receive
  // It is an ordinary message there: claimable, and its poster is still its poster (echo).
  EXPECT_THAT(list_ids(queue("dead"), List().echo(kClientA), moved_at), IsEmpty());
  EXPECT_EQ(claim(queue("dead"), 5, 60, 60, moved_at).messages.size(), 1u);
}

TEST_P(StoreContract, WithoutADeadLetterTtlTheMovedMessageKeepsItsOwn) {
  std::vector<std::string> ids = post(queue(), 1, Post().ttl(500));
  const DeadLetterPolicy dlq = policy(1, "dead");
  ASSERT_EQ(claim(queue(), 1, 60, 0, kT0, dlq).messages.size(), 1u);
  EXPECT_TRUE(claim(queue(), 1, 60, 0, kT0 + sec(60), dlq).claim_id.empty());
  std::vector<Message> dead =
      must(run(store_->list_messages(queue("dead"), MessageListOptions{}, kT0 + sec(60)))).messages;
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].ttl_s, 500);
  EXPECT_EQ(dead[0].expires, kT0 + sec(500));
}

TEST_P(StoreContract, OnlyExhaustedMessagesAreMovedTheOthersAreClaimed) {
  std::vector<std::string> old_ids = post(queue(), 2);
  const DeadLetterPolicy dlq = policy(1, "dead");
  claim(queue(), 2, 60, 60, kT0, dlq);  // both delivered once
  std::vector<std::string> fresh = post(queue(), 2, Post().when(kT0 + sec(1)), 2);
  ClaimResult c = claim(queue(), 3, 60, 60, kT0 + sec(60), dlq);
  // The oldest three were selected; the two exhausted ones moved, the fresh one claimed.
  EXPECT_THAT(ids_of(c.messages), ElementsAre(fresh[0]));
  EXPECT_FALSE(c.claim_id.empty());
  EXPECT_EQ(c.messages[0].claim_count, 1);
  EXPECT_EQ(list_ids(queue("dead"), {}, kT0 + sec(60)).size(), 2u);
  EXPECT_THAT(list_ids(queue(), List().claimed(), kT0 + sec(60)), ElementsAre(fresh[0], fresh[1]));
}

TEST_P(StoreContract, DeadLettersGoToAnExistingQueueAfterItsMessages) {
  std::vector<std::string> resident = post(queue("dead"), 1, Post{}, 100);
  post(queue(), 1);
  const DeadLetterPolicy dlq = policy(0, "dead");  // zero deliveries allowed
  EXPECT_TRUE(claim(queue(), 1, 60, 60, kT0 + sec(1), dlq).claim_id.empty());
  std::vector<std::string> listed = list_ids(queue("dead"), {}, kT0 + sec(1));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], resident[0]);
}

TEST_P(StoreContract, AnInactivePolicyMovesNothing) {
  post(queue(), 1);
  DeadLetterPolicy no_queue;
  no_queue.max_claims = 0;
  EXPECT_EQ(claim(queue(), 1, 60, 60, kT0, no_queue).messages.size(), 1u);
  DeadLetterPolicy no_max;
  no_max.queue = "dead";
  EXPECT_EQ(claim(queue(), 1, 60, 60, kT0 + sec(60), no_max).messages.size(), 1u);
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue("dead")))), std::nullopt);
}

TEST_P(StoreContract, DeadLetterQueuesStayInTheirProject) {
  post(queue(), 1);
  EXPECT_TRUE(claim(queue(), 1, 60, 60, kT0, policy(0, "dead")).claim_id.empty());
  EXPECT_EQ(list_ids(queue("dead"), {}).size(), 1u);
  EXPECT_THAT(list_ids({kOtherProject, "dead"}, {}), IsEmpty());
}

}  // namespace
}  // namespace warren::store::testing
