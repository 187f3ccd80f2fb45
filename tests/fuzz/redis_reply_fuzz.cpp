// Fuzz target: what the redis engine makes of the bytes a Redis server sends. The bytes go
// through hiredis's own reader (as Connection does: the real parser, not a stand-in), and every
// reply it produces through Warren's part: the owned copy (Reply::from_hiredis), its readers
// (as_int, error_is), the cluster protocol (MOVED/ASK redirections, CLUSTER SLOTS maps), the
// message lists of the Lua scripts (decode_messages) and, for a pub/sub message as
// Connection::on_push takes it, the batch another node posted (decode_remote_batch).
//
// Input layout: byte 0 picks the piece size the bytes arrive in (1..64); the rest is the stream.
//
// Properties (a violation traps):
//   1. The copy is the reply: same types, texts, integers and shape.
//   2. as_int, error_is, parse_redirect and from_cluster_slots agree with oracles written here
//      from their contracts (cluster_slots.h, reply.h), and every Endpoint they produce holds a
//      numeric address (the Endpoint contract: the loops connect to it without resolving).
//   3. decode_messages accepts exactly the 11-field layout and copies every field.
//   4. A decoded remote batch encodes to a batch that decodes the same.
//   5. The replies do not depend on how the bytes were split.
#include <arpa/inet.h>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>

#include "notify/remote_batch.h"
#include "store/redis/cluster_slots.h"
#include "store/redis/reply.h"
#include "store/redis/store_impl.h"

namespace {

namespace redis = warren::store::redis;
using redis::Reply;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// hiredis 0.14 allocates a declared array's element table up front (no maxelements before
// 1.0), so "*2147483647" asks for 16 GiB: refuse large arrays here, as an allocation failure
// (hiredis then reports an out-of-memory error), to keep the fuzzer within its memory limit.
constexpr int kMaxElements = 4096;
redisReplyObjectFunctions g_functions;  // hiredis's own reply builders
void* create_array(const redisReadTask* task, int elements) {
  if (elements > kMaxElements) return nullptr;
  return g_functions.createArray(task, elements);
}
redisReplyObjectFunctions* bounded_functions() {
  static redisReplyObjectFunctions bounded = [] {
    redisReader* reader = redisReaderCreate();
    g_functions = *reader->fn;
    redisReaderFree(reader);
    redisReplyObjectFunctions f = g_functions;
    f.createArray = &create_array;
    return f;
  }();
  return &bounded;
}

// Every reply in `bytes`, fed in pieces of `piece` bytes; stops at the reader's first error.
std::vector<Reply> read_replies(std::string_view bytes, std::size_t piece,
                                std::vector<const redisReply*>* raw = nullptr) {
  redisReader* reader = redisReaderCreateWithFunctions(bounded_functions());
  std::vector<Reply> replies;
  bool failed = false;
  for (std::size_t at = 0; at < bytes.size() && !failed; at += piece) {
    const std::size_t take = std::min(piece, bytes.size() - at);
    if (redisReaderFeed(reader, bytes.data() + at, take) != REDIS_OK) break;
    for (;;) {
      void* reply = nullptr;
      if (redisReaderGetReply(reader, &reply) != REDIS_OK) {
        failed = true;
        break;
      }
      if (reply == nullptr) break;
      replies.push_back(Reply::from_hiredis(*static_cast<const redisReply*>(reply)));
      if (raw != nullptr) {
        raw->push_back(static_cast<const redisReply*>(reply));
      } else {
        freeReplyObject(reply);
      }
    }
  }
  redisReaderFree(reader);
  return replies;
}

bool same(const Reply& a, const Reply& b) {
  if (a.type != b.type || a.integer != b.integer || a.str != b.str ||
      a.elements.size() != b.elements.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.elements.size(); ++i) {
    if (!same(a.elements[i], b.elements[i])) return false;
  }
  return true;
}

// 1: the copy against hiredis's tree.
void check_copy(const Reply& copy, const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      check(copy.type == (r.type == REDIS_REPLY_STRING   ? Reply::Type::string
                          : r.type == REDIS_REPLY_STATUS ? Reply::Type::status
                                                         : Reply::Type::error));
      check(copy.str == std::string_view(r.str, r.len));
      break;
    case REDIS_REPLY_INTEGER:
      check(copy.type == Reply::Type::integer && copy.integer == r.integer);
      break;
    case REDIS_REPLY_ARRAY:
      check(copy.type == Reply::Type::array && copy.elements.size() == r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) check_copy(copy.elements[i], *r.element[i]);
      break;
    default:
      check(copy.type == Reply::Type::nil);
      break;
  }
}

bool numeric_host(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// A decimal integer as std::from_chars reads one, in full: an optional '-' then digits.
std::optional<std::int64_t> whole_decimal(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty()) return std::nullopt;
  __int128 value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > (static_cast<__int128>(INT64_MAX) + 1)) return std::nullopt;
  }
  if (negative) value = -value;
  if (value > INT64_MAX || value < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

// 2: the readers of one reply, `depth` arrays deep.
void check_readers(const Reply& r, int depth) {
  std::optional<std::int64_t> expected;
  if (r.type == Reply::Type::integer) expected = r.integer;
  if (r.type == Reply::Type::string || r.type == Reply::Type::status) {
    expected = whole_decimal(r.str);
  }
  if (expected) {
    check(r.as_int(7) == *expected && r.as_int(-7) == *expected);
  } else {
    check(r.as_int(7) == 7 && r.as_int(-7) == -7);
  }
  for (std::string_view prefix : {"MOVED", "ASK", "NOSCRIPT", "TRYAGAIN", "CLUSTERDOWN", ""}) {
    const std::string_view text(r.str);
    const bool expected_is = r.type == Reply::Type::error && text.starts_with(prefix) &&
                             (text.size() == prefix.size() || text[prefix.size()] == ' ');
    check(r.error_is(prefix) == expected_is);
  }

  if (const auto redirect = redis::parse_redirect(r)) {
    check(r.error_is(redirect->kind == redis::Redirect::Kind::moved ? "MOVED" : "ASK"));
    check(redirect->slot >= 0 && redirect->slot < redis::kSlotCount);
    check(!redirect->target.host.empty());
    check(redirect->target.port > 0 && redirect->target.port <= 65535);
    check(numeric_host(redirect->target.host));
    // What text() writes, parse_host_port reads back.
    const auto again = redis::parse_host_port(redirect->target.text());
    check(again && *again == redirect->target);
  }

  const redis::Endpoint answered_by{"10.0.0.1", 7000};
  // (A whole reply only: nested arrays are no CLUSTER SLOTS reply, and a map of 16,384 slots
  // for each of them would slow the fuzzer tenfold.)
  const auto map = depth == 0 ? redis::SlotMap::from_cluster_slots(r, answered_by) : std::nullopt;
  if (map) {
    for (const redis::Endpoint& node : map->masters()) {
      check(numeric_host(node.host));
      check(node.port > 0 && node.port <= 65535);
    }
  }
  if (map && !r.elements.empty()) {
    // Oracle: the ranges as the reply lists them, the last one naming a slot winning.
    std::vector<int> owner(redis::kSlotCount, -1);
    std::vector<redis::Endpoint> nodes;
    check(r.type == Reply::Type::array);
    for (const Reply& range : r.elements) {
      check(range.type == Reply::Type::array && range.elements.size() >= 3);
      redis::Endpoint node{range.elements[2].elements.at(0).str,
                           static_cast<int>(range.elements[2].elements.at(1).integer)};
      if (node.host.empty() || node.host == "?") node.host = answered_by.host;
      int index = -1;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i] == node) index = static_cast<int>(i);
      }
      if (index < 0) {
        nodes.push_back(node);
        index = static_cast<int>(nodes.size() - 1);
      }
      for (auto s = range.elements[0].integer; s <= range.elements[1].integer; ++s) {
        owner.at(static_cast<std::size_t>(s)) = index;
      }
    }
    check(map->masters() == nodes);
    int covered = 0;
    for (int slot = 0; slot < redis::kSlotCount; ++slot) {
      const redis::Endpoint* node = map->node_for(slot);
      const int index = owner[static_cast<std::size_t>(slot)];
      check((node == nullptr) == (index < 0));
      if (node != nullptr) check(*node == nodes[static_cast<std::size_t>(index)]);
      covered += index >= 0;
    }
    check(map->covered() == covered);
  }

  // 3: a message list of the scripts.
  constexpr std::size_t kF = redis::kMessageFields;
  const std::string_view suffix = "0123456789abcdef";
  const auto messages = redis::decode_messages(r, suffix);
  if (r.is_nil()) {
    check(messages && messages->empty());
  } else if (r.type != Reply::Type::array || r.elements.size() % kF != 0) {
    check(!messages);
  } else {
    bool well_formed = true;
    for (std::size_t at = 0; at < r.elements.size(); at += kF) {
      const std::size_t id_size = r.elements[at].str.size() + suffix.size();
      const std::int64_t encoding = r.elements[at + 10].as_int();
      well_formed = well_formed && !r.elements[at].str.empty() &&
                    id_size <= warren::store::ShortId::kCapacity &&
                    (encoding == 0 || encoding == 1);
    }
    check(messages.has_value() == well_formed);
    if (messages) {
      check(messages->size() * kF == r.elements.size());
      for (std::size_t i = 0; i < messages->size(); ++i) {
        const auto& e = r.elements;
        const warren::store::Message& m = (*messages)[i];
        check(m.id.view() == e[i * kF].str + std::string(suffix));
        check(m.body.view() == e[i * kF + 1].str);
        check(m.created == e[i * kF + 2].as_int() && m.ttl_s == e[i * kF + 3].as_int());
        check(m.expires == e[i * kF + 4].as_int() && m.visible_at == e[i * kF + 5].as_int());
        check(m.claim_expires == e[i * kF + 7].as_int());
        check(static_cast<int>(m.body.encoding()) == e[i * kF + 10].as_int() ||
              (m.body.empty() && e[i * kF + 10].as_int() == 0));
      }
    }
  }

  // 4: a pub/sub message (["message", channel, payload]) carries a batch from another node.
  if (r.type == Reply::Type::array && r.elements.size() == 3 &&
      r.elements[0].type == Reply::Type::string && r.elements[0].str == "message" &&
      r.elements[2].type == Reply::Type::string) {
    if (const auto batch = warren::notify::decode_remote_batch(r.elements[2].str)) {
      warren::notify::NotificationBatch local;
      local.project = batch->project;
      local.queue = batch->queue;
      local.payloads = batch->payloads;
      const auto again = warren::notify::decode_remote_batch(
          warren::notify::encode_remote_batch(batch->node, local));
      check(again && again->node == batch->node && again->project == batch->project &&
            again->queue == batch->queue && again->payloads == batch->payloads);
    }
  }
  for (const Reply& element : r.elements) check_readers(element, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<const redisReply*> raw;
  const std::vector<Reply> whole = read_replies(bytes, bytes.size() + 1, &raw);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    check_copy(whole[i], *raw[i]);
    freeReplyObject(const_cast<redisReply*>(raw[i]));
  }
  const std::vector<Reply> pieces = read_replies(bytes, piece);  // 5
  check(pieces.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) check(same(pieces[i], whole[i]));
  for (const Reply& r : whole) check_readers(r, 0);
  return 0;
}
