// The `http` workload: one request, serialised once, repeated on every connection.
#include <string>

#include "bench/workload.h"

namespace warren::bench {
namespace {

class FixedRequestSession final : public Session {
 public:
  FixedRequestSession(const std::string& request, bool head, std::uint64_t* budget)
      : request_(request), head_(head), budget_(budget) {}

  bool next(std::string& out, Issue* issue, std::int64_t) override {
    if (budget_ != nullptr) {
      if (*budget_ == 0) return false;
      --*budget_;
    }
    out.append(request_);
    issue->op = 0;
    issue->head = head_;
    return true;
  }
  void on_response(const Issue&, const Response&, std::int64_t) override {}
  bool finished() const override { return budget_ != nullptr && *budget_ == 0; }

 private:
  const std::string& request_;
  bool head_;
  std::uint64_t* budget_;  // shared --count budget; null = unbounded
};

class HttpWorkload final : public Workload {
 public:
  HttpWorkload(const BenchOptions& o, const Target& t) : options_(o) {
    request_ = o.method + " " + t.target + " HTTP/1.1\r\nHost: " + t.host_header + "\r\n";
    for (const auto& h : o.headers) request_ += h + "\r\n";
    if (!o.body.empty() || o.method == "POST" || o.method == "PUT" || o.method == "PATCH") {
      request_ += "Content-Length: " + std::to_string(o.body.size()) + "\r\n";
    }
    request_ += "\r\n" + o.body;
  }

  std::vector<std::unique_ptr<Session>> make_sessions(int concurrency, RunStats& stats) override {
    stats.add_op(options_.method);
    budget_ = options_.count;
    std::vector<std::unique_ptr<Session>> sessions;
    for (int i = 0; i < concurrency; ++i) {
      sessions.push_back(std::make_unique<FixedRequestSession>(
          request_, options_.method == "HEAD", options_.count ? &budget_ : nullptr));
    }
    return sessions;
  }

 private:
  const BenchOptions& options_;
  std::string request_;
  std::uint64_t budget_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_http_workload(const BenchOptions& options, const Target& target) {
  return std::make_unique<HttpWorkload>(options, target);
}

}  // namespace warren::bench
