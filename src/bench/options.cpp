// parse_bench_options: Boost.program_options declarations with their help text.
#include "bench/options.h"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <boost/program_options.hpp>

namespace warren::bench {

namespace po = boost::program_options;

Outcome<std::vector<int>> parse_levels(const std::string& text) {
  std::vector<int> levels;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v <= 0 || v > 1'000'000) {
      return Failure{"--concurrency wants positive integers separated by commas, got '" + text +
                     "'"};
    }
    levels.push_back(static_cast<int>(v));
  }
  if (levels.empty()) return Failure{"--concurrency is empty"};
  return levels;
}

Outcome<BenchOptions> parse_bench_options(int argc, char** argv) {
  BenchOptions o;
  std::string levels = "1";
  // One option a line, with its help: clang-format would fold the chains into a paragraph.
  // clang-format off
  po::options_description common("Options of every workload");
  common.add_options()
    ("help,h", "show this help")
    ("url", po::value(&o.url), "target: the server's base URL (queue workloads) or the full URL (http); several joined by commas: connections spread over them (claim: producers on the first, consumers on the others)")
    ("concurrency,c", po::value(&levels)->default_value("1"), "connections; a list 1,10,100 runs one level after another")
    ("duration,d", po::value(&o.duration_s), "seconds per level")
    ("count,n", po::value(&o.count), "requests per level (claim: messages); the run ends when all are answered")
    ("rate", po::value(&o.rate), "intended requests per second; latency counts from the intended send time")
    ("size", po::value(&o.size), "message body bytes (post 100, get 150: a ~420-byte response)")
    ("queues", po::value(&o.queues)->default_value(1), "queues the connections spread over")
    ("pipeline", po::value(&o.pipeline)->default_value(1), "requests in flight per connection (pipeline: 16)")
    ("json", po::value(&o.json_path), "write the full result as JSON to this file")
    ("check", po::bool_switch(&o.check), "record every operation and check the history at the end")
    ("history", po::value(&o.history_path), "with --check: keep the history (JSON lines) in this file")
    ("timeout", po::value(&o.timeout_s)->default_value(10), "seconds before a request without answer fails")
    ("max-time", po::value(&o.max_time_s)->default_value(600), "bound in seconds on a --count level")
    ("progress", po::value(&o.progress), "live progress line (default: when stderr is a terminal)")
    ("quiet,q", po::bool_switch(&o.quiet), "print only the summary table")
    ("busy-poll", po::bool_switch(&o.busy_poll), "never sleep between events: the load core stays busy and a response never has to wake the load tool (like a load tool that is always busy, e.g. redis-benchmark at concurrency 100)");
  po::options_description http("http");
  http.add_options()
    ("method", po::value(&o.method)->default_value("GET"), "request method")
    ("header,H", po::value(&o.headers), "extra header 'Name: value' (repeatable)")
    ("body", po::value(&o.body), "request body");
  po::options_description queue("ping, post, get, claim, pipeline, sweep");
  queue.add_options()
    ("project", po::value(&o.project)->default_value("warren-bench"), "X-Project-ID")
    ("queue-prefix", po::value(&o.queue_prefix)->default_value("bench"), "queues are PREFIX-0, PREFIX-1, ...")
    ("flavor", po::value(&o.flavor), "create the queues with this flavor (a server with --pooling places them on its pools)")
    ("op", po::value(&o.op)->default_value("get"), "pipeline/sweep: the request to repeat (ping, get, post, claim)")
    ("producers", po::value(&o.producers)->default_value(0), "claim: producer connections (default: half)")
    ("batch", po::value(&o.batch)->default_value(5), "claim: messages per claim")
    ("backlog", po::value(&o.backlog)->default_value(-1), "claim: producers wait while this many messages are undeleted (-1: 2 x consumers x batch; 0: no bound)")
    ("claim-ttl", po::value(&o.claim_ttl)->default_value(60), "claim: claim ttl, seconds")
    ("grace", po::value(&o.claim_grace)->default_value(60), "claim: claim grace, seconds")
    ("ttl", po::value(&o.message_ttl)->default_value(3600), "message ttl, seconds")
    ("delay", po::value(&o.delay)->default_value(0), "claim: message delay, seconds (a delay queue)")
    ("max-claims", po::value(&o.max_claims)->default_value(0), "claim: dead-letter after N claims")
    ("release", po::value(&o.release)->default_value(0), "claim: fraction of claims released, not deleted")
    ("drain", po::value(&o.drain_s)->default_value(10), "claim --check: seconds to drain the queues after the load")
    ("keep-queues", po::bool_switch(&o.keep_queues), "leave the queues behind after the run");
  // clang-format on
  po::options_description all;
  all.add(common).add(http).add(queue);

  if (argc < 2) return Failure{"missing workload"};
  o.workload = argv[1];
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Failure{e.what()};
  }
  if (vm.count("help")) {
    std::cout << "usage: warren bench WORKLOAD --url URL --concurrency N[,N...] (--duration S | "
                 "--count N) [options]\n"
                 "       warren bench check HISTORY [--json FILE]\n\n"
                 "workloads:\n"
                 "  http      one fixed request (--method, --header, --body) to --url\n"
                 "  ping      GET /v2/ping with Zaqar's headers\n"
                 "  post      POST one message per request\n"
                 "  get       GET messages?limit=1 of a queue holding one message\n"
                 "  claim     producers post while consumers claim and delete (end-to-end rate)\n"
                 "  pipeline  --op requests, --pipeline deep on every connection\n"
                 "  sweep     --op over every --concurrency level\n\n"
              << all << "\n";
    return Failure{""};
  }
  if (o.workload == "pipeline" && !vm.count("pipeline")) o.pipeline = 16;
  auto parsed = parse_levels(levels);
  if (!parsed) return parsed.error();
  o.concurrency = *parsed;
  if (!vm.count("progress")) o.progress = isatty(STDERR_FILENO) != 0;
  if (o.url.empty()) return Failure{"--url is required"};
  if (o.duration_s <= 0 && o.count == 0) return Failure{"give --duration S or --count N"};
  if (o.pipeline < 1 || o.pipeline > 4096) return Failure{"--pipeline must be 1..4096"};
  if (o.queues < 1) return Failure{"--queues must be at least 1"};
  if (o.batch < 1 || o.batch > 20) return Failure{"--batch must be 1..20"};
  if (o.release < 0 || o.release > 1) return Failure{"--release is a fraction, 0..1"};
  if (o.rate < 0) return Failure{"--rate must be positive"};
  return o;
}

}  // namespace warren::bench
