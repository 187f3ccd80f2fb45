// What the pooled store promises beyond the storage contract: placement by flavor and weight,
// routing to the placed pool, listing across pools, the durable catalog shared by several
// processes over one home store, refusals of pool deletion, and its record encodings.
#include "store/pooled/pooled_store.h"

#include <map>

#include <gtest/gtest.h>

#include "forwarding_store.h"
#include "run_sync.h"
#include "store/memory/memory_store.h"
#include "store/pooled/records.h"

namespace warren::store::pooled {
namespace {

using testing::ForwardingStore;
using testing::run_sync;

// Engines shared by every PooledStore of a test, as real back ends are shared by nodes: the
// opener hands out a forwarding view of the engine a URI names.
struct Backends {
  std::unique_ptr<Store> home = make_memory_store();
  std::map<std::string, std::unique_ptr<Store>, std::less<>> engines;
  int opened = 0;

  EngineOpener opener() {
    return [this](std::string_view uri) -> Result<std::unique_ptr<Store>> {
      if (!uri.starts_with("memory:")) return make_error(Errc::pool_uri_invalid, uri);
      ++opened;
      auto& engine = engines[std::string(uri)];
      if (!engine) engine = make_memory_store();
      return std::unique_ptr<Store>(std::make_unique<ForwardingStore>(*engine));
    };
  }
  std::unique_ptr<PooledStore> node(PooledStoreOptions options = {}) {
    auto store =
        std::make_unique<PooledStore>(std::make_unique<ForwardingStore>(*home), opener(), options);
    EXPECT_TRUE(store->load());
    return store;
  }
  bool holds(std::string_view uri, QueueRef queue, boost::asio::io_context& io) {
    auto it = engines.find(uri);
    if (it == engines.end()) return false;
    auto metadata = run_sync(io, it->second->get_queue_metadata(queue));
    return metadata && metadata->has_value();
  }
};

class PooledStoreTest : public ::testing::Test {
 protected:
  template <class T>
  T run(boost::asio::awaitable<T> operation) {
    return run_sync(io_, std::move(operation));
  }
  void add_pool(PooledStore& store, std::string name, std::string uri, std::int64_t weight,
                std::string flavor) {
    auto put = run(store.put_pool(
        PoolRecord{std::move(name), std::move(uri), weight, std::move(flavor), "{}"}));
    ASSERT_TRUE(put) << put.error().description;
  }
  boost::asio::io_context io_;
  Backends backends_;
};

TEST_F(PooledStoreTest, AQueueOfAFlavorIsPlacedOnAPoolOfItWithAWeight) {
  auto store = backends_.node();
  add_pool(*store, "a", "memory:a", 1, "gold");
  add_pool(*store, "zero", "memory:zero", 0, "gold");
  add_pool(*store, "other", "memory:other", 100, "silver");
  ASSERT_TRUE(run(store->put_flavor("p", "gold", {"a", "zero"})));
  for (int i = 0; i < 20; ++i) {
    std::string name = "q";
    name += std::to_string(i);
    ASSERT_TRUE(run(store->create_queue({"p", name}, R"({"_flavor":"gold"})", 0)));
    EXPECT_EQ(store->pool_of({"p", name}), "a");
    EXPECT_TRUE(backends_.holds("memory:a", {"p", name}, io_));
  }
  // Routed there: a post lands on the pool, not at home.
  const NewMessage message{"{}", 60, 0};
  auto posted = run(store->post_messages({"p", "q0"}, "c", std::span(&message, 1), 0));
  ASSERT_TRUE(posted);
  auto stats = run(backends_.engines["memory:a"]->queue_stats({"p", "q0"}, 0));
  EXPECT_EQ(stats->counts.total, 1);
  auto home = run(backends_.home->queue_stats({"p", "q0"}, 0));
  EXPECT_EQ(home->counts.total, 0);
}

TEST_F(PooledStoreTest, QueuesWithoutAFlavorOrWithAnUnknownOneAreNotPlaced) {
  auto store = backends_.node();
  add_pool(*store, "a", "memory:a", 1, "gold");
  ASSERT_TRUE(run(store->create_queue({"p", "home"}, "{}", 0)));
  EXPECT_EQ(store->pool_of({"p", "home"}), "");
  auto unknown = run(store->create_queue({"p", "u"}, R"({"_flavor":"gold"})", 0));
  ASSERT_FALSE(unknown);  // the project has no flavor "gold"
  EXPECT_EQ(unknown.error().code, Errc::queue_flavor_unknown);
  ASSERT_TRUE(run(store->put_flavor("p", "empty", {"a"})));
  ASSERT_TRUE(run(store->put_flavor("p", "gold", {"a"})));  // takes "a" from "empty"
  auto none = run(store->create_queue({"p", "n"}, R"({"_flavor":"empty"})", 0));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::no_pool_found);
}

TEST_F(PooledStoreTest, ListingAndCountingSpanTheHomeStoreAndThePools) {
  auto store = backends_.node();
  add_pool(*store, "a", "memory:a", 1, "f");
  ASSERT_TRUE(run(store->put_flavor("p", "f", {"a"})));
  for (const char* name : {"b", "d"}) ASSERT_TRUE(run(store->create_queue({"p", name}, "{}", 0)));
  for (const char* name : {"a", "c", "e"}) {
    ASSERT_TRUE(run(store->create_queue({"p", name}, R"({"_flavor":"f"})", 0)));
  }
  QueueListOptions options;
  options.limit = 3;
  auto page = run(store->list_queues("p", options));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->queues.size(), 3u);
  EXPECT_EQ(page->queues[0].name, "a");
  EXPECT_EQ(page->queues[2].name, "c");
  options.marker = "c";
  page = run(store->list_queues("p", options));
  ASSERT_EQ(page->queues.size(), 2u);
  EXPECT_EQ(page->queues[0].name, "d");
  EXPECT_EQ(*run(store->count_queues("p")), 5);
  // The reserved spaces are no projects of callers.
  auto projects = run(store->list_projects("", 100));
  ASSERT_TRUE(projects);
  EXPECT_EQ(*projects, std::vector<std::string>{"p"});
}

TEST_F(PooledStoreTest, AnotherNodeOverTheSameHomeStoreFindsThePlacement) {
  auto first = backends_.node();
  add_pool(*first, "a", "memory:a", 1, "f");
  ASSERT_TRUE(run(first->put_flavor("p", "f", {"a"})));
  ASSERT_TRUE(run(first->create_queue({"p", "q"}, R"({"_flavor":"f"})", 0)));
  // A node started later loads the catalog.
  auto second = backends_.node();
  EXPECT_EQ(second->pool_of({"p", "q"}), "a");
  // A node already running finds a placement made after it loaded: on creation at once (the
  // durable catalog decides), and on its next reload for every other operation.
  ASSERT_TRUE(run(first->create_queue({"p", "r"}, R"({"_flavor":"f"})", 0)));
  auto again = run(second->create_queue({"p", "r"}, "{}", 0));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(second->pool_of({"p", "r"}), "a");
  ASSERT_TRUE(run(first->create_queue({"p", "s"}, R"({"_flavor":"f"})", 0)));
  EXPECT_EQ(second->pool_of({"p", "s"}), "");
  ASSERT_TRUE(run(second->reap(1, 100)));
  EXPECT_EQ(second->pool_of({"p", "s"}), "a");
  // A pool added after the second node loaded is opened there when a placement names it.
  add_pool(*first, "b", "memory:b", 1, "g");
  ASSERT_TRUE(run(first->put_flavor("p", "g", {"b"})));
  ASSERT_TRUE(run(first->create_queue({"p", "t"}, R"({"_flavor":"g"})", 0)));
  ASSERT_TRUE(run(second->create_queue({"p", "t"}, "{}", 0)));
  const NewMessage message{"{}", 60, 0};
  ASSERT_TRUE(run(second->post_messages({"p", "t"}, "c", std::span(&message, 1), 0)));
  EXPECT_EQ(run(first->queue_stats({"p", "t"}, 0))->counts.total, 1);
  // Deleting a queue frees its catalog entry for every node.
  ASSERT_TRUE(run(first->delete_queue({"p", "s"})));
  ASSERT_TRUE(run(second->reap(100000, 100)));
  EXPECT_EQ(second->pool_of({"p", "s"}), "");
}

TEST_F(PooledStoreTest, APoolHoldingQueuesOrTheLastOfAFlavorIsNotDeleted) {
  auto store = backends_.node();
  add_pool(*store, "a", "memory:a", 1, "f");
  add_pool(*store, "b", "memory:b", 0, "f");
  ASSERT_TRUE(run(store->put_flavor("p", "f", {"a", "b"})));
  ASSERT_TRUE(run(store->create_queue({"p", "q"}, R"({"_flavor":"f"})", 0)));
  auto held = run(store->delete_pool("a"));
  ASSERT_FALSE(held);
  EXPECT_EQ(held.error().code, Errc::pool_holds_queues);
  ASSERT_TRUE(run(store->delete_pool("b")));
  auto last = run(store->delete_pool("a"));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, Errc::pool_in_flavor);
  ASSERT_TRUE(run(store->delete_queue({"p", "q"})));
  ASSERT_TRUE(run(store->delete_flavor("p", "f")));
  EXPECT_TRUE(run(store->delete_pool("a")));
  EXPECT_TRUE(run(store->delete_pool("a")));  // missing: success
}

TEST_F(PooledStoreTest, APoolThatCannotBeOpenedIsRefusedAndTheLimitHolds) {
  PooledStoreOptions options;
  options.max_pools = 1;
  auto store = backends_.node(options);
  auto invalid = run(store->put_pool(PoolRecord{"x", "mongodb://h", 1, "", "{}"}));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, Errc::pool_uri_invalid);
  add_pool(*store, "a", "memory:a", 1, "");
  auto over = run(store->put_pool(PoolRecord{"b", "memory:b", 1, "", "{}"}));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::pools_limit);
  add_pool(*store, "a", "memory:a", 5, "");  // replacing one is no new pool
  EXPECT_EQ((*run(store->get_pool("a")))->weight, 5);
}

TEST(PooledRecords, EncodeAndDecode) {
  const PoolRecord pool{"p", "redis://h:1", 7, "gold", R"({"a":[1,2]})"};
  auto decoded = decode_pool("p", encode(pool));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uri, pool.uri);
  EXPECT_EQ(decoded->weight, 7);
  EXPECT_EQ(decoded->flavor, "gold");
  EXPECT_EQ(decoded->options, pool.options);
  EXPECT_FALSE(decode_pool("p", "not json"));
  EXPECT_EQ(*decode_placement(encode_placement("a")), "a");
  EXPECT_EQ(flavor_of_metadata(R"({"_flavor":"f","x":1})"), "f");
  EXPECT_EQ(flavor_of_metadata(R"({"_flavor":3})"), "");
  EXPECT_EQ(flavor_of_metadata("{}"), "");
  EXPECT_TRUE(is_record_name("a-b_c.d"));
  EXPECT_FALSE(is_record_name(""));
  EXPECT_FALSE(is_record_name(".."));
  EXPECT_FALSE(is_record_name("a b"));
  EXPECT_FALSE(is_record_name(std::string(65, 'a')));
  EXPECT_TRUE(is_reserved_space(catalog_space("p")));
  EXPECT_TRUE(is_reserved_space(flavor_space("p")));
  EXPECT_FALSE(is_reserved_space("p"));
  EXPECT_EQ(*project_of_catalog_space(catalog_space("p")), "p");
}

}  // namespace
}  // namespace warren::store::pooled
