"""Webhook delivery (zaqar-v2-api.md section 9) to a real HTTP receiver on loopback started by
the test: one POST per message, post_data templating, post_headers, retries, the bounded
delivery queue, and https when the binary is built with WARREN_WEBHOOK_TLS."""
import http.server
import json
import os
import shutil
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

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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


def test_other_queues_and_schemes_get_nothing(server, receiver):
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
                            "--webhook-concurrency", "1")
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
    server = server_factory("--storage", "memory", "--webhook-ca-file", str(cert))
    project = "hook-" + uuid.uuid4().hex[:8]
    subscribe(server, project, "q", hook.url(scheme="https"))
    post(server, project, "q", [{"body": "over tls"}])
    requests = hook.wait_for(1, timeout=10)
    assert json.loads(requests[0][2])["body"] == "over tls"
