// The single-request Zaqar workloads: `ping` (GET /v2/ping), `get` (GET messages?limit=1 of a
// queue holding one message) and `post` (POST one message). Unchecked, each connection repeats
// one pre-serialised request with its own Client-ID; `post --check` posts unique, recorded
// messages and reads the queues back at the end.
#include <fmt/format.h>

#include "bench/fixed_session.h"
#include "bench/producer_session.h"
#include "bench/queue_workload.h"

namespace warren::bench {
namespace {

constexpr std::size_t kDefaultPostSize = 100;  // issue 3: POST one message, 100-byte body
constexpr std::size_t kDefaultGetSize = 150;   // a ~420-byte one-message listing (warren)

class SimpleQueueWorkload final : public QueueWorkload {
 public:
  SimpleQueueWorkload(const BenchOptions& o, const Target& t, std::string op)
      : QueueWorkload(o, t), op_(std::move(op)) {}

  Outcome<void> setup(int concurrency) override {
    queues_.clear();
    if (op_ == "ping") return {};
    for (int i = 0; i < options_.queues; ++i) queues_.push_back(queue_name(i));
    for (const auto& q : queues_) {
      if (auto r = reset_queue(q); !r) return r;
    }
    if (op_ == "get") {
      // One message per queue, posted by another client: the GETs list it with echo=true.
      const std::size_t size = options_.size ? options_.size : kDefaultGetSize;
      for (const auto& q : queues_) {
        std::string req;
        admin_.post_messages(req, q,
                             fmt::format(R"({{"messages":[{{"ttl":{},"body":{}}}]}})",
                                         options_.message_ttl, message_body("preload", 0, size)));
        if (auto r = call(req, {201}); !r) return r.error();
      }
    }
    return open_history(concurrency);
  }

  std::vector<std::unique_ptr<Session>> make_sessions(int concurrency, RunStats& stats) override {
    const int op = stats.add_op(op_);
    budget_ = options_.count;
    std::uint64_t* budget = options_.count ? &budget_ : nullptr;
    std::vector<std::unique_ptr<Session>> sessions;
    if (op_ == "post" && history_) {
      producers_ = ProducerShared{};
      producers_.key_prefix = fmt::format("{}-c{}", run_id_, concurrency);
      producers_.budget = options_.count;
      producers_.bounded = options_.count > 0;
      producers_.active = concurrency;
      producers_.size = options_.size ? options_.size : kDefaultPostSize;
      producers_.ttl = options_.message_ttl;
      producers_.op = op;
      producers_.stats = &stats;
      producers_.history = history_.get();
      for (int i = 0; i < concurrency; ++i) {
        sessions.push_back(std::make_unique<ProducerSession>(producers_, new_client(),
                                                             queues_[i % queues_.size()], i));
      }
      return sessions;
    }
    for (int i = 0; i < concurrency; ++i) {
      ZaqarRequests api = new_client();
      std::string request;
      if (op_ == "ping") {
        api.ping(request);
      } else if (op_ == "get") {
        api.list_messages(request, queues_[i % queues_.size()], 1, {}, true, false, false);
      } else {
        const std::size_t size = options_.size ? options_.size : kDefaultPostSize;
        api.post_messages(request, queues_[i % queues_.size()],
                          fmt::format(R"({{"messages":[{{"ttl":{},"body":{}}}]}})",
                                      options_.message_ttl, message_body("fixed", 0, size)));
      }
      sessions.push_back(
          std::make_unique<FixedRequestSession>(std::move(request), op, false, budget));
    }
    return sessions;
  }

  Outcome<void> finish(int, RunStats& stats) override {
    auto checked = final_check(queues_, stats);
    drop_queues(queues_);
    return checked;
  }

 private:
  std::string op_;
  std::vector<std::string> queues_;
  std::uint64_t budget_ = 0;
  ProducerShared producers_;
};

}  // namespace

std::unique_ptr<Workload> make_queue_workload(const BenchOptions& options, const Target& target,
                                              const std::string& op) {
  return std::make_unique<SimpleQueueWorkload>(options, target, op);
}

}  // namespace warren::bench
