"""`--auth tokens` over real sockets: who may call (401, 403, roles, the admin routes), tenant
isolation on every HTTP route (v2 and v1.1) and WebSocket action on each engine, signed URLs
without a token, the credentials file reloaded on SIGHUP, and the projects' rate limits and
quotas (docs/security.md).

The isolation tables run against the memory and rocksdb engines always, and the redis engine
when scripts/test.sh started one ($WARREN_TEST_REDIS_URL)."""
import hashlib
import json
import os
import re
import signal
import time
import uuid

import pytest
import websocket

from conftest import CLIENT_ID
from http_client import call
from ws_client import Client, status
from zaqar import Api

REDIS = os.environ.get("WARREN_TEST_REDIS_URL")
ENGINES = ["memory", "rocksdb"] + (["redis"] if REDIS else [])


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """A credentials file of fresh tokens: one per (name, project, roles)."""

    def __init__(self, path):
        self.path = path
        self.entries = {}
        self.projects = {}

    def grant(self, name, project, roles=("member",), expires=None):
        token = f"{name}-{uuid.uuid4().hex}"
        entry = {"type": "token", "sha256": digest(token), "project": project,
                 "user": name, "roles": list(roles)}
        if expires:
            entry["expires"] = expires
        self.entries[name] = (token, entry)
        return token

    def revoke(self, name):
        del self.entries[name]

    def write(self):
        document = {"credentials": [entry for _, entry in self.entries.values()],
                    "projects": self.projects}
        with open(self.path, "w") as f:
            json.dump(document, f)
        return self.path

    def token(self, name):
        return self.entries[name][0]


class TokenApi(Api):
    """Api calls with X-Auth-Token (and an X-Project-ID the token's project overrides)."""

    def __init__(self, server, token, project="ignored-by-the-server"):
        super().__init__(server, project)
        self.token = token

    def headers(self, extra=None):
        h = super().headers(extra)
        if self.token is not None:
            h["X-Auth-Token"] = self.token
        return h


def engine_args(engine, tmp_path):
    if engine == "memory":
        return ["--storage", "memory"]
    if engine == "rocksdb":
        return ["--storage", "rocksdb", "--data-dir", str(tmp_path / "data")]
    return ["--storage", "redis", "--redis", REDIS]


def start(server_factory, tokens, *args):
    return server_factory("--auth", "tokens", "--credentials", tokens.write(), *args)


def reload(server, tokens, expect="reloaded"):
    tokens.write()
    mark = len("".join(server.log))
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        line = server.proc.stdout.readline()
        server.log.append(line)
        if expect in line:
            return
    raise AssertionError("no reload logged:\n" + "".join(server.log)[mark:])


@pytest.fixture
def tokens(tmp_path):
    return Tokens(str(tmp_path / "credentials.json"))


# ---- who may call ----

def test_a_request_needs_a_valid_token_with_the_role(server_factory, tokens):
    tokens.grant("alice", "pa")
    tokens.grant("reader", "pr", roles=("reader",))
    tokens.grant("old", "pa", expires="2001-01-01T00:00:00")
    s = start(server_factory, tokens, "--storage", "memory")
    missing = TokenApi(s, None, project="pa").get("/v2/queues")
    assert missing.status == 401
    assert missing.header("WWW-Authenticate") == 'Token realm="warren"'
    assert missing.json() == {"title": "Unauthorized",
                              "description": "The request you have made requires authentication."}
    for token in ("not-a-token", tokens.token("old"), tokens.token("alice") + "x", ""):
        r = TokenApi(s, token).get("/v2/queues")
        assert r.status == 401, token
    r = TokenApi(s, tokens.token("reader")).get("/v2/queues")
    assert r.status == 403
    assert "(member)" in r.json()["description"]
    assert TokenApi(s, tokens.token("alice")).get("/v2/queues").status == 200
    # Only the token's hash is ever logged, never the token.
    s.stop()
    log = "".join(s.log)
    assert "not-a-token" not in log and tokens.token("alice") not in log
    assert "auth: refused 127.0.0.1:" in log


def test_the_admin_role_opens_the_operators_routes(server_factory, tokens):
    tokens.grant("alice", "pa")
    tokens.grant("ops", "ops", roles=("admin",))
    s = start(server_factory, tokens, "--storage", "memory")
    assert TokenApi(s, tokens.token("alice")).get("/v2/health").status == 403
    assert TokenApi(s, tokens.token("ops")).get("/v2/health").status == 200
    # X-Roles from the caller counts for nothing under tokens.
    r = TokenApi(s, tokens.token("alice")).get("/v2/health", headers={"X-Roles": "admin"})
    assert r.status == 403


def test_the_role_names_are_configurable(server_factory, tokens):
    tokens.grant("writer", "pw", roles=("writer",))
    tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory", "--auth-role", "writer")
    assert TokenApi(s, tokens.token("writer")).get("/v2/queues").status == 200
    assert TokenApi(s, tokens.token("alice")).get("/v2/queues").status == 403


def test_the_server_refuses_to_start_without_or_with_a_bad_credentials_file(tmp_path):
    import subprocess
    from conftest import WARREN_BIN
    bad = tmp_path / "bad.json"
    bad.write_text('{"credentials": [{"type": "token", "sha256": "xyz", "project": "p"}]}')
    for args in (["--auth", "tokens"], ["--auth", "tokens", "--credentials", str(bad)],
                 ["--auth", "tokens", "--credentials", str(tmp_path / "missing.json")],
                 ["--auth", "keystone"]):
        done = subprocess.run([WARREN_BIN, "serve", "--listen", "127.0.0.1:0", "--storage",
                               "memory", *args], capture_output=True, text=True, timeout=30)
        assert done.returncode != 0, args


def test_sighup_reloads_the_credentials_and_a_bad_file_keeps_them(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory")
    assert TokenApi(s, alice).get("/v2/queues").status == 200
    tokens.revoke("alice")
    bob = tokens.grant("bob", "pb")
    reload(s, tokens)
    assert TokenApi(s, alice).get("/v2/queues").status == 401
    assert TokenApi(s, bob).get("/v2/queues").status == 200
    with open(tokens.path, "w") as f:
        f.write("{broken")
    s.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        line = s.proc.stdout.readline()
        s.log.append(line)
        if "credentials in force stay" in line:
            break
    else:
        raise AssertionError("".join(s.log))
    assert TokenApi(s, bob).get("/v2/queues").status == 200


def test_a_signed_url_needs_no_token(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory", "--signed-url-secret", "k")
    a = TokenApi(s, alice)
    a.post_messages("shared", [{"body": "for-the-link", "ttl": 600}])
    share = a.post("/v2/queues/shared/share", {"methods": ["GET"]}).json()
    signed = {"Client-ID": CLIENT_ID, "X-Project-ID": share["project"],
              "URL-Signature": share["signature"], "URL-Expires": share["expires"],
              "URL-Methods": "GET", "URL-Paths": ",".join(share["paths"])}
    assert share["project"] == "pa"
    r = call(s, "GET", "/v2/queues/shared/messages?echo=true", signed)
    assert r.status == 200
    assert [m["body"] for m in r.json()["messages"]] == ["for-the-link"]
    # The signature covers its project: naming another is a forgery.
    forged = dict(signed, **{"X-Project-ID": "pb"})
    assert call(s, "GET", "/v2/queues/shared/messages", forged).status == 404
    # And it opens nothing else.
    assert call(s, "DELETE", "/v2/queues/shared", signed).status == 404


# ---- tenant isolation ----

# Every HTTP route, with what the caller sends. {q}: a queue of the victim; {m}, {c}, {s}: the
# victim's message, claim and subscription ids.
ROUTES = [
    ("GET", "/queues", None),
    ("GET", "/queues/{q}", None),
    ("GET", "/queues/{q}/stats", None),
    ("PATCH", "/queues/{q}", [{"op": "add", "path": "/metadata/x", "value": 1}]),
    ("POST", "/queues/{q}/purge", {"resource_types": ["messages", "subscriptions"]}),
    ("POST", "/queues/{q}/share", {"methods": ["GET"]}),
    ("GET", "/queues/{q}/messages?echo=true&include_claimed=true", None),
    ("GET", "/queues/{q}/messages?ids={m}", None),
    ("GET", "/queues/{q}/messages/{m}", None),
    ("DELETE", "/queues/{q}/messages/{m}?claim_id={c}", None),
    ("DELETE", "/queues/{q}/messages?ids={m}", None),
    ("DELETE", "/queues/{q}/messages?pop=1", None),
    ("POST", "/queues/{q}/claims", {"ttl": 60, "grace": 60}),
    ("GET", "/queues/{q}/claims/{c}", None),
    ("PATCH", "/queues/{q}/claims/{c}", {"ttl": 120}),
    ("DELETE", "/queues/{q}/claims/{c}", None),
    ("GET", "/queues/{q}/subscriptions", None),
    ("GET", "/queues/{q}/subscriptions/{s}", None),
    ("PATCH", "/queues/{q}/subscriptions/{s}", {"ttl": 7200}),
    ("PUT", "/queues/{q}/subscriptions/{s}/confirm", {"confirmed": True}),
    ("DELETE", "/queues/{q}/subscriptions/{s}", None),
    ("POST", "/queues/{q}/messages", {"messages": [{"body": "intruder"}]}),
    ("PUT", "/queues/{q}", {}),
    ("DELETE", "/queues/{q}", None),
]
V1_1 = {"GET /queues", "GET /queues/{q}", "GET /queues/{q}/stats",
        "GET /queues/{q}/messages?echo=true&include_claimed=true",
        "GET /queues/{q}/messages?ids={m}", "GET /queues/{q}/messages/{m}",
        "DELETE /queues/{q}/messages/{m}?claim_id={c}", "DELETE /queues/{q}/messages?ids={m}",
        "DELETE /queues/{q}/messages?pop=1", "POST /queues/{q}/claims",
        "GET /queues/{q}/claims/{c}", "PATCH /queues/{q}/claims/{c}",
        "DELETE /queues/{q}/claims/{c}", "POST /queues/{q}/messages", "PUT /queues/{q}",
        "DELETE /queues/{q}"}


def seed_victim(a, secret):
    """Project A's queue with metadata, two messages (one claimed) and a subscription."""
    assert a.put("/v2/queues/vault", {"note": secret}).status == 201
    ids = a.post_messages("vault", [{"body": secret, "ttl": 600},
                                    {"body": {"k": secret}, "ttl": 600}])
    claim = a.claim("vault", limit=1)
    assert claim.status == 201, claim
    claim_id = claim.header("Location").rsplit("/", 1)[1]
    sub = a.post("/v2/queues/vault/subscriptions",
                 {"subscriber": "http://hooks.example/vault", "ttl": 3600})
    assert sub.status == 201, sub
    return {"q": "vault", "m": ids[0], "c": claim_id, "s": sub.json()["subscription_id"]}


def victim_intact(a, ids, secret):
    listed = a.get("/v2/queues/vault/messages?echo=true&include_claimed=true")
    assert listed.status == 200, listed
    assert sorted(m["id"] for m in listed.json()["messages"]) == sorted(
        [ids["m"]] + [m["id"] for m in listed.json()["messages"] if m["id"] != ids["m"]])
    assert len(listed.json()["messages"]) == 2
    assert a.get(f"/v2/queues/vault/claims/{ids['c']}").status == 200
    assert a.get(f"/v2/queues/vault/subscriptions/{ids['s']}").status == 200
    assert a.get("/v2/queues/vault").json()["note"] == secret


def normalized(body, project_prefix):
    """A body with what differs between two projects' equal histories made equal: the caller's
    own project name, ids and times it generated, signatures."""
    text = body.decode("utf-8", "replace").replace(project_prefix, "PROJECT-")
    text = re.sub(r"[0-9a-f]{64}", "SIG", text)
    text = re.sub(r"[0-9a-f]{32}", "ID", text)
    text = re.sub(r"[0-9a-f]{24}", "ID", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)
    return re.sub(r"\d+", "N", text)


def run_routes(api, ids, prefix):
    """(status, body) of each route the version serves, with the victim's ids."""
    seen = []
    for method, template, body in ROUTES:
        if prefix == "/v1.1" and f"{method} {template}" not in V1_1:
            continue
        path = prefix + template.format(**ids)
        r = api.request(method, path, body)
        seen.append((method, template, r.status, r.body))
    return seen


@pytest.mark.parametrize("engine", ENGINES)
def test_no_http_route_reaches_another_projects_queue(server_factory, tokens, tmp_path, engine):
    secret = "secret-" + uuid.uuid4().hex
    suffix = uuid.uuid4().hex[:8]
    a_token = tokens.grant("a", "iso-a-" + suffix)
    b_token = tokens.grant("b", "iso-b-" + suffix)
    c_token = tokens.grant("c", "iso-c-" + suffix)
    s = start(server_factory, tokens, *engine_args(engine, tmp_path), "--signed-url-secret",
              "k", "--enable-deprecated-api-versions", "1.1")
    a = TokenApi(s, a_token, project="iso-a-" + suffix)
    ids = seed_victim(a, secret)
    for prefix in ("/v2", "/v1.1"):
        # B names A's project in X-Project-ID: the token's project wins.
        b = TokenApi(s, b_token, project="iso-a-" + suffix)
        # C never heard of A: B's answers must be what C gets, or B learnt something.
        c = TokenApi(s, c_token, project="iso-c-" + suffix)
        by_b = run_routes(b, ids, prefix)
        by_c = run_routes(c, ids, prefix)
        for (method, template, b_status, b_body), (_, _, c_status, c_body) in zip(by_b, by_c):
            assert secret.encode() not in b_body, (method, template, b_body)
            assert b_status == c_status, (prefix, method, template, b_status, c_status, b_body)
            assert normalized(b_body, "iso-b-") == normalized(c_body, "iso-c-"), (
                prefix, method, template, b_body, c_body)
        victim_intact(a, ids, secret)
        # Clean B's and C's own queues of the same name for the next prefix.
        for api in (b, c):
            api.delete("/v2/queues/vault")


@pytest.mark.parametrize("engine", ENGINES)
def test_no_websocket_action_reaches_another_projects_queue(server_factory, tokens, tmp_path,
                                                            engine):
    secret = "secret-" + uuid.uuid4().hex
    suffix = uuid.uuid4().hex[:8]
    project_a = "ws-a-" + suffix
    a_token = tokens.grant("a", project_a)
    b_token = tokens.grant("b", "ws-b-" + suffix)
    s = start(server_factory, tokens, *engine_args(engine, tmp_path))
    a = TokenApi(s, a_token, project=project_a)
    ids = seed_victim(a, secret)

    b = Client(s, project="ws-b-" + suffix)
    assert status(b.request("authenticate", {}, {"X-Auth-Token": b_token,
                                                 "X-Project-ID": "ws-b-" + suffix})) == 200
    # Naming A's project is refused outright.
    named_a = b.request("queue_list", {}, {"Client-ID": CLIENT_ID, "X-Project-ID": project_a})
    assert status(named_a) == 403
    actions = [
        ("queue_list", {}),
        ("queue_get", {"queue_name": "vault"}),
        ("queue_get_stats", {"queue_name": "vault"}),
        ("message_list", {"queue_name": "vault", "echo": True, "include_claimed": True}),
        ("message_get", {"queue_name": "vault", "message_id": ids["m"]}),
        ("message_get_many", {"queue_name": "vault", "message_ids": [ids["m"]]}),
        ("claim_get", {"queue_name": "vault", "claim_id": ids["c"]}),
        ("claim_update", {"queue_name": "vault", "claim_id": ids["c"], "ttl": 120}),
        ("claim_delete", {"queue_name": "vault", "claim_id": ids["c"]}),
        ("subscription_list", {"queue_name": "vault"}),
        ("subscription_get", {"queue_name": "vault", "subscription_id": ids["s"]}),
        ("subscription_delete", {"queue_name": "vault", "subscription_id": ids["s"]}),
        ("message_delete", {"queue_name": "vault", "message_id": ids["m"], "claim_id": ids["c"]}),
        ("message_delete_many", {"queue_name": "vault", "message_ids": [ids["m"]]}),
        ("claim_create", {"queue_name": "vault", "ttl": 60, "grace": 60}),
        ("queue_purge", {"queue_name": "vault"}),
        ("queue_delete", {"queue_name": "vault"}),
        ("subscription_create", {"queue_name": "vault", "ttl": 3600}),
    ]
    # C never heard of A: B's replies must be what C gets, or B learnt something.
    c_token = tokens.grant("c", "ws-c-" + suffix)
    reload(s, tokens)
    c = Client(s, project="ws-c-" + suffix)
    assert status(c.request("authenticate", {}, {"X-Auth-Token": c_token,
                                                 "X-Project-ID": "ws-c-" + suffix})) == 200
    own = {"Client-ID": CLIENT_ID, "X-Project-ID": "ws-b-" + suffix}
    theirs = {"Client-ID": CLIENT_ID, "X-Project-ID": "ws-c-" + suffix}
    for action, body in actions:
        reply = json.dumps(b.request(action, body, own))
        assert secret not in reply, (action, reply)
        other = json.dumps(c.request(action, body, theirs))
        assert normalized(reply.encode(), "ws-b-") == normalized(other.encode(), "ws-c-"), (
            action, reply, other)
    c.close()
    # A post by B to "vault" lands in B's own queue, and B's socket subscription hears only it.
    assert status(b.request("message_post", {"queue_name": "vault",
                                             "messages": [{"body": "b's own"}]}, own)) == 201
    a.post_messages("vault", [{"body": secret, "ttl": 600}])
    b.settimeout(1)
    frames = []
    try:
        while True:
            frames.append(b.recv())
    except websocket.WebSocketTimeoutException:
        pass
    assert all(secret not in json.dumps(f) for f in frames), frames
    b.close()
    listed = a.get("/v2/queues/vault/messages?echo=true&include_claimed=true").json()["messages"]
    assert len(listed) == 3
    assert a.get(f"/v2/queues/vault/claims/{ids['c']}").status == 200
    assert a.get(f"/v2/queues/vault/subscriptions/{ids['s']}").status == 200


# ---- WebSocket sessions ----

def test_a_socket_authenticates_once_and_until_its_token_is_revoked(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory")
    ws = Client(s, project="pa")
    assert status(ws.request("queue_list", {})) == 403
    failed = ws.request("authenticate", {}, {"X-Auth-Token": "wrong", "X-Project-ID": "pa"})
    assert status(failed) == 401
    assert failed["body"] == {"error": "Authentication failed."}
    ok = ws.request("authenticate", {}, {"X-Auth-Token": alice, "X-Project-ID": "pa"})
    assert status(ok) == 200 and ok["body"] == {"message": "Authentified."}
    assert status(ws.request("queue_create", {"queue_name": "q"})) == 201
    assert status(ws.request("queue_list", {})) == 200
    # Messages need not repeat the token (Zaqar's schema still wants X-Project-ID).
    assert status(ws.request("queue_list", {}, {"Client-ID": CLIENT_ID, "X-Project-ID": "pa"})) == 200
    tokens.revoke("alice")
    reload(s, tokens)
    assert status(ws.request("queue_list", {})) == 403


def test_a_subscription_stops_pushing_once_its_token_is_revoked(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory", "--threads", "1")
    ws = Client(s, project="pa")
    assert status(ws.request("authenticate", {}, {"X-Auth-Token": alice,
                                                  "X-Project-ID": "pa"})) == 200
    assert status(ws.request("subscription_create", {"queue_name": "news", "ttl": 600})) == 201
    api = TokenApi(s, alice)
    api.post_messages("news", ["first"])
    assert "first" in json.dumps(ws.recv())
    tokens.revoke("alice")
    tokens.grant("poster", "pa")
    reload(s, tokens)
    time.sleep(1.2)  # pushes recheck the session's token at most once a second
    TokenApi(s, tokens.token("poster")).post_messages("news", ["second"])
    ws.settimeout(1)
    with pytest.raises(websocket.WebSocketTimeoutException):
        ws.recv()


def test_the_upgrade_requests_token_authenticates_the_socket(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory")
    ws = websocket.create_connection(f"ws://127.0.0.1:{s.port}/", timeout=10,
                                     header=[f"X-Auth-Token: {alice}"])
    ws.send(json.dumps({"action": "queue_list", "body": {},
                        "headers": {"Client-ID": CLIENT_ID, "X-Project-ID": "pa"}}))
    assert json.loads(ws.recv())["headers"]["status"] == 200
    ws.close()
    ws = websocket.create_connection(f"ws://127.0.0.1:{s.port}/", timeout=10,
                                     header=["X-Auth-Token: not-valid"])
    ws.send(json.dumps({"action": "queue_list", "body": {},
                        "headers": {"Client-ID": CLIENT_ID, "X-Project-ID": "pa"}}))
    assert json.loads(ws.recv())["headers"]["status"] == 403
    ws.close()


# ---- rate limits and quotas ----

def test_a_projects_request_rate_is_limited_with_retry_after(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    bob = tokens.grant("bob", "pb")
    tokens.projects = {"pb": {"rate-limit-requests": 0}}
    s = start(server_factory, tokens, "--storage", "memory", "--rate-limit-requests", "5")
    statuses = [TokenApi(s, alice).get("/v2/queues") for _ in range(8)]
    refused = [r for r in statuses if r.status == 429]
    assert 2 <= len(refused) <= 3, [r.status for r in statuses]  # 5 a second, 8 in well under 1 s
    assert refused[0].header("Retry-After") == "1"
    assert refused[0].json()["title"] == "Too many requests"
    # Another project has its own bucket, and an override of 0 lifts the limit.
    assert all(TokenApi(s, bob).get("/v2/queues").status == 200 for _ in range(10))
    time.sleep(1.1)
    assert TokenApi(s, alice).get("/v2/queues").status == 200


def test_the_post_rate_counts_messages(server_factory, tokens):
    alice = tokens.grant("alice", "pa")
    s = start(server_factory, tokens, "--storage", "memory", "--rate-limit-posts", "10")
    a = TokenApi(s, alice)
    assert a.post("/v2/queues/q/messages", {"messages": [{"body": i} for i in range(8)]}).status == 201
    r = a.post("/v2/queues/q/messages", {"messages": [{"body": i} for i in range(5)]})
    assert r.status == 429 and r.header("Retry-After") == "1"
    assert a.stats("q")["total"] == 8


@pytest.mark.parametrize("engine", ENGINES)
def test_quotas_of_queues_and_messages(server_factory, tokens, tmp_path, engine):
    suffix = uuid.uuid4().hex[:8]
    alice = tokens.grant("alice", "quota-a-" + suffix)
    bob = tokens.grant("bob", "quota-b-" + suffix)
    tokens.projects = {"quota-b-" + suffix: {"quota-queues": 3}}
    s = start(server_factory, tokens, *engine_args(engine, tmp_path), "--quota-queues", "2",
              "--quota-messages-per-queue", "5")
    a, b = TokenApi(s, alice), TokenApi(s, bob)
    assert a.put("/v2/queues/one").status == 201
    assert a.put("/v2/queues/two").status == 201
    r = a.put("/v2/queues/three")
    assert r.status == 403 and r.json()["title"] == "Quota exceeded"
    # A post that would create a third queue is refused too, and creates nothing.
    assert a.post("/v2/queues/three/messages", {"messages": [{"body": 1}]}).status == 403
    assert sorted(q["name"] for q in a.get("/v2/queues").json()["queues"]) == ["one", "two"]
    assert all(b.put(f"/v2/queues/q{i}").status == 201 for i in range(3))  # its override
    assert b.put("/v2/queues/q3").status == 403
    # Five messages a queue.
    assert a.post("/v2/queues/one/messages", {"messages": [{"body": i} for i in range(4)]}).status == 201
    r = a.post("/v2/queues/one/messages", {"messages": [{"body": i} for i in range(2)]})
    assert r.status == 403 and "at most 5 messages" in r.json()["description"]
    assert a.post("/v2/queues/one/messages", {"messages": [{"body": 9}]}).status == 201
    assert a.stats("one")["total"] == 5
    # Deleting makes room again.
    assert a.delete("/v2/queues/two").status == 204
    assert a.put("/v2/queues/three").status == 201


@pytest.mark.parametrize("engine", ENGINES)
def test_the_byte_quota_counts_the_bodies_a_queue_holds(server_factory, tokens, tmp_path, engine):
    alice = tokens.grant("alice", "bytes-" + uuid.uuid4().hex[:8])
    s = start(server_factory, tokens, *engine_args(engine, tmp_path), "--quota-bytes", "100")
    a = TokenApi(s, alice)
    body = "x" * 38  # stored as the JSON text "xxx...": 40 bytes
    r = a.post("/v2/queues/q/messages", {"messages": [{"body": body}, {"body": body}]})
    assert r.status == 201
    ids = [h.rsplit("/", 1)[1] for h in r.json()["resources"]]
    r = a.post("/v2/queues/q/messages", {"messages": [{"body": body}]})
    assert r.status == 403 and "at most 100 bytes" in r.json()["description"], r.body
    assert a.post("/v2/queues/q/messages", {"messages": [{"body": "y" * 18}]}).status == 201
    assert a.stats("q")["total"] == 3
    # Deleting makes room again; another queue has its own 100 bytes.
    assert a.delete(f"/v2/queues/q/messages/{ids[0]}").status == 204
    assert a.post("/v2/queues/q/messages", {"messages": [{"body": body}]}).status == 201
    assert a.post("/v2/queues/other/messages", {"messages": [{"body": body}] * 2}).status == 201


@pytest.mark.skipif(not REDIS, reason="needs WARREN_TEST_REDIS_URL")
def test_rates_hold_across_servers_sharing_redis(server_factory, tokens):
    """Two servers on one Redis draw on the same buckets: together they admit the rate, not
    twice it."""
    project = "rate-" + uuid.uuid4().hex[:8]
    alice = tokens.grant("alice", project)
    args = ("--storage", "redis", "--redis", REDIS, "--rate-limit-requests", "10",
            "--rate-limit-posts", "20")
    nodes = [TokenApi(start(server_factory, tokens, *args), alice) for _ in range(2)]
    began = time.time()
    statuses = [nodes[i % 2].get("/v2/queues").status for i in range(40)]
    elapsed = time.time() - began
    admitted = statuses.count(200)
    assert set(statuses) <= {200, 429}, statuses
    # A full bucket of 10, plus what refilled while the requests ran (10 a second).
    assert 10 <= admitted <= 10 + int(elapsed * 10) + 1, (admitted, elapsed, statuses)
    assert all(statuses[i] == 200 for i in range(2)), "both nodes admit at first"
    # The post rate counts messages over both nodes too.
    time.sleep(1.1)
    batch = {"messages": [{"body": i} for i in range(8)]}
    posted = [nodes[i % 2].post("/v2/queues/q/messages", batch).status for i in range(4)]
    assert posted.count(201) == 2, posted  # 16 of 20; a third batch would be 24
