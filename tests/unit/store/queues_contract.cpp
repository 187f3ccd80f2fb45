// Contract: queues — creation, metadata, deletion, listing, counting, stats, project isolation.
#include <algorithm>

#include "store_contract.h"

namespace warren::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_P(StoreContract, CreateQueueReportsCreationOnceAndKeepsTheFirstMetadata) {
  EXPECT_TRUE(must(run(store_->create_queue(queue(), R"({"a":1})", kT0))));
  EXPECT_FALSE(must(run(store_->create_queue(queue(), R"({"b":2})", kT0))));
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))),
            std::optional<std::string>(R"({"a":1})"));
}

TEST_P(StoreContract, MetadataOfAMissingQueueIsAbsent) {
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue("nothing")))), std::nullopt);
}

TEST_P(StoreContract, SetMetadataReplacesItAndNeedsTheQueue) {
  must(run(store_->create_queue(queue(), "{}", kT0)));
  must(run(store_->set_queue_metadata(queue(), R"({"_max_claim_count":3})")));
  EXPECT_EQ(*must(run(store_->get_queue_metadata(queue()))), R"({"_max_claim_count":3})");
  EXPECT_EQ(error_of(run(store_->set_queue_metadata(queue("nothing"), "{}"))),
            Errc::queue_not_found);
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue("nothing")))), std::nullopt);
}

TEST_P(StoreContract, PostingToAMissingQueueCreatesItWithEmptyMetadata) {
  post(queue("auto"), 1);
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue("auto")))), std::optional<std::string>("{}"));
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 1);
}

TEST_P(StoreContract, DeleteQueueRemovesItsMessagesAndSucceedsWhenMissing) {
  std::vector<std::string> ids = post(queue(), 3);
  must(run(store_->delete_queue(queue())));
  EXPECT_EQ(must(run(store_->get_queue_metadata(queue()))), std::nullopt);
  EXPECT_THAT(get(queue(), ids), IsEmpty());
  EXPECT_EQ(stats(queue()).counts.total, 0);
  must(run(store_->delete_queue(queue())));
  must(run(store_->delete_queue(queue("never-existed"))));
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 0);
}

TEST_P(StoreContract, ListQueuesPagesInNameOrderAfterTheMarker) {
  for (std::string_view name : {"delta", "alpha", "charlie", "bravo", "echo"}) {
    must(run(store_->create_queue(queue(name), "{}", kT0)));
  }
  auto names = [&](std::string_view marker, int limit) {
    QueueListOptions options;
    options.marker = marker;
    options.limit = limit;
    std::vector<std::string> out;
    for (QueueEntry& e : must(run(store_->list_queues(kProject, options))).queues) {
      out.push_back(e.name);
    }
    return out;
  };
  EXPECT_THAT(names("", 2), ElementsAre("alpha", "bravo"));
  EXPECT_THAT(names("bravo", 2), ElementsAre("charlie", "delta"));
  EXPECT_THAT(names("delta", 10), ElementsAre("echo"));
  EXPECT_THAT(names("echo", 10), IsEmpty());
  EXPECT_THAT(names("b", 1), ElementsAre("bravo"));  // the marker need not be a queue
}

TEST_P(StoreContract, ListQueuesFiltersByNameAndReturnsMetadataWhenAsked) {
  must(run(store_->create_queue(queue("orders-eu"), R"({"r":"eu"})", kT0)));
  must(run(store_->create_queue(queue("orders-us"), R"({"r":"us"})", kT0)));
  must(run(store_->create_queue(queue("billing"), "{}", kT0)));
  QueueListOptions options;
  options.name_contains = "orders";
  options.with_metadata = true;
  std::vector<QueueEntry> page = must(run(store_->list_queues(kProject, options))).queues;
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].name, "orders-eu");
  EXPECT_EQ(page[0].metadata, R"({"r":"eu"})");
  EXPECT_EQ(page[1].name, "orders-us");
  EXPECT_EQ(page[1].metadata, R"({"r":"us"})");

  options.name_contains = "";
  options.with_metadata = false;
  options.limit = 1;
  options.marker = "billing";
  page = must(run(store_->list_queues(kProject, options))).queues;
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].name, "orders-eu");
}

TEST_P(StoreContract, QueuesBelongToTheirProject) {
  must(run(store_->create_queue({kProject, "shared"}, R"({"p":"a"})", kT0)));
  EXPECT_TRUE(must(run(store_->create_queue({kOtherProject, "shared"}, R"({"p":"b"})", kT0))));
  must(run(store_->create_queue({kOtherProject, "only-b"}, "{}", kT0)));
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 1);
  EXPECT_EQ(must(run(store_->count_queues(kOtherProject))), 2);
  EXPECT_EQ(must(run(store_->count_queues("nobody"))), 0);
  EXPECT_EQ(*must(run(store_->get_queue_metadata({kOtherProject, "shared"}))), R"({"p":"b"})");

  std::vector<std::string> a = post({kProject, "shared"}, 2);
  std::vector<std::string> b = post({kOtherProject, "shared"}, 1, Post{}, 10);
  EXPECT_EQ(list_ids({kProject, "shared"}, List().echo("")), a);
  EXPECT_EQ(list_ids({kOtherProject, "shared"}, {}), b);
  EXPECT_THAT(get({kOtherProject, "shared"}, a), IsEmpty());

  must(run(store_->delete_queue({kProject, "shared"})));
  EXPECT_EQ(list_ids({kOtherProject, "shared"}, {}), b);
  QueueListOptions options;
  EXPECT_EQ(must(run(store_->list_queues(kOtherProject, options))).queues.size(), 2u);
}

TEST_P(StoreContract, ProjectsWithQueuesAreListedInNameOrderWithMarkers) {
  must(run(store_->create_queue({kOtherProject, "a"}, "{}", kT0)));
  must(run(store_->create_queue({kProject, "a"}, "{}", kT0)));
  must(run(store_->create_queue({kProject, "b"}, "{}", kT0)));
  std::vector<std::string> all = must(run(store_->list_projects("", 10)));
  std::vector<std::string> expected{std::string(kProject), std::string(kOtherProject)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected);
  EXPECT_EQ(must(run(store_->list_projects("", 1))), std::vector<std::string>{expected[0]});
  EXPECT_EQ(must(run(store_->list_projects(expected[0], 10))),
            std::vector<std::string>{expected[1]});
  EXPECT_TRUE(must(run(store_->list_projects(expected[1], 10))).empty());
}

// The engine keeps a project's topics as queues of a store project that spells the project id
// after control characters (engine/topics.h), which no caller's project id may contain: every
// engine must key such a project apart from the plain one, in listings, counts, messages and
// subscriptions alike.
TEST_P(StoreContract, AProjectSpelledWithControlCharactersIsAProjectOfItsOwn) {
  const std::string topics = std::string("\x1Ftopics\x1F") + std::string(kProject);
  must(run(store_->create_queue({kProject, "shared"}, R"({"k":"queue"})", kT0)));
  EXPECT_TRUE(must(run(store_->create_queue({topics, "shared"}, R"({"k":"topic"})", kT0))));
  must(run(store_->create_queue({topics, "only-topic"}, "{}", kT0)));
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 1);
  EXPECT_EQ(must(run(store_->count_queues(topics))), 2);
  EXPECT_EQ(*must(run(store_->get_queue_metadata({kProject, "shared"}))), R"({"k":"queue"})");
  EXPECT_EQ(*must(run(store_->get_queue_metadata({topics, "shared"}))), R"({"k":"topic"})");
  QueueListOptions options;
  std::vector<QueueEntry> page = must(run(store_->list_queues(topics, options))).queues;
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].name, "only-topic");
  EXPECT_EQ(must(run(store_->list_queues(kProject, options))).queues.size(), 1u);

  std::vector<std::string> a = post({kProject, "shared"}, 2);
  std::vector<std::string> t = post({topics, "shared"}, 1, Post{}, 10);
  EXPECT_EQ(list_ids({topics, "shared"}, {}), t);
  EXPECT_THAT(get({topics, "shared"}, a), IsEmpty());
  EXPECT_EQ(stats({topics, "shared"}).counts.total, 1);

  const NewSubscription hook{"http://example.com/topic-hook", 600, "{}"};
  must(run(store_->create_subscription({topics, "shared"}, hook, kT0)));
  auto subscriptions = [&](std::string_view project) {
    return must(run(store_->list_subscriptions({project, "shared"}, "", 10, kT0))).subscriptions;
  };
  EXPECT_EQ(subscriptions(topics).size(), 1u);
  EXPECT_THAT(subscriptions(kProject), IsEmpty());

  must(run(store_->delete_queue({topics, "shared"})));
  EXPECT_EQ(list_ids({kProject, "shared"}, List().echo("")), a);
  EXPECT_EQ(must(run(store_->count_queues(kProject))), 1);
}

TEST_P(StoreContract, StatsOfAMissingQueueAreZero) {
  QueueStats s = stats(queue("nothing"));
  EXPECT_EQ(s.counts.total, 0);
  EXPECT_EQ(s.counts.free, 0);
  EXPECT_EQ(s.counts.claimed, 0);
  EXPECT_FALSE(s.oldest.has_value());
  EXPECT_FALSE(s.newest.has_value());
}

TEST_P(StoreContract, StatsCountFreeAndClaimedMessagesAndNameTheOldestAndNewest) {
  std::vector<std::string> ids = post(queue(), 2, Post().when(kT0));
  std::vector<std::string> later = post(queue(), 3, Post().when(kT0 + sec(5)), 2);
  ids.insert(ids.end(), later.begin(), later.end());
  claim(queue(), 2, 60, 60, kT0 + sec(10));

  QueueStats s = stats(queue(), kT0 + sec(10));
  EXPECT_EQ(s.counts.total, 5);
  EXPECT_EQ(s.counts.claimed, 2);
  EXPECT_EQ(s.counts.free, 3);
  ASSERT_TRUE(s.oldest && s.newest);
  EXPECT_EQ(s.oldest->id.view(), ids.front());
  EXPECT_EQ(s.oldest->created, kT0);
  EXPECT_EQ(s.newest->id.view(), ids.back());
  EXPECT_EQ(s.newest->created, kT0 + sec(5));

  // The claim ends: its messages count as free again, without anything else happening.
  s = stats(queue(), kT0 + sec(70));
  EXPECT_EQ(s.counts.claimed, 0);
  EXPECT_EQ(s.counts.free, 5);
}

TEST_P(StoreContract, StatsCountDelayedMessagesAsFreeAndIgnoreExpiredOnes) {
  post(queue(), 2, Post().ttl(60));
  post(queue(), 1, Post().ttl(600).delay(100), 2);
  QueueStats s = stats(queue(), kT0 + sec(1));
  EXPECT_EQ(s.counts.total, 3);
  EXPECT_EQ(s.counts.free, 3);
  s = stats(queue(), kT0 + sec(60));
  EXPECT_EQ(s.counts.total, 1);
  EXPECT_EQ(s.counts.free, 1);
  ASSERT_TRUE(s.oldest.has_value());
  EXPECT_EQ(s.oldest->id, s.newest->id);
}

TEST_P(StoreContract, StatsCountTheBodyBytesStoredUntilMessagesGo) {
  // Bodies are {"n":0} ... {"n":3}: 7 bytes each (the byte quota counts them).
  std::vector<std::string> ids = post(queue(), 3, Post().ttl(600));
  post(queue(), 1, Post().ttl(60), 3);
  EXPECT_EQ(stats(queue()).bytes, 28);
  must(run(store_->delete_message(queue(), ids[0], std::nullopt, kT0)));
  EXPECT_EQ(stats(queue()).bytes, 21);
  // Expired messages stop counting once reaped (the memory engines drop them as they meet them).
  must(run(store_->reap(kT0 + sec(61), 1000)));
  EXPECT_EQ(stats(queue(), kT0 + sec(61)).bytes, 14);
  must(run(store_->purge_messages(queue(), kT0 + sec(61))));
  EXPECT_EQ(stats(queue(), kT0 + sec(61)).bytes, 0);
  EXPECT_EQ(stats(queue("nothing")).bytes, 0);
}

}  // namespace
}  // namespace warren::store::testing
