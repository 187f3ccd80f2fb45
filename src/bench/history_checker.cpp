// The history checker: an index of every message's sends, deliveries, deletes and final
// positions, then one pass per rule.
#include "bench/history_checker.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "bench/field_writer.h"

namespace warren::bench {
namespace {

constexpr std::size_t kMaxPairsPerMessage = 64;  // deliveries compared pairwise per message

struct Delivery {
  std::size_t event;  // index into the events
  OpKind kind;        // claim, read, pop, final
  std::size_t pos;    // position in the final read (final only)
};

struct MessageState {
  std::vector<std::size_t> sends;
  std::vector<Delivery> deliveries;  // in history order
  std::vector<std::size_t> deletes;
};

class Checker {
 public:
  Checker(const std::vector<HistoryEvent>& events, const CheckOptions& options)
      : ev_(events), opt_(options), tol_(static_cast<std::int64_t>(options.tolerance_s * 1e9)) {
    for (const auto& k : anomaly_kinds()) report_.counts.emplace_back(k, 0);
  }

  CheckReport run() {
    map_ids();
    index();
    check_phantoms_and_bodies();
    check_duplicates_in_replies();
    check_claim_overlaps();
    check_resurrected();
    check_delays();
    check_dead_letters();
    check_lost();
    check_order();
    return std::move(report_);
  }

 private:
  static std::int64_t secs(double s) { return static_cast<std::int64_t>(s * 1e9); }

  void add(const char* kind, const std::string& message, std::string detail, std::size_t event) {
    for (auto& [k, n] : report_.counts) {
      if (k != kind) continue;
      if (n < opt_.max_examples) {
        report_.examples.push_back(Anomaly{kind, message, std::move(detail), ev_[event].line});
      }
      ++n;
    }
  }

  // The identity of a message: its key, or the key its id maps to, or "id:<id>".
  std::string identity(const std::string& key, const std::string& id) const {
    if (!key.empty()) return key;
    if (auto it = id_to_key_.find(id); it != id_to_key_.end()) return it->second;
    return "id:" + id;
  }

  void map_ids() {
    for (const HistoryEvent& e : ev_) {
      if (e.kind == OpKind::kSend && !e.id.empty() && !e.key.empty()) id_to_key_[e.id] = e.key;
      for (const MessageRef& m : e.msgs) {
        if (!m.id.empty() && !m.key.empty()) id_to_key_.emplace(m.id, m.key);
      }
    }
  }

  void index() {
    for (std::size_t i = 0; i < ev_.size(); ++i) {
      const HistoryEvent& e = ev_[i];
      switch (e.kind) {
        case OpKind::kSend: {
          auto& s = report_.summary;
          (e.outcome == OpOutcome::kOk       ? s.sends_ok
           : e.outcome == OpOutcome::kFailed ? s.sends_failed
                                             : s.sends_unknown)++;
          msgs_[identity(e.key, e.id)].sends.push_back(i);
          break;
        }
        case OpKind::kDelete:
          if (e.outcome == OpOutcome::kOk) report_.summary.deletes_ok++;
          msgs_[identity(e.key, e.id)].deletes.push_back(i);
          break;
        case OpKind::kClaim:
        case OpKind::kRead:
        case OpKind::kPop:
        case OpKind::kFinal: {
          if (e.outcome != OpOutcome::kOk) {
            if (e.kind == OpKind::kClaim)
              unknown_claims_[e.queue] += e.outcome == OpOutcome::kUnknown;
            break;
          }
          if (e.kind == OpKind::kClaim) {
            report_.summary.claims++;
            if (!e.claim.empty()) claims_[e.claim] = i;
          }
          if (e.kind == OpKind::kFinal) {
            report_.summary.finals++;
            report_.summary.final_messages += e.msgs.size();
            finals_[e.queue].push_back(i);
          } else {
            report_.summary.deliveries += e.msgs.size();
          }
          for (std::size_t p = 0; p < e.msgs.size(); ++p) {
            msgs_[identity(e.msgs[p].key, e.msgs[p].id)].deliveries.push_back(
                Delivery{i, e.kind, p});
          }
          break;
        }
        case OpKind::kRelease:
          if (e.outcome != OpOutcome::kFailed) releases_[e.claim].push_back(i);
          break;
        case OpKind::kRenew:
          if (e.outcome == OpOutcome::kOk) renews_[e.claim].push_back(i);
          break;
        case OpKind::kQueue:
          policies_[e.queue] = i;
          dead_letter_queues_.insert(e.dlq);
          break;
      }
    }
  }

  // The first acknowledged send of a message, or null.
  const HistoryEvent* ok_send(const MessageState& m) const {
    for (std::size_t s : m.sends) {
      if (ev_[s].outcome == OpOutcome::kOk) return &ev_[s];
    }
    return nullptr;
  }
  const HistoryEvent* any_send(const MessageState& m) const {
    return m.sends.empty() ? nullptr : &ev_[m.sends.front()];
  }

  void check_phantoms_and_bodies() {
    for (const auto& [name, m] : msgs_) {
      if (m.deliveries.empty()) continue;
      if (name.rfind("id:", 0) == 0 && m.sends.empty()) {
        report_.summary.unidentified++;
        continue;
      }
      const Delivery& first = m.deliveries.front();
      if (m.sends.empty()) {
        add("phantom", name,
            fmt::format("{} delivered it; no send of it exists",
                        op_kind_name(ev_[first.event].kind)),
            first.event);
        continue;
      }
      bool all_failed = true;
      for (std::size_t s : m.sends) all_failed &= ev_[s].outcome == OpOutcome::kFailed;
      if (all_failed) {
        add("phantom", name,
            fmt::format("its send failed (line {}), yet {} delivered it", ev_[m.sends.front()].line,
                        op_kind_name(ev_[first.event].kind)),
            first.event);
        continue;
      }
      // Bodies: compare with the send that recorded one.
      std::string sent;
      for (std::size_t s : m.sends) {
        if (!ev_[s].body.empty()) sent = ev_[s].body;
      }
      if (sent.empty()) continue;
      for (const Delivery& d : m.deliveries) {
        const std::string& got = ev_[d.event].msgs[d.pos].body;
        if (!got.empty() && got != sent) {
          add("corrupt", name,
              fmt::format("sent {} but {} returned {}", clip(sent), op_kind_name(ev_[d.event].kind),
                          clip(got)),
              d.event);
          break;
        }
      }
    }
  }

  static std::string clip(const std::string& s) {
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
  }

  void check_duplicates_in_replies() {
    for (std::size_t i = 0; i < ev_.size(); ++i) {
      const HistoryEvent& e = ev_[i];
      if (e.msgs.size() < 2 || e.outcome != OpOutcome::kOk) continue;
      std::unordered_set<std::string> seen;
      for (const MessageRef& r : e.msgs) {
        const std::string name = identity(r.key, r.id);
        if (!seen.insert(name).second) {
          add("duplicate", name, fmt::format("appears twice in one {} reply", op_kind_name(e.kind)),
              i);
        }
      }
    }
  }

  // Latest time the claim is certainly still live: it was granted after its start, so it lasts
  // at least until start + ttl, or until the start of a renewal + its ttl.
  std::int64_t certainly_live_until(const HistoryEvent& claim) const {
    const double ttl = claim.ttl >= 0 ? claim.ttl : 0;
    std::int64_t until = claim.start + secs(ttl);
    if (auto it = renews_.find(claim.claim); it != renews_.end()) {
      for (std::size_t r : it->second) {
        const HistoryEvent& renew = ev_[r];
        until = std::max(until, renew.start + secs(renew.ttl >= 0 ? renew.ttl : 0));
      }
    }
    return until - tol_;
  }

  // True if the claim may have been released before `t`.
  bool maybe_released_before(const std::string& claim, std::int64_t t) const {
    auto it = releases_.find(claim);
    if (it == releases_.end()) return false;
    for (std::size_t r : it->second) {
      if (ev_[r].start < t) return true;
    }
    return false;
  }

  // True if the message may have been deleted (ok or unknown) before `t`.
  bool maybe_deleted_before(const MessageState& m, std::int64_t t) const {
    for (std::size_t d : m.deletes) {
      if (ev_[d].outcome != OpOutcome::kFailed && ev_[d].start < t) return true;
    }
    return false;
  }

  void check_claim_overlaps() {
    for (const auto& [name, m] : msgs_) {
      std::vector<const Delivery*> takes;  // claims and pops, by start time
      for (const Delivery& d : m.deliveries) {
        if (d.kind == OpKind::kClaim || d.kind == OpKind::kPop) takes.push_back(&d);
      }
      if (takes.size() < 2) continue;
      std::sort(takes.begin(), takes.end(), [&](const Delivery* a, const Delivery* b) {
        return ev_[a->event].start < ev_[b->event].start;
      });
      if (takes.size() > kMaxPairsPerMessage) takes.resize(kMaxPairsPerMessage);
      for (std::size_t a = 0; a < takes.size(); ++a) {
        const HistoryEvent& first = ev_[takes[a]->event];
        if (first.kind != OpKind::kClaim) continue;
        const std::int64_t live_until = certainly_live_until(first);
        for (std::size_t b = a + 1; b < takes.size(); ++b) {
          if (takes[b]->event == takes[a]->event) continue;  // one reply: counted above
          const HistoryEvent& second = ev_[takes[b]->event];
          if (second.end >= live_until) continue;  // the first claim may have expired
          if (maybe_released_before(first.claim, second.end)) continue;
          if (maybe_deleted_before(m, second.end)) continue;  // resurrected's business
          const bool same = second.proc == first.proc && !first.proc.empty();
          add(same ? "duplicate" : "live_claim", name,
              fmt::format("{} by {} (line {}) while claim {} of {} (line {}) was live",
                          op_kind_name(second.kind), second.proc, second.line, first.claim,
                          first.proc, first.line),
              takes[b]->event);
        }
      }
    }
  }

  void check_resurrected() {
    for (const auto& [name, m] : msgs_) {
      // Earliest end of an acknowledged delete or pop.
      std::int64_t gone = INT64_MAX;
      std::size_t gone_line = 0;
      for (std::size_t d : m.deletes) {
        if (ev_[d].outcome == OpOutcome::kOk && ev_[d].end < gone) {
          gone = ev_[d].end;
          gone_line = ev_[d].line;
        }
      }
      for (const Delivery& d : m.deliveries) {
        if (d.kind == OpKind::kPop && ev_[d.event].end < gone) {
          gone = ev_[d.event].end;
          gone_line = ev_[d.event].line;
        }
      }
      if (gone == INT64_MAX) continue;
      for (const Delivery& d : m.deliveries) {
        const HistoryEvent& e = ev_[d.event];
        if (e.start > gone) {
          add("resurrected", name,
              fmt::format("{} returned it after its deletion was acknowledged (line {})",
                          op_kind_name(e.kind), gone_line),
              d.event);
          break;
        }
      }
    }
  }

  void check_delays() {
    for (const auto& [name, m] : msgs_) {
      const HistoryEvent* send = ok_send(m);
      if (send == nullptr) send = any_send(m);
      if (send == nullptr || send->delay <= 0) continue;
      const std::int64_t visible = send->start + secs(send->delay) - tol_;
      for (const Delivery& d : m.deliveries) {
        const HistoryEvent& e = ev_[d.event];
        const bool hides_delayed =
            e.kind == OpKind::kClaim || (e.kind == OpKind::kRead && !e.include_delayed);
        if (hides_delayed && e.end < visible) {
          add("early_delay", name,
              fmt::format("{} returned it {:.3f} s after it was sent with delay {} s",
                          op_kind_name(e.kind), static_cast<double>(e.end - send->start) / 1e9,
                          send->delay),
              d.event);
          break;
        }
      }
    }
  }

  void check_dead_letters() {
    for (const auto& [name, m] : msgs_) {
      const HistoryEvent* send = ok_send(m);
      if (send == nullptr) continue;
      auto pol = policies_.find(send->queue);
      if (pol == policies_.end()) continue;
      const HistoryEvent& policy = ev_[pol->second];
      if (policy.max_claims <= 0 || policy.dlq.empty()) continue;
      int claims = 0;
      for (const Delivery& d : m.deliveries) {
        const HistoryEvent& e = ev_[d.event];
        if (e.kind == OpKind::kClaim && e.queue == send->queue &&
            ++claims == policy.max_claims + 1) {
          add("dlq_overclaimed", name,
              fmt::format("claimed {} times from {} (max_claims {})", claims, send->queue,
                          policy.max_claims),
              d.event);
        }
      }
      if (claims >= policy.max_claims || unknown_claims_.count(send->queue)) continue;
      for (const Delivery& d : m.deliveries) {
        if (ev_[d.event].queue == policy.dlq) {
          add("dlq_early", name,
              fmt::format("in dead-letter queue {} after {} claims (max_claims {})", policy.dlq,
                          claims, policy.max_claims),
              d.event);
          break;
        }
      }
    }
  }

  // True if the message may have gone to its queue's dead-letter queue.
  bool maybe_dead_lettered(const MessageState& m, const std::string& queue) const {
    auto pol = policies_.find(queue);
    if (pol == policies_.end() || ev_[pol->second].dlq.empty()) return false;
    const HistoryEvent& policy = ev_[pol->second];
    int claims = 0;
    for (const Delivery& d : m.deliveries) {
      const HistoryEvent& e = ev_[d.event];
      if (e.queue == policy.dlq) return true;
      if (e.kind == OpKind::kClaim && e.queue == queue) ++claims;
    }
    return claims >= policy.max_claims || unknown_claims_.count(queue) > 0;
  }

  void check_lost() {
    for (const auto& [name, m] : msgs_) {
      const HistoryEvent* send = ok_send(m);
      if (send == nullptr) continue;
      auto fin = finals_.find(send->queue);
      if (fin == finals_.end()) {
        report_.summary.unverified++;
        continue;
      }
      // The last final read of the queue decides.
      const HistoryEvent& final_read = ev_[fin->second.back()];
      if (final_read.start < send->end) continue;  // read while the send was in flight
      bool present = false;
      for (const Delivery& d : m.deliveries) present |= d.event == fin->second.back();
      if (present) continue;
      if (maybe_deleted_before(m, final_read.end)) continue;
      bool popped = false;
      for (const Delivery& d : m.deliveries) popped |= d.kind == OpKind::kPop;
      if (popped) continue;
      const double ttl = send->ttl >= 0 ? send->ttl : 3600;
      if (send->end + secs(ttl) <= final_read.end + tol_) continue;  // may have expired
      if (maybe_dead_lettered(m, send->queue)) continue;
      add("lost", name,
          fmt::format("acknowledged (line {}) but missing from the final read of {}", send->line,
                      send->queue),
          fin->second.back());
    }
  }

  void check_order() {
    // Per (proc, queue): the acknowledged sends present in the queue's final read.
    struct Item {
      std::int64_t start, end;
      std::size_t pos;
      const std::string* name;
    };
    std::map<std::pair<std::string, std::string>, std::vector<Item>> groups;
    for (const auto& [name, m] : msgs_) {
      const HistoryEvent* send = ok_send(m);
      if (send == nullptr) continue;
      auto fin = finals_.find(send->queue);
      if (fin == finals_.end()) continue;
      for (const Delivery& d : m.deliveries) {
        if (d.event == fin->second.back()) {
          groups[{send->proc, send->queue}].push_back(Item{send->start, send->end, d.pos, &name});
          break;
        }
      }
    }
    for (auto& [group, items] : groups) {
      // For each send, every send of the same producer that ended before it started must come
      // earlier in the queue.
      std::vector<Item> by_end = items;
      std::sort(items.begin(), items.end(),
                [](const Item& a, const Item& b) { return a.start < b.start; });
      std::sort(by_end.begin(), by_end.end(),
                [](const Item& a, const Item& b) { return a.end < b.end; });
      std::size_t k = 0;
      const Item* latest = nullptr;  // the earlier-finished send with the largest position
      for (const Item& it : items) {
        while (k < by_end.size() && by_end[k].end < it.start) {
          if (latest == nullptr || by_end[k].pos > latest->pos) latest = &by_end[k];
          ++k;
        }
        if (latest != nullptr && latest->pos > it.pos) {
          add("order", *it.name,
              fmt::format("{} sent it after {}, but the final read of {} lists it first",
                          group.first, *latest->name, group.second),
              finals_[group.second].back());
        }
      }
    }
  }

  const std::vector<HistoryEvent>& ev_;
  const CheckOptions& opt_;
  const std::int64_t tol_;
  CheckReport report_;
  std::unordered_map<std::string, std::string> id_to_key_;
  std::unordered_map<std::string, MessageState> msgs_;
  std::unordered_map<std::string, std::size_t> claims_;
  std::unordered_map<std::string, std::vector<std::size_t>> releases_;
  std::unordered_map<std::string, std::vector<std::size_t>> renews_;
  std::unordered_map<std::string, std::vector<std::size_t>> finals_;
  std::unordered_map<std::string, std::size_t> policies_;
  std::unordered_map<std::string, int> unknown_claims_;
  std::unordered_set<std::string> dead_letter_queues_;
};

}  // namespace

const std::vector<std::string>& anomaly_kinds() {
  static const std::vector<std::string> kinds = {
      "lost",        "phantom",         "duplicate", "live_claim", "resurrected",
      "early_delay", "dlq_overclaimed", "dlq_early", "order",      "corrupt"};
  return kinds;
}

bool CheckReport::clean() const {
  for (const auto& [kind, n] : counts) {
    if (n != 0) return false;
  }
  return true;
}

std::uint64_t CheckReport::count(const std::string& kind) const {
  for (const auto& [k, n] : counts) {
    if (k == kind) return n;
  }
  return 0;
}

CheckReport check_history(const std::vector<HistoryEvent>& events, const CheckOptions& options) {
  return Checker(events, options).run();
}

std::string check_report_text(const CheckReport& r) {
  std::string out = r.clean() ? "history check: clean\n" : "history check: ANOMALIES\n";
  for (const auto& [kind, n] : r.counts) out += fmt::format("  {:<16} {}\n", kind, n);
  for (const Anomaly& a : r.examples) {
    out += fmt::format("  - {} {} (line {}): {}\n", a.kind, a.message, a.line, a.detail);
  }
  const CheckSummary& s = r.summary;
  out += fmt::format(
      "  sends ok {} failed {} unknown {}; claims {}; deliveries {}; deletes ok {}; final reads {} "
      "({} messages)",
      s.sends_ok, s.sends_failed, s.sends_unknown, s.claims, s.deliveries, s.deletes_ok, s.finals,
      s.final_messages);
  if (s.unverified) out += fmt::format("; {} sends unverified (no final read)", s.unverified);
  if (s.unidentified) out += fmt::format("; {} unidentified deliveries", s.unidentified);
  out += "\n";
  return out;
}

std::string check_report_json(const CheckReport& r) {
  std::string out;
  FieldWriter w(out);
  w.begin_object().field("clean", r.clean());
  w.key("anomalies").begin_object();
  for (const auto& [kind, n] : r.counts) w.field(kind, n);
  w.end_object();
  w.key("examples").begin_array();
  for (const Anomaly& a : r.examples) {
    w.begin_object()
        .field("kind", a.kind)
        .field("message", a.message)
        .field("line", static_cast<std::uint64_t>(a.line))
        .field("detail", a.detail)
        .end_object();
  }
  w.end_array();
  const CheckSummary& s = r.summary;
  w.key("summary")
      .begin_object()
      .field("sends_ok", s.sends_ok)
      .field("sends_failed", s.sends_failed)
      .field("sends_unknown", s.sends_unknown)
      .field("claims", s.claims)
      .field("deliveries", s.deliveries)
      .field("deletes_ok", s.deletes_ok)
      .field("finals", s.finals)
      .field("final_messages", s.final_messages)
      .field("unverified", s.unverified)
      .field("unidentified", s.unidentified)
      .end_object();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace warren::bench
