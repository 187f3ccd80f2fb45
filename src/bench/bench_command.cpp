// `warren bench`: parses the command, runs the workload at each concurrency level, reports.
#include "bench/bench_command.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "bench/broadcast_command.h"
#include "bench/check_command.h"
#include "bench/load_engine.h"
#include "bench/options.h"
#include "bench/report.h"
#include "bench/target.h"
#include "bench/workload.h"

namespace warren::bench {
namespace {

void usage(std::FILE* out) {
  std::fprintf(
      out,
      "usage: warren bench WORKLOAD --url URL --concurrency N[,N...] (--duration S | "
      "--count N) [options]\n"
      "       warren bench check HISTORY [--json FILE]\n"
      "       warren bench broadcast --url ws://HOST:PORT/ [options]\n"
      "workloads: http post get claim pipeline sweep   (`warren bench WORKLOAD --help`)\n");
}

bool write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
  return static_cast<bool>(f);
}

int run_workload(const BenchOptions& o) {
  auto targets = parse_targets(o.url);
  if (!targets) {
    std::fprintf(stderr, "warren bench: %s\n", targets.error().message.c_str());
    return 2;
  }
  const Target* target = &targets->front();
  auto workload = make_workload(o, *target);
  if (!workload) {
    std::fprintf(stderr, "warren bench: %s\n", workload.error().message.c_str());
    return 2;
  }
  std::vector<LevelResult> levels;
  bool check_failed = false;
  for (const int concurrency : o.concurrency) {
    if (auto ready = (*workload)->setup(concurrency); !ready) {
      std::fprintf(stderr, "warren bench: set-up failed: %s\n", ready.error().message.c_str());
      return 1;
    }
    LevelResult level;
    level.concurrency = concurrency;
    auto sessions = (*workload)->make_sessions(concurrency, level.stats);
    EngineConfig config;
    config.target = *target;
    if (targets->size() > 1) config.targets = *targets;
    config.depth = o.pipeline;
    config.duration_s = o.duration_s;
    config.max_duration_s = o.max_time_s;
    config.rate = o.rate;
    config.timeout_s = o.timeout_s;
    config.progress = o.progress;
    config.busy_poll = o.busy_poll;
    config.label = fmt::format("{} c={}", o.workload, concurrency);
    run_load(config, sessions, level.stats);
    sessions.clear();
    if (auto done = (*workload)->finish(concurrency, level.stats); !done) {
      std::fprintf(stderr, "warren bench: %s\n", done.error().message.c_str());
      return 1;
    }
    if (!o.quiet) print_level(stdout, o, level);
    if (level.stats.check_ran) {
      std::fputs(level.stats.check_text.c_str(), stdout);
      if (!level.stats.check_clean) check_failed = true;
    }
    std::fflush(stdout);
    levels.push_back(std::move(level));
  }
  if (levels.size() > 1 || o.quiet) print_summary(stdout, o, levels);
  if (!o.json_path.empty() && !write_file(o.json_path, result_json(o, levels))) {
    std::fprintf(stderr, "warren bench: cannot write %s\n", o.json_path.c_str());
    return 1;
  }
  return check_failed ? 1 : 0;
}

}  // namespace

Outcome<std::unique_ptr<Workload>> make_workload(const BenchOptions& options,
                                                 const Target& target) {
  const std::string& w = options.workload;
  if (w == "http") return make_http_workload(options, target);
  const std::string& op = (w == "pipeline" || w == "sweep") ? options.op : w;
  if (op == "ping" || op == "get" || op == "post") return make_queue_workload(options, target, op);
  if (op == "claim") return make_claim_workload(options, target);
  if (w == "pipeline" || w == "sweep")
    return Failure{"unknown --op '" + op + "' (ping, get, post, claim)"};
  return Failure{"unknown workload '" + w + "' (http, ping, post, get, claim, pipeline, sweep)"};
}

int run_bench_command(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "check") == 0) return run_check_command(argc - 1, argv + 1);
  if (std::strcmp(argv[1], "broadcast") == 0) return run_broadcast_command(argc - 1, argv + 1);
  auto options = parse_bench_options(argc, argv);
  if (!options) {
    if (options.error().message.empty()) return 0;  // --help
    std::fprintf(stderr, "warren bench: %s\n", options.error().message.c_str());
    usage(stderr);
    return 2;
  }
  return run_workload(*options);
}

}  // namespace warren::bench
