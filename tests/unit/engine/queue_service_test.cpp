// QueueService over the real memory engine: the checks and orderings the engine owns whatever
// the transport (claim updates bound their grace, a refused post leaves no queue, a bulk delete
// that names claims cannot bypass one taken meanwhile, a filtered queue listing lets the loop
// serve others between pages).
#include "engine/queue_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "forwarding_store.h"
#include "result_checks.h"
#include "run_sync.h"
#include "store/memory/memory_store.h"

namespace warren::engine {
namespace {

using store::testing::error_of;
using store::testing::must;
using store::testing::run_sync;

class QueueServiceTest : public ::testing::Test {
 protected:
  QueueServiceTest() : store_(store::make_memory_store()), service_(*store_, clock_, limits()) {}
  static Limits limits() {
    Limits l;
    l.message_delete_with_claim_id = true;
    return l;
  }
  template <class T>
  Result<T> run(store::Async<T> operation) {
    return run_sync(io_, std::move(operation));
  }
  std::vector<std::string> post(std::string_view queue, int count) {
    std::vector<MessageInput> inputs(static_cast<std::size_t>(count));
    for (auto& input : inputs) input.body = "{}";
    PostPlan plan;
    plan.default_ttl = 3600;
    auto ids = must(run(service_.post_messages(scope_, queue, std::move(inputs), plan)));
    std::vector<std::string> out;
    for (const auto& id : ids) out.emplace_back(id.view());
    return out;
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  QueueService service_;
  Scope scope_{"project", "3381af92-2b9e-11e3-b191-71861300734c", {}};
};

TEST_F(QueueServiceTest, AClaimUpdateRefusesAGraceBeyondTheLimit) {
  post("q", 1);
  auto claim = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{1, {60, 60}})));
  const std::string id(claim.claim_id.view());
  const auto update = [&](std::int64_t grace) {
    return run(service_.update_claim(scope_, "q", id, ClaimOptions{60, grace}));
  };
  EXPECT_EQ(error_of(update(std::numeric_limits<std::int64_t>::max())), Errc::claim_grace_range);
  EXPECT_EQ(error_of(update(service_.limits().max_claim_grace + 1)), Errc::claim_grace_range);
  must(update(service_.limits().max_claim_grace));
}

TEST_F(QueueServiceTest, AClaimWithoutOptionsTakesTheConfiguredDefaults) {
  post("q", 2);
  auto claim = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{})));
  auto info = must(run(service_.get_claim(scope_, "q", claim.claim_id.view())));
  EXPECT_EQ(info.ttl_s, service_.limits().default_claim_ttl);
  EXPECT_EQ(claim.messages.size(), 2u);
  must(run(service_.update_claim(scope_, "q", claim.claim_id.view(), ClaimOptions{600, {}})));
  info = must(run(service_.get_claim(scope_, "q", claim.claim_id.view())));
  EXPECT_EQ(info.ttl_s, 600);
}

// A decoder that records the plan it was given and answers `messages` or `refusal`.
struct RecordingDecoder {
  std::optional<PostPlan> seen;
  std::optional<Error> refusal;
  QueueService::PostDecoder function() {
    return [this](const PostPlan& plan) -> Result<std::vector<MessageInput>> {
      seen = plan;
      if (refusal) return *refusal;
      std::vector<MessageInput> messages(1);
      messages[0].body = "{}";
      return messages;
    };
  }
};

TEST_F(QueueServiceTest, APostRefusedByItsDecoderLeavesNoQueueBehind) {
  RecordingDecoder decoder;
  decoder.refusal = make_error(Errc::messages_missing);
  EXPECT_EQ(error_of(run(service_.post(scope_, "later", 100, PostRules{}, decoder.function()))),
            Errc::messages_missing);
  ASSERT_TRUE(decoder.seen);
  EXPECT_EQ(decoder.seen->default_ttl, service_.limits().default_message_ttl);
  EXPECT_TRUE(must(run(service_.list_queues(scope_, QueueListRequest{}))).queues.empty());
  EXPECT_FALSE(must(run(service_.queue_exists(scope_, "later"))));
  decoder.refusal.reset();
  must(run(service_.post(scope_, "later", 100, PostRules{}, decoder.function())));
  EXPECT_TRUE(must(run(service_.queue_exists(scope_, "later"))));
}

TEST_F(QueueServiceTest, APostIsSizedAndDefaultedByTheRulesItIsGiven) {
  must(run(service_.create_queue(
      scope_, "q",
      R"({"_max_messages_post_size":50,"_default_message_ttl":120,"_default_message_delay":5})")));
  RecordingDecoder decoder;
  // No body, or one over the queue's limit: refused before anything is decoded.
  EXPECT_EQ(error_of(run(service_.post(scope_, "q", std::nullopt, PostRules{}, decoder.function()))),
            Errc::body_missing);
  EXPECT_EQ(error_of(run(service_.post(scope_, "q", 51, PostRules{}, decoder.function()))),
            Errc::messages_too_large_for_queue);
  EXPECT_FALSE(decoder.seen);
  // The queue's policy, with delays (Zaqar v2 over HTTP).
  must(run(service_.post(scope_, "q", 51 - 1, PostRules{}, decoder.function())));
  EXPECT_EQ(decoder.seen->default_ttl, 120);
  EXPECT_EQ(decoder.seen->default_delay, 5);
  // The queue's policy without delays (the WebSocket API).
  must(run(service_.post(scope_, "q", 50, PostRules{true, false}, decoder.function())));
  EXPECT_EQ(decoder.seen->default_ttl, 120);
  EXPECT_FALSE(decoder.seen->default_delay);
  // The configured limit and TTL only (Zaqar v1.1): the queue's 50-byte limit does not apply.
  must(run(service_.post(scope_, "q", 51, PostRules{false, false}, decoder.function())));
  EXPECT_EQ(decoder.seen->default_ttl, service_.limits().default_message_ttl);
  EXPECT_FALSE(decoder.seen->default_delay);
  const auto too_big = static_cast<std::size_t>(service_.limits().max_messages_post_size) + 1;
  EXPECT_EQ(error_of(run(service_.post(scope_, "q", too_big, PostRules{false, false},
                                       decoder.function()))),
            Errc::messages_too_large);
}

TEST_F(QueueServiceTest, ARefusedSubscriptionStillCreatesItsQueue) {
  const Result<SubscriptionCreateRequest> refused =
      make_error(Errc::subscription_param_missing, "subscriber");
  EXPECT_EQ(error_of(run(service_.create_subscription(scope_, "subs", refused))),
            Errc::subscription_param_missing);
  EXPECT_TRUE(must(run(service_.queue_exists(scope_, "subs"))));
}

// A real memory engine whose queue creations are counted and which can delete a queue right
// after it was created (another client's delete arriving between the service's two steps).
class RacingStore : public store::testing::ForwardingStore {
 public:
  explicit RacingStore(store::Store& inner) : ForwardingStore(inner), inner_(inner) {}
  int creations = 0;
  int deletes_to_race = 0;
  store::Async<bool> create_queue(store::QueueRef q, std::string_view m, store::TimeMs n) override {
    ++creations;
    auto created = co_await inner_.create_queue(q, m, n);
    if (deletes_to_race > 0) {
      --deletes_to_race;
      auto deleted = co_await inner_.delete_queue(q);
      must(deleted);
    }
    co_return created;
  }

 private:
  store::Store& inner_;
};

TEST_F(QueueServiceTest, QueuesAPostOrSubscriptionImpliesAreCreatedByTheServiceOnce) {
  RacingStore racing(*store_);
  QueueService service(racing, clock_, limits());
  RecordingDecoder decoder;
  // The store refuses a post to a missing queue; the service creates it, then posts.
  must(run(service.post(scope_, "implied", 10, PostRules{}, decoder.function())));
  EXPECT_EQ(racing.creations, 1);
  must(run(service.post(scope_, "implied", 10, PostRules{false, false}, decoder.function())));
  EXPECT_EQ(racing.creations, 1);  // an existing queue costs no creation
  // A delete between the creation and the post: created again, and the post lands.
  racing.deletes_to_race = 1;
  must(run(service.post(scope_, "raced", 10, PostRules{}, decoder.function())));
  EXPECT_EQ(racing.creations, 3);
  EXPECT_EQ(must(run(service.queue_stats(scope_, "raced"))).counts.total, 1);
  // A queue deleted after every creation: the post gives up after a few tries, it never loops.
  racing.deletes_to_race = 100;
  EXPECT_EQ(error_of(run(service.post(scope_, "doomed", 10, PostRules{}, decoder.function()))),
            Errc::queue_not_found);
  EXPECT_EQ(racing.creations, 6);
  racing.deletes_to_race = 0;
  // A subscription's queue comes from the same place.
  SubscriptionCreateRequest request;
  request.subscriber = "http://example.com/hook";
  must(run(service.create_subscription(scope_, "subs", request)));
  EXPECT_EQ(racing.creations, 7);
  EXPECT_TRUE(must(run(service.queue_exists(scope_, "subs"))));
}

// Records what the engine's event source announces.
struct RecordingObserver : MessageObserver {
  struct Event {
    std::string kind, queue;
    store::TimeMs at = 0;      // visible events
    std::int64_t delay = -1;   // posted events: the first message's delay
    std::size_t messages = 0;  // posted events
  };
  std::vector<Event> events;
  void messages_posted(std::string_view, std::string_view queue,
                       std::span<const PostedMessage> messages) override {
    events.push_back({"posted", std::string(queue), 0, messages.front().delay, messages.size()});
  }
  void messages_visible(std::string_view, std::string_view queue, store::TimeMs at) override {
    events.push_back({"visible", std::string(queue), at, -1, 0});
  }
};

TEST_F(QueueServiceTest, TheEventSourceAnnouncesPostsAndWhenClaimedMessagesComeBack) {
  RecordingObserver first, second;
  service_.add_observer(&first);
  service_.add_observer(&second);
  clock_.set(1'000'000);
  post("q", 2);
  auto claim = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{1, {60, 60}})));
  clock_.set(1'010'000);
  must(run(service_.update_claim(scope_, "q", claim.claim_id.view(), ClaimOptions{120, 60})));
  clock_.set(1'020'000);
  must(run(service_.delete_claim(scope_, "q", claim.claim_id.view())));
  // Nothing claimed, nothing announced; a refused operation announces nothing either.
  must(run(service_.create_claim(scope_, "empty", ClaimCreateRequest{1, {60, 60}})));
  EXPECT_FALSE(run(service_.update_claim(scope_, "q", claim.claim_id.view(), ClaimOptions{})));

  ASSERT_EQ(first.events.size(), 4u);
  EXPECT_EQ(first.events[0].kind, "posted");
  EXPECT_EQ(first.events[0].messages, 2u);
  EXPECT_EQ(first.events[1].kind, "visible");  // the claim's end
  EXPECT_EQ(first.events[1].at, 1'060'000);
  EXPECT_EQ(first.events[2].at, 1'130'000);  // restarted: 120 s from its update
  EXPECT_EQ(first.events[3].at, 1'020'000);  // released: now
  EXPECT_EQ(second.events.size(), first.events.size());

  // A removed observer hears nothing more; delayed posts say so.
  service_.remove_observer(&second);
  must(run(service_.create_queue(scope_, "slow", R"({"_default_message_delay":30})")));
  RecordingDecoder decoder;
  must(run(service_.post(scope_, "slow", 10, PostRules{}, decoder.function())));
  ASSERT_EQ(first.events.size(), 5u);
  EXPECT_EQ(first.events[4].delay, 30);
  EXPECT_EQ(second.events.size(), 4u);
  service_.remove_observer(&first);
}

TEST_F(QueueServiceTest, ADeliveryCanBeHeldLongerLetGoOrDeletedByItsReceipt) {
  RecordingObserver observer;
  service_.add_observer(&observer);
  clock_.set(2'000'000);
  std::vector<std::string> ids = post("q", 2);
  auto claim = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{2, {60, 60}})));
  ASSERT_EQ(claim.messages.size(), 2u);
  const store::Receipt first{claim.messages[0].id.view(), claim.messages[0].receive_count};
  const store::Receipt second{claim.messages[1].id.view(), claim.messages[1].receive_count};
  // Out of range: refused before the store is asked.
  EXPECT_EQ(error_of(run(service_.change_visibility(scope_, "q", first, -1))),
            Errc::visibility_timeout_range);
  EXPECT_EQ(error_of(run(service_.change_visibility(scope_, "q", first,
                                                    service_.limits().max_claim_ttl + 1))),
            Errc::visibility_timeout_range);
  // Held 600 s: announced for then. Let go: announced for now, and claimable at once.
  must(run(service_.change_visibility(scope_, "q", first, 600)));
  EXPECT_EQ(observer.events.back().at, 2'600'000);
  must(run(service_.change_visibility(scope_, "q", second, 0)));
  EXPECT_EQ(observer.events.back().at, 2'000'000);
  auto again = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{2, {60, 60}})));
  ASSERT_EQ(again.messages.size(), 1u);
  EXPECT_EQ(again.messages[0].id.view(), ids[1]);
  // The first receipt still deletes its message; the second is stale now.
  EXPECT_FALSE(must(run(service_.delete_received(scope_, "q", second))));
  EXPECT_TRUE(must(run(service_.delete_received(scope_, "q", first))));
  EXPECT_EQ(must(run(service_.queue_stats(scope_, "q"))).counts.total, 1);
  service_.remove_observer(&observer);
}

// A quota check that allows `queues` more queues and posts of at most `bytes` bytes of bodies,
// and lists what it was asked.
struct CountingQuotas : QuotaCheck {
  int queues = 0;
  std::size_t bytes = 0;
  std::vector<std::string> asked;
  store::Async<void> admit_queue(const Scope&, std::string_view queue) override {
    asked.push_back("queue " + std::string(queue));
    if (queues == 0) co_return make_error(Errc::internal, "queue quota");
    --queues;
    co_return Result<void>{};
  }
  store::Async<void> admit_messages(const Scope&, std::string_view queue, std::size_t count,
                                    std::size_t size) override {
    asked.push_back(fmt::format("messages {} {} {}", queue, count, size));
    if (size > bytes) co_return make_error(Errc::internal, "message quota");
    co_return Result<void>{};
  }
};

TEST_F(QueueServiceTest, QuotasAreAskedWhereverAQueueOrAMessageComesIntoBeing) {
  CountingQuotas quotas;
  quotas.queues = 1;
  quotas.bytes = 2;
  service_.set_quota_check(&quotas);
  must(run(service_.create_queue(scope_, "made", "")));
  must(run(service_.create_queue(scope_, "made", "")));  // exists: not asked again
  // No queue left in the quota: an explicit creation, a post's and a subscription's are refused
  // and leave nothing behind.
  EXPECT_EQ(error_of(run(service_.create_queue(scope_, "second", ""))), Errc::internal);
  RecordingDecoder decoder;  // posts one message whose body is "{}" (2 bytes)
  EXPECT_EQ(error_of(run(service_.post(scope_, "implied", 10, PostRules{}, decoder.function()))),
            Errc::internal);
  SubscriptionCreateRequest request;
  request.subscriber = "http://example.com/hook";
  EXPECT_EQ(error_of(run(service_.create_subscription(scope_, "subs", request))), Errc::internal);
  EXPECT_EQ(must(run(service_.list_queues(scope_, QueueListRequest{}))).queues.size(), 1u);
  // Messages: posts within the quota are stored; once it is spent, a post stores nothing.
  must(run(service_.post(scope_, "made", 10, PostRules{}, decoder.function())));
  must(run(service_.post(scope_, "made", 10, PostRules{}, decoder.function())));
  quotas.bytes = 1;
  EXPECT_EQ(error_of(run(service_.post(scope_, "made", 10, PostRules{}, decoder.function()))),
            Errc::internal);
  EXPECT_EQ(must(run(service_.queue_stats(scope_, "made"))).counts.total, 2);
  EXPECT_EQ(quotas.asked,
            (std::vector<std::string>{"queue made", "queue second", "messages implied 1 2",
                                      "queue implied", "queue subs", "messages made 1 2",
                                      "messages made 1 2", "messages made 1 2"}));
  service_.set_quota_check(nullptr);
}

TEST_F(QueueServiceTest, ABulkDeleteNamingClaimsRefusesAMessageOfAnotherClaim) {
  std::vector<std::string> ids = post("q", 2);
  auto mine = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{1, {60, 60}})));
  auto theirs = must(run(service_.create_claim(scope_, "q", ClaimCreateRequest{1, {60, 60}})));
  const std::vector<std::string_view> doomed{ids[0], ids[1]};
  const std::vector<std::string_view> named{mine.claim_id.view()};
  const auto refused = run(service_.delete_messages(scope_, "q", doomed, named));
  ASSERT_EQ(error_of(refused), Errc::claim_ids_mismatch);
  EXPECT_EQ(refused.error().description,
            fmt::format("Claim {} does not exist in the claim_ids parameter in queue q for "
                        "project project",
                        theirs.claim_id.view()));
  EXPECT_EQ(must(run(service_.get_messages(scope_, "q", doomed))).size(), 2u);
}

TEST_F(QueueServiceTest, AFilteredQueueListingLetsTheLoopServeOthersBetweenPages) {
  for (int i = 0; i < 1000; ++i) {
    must(run(service_.create_queue(scope_, fmt::format("q{:04}", i), R"({"kind":"a"})")));
  }
  must(run(service_.create_queue(scope_, "zz", R"({"kind":"b"})")));
  QueueListRequest request;
  request.filters.emplace_back("kind", R"("b")");
  std::vector<std::string> finished;
  boost::asio::co_spawn(io_, service_.list_queues(scope_, request),
                        [&](std::exception_ptr, Result<QueueListResult> result) {
                          ASSERT_TRUE(result);
                          ASSERT_EQ(result->queues.size(), 1u);
                          EXPECT_EQ(result->queues[0].name, "zz");
                          finished.push_back("listing");
                        });
  boost::asio::co_spawn(io_, service_.queue_stats(scope_, "q0000"),
                        [&](std::exception_ptr, auto) { finished.push_back("other request"); });
  io_.restart();
  io_.run();
  // The memory engine never suspends: without a yield between pages, the listing of 1,001
  // queues would run to its end before the request queued after it.
  EXPECT_EQ(finished, (std::vector<std::string>{"other request", "listing"}));
}

}  // namespace
}  // namespace warren::engine
