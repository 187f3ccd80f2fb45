// The history checker: reads a history (history.h) and reports what a queue must never do.
// It only reports what the history proves: an operation whose outcome is unknown may or may not
// have happened, and times are intervals (the server acted somewhere between start and end),
// so every rule below gives the server the benefit of the doubt.
//
// Anomaly kinds:
//   lost             an acknowledged send is missing from the final read of its queue, and was
//                    not deleted (ok or unknown), popped, expired or dead-lettered before it
//   phantom          a message was delivered that was never sent, or whose send failed
//   duplicate        a message delivered twice in one reply or listed twice in the final read,
//                    or claimed again by the same consumer while its first claim was still live
//   live_claim       a message claimed (or popped) while another consumer's claim on it was
//                    certainly live: not expired, released or renewed away
//   resurrected      a message delivered or present after its delete (or pop) was acknowledged
//   early_delay      a delayed message delivered by a claim (or a read without
//                    include_delayed) before its delay ran out
//   dlq_overclaimed  a message of a queue with a dead-letter policy claimed more than
//                    max_claims times
//   dlq_early        a message found in the dead-letter queue before max_claims claims
//   order            the final read lists one producer's acknowledged sends, made one after
//                    another, in an order other than the one they were sent in
//   corrupt          a message delivered with a body other than the one sent
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/history.h"

namespace warren::bench {

// Every anomaly kind, in report order.
const std::vector<std::string>& anomaly_kinds();

struct Anomaly {
  std::string kind;
  std::string message;   // the message's key (or id)
  std::string detail;    // what was seen, for a person
  std::size_t line = 0;  // the history line that shows it
};

struct CheckSummary {
  std::uint64_t sends_ok = 0, sends_failed = 0, sends_unknown = 0;
  std::uint64_t claims = 0, deliveries = 0, deletes_ok = 0, finals = 0;
  std::uint64_t final_messages = 0;
  std::uint64_t unverified = 0;    // acknowledged sends to queues with no final read
  std::uint64_t unidentified = 0;  // delivered messages with neither a known key nor id
};

struct CheckReport {
  std::vector<std::pair<std::string, std::uint64_t>> counts;  // every kind, in report order
  std::vector<Anomaly> examples;  // up to CheckOptions::max_examples per kind
  CheckSummary summary;

  bool clean() const;
  std::uint64_t count(const std::string& kind) const;
};

struct CheckOptions {
  // Slack for timing rules (claim expiry, delay, ttl): servers count time in whole seconds
  // and their clock is not the client's.
  double tolerance_s = 1.0;
  std::size_t max_examples = 10;
};

// Checks a history. Pure: same events, same report.
CheckReport check_history(const std::vector<HistoryEvent>& events,
                          const CheckOptions& options = {});

// The report for people (counts, examples, summary).
std::string check_report_text(const CheckReport& report);
// The report as one JSON object.
std::string check_report_json(const CheckReport& report);

}  // namespace warren::bench
