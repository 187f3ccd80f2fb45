// A producer: posts one message per request, each with a unique key and its intended send time
// in the body, so consumers can measure post-to-delete latency and the checker can follow every
// message. Used by `post --check` and by the producers of `claim`.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "bench/history_file.h"
#include "bench/session.h"
#include "bench/zaqar_api.h"

namespace warren::bench {

// What the producers of one level share.
struct ProducerShared {
  std::string key_prefix;    // "<run>-c<level>": keys are "<prefix>-p<i>-<seq>"
  std::uint64_t budget = 0;  // messages left to post when `bounded`
  bool bounded = false;
  int active = 0;          // producers not yet finished
  std::size_t size = 100;  // body bytes
  int ttl = 3600;
  int delay = 0;            // seconds; sent only when > 0
  int op = 0;               // RunStats op index of "post"
  int posted_counter = -1;  // RunStats counter of acknowledged posts
  RunStats* stats = nullptr;
  HistoryFile* history = nullptr;  // null without --check

  // Flow control of claim: producers wait while this many messages are posted but not yet
  // settled (deleted by a consumer, or refused), so the run measures the sustainable cycle
  // and post-to-delete latency is not the age of an ever-growing backlog. 0 = no bound.
  std::uint64_t max_backlog = 0;
  std::uint64_t issued = 0;                // posts sent
  std::uint64_t refused = 0;               // posts answered with an error or cut off
  const std::uint64_t* deleted = nullptr;  // consumers' successful deletes
};

class ProducerSession final : public Session {
 public:
  ProducerSession(ProducerShared& shared, ZaqarRequests api, std::string queue, int index)
      : shared_(shared), api_(std::move(api)), queue_(std::move(queue)), index_(index) {}

  bool next(std::string& out, Issue* issue, std::int64_t now_ns) override;
  void on_response(const Issue& issue, const Response& response, std::int64_t now_ns) override;
  // Producers post through the first server (consumers use the others).
  std::size_t node() const override { return 0; }
  void on_failure(const Issue& issue, ErrorKind kind, std::int64_t now_ns) override;
  void on_abandoned(const Issue& issue, std::int64_t now_ns) override {
    on_failure(issue, ErrorKind::kTimeout, now_ns);
  }
  bool finished() const override { return done_; }

 private:
  struct Sent {
    std::string key;
    std::string body;  // kept for the history only
    std::int64_t start;
  };
  void record(OpOutcome outcome, const Sent& sent, std::string id, std::int64_t end);

  ProducerShared& shared_;
  ZaqarRequests api_;
  std::string queue_;
  int index_;
  std::uint64_t seq_ = 0;
  bool done_ = false;
  std::deque<Sent> in_flight_;  // in request order (responses come back in order)
  std::string doc_;             // scratch for the request document
};

}  // namespace warren::bench
