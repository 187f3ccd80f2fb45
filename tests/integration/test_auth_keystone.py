"""`--auth keystone` against a real Keystone (tests/keystone/start-keystone.sh, started by
scripts/test.sh: $WARREN_TEST_KEYSTONE_URL): tokens Keystone issues are the only way in, their
project is the request's, their roles decide, validations are cached (and a revocation noticed
once the cache entry expires), Keystone down means 503 for unknown tokens and nothing for cached
ones; python-zaqarclient with Keystone authentication works unchanged, over HTTP and WebSocket.

Skipped without $WARREN_TEST_KEYSTONE_URL."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import uuid

import pytest
import websocket
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client as ks_client

from conftest import CLIENT_ID
from zaqar import Api

KEYSTONE = os.environ.get("WARREN_TEST_KEYSTONE_URL")
ADMIN_PASSWORD = os.environ.get("KEYSTONE_ADMIN_PASSWORD", "warren-test-admin")
pytestmark = pytest.mark.skipif(not KEYSTONE, reason="set WARREN_TEST_KEYSTONE_URL "
                                "(tests/keystone/start-keystone.sh)")


def password_session(user, password, project):
    auth = v3.Password(auth_url=KEYSTONE, username=user, password=password,
                       user_domain_name="Default", project_name=project,
                       project_domain_name="Default")
    return ks_session.Session(auth=auth)


class Identity:
    """Projects and users made for one test module in the real Keystone."""

    def __init__(self):
        self.admin = ks_client.Client(session=password_session("admin", ADMIN_PASSWORD, "admin"))
        self.suffix = uuid.uuid4().hex[:8]
        self.roles = {r.name: r for r in self.admin.roles.list()}
        self.password = "pw-" + uuid.uuid4().hex

    def project(self, name):
        return self.admin.projects.create(f"{name}-{self.suffix}", domain="default")

    def user(self, name, project, *roles):
        user = self.admin.users.create(f"{name}-{self.suffix}", domain="default",
                                       password=self.password)
        for role in roles:
            self.admin.roles.grant(self.roles[role], user=user, project=project)
        return user

    def token(self, user, project):
        return password_session(user.name, self.password, project.name).get_token()


@pytest.fixture(scope="module")
def keystone():
    identity = Identity()
    identity.pa = identity.project("kp-a")
    identity.pb = identity.project("kp-b")
    identity.alice = identity.user("alice", identity.pa, "member")
    identity.bob = identity.user("bob", identity.pb, "member")
    identity.carol = identity.user("carol", identity.pa, "reader")
    identity.ops = identity.user("ops", identity.pa, "admin")
    return identity


def warren(server_factory, tmp_path, *args):
    password = tmp_path / "keystone-password"
    password.write_text(ADMIN_PASSWORD + "\n")
    return server_factory("--storage", "memory", "--auth", "keystone", "--keystone-url", KEYSTONE,
                          "--keystone-user", "admin", "--keystone-password-file", str(password),
                          "--keystone-project", "admin", *args)


class TokenApi(Api):
    def __init__(self, server, token):
        super().__init__(server, "not-the-project")
        self.token = token

    def headers(self, extra=None):
        h = super().headers(extra)
        h["X-Auth-Token"] = self.token
        return h


def test_keystone_tokens_decide_project_and_roles(server_factory, tmp_path, keystone):
    s = warren(server_factory, tmp_path)
    alice = TokenApi(s, keystone.token(keystone.alice, keystone.pa))
    assert alice.put("/v2/queues/kq").status == 201
    alice.post_messages("kq", ["hello"])
    # The queue is the token's project's: bob's token sees none of it.
    bob = TokenApi(s, keystone.token(keystone.bob, keystone.pb))
    assert bob.get("/v2/queues").json()["queues"] == []
    assert bob.get("/v2/queues/kq/messages?echo=true").status in (200, 204)
    assert "hello" not in bob.get("/v2/queues/kq/messages?echo=true").body.decode()
    assert [q["name"] for q in alice.get("/v2/queues").json()["queues"]] == ["kq"]
    # Roles: reader is not enough; admin opens the operators' routes.
    carol = TokenApi(s, keystone.token(keystone.carol, keystone.pa))
    assert carol.get("/v2/queues").status == 403
    assert alice.get("/v2/health").status == 403
    ops = TokenApi(s, keystone.token(keystone.ops, keystone.pa))
    assert ops.get("/v2/health").status == 200
    # No token, a made-up one: 401.
    assert Api(s, "x").get("/v2/queues").status == 401
    assert TokenApi(s, "gAAAAAB-not-a-token").get("/v2/queues").status == 401


def test_a_revoked_token_is_refused_once_its_cache_entry_expires(server_factory, tmp_path,
                                                                  keystone):
    s = warren(server_factory, tmp_path, "--auth-cache-seconds", "2")
    token = keystone.token(keystone.alice, keystone.pa)
    api = TokenApi(s, token)
    assert api.get("/v2/queues").status == 200
    keystone.admin.tokens.revoke_token(token)
    revoked = time.time()
    # Cached (by each event loop): still accepted for at most --auth-cache-seconds.
    while api.get("/v2/queues").status == 200:
        assert time.time() < revoked + 10, "the revocation was never noticed"
        time.sleep(0.25)
    time.sleep(max(0, revoked + 2.5 - time.time()))
    assert [api.get("/v2/queues").status for _ in range(6)] == [401] * 6


def test_keystone_down_means_503_for_unknown_tokens_only(server_factory, tmp_path, keystone):
    # A Keystone URL where nothing listens stands for Keystone down, for a server whose cache
    # has been warmed through the real one: two servers share nothing, so warm the one.
    known = keystone.token(keystone.alice, keystone.pa)
    s = warren(server_factory, tmp_path, "--threads", "1")
    assert TokenApi(s, known).get("/v2/queues").status == 200
    # Stop Keystone answering for this server: SIGSTOP would stop the shared Keystone; instead
    # a second server points at a dead port and must answer 503, not 401, and promptly.
    password = tmp_path / "pw"
    password.write_text("x\n")
    dead = server_factory("--storage", "memory", "--auth", "keystone", "--keystone-url",
                          "http://127.0.0.1:9/v3", "--keystone-user", "u",
                          "--keystone-password-file", str(password), "--keystone-project", "p",
                          "--keystone-timeout-ms", "500")
    started = time.time()
    r = TokenApi(dead, known).get("/v2/queues")
    assert r.status == 503, r
    assert time.time() - started < 5
    assert r.json()["title"] == "Service temporarily unavailable"
    # The loop was never blocked: ping answers at once while validations fail.
    assert Api(dead, "x").get("/v2/ping").status in (204, 401)
    # The warmed server keeps serving the cached token.
    assert TokenApi(s, known).get("/v2/queues").status == 200


def test_a_socket_authenticates_with_a_keystone_token(server_factory, tmp_path, keystone):
    s = warren(server_factory, tmp_path)
    token = keystone.token(keystone.alice, keystone.pa)
    ws = websocket.create_connection(f"ws://127.0.0.1:{s.port}/", timeout=10)
    project = keystone.pa.id

    def request(action, body, headers=None):
        ws.send(json.dumps({"action": action, "body": body,
                            "headers": headers or {"Client-ID": CLIENT_ID,
                                                   "X-Project-ID": project}}))
        return json.loads(ws.recv())

    assert request("queue_list", {})["headers"]["status"] == 403
    reply = request("authenticate", {}, {"X-Auth-Token": token, "X-Project-ID": project})
    assert reply["headers"]["status"] == 200, reply
    assert request("queue_create", {"queue_name": "wsq"})["headers"]["status"] == 201
    other = request("queue_list", {}, {"Client-ID": CLIENT_ID, "X-Project-ID": keystone.pb.id})
    assert other["headers"]["status"] == 403
    ws.close()


def test_python_zaqarclient_with_keystone_works_unchanged(server_factory, tmp_path, keystone):
    from zaqarclient.queues import client as zaqar_client
    s = warren(server_factory, tmp_path)
    conf = {"auth_opts": {"backend": "keystone", "options": {
        "os_username": keystone.alice.name, "os_password": keystone.password,
        "os_project_name": keystone.pa.name, "os_auth_url": KEYSTONE,
        "os_user_domain_name": "Default", "os_project_domain_name": "Default"}}}
    client = zaqar_client.Client(s.url, version=2, conf=conf)
    queue = client.queue("zc-" + uuid.uuid4().hex[:6])
    queue.post([{"body": {"n": 1}, "ttl": 300}, {"body": {"n": 2}, "ttl": 300}])
    assert sorted(m.body["n"] for m in queue.messages(echo=True)) == [1, 2]
    claim = queue.claim(ttl=60, grace=60)
    claimed = list(claim)
    assert len(claimed) == 2
    for message in claimed:
        message.delete()
    assert queue.stats["messages"]["total"] == 0
    queue.delete()


def messaging_endpoint(admin, url):
    """Makes `url` the one public endpoint of the catalog's messaging service."""
    services = [x for x in admin.services.list() if x.type == "messaging"]
    service = services[0] if services else admin.services.create("zaqar", "messaging")
    for old in admin.endpoints.list(service=service):
        admin.endpoints.delete(old)
    return admin.endpoints.create(service, url, interface="public", region="RegionOne")


def test_the_openstack_cli_finds_warren_in_the_catalog(server_factory, tmp_path, keystone):
    import subprocess
    s = warren(server_factory, tmp_path)
    admin = keystone.admin
    endpoint = messaging_endpoint(admin, s.url)
    env = dict(os.environ, OS_AUTH_URL=KEYSTONE, OS_USERNAME=keystone.alice.name,
               OS_PASSWORD=keystone.password, OS_PROJECT_NAME=keystone.pa.name,
               OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
               OS_IDENTITY_API_VERSION="3", OS_REGION_NAME="RegionOne",
               OS_MESSAGE_CLIENT_ID=CLIENT_ID)
    queue = "cli-" + uuid.uuid4().hex[:6]

    def openstack(*args):
        done = subprocess.run(["openstack", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    try:
        # (The "messaging" commands: zaqarclient's deprecated "queue list" misreads v2 listings.)
        openstack("messaging", "queue", "create", queue)
        listed = openstack("messaging", "queue", "list", "-f", "json")
        assert queue in listed, listed
        openstack("messaging", "message", "post", queue, json.dumps([{"body": "via-cli", "ttl": 300}]))
        assert "via-cli" in openstack("messaging", "message", "list", queue, "--echo")
        openstack("messaging", "queue", "delete", queue)
        assert queue not in openstack("messaging", "queue", "list", "-f", "json")
    finally:
        admin.endpoints.delete(endpoint)


def test_the_openstack_cli_manages_pools_and_flavors_as_an_admin(server_factory, tmp_path,
                                                                 keystone):
    # `openstack messaging pool|flavor …` (python-zaqarclient's plugin) against --pooling: the
    # admin role may, a member may not (docs/pools.md).
    import subprocess
    s = warren(server_factory, tmp_path, "--pooling")
    admin = keystone.admin
    endpoint = messaging_endpoint(admin, s.url)

    def openstack(user, *args, ok=True):
        env = dict(os.environ, OS_AUTH_URL=KEYSTONE, OS_USERNAME=user.name,
                   OS_PASSWORD=keystone.password, OS_PROJECT_NAME=keystone.pa.name,
                   OS_USER_DOMAIN_NAME="Default", OS_PROJECT_DOMAIN_NAME="Default",
                   OS_IDENTITY_API_VERSION="3", OS_REGION_NAME="RegionOne",
                   OS_MESSAGE_CLIENT_ID=CLIENT_ID)
        done = subprocess.run(["openstack", *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert (done.returncode == 0) == ok, (args, done.stdout, done.stderr)
        return done.stdout

    pool = "cli-pool-" + uuid.uuid4().hex[:6]
    flavor = "cli-flavor-" + uuid.uuid4().hex[:6]
    try:
        openstack(keystone.ops, "messaging", "pool", "create", pool, "memory:", "10")
        assert pool in openstack(keystone.ops, "messaging", "pool", "list", "-f", "json")
        shown = json.loads(openstack(keystone.ops, "messaging", "pool", "show", pool, "-f", "json"))
        assert shown["Weight"] == 10 and shown["URI"] == "memory:", shown
        openstack(keystone.ops, "messaging", "flavor", "create", flavor, "--pool_list", pool)
        assert flavor in openstack(keystone.ops, "messaging", "flavor", "list", "-f", "json")
        # A member of the same project is refused the admin routes.
        openstack(keystone.alice, "messaging", "pool", "list", ok=False)
        openstack(keystone.ops, "messaging", "flavor", "delete", flavor)
        openstack(keystone.ops, "messaging", "pool", "delete", pool)
        assert pool not in openstack(keystone.ops, "messaging", "pool", "list", "-f", "json")
    finally:
        admin.endpoints.delete(endpoint)


class TlsProxy:
    """socat terminating TLS on a loopback port with `cert`, in front of the real Keystone."""

    def __init__(self, cert, key):
        upstream = urllib.parse.urlsplit(KEYSTONE)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen(
            ["socat", f"OPENSSL-LISTEN:{self.port},bind=127.0.0.1,reuseaddr,fork,cert={cert},"
             f"key={key},verify=0", f"TCP:{upstream.hostname}:{upstream.port}"])
        self.path = upstream.path
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("socat did not listen")

    def url(self, host):
        return f"https://{host}:{self.port}{self.path}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_keystone_over_https_checks_its_certificate(server_factory, tmp_path, keystone):
    """An https:// Keystone (socat terminating TLS in front of the real one, with certificates
    of a test CA): trusted through --keystone-ca-file it validates tokens; without that CA, or
    when its certificate names another host, it is unreachable (503), never trusted."""
    from pki import Pki
    (tmp_path / "pki").mkdir()
    pki = Pki(tmp_path / "pki")
    proxy, misnamed_proxy = TlsProxy(*pki.server), TlsProxy(*pki.wrong_name)
    try:
        password = tmp_path / "pw"
        password.write_text(ADMIN_PASSWORD + "\n")

        def over_https(url, *args):
            return server_factory("--storage", "memory", "--auth", "keystone", "--keystone-url",
                                  url, "--keystone-user", "admin", "--keystone-password-file",
                                  str(password), "--keystone-project", "admin",
                                  "--keystone-timeout-ms", "3000", *args)

        trusted = over_https(proxy.url("localhost"), "--keystone-ca-file", pki.ca)
        alice = keystone.token(keystone.alice, keystone.pa)
        assert TokenApi(trusted, alice).get("/v2/queues").status == 200
        assert TokenApi(trusted, "not-a-token").get("/v2/queues").status == 401
        untrusted = over_https(proxy.url("localhost"))  # the system's CAs lack the test CA
        assert TokenApi(untrusted, alice).get("/v2/queues").status == 503
        misnamed = over_https(misnamed_proxy.url("localhost"), "--keystone-ca-file", pki.ca)
        assert TokenApi(misnamed, alice).get("/v2/queues").status == 503
    finally:
        proxy.stop()
        misnamed_proxy.stop()
