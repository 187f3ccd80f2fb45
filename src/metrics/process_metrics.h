// Process metrics as Prometheus's client libraries name them (process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds, process_start_time_seconds), read from /proc/self when scraped, and
// warren_build_info{version}.
#pragma once

#include "metrics/exposition.h"

namespace warren::metrics {

// Writes the families above. A value /proc does not give is left out, never invented.
void write_process_metrics(Exposition& out);

}  // namespace warren::metrics
