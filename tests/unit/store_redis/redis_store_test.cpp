// The redis engine's own semantic tests (before and beside the shared contract suite), against a
// real redis-server and a real Redis Cluster: FIFO ids and markers, claims (oldest first, never
// twice, expiry, release, stretching, DLQ), delete with claims, delay, pop, purge, stats, expiry
// and reaping, queues and their index, subscriptions; and that a claim's cost does not grow with
// the number of claimed messages ahead of it.
#include "fixture.h"

namespace warren::store::redis::testing {
namespace {

using Store = RedisTest;
const QueueRef kQ{"project-a", "fifo"};

TEST_P(Store, PostedIdsAreConsecutiveAndMarkersPage) {
  auto ids = post(kQ, 5);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  MessageListOptions page;
  page.limit = 2;
  auto first = must(run(store_->list_messages(kQ, page, kT0)));
  EXPECT_EQ(ids_of(first.messages), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(first.messages[0].body.view(), R"({"n":0})");
  page.marker = ids[1];
  auto second = must(run(store_->list_messages(kQ, page, kT0)));
  EXPECT_EQ(ids_of(second.messages), (std::vector<std::string>{ids[2], ids[3]}));
  // A deleted id still works as a marker.
  std::string_view gone[] = {ids[3]};
  must(run(store_->delete_messages(kQ, gone, {}, kT0)));
  page.marker = ids[3];
  auto third = must(run(store_->list_messages(kQ, page, kT0)));
  EXPECT_EQ(ids_of(third.messages), (std::vector<std::string>{ids[4]}));
  page.marker = "not-an-id";
  EXPECT_TRUE(must(run(store_->list_messages(kQ, page, kT0))).messages.empty());
}

TEST_P(Store, ARecreatedQueueNeverReusesIds) {
  auto before = post(kQ, 3);
  must(run(store_->delete_queue(kQ)));
  EXPECT_FALSE(must(run(store_->get_queue_metadata(kQ))).has_value());
  auto after = post(kQ, 1);
  EXPECT_GT(after[0], before.back());
}

TEST_P(Store, ClaimsTakeTheOldestAndNeverTheSameMessageTwice) {
  auto ids = post(kQ, 5);
  ClaimParams two;
  two.limit = 2;
  auto a = must(run(store_->create_claim(kQ, two, kT0)));
  EXPECT_EQ(ids_of(a.messages), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_FALSE(a.claim_id.empty());
  auto b = must(run(store_->create_claim(kQ, ClaimParams{}, kT0)));
  EXPECT_EQ(ids_of(b.messages), (std::vector<std::string>{ids[2], ids[3], ids[4]}));
  auto none = must(run(store_->create_claim(kQ, ClaimParams{}, kT0)));
  EXPECT_TRUE(none.claim_id.empty());
  EXPECT_TRUE(none.messages.empty());
  // Released: claimable again at once, oldest first.
  must(run(store_->release_claim(kQ, a.claim_id.view(), kT0 + 1)));
  auto again = must(run(store_->create_claim(kQ, ClaimParams{}, kT0 + 1)));
  EXPECT_EQ(ids_of(again.messages), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(error_code(run(store_->get_claim(kQ, a.claim_id.view(), kT0 + 1))),
            Errc::claim_not_found);
}

TEST_P(Store, AnExpiredClaimFreesItsMessagesInFifoOrder) {
  auto ids = post(kQ, 1);
  ClaimParams one;
  one.limit = 1;
  one.ttl_s = 60;
  auto a = must(run(store_->create_claim(kQ, one, kT0)));
  ASSERT_EQ(a.messages.size(), 1u);
  auto later = post(kQ, 1, kT0 + s(10));
  auto b = must(run(store_->create_claim(kQ, ClaimParams{}, kT0 + s(59))));
  EXPECT_EQ(ids_of(b.messages), later);
  must(run(store_->release_claim(kQ, b.claim_id.view(), kT0 + s(59))));
  auto c = must(run(store_->create_claim(kQ, ClaimParams{}, kT0 + s(61))));
  EXPECT_EQ(ids_of(c.messages), (std::vector<std::string>{ids[0], later[0]}));
  EXPECT_EQ(error_code(run(store_->get_claim(kQ, a.claim_id.view(), kT0 + s(61)))),
            Errc::claim_not_found);
}

TEST_P(Store, ClaimedMessagesLiveAtLeastUntilTheClaimEndsPlusGrace) {
  post(kQ, 1, kT0, /*ttl=*/60);
  ClaimParams p;
  p.ttl_s = 300;
  p.grace_s = 60;
  auto c = must(run(store_->create_claim(kQ, p, kT0)));
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].ttl_s, 360);
  EXPECT_EQ(c.messages[0].expires, kT0 + s(360));
  EXPECT_EQ(c.messages[0].claim_expires, kT0 + s(300));
  EXPECT_EQ(c.messages[0].claim_id, c.claim_id);
  // Renewed later: stretched again from the new end.
  must(run(store_->update_claim(kQ, c.claim_id.view(), 400, 60, kT0 + s(100))));
  auto info = must(run(store_->get_claim(kQ, c.claim_id.view(), kT0 + s(100))));
  EXPECT_EQ(info.ttl_s, 400);
  EXPECT_EQ(info.created, kT0 + s(100));
  EXPECT_EQ(info.expires, kT0 + s(500));
  ASSERT_EQ(info.messages.size(), 1u);
  EXPECT_EQ(info.messages[0].expires, kT0 + s(560));
  EXPECT_EQ(error_code(run(store_->update_claim(kQ, c.claim_id.view(), 60, 60, kT0 + s(501)))),
            Errc::claim_not_found);
}

TEST_P(Store, DeleteChecksTheClaim) {
  auto ids = post(kQ, 3);
  ClaimParams one;
  one.limit = 1;
  one.ttl_s = 60;
  auto c = must(run(store_->create_claim(kQ, one, kT0)));
  auto other = keys::random_id();
  EXPECT_EQ(error_code(run(store_->delete_message(kQ, ids[0], std::nullopt, kT0))),
            Errc::message_claimed);
  EXPECT_EQ(error_code(run(store_->delete_message(kQ, ids[0], other, kT0))), Errc::message_claimed);
  EXPECT_EQ(error_code(run(store_->delete_message(kQ, ids[1], other, kT0))),
            Errc::message_not_claimed);
  EXPECT_EQ(error_code(run(store_->delete_message(kQ, ids[1], "bad id", kT0))),
            Errc::claim_invalid);
  // The message's own claim deletes it, even after the claim expired.
  must(run(store_->delete_message(kQ, ids[0], c.claim_id.view(), kT0 + s(120))));
  must(run(store_->delete_message(kQ, ids[2], std::nullopt, kT0)));
  must(run(store_->delete_message(kQ, "0000000000000fff", std::nullopt, kT0)));
  std::string_view all[] = {ids[0], ids[1], ids[2]};
  EXPECT_EQ(ids_of(must(run(store_->get_messages(kQ, all, kT0)))),
            (std::vector<std::string>{ids[1]}));
}

TEST_P(Store, DelayedMessagesWaitButPopTakesThem) {
  auto delayed = post(kQ, 1, kT0, 3600, /*delay=*/30);
  EXPECT_TRUE(must(run(store_->create_claim(kQ, ClaimParams{}, kT0))).messages.empty());
  MessageListOptions list;
  EXPECT_TRUE(must(run(store_->list_messages(kQ, list, kT0))).messages.empty());
  list.include_delayed = true;
  EXPECT_EQ(ids_of(must(run(store_->list_messages(kQ, list, kT0))).messages), delayed);
  auto claimed = must(run(store_->create_claim(kQ, ClaimParams{}, kT0 + s(31))));
  EXPECT_EQ(ids_of(claimed.messages), delayed);

  QueueRef q2{"project-a", "pop"};
  auto free = post(q2, 1);
  auto later = post(q2, 1, kT0, 3600, 60);
  auto held = post(q2, 1);
  ClaimParams all;
  all.limit = 1;
  // Claim the free one... no: claim takes the oldest claimable, which is `free`.
  auto c = must(run(store_->create_claim(q2, all, kT0)));
  EXPECT_EQ(ids_of(c.messages), free);
  auto popped = must(run(store_->pop_messages(q2, 10, kT0)));
  EXPECT_EQ(ids_of(popped), (std::vector<std::string>{later[0], held[0]}));
  EXPECT_TRUE(must(run(store_->pop_messages(q2, 10, kT0))).empty());
}

TEST_P(Store, DeadLetteringMovesMessagesAfterMaxClaims) {
  auto ids = post(kQ, 2);
  ClaimParams p;
  p.dead_letter.max_claims = 1;
  p.dead_letter.queue = "dead";
  p.dead_letter.message_ttl_s = 120;
  auto first = must(run(store_->create_claim(kQ, p, kT0)));
  ASSERT_EQ(first.messages.size(), 2u);
  EXPECT_EQ(first.messages[0].claim_count, 1);
  must(run(store_->release_claim(kQ, first.claim_id.view(), kT0)));
  auto second = must(run(store_->create_claim(kQ, p, kT0 + 1)));
  EXPECT_TRUE(second.claim_id.empty());
  EXPECT_TRUE(second.messages.empty());
  QueueRef dead{"project-a", "dead"};
  MessageListOptions list;
  auto moved = must(run(store_->list_messages(dead, list, kT0 + 1)));
  ASSERT_EQ(moved.messages.size(), 2u);
  EXPECT_EQ(moved.messages[0].body.view(), R"({"n":0})");
  EXPECT_EQ(moved.messages[0].ttl_s, 120);
  EXPECT_EQ(moved.messages[0].claim_count, 1);  // kept by the move
  EXPECT_TRUE(moved.messages[0].claim_id.empty());
  EXPECT_EQ(must(run(store_->queue_stats(kQ, kT0 + 1))).counts.total, 0);
  auto queues = must(run(store_->list_queues("project-a", QueueListOptions{})));
  ASSERT_EQ(queues.queues.size(), 2u);
  EXPECT_EQ(queues.queues[0].name, "dead");
}

TEST_P(Store, StatsCountFreeAndClaimedAndNameTheEnds) {
  EXPECT_EQ(must(run(store_->queue_stats(kQ, kT0))).counts.total, 0);
  auto ids = post(kQ, 4);
  post(kQ, 1, kT0, 3600, 100);  // delayed counts as free
  ClaimParams two;
  two.limit = 2;
  must(run(store_->create_claim(kQ, two, kT0)));
  auto stats = must(run(store_->queue_stats(kQ, kT0)));
  EXPECT_EQ(stats.counts.claimed, 2);
  EXPECT_EQ(stats.counts.free, 3);
  EXPECT_EQ(stats.counts.total, 5);
  ASSERT_TRUE(stats.oldest);
  EXPECT_EQ(stats.oldest->id.view(), ids[0]);
  EXPECT_EQ(stats.oldest->created, kT0);
}

TEST_P(Store, ExpiredMessagesVanishAndTheReaperRemovesThem) {
  auto short_lived = post(kQ, 2, kT0, 60);
  auto long_lived = post(kQ, 1, kT0, 600);
  TimeMs later = kT0 + s(61);
  MessageListOptions list;
  EXPECT_EQ(ids_of(must(run(store_->list_messages(kQ, list, later))).messages), long_lived);
  std::string_view asked[] = {short_lived[0]};
  EXPECT_TRUE(must(run(store_->get_messages(kQ, asked, later))).empty());
  auto stats = must(run(store_->queue_stats(kQ, later)));
  EXPECT_EQ(stats.counts.total, 1);
  EXPECT_EQ(stats.oldest->id.view(), long_lived[0]);
  auto reaped = must(run(store_->reap(later, 100)));
  EXPECT_EQ(reaped.messages, 2);
  EXPECT_FALSE(reaped.more);
  EXPECT_EQ(ids_of(must(run(store_->create_claim(kQ, ClaimParams{}, later))).messages), long_lived);
}

TEST_P(Store, PurgeKeepsClaimedMessages) {
  auto ids = post(kQ, 3);
  post(kQ, 1, kT0, 3600, 50);
  ClaimParams one;
  one.limit = 1;
  must(run(store_->create_claim(kQ, one, kT0)));
  must(run(store_->purge_messages(kQ, kT0)));
  MessageListOptions list;
  list.include_claimed = true;
  list.include_delayed = true;
  EXPECT_EQ(ids_of(must(run(store_->list_messages(kQ, list, kT0))).messages),
            (std::vector<std::string>{ids[0]}));
}

TEST_P(Store, ListingFiltersEchoAndClaimed) {
  auto mine = post(kQ, 2, kT0, 3600, 0, "me");
  auto theirs = post(kQ, 2, kT0, 3600, 0, "them");
  ClaimParams one;
  one.limit = 1;
  must(run(store_->create_claim(kQ, one, kT0)));
  MessageListOptions list;
  list.echo_client = "me";
  EXPECT_EQ(ids_of(must(run(store_->list_messages(kQ, list, kT0))).messages), theirs);
  list.echo_client = "";
  EXPECT_EQ(ids_of(must(run(store_->list_messages(kQ, list, kT0))).messages),
            (std::vector<std::string>{mine[1], theirs[0], theirs[1]}));
  list.include_claimed = true;
  EXPECT_EQ(must(run(store_->list_messages(kQ, list, kT0))).messages.size(), 4u);
}

TEST_P(Store, QueuesAreListedPerProjectInNameOrder) {
  EXPECT_TRUE(must(run(store_->create_queue({"p1", "b"}, R"({"x":1})", kT0))));
  EXPECT_FALSE(must(run(store_->create_queue({"p1", "b"}, R"({"x":2})", kT0))));
  EXPECT_EQ(must(run(store_->get_queue_metadata({"p1", "b"}))), R"({"x":1})");
  must(run(store_->create_queue({"p1", "a"}, "{}", kT0)));
  must(run(store_->create_queue({"p1", "c.long"}, "{}", kT0)));
  must(run(store_->create_queue({"p2", "z"}, "{}", kT0)));
  post({"p1", "d"}, 1);  // created by posting
  QueueListOptions options;
  options.limit = 2;
  auto page = must(run(store_->list_queues("p1", options)));
  ASSERT_EQ(page.queues.size(), 2u);
  EXPECT_EQ(page.queues[0].name, "a");
  EXPECT_EQ(page.queues[1].name, "b");
  EXPECT_TRUE(page.queues[1].metadata.empty());
  options.marker = "b";
  options.with_metadata = true;
  page = must(run(store_->list_queues("p1", options)));
  ASSERT_EQ(page.queues.size(), 2u);
  EXPECT_EQ(page.queues[0].name, "c.long");
  EXPECT_EQ(page.queues[1].name, "d");
  EXPECT_EQ(page.queues[1].metadata, "{}");
  options = {};
  options.name_contains = "lo";
  page = must(run(store_->list_queues("p1", options)));
  ASSERT_EQ(page.queues.size(), 1u);
  EXPECT_EQ(must(run(store_->count_queues("p1"))), 4);
  must(run(store_->set_queue_metadata({"p1", "a"}, R"({"y":2})")));
  EXPECT_EQ(must(run(store_->get_queue_metadata({"p1", "a"}))), R"({"y":2})");
  EXPECT_EQ(error_code(run(store_->set_queue_metadata({"p1", "nope"}, "{}"))),
            Errc::queue_not_found);
  must(run(store_->delete_queue({"p1", "a"})));
  EXPECT_EQ(must(run(store_->count_queues("p1"))), 3);
  EXPECT_EQ(must(run(store_->list_queues("p1", QueueListOptions{}))).queues[0].name, "b");
  EXPECT_EQ(must(run(store_->list_queues("p2", QueueListOptions{}))).queues.size(), 1u);
}

// Runs one command on the standalone server (on the node of `route`) and returns its reply.
Reply command(RedisTest& t, std::vector<std::string> args, std::string_view route = "x") {
  return run_sync(t.io_, [&]() -> boost::asio::awaitable<Reply> {
    Client* client = co_await t.store_->client();
    Command cmd;
    for (auto& a : args) cmd.copy(a);
    cmd.route_by(route);
    co_return co_await client->run(cmd);
  }());
}

// A message record of the layout before the receive count and the body encoding (8 fields, as
// written by earlier versions) reads as a JSON body whose receive count is its claim count.
TEST_P(Store, MessageRecordsOfTheEarlierLayoutStillRead) {
  auto ids = post(kQ, 1);
  keys::QueueKeys qk(kQ);
  const std::string records(qk.key(3));  // P:m
  const std::string internal = ids[0].substr(0, ids[0].size() - qk.id_suffix().size());
  Reply rewritten = command(*this,
                            {"EVAL",
                             "local r = { cmsgpack.unpack(redis.call('HGET', KEYS[1], ARGV[1])) }\n"
                             "redis.call('HSET', KEYS[1], ARGV[1], cmsgpack.pack(r[1], r[2], r[3],"
                             " r[4], r[5], r[6], 7, r[8]))\n"
                             "return #r",
                             "1", records, internal},
                            records);
  ASSERT_FALSE(rewritten.is_error() || rewritten.is_failed()) << rewritten.str;
  ASSERT_EQ(rewritten.as_int(), 10);  // what this version writes
  std::vector<std::string_view> wanted{ids[0]};
  auto got = must(run(store_->get_messages(kQ, wanted, kT0)));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].claim_count, 7);
  EXPECT_EQ(got[0].receive_count, 7);
  EXPECT_EQ(got[0].body.encoding(), BodyEncoding::json);
  EXPECT_EQ(got[0].body.view(), R"({"n":0})");
  // A claim counts on from there, and stores the full layout again.
  ClaimParams params;
  params.limit = 1;
  auto claimed = must(run(store_->create_claim(kQ, params, kT0)));
  ASSERT_EQ(claimed.messages.size(), 1u);
  EXPECT_EQ(claimed.messages[0].receive_count, 8);
}

// A post whose queue Redis would not index (the project index refused the write: here an ACL
// limits the default user to queues' own keys) is still acknowledged, and the queue is indexed by
// its next write once Redis accepts again (and by the reaper), not left unlisted and unreaped.
TEST_P(Store, AQueueWhoseIndexingFailedIsIndexedLater) {
  if (GetParam() != "standalone") GTEST_SKIP() << "the ACL is set on the one server";
  struct Restore {
    RedisTest& t;
    ~Restore() { command(t, {"ACL", "SETUSER", "default", "allkeys"}); }
  } restore{*this};
  Reply limited = command(*this, {"ACL", "SETUSER", "default", "resetkeys", "~w:{*/*"});
  ASSERT_FALSE(limited.is_error() || limited.is_failed()) << limited.str;
  NewMessage m{"1", 3600, 0};
  for (std::string_view name : {"first", "second"}) {
    // The queue is created but cannot be indexed: create_queue reports the failure...
    EXPECT_EQ(error_code(run(store_->create_queue({"p1", name}, "{}", kT0))),
              Errc::storage_unavailable);
    // ...and the queue takes posts, acknowledged: their messages are stored.
    must(run(store_->post_messages({"p1", name}, "c", std::span(&m, 1), kT0)));
  }
  command(*this, {"ACL", "SETUSER", "default", "allkeys"});
  EXPECT_EQ(must(run(store_->count_queues("p1"))), 0);  // not indexed yet

  // Its next write indexes it.
  must(run(store_->post_messages({"p1", "first"}, "c", std::span(&m, 1), kT0)));
  auto page = must(run(store_->list_queues("p1", QueueListOptions{})));
  ASSERT_EQ(page.queues.size(), 1u);
  EXPECT_EQ(page.queues[0].name, "first");
  must(run(store_->reap(kT0, 100)));  // the reaper indexes the one without a later write
  EXPECT_EQ(must(run(store_->count_queues("p1"))), 2);
}

TEST_P(Store, SubscriptionsAreUniquePerSubscriberAndSurviveTheQueue) {
  NewSubscription sub{"http://example.invalid/hook", 60, R"({"a":1})"};
  auto a = must(run(store_->create_subscription(kQ, sub, kT0)));
  EXPECT_TRUE(a.created);
  auto dup = must(run(store_->create_subscription(kQ, sub, kT0)));
  EXPECT_FALSE(dup.created);
  EXPECT_EQ(dup.id, a.id);
  must(run(store_->confirm_subscription(kQ, a.id.view(), true, kT0)));
  EXPECT_EQ(error_code(run(store_->create_subscription(kQ, sub, kT0))),
            Errc::subscription_conflict);
  NewSubscription other{"mailto:x@example.invalid", 120, "{}"};
  auto b = must(run(store_->create_subscription(kQ, other, kT0)));
  SubscriptionUpdate clash;
  clash.subscriber = sub.subscriber;
  EXPECT_EQ(error_code(run(store_->update_subscription(kQ, b.id.view(), clash, kT0))),
            Errc::subscription_conflict);
  auto page = must(run(store_->list_subscriptions(kQ, "", 10, kT0)));
  ASSERT_EQ(page.subscriptions.size(), 2u);
  EXPECT_LT(page.subscriptions[0].id.view(), page.subscriptions[1].id.view());
  auto got = must(run(store_->get_subscription(kQ, a.id.view(), kT0)));
  EXPECT_EQ(got.subscriber, sub.subscriber);
  EXPECT_EQ(got.options, R"({"a":1})");
  EXPECT_TRUE(got.confirmed);
  EXPECT_EQ(got.source, "fifo");
  must(run(store_->delete_queue(kQ)));
  EXPECT_EQ(must(run(store_->list_subscriptions(kQ, "", 10, kT0))).subscriptions.size(), 2u);
  // Expiry, and a new ttl restarting the life.
  SubscriptionUpdate renew;
  renew.ttl_s = 600;
  must(run(store_->update_subscription(kQ, b.id.view(), renew, kT0 + s(100))));
  EXPECT_EQ(error_code(run(store_->get_subscription(kQ, a.id.view(), kT0 + s(61)))),
            Errc::subscription_not_found);
  EXPECT_EQ(must(run(store_->get_subscription(kQ, b.id.view(), kT0 + s(200)))).expires,
            kT0 + s(700));
  must(run(store_->delete_subscription(kQ, b.id.view())));
  must(run(store_->purge_subscriptions(kQ)));
  EXPECT_TRUE(must(run(store_->list_subscriptions(kQ, "", 10, kT0))).subscriptions.empty());
}

// Sums one command's call count (commands run inside scripts included) over every master.
std::int64_t calls_of(RedisTest& t, std::string_view command) {
  return run_sync(t.io_, [&]() -> boost::asio::awaitable<std::int64_t> {
    Client* client = co_await t.store_->client();
    Command info;
    info.arg("INFO").arg("commandstats");
    std::int64_t total = 0;
    std::string field = "cmdstat_" + std::string(command) + ":calls=";
    for (const Endpoint& node : co_await client->masters()) {
      Reply r = co_await client->run_on(node, info);
      auto at = r.str.find(field);
      if (at != std::string::npos) total += std::stoll(r.str.substr(at + field.size()));
    }
    co_return total;
  }());
}

void reset_stats(RedisTest& t) {
  run_sync(t.io_, [&]() -> boost::asio::awaitable<int> {
    Client* client = co_await t.store_->client();
    Command reset;
    reset.arg("CONFIG").arg("RESETSTAT");
    for (const Endpoint& node : co_await client->masters()) co_await client->run_on(node, reset);
    co_return 0;
  }());
}

TEST_P(Store, AClaimNeverLooksAtTheClaimedMessagesAheadOfIt) {
  // 3,000 messages, the oldest 2,990 held by live claims: the next claim must read about as many
  // message records as it takes, not the 2,990 it skips (Zaqar's script would scan them all).
  for (int i = 0; i < 3; ++i) post(kQ, 1000, kT0, 3600, 0, "client-a", i * 1000);
  ClaimParams big;
  big.limit = 2990;
  ASSERT_EQ(must(run(store_->create_claim(kQ, big, kT0))).messages.size(), 2990u);
  reset_stats(*this);
  ClaimParams small;
  small.limit = 5;
  auto c = must(run(store_->create_claim(kQ, small, kT0 + 1)));
  ASSERT_EQ(c.messages.size(), 5u);
  EXPECT_EQ(c.messages[0].body.view(), R"({"n":2990})");
  EXPECT_LE(calls_of(*this, "hget"), 5 * 2 + 2);  // record + body of each, no more
  EXPECT_LE(calls_of(*this, "zrange"), 3);
}

// The shared rate buckets (every node of a deployment draws on the same tokens).
TEST_P(Store, ASharedRateBucketGrantsTheRateOnceASecondAndSaysWhenMoreComes) {
  EXPECT_TRUE(store_->shares_rate_buckets());
  const std::string bucket = "requests/project-a";
  // Full at first: 10 a second, taken as 3 + 7, then none until 100 ms later for one more.
  TokenGrant g = must(run(store_->take_tokens(bucket, 10, 1, 3, kT0)));
  EXPECT_EQ(g.granted, 3u);
  g = must(run(store_->take_tokens(bucket, 10, 1, 50, kT0)));
  EXPECT_EQ(g.granted, 7u) << "at most what is there, at least `least`";
  g = must(run(store_->take_tokens(bucket, 10, 1, 5, kT0)));
  EXPECT_EQ(g.granted, 0u);
  EXPECT_EQ(g.wait_ms, 100);
  g = must(run(store_->take_tokens(bucket, 10, 2, 5, kT0 + 150)));
  EXPECT_EQ(g.granted, 0u) << "all or nothing for `least`: only 1.5 there";
  EXPECT_EQ(g.wait_ms, 50);
  g = must(run(store_->take_tokens(bucket, 10, 2, 5, kT0 + 200)));
  EXPECT_EQ(g.granted, 2u);
  // More than a second's worth at once: only from a full bucket, which it leaves in debt.
  g = must(run(store_->take_tokens(bucket, 10, 25, 25, kT0 + 2'000)));
  EXPECT_EQ(g.granted, 25u);
  g = must(run(store_->take_tokens(bucket, 10, 1, 1, kT0 + 2'000)));
  EXPECT_EQ(g.granted, 0u);
  EXPECT_EQ(g.wait_ms, 1'600);
}

INSTANTIATE_TEST_SUITE_P(Redis, Store, ::testing::Values("standalone", "cluster"), kind_name);

}  // namespace
}  // namespace warren::store::redis::testing
