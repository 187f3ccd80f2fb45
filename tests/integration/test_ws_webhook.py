"""Webhook delivery (zaqar-v2-api.md section 9) to a real HTTP receiver on loopback started by
the test: one POST per message, post_data templating, post_headers, retries, the bounded
delivery queue, fair sharing between projects (one tenant's receivers that never answer do not
hold up another's), the drop counts, the address policy at connect time, and https when the
binary is built with WARREN_WEBHOOK_TLS. The receivers listen on 127.0.0.1, so the servers run
with --webhook-allow-private unless a test checks the policy."""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from conftest import CLIENT_ID
from http_client import call


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers from a script of
    statuses (the last one repeats)."""

    def __init__(self, statuses=(200,), delay=0.0, tls_context=None):
        self.requests = []
        self.statuses = list(statuses)
        self.delay = delay
        self.lock = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    index = len(receiver.requests)
                    receiver.requests.append((self.path, dict(self.headers), body))
                    receiver.lock.notify_all()
                status = receiver.statuses[min(index, len(receiver.statuses) - 1)]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                with receiver.lock:
                    receiver.connections += 1
                return True

        self.connections = 0  # accepted, whether or not a request followed
        self.httpd = Server(("127.0.0.1", 0), Handler)
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook", scheme="http"):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def wait_for(self, count, timeout=10):
        with self.lock:
            self.lock.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


ALLOW_PRIVATE = "--webhook-allow-private"


@pytest.fixture
def server(server_factory):
    """A memory-engine server whose webhooks may reach the receivers on 127.0.0.1."""
    return server_factory("--storage", "memory", ALLOW_PRIVATE)


class BlackHole:
    """A listener on 127.0.0.1 that accepts connections and never reads nor answers them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.stopped = True
        self.sock.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def receiver():
    made = []

    def make(*args, **kwargs):
        r = Receiver(*args, **kwargs)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def zaqar_headers(project):
    return {"Client-ID": CLIENT_ID, "X-Project-ID": project, "Content-Type": "application/json"}


def subscribe(server, project, queue, subscriber, options=None):
    body = {"subscriber": subscriber, "ttl": 600, "options": options or {}}
    response = call(server, "POST", f"/v2/queues/{queue}/subscriptions", zaqar_headers(project),
                    body)
    assert response.status == 201, response
    return response.json()["subscription_id"]


def post(server, project, queue, messages):
    response = call(server, "POST", f"/v2/queues/{queue}/messages", zaqar_headers(project),
                    {"messages": messages})
    assert response.status == 201, response


def test_one_post_per_message(server, receiver):
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url())
    post(server, project, "q", [{"body": {"n": 1}, "ttl": 120}, {"body": "two"}])
    requests = hook.wait_for(2)
    assert len(requests) == 2
    bodies = sorted((json.loads(body) for _, _, body in requests), key=lambda b: str(b["body"]))
    assert {"ttl": 120, "body": {"n": 1}, "Message_Type": "Notification", "queue_name": "q"} in bodies
    assert {"ttl": 3600, "body": "two", "Message_Type": "Notification", "queue_name": "q"} in bodies
    path, headers, _ = requests[0]
    assert path == "/hook"
    assert headers["Content-Type"] == "application/json"


def test_post_data_and_post_headers(server, receiver):
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url("/t?x=1"), {
        "post_data": '{"wrapped": "$zaqar_message$", "also": ["$zaqar_message$"]}',
        "post_headers": {"X-Token": "secret", "X-Number": 7}})
    post(server, project, "q", [{"body": {"k": "v"}}])
    (path, headers, body), = hook.wait_for(1)
    assert path == "/t?x=1"
    assert (headers["X-Token"], headers["X-Number"]) == ("secret", "7")
    document = json.loads(body)
    expected = {"ttl": 3600, "body": {"k": "v"}, "Message_Type": "Notification", "queue_name": "q"}
    assert document == {"wrapped": expected, "also": [expected]}


def test_an_upper_case_scheme_is_delivered_too(server, receiver):
    # The subscription check reads schemes in any case (RFC 3986 3.1): so does delivery.
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", "HTTP://" + hook.url()[len("http://"):])
    post(server, project, "q", [{"body": 1}])
    assert len(hook.wait_for(1)) == 1


def test_of_repeated_option_keys_the_last_counts(server, receiver):
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    raw = ('{"subscriber": "%s", "ttl": 600, "options": {"post_data": "{}", '
           '"post_data": "{\\"m\\": \\"$zaqar_message$\\"}", '
           '"post_headers": {"X-A": "1", "X-A": "2"}}}' % hook.url())
    response = call(server, "POST", "/v2/queues/q/subscriptions", zaqar_headers(project), raw)
    assert response.status == 201, response
    post(server, project, "q", [{"body": 3}])
    (_, headers, body), = hook.wait_for(1)
    assert headers["X-A"] == "2"
    assert json.loads(body)["m"]["body"] == 3


def test_websocket_posts_reach_webhooks_too(server, receiver, connect):
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    ws = connect(server, project)
    reply = ws.request("subscription_create", {"queue_name": "w", "subscriber": hook.url()})
    assert reply["headers"]["status"] == 201
    assert ws.request("message_post", {"queue_name": "w", "messages": [{"body": 5}]})[
        "headers"]["status"] == 201
    (_, _, body), = hook.wait_for(1)
    assert json.loads(body)["body"] == 5


def test_server_errors_are_retried(server, receiver):
    hook = receiver(statuses=(500, 503, 200))
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url())
    post(server, project, "q", [{"body": "retry me"}])
    requests = hook.wait_for(3)
    assert len(requests) == 3  # two failures, then the delivery
    assert all(json.loads(body)["body"] == "retry me" for _, _, body in requests)
    time.sleep(0.3)
    assert len(hook.requests) == 3  # nothing after the success


def test_client_errors_are_not_retried(server, receiver):
    hook = receiver(statuses=(404,))
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url())
    post(server, project, "q", [{"body": 1}])
    hook.wait_for(1)
    time.sleep(0.5)
    assert len(hook.requests) == 1


def test_other_queues_and_schemes_get_nothing(server_factory, receiver):
    # (mailto: subscriptions are accepted only with a relay: this one is never reached.)
    server = server_factory("--storage", "memory", ALLOW_PRIVATE, "--smtp-relay", "127.0.0.1:9")
    hook = receiver()
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "a", hook.url())
    subscribe(server, project, "a", "mailto:someone@example.com")
    post(server, project, "b", [{"body": "not for a"}])
    post(server, project, "a", [{"body": "for a"}])
    (_, _, body), = hook.wait_for(1)
    time.sleep(0.3)
    assert [json.loads(b)["body"] for _, _, b in hook.requests] == ["for a"]


def test_a_slow_receiver_only_fills_the_bounded_queue(server_factory, receiver):
    server = server_factory("--storage", "memory", "--webhook-queue-limit", "3",
                            "--webhook-concurrency", "1", ALLOW_PRIVATE)
    hook = receiver(delay=0.3)
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url())
    started = time.monotonic()
    for i in range(20):
        post(server, project, "q", [{"body": i}])
    assert time.monotonic() - started < 2  # posting never waits for the receiver
    time.sleep(1.5)
    # At most the queue limit was kept (the rest dropped and counted), and delivered in order.
    delivered = [json.loads(b)["body"] for _, _, b in hook.requests]
    assert 1 <= len(delivered) <= 3
    assert delivered == sorted(delivered)


def test_https_webhook(server_factory, receiver, tmp_path):
    from conftest import WARREN_BIN
    help_text = subprocess.run([WARREN_BIN, "serve", "--help"], capture_output=True, text=True).stdout
    if "https not built in" in help_text:
        pytest.skip("built without WARREN_WEBHOOK_TLS")
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    hook = receiver(tls_context=context)
    server = server_factory("--storage", "memory", "--webhook-ca-file", str(cert), ALLOW_PRIVATE)
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url(scheme="https"))
    post(server, project, "q", [{"body": "over tls"}])
    requests = hook.wait_for(1, timeout=10)
    assert json.loads(requests[0][2])["body"] == "over tls"


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_one_projects_dead_receivers_do_not_starve_another_project(server, receiver):
    """Issue 16, item 4: twenty subscriptions of project A to an address that accepts
    connections and never answers, and a hundred posts, must not hold up project B's webhook:
    A gets only its share of the request slots, B's delivery goes out at once."""
    hole = BlackHole()
    try:
        a = "tenant-a-" + uuid.uuid4().hex[:8]
        for i in range(20):
            subscribe(server, a, "q", hole.url(f"/{i}"))
        for i in range(100):
            post(server, a, "q", [{"body": i}])
        assert wait_until(lambda: len(hole.accepted) >= 5, 5)  # A's deliveries hang there
        hook = receiver()
        b = "tenant-b-" + uuid.uuid4().hex[:8]
        subscribe(server, b, "q", hook.url())
        started = time.monotonic()
        post(server, b, "q", [{"body": "for b"}])
        requests = hook.wait_for(1, timeout=5)
        assert len(requests) == 1, "project B's webhook waited behind project A's"
        assert time.monotonic() - started < 3
        assert json.loads(requests[0][2])["body"] == "for b"
        assert len(hole.accepted) == 5  # --webhook-project-concurrency
    finally:
        hole.close()


def test_dropped_deliveries_are_counted_by_reason(server_factory):
    server = server_factory("--storage", "memory", ALLOW_PRIVATE,
                            "--webhook-subscriber-queue-limit", "5")
    hole = BlackHole()
    try:
        project = "hook-" + uuid.uuid4().hex[:8]
        subscribe(server, project, "q", hole.url())
        for i in range(20):
            post(server, project, "q", [{"body": i}])
        assert wait_until(lambda: len(hole.accepted) >= 2, 5)
        time.sleep(0.3)
        server.stop()
    finally:
        hole.close()
    log = "".join(server.log)
    # The first drop is logged at once (then at most every 10 s), the totals at shutdown.
    assert "deliveries dropped so far: 0 queue full (--webhook-queue-limit 10000), 0 project " \
           "share full, 1 subscriber queue full" in log, log
    assert "5 left undelivered; dropped: 0 queue full, 0 project share full, 15 subscriber " \
           "queue full, 0 breaker open, 0 gave up after retries, 0 refused address" in log, log


def test_the_address_policy_holds_at_connect_time(server_factory, receiver, tmp_path):
    """A subscription to 127.0.0.1 made while private addresses were allowed gets nothing from a
    server that does not allow them: the sender refuses the address it would connect to."""
    hook = receiver()
    data = str(tmp_path / "data")
    project = "hook-" + uuid.uuid4().hex[:8]
    first = server_factory("--storage", "rocksdb", "--data-dir", data, ALLOW_PRIVATE)
    subscribe(first, project, "q", hook.url())
    post(first, project, "q", [{"body": "allowed"}])
    assert len(hook.wait_for(1)) == 1
    first.stop()
    connections = hook.connections
    second = server_factory("--storage", "rocksdb", "--data-dir", data)
    post(second, project, "q", [{"body": "refused"}])
    time.sleep(1)
    second.stop()
    assert [json.loads(body)["body"] for _, _, body in hook.requests] == ["allowed"]
    assert hook.connections == connections  # not even a connection
    assert "1 refused address" in "".join(second.log)


def test_websocket_subscriptions_obey_the_address_policy(server_factory, connect):
    strict = server_factory("--storage", "memory")
    ws = connect(strict, "hook-" + uuid.uuid4().hex[:8])
    refused = ws.request("subscription_create",
                         {"queue_name": "w", "subscriber": "http://127.0.0.1:9/hook"})
    assert refused["headers"]["status"] == 400
    assert refused["body"]["exception"] == \
        "Webhooks may not reach 127.0.0.1: it is in the loopback range."
    named = ws.request("subscription_create",
                       {"queue_name": "w", "subscriber": "http://localhost:9/hook"})
    assert named["headers"]["status"] == 400
    userinfo = ws.request("subscription_create",
                          {"queue_name": "w", "subscriber": "http://u:p@hooks.example/"})
    assert userinfo["headers"]["status"] == 400
    relaxed = server_factory("--storage", "memory", ALLOW_PRIVATE)
    ws = connect(relaxed, "hook-" + uuid.uuid4().hex[:8])
    allowed = ws.request("subscription_create",
                         {"queue_name": "w", "subscriber": "http://127.0.0.1:9/hook"})
    assert allowed["headers"]["status"] == 201
