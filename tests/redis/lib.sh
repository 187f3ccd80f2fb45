# Shared helpers of the Redis test scripts (sourced): free loopback ports and starting one
# redis-server in its own directory under a state folder.

# A TCP port on 127.0.0.1 that nothing listens on, with port+10000 (cluster bus) free too.
free_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$(( (RANDOM * 32768 + RANDOM) % 25000 + 20000 ))
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
