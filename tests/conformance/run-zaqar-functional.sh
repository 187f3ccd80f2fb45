#!/usr/bin/env bash
# Runs Zaqar's own functional tests (Debian python3-zaqar: zaqar.tests.functional, the wsgi
# v2 and v1_1 suites, test_versions and the websocket suite) against a Warren server.
# Usage: tests/conformance/run-zaqar-functional.sh WARREN_BIN [GROUP...]
#   GROUP: versions | v2 | v1_1 | pools | websocket (default: the first four, side by side;
#   run-zaqar-websocket.sh runs the last). The websocket tests reach the server by upgrade on
#   its HTTP port: the plugin points their fixed ws://localhost:9000/ there (ZAQAR_WS_URL).
# Starts `WARREN_BIN serve` on an ephemeral loopback port (memory engine, v1.1 and --pooling
# on), writes the config files Debian's package omits (functional-tests.conf, read from
# ZAQAR_TESTS_CONFIGS_DIR, and the Zaqar config whose [transport] limits the tests read), runs
# the tests with Debian's /usr/bin/python3, stops the server and exits non-zero on a failure.
# Tests listed in KNOWN-DIFFERENCES.md are deselected (zaqar_functional_plugin.py).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WARREN_BIN=$(realpath "${1:?usage: $0 WARREN_BIN [versions|v2|v1_1|websocket]...}")
shift
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(versions v2 v1_1 pools)
PY=/usr/bin/python3

work=$(mktemp -d /tmp/warren-zaqar-functional.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$WARREN_BIN" serve --listen 127.0.0.1:0 --threads 2 --storage memory --pooling \
  --enable-deprecated-api-versions 1.1 >"$work/warren.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/warren.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "warren did not start:" >&2
  cat "$work/warren.log" >&2
  exit 1
fi

cat >"$work/functional-tests.conf" <<EOF
[DEFAULT]
run_tests = True

[zaqar]
url = http://127.0.0.1:$port
config = functional-zaqar.conf

[headers]
user_agent = FunctionalTests
project_id = 123456
EOF

# The Zaqar config the tests load for their limits and defaults: Warren's (Zaqar's) defaults.
# The storage drivers are Zaqar's `faulty` test drivers: the tests build a Bootstrap from this
# file but store nothing through it.
cat >"$work/functional-zaqar.conf" <<EOF
[DEFAULT]
enable_deprecated_api_versions = 1.1

[drivers]
transport = wsgi
message_store = faulty
management_store = faulty

[transport]
max_queues_per_page = 20
max_messages_per_page = 20
max_subscriptions_per_page = 20
max_messages_per_claim_or_pop = 20
max_queue_metadata = 65536
max_messages_post_size = 262144
max_message_ttl = 1209600
default_message_ttl = 3600
max_message_delay = 900
default_message_delay = 0
max_claim_ttl = 43200
default_claim_ttl = 300
max_claim_grace = 43200
default_claim_grace = 60
default_subscription_ttl = 3600
EOF
# The websocket suite names its own config (websocket_mongodb.conf): the same limits, read the
# same way (no MongoDB: nothing is stored through the tests' Bootstrap).
cp "$work/functional-zaqar.conf" "$work/websocket_mongodb.conf"
# v1_1's test_pools names wsgi_mongodb_pooled.conf (Debian omits it): the same limits.
cp "$work/functional-zaqar.conf" "$work/wsgi_mongodb_pooled.conf"
printf '[pytest]\n' >"$work/pytest.ini"

run_group() {
  local group=$1 module
  case "$group" in
    versions) module=zaqar.tests.functional.wsgi.test_versions ;;
    v2) module=zaqar.tests.functional.wsgi.v2 ;;
    v1_1) module=zaqar.tests.functional.wsgi.v1_1 ;;
    websocket) module=zaqar.tests.functional.websocket ;;
    # Zaqar's pool tests are `requires_mongodb` and register pools with the URI
    # ZAQAR_TEST_MONGODB_URL names: here an engine Warren has (memory:). In their own run, as
    # that variable rewrites every test's config.
    pools) module=zaqar.tests.functional.wsgi.v1_1.test_pools ;;
    *) echo "unknown group $group (versions|v2|v1_1|pools|websocket)" >&2; return 2 ;;
  esac
  local -a pool_env=()
  [ "$group" = pools ] && pool_env=(ZAQAR_TEST_MONGODB=1 ZAQAR_TEST_MONGODB_URL=memory:)
  (cd "$work" && env "${pool_env[@]}" ZAQAR_TESTS_CONFIGS_DIR="$work" ZAQAR_TEST_INTEGRATION=1 \
     ZAQAR_WS_URL="ws://127.0.0.1:$port/" \
     PYTHONPATH="$HERE" PYTHONDONTWRITEBYTECODE=1 \
     "$PY" -m pytest -c "$work/pytest.ini" -p zaqar_functional_plugin -p no:cacheprovider \
       -q -rfEs -W ignore::DeprecationWarning --pyargs "$module")
}

# The groups run side by side (v2's two subscription-expiry tests each wait out a 60 s TTL).
pids=()
for group in "${groups[@]}"; do
  run_group "$group" >"$work/$group.out" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!groups[@]}"; do
  group=${groups[$i]}
  if wait "${pids[$i]}"; then result=passed; else result=FAILED; status=1; fi
  printf '\n==== Zaqar functional tests: %s (%s) ====\n' "$group" "$result"
  if [ "$result" = passed ]; then
    grep -E '^(SKIPPED|[0-9]+ (passed|failed|skipped|deselected)|=+ .*(passed|failed).* =+$)' \
      "$work/$group.out" || tail -n 3 "$work/$group.out"
  else
    cat "$work/$group.out"
  fi
done
if [ $status -ne 0 ]; then
  echo "warren log:" >&2
  tail -n 50 "$work/warren.log" >&2
fi
exit $status
