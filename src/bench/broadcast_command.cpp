// `warren bench broadcast`: options, the run, the summary table and the JSON report.
#include "bench/broadcast_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "bench/broadcast_run.h"
#include "bench/load_engine.h"
#include "bench/options.h"
#include "bench/target.h"
#include "common/json_writer.h"

namespace warren::bench {
namespace {

namespace po = boost::program_options;

void write_step(JsonWriter& j, const StepRecord& s) {
  const StepResult& r = s.result;
  j.begin_object()
      .key("posts_per_s")
      .number(r.offered_posts_per_s)
      .key("received_per_s")
      .number(r.received_per_s())
      .key("posted")
      .integer(r.posted)
      .key("pushes")
      .integer(r.pushes)
      .key("expected_pushes")
      .integer(r.expected_pushes)
      .key("lost_messages")
      .integer(r.lost_messages)
      .key("dropped_sockets")
      .integer(r.dropped_sockets)
      .key("post_errors")
      .integer(r.post_errors)
      .key("rtt_ms")
      .begin_object()
      .key("mean")
      .number(r.rtt_mean_ms)
      .key("p50")
      .number(r.rtt_p50_ms)
      .key("p99")
      .number(r.rtt_p99_ms)
      .key("max")
      .number(r.rtt_max_ms)
      .key("samples")
      .integer(r.rtt_samples)
      .end_object()
      .key("delivery_ms")
      .begin_object()
      .key("mean")
      .number(r.delivery_mean_ms)
      .key("p99")
      .number(r.delivery_p99_ms)
      .end_object()
      .key("send_seconds")
      .number(r.send_seconds)
      .key("receive_seconds")
      .number(r.receive_seconds)
      .key("client_cpu_s")
      .number(r.client_cpu_s);
  j.key("server_cpu_s");
  if (s.server_cpu_s >= 0) {
    j.number(s.server_cpu_s);
  } else {
    j.null();
  }
  j.key("server_cpu_us_per_msg");
  if (s.server_cpu_s >= 0 && r.pushes > 0) {
    j.number(s.server_cpu_s * 1e6 / static_cast<double>(r.pushes));
  } else {
    j.null();
  }
  j.key("client_cpu_us_per_msg")
      .number(r.pushes > 0 ? r.client_cpu_s * 1e6 / static_cast<double>(r.pushes) : 0)
      .key("passed")
      .boolean(s.passed)
      .end_object();
}

std::string report_json(const BroadcastOptions& o, const std::vector<BroadcastLevel>& levels) {
  std::string out;
  JsonWriter j(out);
  j.begin_object()
      .key("workload")
      .string("broadcast")
      .key("url")
      .string(o.url)
      .key("rtt_limit_ms")
      .number(o.rtt_limit_ms)
      .key("fixed_rate")
      .number(o.fixed_rate)
      .key("levels")
      .begin_array();
  for (const BroadcastLevel& level : levels) {
    j.begin_object().key("clients").integer(level.clients);
    if (!level.failure.empty()) j.key("failure").string(level.failure);
    j.key("fixed");
    if (level.fixed_ran) {
      write_step(j, level.fixed);
    } else {
      j.null();
    }
    j.key("best");
    if (level.best >= 0) {
      write_step(j, level.steps[static_cast<std::size_t>(level.best)]);
    } else {
      j.null();
    }
    j.key("server_rss_kb")
        .integer(level.server_rss_kb)
        .key("server_rss_peak_kb")
        .integer(level.server_rss_peak_kb)
        .key("steps")
        .begin_array();
    for (const StepRecord& s : level.steps) write_step(j, s);
    j.end_array().end_object();
  }
  j.end_array().end_object();
  out.push_back('\n');
  return out;
}

void print_summary(const std::vector<BroadcastLevel>& levels) {
  std::printf("\n%8s %14s %12s %14s %14s %12s\n", "clients", "best msgs/s", "rtt mean ms",
              "server us/msg", "client us/msg", "server RSS");
  for (const BroadcastLevel& level : levels) {
    const StepRecord* best =
        level.best >= 0 ? &level.steps[static_cast<std::size_t>(level.best)] : nullptr;
    const StepRecord& fixed = level.fixed;
    auto per_msg = [](double cpu, std::int64_t pushes) {
      return cpu >= 0 && pushes > 0 ? fmt::format("{:.2f}", cpu * 1e6 / static_cast<double>(pushes))
                                    : std::string("-");
    };
    std::printf(
        "%8d %14s %12s %14s %14s %12s\n", level.clients,
        best ? fmt::format("{:.0f}", best->result.received_per_s()).c_str() : "-",
        best ? fmt::format("{:.2f}", best->result.rtt_mean_ms).c_str() : "-",
        level.fixed_ran ? per_msg(fixed.server_cpu_s, fixed.result.pushes).c_str() : "-",
        level.fixed_ran ? per_msg(fixed.result.client_cpu_s, fixed.result.pushes).c_str() : "-",
        level.server_rss_kb >= 0 ? fmt::format("{} kB", level.server_rss_kb).c_str() : "-");
  }
}

}  // namespace

int run_broadcast_command(int argc, char** argv) {
  BroadcastOptions o;
  std::string levels = "25,200,1000,2000";
  po::options_description d(
      "usage: warren bench broadcast --url ws://HOST:PORT/ [options]\n\n"
      "C clients subscribe to one queue over WebSocket (Zaqar's protocol); the tool posts\n"
      "messages at a rising rate and measures delivery (see bench/README.md)");
  d.add_options()("help,h", "print this help")("url", po::value(&o.url)->required(),
                                               "ws://HOST:PORT[/PATH] of the server")(
      "levels", po::value(&levels)->default_value(levels), "client counts, comma-separated")(
      "step", po::value(&o.step_seconds)->default_value(o.step_seconds),
      "seconds of each search step")("start-rate",
                                     po::value(&o.start_rate)->default_value(o.start_rate),
                                     "delivered msgs/s of the first step")(
      "growth", po::value(&o.growth)->default_value(o.growth), "rate factor between steps")(
      "max-steps", po::value(&o.max_steps)->default_value(o.max_steps),
      "search steps per level at most")("fixed-rate",
                                        po::value(&o.fixed_rate)->default_value(o.fixed_rate),
                                        "delivered msgs/s of the CPU measurement (0: none)")(
      "fixed-seconds", po::value(&o.fixed_seconds)->default_value(o.fixed_seconds), "its duration")(
      "rtt-limit-ms", po::value(&o.rtt_limit_ms)->default_value(o.rtt_limit_ms),
      "saturation: mean round trip above this")(
      "loss-timeout", po::value(&o.loss_timeout_s)->default_value(o.loss_timeout_s),
      "saturation: a message not received by all after this (s)")(
      "server-pid", po::value(&o.server_pid)->default_value(0),
      "pid of the server: its CPU time and RSS are read from /proc")(
      "payload-bytes", po::value(&o.target.payload_bytes)->default_value(o.target.payload_bytes),
      "padding in each message body")(
      "queue", po::value(&o.target.queue)->default_value(o.target.queue), "queue name")(
      "project", po::value(&o.target.project)->default_value(o.target.project), "X-Project-ID")(
      "json", po::value(&o.json_path), "write the report as JSON to this file")(
      "quiet", po::bool_switch(&o.quiet), "no per-step lines");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, d), vm);
    if (vm.count("help")) {
      std::cout << d << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warren bench broadcast: %s\n", e.what());
    return 2;
  }
  auto parsed_levels = parse_levels(levels);
  if (!parsed_levels) {
    std::fprintf(stderr, "warren bench broadcast: %s\n", parsed_levels.error().message.c_str());
    return 2;
  }
  o.levels = *parsed_levels;
  if (!o.url.starts_with("ws://")) {
    std::fprintf(stderr, "warren bench broadcast: --url must start with ws://\n");
    return 2;
  }
  auto target = parse_target("http://" + o.url.substr(5));
  if (!target) {
    std::fprintf(stderr, "warren bench broadcast: %s\n", target.error().message.c_str());
    return 2;
  }
  o.target.addr = target->addr;
  o.target.addr_len = target->addr_len;
  o.target.host_header = target->host_header;
  o.target.path = target->target;
  if (o.growth <= 1 || o.step_seconds <= 0 || o.start_rate <= 0) {
    std::fprintf(stderr, "warren bench broadcast: --growth must exceed 1, rates be positive\n");
    return 2;
  }
  int largest = 0;
  for (const int level : o.levels) largest = std::max(largest, level);
  const long limit = raise_fd_limit(largest + 64);
  if (limit < largest + 16) {
    std::fprintf(stderr, "warren bench broadcast: only %ld file descriptors (need %d)\n", limit,
                 largest + 16);
  }
  const std::vector<BroadcastLevel> results = run_broadcast(o);
  print_summary(results);
  if (!o.json_path.empty()) {
    std::ofstream f(o.json_path, std::ios::trunc);
    f << report_json(o, results);
    if (!f) {
      std::fprintf(stderr, "warren bench broadcast: cannot write %s\n", o.json_path.c_str());
      return 1;
    }
  }
  for (const BroadcastLevel& level : results) {
    if (!level.failure.empty()) return 1;
  }
  return 0;
}

}  // namespace warren::bench
