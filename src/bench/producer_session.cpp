// ProducerSession: one message per POST, keyed, timestamped, recorded.
#include "bench/producer_session.h"

#include <fmt/format.h>

namespace warren::bench {

bool ProducerSession::next(std::string& out, Issue* issue, std::int64_t now_ns) {
  if (done_) return false;
  if (shared_.max_backlog > 0 && shared_.deleted != nullptr &&
      shared_.issued - shared_.refused - *shared_.deleted >= shared_.max_backlog) {
    return false;  // asked again within a millisecond
  }
  if (shared_.bounded) {
    if (shared_.budget == 0) {
      done_ = true;
      --shared_.active;
      return false;
    }
    --shared_.budget;
  }
  ++shared_.issued;
  std::string key = fmt::format("{}-p{}-{}", shared_.key_prefix, index_, seq_++);
  std::string body = message_body(key, issue->intended_ns, shared_.size);
  doc_.clear();
  if (shared_.delay > 0) {
    fmt::format_to(std::back_inserter(doc_),
                   R"({{"messages":[{{"ttl":{},"delay":{},"body":{}}}]}})", shared_.ttl,
                   shared_.delay, body);
  } else {
    fmt::format_to(std::back_inserter(doc_), R"({{"messages":[{{"ttl":{},"body":{}}}]}})",
                   shared_.ttl, body);
  }
  api_.post_messages(out, queue_, doc_);
  issue->op = static_cast<std::uint16_t>(shared_.op);
  issue->keep_body = shared_.history != nullptr;
  if (shared_.history != nullptr) {
    in_flight_.push_back(Sent{std::move(key), std::move(body), now_ns});
  }
  return true;
}

void ProducerSession::record(OpOutcome outcome, const Sent& sent, std::string id,
                             std::int64_t end) {
  HistoryEvent e;
  e.kind = OpKind::kSend;
  e.outcome = outcome;
  e.proc = fmt::format("p{}", index_);
  e.queue = queue_;
  e.start = sent.start;
  e.end = end;
  e.key = sent.key;
  e.id = std::move(id);
  e.ttl = shared_.ttl;
  e.delay = shared_.delay;
  e.body = sent.body;
  shared_.history->write(e);
}

void ProducerSession::on_response(const Issue&, const Response& response, std::int64_t now_ns) {
  const bool ok = response.status == 201;
  if (ok && shared_.posted_counter >= 0) shared_.stats->counters[shared_.posted_counter].value++;
  if (!ok) ++shared_.refused;
  if (shared_.history == nullptr || in_flight_.empty()) return;
  const Sent sent = std::move(in_flight_.front());
  in_flight_.pop_front();
  if (ok) {
    std::vector<std::string> ids;
    parse_posted_ids(response.body, &ids);
    record(OpOutcome::kOk, sent, ids.empty() ? std::string() : ids.front(), now_ns);
  } else {
    // A 4xx refused the message; anything else (5xx, 3xx) leaves its fate unknown.
    const bool refused = response.status >= 400 && response.status < 500;
    record(refused ? OpOutcome::kFailed : OpOutcome::kUnknown, sent, {}, now_ns);
  }
}

void ProducerSession::on_failure(const Issue&, ErrorKind, std::int64_t now_ns) {
  ++shared_.refused;
  if (shared_.history == nullptr || in_flight_.empty()) return;
  const Sent sent = std::move(in_flight_.front());
  in_flight_.pop_front();
  record(OpOutcome::kUnknown, sent, {}, now_ns);
}

}  // namespace warren::bench
