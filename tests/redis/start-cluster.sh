#!/usr/bin/env bash
# Starts a Redis Cluster of 3 masters (and REPLICAS replicas per master, default 0) on free
# loopback ports, each node volatile and in its own temporary directory, and prints the URL of
# the masters: redis://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3. Stop it with stop-redis.sh URL.
# Usage: start-cluster.sh [REPLICAS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
replicas=${1:-0}
state=$(mktemp -d "${TMPDIR:-/tmp}/warren-cluster.XXXXXX")
nodes=()
ports=()
count=$((3 * (1 + replicas)))
for _ in $(seq 1 "$count"); do
  port=$(free_port)
  # (No delay before a replica's first sync: the default 5 s leaves a fresh replica unable to
  # take over from a master that dies in that time.)
  start_server "$state" "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout 2000 --repl-diskless-sync-delay 0
  ports+=("$port")
  nodes+=("127.0.0.1:$port")
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$replicas" --cluster-yes \
  >"$state/create.log" 2>&1 || { cat "$state/create.log" >&2; exit 1; }
# Wait until every node agrees that all slots are served.
for _ in $(seq 1 200); do
  ok=1
  for port in "${ports[@]}"; do
    if ! redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then ok=0; fi
  done
  [ $ok -eq 1 ] && break
  sleep 0.1
done
if [ $ok -ne 1 ]; then
  echo "the cluster did not converge; see $state" >&2
  exit 1
fi
# Wait until every replica has its master's data (until then it would refuse to fail over).
for port in "${ports[@]}"; do
  for _ in $(seq 1 200); do
    info=$(redis-cli -p "$port" info replication 2>/dev/null)
    echo "$info" | grep -q '^role:slave' || break
    echo "$info" | grep -q '^master_link_status:up' && break
    sleep 0.05
  done
done
masters=()
for port in "${ports[@]}"; do
  if redis-cli -p "$port" role 2>/dev/null | head -1 | grep -q master; then
    masters+=("127.0.0.1:$port")
  fi
done
(IFS=,; echo "redis://${masters[*]}")
