# Shared helpers of the Redis test scripts (sourced): free loopback ports and starting one
# redis-server in its own directory under a state folder.

# A TCP port on 127.0.0.1 that nothing listens on, with port+10000 (cluster bus) free too.
# Both stay below the kernel's ephemeral range (ip_local_port_range, from 32768 by default):
# a bus port in it could be taken by any outgoing connection between this check and the bind.
free_port() {
  local port tries=0 low=12000 high=22700
  local first
  first=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ $((high + 10000)) -lt "$first" ] || high=$((first - 10001))
  while [ $tries -lt 50 ]; do
    port=$(( (RANDOM * 32768 + RANDOM) % (high - low) + low ))
    if ! ss -ltnH "( sport = :$port or sport = :$((port + 10000)) )" 2>/dev/null | grep -q .; then
      echo "$port"
      return 0
    fi
    tries=$((tries + 1))
  done
  echo "no free port found" >&2
  return 1
}

# start_server STATE_DIR PORT [extra redis-server options...]: a volatile server on loopback.
start_server() {
  local state=$1 port=$2
  shift 2
  mkdir -p "$state/$port"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$state/$port" --pidfile "$state/$port/redis.pid" --logfile "$state/$port/redis.log" \
    --daemonize yes --enable-debug-command local "$@" >/dev/null
  local i
  for i in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.05
  done
  echo "redis-server on port $port did not start; see $state/$port/redis.log" >&2
  return 1
}
