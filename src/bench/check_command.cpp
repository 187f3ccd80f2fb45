// `warren bench check`: the checker's command-line entry, for tests written in any language.
#include "bench/check_command.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "bench/history.h"
#include "bench/history_checker.h"

namespace warren::bench {

int run_check_command(int argc, char** argv) {
  std::string path, json_path;
  CheckOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--json" && i + 1 < argc) {
      json_path = argv[++i];
    } else if (a == "--tolerance" && i + 1 < argc) {
      options.tolerance_s = std::atof(argv[++i]);
    } else if (a == "--examples" && i + 1 < argc) {
      options.max_examples = static_cast<std::size_t>(std::atol(argv[++i]));
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: warren bench check HISTORY [--json FILE] [--tolerance SECONDS] [--examples N]\n"
          "Checks a history of queue operations (JSON lines; format in src/bench/history.h) for\n"
          "lost, phantom, duplicate, resurrected and out-of-order messages, deliveries during a\n"
          "live claim, early delayed deliveries and dead-letter violations.\n"
          "Exit status: 0 clean, 1 anomalies, 2 unreadable history.\n");
      return 0;
    } else if (path.empty() && (a.empty() || a[0] != '-' || a == "-")) {
      path = argv[i];
    } else {
      std::fprintf(stderr, "warren bench check: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: warren bench check HISTORY [--json FILE] [--tolerance SECONDS]\n");
    return 2;
  }
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "warren bench check: cannot open %s\n", path.c_str());
      return 2;
    }
  }
  auto events = read_history(path == "-" ? std::cin : file);
  if (!events) {
    std::fprintf(stderr, "warren bench check: %s: %s\n", path.c_str(),
                 events.error().message.c_str());
    return 2;
  }
  const CheckReport report = check_history(*events, options);
  std::fputs(check_report_text(report).c_str(), stdout);
  if (!json_path.empty()) {
    std::ofstream out(json_path, std::ios::trunc);
    out << check_report_json(report);
    if (!out) {
      std::fprintf(stderr, "warren bench check: cannot write %s\n", json_path.c_str());
      return 2;
    }
  }
  return report.clean() ? 0 : 1;
}

}  // namespace warren::bench
