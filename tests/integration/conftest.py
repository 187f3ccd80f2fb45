"""Fixtures for integration tests: the real `warren` binary on an ephemeral loopback port.

The binary comes from $WARREN_BIN (default: build/release/warren). Each `server` fixture
starts its own process with `--listen 127.0.0.1:0`, reads the bound port from the
"listening on" log line, and stops it (SIGTERM, then SIGKILL) afterwards.
"""
import os
import re
import signal
import socket
import subprocess
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARREN_BIN = os.environ.get("WARREN_BIN", os.path.join(ROOT, "build", "release", "warren"))
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
        self.port = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.log.append(line)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
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
def headers():
    """Zaqar headers with a fresh project per test."""
    return {"Client-ID": CLIENT_ID, "X-Project-ID": "test-" + uuid.uuid4().hex[:12],
            "Content-Type": "application/json"}
