// QueueWorkload: the blocking steps around a run and the --check plumbing.
#include "bench/queue_workload.h"

#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "bench/clock.h"
#include "bench/history_checker.h"
#include "common/json_writer.h"

namespace warren::bench {

QueueWorkload::QueueWorkload(const BenchOptions& options, const Target& target)
    : options_(options),
      target_(target),
      rng_(std::random_device{}()),
      run_id_(fmt::format("r{:06x}", rng_() & 0xffffff)),
      admin_(target, options.project, random_uuid(rng_)),
      client_(target, options.timeout_s) {}

std::string QueueWorkload::queue_name(int i) const {
  return fmt::format("{}-{}", options_.queue_prefix, i);
}

ZaqarRequests QueueWorkload::new_client() {
  return ZaqarRequests(target_, options_.project, random_uuid(rng_));
}

Outcome<HttpResult> QueueWorkload::call(const std::string& request, std::initializer_list<int> ok) {
  auto r = client_.roundtrip(request);
  if (!r) return r.error();
  for (int s : ok) {
    if (r->status == s) return r;
  }
  const std::string first_line = request.substr(0, request.find('\r'));
  return Failure{fmt::format("{} answered {} {}", first_line, r->status, r->body.substr(0, 200))};
}

Outcome<void> QueueWorkload::reset_queue(const std::string& queue, const std::string& metadata) {
  if (auto d = delete_queue(queue); !d) return d;
  std::string body = metadata.empty() ? "{}" : metadata;
  if (!options_.flavor.empty()) {
    // {"_flavor":"F", ...the rest}: the queue is placed on a pool of that flavor.
    std::string member = "\"_flavor\":";
    append_json_string(member, options_.flavor);
    body.insert(1, body.size() > 2 ? member + "," : member);
  }
  std::string req;
  admin_.put_queue(req, queue, body);
  if (auto r = call(req, {201, 204}); !r) return r.error();
  return {};
}

Outcome<void> QueueWorkload::delete_queue(const std::string& queue) {
  std::string req;
  admin_.delete_queue(req, queue);
  if (auto r = call(req, {204, 200, 404}); !r) return r.error();
  return {};
}

Outcome<std::vector<ReceivedMessage>> QueueWorkload::read_all(const std::string& queue) {
  std::vector<ReceivedMessage> all;
  std::string marker;
  for (int page = 0; page < 1'000'000; ++page) {
    std::string req;
    admin_.list_messages(req, queue, 20, marker, true, true, true);
    auto r = call(req, {200, 204});
    if (!r) return r.error();
    if (r->status == 204 || r->body.empty()) break;
    std::vector<ReceivedMessage> batch;
    std::string next;
    if (!parse_messages(r->body, true, &batch, &next)) {
      return Failure{"unparsable listing of " + queue + ": " + r->body.substr(0, 200)};
    }
    if (batch.empty()) break;
    for (auto& m : batch) all.push_back(std::move(m));
    if (next.empty() || next == marker) break;
    marker = next;
  }
  return all;
}

Outcome<void> QueueWorkload::open_history(int concurrency) {
  if (!options_.check) return {};
  std::string path = options_.history_path;
  if (path.empty()) {
    path = fmt::format("/tmp/warren-bench-history-{}-{}-c{}.jsonl", getpid(), run_id_, concurrency);
  } else if (options_.concurrency.size() > 1) {
    path += fmt::format(".c{}", concurrency);
  }
  auto h = HistoryFile::open(path);
  if (!h) return h.error();
  history_ = std::move(*h);
  return {};
}

Outcome<void> QueueWorkload::final_check(const std::vector<std::string>& queues, RunStats& stats) {
  if (!history_) return {};
  for (const std::string& q : queues) {
    HistoryEvent e;
    e.kind = OpKind::kFinal;
    e.proc = "final";
    e.queue = q;
    e.start = now_ns();
    auto msgs = read_all(q);
    e.end = now_ns();
    if (!msgs) return msgs.error();
    for (auto& m : *msgs) e.msgs.push_back(MessageRef{m.key, m.id, m.body});
    history_->write(e);
  }
  const std::string path = history_->path();
  history_->flush();
  history_.reset();
  std::ifstream in(path);
  auto events = read_history(in);
  if (!events) return Failure{"history " + path + ": " + events.error().message};
  const CheckReport report = check_history(*events);
  stats.check_ran = true;
  stats.check_clean = report.clean();
  stats.check_text = check_report_text(report);
  stats.check_json = check_report_json(report);
  if (report.clean() && options_.history_path.empty()) {
    ::unlink(path.c_str());
  } else {
    stats.check_text += "  history: " + path + "\n";
  }
  return {};
}

void QueueWorkload::drop_queues(const std::vector<std::string>& queues) {
  if (options_.keep_queues) return;
  for (const std::string& q : queues) (void)delete_queue(q);
}

}  // namespace warren::bench
