"""trust+http(s) subscriptions against a real Keystone (tests/keystone/start-keystone.sh:
$WARREN_TEST_KEYSTONE_URL), as Zaqar's notification/tasks/trust.py: subscribing creates a trust
from the caller to Warren's service user on the queue's project (its id stored as
options.trust_id; one the caller gives is kept), and each notification is POSTed to the URL
without "trust+" with a trust-scoped token in X-Auth-Token, which Keystone validates as the
trustor's on that project. Without Keystone authentication trust+ subscribers are refused
(400); with Keystone unreachable when subscribing, 503. The receiver is an HTTP server on
127.0.0.1 (so the servers run with --webhook-allow-private).

Skipped without $WARREN_TEST_KEYSTONE_URL."""
import json
import socket
import threading
import time

import pytest
import websocket

from conftest import CLIENT_ID
from test_auth_keystone import KEYSTONE, Identity, TokenApi, password_session, warren
from test_ws_webhook import ALLOW_PRIVATE, Receiver
from keystoneclient.v3 import client as ks_client
from zaqar import Api, error

pytestmark = pytest.mark.skipif(not KEYSTONE, reason="set WARREN_TEST_KEYSTONE_URL "
                                "(tests/keystone/start-keystone.sh)")


@pytest.fixture(scope="module")
def keystone():
    identity = Identity()
    identity.pa = identity.project("tp-a")
    identity.alice = identity.user("alice", identity.pa, "member")
    identity.service_user_id = identity.admin.session.get_user_id()  # warren's: "admin"
    return identity


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def subscribe(api, queue, subscriber, **fields):
    return api.post(f"/v2/queues/{queue}/subscriptions", {"subscriber": subscriber, **fields})


def stored_options(api, queue, subscription_id):
    r = api.get(f"/v2/queues/{queue}/subscriptions/{subscription_id}")
    assert r.status == 200, r
    return r.json()["options"]


def assert_trust_token(keystone, token, trust_id):
    """The token Keystone issued for the trust: scoped to it, acting as alice on her project."""
    access = keystone.admin.tokens.validate(token)
    assert access.trust_scoped
    assert access.trust_id == trust_id
    assert access.project_id == keystone.pa.id
    assert access.user_id == keystone.alice.id  # impersonation


def test_subscribing_creates_a_trust_and_deliveries_carry_its_token(server_factory, tmp_path,
                                                                   keystone, receiver):
    s = warren(server_factory, tmp_path, ALLOW_PRIVATE)
    alice = TokenApi(s, keystone.token(keystone.alice, keystone.pa))
    before = time.time()
    r = subscribe(alice, "tq", "trust+" + receiver.url("/hook?x=1"), ttl=3600,
                  options={"post_headers": {"X-Extra": "1"}})
    assert r.status == 201, r
    options = stored_options(alice, "tq", r.json()["subscription_id"])
    assert options["post_headers"] == {"X-Extra": "1"}
    trust = keystone.admin.trusts.get(options["trust_id"])
    assert trust.trustor_user_id == keystone.alice.id
    assert trust.trustee_user_id == keystone.service_user_id
    assert trust.project_id == keystone.pa.id
    assert trust.impersonation is True
    assert "member" in [role["name"] for role in trust.roles]  # the caller's roles
    expires = time.mktime(time.strptime(trust.expires_at[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    assert before + 3600 - 5 <= expires <= time.time() + 3600 + 5

    alice.post_messages("tq", [{"n": 1}])
    receiver.wait_for(1)
    alice.post_messages("tq", [{"n": 2}])
    requests = receiver.wait_for(2)
    assert len(requests) == 2
    bodies = sorted(json.loads(body)["body"]["n"] for _, _, body in requests)
    assert bodies == [1, 2]
    for path, headers, _ in requests:
        assert path == "/hook?x=1"  # the URL without "trust+"
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Extra"] == "1"
        assert_trust_token(keystone, headers["X-Auth-Token"], options["trust_id"])
    # Tokens are cached per trust: the second delivery used the first one's.
    assert requests[0][1]["X-Auth-Token"] == requests[1][1]["X-Auth-Token"]


def test_a_trust_id_the_caller_gives_is_kept(server_factory, tmp_path, keystone, receiver):
    s = warren(server_factory, tmp_path, ALLOW_PRIVATE)
    alice_session = password_session(keystone.alice.name, keystone.password, keystone.pa.name)
    own = ks_client.Client(session=alice_session).trusts.create(
        trustor_user=keystone.alice.id, trustee_user=keystone.service_user_id,
        project=keystone.pa.id, role_names=["member"], impersonation=True)
    trusts_before = {t.id for t in keystone.admin.trusts.list(trustor_user=keystone.alice.id)}
    alice = TokenApi(s, alice_session.get_token())
    r = subscribe(alice, "kept", "trust+" + receiver.url(), options={"trust_id": own.id})
    assert r.status == 201, r
    assert stored_options(alice, "kept", r.json()["subscription_id"]) == {"trust_id": own.id}
    trusts_after = {t.id for t in keystone.admin.trusts.list(trustor_user=keystone.alice.id)}
    assert trusts_after == trusts_before  # no other trust was made
    alice.post_messages("kept", ["hello"])
    (_, headers, _), = receiver.wait_for(1)
    assert_trust_token(keystone, headers["X-Auth-Token"], own.id)
    # A trust_id that is not a string is refused.
    r = subscribe(alice, "kept", "trust+" + receiver.url("/2"), options={"trust_id": 7})
    assert r.status == 400, r


def test_a_websocket_subscription_creates_the_trust_too(server_factory, tmp_path, keystone,
                                                       receiver):
    s = warren(server_factory, tmp_path, ALLOW_PRIVATE)
    token = keystone.token(keystone.alice, keystone.pa)
    ws = websocket.create_connection(f"ws://127.0.0.1:{s.port}/", timeout=10)
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": keystone.pa.id}
    try:
        ws.send(json.dumps({"action": "authenticate", "body": {},
                            "headers": {"X-Auth-Token": token, "X-Project-ID": keystone.pa.id}}))
        assert json.loads(ws.recv())["headers"]["status"] == 200
        ws.send(json.dumps({"action": "subscription_create", "headers": headers, "body": {
            "queue_name": "wsq", "subscriber": "trust+" + receiver.url("/ws"), "ttl": 600}}))
        reply = json.loads(ws.recv())
        assert reply["headers"]["status"] == 201, reply
        subscription_id = reply["body"]["subscription_id"]
    finally:
        ws.close()
    alice = TokenApi(s, token)
    trust_id = stored_options(alice, "wsq", subscription_id)["trust_id"]
    assert keystone.admin.trusts.get(trust_id).trustor_user_id == keystone.alice.id
    alice.post_messages("wsq", ["over the socket"])
    (path, delivered, _), = receiver.wait_for(1)
    assert path == "/ws"
    assert_trust_token(keystone, delivered["X-Auth-Token"], trust_id)


def test_without_keystone_trust_subscribers_are_refused(server_factory, receiver):
    s = server_factory("--storage", "memory", ALLOW_PRIVATE)
    api = Api(s)
    for subscriber in ("trust+" + receiver.url(), "trust+https://example.com/hook"):
        r = subscribe(api, "nq", subscriber)
        status, title, description = error(r)
        assert status == 400, r
        assert "--auth keystone" in description
    assert api.get("/v2/queues/nq/subscriptions").json()["subscriptions"] == []
    # Plain webhooks are unaffected.
    assert subscribe(api, "nq", receiver.url()).status == 201


class Proxy:
    """A TCP relay on 127.0.0.1 to another port, that can be cut: Keystone going away for one
    server while it keeps running for the others."""

    def __init__(self, port):
        self.target = port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        # shutdown() first: a close() alone leaves the socket listening while the accepting
        # thread is blocked on it.
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def test_keystone_unreachable_when_subscribing_is_503(server_factory, tmp_path, keystone,
                                                      receiver):
    port = int(KEYSTONE.split(":")[2].split("/")[0])
    proxy = Proxy(port)
    password = tmp_path / "keystone-password"
    password.write_text("warren-test-admin\n")
    s = server_factory("--storage", "memory", "--auth", "keystone", "--threads", "1",
                       "--keystone-url", f"http://127.0.0.1:{proxy.port}/v3",
                       "--keystone-user", "admin", "--keystone-password-file", str(password),
                       "--keystone-project", "admin", "--keystone-timeout-ms", "1000",
                       ALLOW_PRIVATE)
    alice = TokenApi(s, keystone.token(keystone.alice, keystone.pa))
    assert alice.get("/v2/queues").status == 200  # validated and cached through the proxy
    proxy.cut()
    started = time.time()
    r = subscribe(alice, "dq", "trust+" + receiver.url())
    status, title, _ = error(r)
    assert status == 503, r
    assert title == "Service temporarily unavailable"
    assert time.time() - started < 5
    assert alice.get("/v2/queues/dq/subscriptions").json()["subscriptions"] == []


def test_keystone_refusing_the_callers_token_is_a_clear_4xx(server_factory, tmp_path, keystone,
                                                            receiver):
    s = warren(server_factory, tmp_path, ALLOW_PRIVATE, "--threads", "1")
    token = keystone.token(keystone.alice, keystone.pa)
    alice = TokenApi(s, token)
    assert alice.get("/v2/queues").status == 200  # validated and cached
    keystone.admin.tokens.revoke_token(token)
    # Warren's cache still vouches for the token; Keystone, asked for a trust, does not.
    r = subscribe(alice, "rq", "trust+" + receiver.url())
    status, title, _ = error(r)
    assert status == 401, r
    assert title == "Unauthorized"
    assert alice.get("/v2/queues/rq/subscriptions").json()["subscriptions"] == []
