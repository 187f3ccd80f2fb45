#!/usr/bin/env bash
# Conformance with Zaqar's real clients, against the binary given:
#   1. python-zaqarclient driving every queue, message, claim and subscription operation
#      (test_zaqarclient.py, pytest, one server per module on an ephemeral port);
#   2. Zaqar's own functional tests, wsgi v2 + v1_1 + versions (run-zaqar-functional.sh);
#   3. Zaqar's own WebSocket functional tests (run-zaqar-websocket.sh).
# All three run side by side with Debian's /usr/bin/python3 (python3-zaqarclient, python3-zaqar).
# Usage: tests/conformance/run.sh WARREN_BIN   — exits non-zero if anything fails.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WARREN_BIN=$(realpath "${1:?usage: $0 WARREN_BIN}")
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1

log=$(mktemp /tmp/warren-conformance.XXXXXX)
wslog=$(mktemp /tmp/warren-conformance-ws.XXXXXX)
trap 'rm -f "$log" "$wslog"' EXIT

"$HERE/run-zaqar-functional.sh" "$WARREN_BIN" >"$log" 2>&1 &
functional=$!
"$HERE/run-zaqar-websocket.sh" "$WARREN_BIN" >"$wslog" 2>&1 &
websocket=$!

status=0
printf '==== python-zaqarclient ====\n'
if ! WARREN_BIN="$WARREN_BIN" "$PY" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning \
     --rootdir "$HERE" "$HERE/test_zaqarclient.py" "$HERE/test_zaqarclient_pools.py"; then
  status=1
fi
if ! wait "$functional"; then status=1; fi
if ! wait "$websocket"; then status=1; fi
cat "$log" "$wslog"
[ $status -eq 0 ] && printf '\n==== conformance: passed ====\n' || printf '\n==== conformance: FAILED ====\n'
exit $status
