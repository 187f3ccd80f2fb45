// Redis Cluster routing without a server: CRC16 key slots, hash tags, slot maps, MOVED/ASK
// parsing; and the engine's key layout (every key of a queue in one slot) and ids.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/redis/cluster_slots.h"
#include "store/redis/keys.h"
#include "store/redis/redis_url.h"

namespace warren::store::redis {
namespace {

TEST(Crc16, MatchesTheRedisClusterSpecification) {
  // The check value of CRC16/XMODEM, given in the Redis Cluster specification.
  EXPECT_EQ(crc16("123456789"), 0x31C3);
  EXPECT_EQ(crc16(""), 0);
}

TEST(KeySlot, KnownSlotsOfPlainKeys) {
  // Values as `CLUSTER KEYSLOT` answers them.
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("hello"), 866);
}

TEST(KeySlot, HashTagsPickTheHashedPart) {
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  // Only the first '{' and the first '}' after it count.
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));
  EXPECT_EQ(key_slot("foo{bar}{zap}"), key_slot("bar"));
  // An empty tag hashes the whole key; an unclosed one too.
  EXPECT_EQ(key_slot("foo{}{bar}"), crc16("foo{}{bar}") % 16384);
  EXPECT_EQ(key_slot("foo{bar"), crc16("foo{bar") % 16384);
}

TEST(Redirect, ParsesMovedAndAsk) {
  Reply moved;
  moved.type = Reply::Type::error;
  moved.str = "MOVED 3999 127.0.0.1:6381";
  auto r = parse_redirect(moved);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Redirect::Kind::moved);
  EXPECT_EQ(r->slot, 3999);
  EXPECT_EQ(r->target, (Endpoint{"127.0.0.1", 6381}));

  Reply ask;
  ask.type = Reply::Type::error;
  ask.str = "ASK 12 ::1:7000";
  r = parse_redirect(ask);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Redirect::Kind::ask);
  EXPECT_EQ(r->slot, 12);
  EXPECT_EQ(r->target, (Endpoint{"::1", 7000}));
  EXPECT_EQ(r->target.text(), "[::1]:7000");
}

TEST(Redirect, RejectsOtherErrorsAndGarbage) {
  Reply e;
  e.type = Reply::Type::error;
  for (const char* text : {"ERR unknown command", "MOVED", "MOVED x 1.2.3.4:5",
                           "MOVED 99999 1.2.3.4:5", "MOVED 1 1.2.3.4", "MOVEDX 1 1.2.3.4:5",
                           "ASK 1 :7000"}) {
    e.str = text;
    EXPECT_FALSE(parse_redirect(e)) << text;
  }
  Reply not_error;
  not_error.type = Reply::Type::string;
  not_error.str = "MOVED 1 1.2.3.4:5";
  EXPECT_FALSE(parse_redirect(not_error));
}

// A bare "MOVED" or "ASK" error: the parser once skipped past its end (string_view's
// remove_prefix beyond the size) and read whatever memory followed. The reply is on the heap
// here, so that read crosses into ASan's redzone in the debug build. Found by
// tests/fuzz/redis_reply_fuzz.cpp.
TEST(Redirect, ABareMovedOrAskIsNoRedirect) {
  for (const char* text : {"MOVED", "ASK"}) {
    auto reply = std::make_unique<Reply>();
    reply->type = Reply::Type::error;
    reply->str = text;
    EXPECT_FALSE(parse_redirect(*reply)) << text;
  }
}

// Replies name nodes by address: a host name would be resolved by hiredis's blocking
// getaddrinfo() on an event loop. Found by tests/fuzz/redis_reply_fuzz.cpp.
TEST(Redirect, RefusesHostNamesAndBadPorts) {
  Reply e;
  e.type = Reply::Type::error;
  for (const char* text :
       {"MOVED 1 redis-2:6379", "ASK 1 localhost:7000", "MOVED 1 1.2.3.4:0",
        "MOVED 1 1.2.3.4:65536", "ASK 1 [redis-2]:7000", "MOVED 1 [1.2.3.4]]:5"}) {
    e.str = text;
    EXPECT_FALSE(parse_redirect(e)) << text;
  }
  e.str = "MOVED 1 [::1]:6379";
  EXPECT_TRUE(parse_redirect(e));
}

Reply integer(std::int64_t v) {
  Reply r;
  r.type = Reply::Type::integer;
  r.integer = v;
  return r;
}
Reply text(std::string s) {
  Reply r;
  r.type = Reply::Type::string;
  r.str = std::move(s);
  return r;
}
Reply array(std::vector<Reply> elements) {
  Reply r;
  r.type = Reply::Type::array;
  r.elements = std::move(elements);
  return r;
}

TEST(SlotMap, ParsesClusterSlots) {
  Reply reply = array({
      array({integer(0), integer(5460), array({text("127.0.0.1"), integer(7000), text("a")}),
             array({text("127.0.0.1"), integer(7003), text("d")})}),
      array({integer(5461), integer(10922), array({text("127.0.0.1"), integer(7001)})}),
      array({integer(10923), integer(16383), array({text(""), integer(7002)})}),
  });
  auto map = SlotMap::from_cluster_slots(reply, Endpoint{"10.9.8.7", 7002});
  ASSERT_TRUE(map);
  EXPECT_EQ(map->masters().size(), 3u);
  EXPECT_EQ(map->covered(), kSlotCount);
  EXPECT_EQ(*map->node_for(0), (Endpoint{"127.0.0.1", 7000}));
  EXPECT_EQ(*map->node_for(5461), (Endpoint{"127.0.0.1", 7001}));
  // An empty host means "the node you asked".
  EXPECT_EQ(*map->node_for(16383), (Endpoint{"10.9.8.7", 7002}));
  map->assign(0, Endpoint{"127.0.0.1", 7001});
  EXPECT_EQ(*map->node_for(0), (Endpoint{"127.0.0.1", 7001}));
  EXPECT_EQ(map->node_for(kSlotCount), nullptr);
}

TEST(SlotMap, RejectsMalformedReplies) {
  Endpoint any{"127.0.0.1", 1};
  EXPECT_FALSE(SlotMap::from_cluster_slots(text("x"), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(array({array({integer(0), integer(1)})}), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(
      array({array({integer(5), integer(2), array({text("h"), integer(1)})})}), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(
      array({array({integer(0), integer(16384), array({text("h"), integer(1)})})}), any));
  auto partial = SlotMap::from_cluster_slots(
      array({array({integer(0), integer(99), array({text("10.0.0.9"), integer(1)})})}), any);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->covered(), 100);
  EXPECT_EQ(partial->node_for(100), nullptr);
}

TEST(SlotMap, RefusesHostNamesAndBadPorts) {
  Endpoint any{"127.0.0.1", 1};
  auto slots = [](Reply host, std::int64_t port) {
    return array({array({integer(0), integer(16383), array({std::move(host), integer(port)})})});
  };
  EXPECT_FALSE(SlotMap::from_cluster_slots(slots(text("redis-node-1"), 7000), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(slots(text("10.0.0.1"), 70000), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(slots(text("10.0.0.1"), -1), any));
  EXPECT_FALSE(SlotMap::from_cluster_slots(slots(text("10.0.0.1"), 4294967297), any));  // 1 as int
  EXPECT_TRUE(SlotMap::from_cluster_slots(slots(text("10.0.0.1"), 65535), any));
  EXPECT_TRUE(SlotMap::from_cluster_slots(slots(text("fe80::1"), 7000), any));
  EXPECT_TRUE(SlotMap::from_cluster_slots(slots(text("?"), 7000), any));  // the node asked
}

TEST(Keys, EveryKeyOfAQueueIsInOneSlot) {
  for (std::string_view project : {"p", "a/b", "{x}", "}{", "%7B", "weird/{proj}/%"}) {
    keys::QueueKeys qk(QueueRef{project, "my.queue-1"});
    int slot = key_slot(qk.prefix());
    for (std::size_t i = 0; i < keys::QueueKeys::kCount; ++i) {
      EXPECT_EQ(key_slot(qk.key(i)), slot) << qk.key(i);
      EXPECT_TRUE(qk.key(i).starts_with(qk.prefix()));
    }
  }
}

TEST(Keys, ProjectEscapingKeepsTagsApart) {
  // Without escaping, project "a/b" queue "c" and project "a" queue "b/c"-like names would share
  // a tag; and a '}' in a project would end the tag early.
  EXPECT_NE(keys::queue_prefix({"a/b", "c"}), keys::queue_prefix({"a", "b"}));
  EXPECT_EQ(keys::escape_project("a}b{c/d%e"), "a%7Db%7Bc%2Fd%25e");
  EXPECT_NE(key_slot(keys::queue_prefix({"x}", "q"})), -1);
  EXPECT_EQ(keys::queue_prefix({"p}", "q"}), "w:{p%7D/q}");
  EXPECT_EQ(keys::project_queues("p}"), "w:{p%7D}:queues");
}

TEST(Keys, MessageIdsSortLikeTheirSequenceAndNameTheirQueue) {
  keys::QueueKeys a(QueueRef{"p", "a"});
  keys::QueueKeys b(QueueRef{"p", "b"});
  auto sa = a.id_suffix();
  EXPECT_EQ(sa.size(), 16u);
  EXPECT_NE(sa, b.id_suffix());
  EXPECT_EQ(keys::message_id(1, sa), "0000000000000001" + std::string(sa));
  EXPECT_LT(keys::message_id(9, sa), keys::message_id(10, sa));
  EXPECT_LT(keys::message_id(255, sa), keys::message_id(4096, sa));
  EXPECT_EQ(keys::parse_message_id(keys::message_id(123456789, sa), sa), 123456789);
  // Another queue's id is not one of this queue's.
  EXPECT_FALSE(keys::parse_message_id(keys::message_id(1, b.id_suffix()), sa));
  for (std::string bad : {std::string(), std::string("0"), "000000000000000g" + std::string(sa),
                          "0000000000000000" + std::string(sa), std::string("0000000000000001"),
                          "000000000000000A" + std::string(sa),
                          "ffffffffffffffff" + std::string(sa)}) {
    EXPECT_FALSE(keys::parse_message_id(bad, sa)) << bad;
  }
}

TEST(Keys, RandomIdsAreWellFormedAndDistinct) {
  auto a = keys::random_id();
  auto b = keys::random_id();
  EXPECT_TRUE(keys::is_random_id(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(keys::is_random_id("xyz"));
  EXPECT_FALSE(keys::is_random_id(std::string(32, 'G')));
}

TEST(RedisUrl, ParsesOneOrManyNodes) {
  auto one = parse_redis_url("redis://127.0.0.1:6379");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0], (Endpoint{"127.0.0.1", 6379}));
  auto many = parse_redis_url("redis://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002");
  ASSERT_TRUE(many);
  ASSERT_EQ(many->size(), 3u);
  EXPECT_EQ((*many)[2], (Endpoint{"::1", 7002}));
  auto named = parse_redis_url("localhost:6379");
  ASSERT_TRUE(named);
  EXPECT_TRUE((*named)[0].host == "127.0.0.1" || (*named)[0].host == "::1");
  for (std::string_view bad : {"", "redis://", "redis://host", "redis://h:0", "redis://h:x"}) {
    EXPECT_FALSE(parse_redis_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace warren::store::redis
