#!/usr/bin/env bash
# The ThreadSanitizer step of scripts/test.sh: against the TSan build (`make tsan`), runs the
# unit tests of the multi-thread paths (the push hub across loops, the webhook sender's thread,
# the event loops, the memory engine under concurrent threads, the rocksdb engine's commit
# thread, the redis engine's per-loop clients, the rate limits and credentials the loops share)
# and the integration tests that run several event loops beside the server's other threads
# (fan-out across loops, webhooks, redis nodes, authentication, SIGHUP's hand-over of options
# to every loop and the access log written from them, tests/tsan/test_loops.py).
# Any TSan report fails the step and is printed.
#   tests/tsan/run.sh [BUILD]     BUILD: the TSan build tree (default build/tsan)
# The redis parts need $WARREN_TEST_REDIS_URL and $WARREN_TEST_REDIS_CLUSTER_URL, as
# scripts/test.sh sets them; without them they are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
build=$(cd "${1:-build/tsan}" && pwd)
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
# halt_on_error: the first report ends the process with status 66. log_path: every report is
# also kept as a file, so one from a process whose status nobody checks still fails the step.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 log_path=$reports/tsan suppressions=$ROOT/tests/tsan/tsan.supp"
failed=()

# Test binaries of tests/unit, each with a gtest filter (the memory engine's: its stress test).
for unit in common/warren_common_test:Counter.* http/warren_http_test:Cancellation* \
            ws/notify_unit_tests:* notify/webhook_unit_tests:* \
            net/warren_net_test:* \
            store_memory/store_memory_test:MemoryStress.* store_rocksdb/store_rocksdb_test:* \
            store_redis/warren_store_redis_test:* \
            auth/warren_auth_test:RateBuckets.*:TokenIdentityTest.*; do
  path=${unit%%:*}
  name=${path#*/}
  echo "== unit: $name"
  if ! timeout 600 "$build/tests/unit/$path" --gtest_brief=1 --gtest_filter="${unit#*:}"; then
    failed+=("$name")
  fi
done

echo "== integration, several loops"
if ! WARREN_BIN="$build/warren" WARREN_SANITIZED=1 /usr/bin/python3 -m pytest -q \
     -p no:cacheprovider tests/integration/test_ws_push.py tests/integration/test_ws_webhook.py \
     tests/integration/test_redis_multinode.py tests/integration/test_auth_tokens.py \
     tests/integration/test_reload.py tests/integration/test_logs.py \
     tests/tsan/test_loops.py; then
  failed+=("integration")
fi

if compgen -G "$reports/tsan*" >/dev/null; then
  echo "== ThreadSanitizer reports"
  cat "$reports"/tsan*
  failed+=("reports")
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "tsan: FAILED: ${failed[*]}"
  exit 1
fi
echo "tsan: no report"
