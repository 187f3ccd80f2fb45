#!/usr/bin/env bash
# Installs the Debian packages Warren needs, only when some are missing.
# Usage: scripts/install-deps.sh [build|test|bench]...   (default: build)
#   build — compilers and libraries for `warren` itself
#   test  — what the test suite starts or drives (redis, Keystone, Zaqar's clients and tests,
#           the openstack CLI, fuzzing)
#   bench — the peers the benchmarks compare against (nginx, Node.js, Zaqar's server)
#
# msgpack-cxx (MessagePack frames of the WebSocket API; header-only) is Debian's
# libmsgpack-cxx-dev, but that package depends on libboost-dev (Boost 1.74), which conflicts
# with libboost1.81-dev. So the build group fetches the Debian package with apt and unpacks its
# headers under $WARREN_DEPS_DIR (default /opt/warren-deps), where CMake finds them; nothing is
# installed behind dpkg's back and nothing is copied into this repository. Once the package is
# installable normally (/usr/include/msgpack.hpp present), that copy is used instead.
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ make pkg-config
  libboost1.81-dev libboost-program-options1.81-dev libboost-url1.81-dev
  libsimdjson-dev libfmt-dev librocksdb-dev libhiredis-dev libssl-dev libcurl4-openssl-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev help2man
)
test_pkgs=(
  clang libclang-rt-14-dev python3 python3-pytest python3-zaqarclient python3-zaqar python3-websocket
  python3-msgpack python3-requests python3-testtools python3-ddt python3-fixtures
  python3-stestr redis-server redis-tools procps nodejs sslscan python3-aiosmtpd
  python3-keystone python3-keystoneclient python3-keystoneauth1 python3-openstackclient curl openssl
  socat prometheus
)
bench_pkgs=(nginx-light nodejs node-ws python3-matplotlib util-linux zaqar-server python3-redis
            redis-server redis-tools valgrind wrk)
MSGPACK_PKG=libmsgpack-cxx-dev
DEPS_DIR=${WARREN_DEPS_DIR:-/opt/warren-deps}

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

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

# Unpacks Debian's msgpack-cxx headers (see the top of this file) unless they are present.
ensure_msgpack_cxx() {
  [ -f /usr/include/msgpack.hpp ] && return 0
  [ -f "$DEPS_DIR/$MSGPACK_PKG/usr/include/msgpack.hpp" ] && return 0
  echo "install-deps: unpacking Debian's $MSGPACK_PKG into $DEPS_DIR/$MSGPACK_PKG"
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt's sandbox user must be able to write the download
  (cd "$tmp" && apt-get download -qq "$MSGPACK_PKG" 2>/dev/null ||
     { $sudo apt-get update -qq && apt-get download -qq "$MSGPACK_PKG"; })
  $sudo mkdir -p "$DEPS_DIR/$MSGPACK_PKG"
  $sudo dpkg-deb -x "$tmp"/"$MSGPACK_PKG"_*.deb "$DEPS_DIR/$MSGPACK_PKG"
  rm -rf "$tmp"
}

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for g in "${groups[@]}"; do
  if [ "$g" = build ]; then ensure_msgpack_cxx; fi
done
