// Process metrics from /proc/self/stat, /proc/self/fd and /proc/stat.
#include "metrics/process_metrics.h"

#include <dirent.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include "common/version.h"

namespace warren::metrics {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces and parentheses):
// fields[0] is field 3 (state).
std::vector<std::string> stat_fields() {
  std::ifstream file("/proc/self/stat");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(text.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Seconds since the epoch of the machine's boot (/proc/stat btime).
std::optional<double> boot_time() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  std::uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count > 0 ? count - 1 : 0;  // not the directory's own descriptor
}

}  // namespace

void write_process_metrics(Exposition& out) {
  const std::vector<std::string> f = stat_fields();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Field numbers of proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24.
  auto field = [&f](std::size_t number) -> std::optional<double> {
    if (number < 3 || number - 3 >= f.size()) return std::nullopt;
    return std::stod(f[number - 3]);
  };
  if (auto utime = field(14), stime = field(15); utime && stime && ticks > 0) {
    out.family("process_cpu_seconds_total", Exposition::Type::counter,
               "Total user and system CPU time spent in seconds.");
    out.sample("process_cpu_seconds_total", "", (*utime + *stime) / ticks);
  }
  if (auto rss = field(24)) {
    out.family("process_resident_memory_bytes", Exposition::Type::gauge,
               "Resident memory size in bytes.");
    out.sample("process_resident_memory_bytes", "", *rss * page);
  }
  if (auto vsize = field(23)) {
    out.family("process_virtual_memory_bytes", Exposition::Type::gauge,
               "Virtual memory size in bytes.");
    out.sample("process_virtual_memory_bytes", "", *vsize);
  }
  if (auto start = field(22), boot = boot_time(); start && boot && ticks > 0) {
    out.family("process_start_time_seconds", Exposition::Type::gauge,
               "Start time of the process since unix epoch in seconds.");
    out.sample("process_start_time_seconds", "", *boot + *start / ticks);
  }
  if (auto fds = open_fds()) {
    out.family("process_open_fds", Exposition::Type::gauge, "Number of open file descriptors.");
    out.sample("process_open_fds", "", *fds);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.family("process_max_fds", Exposition::Type::gauge,
               "Maximum number of open file descriptors.");
    out.sample("process_max_fds", "", static_cast<std::uint64_t>(limit.rlim_cur));
  }
  out.family("warren_build_info", Exposition::Type::gauge,
             "Always 1; the labels say which Warren this is.");
  out.sample("warren_build_info", "version=\"" + Exposition::escape_label(kVersion) + "\"",
             std::uint64_t{1});
}

}  // namespace warren::metrics
