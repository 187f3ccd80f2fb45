#!/usr/bin/env bash
# The Debian package, end to end (scripts/test.sh runs it after the release build; ~15 s):
# builds it (scripts/build-deb.sh), installs it with dpkg -i, checks what it installed
# (binary, man page, unit file passing systemd-analyze verify, the conffile listing every
# option), starts `warren serve --config /etc/warren/warren.conf` on a free loopback port,
# checks it answers, and purges the package. Needs root (dpkg); exits non-zero on any failure.
# lintian, when installed, is run and reported, not enforced.
# Usage: tests/package/run.sh [BUILD_DIR]   (default: build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/release}
[ "$(id -u)" -eq 0 ] || { echo "package test: needs root (dpkg -i)" >&2; exit 1; }

fail() { echo "package test: FAILED: $*" >&2; exit 1; }
# It purges what it installs: never where a warren package is installed already.
if dpkg-query -W -f='${Status}' warren 2>/dev/null | grep -q "ok installed"; then
  fail "a warren package is installed here already; not touching it (dpkg --purge it first)"
fi
DEB=$(scripts/build-deb.sh "$BUILD")
echo "package test: built $DEB"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  dpkg --purge warren >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

info=$(dpkg-deb --info "$DEB")
contents=$(dpkg-deb --contents "$DEB")
grep -q "Depends: .*libc6" <<<"$info" || fail "no Depends from dpkg-shlibdeps"
grep -q "\./etc/warren/warren.conf" <<<"$contents" || fail "no warren.conf"
dpkg -i "$DEB" >/dev/null
for f in /usr/bin/warren /usr/share/man/man1/warren.1.gz /lib/systemd/system/warren.service \
         /etc/warren/warren.conf; do
  [ -f "$f" ] || fail "$f not installed"
done
grep -qx "/etc/warren/warren.conf" /var/lib/dpkg/info/warren.conffiles || fail "not a conffile"
man=$(zcat /usr/share/man/man1/warren.1.gz)
grep -q -- 'max\\-body\\-bytes' <<<"$man" || fail "man page lacks the options"
grep -q "^#max-body-bytes = " /etc/warren/warren.conf || fail "warren.conf lacks an option"
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze verify /lib/systemd/system/warren.service 2>&1) || fail "systemd-analyze: $out"
  if echo "$out" | grep -q warren.service; then fail "systemd-analyze: $out"; fi
fi

# The installed binary with the installed config file (every line a comment: the defaults),
# on an ephemeral port, its data in a scratch directory.
(cd "$work" && exec /usr/bin/warren serve --config /etc/warren/warren.conf \
   --listen 127.0.0.1:0 --threads 1 > "$work/log" 2>&1) &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "warren exited: $(cat "$work/log")"
  sleep 0.1
done
[ -n "$port" ] || fail "warren did not start: $(cat "$work/log")"
status=$(curl -s -o /dev/null -w "%{http_code}" -H "Client-ID: 3381af92-2b9e-11e3-b191-71861300734c" -H "X-Project-ID: package" "http://127.0.0.1:$port/v2/ping")
[ "$status" = 204 ] || fail "ping answered $status"
kill "$pid"; wait "$pid" || fail "warren exited non-zero on SIGTERM"
pid=""

if command -v lintian >/dev/null; then
  echo "package test: lintian (reported, not enforced):"
  lintian --tag-display-limit 0 "$DEB" 2>&1 | sed 's/^/  /' || true
fi
dpkg --purge warren >/dev/null
[ ! -e /usr/bin/warren ] && [ ! -e /etc/warren/warren.conf ] || fail "purge left files behind"
echo "package test: passed"
