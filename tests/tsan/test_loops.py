"""Every thread of the server busy at once, for the ThreadSanitizer step (tests/tsan/run.sh):
the rocksdb engine's commit thread under posts, claims and deletes from every event loop
(`warren bench claim --check`), pushes fanned out across loops while webhooks go out from the
sender's thread, and a shutdown in the middle of it all. Also runs against any other build
(WARREN_BIN). Under TSan (halt_on_error) a report ends the server with status 66, which the
server fixture of tests/integration/conftest.py then reports."""
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

from bench_helpers import bench  # noqa: E402
from conftest import CLIENT_ID, WARREN_BIN, Server, connect, server_factory  # noqa: E402,F401
from http_client import call  # noqa: E402
from ws_client import status  # noqa: E402

LOOPS = "3"


def rocksdb_server(server_factory, tmp_path, *extra):
    return server_factory("--storage", "rocksdb", "--data-dir", str(tmp_path / "data"),
                          "--threads", LOOPS, *extra)


def webhook_flags():
    """--webhook-allow-private where the binary has it (loopback receivers are refused
    otherwise)."""
    help_text = subprocess.run([WARREN_BIN, "serve", "--help"], capture_output=True,
                               text=True).stdout
    return ["--webhook-allow-private"] if "--webhook-allow-private" in help_text else []


class Receiver:
    """A loopback HTTP server counting the webhook POSTs it gets."""

    def __init__(self):
        self.count = 0
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.cond:
                    receiver.count += 1
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def wait_for(self, count, timeout):
        with self.cond:
            self.cond.wait_for(lambda: self.count >= count, timeout)
            return self.count

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def headers(project):
    return {"Client-ID": CLIENT_ID, "X-Project-ID": project, "Content-Type": "application/json"}


def test_commit_thread_under_claims_and_deletes_from_every_loop(server_factory, tmp_path):
    server = rocksdb_server(server_factory, tmp_path)
    # No releases: with requests as slow as under TSan, the checker can take a claim that was
    # still in flight while another was taken and released for a double claim (a false
    # "live_claim": it only orders the two claims by their start).
    result, stdout = bench("claim", "--url", server.url, "-c", 6, "-d", 3, "--check",
                           "--drain", 5, "--queues", 2, "--release", 0,
                           "--project", "tsan-" + uuid.uuid4().hex[:8], timeout=90)
    level = result["levels"][0]
    assert level["check"]["clean"], stdout
    assert level["check"]["summary"]["sends_ok"] > 20, stdout
    assert level["counters"]["messages deleted"] > 0, stdout


def test_fan_out_across_loops_with_webhooks(server_factory, connect, tmp_path):
    server = rocksdb_server(server_factory, tmp_path, *webhook_flags())
    hook = Receiver()
    try:
        project = "tsan-" + uuid.uuid4().hex[:8]
        response = call(server, "POST", "/v2/queues/q/subscriptions", headers(project),
                        {"subscriber": hook.url, "ttl": 600, "options": {}})
        assert response.status == 201, response
        subscribers = [connect(server, project) for _ in range(6)]  # spread over the loops
        for s in subscribers:
            reply = s.request("subscription_create", {"queue_name": "q", "ttl": 600})
            assert status(reply) == 201, reply
        posters, per_poster = 3, 15

        def post_ws(index):
            client = connect(server, project)
            for i in range(per_poster):
                reply = client.request("message_post", {"queue_name": "q", "messages": [
                    {"body": {"p": index, "i": i}}]})
                assert status(reply) == 201, reply

        def post_http(index):
            for i in range(per_poster):
                response = call(server, "POST", "/v2/queues/q/messages", headers(project),
                                {"messages": [{"body": {"p": index, "i": i}}]})
                assert response.status == 201, response

        threads = [threading.Thread(target=post_ws, args=(i,)) for i in range(posters)]
        threads += [threading.Thread(target=post_http, args=(posters + i,))
                    for i in range(posters)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = per_poster * 2 * posters
        orders = []
        for s in subscribers:
            orders.append([(m["body"]["p"], m["body"]["i"]) for m in (s.recv() for _ in range(total))])
        assert all(order == orders[0] for order in orders)
        assert sorted(orders[0]) == sorted((p, i) for p in range(2 * posters)
                                           for i in range(per_poster))
        assert hook.wait_for(total, 30) == total
    finally:
        hook.close()


def test_shutdown_while_every_loop_is_busy(tmp_path):
    server = Server(["--storage", "rocksdb", "--data-dir", str(tmp_path / "data"),
                     "--threads", LOOPS, *webhook_flags()])
    hook = Receiver()
    stop = threading.Event()
    try:
        project = "tsan-" + uuid.uuid4().hex[:8]
        call(server, "POST", "/v2/queues/q/subscriptions", headers(project),
             {"subscriber": hook.url, "ttl": 600, "options": {}})

        def post():
            while not stop.is_set():
                try:
                    call(server, "POST", "/v2/queues/q/messages", headers(project),
                         {"messages": [{"body": "x"}, {"body": "y"}]})
                except OSError:
                    return  # the server is going away

        threads = [threading.Thread(target=post) for _ in range(4)]
        for t in threads:
            t.start()
        hook.wait_for(10, 20)
        rc = server.stop(signal.SIGTERM, timeout=60)
        assert rc == 0, "".join(server.log)
    finally:
        stop.set()
        if server.proc.poll() is None:
            server.proc.kill()
        hook.close()
