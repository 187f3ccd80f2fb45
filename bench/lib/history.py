"""Writing histories for the checker from Python tests (crash and fault tests), and running it.

    from history import History, check
    h = History(path)
    t0 = h.now()
    ... post a message with key "k1" ...
    h.send("loader", "q", "k1", start=t0, end=h.now(), outcome="ok", id=msg_id, body={...})
    ... after the crash and restart, list every message of the queue ...
    h.final("q", [{"key": "k1", "id": msg_id, "body": {...}}], start, end)
    h.close()
    report = check(path)          # dict: report["clean"], report["anomalies"]["lost"], ...

The format (one JSON object per line) is documented in src/bench/history.h; the checker is
`warren bench check` (src/bench/history_checker.h), found through $WARREN_BIN or
build/release/warren.
"""

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def warren_bin():
    return os.environ.get("WARREN_BIN", str(ROOT / "build" / "release" / "warren"))


class History:
    """Appends operations to a history file, one line each, as they complete."""

    def __init__(self, path):
        self.path = Path(path)
        self.file = open(self.path, "w")

    @staticmethod
    def now():
        """The history's clock: monotonic nanoseconds."""
        return time.monotonic_ns()

    def op(self, op, **fields):
        """Any operation: op is send, claim, read, pop, delete, release, renew, queue or final."""
        line = {"op": op}
        line.update({k: v for k, v in fields.items() if v is not None})
        self.file.write(json.dumps(line, separators=(",", ":")) + "\n")

    def send(self, proc, queue, key, start, end, outcome, id=None, ttl=None, delay=None, body=None):
        self.op("send", proc=proc, queue=queue, key=key, start=start, end=end, outcome=outcome,
                id=id, ttl=ttl, delay=delay, body=body)

    def claim(self, proc, queue, claim, msgs, start, end, outcome="ok", ttl=None, grace=None):
        self.op("claim", proc=proc, queue=queue, claim=claim, msgs=msgs, start=start, end=end,
                outcome=outcome, ttl=ttl, grace=grace)

    def delete(self, proc, queue, start, end, outcome, key=None, id=None, claim=None):
        self.op("delete", proc=proc, queue=queue, key=key, id=id, claim=claim, start=start,
                end=end, outcome=outcome)

    def final(self, queue, msgs, start, end):
        """Everything left in the queue, in queue order: [{"key", "id", "body"}, ...]."""
        self.op("final", proc="final", queue=queue, msgs=msgs, start=start, end=end, outcome="ok")

    def close(self):
        self.file.close()


def check(path, tolerance=None):
    """Runs `warren bench check` on a history; returns its JSON report (a dict). Raises if the
    history cannot be read (exit status 2)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [warren_bin(), "bench", "check", str(path), "--json", out.name]
        if tolerance is not None:
            cmd += ["--tolerance", str(tolerance)]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode == 2:
            raise RuntimeError(f"warren bench check: {run.stderr.strip()}")
        report = json.load(open(out.name))
        report["text"] = run.stdout
        return report
