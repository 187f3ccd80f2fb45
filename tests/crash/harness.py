"""Shared pieces of the crash tests: a `warren serve --storage rocksdb` process on a data
directory that can be SIGKILLed and restarted, and a small Zaqar client that classifies every
request's outcome the way the history checker wants it (ok / failed / unknown).

The binary comes from $WARREN_BIN (default build/release/warren). Servers listen on an ephemeral
loopback port read from their "listening on" log line.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARREN_BIN = os.environ.get("WARREN_BIN", str(ROOT / "build" / "release" / "warren"))
sys.path.insert(0, str(ROOT / "bench" / "lib"))
import history  # noqa: E402  (bench/lib/history.py: the history writer and the checker)
import listening  # noqa: E402  (bench/lib/listening.py: the bound port from the log)

PROJECT = "crash-test"


class Server:
    """A warren server on `data_dir`; start() again after kill() restarts it on the same data."""

    def __init__(self, data_dir, *extra, storage="rocksdb", env=None):
        self.data_dir = str(data_dir)
        self.storage = storage
        self.extra = list(extra)
        self.env = env  # the server's environment; None: this process's
        self.proc = None
        self.port = None
        self.log = []
        self.start_seconds = None

    def args(self):
        return [WARREN_BIN, "serve", "--listen", "127.0.0.1:0", "--threads", "2",
                "--storage", self.storage, "--data-dir", self.data_dir,
                "--max-messages-per-page", "1000", *self.extra]

    def start(self, timeout=60, expect_failure=False):
        began = time.monotonic()
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=self.env)
        self.port = listening.read_port(self.proc, self.log, timeout)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            rest = self.proc.stdout.read()
            if rest:
                self.log.append(rest)
            if expect_failure:
                return False
            raise RuntimeError("warren did not start:\n" + "".join(self.log[-30:]))
        self.start_seconds = time.monotonic() - began
        return True

    def kill_while_starting(self, delay):
        """Starts the server and SIGKILLs it `delay` seconds later, listening or not (a crash
        during recovery); returns True if it had already said it was listening."""
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=self.env)
        time.sleep(delay)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        output = self.proc.stdout.read()
        self.proc.stdout.close()
        return "listening on" in output

    def thread_state(self, name="warren-commit"):
        """What the server's thread `name` is doing now, from /proc/PID/task/TID/syscall: the
        system call it is blocked in ("fdatasync", "write", "futex", ...), "running" (on a CPU,
        not in a system call), or None if it cannot be read. The commit thread ("warren-commit")
        is in "write" or "fdatasync" exactly while a group commit is in flight."""
        if self.proc is None or self.proc.poll() is not None:
            return None
        tid = self._thread_ids.get((self.proc.pid, name))
        if tid is None:
            tid = _find_thread(self.proc.pid, name)
            if tid is None:
                return None
            self._thread_ids = {(self.proc.pid, name): tid}
        try:
            with open(f"/proc/{self.proc.pid}/task/{tid}/syscall") as f:
                words = f.read().split()
        except OSError:
            return None
        if not words:
            return None
        if words[0] == "running":
            return "running"
        return _SYSCALLS.get(words[0], "syscall " + words[0])

    _thread_ids = {}  # (pid, thread name) -> tid, of the current process only

    def kill(self):
        """SIGKILL: no shutdown code runs, whatever was in flight is cut off."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait()
            self.proc.stdout.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout and not self.proc.stdout.closed:
            rest = self.proc.stdout.read()
            if rest:
                self.log.append(rest)
            self.proc.stdout.close()
        return self.proc.returncode if self.proc else None


# System call numbers worth naming in thread_state(), per architecture.
_SYSCALLS = {
    "x86_64": {"0": "read", "1": "write", "7": "poll", "18": "pwrite64", "20": "writev",
               "74": "fsync", "75": "fdatasync", "202": "futex", "232": "epoll_wait",
               "277": "sync_file_range", "281": "epoll_pwait", "-1": "not in a system call"},
    "aarch64": {"63": "read", "64": "write", "66": "writev", "68": "pwrite64", "82": "fsync",
                "83": "fdatasync", "84": "sync_file_range", "98": "futex", "22": "epoll_pwait",
                "-1": "not in a system call"},
}.get(os.uname().machine, {})


def _find_thread(pid, name):
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() == name:
                    return tid
    except OSError:
        pass
    return None


class Client:
    """One keep-alive connection with its own Client-ID. Each call returns (outcome, status,
    body): "failed" when the server certainly did not act (connection refused, a 4xx), "unknown"
    when it may have (the connection broke after the request was sent, a timeout, a 5xx)."""

    def __init__(self, port, timeout=10):
        self.port = port
        self.timeout = timeout
        self.client_id = str(uuid.uuid4())
        self.conn = None

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None):
        headers = {"Client-ID": self.client_id, "X-Project-ID": PROJECT,
                   "Content-Type": "application/json"}
        payload = None if body is None else json.dumps(body, separators=(",", ":"))
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.timeout)
                self.conn.connect()
        except OSError:
            self.close()
            return "failed", None, None  # never reached the server
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return "unknown", None, None
        status = response.status
        parsed = json.loads(data) if data else None
        if status >= 500:
            return "unknown", status, parsed
        if status >= 400:
            return "failed", status, parsed
        return "ok", status, parsed


def minified(value):
    return json.dumps(value, separators=(",", ":"))


def read_all(port, queue):
    """Every message of the queue, claimed and delayed included, in queue order:
    [{"key", "id", "body"}], or None if the server could not be read."""
    client = Client(port)
    messages, marker = [], None
    try:
        for _ in range(10000):
            path = (f"/v2/queues/{queue}/messages?limit=1000&echo=true&include_claimed=true"
                    f"&include_delayed=true")
            if marker:
                path += f"&marker={marker}"
            outcome, status, body = client.request("GET", path)
            if outcome != "ok":
                return None
            page = body.get("messages", []) if body else []
            if not page:
                return messages
            for m in page:
                messages.append({"key": m["body"].get("key", ""), "id": m["id"],
                                 "body": m["body"]})
            marker = page[-1]["id"]
    finally:
        client.close()
    return None


def check(path):
    """The checker's report on a history file (bench/lib/history.py)."""
    return history.check(path)
