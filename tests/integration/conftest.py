"""Fixtures for integration tests: the real `warren` binary on an ephemeral loopback port.

The binary comes from $WARREN_BIN (default: build/release/warren). Each `server` fixture
starts its own process with `--listen 127.0.0.1:0`, reads the bound port from the
"listening on" log line, and stops it (SIGTERM, then SIGKILL) afterwards.
"""
import os
import signal
import socket
import subprocess
import sys
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARREN_BIN = os.environ.get("WARREN_BIN", os.path.join(ROOT, "build", "release", "warren"))
sys.path.insert(0, os.path.join(ROOT, "bench", "lib"))
import listening  # noqa: E402  (bench/lib/listening.py: the bound port from the log)
CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c"


class Server:
    """A running `warren serve` process."""

    def __init__(self, args=(), env=None, preexec_fn=None):
        defaults = [] if "--threads" in args else ["--threads", "2"]
        self.args = ["serve", "--listen", "127.0.0.1:0", *defaults, *args]
        cmd = [WARREN_BIN, *self.args]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)
        self.log = []
        self.port = listening.read_port(self.proc, self.log, 30)
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("warren did not start:\n" + "".join(self.log))

    @property
    def address(self):
        return ("127.0.0.1", self.port)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def connect(self, timeout=10):
        sock = socket.create_connection(self.address, timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends `sig` and returns the exit status (SIGKILL after `timeout`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stdout.read()
        if rest:
            self.log.append(rest)
        return self.proc.returncode


@pytest.fixture
def server_factory():
    """Starts servers with extra arguments; stops them all at the end of the test."""
    started = []

    def start(*args, **kwargs):
        s = Server(args, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        status = s.stop()
        assert status in (0, -signal.SIGKILL, -signal.SIGTERM) or status is None, (
            "warren exited with status %s:\n%s" % (status, "".join(s.log)))


@pytest.fixture
def server(server_factory):
    """A warren server on the memory engine."""
    return server_factory("--storage", "memory")


@pytest.fixture
def connect():
    """Opens WebSocket clients (ws_client.Client) and closes them before the server stops, so
    the server's closing handshakes do not wait for them."""
    from ws_client import Client
    opened = []

    def open_client(server, *args, **kwargs):
        client = Client(server, *args, **kwargs)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        try:
            client.close()
        except Exception:
            pass


@pytest.fixture
def headers():
    """Zaqar headers with a fresh project per test."""
    return {"Client-ID": CLIENT_ID, "X-Project-ID": "test-" + uuid.uuid4().hex[:12],
            "Content-Type": "application/json"}
