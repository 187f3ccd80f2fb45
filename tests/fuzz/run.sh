#!/usr/bin/env bash
# Runs the libFuzzer targets that `make fuzz` built (every <build>/tests/fuzz/fuzz_*).
#
# Short form (what `make test` runs):
#   tests/fuzz/run.sh [SECONDS]
#     every target for SECONDS (default 30), two at a time, from the seeds in
#     tests/fuzz/corpus/<target>/ (target name without "fuzz_") into a temporary corpus that is
#     thrown away. Fails on any crash, sanitizer report, timeout or out-of-memory.
#
# Long form (by hand, for hours; see bench/RESULTS-faults.md, "Fuzzing"):
#   nice -n 19 tests/fuzz/run.sh --long DURATION [--dir DIR] [--jobs N] [--round SECONDS]
#                                [TARGET...]
#     fuzzes until DURATION has passed (seconds, or with a suffix: 90m, 4h), N targets at a time
#     (default: the number of cores), each for up to --round seconds (default 600) before the
#     next takes its turn, round after round. Everything lives under DIR (default
#     $WARREN_FUZZ_DIR or ~/.cache/warren-fuzz), outside the repository:
#       corpus/<target>/     the growing corpus (the repository's seeds are read too)
#       crashes/<target>/    inputs that crashed, timed out or ran out of memory
#       logs/<target>.log    the last session's libFuzzer output
#       ledger               one line per finished session: target, inputs executed, seconds,
#                            outcome
#     Stopping it (Ctrl-C, SIGTERM) ends the sessions under way, which still count; running it
#     again resumes from the corpus and adds to the ledger. A crash is kept and fuzzing goes on.
#     At the end it prints, per target, the inputs executed in this run and in all runs.
#
# Options for both forms: --build DIR (default build/fuzz, or $WARREN_FUZZ_BUILD).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

mode=short
seconds=30
duration=
dir=${WARREN_FUZZ_DIR:-$HOME/.cache/warren-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
round=600
build=${WARREN_FUZZ_BUILD:-build/fuzz}
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --long) mode=long; duration=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --round) round=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    [0-9]*) seconds=$1; shift ;;
    *) only+=("$1"); shift ;;
  esac
done

# DURATION as seconds: 3600, 90m, 4h.
to_seconds() {
  case "$1" in
    *h) echo $(( ${1%h} * 3600 )) ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

targets=()
for t in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx -e "$name" -e "${name#fuzz_}"; then
    continue
  fi
  targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "run.sh: no fuzz targets in $build/tests/fuzz (run make fuzz first)" >&2
  exit 2
fi

# The libFuzzer options every session uses; the dictionary when the target has one.
fuzz_args() {
  local name=$1
  local args=(-max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  local dict=tests/fuzz/dict/${name#fuzz_}.dict
  [ -f "$dict" ] && args+=("-dict=$dict")
  printf '%s\n' "${args[@]}"
}

# Inputs a session executed, from its log: the final stats, else the last status line (a
# session killed before printing them).
executed() {
  local log=$1 n
  n=$(grep -oE 'stat::number_of_executed_(runs|units): *[0-9]+' "$log" 2>/dev/null | tail -1 |
      grep -oE '[0-9]+$' || true)
  if [ -z "$n" ]; then
    n=$(grep -oE '^#[0-9]+' "$log" 2>/dev/null | tail -1 | tr -d '#' || true)
  fi
  echo "${n:-0}"
}

# ---- short form ----
if [ "$mode" = short ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  declare -A pid_of=()
  status=0
  finish() {  # reports the session of target $1
    local name=$1
    if ! wait "${pid_of[$name]}"; then
      echo "FAILED: $name"
      tail -50 "$work/$name.log"
      status=1
    else
      echo "$name: $(executed "$work/$name.log") inputs in ${seconds}s, no crash"
    fi
  }
  running=()
  for name in "${targets[@]}"; do
    mkdir -p "$work/$name"
    seeds=tests/fuzz/corpus/${name#fuzz_}
    [ -d "$seeds" ] || seeds=
    mapfile -t args < <(fuzz_args "$name")
    echo "fuzzing $name for ${seconds}s"
    "$build/tests/fuzz/$name" "${args[@]}" -max_total_time="$seconds" \
      -artifact_prefix="$work/$name-" "$work/$name" ${seeds:+"$seeds"} >"$work/$name.log" 2>&1 &
    pid_of[$name]=$!
    running+=("$name")
    if [ ${#running[@]} -ge 2 ]; then
      finish "${running[0]}"
      running=("${running[@]:1}")
    fi
  done
  for name in "${running[@]}"; do finish "$name"; done
  exit $status
fi

# ---- long form ----
total=$(to_seconds "$duration")
deadline=$(( $(date +%s) + total ))
mkdir -p "$dir/logs"
touch "$dir/ledger"
echo "fuzzing ${targets[*]} for ${total}s, $jobs at a time, rounds of ${round}s, in $dir"

declare -A pid_of=() started_at=()
crashes=0
stopping=0
record() {  # waits for target $1's session and adds it to the ledger
  local name=$1 rc=0 outcome=ok
  wait "${pid_of[$name]}" || rc=$?
  local log="$dir/logs/$name.log"
  if [ "$rc" -ne 0 ]; then
    if grep -qE 'ERROR: libFuzzer: (deadly signal|timeout|out-of-memory|fuzz target exited)|ERROR: (Address|UndefinedBehavior|Leak)Sanitizer|runtime error:|==[0-9]+==ERROR' "$log"; then
      outcome=crash
      crashes=$((crashes + 1))
      echo "CRASH in $name: $(grep -oE "Test unit written to [^ ]+" "$log" | tail -1)"
      cp "$log" "$dir/crashes/$name/log-$(date +%Y%m%d-%H%M%S)"
    elif [ "$stopping" -eq 1 ] || grep -q 'run interrupted' "$log"; then
      outcome=stopped
    else
      outcome="exit-$rc"
    fi
  fi
  printf '%s %s %s %s %s\n' "$name" "$(executed "$log")" \
    "$(( $(date +%s) - ${started_at[$name]} ))" "$outcome" "$(date -u +%FT%TZ)" >>"$dir/ledger"
  unset "pid_of[$name]"
}
stop() {
  stopping=1
  for name in "${!pid_of[@]}"; do kill -INT "${pid_of[$name]}" 2>/dev/null || true; done
}
trap stop INT TERM

start() {  # starts a session of target $1 for at most $2 seconds
  local name=$1 limit=$2
  mkdir -p "$dir/corpus/$name" "$dir/crashes/$name"
  local seeds=tests/fuzz/corpus/${name#fuzz_}
  [ -d "$seeds" ] || seeds=
  mapfile -t args < <(fuzz_args "$name")
  started_at[$name]=$(date +%s)
  "$build/tests/fuzz/$name" "${args[@]}" -max_total_time="$limit" \
    -artifact_prefix="$dir/crashes/$name/" "$dir/corpus/$name" ${seeds:+"$seeds"} \
    >"$dir/logs/$name.log" 2>&1 &
  pid_of[$name]=$!
}

[ "$jobs" -gt ${#targets[@]} ] && jobs=${#targets[@]}
ledger_start=$(wc -l <"$dir/ledger")
next=0  # round-robin position in targets
while [ "$stopping" -eq 0 ]; do
  now=$(date +%s)
  [ "$now" -ge "$deadline" ] && break
  if [ ${#pid_of[@]} -lt "$jobs" ]; then
    # The next target in turn that is not running (there is one: jobs <= targets).
    while [ -n "${pid_of[${targets[$next]}]:-}" ]; do next=$(( (next + 1) % ${#targets[@]} )); done
    left=$((deadline - now))
    start "${targets[$next]}" $(( left < round ? left : round ))
    next=$(( (next + 1) % ${#targets[@]} ))
    continue
  fi
  wait -n || true
  for name in "${!pid_of[@]}"; do
    kill -0 "${pid_of[$name]}" 2>/dev/null || record "$name"
  done
done
for name in "${!pid_of[@]}"; do record "$name"; done

echo
echo "inputs executed per target (this run / all runs in $dir/ledger):"
tail -n +"$((ledger_start + 1))" "$dir/ledger" >"$dir/.this-run"
printf '  %-22s %16s %16s\n' target "this run" "all runs"
sum_this=0; sum_all=0
for name in "${targets[@]}"; do
  this=$(awk -v t="$name" '$1 == t { s += $2 } END { printf "%d", s }' "$dir/.this-run")
  all=$(awk -v t="$name" '$1 == t { s += $2 } END { printf "%d", s }' "$dir/ledger")
  sum_this=$((sum_this + this)); sum_all=$((sum_all + all))
  printf '  %-22s %16s %16s\n' "$name" "$this" "$all"
done
printf '  %-22s %16s %16s\n' total "$sum_this" "$sum_all"
echo "crashes this run: $crashes (inputs in $dir/crashes/)"
rm -f "$dir/.this-run"
[ "$crashes" -eq 0 ]
