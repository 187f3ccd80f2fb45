"""Helpers of the `warren bench` integration tests: the binaries, peers on ephemeral loopback
ports, and a run of `warren bench ... --json` returning the parsed result."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARREN = Path(os.environ.get("WARREN_BIN", ROOT / "build" / "release" / "warren")).resolve()
CEILING = WARREN.parent / "warren-ceiling"
NODE = shutil.which("node")


def wait_port(port, proc, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """A server process on 127.0.0.1:port, stopped on exit."""

    def __init__(self, cmd, port):
        self.port = port
        self.proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        wait_port(port, self.proc)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


def ceiling(body_size=0):
    port = free_port()
    return Peer([CEILING, "--listen", f"127.0.0.1:{port}", "--body-size", body_size], port)


def node_queue(faults=""):
    port = free_port()
    cmd = [NODE, ROOT / "bench" / "peers" / "node_queue.js", port]
    if faults:
        cmd.append(faults)
    return Peer(cmd, port)


def bench(*args, expect_rc=0, timeout=120):
    """Runs `warren bench ARGS --json F`; returns (parsed JSON, stdout)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "out.json"
        out = subprocess.run([str(WARREN), "bench", *[str(a) for a in args], "--json", str(path),
                              "--progress", "false"],
                             capture_output=True, text=True, timeout=timeout)
        assert out.returncode == expect_rc, out.stdout + out.stderr
        return json.loads(path.read_text()), out.stdout
