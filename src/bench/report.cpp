// Text and JSON reports of load runs.
#include "bench/report.h"

#include <fmt/format.h>

#include "bench/field_writer.h"
#include "common/version.h"

namespace warren::bench {
namespace {

constexpr double kUs = 1000.0;

std::string errors_line(const ErrorCounts& errors) {
  std::string s;
  for (int k = 0; k < kErrorKinds; ++k) {
    if (errors[k] == 0) continue;
    if (!s.empty()) s += "  ";
    s += fmt::format("{} {}", error_kind_name(static_cast<ErrorKind>(k)), errors[k]);
  }
  return s.empty() ? "none" : s;
}

void latency_json(FieldWriter& w, const Histogram& h) {
  w.begin_object()
      .field("count", h.count())
      .field("mean", h.mean() / kUs)
      .field("p50", h.percentile(0.50) / kUs)
      .field("p90", h.percentile(0.90) / kUs)
      .field("p99", h.percentile(0.99) / kUs)
      .field("p999", h.percentile(0.999) / kUs)
      .field("max", h.max() / kUs)
      .end_object();
}

void errors_json(FieldWriter& w, const ErrorCounts& errors) {
  w.begin_object();
  for (int k = 0; k < kErrorKinds; ++k) {
    w.field(error_kind_name(static_cast<ErrorKind>(k)), errors[k]);
  }
  w.end_object();
}

std::string percentiles(const Histogram& h) {
  return fmt::format("p50 {:>8}  p90 {:>8}  p99 {:>8}  p99.9 {:>8}  max {:>8}",
                     format_duration(h.percentile(0.5)), format_duration(h.percentile(0.9)),
                     format_duration(h.percentile(0.99)), format_duration(h.percentile(0.999)),
                     format_duration(h.max()));
}

}  // namespace

double messages_per_s(const RunStats& s) {
  if (s.primary_counter < 0 || s.elapsed_s <= 0) return 0;
  return static_cast<double>(s.counters[s.primary_counter].value) / s.elapsed_s;
}

std::string format_duration(double ns) {
  if (ns < 1e6) return fmt::format("{:.0f}us", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.2f}ms", ns / 1e6);
  return fmt::format("{:.2f}s", ns / 1e9);
}

void print_level(std::FILE* out, const BenchOptions& o, const LevelResult& level) {
  const RunStats& s = level.stats;
  fmt::print(out, "warren bench {}  {}  concurrency {}  pipeline {}{}\n", o.workload, o.url,
             level.concurrency, s.depth,
             s.rate > 0 ? fmt::format("  rate {:.0f}/s", s.rate) : std::string());
  const ErrorCounts errors = s.total_errors();
  fmt::print(out, "  {:>12.0f} req/s   {} ok   {} errors   {:.2f} s\n", s.throughput(),
             s.total_ok(), total(errors), s.elapsed_s);
  if (s.unfinished > 0 && s.unfinished_oldest_s >= 1.0) {
    // Requests waiting seconds at the end are a server not serving some connections.
    fmt::print(out, "  unfinished   {} requests at the end, the oldest sent {:.2f} s before\n",
               s.unfinished, s.unfinished_oldest_s);
  }
  if (s.starved_connections > 0) {
    fmt::print(out, "  starved      {} of {} connections got no response at all\n",
               s.starved_connections, s.connections);
  }
  if (s.primary_counter >= 0) {
    fmt::print(out, "  {:>12.0f} msgs/s  end to end ({})\n", messages_per_s(s),
               s.counters[s.primary_counter].name);
  }
  for (const OpStats& op : s.ops) {
    if (op.ok == 0 && total(op.errors) == 0) continue;
    fmt::print(out, "  {:<12} {:>10} ok  {}\n", op.name, op.ok, percentiles(op.latency));
  }
  for (const OpStats& d : s.derived) {
    if (d.latency.count() == 0) continue;
    fmt::print(out, "  {:<12} {:>10}     {}\n", d.name, d.latency.count(), percentiles(d.latency));
  }
  for (const Counter& c : s.counters) {
    fmt::print(out, "  {:<24} {}\n", c.name, c.value);
  }
  fmt::print(out, "  errors       {}\n", errors_line(errors));
  fmt::print(out, "  client cpu   {:.2f} us/request (user {:.2f} s, system {:.2f} s)\n",
             s.cpu_us_per_request(), s.cpu_user_s, s.cpu_system_s);
  if (s.series.size() > 1) {
    std::string rates, p99s;
    for (const SecondStats& sec : s.series) {
      rates += fmt::format(" {}", sec.ok);
      p99s += fmt::format(" {}", format_duration(sec.latency.percentile(0.99)));
    }
    fmt::print(out, "  per second  ok:{}\n              p99:{}\n", rates, p99s);
  }
}

void print_summary(std::FILE* out, const BenchOptions& o, const std::vector<LevelResult>& levels) {
  bool messages = false;
  int starved = 0;
  for (const LevelResult& l : levels) {
    messages |= l.stats.primary_counter >= 0;
    starved += l.stats.starved_connections;
  }
  fmt::print(out, "warren bench {}  {}\n", o.workload, o.url);
  fmt::print(out, "{:>11} {:>12}{} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}{}\n", "concurrency",
             "req/s", messages ? fmt::format(" {:>10}", "msgs/s") : "", "p50", "p90", "p99",
             "p99.9", "max", "errors", "cpu/req", starved ? "  starved" : "");
  for (const LevelResult& l : levels) {
    const RunStats& s = l.stats;
    // Latency of the end-to-end figure where there is one (post to delete), else of requests.
    const Histogram h = s.derived.empty() ? s.total_latency() : s.derived.front().latency;
    fmt::print(out, "{:>11} {:>12.0f}{} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7.2f}us{}\n",
               l.concurrency, s.throughput(),
               messages ? fmt::format(" {:>10.0f}", messages_per_s(s)) : "",
               format_duration(h.percentile(0.5)), format_duration(h.percentile(0.9)),
               format_duration(h.percentile(0.99)), format_duration(h.percentile(0.999)),
               format_duration(h.max()), total(s.total_errors()), s.cpu_us_per_request(),
               starved ? fmt::format(" {:>8}", s.starved_connections) : "");
  }
}

std::string result_json(const BenchOptions& o, const std::vector<LevelResult>& levels) {
  std::string out;
  FieldWriter w(out);
  w.begin_object()
      .field("tool", "warren bench")
      .field("version", kVersion)
      .field("workload", o.workload)
      .field("op", o.op)
      .field("url", o.url);
  w.key("options")
      .begin_object()
      .field("duration_s", o.duration_s)
      .field("count", static_cast<std::uint64_t>(o.count))
      .field("rate", o.rate)
      .field("size", static_cast<std::uint64_t>(o.size))
      .field("queues", o.queues)
      .field("pipeline", o.pipeline)
      .field("method", o.method)
      .field("check", o.check)
      .end_object();
  w.key("levels").begin_array();
  for (const LevelResult& l : levels) {
    const RunStats& s = l.stats;
    w.begin_object()
        .field("concurrency", l.concurrency)
        .field("connections", s.connections)
        .field("pipeline", s.depth)
        .field("rate", s.rate)
        .field("elapsed_s", s.elapsed_s)
        .field("ok", s.total_ok())
        .field("throughput", s.throughput())
        .field("messages_per_s", messages_per_s(s))
        .field("unfinished", s.unfinished)
        .field("unfinished_oldest_s", s.unfinished_oldest_s)
        .field("starved_connections", s.starved_connections)
        .field("cpu_user_s", s.cpu_user_s)
        .field("cpu_system_s", s.cpu_system_s)
        .field("cpu_us_per_request", s.cpu_us_per_request());
    w.key("errors");
    errors_json(w, s.total_errors());
    w.field("error_total", total(s.total_errors()));
    w.key("latency_us");
    latency_json(w, s.total_latency());
    w.key("ops").begin_array();
    for (const OpStats& op : s.ops) {
      w.begin_object().field("name", op.name).field("ok", op.ok);
      w.field("body_bytes_mean", op.ok ? static_cast<double>(op.body_bytes) / op.ok : 0.0);
      w.key("errors");
      errors_json(w, op.errors);
      w.key("latency_us");
      latency_json(w, op.latency);
      w.end_object();
    }
    w.end_array();
    w.key("derived").begin_array();
    for (const OpStats& d : s.derived) {
      w.begin_object().field("name", d.name);
      w.key("latency_us");
      latency_json(w, d.latency);
      w.end_object();
    }
    w.end_array();
    w.key("counters").begin_object();
    for (const Counter& c : s.counters) w.field(c.name, c.value);
    w.end_object();
    if (s.check_ran)
      w.key("check").raw(s.check_json.substr(0, s.check_json.find_last_not_of('\n') + 1));
    w.key("series").begin_array();
    for (std::size_t i = 0; i < s.series.size(); ++i) {
      const SecondStats& sec = s.series[i];
      w.begin_object()
          .field("second", static_cast<std::uint64_t>(i + 1))
          .field("ok", sec.ok)
          .field("errors", sec.errors)
          .field("p50_us", sec.latency.percentile(0.5) / kUs)
          .field("p99_us", sec.latency.percentile(0.99) / kUs)
          .field("max_us", sec.latency.max() / kUs)
          .end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace warren::bench
