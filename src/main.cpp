// The `warren` command: `warren serve` runs the queue server, `warren bench` the load generator.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "bench/bench_command.h"
#include "common/version.h"
#include "server/serve_command.h"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: warren <command> [options]\n"
               "\n"
               "commands:\n"
               "  serve    run the queue server (Zaqar v2 API over HTTP and WebSocket)\n"
               "  bench    drive load against a Zaqar v2 endpoint and report\n"
               "\n"
               "`warren <command> --help` describes each command's options.\n"
               "`warren --version` prints the version.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "serve") return warren::server::run_serve_command(argc - 1, argv + 1);
  if (command == "bench") return warren::bench::run_bench_command(argc - 1, argv + 1);
  if (command == "--version" || command == "version") {
    std::printf("warren %s\n", warren::kVersion);
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "warren: unknown command '%s'\n\n", argv[1]);
  print_usage(stderr);
  return 2;
}
