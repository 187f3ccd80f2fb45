#!/usr/bin/env bash
# Installs the Debian packages Warren needs, only when some are missing.
# Usage: scripts/install-deps.sh [build|test|bench]...   (default: build)
#   build — compilers and libraries for `warren` itself
#   test  — what the test suite starts or drives (redis, Zaqar's clients and tests, fuzzing)
#   bench — the peers the benchmarks compare against (nginx, Node.js, Zaqar's server)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ make pkg-config
  libboost1.81-dev libboost-program-options1.81-dev libboost-url1.81-dev
  libsimdjson-dev libfmt-dev librocksdb-dev libhiredis-dev libssl-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(
  clang libclang-rt-14-dev python3 python3-pytest python3-zaqarclient python3-zaqar python3-websocket
  python3-msgpack python3-requests python3-testtools python3-ddt python3-fixtures
  python3-stestr redis-server redis-tools procps nodejs
)
bench_pkgs=(nginx-light nodejs python3-matplotlib util-linux zaqar-server python3-redis redis-server
            redis-tools wrk)

want=()
groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build)
for g in "${groups[@]}"; do
  case "$g" in
    build) want+=("${build_pkgs[@]}") ;;
    test) want+=("${test_pkgs[@]}") ;;
    bench) want+=("${bench_pkgs[@]}") ;;
    *) echo "install-deps: unknown group '$g' (build|test|bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
