#!/usr/bin/env bash
# A failover under load, by hand (not in CI: ~40 s, and its outcome is a measurement, not a
# pass/fail): a cluster of 3 masters with one replica each, 2 `warren serve --storage redis`
# nodes over it, `warren bench claim --check` with producers on one node and consumers on the
# other; mid-run the master serving the first benchmark queue is killed (SIGKILL) and its
# replica takes over. The history checker's report says what the clients saw (lost
# acknowledged messages, double deliveries...). docs/redis.md records a run.
#
# Usage: tests/redis/failover-run.sh [WAIT_REPLICAS (default 0)] [WARREN_BIN]
# Leaves nothing running; the history and reports stay in the printed directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
wait_replicas=${1:-0}
warren=${2:-$root/build/release/warren}
out=$(mktemp -d "${TMPDIR:-/tmp}/warren-failover.XXXXXX")
project=failover-$$
pids=()
cluster=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$cluster" ] && "$here/stop-redis.sh" "$cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

cluster=$("$here/start-cluster.sh" 1)
echo "cluster (masters): $cluster"
urls=()
for i in 1 2; do
  "$warren" serve --listen 127.0.0.1:0 --threads 1 --storage redis --redis "$cluster" \
    --redis-wait-replicas "$wait_replicas" >"$out/warren-$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2; do
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/warren-$i.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "warren node $i did not start"; cat "$out/warren-$i.log"; exit 1; }
  urls+=("http://127.0.0.1:$port")
done
echo "warren nodes: ${urls[*]}  (--redis-wait-replicas $wait_replicas)"

# The master serving queue bench-0 of the project (its keys' hash tag).
slot=$(redis-cli -p "${cluster##*:}" cluster keyslot "w:{$project/bench-0}:q")
victim=$(redis-cli -p "${cluster##*:}" cluster nodes | awk -v slot="$slot" '
  $3 ~ /master/ { for (i = 9; i <= NF; i++) { split($i, r, "-"); if (slot >= r[1] && slot <= (r[2] == "" ? r[1] : r[2])) { split($2, a, "@"); print a[1] } } }')
victim_port=${victim##*:}
victim_pid=$(redis-cli -p "$victim_port" info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p' | tr -d '\r')
victim_dir=$(redis-cli -p "$victim_port" config get dir | sed -n 2p)
survivor=$(echo "${cluster#redis://}" | tr , '\n' | grep -v ":$victim_port\$" | head -1)
echo "queue bench-0 is in slot $slot on master $victim (pid $victim_pid)"

"$warren" bench claim --url "$(IFS=,; echo "${urls[*]}")" -c 8 -d 12 --queues 3 \
  --project "$project" --check --drain 10 --history "$out/history.jsonl" \
  --json "$out/report.json" --progress false --timeout 5 >"$out/bench.txt" 2>&1 &
bench=$!
sleep 4
echo "$(date +%T.%N | cut -c1-12) SIGKILL master $victim"
kill -9 "$victim_pid"
rm -f "$victim_dir/redis.pid"  # so stop-redis.sh does not signal a recycled pid
# Promoted: the victim is marked failed and three healthy masters serve slots again.
promoted=0
for _ in $(seq 1 150); do
  nodes=$(redis-cli -p "${survivor##*:}" cluster nodes 2>/dev/null)
  healthy=$(echo "$nodes" | awk '$3 ~ /master/ && $3 !~ /fail/ && NF > 8 { n++ } END { print n + 0 }')
  if echo "$nodes" | grep -q "$victim@.* master,fail " && [ "$healthy" = 3 ]; then
    promoted=1
    break
  fi
  sleep 0.1
done
echo "$(date +%T.%N | cut -c1-12) replica promoted: $promoted"
rc=0
wait "$bench" || rc=$?
redis-cli -p "${survivor##*:}" cluster nodes >"$out/cluster-nodes.txt" 2>&1 || true
cat "$out/bench.txt"
echo "bench exit status $rc; history and reports in $out"
