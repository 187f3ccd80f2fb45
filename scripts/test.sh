#!/usr/bin/env bash
# The test command README.md gives (and .ci/run calls): installs what the tests need, builds
# the release and the sanitizer (ASan + UBSan) modes, and runs every suite against both:
# unit tests (ctest), integration tests over real sockets against the real binary (pytest), and
# the fuzz targets for a bounded time, and the rocksdb engine's crash tests (tests/crash/run.sh);
# a ThreadSanitizer build runs the tests of the server's threads too (tests/tsan/run.sh).
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PYTHONDONTWRITEBYTECODE=1

step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
scripts/install-deps.sh build test

step "build: release"
make --no-print-directory release
# Zaqar's functional tests spend two minutes waiting out message TTLs: they run beside the
# debug build, and their output is shown with the release suites below.
conformance_log=$(mktemp /tmp/warren-test-conformance.XXXXXX)
tests/conformance/run.sh build/release/warren >"$conformance_log" 2>&1 &
conformance_pid=$!
step "build: debug (ASan + UBSan)"
make --no-print-directory debug

PY=/usr/bin/python3   # Debian's interpreter: it has python3-zaqar and python3-zaqarclient
failed=()

# Real Redis servers on loopback for the redis engine's tests: one standalone, one 3-master
# cluster. Stopped on exit whatever happens.
step "redis servers"
REDIS_URL=$(tests/redis/start-redis.sh)
REDIS_CLUSTER_URL=$(tests/redis/start-cluster.sh)
cleanup() {
  tests/redis/stop-redis.sh "$REDIS_URL" >/dev/null 2>&1 || true
  tests/redis/stop-redis.sh "$REDIS_CLUSTER_URL" >/dev/null 2>&1 || true
}
trap cleanup EXIT
export WARREN_TEST_REDIS_URL=$REDIS_URL WARREN_TEST_REDIS_CLUSTER_URL=$REDIS_CLUSTER_URL
echo "redis: $REDIS_URL  cluster: $REDIS_CLUSTER_URL"
# A real Keystone on loopback for --auth keystone (tests/keystone/start-keystone.sh).
step "keystone"
keystone=$(tests/keystone/start-keystone.sh)
read -r KEYSTONE_URL KEYSTONE_STATE <<<"$keystone"
cleanup() {
  tests/redis/stop-redis.sh "$REDIS_URL" >/dev/null 2>&1 || true
  tests/redis/stop-redis.sh "$REDIS_CLUSTER_URL" >/dev/null 2>&1 || true
  tests/keystone/stop-keystone.sh "$KEYSTONE_STATE" >/dev/null 2>&1 || true
}
export WARREN_TEST_KEYSTONE_URL=$KEYSTONE_URL
echo "keystone: $KEYSTONE_URL"

for mode in release debug; do
  step "unit tests ($mode)"
  if ! ctest --test-dir "build/$mode" --output-on-failure -j 2 --timeout 300; then
    failed+=("unit tests ($mode)")
  fi
  step "integration tests ($mode)"
  sanitized=0; [ "$mode" = debug ] && sanitized=1
  if ! WARREN_BIN="$ROOT/build/$mode/warren" WARREN_SANITIZED=$sanitized \
       "$PY" -m pytest -q -p no:cacheprovider \
       tests/integration; then
    failed+=("integration tests ($mode)")
  fi
  if [ "$mode" = release ]; then
    step "conformance: python-zaqarclient, Zaqar's functional tests (wsgi and websocket) ($mode)"
    conformance_ok=1
    wait "$conformance_pid" || conformance_ok=0
    cat "$conformance_log"
    rm -f "$conformance_log"
    [ $conformance_ok = 1 ] || failed+=("conformance ($mode)")
    # SIGKILL, damaged-WAL and full-disk tests of the rocksdb engine (~50 s; release only: they
    # test the engine's recovery, which the sanitizers see in the unit tests).
    step "crash tests ($mode)"
    if ! WARREN_BIN="$ROOT/build/$mode/warren" tests/crash/run.sh; then
      failed+=("crash tests ($mode)")
    fi
    # The Debian package built, installed with dpkg, started, purged (~15 s; needs root).
    step "Debian package ($mode)"
    tests/package/run.sh "build/$mode" || failed+=("Debian package ($mode)")
  fi
done

# ThreadSanitizer: the server's threads (loops, commit thread, webhook sender, redis clients)
# under the unit and integration tests that run them at once (tests/tsan/run.sh); any report
# fails. Needs the redis servers above.
step "ThreadSanitizer (make tsan)"
if ! make --no-print-directory tsan || ! tests/tsan/run.sh build/tsan; then
  failed+=("tsan")
fi

step "fuzz targets (clang + libFuzzer, ${FUZZ_SECONDS:-30}s each, two at a time)"
if ! make --no-print-directory fuzz || ! tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"; then
  failed+=("fuzz")
fi

if [ ${#failed[@]} -gt 0 ]; then
  step "FAILED: ${failed[*]}"
  exit 1
fi
step "all suites passed"
