// Command-line and config-file parsing of `warren serve` (Boost.Program_options): the sections
// of every subsystem (option_section.h), then each section's check.
#include "server/serve_options.h"

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "common/version.h"
#include "server/option_section.h"

namespace warren::server {

namespace po = boost::program_options;

ParsedServeOptions parse_serve_options(int argc, char** argv) {
  ServeOptions o;
  std::string config_file;
  po::options_description general("General");
  general.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("config", po::value(&config_file), "read options from this file (key = value lines, same names)");
  OptionSection sections[] = {server_options(o),    storage_options(o), zaqar_options(o),
                              websocket_options(o), mail_options(o),    tls_options(o),
                              security_options(o)};
  po::options_description all;
  all.add(general);
  for (const OptionSection& section : sections) all.add(section.description);

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("config")) {
      po::store(po::parse_config_file(vm["config"].as<std::string>().c_str(), all), vm);
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warren serve: %s\n(see `warren serve --help`)\n", e.what());
    return {std::nullopt, 2};
  }
  if (vm.count("help")) {
    std::cout << "usage: warren serve [options]\n\nRuns the Zaqar v2 queue server.\n\n" << all << "\n";
    return {std::nullopt, 0};
  }
  if (vm.count("version")) {
    std::printf("warren %s\n", kVersion);
    return {std::nullopt, 0};
  }
  for (const OptionSection& section : sections) {
    if (auto checked = section.check(); !checked) {
      std::fprintf(stderr, "warren serve: %s\n", checked.error().description.c_str());
      return {std::nullopt, 2};
    }
  }
  return {std::move(o), 0};
}

}  // namespace warren::server
