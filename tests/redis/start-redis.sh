#!/usr/bin/env bash
# Starts one volatile redis-server (no RDB, no AOF) on a free loopback port, in its own temporary
# directory, and prints its URL: redis://127.0.0.1:PORT. Stop it with stop-redis.sh URL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
state=$(mktemp -d "${TMPDIR:-/tmp}/warren-redis.XXXXXX")
port=$(free_port)
start_server "$state" "$port"
echo "redis://127.0.0.1:$port"
