// History lines: writing with FieldWriter, reading with simdjson's DOM parser.
#include "bench/history.h"

#include <simdjson.h>

#include "bench/field_writer.h"

namespace warren::bench {
namespace {

constexpr OpKind kKinds[] = {OpKind::kSend,  OpKind::kClaim,  OpKind::kRead,
                             OpKind::kPop,   OpKind::kDelete, OpKind::kRelease,
                             OpKind::kRenew, OpKind::kQueue,  OpKind::kFinal};

void write_msgs(FieldWriter& w, const std::vector<MessageRef>& msgs) {
  w.key("msgs").begin_array();
  for (const MessageRef& m : msgs) {
    w.begin_object();
    if (!m.key.empty()) w.field("key", m.key);
    if (!m.id.empty()) w.field("id", m.id);
    if (!m.body.empty()) w.key("body").raw(m.body);
    w.end_object();
  }
  w.end_array();
}

std::string string_field(simdjson::dom::object obj, const char* name) {
  std::string_view v;
  if (obj[name].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return {};
}

double number_field(simdjson::dom::object obj, const char* name, double fallback) {
  simdjson::dom::element e;
  if (obj[name].get(e) != simdjson::SUCCESS) return fallback;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) return d;
  std::int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  std::uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  return fallback;
}

std::int64_t time_field(simdjson::dom::object obj, const char* name) {
  return static_cast<std::int64_t>(number_field(obj, name, 0));
}

// The minified text of a JSON value, the form bodies are compared in.
std::string body_field(simdjson::dom::object obj, const char* name) {
  simdjson::dom::element e;
  if (obj[name].get(e) != simdjson::SUCCESS) return {};
  return simdjson::minify(e);
}

}  // namespace

const char* op_kind_name(OpKind kind) noexcept {
  switch (kind) {
    case OpKind::kSend:
      return "send";
    case OpKind::kClaim:
      return "claim";
    case OpKind::kRead:
      return "read";
    case OpKind::kPop:
      return "pop";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kRelease:
      return "release";
    case OpKind::kRenew:
      return "renew";
    case OpKind::kQueue:
      return "queue";
    case OpKind::kFinal:
      return "final";
  }
  return "?";
}

const char* op_outcome_name(OpOutcome outcome) noexcept {
  switch (outcome) {
    case OpOutcome::kOk:
      return "ok";
    case OpOutcome::kFailed:
      return "failed";
    case OpOutcome::kUnknown:
      return "unknown";
  }
  return "?";
}

std::string history_line(const HistoryEvent& e) {
  std::string out;
  FieldWriter w(out);
  w.begin_object().field("op", op_kind_name(e.kind));
  if (!e.proc.empty()) w.field("proc", e.proc);
  if (!e.queue.empty()) w.field("queue", e.queue);
  if (e.kind != OpKind::kQueue) {
    w.field("start", e.start).field("end", e.end).field("outcome", op_outcome_name(e.outcome));
  }
  if (!e.key.empty()) w.field("key", e.key);
  if (!e.id.empty()) w.field("id", e.id);
  if (!e.claim.empty()) w.field("claim", e.claim);
  if (e.ttl >= 0) w.field("ttl", e.ttl);
  if (e.grace >= 0) w.field("grace", e.grace);
  if (e.delay > 0) w.field("delay", e.delay);
  if (e.include_delayed) w.field("include_delayed", true);
  if (e.kind == OpKind::kQueue) {
    w.field("max_claims", e.max_claims);
    if (!e.dlq.empty()) w.field("dlq", e.dlq);
  }
  if (!e.body.empty()) w.key("body").raw(e.body);
  if (e.kind == OpKind::kClaim || e.kind == OpKind::kRead || e.kind == OpKind::kPop ||
      e.kind == OpKind::kFinal) {
    write_msgs(w, e.msgs);
  }
  w.end_object();
  out.push_back('\n');
  return out;
}

Outcome<HistoryEvent> parse_history_line(std::string_view line) {
  // One parser per thread: lines are parsed one after another, and a DOM parser keeps its
  // buffers between documents.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(line.data(), line.size()).get(doc); err != simdjson::SUCCESS) {
    return Failure{std::string("not JSON: ") + simdjson::error_message(err)};
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return Failure{"not a JSON object"};
  HistoryEvent e;
  const std::string op = string_field(obj, "op");
  bool known = false;
  for (OpKind k : kKinds) {
    if (op == op_kind_name(k)) {
      e.kind = k;
      known = true;
    }
  }
  if (!known) return Failure{"unknown op '" + op + "'"};
  const std::string outcome = string_field(obj, "outcome");
  if (outcome.empty() || outcome == "ok") {
    e.outcome = OpOutcome::kOk;
  } else if (outcome == "failed" || outcome == "fail") {
    e.outcome = OpOutcome::kFailed;
  } else if (outcome == "unknown" || outcome == "info") {
    e.outcome = OpOutcome::kUnknown;
  } else {
    return Failure{"unknown outcome '" + outcome + "'"};
  }
  e.proc = string_field(obj, "proc");
  e.queue = string_field(obj, "queue");
  e.start = time_field(obj, "start");
  e.end = time_field(obj, "end");
  if (e.end < e.start) e.end = e.start;
  e.key = string_field(obj, "key");
  e.id = string_field(obj, "id");
  e.claim = string_field(obj, "claim");
  e.body = body_field(obj, "body");
  e.ttl = number_field(obj, "ttl", -1);
  e.grace = number_field(obj, "grace", -1);
  e.delay = number_field(obj, "delay", 0);
  bool flag = false;
  if (obj["include_delayed"].get_bool().get(flag) == simdjson::SUCCESS) e.include_delayed = flag;
  e.max_claims = static_cast<int>(number_field(obj, "max_claims", 0));
  e.dlq = string_field(obj, "dlq");
  simdjson::dom::array msgs;
  if (obj["msgs"].get_array().get(msgs) == simdjson::SUCCESS) {
    for (simdjson::dom::element m : msgs) {
      simdjson::dom::object mo;
      if (m.get_object().get(mo) != simdjson::SUCCESS)
        return Failure{"msgs entry is not an object"};
      MessageRef ref{string_field(mo, "key"), string_field(mo, "id"), body_field(mo, "body")};
      if (ref.key.empty() && ref.id.empty()) return Failure{"msgs entry without key or id"};
      e.msgs.push_back(std::move(ref));
    }
  }
  if ((e.kind == OpKind::kSend) && e.key.empty() && e.id.empty()) {
    return Failure{"send without key or id"};
  }
  if (e.kind == OpKind::kDelete && e.key.empty() && e.id.empty()) {
    return Failure{"delete without key or id"};
  }
  return e;
}

Outcome<std::vector<HistoryEvent>> read_history(std::istream& in) {
  std::vector<HistoryEvent> events;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = parse_history_line(line);
    if (!e) return Failure{"line " + std::to_string(n) + ": " + e.error().message};
    e->line = n;
    events.push_back(std::move(*e));
  }
  return events;
}

}  // namespace warren::bench
