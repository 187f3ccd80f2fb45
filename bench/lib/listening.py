"""Reading the port a `warren serve --listen 127.0.0.1:0` process bound, from its log.

Shared by the integration tests (tests/integration/conftest.py) and the crash tests
(tests/crash/harness.py): warren logs "listening on 127.0.0.1:PORT" once it accepts.
"""
import re
import time

_LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


def read_port(proc, log, timeout):
    """Reads `proc`'s merged stdout/stderr line by line into the list `log` until the
    "listening on" line; returns the port, or None if the process ended or `timeout` seconds
    passed first (the caller decides what a failed start means)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            return None
        log.append(line)
        m = _LISTENING.search(line)
        if m:
            return int(m.group(1))
    return None
