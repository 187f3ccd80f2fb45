// A history of queue operations, Jepsen-style: every send, claim, read, delete of a test with
// its outcome (ok / failed / unknown) and its start and end times. Load runs write it with
// `--check`; crash and fault tests may write it themselves. The checker (history_checker.h)
// reads it back and looks for anomalies.
//
// File format: JSON lines, one operation per line, written when the operation completes.
// Times are integers in nanoseconds of one monotonic clock shared by every line of the file.
//
//   common  "op"       send | claim | read | pop | delete | release | renew | queue | final
//           "proc"     who did it (a producer, a consumer, a test step); any string
//           "queue"    the queue name
//           "start"    when the request was sent (invocation)
//           "end"      when the answer arrived, or when the client gave up (completion)
//           "outcome"  "ok" (the server confirmed), "failed" (the server refused: the operation
//                      did not happen), "unknown" (timeout, reset, 5xx: it may have happened)
//   send    "key"      the client's unique name of the message (carried in its body)
//           "id"       the server's message id, when the send was acknowledged (optional)
//           "ttl"      message ttl in seconds (optional; default 3600)
//           "delay"    seconds the message must stay invisible to claims (optional; default 0)
//           "body"     the message body sent, any JSON value (optional)
//   claim   "claim"    the claim id (absent when nothing was claimed)
//           "ttl", "grace"  of the claim, seconds
//           "msgs"     the messages delivered: [{"key", "id", "body"?}, ...]
//   read    "msgs"     messages seen without claiming (listing, get by id);
//           "include_delayed"  true when the read asked for delayed messages too
//   pop     "msgs"     messages delivered and deleted by the server in one step
//   delete  "key" and/or "id" of the message; "claim" the claim id given, if any
//   release "claim"    the claim given back (its messages become claimable at once)
//   renew   "claim", "ttl", "grace": the claim extended to end + ttl
//   queue   "max_claims", "dlq": the queue's dead-letter policy (no times needed)
//   final   "msgs"     every message left in the queue, in queue order, read after the load
//                      stopped (a complete listing including claimed and delayed messages)
//
// A message is identified by its "key" where the line has one, else by its "id" (mapped to a
// key through the acknowledged sends and earlier observations).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/failure.h"

namespace warren::bench {

enum class OpKind : std::uint8_t {
  kSend,
  kClaim,
  kRead,
  kPop,
  kDelete,
  kRelease,
  kRenew,
  kQueue,
  kFinal
};
enum class OpOutcome : std::uint8_t { kOk, kFailed, kUnknown };

const char* op_kind_name(OpKind kind) noexcept;
const char* op_outcome_name(OpOutcome outcome) noexcept;

// One message as an operation saw it.
struct MessageRef {
  std::string key;
  std::string id;
  std::string body;  // minified JSON text; empty = not recorded
};

// One line of a history.
struct HistoryEvent {
  OpKind kind = OpKind::kSend;
  OpOutcome outcome = OpOutcome::kOk;
  std::string proc;
  std::string queue;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::string key;    // send, delete
  std::string id;     // send (acknowledged), delete
  std::string claim;  // claim, delete, release, renew
  std::string body;   // send: minified JSON text; empty = not recorded
  double ttl = -1;    // send (message ttl), claim/renew (claim ttl); -1 = not given
  double grace = -1;
  double delay = 0;
  bool include_delayed = false;  // read
  int max_claims = 0;            // queue
  std::string dlq;               // queue
  std::vector<MessageRef> msgs;  // claim, read, pop, final
  std::size_t line = 0;          // 1-based line number in the file (set by the reader)
};

// Serialises `event` as one JSON line (with the trailing newline).
std::string history_line(const HistoryEvent& event);

// Parses one line. Unknown fields are ignored, so writers may add their own.
Outcome<HistoryEvent> parse_history_line(std::string_view line);

// Reads a whole history; blank lines are skipped. Fails on the first malformed line, naming it.
Outcome<std::vector<HistoryEvent>> read_history(std::istream& in);

}  // namespace warren::bench
