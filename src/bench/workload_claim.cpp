// The `claim` workload, zaqar-bench's producer/consumer roles: producers post messages (under
// --rate, on the schedule) while consumers claim batches and delete each claimed message with
// its claim id. Reports the end-to-end rate (messages deleted per second) and post-to-delete
// latency (from the post's intended send time, carried in the body). With --check, every
// operation goes to the history; after the load, consumers drain the queues and a final read
// of every queue (and dead-letter queue) closes the history for the checker.
#include <deque>
#include <random>

#include <fmt/format.h>

#include "bench/clock.h"
#include "bench/load_engine.h"
#include "bench/producer_session.h"
#include "bench/queue_workload.h"

namespace warren::bench {
namespace {

constexpr std::int64_t kEmptyBackoffNs = kNsPerMs;       // after a claim found nothing
constexpr std::int64_t kErrorBackoffNs = 10 * kNsPerMs;  // after a failed claim

// What the consumers of one level share.
struct ConsumerShared {
  int op_claim = 0, op_delete = 0, op_release = 0;
  int e2e = -1;                                                 // derived latency index
  int delivered = -1, claimed = -1, empty = -1, released = -1;  // counters
  RunStats* stats = nullptr;
  HistoryFile* history = nullptr;
  const ProducerShared* producers = nullptr;
  int batch = 5, claim_ttl = 60, grace = 60;
  double release = 0;
  std::uint64_t count = 0;  // --count: the run is done once this many are deleted
  std::uint64_t deleted = 0;
  bool draining = false;              // drain phase: stop after the queue answers empty twice
  std::int64_t drain_not_before = 0;  // delayed messages become visible only after this
  std::mt19937_64 rng{7};
};

class ConsumerSession final : public Session {
 public:
  // `node`: the server it talks to (Session::node()).
  ConsumerSession(ConsumerShared& shared, ZaqarRequests api, std::string queue, std::string proc,
                  std::size_t node)
      : shared_(shared),
        api_(std::move(api)),
        queue_(std::move(queue)),
        proc_(std::move(proc)),
        node_(node) {}

  bool paced() const override { return false; }
  std::size_t node() const override { return node_; }

  bool next(std::string& out, Issue* issue, std::int64_t now) override {
    last_now_ = now;
    if (!todo_.empty()) {
      Step step = std::move(todo_.front());
      todo_.pop_front();
      if (step.kind == OpKind::kDelete) {
        api_.delete_message(out, queue_, step.id, step.claim);
        issue->op = static_cast<std::uint16_t>(shared_.op_delete);
      } else {
        api_.release_claim(out, queue_, step.claim);
        issue->op = static_cast<std::uint16_t>(shared_.op_release);
      }
      step.start = now;
      in_flight_.push_back(std::move(step));
      return true;
    }
    if (!in_flight_.empty() || finished() || now < retry_at_) return false;
    api_.claim(out, queue_, shared_.batch, shared_.claim_ttl, shared_.grace);
    issue->op = static_cast<std::uint16_t>(shared_.op_claim);
    issue->keep_body = true;
    Step step;
    step.kind = OpKind::kClaim;
    step.start = now;
    in_flight_.push_back(std::move(step));
    return true;
  }

  void on_response(const Issue&, const Response& r, std::int64_t now) override {
    last_now_ = now;
    if (in_flight_.empty()) return;
    Step step = std::move(in_flight_.front());
    in_flight_.pop_front();
    const OpOutcome outcome = r.status >= 200 && r.status < 300   ? OpOutcome::kOk
                              : r.status >= 400 && r.status < 500 ? OpOutcome::kFailed
                                                                  : OpOutcome::kUnknown;
    switch (step.kind) {
      case OpKind::kClaim:
        on_claim(step, r, outcome, now);
        break;
      case OpKind::kDelete:
        if (outcome == OpOutcome::kOk) {
          shared_.deleted++;
          count(shared_.delivered);
          if (step.sent_ns > 0)
            shared_.stats->derived[shared_.e2e].latency.record(now - step.sent_ns);
        }
        record(step, outcome, now);
        break;
      default:
        if (outcome == OpOutcome::kOk) count(shared_.released);
        record(step, outcome, now);
        break;
    }
  }

  void on_failure(const Issue&, ErrorKind, std::int64_t now) override { abandon(now); }
  void on_abandoned(const Issue&, std::int64_t now) override { abandon(now); }

  bool finished() const override {
    if (shared_.count > 0 && shared_.deleted >= shared_.count) return true;
    const bool producers_done = shared_.producers == nullptr || shared_.producers->active == 0;
    if (!(shared_.draining || (shared_.count > 0 && producers_done))) return false;
    return empty_in_a_row_ >= 2 && todo_.empty() && in_flight_.empty() &&
           last_now_ >= shared_.drain_not_before;
  }

 private:
  struct Step {
    OpKind kind = OpKind::kClaim;  // claim, delete or release
    std::string id, claim, key;
    std::int64_t sent_ns = 0;  // the message's intended post time (body "t")
    std::int64_t start = 0;
  };

  void count(int counter) {
    if (counter >= 0) shared_.stats->counters[counter].value++;
  }

  void on_claim(const Step& step, const Response& r, OpOutcome outcome, std::int64_t now) {
    HistoryEvent e = event_of(step, outcome, now);
    std::vector<ReceivedMessage> msgs;
    if (outcome == OpOutcome::kOk && r.status != 204 &&
        !parse_messages(r.body, shared_.history != nullptr, &msgs)) {
      e.outcome = OpOutcome::kUnknown;  // a 2xx we cannot read: what did it claim?
    }
    if (msgs.empty()) {
      if (outcome == OpOutcome::kOk) {
        count(shared_.empty);
        ++empty_in_a_row_;
      }
      retry_at_ = now + (outcome == OpOutcome::kOk ? kEmptyBackoffNs : kErrorBackoffNs);
    } else {
      empty_in_a_row_ = 0;
      for (std::size_t i = 0; i < msgs.size(); ++i) count(shared_.claimed);
      e.claim = msgs.front().claim_id;
      const bool release = shared_.release > 0 && std::uniform_real_distribution<double>(
                                                      0, 1)(shared_.rng) < shared_.release;
      if (release) {
        Step s;
        s.kind = OpKind::kRelease;
        s.claim = e.claim;
        todo_.push_back(std::move(s));
      }
      for (ReceivedMessage& m : msgs) {
        if (!release) {
          Step s;
          s.kind = OpKind::kDelete;
          s.id = m.id;
          s.claim = m.claim_id;
          s.key = m.key;
          s.sent_ns = m.sent_ns;
          todo_.push_back(std::move(s));
        }
        e.msgs.push_back(MessageRef{std::move(m.key), std::move(m.id), std::move(m.body)});
      }
    }
    if (shared_.history != nullptr) shared_.history->write(e);
  }

  // The history line of `step` (a claim's carries the claim's ttl and grace).
  HistoryEvent event_of(const Step& step, OpOutcome outcome, std::int64_t now) const {
    HistoryEvent e;
    e.kind = step.kind;
    e.outcome = outcome;
    e.proc = proc_;
    e.queue = queue_;
    e.start = step.start;
    e.end = now;
    e.key = step.key;
    e.id = step.id;
    e.claim = step.claim;
    if (step.kind == OpKind::kClaim) {
      e.ttl = shared_.claim_ttl;
      e.grace = shared_.grace;
    }
    return e;
  }

  void record(const Step& step, OpOutcome outcome, std::int64_t now) {
    if (shared_.history != nullptr) shared_.history->write(event_of(step, outcome, now));
  }

  // The request got no answer: its outcome is unknown.
  void abandon(std::int64_t now) {
    if (in_flight_.empty()) return;
    Step step = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (step.kind == OpKind::kClaim) retry_at_ = now + kErrorBackoffNs;
    record(step, OpOutcome::kUnknown, now);
  }

  ConsumerShared& shared_;
  ZaqarRequests api_;
  std::string queue_;
  std::string proc_;
  std::size_t node_;
  std::deque<Step> todo_;       // deletes or a release waiting to be sent
  std::deque<Step> in_flight_;  // in request order
  std::int64_t retry_at_ = 0;
  std::int64_t last_now_ = 0;
  int empty_in_a_row_ = 0;
};

class ClaimWorkload final : public QueueWorkload {
 public:
  // Several --url servers: producers post through the first, consumers claim and delete
  // through the others (one deployment's nodes).
  ClaimWorkload(const BenchOptions& o, const Target& t) : QueueWorkload(o, t) {
    if (auto all = parse_targets(o.url); all && all->size() > 1) targets_ = std::move(*all);
  }

  Outcome<void> setup(int concurrency) override {
    queues_.clear();
    all_queues_.clear();
    std::string metadata = "{}";
    if (options_.max_claims > 0 || options_.delay > 0) {
      metadata = "{";
      if (options_.delay > 0)
        metadata += fmt::format(R"("_default_message_delay":{})", options_.delay);
      if (options_.max_claims > 0) {
        if (options_.delay > 0) metadata += ",";
        metadata +=
            fmt::format(R"("_max_claim_count":{},"_dead_letter_queue":"DLQ")", options_.max_claims);
      }
      metadata += "}";
    }
    if (auto h = open_history(concurrency); !h) return h;
    for (int i = 0; i < options_.queues; ++i) {
      const std::string q = queue_name(i);
      queues_.push_back(q);
      all_queues_.push_back(q);
      std::string meta = metadata;
      if (options_.max_claims > 0) {
        const std::string dlq = q + "-dlq";
        meta.replace(meta.find("DLQ"), 3, dlq);
        all_queues_.push_back(dlq);
        if (auto r = reset_queue(dlq); !r) return r;
        if (history_) {
          HistoryEvent e;
          e.kind = OpKind::kQueue;
          e.queue = q;
          e.max_claims = options_.max_claims;
          e.dlq = dlq;
          history_->write(e);
        }
      }
      if (auto r = reset_queue(q, meta); !r) return r;
    }
    return {};
  }

  std::vector<std::unique_ptr<Session>> make_sessions(int concurrency, RunStats& stats) override {
    const int producers =
        options_.producers > 0 ? options_.producers : std::max(1, concurrency / 2);
    const int consumers = std::max(1, concurrency - producers);
    prod_ = ProducerShared{};
    prod_.key_prefix = fmt::format("{}-c{}", run_id_, concurrency);
    prod_.budget = options_.count;
    prod_.bounded = options_.count > 0;
    prod_.active = producers;
    prod_.size = options_.size ? options_.size : 100;
    prod_.ttl = options_.message_ttl;
    prod_.delay = options_.delay;
    prod_.op = stats.add_op("post");
    prod_.posted_counter = stats.add_counter("messages posted");
    prod_.stats = &stats;
    prod_.history = history_.get();
    cons_ = ConsumerShared{};
    configure_consumers(stats);
    stats.primary_counter = cons_.delivered;
    // Flow control (ProducerShared::max_backlog): off under --rate (open loop) and when
    // messages may leave other than by a delete (released claims, dead-lettering).
    if (options_.rate <= 0 && options_.release <= 0 && options_.max_claims <= 0) {
      prod_.max_backlog = options_.backlog >= 0
                              ? static_cast<std::uint64_t>(options_.backlog)
                              : 2ull * static_cast<std::uint64_t>(consumers * options_.batch);
    }
    prod_.deleted = &cons_.deleted;
    // Producers and consumers alternate, so that connection order (which connects first,
    // which a server accepts first) favours neither role.
    std::vector<std::unique_ptr<Session>> sessions;
    for (int p = 0, k = 0; p < producers || k < consumers;) {
      if (p < producers && (k >= consumers || p * consumers <= k * producers)) {
        sessions.push_back(
            std::make_unique<ProducerSession>(prod_, new_client(), queues_[p % queues_.size()], p));
        ++p;
      } else {
        sessions.push_back(
            std::make_unique<ConsumerSession>(cons_, new_client(), queues_[k % queues_.size()],
                                              fmt::format("c{}", k), consumer_node(k)));
        ++k;
      }
    }
    consumers_ = consumers;
    return sessions;
  }

  Outcome<void> finish(int, RunStats& stats) override {
    if (history_) {
      // Drain: consumers alone, until every queue answers empty twice (delayed messages
      // included) or --drain seconds pass. Their work joins the history, not the figures.
      RunStats drain;
      configure_consumers(drain);
      cons_.draining = true;
      cons_.count = 0;
      cons_.drain_not_before = now_ns() + static_cast<std::int64_t>(options_.delay) * kNsPerSec;
      std::vector<std::unique_ptr<Session>> sessions;
      for (int i = 0; i < consumers_; ++i) {
        sessions.push_back(
            std::make_unique<ConsumerSession>(cons_, new_client(), queues_[i % queues_.size()],
                                              fmt::format("d{}", i), consumer_node(i)));
      }
      EngineConfig config;
      config.target = target_;
      config.targets = targets_;
      config.depth = options_.pipeline;
      config.max_duration_s = options_.drain_s;
      config.timeout_s = options_.timeout_s;
      run_load(config, sessions, drain);
      sessions.clear();
      stats.counters[stats.add_counter("deleted while draining")].value =
          drain.counters[cons_.delivered].value;
    }
    auto checked = final_check(all_queues_, stats);
    drop_queues(all_queues_);
    return checked;
  }

 private:
  // The node of consumer `k`: one of the servers after the first (producers use the first).
  std::size_t consumer_node(int k) const {
    return targets_.size() > 1 ? 1 + static_cast<std::size_t>(k) % (targets_.size() - 1) : 0;
  }

  // Points the consumers at `stats` (registering their operations and counters there) and
  // copies their options.
  void configure_consumers(RunStats& stats) {
    cons_.op_claim = stats.add_op("claim");
    cons_.op_delete = stats.add_op("delete");
    cons_.op_release = stats.add_op("release");
    cons_.e2e = stats.add_derived("post-to-delete");
    cons_.delivered = stats.add_counter("messages deleted");
    cons_.claimed = stats.add_counter("messages claimed");
    cons_.empty = stats.add_counter("empty claims");
    cons_.released = stats.add_counter("claims released");
    cons_.stats = &stats;
    cons_.history = history_.get();
    cons_.producers = &prod_;
    cons_.batch = options_.batch;
    cons_.claim_ttl = options_.claim_ttl;
    cons_.grace = options_.claim_grace;
    cons_.release = options_.release;
    cons_.count = options_.count;
  }

  std::vector<Target> targets_;  // several --url servers, or none
  std::vector<std::string> queues_;
  std::vector<std::string> all_queues_;  // with the dead-letter queues
  ProducerShared prod_;
  ConsumerShared cons_;
  int consumers_ = 1;
};

}  // namespace

std::unique_ptr<Workload> make_claim_workload(const BenchOptions& options, const Target& target) {
  return std::make_unique<ClaimWorkload>(options, target);
}

}  // namespace warren::bench
