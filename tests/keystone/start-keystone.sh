#!/usr/bin/env bash
# Starts a real Keystone (Debian's python3-keystone, the identity API v3) on a free loopback port,
# in its own temporary directory: a sqlite database, fernet tokens, an in-memory cache and cheap
# password hashing (for tests only), bootstrapped with the admin user "admin" (password
# $KEYSTONE_ADMIN_PASSWORD, default warren-test-admin) in project "admin", roles admin, member and
# reader. Prints "URL STATE_DIR" once it answers; stop it with stop-keystone.sh STATE_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../redis/lib.sh"   # free_port
password=${KEYSTONE_ADMIN_PASSWORD:-warren-test-admin}
state=$(mktemp -d "${TMPDIR:-/tmp}/warren-keystone.XXXXXX")
port=$(free_port)
url="http://127.0.0.1:$port/v3"
user=$(id -un)
group=$(id -gn)
mkdir -p "$state/fernet-keys" "$state/credential-keys" "$state/log"
cat > "$state/keystone.conf" <<CONF
[DEFAULT]
log_dir = $state/log
[database]
connection = sqlite:///$state/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $state/fernet-keys
[fernet_receipts]
key_repository = $state/fernet-keys
[credential]
key_repository = $state/credential-keys
[cache]
enabled = true
backend = dogpile.cache.memory
[identity]
password_hash_rounds = 4
CONF
export OS_KEYSTONE_CONFIG_DIR=$state
manage() { keystone-manage --config-file "$state/keystone.conf" "$@" >>"$state/log/manage.log" 2>&1; }
manage db_sync
manage fernet_setup --keystone-user "$user" --keystone-group "$group"
manage credential_setup --keystone-user "$user" --keystone-group "$group"
manage bootstrap --bootstrap-password "$password" --bootstrap-admin-url "$url/" \
  --bootstrap-internal-url "$url/" --bootstrap-public-url "$url/" --bootstrap-region-id RegionOne
setsid keystone-wsgi-public --host 127.0.0.1 --port "$port" >"$state/log/wsgi.log" 2>&1 &
echo $! > "$state/pid"
for _ in $(seq 1 600); do
  if curl -sf "$url/" >/dev/null 2>&1; then
    echo "$url $state"
    exit 0
  fi
  if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "keystone did not start:" >&2
tail -20 "$state/log/wsgi.log" "$state/log/manage.log" >&2 || true
"$here/stop-keystone.sh" "$state"
exit 1
