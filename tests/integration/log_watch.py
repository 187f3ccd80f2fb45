"""Reads a running warren's merged stdout/stderr on a thread, so a test can wait for a log line
after start-up (conftest.Server stops reading at the "listening on" line)."""
import queue
import re
import threading
import time


class LogWatch:
    def __init__(self, server):
        self.server = server
        self.lines = list(server.log)
        self._queue = queue.Queue()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self):
        for line in iter(self.server.proc.stdout.readline, ""):
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern, timeout=10):
        """The first line from now on matching `pattern` (a regex); AssertionError after
        `timeout` seconds or at the end of the output."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no log line matching {pattern!r}:\n" + "".join(self.lines))
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"output ended before {pattern!r}:\n" + "".join(self.lines))
            self.lines.append(line)
            if rx.search(line):
                return line

    def drain(self, seconds=0.3):
        """Every line that arrives within `seconds`."""
        out = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
            out.append(line)
        return out
