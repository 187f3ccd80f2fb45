// `warren bench check HISTORY`: runs the history checker on a file and reports.
#pragma once

namespace warren::bench {

// argv[0] == "check". Exit status: 0 clean, 1 anomalies found, 2 unreadable history or usage.
int run_check_command(int argc, char** argv);

}  // namespace warren::bench
