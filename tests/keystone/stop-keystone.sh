#!/usr/bin/env bash
# Stops the Keystone start-keystone.sh started in STATE_DIR and removes the directory.
# Usage: stop-keystone.sh STATE_DIR
set -uo pipefail
state=${1:?usage: stop-keystone.sh STATE_DIR}
case "$state" in
  */warren-keystone.*) ;;
  *) echo "stop-keystone: $state is not a Warren test directory" >&2; exit 1 ;;
esac
if [ -f "$state/pid" ]; then
  pid=$(cat "$state/pid")
  kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
fi
rm -rf "$state"
