// The history checker finds each kind of anomaly in a hand-made history, and passes the clean
// histories next to it (same shape, legal timing).
#include "bench/history_checker.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "bench/history.h"

namespace warren::bench {
namespace {

constexpr long long kSec = 1'000'000'000;

// Builds history lines with times given in seconds.
std::string op(const std::string& fields, double start, double end) {
  return "{" + fields + ",\"start\":" + std::to_string(static_cast<long long>(start * kSec)) +
         ",\"end\":" + std::to_string(static_cast<long long>(end * kSec)) + "}\n";
}
std::string send(const std::string& key, double start, double end, const std::string& extra = "",
                 const std::string& outcome = "ok") {
  return op(R"("op":"send","proc":"p0","queue":"q","key":")" + key + R"(","outcome":")" + outcome +
                "\"" + extra,
            start, end);
}
std::string claim(const std::string& proc, const std::string& cid, const std::string& keys,
                  double start, double end, int ttl = 60, const std::string& queue = "q") {
  return op(R"("op":"claim","proc":")" + proc + R"(","queue":")" + queue + R"(","claim":")" + cid +
                R"(","ttl":)" + std::to_string(ttl) + R"(,"grace":60,"outcome":"ok","msgs":[)" +
                keys + "]",
            start, end);
}
std::string msg(const std::string& key) {
  return R"({"key":")" + key + R"("})";
}
std::string final_read(const std::string& keys, double at, const std::string& queue = "q") {
  return op(R"("op":"final","queue":")" + queue + R"(","outcome":"ok","msgs":[)" + keys + "]", at,
            at + 0.01);
}

CheckReport check(const std::string& history) {
  std::istringstream in(history);
  auto events = read_history(in);
  EXPECT_TRUE(events.has_value()) << (events ? "" : events.error().message);
  if (!events) return {};
  return check_history(*events);
}

// Only `kind` was found, `n` times.
void expect_only(const CheckReport& r, const std::string& kind, std::uint64_t n) {
  for (const auto& [k, count] : r.counts) {
    EXPECT_EQ(count, k == kind ? n : 0u) << "kind " << k << "\n" << check_report_text(r);
  }
}

TEST(HistoryChecker, CleanClaimDeleteHistory) {
  const std::string h =
      send("k1", 0, 0.1) + send("k2", 0.2, 0.3) + claim("c0", "A", msg("k1"), 1, 1.1) +
      op(R"("op":"delete","proc":"c0","queue":"q","key":"k1","claim":"A","outcome":"ok")", 1.2,
         1.3) +
      final_read(msg("k2"), 5);
  const CheckReport r = check(h);
  EXPECT_TRUE(r.clean()) << check_report_text(r);
  EXPECT_EQ(r.summary.sends_ok, 2u);
  EXPECT_EQ(r.summary.deletes_ok, 1u);
  EXPECT_EQ(r.summary.unverified, 0u);
}

TEST(HistoryChecker, LostAcknowledgedSend) {
  expect_only(check(send("k1", 0, 0.1) + send("k2", 0.2, 0.3) + final_read(msg("k2"), 5)), "lost",
              1);
}

TEST(HistoryChecker, MissingButExcusedIsNotLost) {
  // Its send's outcome was unknown, a delete of unknown outcome, an expiry, a pop.
  const std::string h =
      send("unknown-send", 0, 0.1, "", "unknown") + send("deleted", 0, 0.1) +
      op(R"("op":"delete","proc":"c0","queue":"q","key":"deleted","outcome":"unknown")", 1, 2) +
      send("expired", 0, 0.1, R"(,"ttl":60)") + send("popped", 0, 0.1) +
      op(R"("op":"pop","proc":"c0","queue":"q","outcome":"ok","msgs":[{"key":"popped"}])", 1, 1.1) +
      final_read("", 61.5);
  const CheckReport r = check(h);
  EXPECT_TRUE(r.clean()) << check_report_text(r);
}

TEST(HistoryChecker, NoFinalReadMeansUnverifiedNotLost) {
  const CheckReport r = check(send("k1", 0, 0.1));
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.summary.unverified, 1u);
}

TEST(HistoryChecker, PhantomNeverSent) {
  expect_only(check(send("k1", 0, 0.1) + final_read(msg("k1") + "," + msg("ghost"), 5)), "phantom",
              1);
}

TEST(HistoryChecker, PhantomWhoseSendFailed) {
  expect_only(check(send("k1", 0, 0.1, "", "failed") + claim("c0", "A", msg("k1"), 1, 1.1)),
              "phantom", 1);
}

TEST(HistoryChecker, DuplicateInOneReplyAndInFinal) {
  expect_only(check(send("k1", 0, 0.1) + claim("c0", "A", msg("k1") + "," + msg("k1"), 1, 1.1)),
              "duplicate", 1);
  expect_only(check(send("k1", 0, 0.1) + final_read(msg("k1") + "," + msg("k1"), 5)), "duplicate",
              1);
}

TEST(HistoryChecker, SameConsumerReclaimsDuringItsLiveClaim) {
  expect_only(check(send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
                    claim("c0", "B", msg("k1"), 5, 5.1)),
              "duplicate", 1);
}

TEST(HistoryChecker, ClaimedDuringAnotherConsumersLiveClaim) {
  expect_only(check(send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
                    claim("c1", "B", msg("k1"), 10, 10.1)),
              "live_claim", 1);
}

TEST(HistoryChecker, ReclaimAfterExpiryOrReleaseIsClean) {
  // Claim A (ttl 60 from t=1) expires by t=61; claim B at t=62.5 is fine (1 s tolerance).
  EXPECT_TRUE(check(send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
                    claim("c1", "B", msg("k1"), 62.5, 62.6))
                  .clean());
  // Claim A released at t=5; claim B at t=6 is fine.
  EXPECT_TRUE(
      check(send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
            op(R"("op":"release","proc":"c0","queue":"q","claim":"A","outcome":"ok")", 5, 5.1) +
            claim("c1", "B", msg("k1"), 6, 6.1))
          .clean());
}

TEST(HistoryChecker, RenewedClaimStaysLive) {
  // A: ttl 60 from t=0, renewed at t=50 for 60 s: live until t=110; B at t=70 violates it.
  expect_only(
      check(
          send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 0, 0.1) +
          op(R"("op":"renew","proc":"c0","queue":"q","claim":"A","ttl":60,"grace":60,"outcome":"ok")",
             50, 50.1) +
          claim("c1", "B", msg("k1"), 70, 70.1)),
      "live_claim", 1);
}

TEST(HistoryChecker, ResurrectedAfterAcknowledgedDelete) {
  const std::string base =
      send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
      op(R"("op":"delete","proc":"c0","queue":"q","id":"m1","claim":"A","outcome":"ok")", 1.2, 1.3);
  // The delete names the server id only; the send's id maps it to k1.
  const std::string sent_with_id =
      op(R"("op":"send","proc":"p0","queue":"q","key":"k1","id":"m1","outcome":"ok")", 0, 0.1);
  const std::string h = sent_with_id + base.substr(base.find('\n') + 1);
  expect_only(check(h + final_read(msg("k1"), 5)), "resurrected", 1);
  EXPECT_TRUE(check(h + final_read("", 5)).clean());
}

TEST(HistoryChecker, EarlyDelayedDelivery) {
  expect_only(check(send("k1", 0, 0.1, R"(,"delay":10)") + claim("c0", "A", msg("k1"), 2, 2.1)),
              "early_delay", 1);
  EXPECT_TRUE(
      check(send("k1", 0, 0.1, R"(,"delay":10)") + claim("c0", "A", msg("k1"), 11, 11.1)).clean());
  // A read that asked for delayed messages may show it.
  EXPECT_TRUE(
      check(
          send("k1", 0, 0.1, R"(,"delay":10)") +
          op(R"("op":"read","proc":"o","queue":"q","include_delayed":true,"outcome":"ok","msgs":[{"key":"k1"}])",
             2, 2.1))
          .clean());
}

TEST(HistoryChecker, DeadLetterRules) {
  const std::string policy = R"({"op":"queue","queue":"q","max_claims":2,"dlq":"dlq"})"
                             "\n";
  const auto release = [](const std::string& cid, double t) {
    return op(R"("op":"release","proc":"c0","queue":"q","claim":")" + cid + R"(","outcome":"ok")",
              t, t + 0.1);
  };
  const std::string two_claims = send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
                                 release("A", 2) + claim("c0", "B", msg("k1"), 3, 3.1) +
                                 release("B", 4);
  // Claimed a third time: over the limit.
  expect_only(check(policy + two_claims + claim("c0", "C", msg("k1"), 5, 5.1)), "dlq_overclaimed",
              1);
  // Moved after one claim: too early.
  expect_only(check(policy + send("k1", 0, 0.1) + claim("c0", "A", msg("k1"), 1, 1.1) +
                    release("A", 2) + final_read(msg("k1"), 10, "dlq")),
              "dlq_early", 1);
  // Moved after two claims, gone from q: clean, and not lost.
  const CheckReport r =
      check(policy + two_claims + final_read(msg("k1"), 10, "dlq") + final_read("", 10));
  EXPECT_TRUE(r.clean()) << check_report_text(r);
}

TEST(HistoryChecker, ProducerOrder) {
  expect_only(
      check(send("k1", 0, 0.1) + send("k2", 0.2, 0.3) + final_read(msg("k2") + "," + msg("k1"), 5)),
      "order", 1);
  // Overlapping (pipelined) sends promise no order.
  EXPECT_TRUE(
      check(send("k1", 0, 0.3) + send("k2", 0.1, 0.4) + final_read(msg("k2") + "," + msg("k1"), 5))
          .clean());
}

TEST(HistoryChecker, CorruptBody) {
  const std::string sent = send("k1", 0, 0.1, R"(,"body":{"a":1,"b":"x"})");
  expect_only(
      check(
          sent +
          op(R"("op":"final","queue":"q","outcome":"ok","msgs":[{"key":"k1","body":{"a":2,"b":"x"}}])",
             5, 5.1)),
      "corrupt", 1);
  // Whitespace is not a difference.
  EXPECT_TRUE(
      check(
          sent +
          op(R"("op":"final","queue":"q","outcome":"ok","msgs":[{"key":"k1","body":{ "a" : 1, "b" : "x" }}])",
             5, 5.1))
          .clean());
}

TEST(HistoryChecker, ReportsNameTheLine) {
  const CheckReport r = check(send("k1", 0, 0.1) + final_read(msg("ghost"), 5));
  ASSERT_FALSE(r.examples.empty());
  EXPECT_EQ(r.examples.front().line, 2u);
  EXPECT_NE(check_report_json(r).find("\"phantom\":1"), std::string::npos);
}

TEST(History, MalformedLinesAreRejectedWithTheirNumber) {
  std::istringstream in(send("k1", 0, 1) + "{\"op\":\"send\",\"proc\":\"p\"}\n");
  auto events = read_history(in);
  ASSERT_FALSE(events.has_value());
  EXPECT_NE(events.error().message.find("line 2"), std::string::npos) << events.error().message;
  std::istringstream bad("not json\n");
  EXPECT_FALSE(read_history(bad).has_value());
}

TEST(History, LinesRoundTrip) {
  HistoryEvent e;
  e.kind = OpKind::kClaim;
  e.outcome = OpOutcome::kUnknown;
  e.proc = "c\"1";
  e.queue = "q";
  e.start = 5;
  e.end = 9;
  e.claim = "cid";
  e.ttl = 60;
  e.grace = 30;
  e.msgs = {MessageRef{"k1", "m1", R"({"x":[1,2]})"}};
  auto back = parse_history_line(history_line(e));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->kind, OpKind::kClaim);
  EXPECT_EQ(back->outcome, OpOutcome::kUnknown);
  EXPECT_EQ(back->proc, "c\"1");
  EXPECT_EQ(back->end, 9);
  EXPECT_EQ(back->ttl, 60);
  ASSERT_EQ(back->msgs.size(), 1u);
  EXPECT_EQ(back->msgs[0].body, R"({"x":[1,2]})");
}

}  // namespace
}  // namespace warren::bench
