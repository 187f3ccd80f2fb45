#!/usr/bin/env bash
# The crash soak of the rocksdb engine (item 9 of issue 16): RUNS SIGKILL / restart / check runs
# under producers, claimers and deleters, every history checked by `warren bench check`
# (soak.py says what a run is and where the kills land). Prints the totals: runs, kills, where
# the commit thread was at each kill, operations checked, lost / duplicated / double-claimed.
# Usage: tests/crash/soak.sh RUNS [soak.py options: --seed S --segment N --json FILE ...]
# Environment: WARREN_BIN (default build/release/warren); SOAK_TIME_LIMIT (seconds after which
# no new run starts; default 8 per run). Bounded: killed 120 s after that limit. Temporary data
# directories are removed on exit (a failing segment is kept and named).
# `tests/crash/run.sh` runs the short form (50 runs, ~2 minutes); bench/RESULTS-faults.md
# records a run of 1,000.
set -euo pipefail
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 RUNS [--seed S] [--segment N] [--json FILE] [--keep DIR]" >&2
  exit 2
fi
RUNS=$1
shift
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
export WARREN_BIN=${WARREN_BIN:-$ROOT/build/release/warren}
export PYTHONDONTWRITEBYTECODE=1
LIMIT=${SOAK_TIME_LIMIT:-$((RUNS * 8))}
SOAK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-soak-XXXXXX")
export SOAK_TMP
trap 'rm -rf "$SOAK_TMP"' EXIT
timeout --kill-after=10 $((LIMIT + 120)) \
  /usr/bin/python3 soak.py "$RUNS" --time-limit "$LIMIT" "$@"
