// Contract: subscriptions — create (with duplicate rules), get, list in id order, update
// (conflicts, ttl restart), confirm, delete, purge, expiry, scope per queue and project.
#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

NewSubscription subscriber(std::string_view uri, std::int64_t ttl_s = 600,
                           std::string_view options = "{}") {
  return NewSubscription{uri, ttl_s, options};
}

TEST_P(StoreContract, ASubscriptionIsCreatedReadAndDeleted) {
  SubscriptionCreated created = must(run(store_->create_subscription(
      queue(), subscriber("http://example.com/hook", 600, R"({"a":1})"), kT0)));
  EXPECT_TRUE(created.created);
  ASSERT_FALSE(created.id.empty());
  EXPECT_LE(created.id.view().size(), ShortId::kCapacity);
  // Creating a subscription never creates its queue (the engine does that).
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), std::nullopt);
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 0);

  Subscription s = must(run(store_->get_subscription(queue(), created.id.view(), kT0 + sec(5))));
  EXPECT_EQ(s.id, created.id);
  EXPECT_EQ(s.source, "fifo");
  EXPECT_EQ(s.subscriber, "http://example.com/hook");
  EXPECT_EQ(s.ttl_s, 600);
  EXPECT_EQ(s.created, kT0);
  EXPECT_EQ(s.expires, kT0 + sec(600));
  EXPECT_EQ(s.options, R"({"a":1})");
  EXPECT_FALSE(s.confirmed);

  must(run(store_->delete_subscription(queue(), created.id.view())));
  EXPECT_EQ(error_of(run(store_->get_subscription(queue(), created.id.view(), kT0))),
            Errc::subscription_not_found);
  must(run(store_->delete_subscription(queue(), created.id.view())));  // missing: success
  must(run(store_->delete_subscription(queue("nothing"), "xyz")));
}

TEST_P(StoreContract, MayHaveSubscriptionsIsNeverFalseForAQueueThatHasOne) {
  // The hint may say "maybe" for any queue; it may say "no" only where there is none.
  SubscriptionCreated created =
      must(run(store_->create_subscription(queue(), subscriber("http://example.com/hook"), kT0)));
  EXPECT_TRUE(store_->may_have_subscriptions(queue()));
  must(run(store_->create_subscription(queue("other"), subscriber("mailto:a@example.com"), kT0)));
  EXPECT_TRUE(store_->may_have_subscriptions(queue("other")));
  // Another project's queue of the same name is another queue.
  const bool exact = !store_->may_have_subscriptions(queue("never-subscribed"));
  if (exact) {
    EXPECT_FALSE(store_->may_have_subscriptions(QueueRef{"another-project", queue().name}));
    must(run(store_->delete_subscription(queue(), created.id.view())));
    EXPECT_FALSE(store_->may_have_subscriptions(queue()));
    must(run(store_->purge_subscriptions(queue("other"))));
    EXPECT_FALSE(store_->may_have_subscriptions(queue("other")));
  }
}

TEST_P(StoreContract, AnUnconfirmedDuplicateReturnsTheSameIdAConfirmedOneConflicts) {
  const NewSubscription hook = subscriber("http://example.com/hook");
  SubscriptionCreated first = must(run(store_->create_subscription(queue(), hook, kT0)));
  SubscriptionCreated again = must(
      run(store_->create_subscription(queue(), subscriber("http://example.com/hook", 900), kT0)));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.id, first.id);
  must(run(store_->confirm_subscription(queue(), first.id.view(), true, kT0)));
  EXPECT_EQ(error_of(run(store_->create_subscription(queue(), hook, kT0))),
            Errc::subscription_conflict);
  // The same subscriber on another queue is another subscription.
  SubscriptionCreated elsewhere = must(run(store_->create_subscription(queue("other"), hook, kT0)));
  EXPECT_TRUE(elsewhere.created);
  EXPECT_NE(elsewhere.id, first.id);
}

TEST_P(StoreContract, ConfirmSetsAndClearsTheFlag) {
  SubscriptionCreated c =
      must(run(store_->create_subscription(queue(), subscriber("mailto:a@example.com"), kT0)));
  must(run(store_->confirm_subscription(queue(), c.id.view(), true, kT0)));
  EXPECT_TRUE(must(run(store_->get_subscription(queue(), c.id.view(), kT0))).confirmed);
  must(run(store_->confirm_subscription(queue(), c.id.view(), false, kT0)));
  EXPECT_FALSE(must(run(store_->get_subscription(queue(), c.id.view(), kT0))).confirmed);
  EXPECT_EQ(error_of(run(store_->confirm_subscription(queue(), "xyz", true, kT0))),
            Errc::subscription_not_found);
  EXPECT_EQ(error_of(run(store_->confirm_subscription(queue("other"), c.id.view(), true, kT0))),
            Errc::subscription_not_found);
}

TEST_P(StoreContract, UpdateChangesTheGivenFieldsAndANewTtlRestartsTheLife) {
  SubscriptionCreated c = must(run(store_->create_subscription(
      queue(), subscriber("http://a.example", 600, R"({"x":1})"), kT0)));
  SubscriptionUpdate update;
  update.options = R"({"x":2})";
  must(run(store_->update_subscription(queue(), c.id.view(), update, kT0 + sec(10))));
  Subscription s = must(run(store_->get_subscription(queue(), c.id.view(), kT0 + sec(10))));
  EXPECT_EQ(s.options, R"({"x":2})");
  EXPECT_EQ(s.subscriber, "http://a.example");
  EXPECT_EQ(s.ttl_s, 600);
  EXPECT_EQ(s.expires, kT0 + sec(600));

  update = {};
  update.ttl_s = 100;
  update.subscriber = "http://b.example";
  must(run(store_->update_subscription(queue(), c.id.view(), update, kT0 + sec(550))));
  s = must(run(store_->get_subscription(queue(), c.id.view(), kT0 + sec(600))));
  EXPECT_EQ(s.subscriber, "http://b.example");
  EXPECT_EQ(s.ttl_s, 100);
  EXPECT_EQ(s.created, kT0 + sec(550));
  EXPECT_EQ(s.expires, kT0 + sec(650));
  // The old subscriber is free again; the new one is taken.
  EXPECT_TRUE(must(run(store_->create_subscription(queue(), subscriber("http://a.example"),
                                                   kT0 + sec(600))))
                  .created);
  EXPECT_FALSE(must(run(store_->create_subscription(queue(), subscriber("http://b.example"),
                                                    kT0 + sec(600))))
                   .created);
}

TEST_P(StoreContract, UpdateToAnotherSubscriptionsSubscriberConflicts) {
  SubscriptionCreated a =
      must(run(store_->create_subscription(queue(), subscriber("http://a.example"), kT0)));
  must(run(store_->create_subscription(queue(), subscriber("http://b.example"), kT0)));
  SubscriptionUpdate update;
  update.subscriber = "http://b.example";
  EXPECT_EQ(error_of(run(store_->update_subscription(queue(), a.id.view(), update, kT0))),
            Errc::subscription_conflict);
  EXPECT_EQ(must(run(store_->get_subscription(queue(), a.id.view(), kT0))).subscriber,
            "http://a.example");
  // Its own subscriber is no conflict.
  update.subscriber = "http://a.example";
  must(run(store_->update_subscription(queue(), a.id.view(), update, kT0)));
  EXPECT_EQ(error_of(run(store_->update_subscription(queue(), "xyz", update, kT0))),
            Errc::subscription_not_found);
}

TEST_P(StoreContract, SubscriptionsExpireAtCreatedPlusTtl) {
  SubscriptionCreated c =
      must(run(store_->create_subscription(queue(), subscriber("http://a.example", 60), kT0)));
  const TimeMs deadline = kT0 + sec(60);
  EXPECT_TRUE(run(store_->get_subscription(queue(), c.id.view(), deadline - 1)).has_value());
  EXPECT_EQ(error_of(run(store_->get_subscription(queue(), c.id.view(), deadline))),
            Errc::subscription_not_found);
  EXPECT_THAT(must(run(store_->list_subscriptions(queue(), "", 10, deadline))).subscriptions,
              IsEmpty());
  SubscriptionUpdate update;
  update.ttl_s = 600;
  EXPECT_EQ(error_of(run(store_->update_subscription(queue(), c.id.view(), update, deadline))),
            Errc::subscription_not_found);
  EXPECT_EQ(error_of(run(store_->confirm_subscription(queue(), c.id.view(), true, deadline))),
            Errc::subscription_not_found);
  // An expired duplicate does not count: a new subscription is created.
  SubscriptionCreated again =
      must(run(store_->create_subscription(queue(), subscriber("http://a.example"), deadline)));
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.id, c.id);
}

TEST_P(StoreContract, ListSubscriptionsPagesInIdOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const std::string uri = "http://example.com/" + std::to_string(i);
    ids.emplace_back(
        must(run(store_->create_subscription(queue(), subscriber(uri), kT0 + i))).id.view());
  }
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  auto page = [&](std::string_view marker, int limit) {
    std::vector<std::string> out;
    for (const Subscription& s :
         must(run(store_->list_subscriptions(queue(), marker, limit, kT0 + sec(1))))
             .subscriptions) {
      EXPECT_EQ(s.source, "fifo");
      out.emplace_back(s.id.view());
    }
    return out;
  };
  EXPECT_THAT(page("", 2), ElementsAre(sorted[0], sorted[1]));
  EXPECT_THAT(page(sorted[1], 2), ElementsAre(sorted[2], sorted[3]));
  EXPECT_THAT(page(sorted[3], 10), ElementsAre(sorted[4]));
  EXPECT_THAT(page(sorted[4], 10), IsEmpty());
  EXPECT_THAT(must(run(store_->list_subscriptions(queue("nothing"), "", 10, kT0))).subscriptions,
              IsEmpty());
}

TEST_P(StoreContract, PurgeRemovesEveryOneAndQueueDeletionKeepsThem) {
  SubscriptionCreated a =
      must(run(store_->create_subscription(queue(), subscriber("http://a.example"), kT0)));
  must(run(store_->delete_queue(queue())));
  EXPECT_TRUE(run(store_->get_subscription(queue(), a.id.view(), kT0)).has_value());
  must(run(store_->create_subscription(queue(), subscriber("http://b.example"), kT0)));
  must(run(store_->create_subscription(queue("other"), subscriber("http://c.example"), kT0)));
  must(run(store_->purge_subscriptions(queue())));
  EXPECT_THAT(must(run(store_->list_subscriptions(queue(), "", 10, kT0))).subscriptions, IsEmpty());
  EXPECT_EQ(must(run(store_->list_subscriptions(queue("other"), "", 10, kT0))).subscriptions.size(),
            1u);
  must(run(store_->purge_subscriptions(queue("nothing"))));
}

TEST_P(StoreContract, SubscriptionsBelongToTheirQueueAndProject) {
  SubscriptionCreated a =
      must(run(store_->create_subscription(queue(), subscriber("http://a.example"), kT0)));
  EXPECT_EQ(error_of(run(store_->get_subscription(queue("other"), a.id.view(), kT0))),
            Errc::subscription_not_found);
  EXPECT_EQ(error_of(run(store_->get_subscription({kOtherProject, "fifo"}, a.id.view(), kT0))),
            Errc::subscription_not_found);
  must(run(store_->delete_subscription({kOtherProject, "fifo"}, a.id.view())));
  EXPECT_TRUE(run(store_->get_subscription(queue(), a.id.view(), kT0)).has_value());
  SubscriptionCreated b = must(run(
      store_->create_subscription({kOtherProject, "fifo"}, subscriber("http://a.example"), kT0)));
  EXPECT_TRUE(b.created);
}

}  // namespace
}  // namespace warren::store::testing
