// Redis Cluster routing against a real 3-master cluster: a stale slot map is corrected by MOVED,
// a slot caught mid-migration is followed by ASK (and refused with TRYAGAIN where a script would
// span both nodes), and the map is refreshed when the migration ends.
#include "fixture.h"

namespace warren::store::redis::testing {
namespace {

namespace asio = boost::asio;

class Cluster : public RedisTest {
 protected:
  void SetUp() override {
    if (GetParam() != "cluster") GTEST_SKIP() << "cluster only";
    RedisTest::SetUp();
  }
  Client* client() {
    return run_sync(io_, [&]() -> asio::awaitable<Client*> { co_return co_await store_->client(); }());
  }
  Reply on(const Endpoint& node, std::vector<std::string> args) {
    Command cmd;
    for (auto& a : args) cmd.copy(std::move(a));
    Client* c = client();
    return run_sync(io_, c->run_on(node, cmd));
  }
  std::vector<Endpoint> masters() { return run_sync(io_, client()->masters()); }
};

TEST_P(Cluster, AStaleSlotMapIsCorrectedByMoved) {
  auto nodes = masters();
  ASSERT_EQ(nodes.size(), 3u);
  // Pretend every slot is on the first master.
  auto wrong = std::make_shared<SlotMap>();
  for (int slot = 0; slot < kSlotCount; ++slot) wrong->assign(slot, nodes[0]);
  client()->use_map_for_test(wrong);
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back("queue-" + std::to_string(i));
  for (const auto& name : names) {
    auto ids = post({"p", name}, 2);
    ASSERT_EQ(ids.size(), 2u) << name;
  }
  for (const auto& name : names) {
    auto stats = must(run(store_->queue_stats({"p", name}, kT0)));
    EXPECT_EQ(stats.counts.total, 2) << name;
  }
  EXPECT_EQ(must(run(store_->count_queues("p"))), 12);
}

TEST_P(Cluster, AMigratingSlotIsFollowedByAskThenMoved) {
  QueueRef q{"p", "migrating"};
  must(run(store_->create_queue(q, R"({"m":1})", kT0)));
  auto ids = post(q, 3);
  keys::QueueKeys qk(q);
  int slot = key_slot(qk.record());
  auto nodes = masters();
  auto map = SlotMap::from_cluster_slots(on(nodes[0], {"CLUSTER", "SLOTS"}), nodes[0]);
  ASSERT_TRUE(map);
  Endpoint source = *map->node_for(slot);
  Endpoint target = source == nodes[0] ? nodes[1] : nodes[0];
  std::string source_id = on(source, {"CLUSTER", "MYID"}).str;
  std::string target_id = on(target, {"CLUSTER", "MYID"}).str;
  std::string slot_text = std::to_string(slot);
  ASSERT_EQ(on(target, {"CLUSTER", "SETSLOT", slot_text, "IMPORTING", source_id}).str, "OK");
  ASSERT_EQ(on(source, {"CLUSTER", "SETSLOT", slot_text, "MIGRATING", target_id}).str, "OK");
  // Move only the queue record: the source now answers ASK for it.
  auto migrated = on(source, {"MIGRATE", target.host, std::to_string(target.port),
                              std::string(qk.record()), "0", "5000"});
  ASSERT_EQ(migrated.str, "OK") << migrated.str;
  EXPECT_EQ(must(run(store_->get_queue_metadata(q))), R"({"m":1})");
  // A script over the queue would span both nodes now: Redis refuses it (TRYAGAIN), the client
  // retries, then reports the store unavailable rather than act on half a queue.
  auto claim = run(store_->create_claim(q, ClaimParams{}, kT0));
  ASSERT_FALSE(claim);
  EXPECT_EQ(claim.error().code, Errc::storage_unavailable);
  // Finish the migration: every key, then the slot.
  for (;;) {
    auto keys = on(source, {"CLUSTER", "GETKEYSINSLOT", slot_text, "100"});
    if (keys.elements.empty()) break;
    std::vector<std::string> args{"MIGRATE", target.host, std::to_string(target.port), "", "0",
                                  "5000", "KEYS"};
    for (auto& k : keys.elements) args.push_back(k.str);
    ASSERT_EQ(on(source, args).str, "OK");
  }
  for (const Endpoint& node : nodes) {
    ASSERT_EQ(on(node, {"CLUSTER", "SETSLOT", slot_text, "NODE", target_id}).str, "OK");
  }
  // The client still routes to the source, which now answers MOVED.
  auto claimed = must(run(store_->create_claim(q, ClaimParams{}, kT0)));
  EXPECT_EQ(ids_of(claimed.messages), ids);
  EXPECT_EQ(must(run(store_->get_queue_metadata(q))), R"({"m":1})");
}

INSTANTIATE_TEST_SUITE_P(Redis, Cluster, ::testing::Values("cluster"), kind_name);

}  // namespace
}  // namespace warren::store::redis::testing
