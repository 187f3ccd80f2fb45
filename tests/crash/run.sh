#!/usr/bin/env bash
# The crash tests of the rocksdb engine, against the real binary:
#   test_kill.py  SIGKILL at random moments under load (24 kill points by default), restart on the
#                 same data directory, check every history with `warren bench check`; plus a
#                 negative control (the memory engine must be caught losing posts)
#   test_wal.py   cut, padded, garbage-tailed and bit-flipped write-ahead logs
# Usage: tests/crash/run.sh [pytest arguments...]
# Environment: WARREN_BIN (default build/release/warren), CRASH_CYCLES, CRASH_SEED.
# Bounded: the whole run is stopped after CRASH_TIMEOUT seconds (default 240); temporary data
# directories are removed on exit.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
export WARREN_BIN=${WARREN_BIN:-$ROOT/build/release/warren}
export PYTHONDONTWRITEBYTECODE=1
BASE=$(mktemp -d "${TMPDIR:-/tmp}/warren-crash-XXXXXX")
trap 'rm -rf "$BASE"' EXIT
timeout --kill-after=10 "${CRASH_TIMEOUT:-240}" \
  /usr/bin/python3 -m pytest -q -s -p no:cacheprovider --basetemp "$BASE" "$@" .
