// The `http` workload: one request, serialised once, repeated on every connection.
#include <string>

#include "bench/fixed_session.h"
#include "bench/workload.h"

namespace warren::bench {
namespace {

class HttpWorkload final : public Workload {
 public:
  HttpWorkload(const BenchOptions& o, const Target& t) : options_(o) {
    request_ = o.method + " " + t.target + " HTTP/1.1\r\n";
    bool host = false;
    for (const auto& h : o.headers) {
      host |= h.size() > 5 && (h.compare(0, 5, "Host:") == 0 || h.compare(0, 5, "host:") == 0);
      request_ += h + "\r\n";
    }
    if (!host) request_ += "Host: " + t.host_header + "\r\n";
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
          request_, 0, options_.method == "HEAD", options_.count ? &budget_ : nullptr));
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
