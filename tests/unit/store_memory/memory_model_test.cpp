// Randomised differential test of the memory engine against a naive model of the contract: a
// vector of messages scanned linearly for every operation. Thousands of interleaved posts,
// claims, releases, updates, deletes, pops, listings and time steps (often landing exactly on
// a deadline) must give the same results in both. This is what checks the engine's O(log n)
// structures (summary tree, lazy expiry, claim table) against the plain rules.
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_sync.h"
#include "sanitized.h"
#include "store/memory/memory_store.h"

namespace warren::store {
namespace {

using testing::run_sync;

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr std::string_view kProject = "p";
constexpr std::string_view kClients[] = {"client-a-0000000000", "client-b-0000000000"};

struct ModelMessage {
  std::string id;
  std::string body;
  std::string client;
  TimeMs created = 0;
  TimeMs expires = 0;
  TimeMs visible = 0;
  std::int64_t ttl_s = 0;
  std::string claim;  // last claim id ("" = none or released)
  int claim_count = 0;
};

struct ModelClaim {
  TimeMs expires = 0;
  TimeMs started = 0;
  std::int64_t ttl_s = 0;
};

// The contract, written as directly as possible.
class Model {
 public:
  std::vector<ModelMessage> messages;  // posting order; removed ones are erased
  std::map<std::string, ModelClaim> claims;

  bool live(const ModelMessage& m, TimeMs now) const { return m.expires > now; }
  bool held(const ModelMessage& m, TimeMs now) const {
    return !m.claim.empty() && claims.at(m.claim).expires > now;
  }
  bool claim_exists(const std::string& id, TimeMs now) const {
    auto it = claims.find(id);
    if (it == claims.end() || it->second.expires <= now) return false;
    return std::any_of(messages.begin(), messages.end(),
                       [&](const ModelMessage& m) { return m.claim == id && live(m, now); });
  }
  void expire(TimeMs now) {
    std::erase_if(messages, [&](const ModelMessage& m) { return !live(m, now); });
  }
};

class MemoryModelTest : public ::testing::TestWithParam<std::uint32_t> {
 protected:
  void SetUp() override {
    MemoryStoreOptions options;
    options.shards = 4;
    options.seed = GetParam();
    store_ = make_memory_store(options);
    rng_.seed(GetParam());
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <class T>
  const T& pick_of(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size()) - 1))];
  }

  // Advances time: usually a little, sometimes exactly onto an interesting deadline.
  void step_time() {
    std::vector<TimeMs> deadlines;
    for (const ModelMessage& m : model_.messages) {
      for (TimeMs t : {m.expires, m.visible}) {
        if (t > now_) deadlines.push_back(t);
      }
    }
    for (const auto& [id, c] : model_.claims) {
      if (c.expires > now_) deadlines.push_back(c.expires);
    }
    const int kind = pick(0, 9);
    if (kind < 3 && !deadlines.empty()) {
      TimeMs t = pick_of(deadlines);
      now_ = t - (pick(0, 1) ? 1 : 0);
    } else if (kind < 8) {
      now_ += pick(0, 20'000);
    } else {
      now_ += pick(0, 200'000);
    }
  }

  void post() {
    const int count = pick(1, 5);
    const std::int64_t ttl = std::vector<std::int64_t>{60, 90, 120, 600}[pick(0, 3)];
    const std::int64_t delay = std::vector<std::int64_t>{0, 0, 0, 10, 45}[pick(0, 4)];
    const std::string client(kClients[pick(0, 1)]);
    std::vector<std::string> bodies;
    std::vector<NewMessage> batch;
    for (int i = 0; i < count; ++i) bodies.push_back("{\"i\":" + std::to_string(serial_++) + "}");
    for (const std::string& b : bodies) batch.push_back({b, ttl, delay});
    ASSERT_TRUE(run_sync(store_->create_queue(queue_, "{}", now_)));
    auto ids = run_sync(store_->post_messages(queue_, client, batch, now_));
    ASSERT_TRUE(ids);
    ASSERT_EQ(ids->size(), bodies.size());
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      model_.messages.push_back(ModelMessage{std::string((*ids)[i].view()), bodies[i], client, now_,
                                             now_ + ttl * 1000, now_ + delay * 1000, ttl, "", 0});
    }
  }

  void claim() {
    ClaimParams params;
    params.limit = pick(1, 6);
    params.ttl_s = std::vector<std::int64_t>{60, 90, 300}[pick(0, 2)];
    params.grace_s = std::vector<std::int64_t>{0, 30, 60}[pick(0, 2)];
    const bool dead_letter = pick(0, 3) == 0;
    if (dead_letter) {
      params.dead_letter.max_claims = 2;
      params.dead_letter.queue = "dead";
    }
    auto result = run_sync(store_->create_claim(queue_, params, now_));
    ASSERT_TRUE(result);

    model_.expire(now_);
    std::vector<std::size_t> selected;
    for (std::size_t i = 0;
         i < model_.messages.size() && selected.size() < static_cast<std::size_t>(params.limit);
         ++i) {
      const ModelMessage& m = model_.messages[i];
      if (m.visible <= now_ && !model_.held(m, now_)) selected.push_back(i);
    }
    const std::string cid(result->claim_id.view());
    const TimeMs end = now_ + params.ttl_s * 1000;
    std::vector<std::string> expected;
    std::vector<std::string> moved;
    for (std::size_t i : selected) {
      ModelMessage& m = model_.messages[i];
      if (dead_letter && m.claim_count >= 2) {
        moved.push_back(m.id);
        continue;
      }
      if (dead_letter) ++m.claim_count;
      m.claim = cid;
      if (m.expires < end + params.grace_s * 1000) {
        m.expires = end + params.grace_s * 1000;
        m.ttl_s = params.ttl_s + params.grace_s;
      }
      expected.push_back(m.id);
    }
    std::erase_if(model_.messages, [&](const ModelMessage& m) {
      return std::find(moved.begin(), moved.end(), m.id) != moved.end();
    });
    std::vector<std::string> got;
    for (const Message& m : result->messages) got.emplace_back(m.id.view());
    ASSERT_EQ(got, expected) << "claim at " << now_;
    ASSERT_EQ(cid.empty(), expected.empty());
    if (!cid.empty()) {
      ASSERT_EQ(model_.claims.count(cid), 0u) << "claim id reused";
      model_.claims[cid] = ModelClaim{end, now_, params.ttl_s};
      claim_ids_.push_back(cid);
    }
  }

  std::string some_claim_id() {
    if (claim_ids_.empty() || pick(0, 9) == 0) return "0123456789abcdef01234567";
    return pick_of(claim_ids_);
  }
  std::string some_message_id() {
    if (model_.messages.empty() || pick(0, 5) == 0) {
      return gone_ids_.empty() ? std::string("xyz") : pick_of(gone_ids_);
    }
    return pick_of(model_.messages).id;
  }
  void forget(const std::string& id) { gone_ids_.push_back(id); }

  void release() {
    std::string cid = some_claim_id();
    ASSERT_TRUE(run_sync(store_->release_claim(queue_, cid, now_)));
    for (ModelMessage& m : model_.messages) {
      if (m.claim == cid) m.claim.clear();
    }
  }

  void update() {
    std::string cid = some_claim_id();
    const std::int64_t ttl = std::vector<std::int64_t>{30, 60, 400}[pick(0, 2)];
    const std::int64_t grace = std::vector<std::int64_t>{0, 60}[pick(0, 1)];
    auto result = run_sync(store_->update_claim(queue_, cid, ttl, grace, now_));
    const bool exists = model_.claim_exists(cid, now_);
    ASSERT_EQ(result.has_value(), exists) << "update " << cid;
    if (!exists) {
      ASSERT_EQ(result.error().code, Errc::claim_not_found);
      return;
    }
    ModelClaim& c = model_.claims[cid];
    c.expires = now_ + ttl * 1000;
    c.started = now_;
    c.ttl_s = ttl;
    for (ModelMessage& m : model_.messages) {
      if (m.claim == cid && model_.live(m, now_) && m.expires < c.expires + grace * 1000) {
        m.expires = c.expires + grace * 1000;
        m.ttl_s = ttl + grace;
      }
    }
  }

  void delete_one() {
    std::string id = some_message_id();
    std::optional<std::string> cid;
    if (pick(0, 1)) cid = some_claim_id();
    auto result = run_sync(store_->delete_message(
        queue_, id, cid ? std::optional<std::string_view>(*cid) : std::nullopt, now_));
    model_.expire(now_);
    auto it = std::find_if(model_.messages.begin(), model_.messages.end(),
                           [&](const ModelMessage& m) { return m.id == id; });
    std::optional<Errc> expected;
    if (it != model_.messages.end()) {
      const bool held = model_.held(*it, now_);
      if (!cid) {
        if (held) expected = Errc::message_claimed;
      } else if (it->claim != *cid) {
        expected = held ? Errc::message_claimed : Errc::message_not_claimed;
      }
    }
    ASSERT_EQ(result.has_value(), !expected.has_value()) << "delete " << id;
    if (expected) {
      ASSERT_EQ(result.error().code, *expected);
    } else if (it != model_.messages.end()) {
      forget(it->id);
      model_.messages.erase(it);
    }
  }

  void delete_many() {
    std::vector<std::string> ids;
    for (int i = pick(1, 4); i > 0; --i) ids.push_back(some_message_id());
    std::vector<std::string_view> views(ids.begin(), ids.end());
    ASSERT_TRUE(run_sync(store_->delete_messages(queue_, views, {}, now_)));
    std::erase_if(model_.messages, [&](const ModelMessage& m) {
      if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) return false;
      forget(m.id);
      return true;
    });
  }

  void pop() {
    const int limit = pick(1, 3);
    auto popped = run_sync(store_->pop_messages(queue_, limit, now_));
    ASSERT_TRUE(popped);
    model_.expire(now_);
    std::vector<std::string> expected;
    std::erase_if(model_.messages, [&](const ModelMessage& m) {
      if (static_cast<int>(expected.size()) >= limit || model_.held(m, now_)) return false;
      expected.push_back(m.id);
      forget(m.id);
      return true;
    });
    std::vector<std::string> got;
    for (const Message& m : *popped) got.emplace_back(m.id.view());
    ASSERT_EQ(got, expected);
  }

  void list() {
    MessageListOptions options;
    options.limit = pick(1, 8);
    options.include_claimed = pick(0, 1);
    options.include_delayed = pick(0, 1);
    std::string echo = pick(0, 2) == 0 ? std::string(kClients[pick(0, 1)]) : "";
    options.echo_client = echo;
    std::string marker = pick(0, 1) ? some_message_id() : "";
    options.marker = marker;
    auto page = run_sync(store_->list_messages(queue_, options, now_));
    ASSERT_TRUE(page);
    model_.expire(now_);
    // The marker's position: its sequence order among every id ever posted.
    std::vector<std::string> expected;
    if (marker != "xyz") {
      for (const ModelMessage& m : model_.messages) {
        if (!marker.empty() && m.id <= marker) continue;  // ids of one queue sort by posting order
        if (!options.include_claimed && model_.held(m, now_)) continue;
        if (!options.include_delayed && m.visible > now_) continue;
        if (!echo.empty() && m.client == echo) continue;
        if (static_cast<int>(expected.size()) < options.limit) expected.push_back(m.id);
      }
    }
    std::vector<std::string> got;
    for (const Message& m : page->messages) got.emplace_back(m.id.view());
    ASSERT_EQ(got, expected) << "list at " << now_;
  }

  void check_everything() {
    model_.expire(now_);
    std::vector<std::string> ids;
    for (const ModelMessage& m : model_.messages) ids.push_back(m.id);
    std::vector<std::string_view> views(ids.begin(), ids.end());
    auto got = run_sync(store_->get_messages(queue_, views, now_));
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), model_.messages.size());
    for (std::size_t i = 0; i < got->size(); ++i) {
      const Message& m = (*got)[i];
      const ModelMessage& e = model_.messages[i];
      ASSERT_EQ(m.id.view(), e.id);
      ASSERT_EQ(m.body.view(), e.body);
      ASSERT_EQ(m.created, e.created);
      ASSERT_EQ(m.expires, e.expires) << e.id;
      ASSERT_EQ(m.ttl_s, e.ttl_s);
      ASSERT_EQ(m.visible_at, e.visible);
      ASSERT_EQ(m.claim_id.view(), e.claim);
      ASSERT_EQ(m.claimed_at(now_), model_.held(e, now_));
      ASSERT_EQ(m.claim_count, e.claim_count);
    }
    auto stats = run_sync(store_->queue_stats(queue_, now_));
    ASSERT_TRUE(stats);
    std::int64_t claimed = 0;
    for (const ModelMessage& m : model_.messages) claimed += model_.held(m, now_) ? 1 : 0;
    ASSERT_EQ(stats->counts.total, static_cast<std::int64_t>(model_.messages.size()));
    ASSERT_EQ(stats->counts.claimed, claimed);
    if (!model_.messages.empty()) {
      ASSERT_EQ(stats->oldest->id.view(), model_.messages.front().id);
      ASSERT_EQ(stats->newest->id.view(), model_.messages.back().id);
    }
  }

  std::unique_ptr<Store> store_;
  Model model_;
  std::mt19937 rng_;
  TimeMs now_ = kT0;
  int serial_ = 0;
  QueueRef queue_{kProject, "model"};
  std::vector<std::string> claim_ids_;
  std::vector<std::string> gone_ids_;
};

TEST_P(MemoryModelTest, AgreesWithTheNaiveModel) {
  for (int op = 0; op < 1500; ++op) {
    switch (pick(0, 13)) {
      case 0:
      case 1:
      case 2:
        post();
        break;
      case 3:
      case 4:
        claim();
        break;
      case 5:
        release();
        break;
      case 6:
        update();
        break;
      case 7:
        delete_one();
        break;
      case 8:
        delete_many();
        break;
      case 9:
        pop();
        break;
      case 10:
      case 11:
        list();
        break;
      case 12:
        step_time();
        break;
      default:
        // Reaping never changes what reads see.
        ASSERT_TRUE(run_sync(store_->reap(now_, static_cast<std::size_t>(pick(1, 8)))));
        break;
    }
    if (HasFatalFailure()) return;
    if (op % 25 == 0) {
      check_everything();
      if (HasFatalFailure()) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, MemoryModelTest,
                         ::testing::Range<std::uint32_t>(1, WARREN_SANITIZED ? 13 : 41));

}  // namespace
}  // namespace warren::store
