#!/usr/bin/env bash
# Stops every redis-server that start-redis.sh or start-cluster.sh started for URL (replicas of a
# cluster included) and removes their temporary directory. Usage: stop-redis.sh URL
set -uo pipefail
url=${1:?usage: stop-redis.sh URL}
list=${url#redis://}
state=""
for node in ${list//,/ }; do
  port=${node##*:}
  dir=$(redis-cli -p "$port" config get dir 2>/dev/null | sed -n 2p)
  if [ -n "$dir" ]; then state=$(dirname "$dir"); break; fi
done
if [ -z "$state" ] || [ ! -d "$state" ]; then
  echo "stop-redis: no server of $url answers" >&2
  exit 0
fi
case "$state" in
  */warren-redis.*|*/warren-cluster.*) ;;
  *) echo "stop-redis: $state is not a Warren test directory" >&2; exit 1 ;;
esac
for pidfile in "$state"/*/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null
done
rm -rf "$state"
