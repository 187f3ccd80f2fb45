// The broadcast benchmark's levels, fixed-rate step and rate search.
#include "bench/broadcast_run.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

namespace warren::bench {
namespace {

bool passes(const StepResult& r, const BroadcastOptions& o) {
  // The round trip is the benchmark's rule; the delivery time to every subscriber is held to
  // the same limit, so a server cannot pass by answering senders first.
  return r.posted > 0 && r.rtt_mean_ms <= o.rtt_limit_ms && r.delivery_mean_ms <= o.rtt_limit_ms &&
         r.lost_messages == 0 && r.dropped_sockets == 0 && r.post_errors == 0;
}

void print_step(const BroadcastOptions& o, int clients, std::string_view label,
                const StepRecord& s) {
  if (o.quiet) return;
  const StepResult& r = s.result;
  std::string cpu = "-";
  if (s.server_cpu_s >= 0 && r.pushes > 0) {
    cpu = fmt::format("{:.2f}", s.server_cpu_s * 1e6 / static_cast<double>(r.pushes));
  }
  std::printf(
      "c=%-5d %-6s %8.1f posts/s offered %8.0f received %8.0f msgs/s  rtt mean %6.1f p99 %6.1f "
      "ms  delivery mean %6.1f p99 %6.1f ms  lost %lld dropped %d errors %lld  server %s "
      "us/msg  client %.2f us/msg  %s\n",
      clients, std::string(label).c_str(), r.offered_posts_per_s, r.offered_posts_per_s * clients,
      r.received_per_s(), r.rtt_mean_ms, r.rtt_p99_ms, r.delivery_mean_ms, r.delivery_p99_ms,
      static_cast<long long>(r.lost_messages), r.dropped_sockets,
      static_cast<long long>(r.post_errors), cpu.c_str(),
      r.pushes > 0 ? r.client_cpu_s * 1e6 / static_cast<double>(r.pushes) : 0.0,
      s.passed ? "ok" : "SATURATED");
  std::fflush(stdout);
}

StepRecord measured_step(BroadcastClients& clients, const BroadcastOptions& o, double posts_per_s,
                         double seconds) {
  StepRecord record;
  const double cpu0 = o.server_pid > 0 ? process_cpu_seconds(o.server_pid) : -1;
  record.result = clients.run_step(posts_per_s, seconds, o.loss_timeout_s);
  if (cpu0 >= 0) {
    const double cpu1 = process_cpu_seconds(o.server_pid);
    if (cpu1 >= 0) record.server_cpu_s = cpu1 - cpu0;
  }
  record.passed = passes(record.result, o);
  return record;
}

void purge(BroadcastClients& clients, const BroadcastOptions& o) {
  const std::string body =
      fmt::format(R"({{"queue_name":"{}","resource_types":["messages"]}})", o.target.queue);
  (void)clients.request("queue_purge", body, 10);
}

}  // namespace

double process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));
  std::string value;
  long long utime = 0, stime = 0;
  for (int field = 3; fields >> value; ++field) {  // field 3 is the state
    if (field == 14) utime = std::stoll(value);
    if (field == 15) {
      stime = std::stoll(value);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long process_rss_kb(int pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string_view key(field);
  while (std::getline(in, line)) {
    if (line.starts_with(key)) return std::stol(line.substr(key.size()));
  }
  return -1;
}

std::vector<BroadcastLevel> run_broadcast(const BroadcastOptions& o) {
  std::vector<BroadcastLevel> levels;
  for (const int count : o.levels) {
    BroadcastLevel level;
    level.clients = count;
    BroadcastClients clients(o.target);
    if (auto connected = clients.connect_and_subscribe(count, 120); !connected) {
      level.failure = connected.error().message;
      if (!o.quiet) std::printf("c=%-5d %s\n", count, level.failure.c_str());
      levels.push_back(std::move(level));
      continue;
    }
    purge(clients, o);
    // Warm-up: connections and the store settle; not recorded.
    (void)clients.run_step(std::max(1.0, o.start_rate / 2 / count), 1, o.loss_timeout_s);
    purge(clients, o);
    if (o.fixed_rate > 0) {
      level.fixed = measured_step(clients, o, o.fixed_rate / count, o.fixed_seconds);
      level.fixed_ran = true;
      print_step(o, count, "fixed", level.fixed);
      purge(clients, o);
    }
    double posts = o.start_rate / count;
    for (int step = 0; step < o.max_steps; ++step) {
      if (clients.open_connections() < count) break;
      StepRecord record = measured_step(clients, o, posts, o.step_seconds);
      print_step(o, count, "search", record);
      level.steps.push_back(record);
      if (o.server_pid > 0) level.server_rss_kb = process_rss_kb(o.server_pid);
      purge(clients, o);
      if (!record.passed) break;
      level.best = static_cast<int>(level.steps.size()) - 1;
      posts *= o.growth;
    }
    if (o.server_pid > 0) level.server_rss_peak_kb = process_rss_kb(o.server_pid, "VmHWM:");
    clients.close_all();
    levels.push_back(std::move(level));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return levels;
}

}  // namespace warren::bench
