#!/usr/bin/env bash
# The crash and fault tests of the rocksdb engine, against the real binary:
#   test_kill.py         SIGKILL at random moments under load (24 kill points by default),
#                        restart on the same data directory, check every history with
#                        `warren bench check`; plus a negative control (the memory engine must
#                        be caught losing posts)
#   test_wal.py          cut, padded, garbage-tailed and bit-flipped write-ahead logs
#   test_disk_full.py    a real full disk (a small tmpfs; skipped where none can be mounted)
#   test_disk_faults.py  EIO, ENOSPC and short writes injected into the engine's writes and
#                        syncs (the LD_PRELOAD shim disk_fault.c, built next to the binary)
#   soak.sh 50           the crash soak's short form: 50 kill / restart / check runs with
#                        claimers, kills aimed at group commits and at recovery (~1-2 min)
# Usage: tests/crash/run.sh [pytest arguments...] (arguments replace the test list; the soak
# runs only without arguments)
# Environment: WARREN_BIN (default build/release/warren), CRASH_CYCLES, CRASH_SEED,
# SOAK_RUNS (default 50; 0 skips the soak).
# Bounded: the tests are stopped after CRASH_TIMEOUT seconds (default 240), the soak after its
# own limit (soak.sh); temporary data directories are removed on exit.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
export WARREN_BIN=${WARREN_BIN:-$ROOT/build/release/warren}
export PYTHONDONTWRITEBYTECODE=1
BASE=$(mktemp -d "${TMPDIR:-/tmp}/warren-crash-XXXXXX")
trap 'rm -rf "$BASE"' EXIT
status=0
if [ $# -gt 0 ]; then
  timeout --kill-after=10 "${CRASH_TIMEOUT:-240}" \
    /usr/bin/python3 -m pytest -q -s -p no:cacheprovider --basetemp "$BASE" "$@"
  exit
fi
timeout --kill-after=10 "${CRASH_TIMEOUT:-240}" \
  /usr/bin/python3 -m pytest -q -s -p no:cacheprovider --basetemp "$BASE" . || status=$?
if [ "${SOAK_RUNS:-50}" -gt 0 ]; then
  ./soak.sh "${SOAK_RUNS:-50}" || status=$?
fi
exit $status
