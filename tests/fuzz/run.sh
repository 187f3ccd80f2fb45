#!/usr/bin/env bash
# Runs every fuzz target of build/fuzz for a bounded time each: tests/fuzz/run.sh [SECONDS].
# Targets: fuzz_http_request, fuzz_json_bodies, fuzz_ws_frames (every build/fuzz/tests/fuzz/fuzz_*).
# Seeds come from tests/fuzz/corpus/<target>/; new inputs go to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
status=0
for target in build/fuzz/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  work=$(mktemp -d)
  seeds=tests/fuzz/corpus/${name#fuzz_}
  echo "fuzzing $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 "$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
       >"$work.log" 2>&1; then
    echo "FAILED: $name"; tail -50 "$work.log"; status=1
  else
    grep -E "stat::number_of_executed_runs|Done" "$work.log" | tail -2
  fi
  rm -rf "$work" "$work.log"
done
exit $status
