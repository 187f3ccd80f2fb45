"""A failing disk under the real server (item 10 of issue 16): EIO, ENOSPC and short writes
injected into the rocksdb engine's writes and syncs by an LD_PRELOAD shim (disk_fault.c, built
next to the binary as tests/crash/libwarren_diskfault.so), at a chosen moment: the Nth matching
call after a control file appears.

What Warren promises (docs/rocksdb.md, "Failure behaviour"): a failed WAL write or sync, or a
background error RocksDB reports on the next write, makes the engine read-only until a restart.
The writes of the failed group and every write after it get 503, never 201, even once the disk
works again (a failed fsync is never retried nor taken for success: the kernel may have dropped
the pages, "fsyncgate"); reads of what is acknowledged go on; the process stays up; a restart
after the fault clears serves every acknowledged message. Each load test records a history and
runs the checker (`warren bench check`) after the restart, and the shim's lose=1 zeroes what a
failed sync was to make durable, so a post answered 201 from a failed group would be lost.

The negative control runs the same failed sync against --fsync batch, which acknowledges before
syncing: the check must catch it losing acknowledged posts, or the tests prove nothing.
"""
import json
import os
import random
import threading
import time
from pathlib import Path

import pytest

import harness
import test_kill

SHIM = Path(os.environ.get("WARREN_DISKFAULT_LIB",
                           Path(harness.WARREN_BIN).parent / "tests" / "crash" /
                           "libwarren_diskfault.so"))
QUIET = "quiet"  # posted to before the fault, only read after it


@pytest.fixture(autouse=True)
def shim_built():
    assert SHIM.exists(), (f"{SHIM} is missing: the release build makes it (target "
                           f"warren_diskfault), or set WARREN_DISKFAULT_LIB")


class FaultyDisk:
    """The shim's control file and fault log for one data directory."""

    def __init__(self, base):
        self.base = Path(base)
        self.data = self.base / "data"
        self.control = self.base / "fault-control"
        self.log = self.base / "faults.log"

    def env(self):
        env = dict(os.environ)
        env.update(LD_PRELOAD=str(SHIM), WARREN_FAULT_CONTROL=str(self.control),
                   WARREN_FAULT_DIR=str(self.data), WARREN_FAULT_LOG=str(self.log))
        return env

    def arm(self, spec):
        tmp = self.base / "fault-control.tmp"
        tmp.write_text(spec + "\n")
        os.rename(tmp, self.control)

    def clear(self):
        self.control.unlink(missing_ok=True)

    def faults(self):
        """[(monotonic ns, fault number, call, what, path)] injected so far."""
        if not self.log.exists():
            return []
        rows = []
        for line in self.log.read_text().splitlines():
            t, n, call, what, path = line.split(" ", 4)
            rows.append((int(t), int(n), call, what, path))
        return rows

    def wait_for_fault(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.faults():
                return True
            time.sleep(0.01)
        return False


def post(client, queue, key, pad=""):
    body = {"key": key, "pad": pad}
    outcome, status, reply = client.request("POST", f"/v2/queues/{queue}/messages",
                                            {"messages": [{"body": body, "ttl": 3600}]})
    ident = reply["resources"][0].rsplit("/", 1)[-1] if outcome == "ok" else None
    return outcome, status, reply, body, ident


def record_send(recorder, proc, queue, key, start, outcome, ident, body):
    recorder.op("send", proc=proc, queue=queue, key=key, start=start, end=recorder.now(),
                outcome=outcome, id=ident, ttl=3600, body=body)


def load_until_refused(server, disk, recorder, seed, after_fault=0.3, limit=20):
    """test_kill's producers and claimer against the server until the shim has injected a
    fault and `after_fault` seconds more have passed; returns the first fault's time."""
    stop = threading.Event()
    rng = random.Random(seed)
    counter = {}
    threads = [threading.Thread(target=test_kill.producer,
                                args=(f"p{i}", test_kill.QUEUES[i], server.port, recorder, stop,
                                      random.Random(rng.random()), counter))
               for i in range(3)]
    threads.append(threading.Thread(target=test_kill.consumer,
                                    args=("consumer", server.port, recorder, stop,
                                          random.Random(rng.random()), counter)))
    for t in threads:
        t.start()
    try:
        injected = disk.wait_for_fault(limit)
        time.sleep(after_fault)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert injected, f"no fault was injected in {limit} s: {counter}"
    return disk.faults()[0][0]


def writes_acknowledged_after(path, t_fault):
    """History lines of writes that started after the fault and were acknowledged."""
    bad = []
    for line in Path(path).read_text().splitlines():
        op = json.loads(line)
        if op["start"] <= t_fault or op.get("outcome") != "ok":
            continue
        if op["op"] in ("send", "delete") or (op["op"] == "claim" and op.get("msgs")):
            bad.append(op)
    return bad


def run_failing_wal(tmp_path, spec, *extra, seed=1):
    """Quiet posts, then load until the fault `spec` fires; checks the read-only state; stops,
    restarts without the fault and reads everything back. Returns (checker report, info)."""
    disk = FaultyDisk(tmp_path)
    recorder = test_kill.Recorder(tmp_path / "history.jsonl")
    server = harness.Server(disk.data, *extra, env=disk.env())
    server.start()
    client = harness.Client(server.port)
    info = {}
    try:
        assert client.request("PUT", f"/v2/queues/{test_kill.DELAY_QUEUE}",
                              {"_default_message_delay": 1})[0] == "ok"
        quiet = []
        for n in range(20):
            start = recorder.now()
            outcome, status, reply, body, ident = post(client, QUIET, f"quiet-{n}")
            record_send(recorder, "quiet", QUIET, f"quiet-{n}", start, outcome, ident, body)
            assert outcome == "ok", (status, reply)
            quiet.append(ident)

        disk.arm(spec)
        t_fault = load_until_refused(server, disk, recorder, seed)
        info["faults"] = disk.faults()

        # The disk works again: still nothing is acknowledged, whatever is tried.
        disk.clear()
        refusals = []
        for n in range(5):
            start = recorder.now()
            outcome, status, reply, body, ident = post(client, f"after-{n % 2}", f"after-{n}")
            record_send(recorder, "after", f"after-{n % 2}", f"after-{n}", start, outcome, ident,
                        body)
            refusals.append((status, reply))
        assert all(status == 503 for status, _ in refusals), refusals
        description = refusals[0][1]["description"]
        assert "read-only" in description, description
        info["description"] = description

        # Reads of what is acknowledged go on; health says the store is failing; alive.
        outcome, status, page = client.request(
            "GET", f"/v2/queues/{QUIET}/messages?limit=20&echo=true")
        assert status == 200, (status, page)
        assert [m["id"] for m in page["messages"]] == quiet
        assert client.request("GET", "/v2/ping")[1] == 503
        assert server.proc.poll() is None, "the server died"
        client.close()
        assert server.stop() == 0, "".join(server.log[-20:])

        late = writes_acknowledged_after(recorder.history.path, t_fault)
        assert not late, f"acknowledged after the failed {spec}: {late[:3]}"

        # Restart without the fault: every acknowledged write is there (the checker says so).
        server = harness.Server(disk.data, *extra)
        server.start()
        test_kill.final_reads(server.port, recorder)
        for queue in (QUIET, "after-0", "after-1"):
            start = recorder.now()
            messages = harness.read_all(server.port, queue)
            recorder.op("final", proc="final", queue=queue, msgs=messages, start=start,
                        end=recorder.now(), outcome="ok")
        client = harness.Client(server.port)
        assert post(client, QUIET, "after-restart")[0] == "ok"
    finally:
        client.close()
        server.stop()
        recorder.history.close()
    return harness.check(recorder.history.path), info


FAULTS = [
    # One failed fdatasync of the WAL, later ones would succeed: the fsyncgate trap. lose=1:
    # what it was to make durable is gone, as after a failed writeback.
    ("sync-eio", "op=sync files=*.log error=eio after=100 count=1 lose=1"),
    ("sync-enospc", "op=sync files=*.log error=enospc after=100 count=1 lose=1"),
    ("write-eio", "op=write files=*.log error=eio after=100 count=1"),
    ("write-enospc", "op=write files=*.log error=enospc after=100"),
    # Half a WAL record written, then the disk is full: a torn record at the log's tail.
    ("short-write-then-enospc", "op=write files=*.log error=short-enospc after=100"),
]


@pytest.mark.parametrize("name, spec", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_failing_wal_acknowledges_nothing_more_and_loses_nothing(tmp_path, name, spec):
    report, info = run_failing_wal(tmp_path, spec)
    summary = report["summary"]
    print(f"\n{name}: faults {[f[2:4] for f in info['faults'][:3]]}; sends ok "
          f"{summary['sends_ok']} (before the fault), refused or cut off "
          f"{summary['sends_unknown']}, acknowledged after it 0; claims {summary['claims']}, "
          f"deletes ok {summary['deletes_ok']}; after the restart: lost "
          f"{report['anomalies']['lost']}, clean {report['clean']}; 503 says: "
          f"{info['description'][:110]}")
    assert report["clean"], report["text"]
    assert summary["sends_ok"] > 50 and summary["sends_unknown"] > 0


def test_short_writes_are_continued_not_lost(tmp_path):
    """Every write under the data directory writes half of what it was given (POSIX allows it;
    RocksDB must write the rest): nothing fails, nothing is lost or torn."""
    disk = FaultyDisk(tmp_path)
    disk.arm("op=write error=short")
    recorder = test_kill.Recorder(tmp_path / "history.jsonl")
    server = harness.Server(disk.data, env=disk.env())
    server.start()
    client = harness.Client(server.port)
    try:
        for n in range(300):
            key = f"m{n}"
            start = recorder.now()
            outcome, status, reply, body, ident = post(client, QUIET, key, pad="s" * (n % 700))
            record_send(recorder, "producer", QUIET, key, start, outcome, ident, body)
            assert outcome == "ok", (status, reply)
        assert server.stop() == 0
        shorts = [f for f in disk.faults() if f[3] == "short"]
        assert len(shorts) >= 300, f"only {len(shorts)} short writes"
        server = harness.Server(disk.data)
        server.start()
        start = recorder.now()
        messages = harness.read_all(server.port, QUIET)
        recorder.op("final", proc="final", queue=QUIET, msgs=messages, start=start,
                    end=recorder.now(), outcome="ok")
        assert len(messages) == 300
    finally:
        client.close()
        server.stop()
        recorder.history.close()
    report = harness.check(recorder.history.path)
    assert report["clean"], report["text"]
    print(f"\nshort writes: {len(shorts)} short writes, 300 of 300 posts kept")


def test_a_failed_memtable_flush_makes_the_store_read_only(tmp_path):
    """A background error: the table file written when the memtable (64 MiB) is flushed fails.
    RocksDB reports it on the next write; from then on nothing is acknowledged; everything
    acknowledged is in the WAL and comes back at the restart."""
    disk = FaultyDisk(tmp_path)
    disk.arm("op=write files=*.sst error=eio")
    server = harness.Server(disk.data, env=disk.env())
    server.start()
    client = harness.Client(server.port)
    pad = "f" * 200_000
    acknowledged, statuses = [], []
    try:
        for n in range(500):
            outcome, status, reply, body, ident = post(client, "big", f"b{n}", pad=pad)
            statuses.append(status)
            if outcome == "ok":
                acknowledged.append(ident)
            elif status == 503:
                break
        assert statuses[-1] == 503, f"the flush never failed: {len(acknowledged)} posts"
        assert disk.faults(), "no fault injected"
        assert "read-only" in reply["description"] and ".sst" in reply["description"], reply
        disk.clear()
        assert post(client, "big", "late")[1] == 503
        assert server.proc.poll() is None
        client.close()
        assert server.stop() == 0
        server = harness.Server(disk.data)
        server.start()
        ids = [m["id"] for m in harness.read_all(server.port, "big")]
        assert ids[:len(acknowledged)] == acknowledged
        assert len(ids) <= len(acknowledged) + 1
    finally:
        client.close()
        server.stop()
    print(f"\nfailed flush: {len(acknowledged)} posts acknowledged before it, all kept")


STARTUP_FAULTS = [
    ("table-file", "files=*.sst error=eio"),       # the recovered memtable's flush
    ("manifest", "files=MANIFEST-* error=enospc"),  # the new version record
    ("directory-fsync", "op=sync files=data error=eio"),
]


@pytest.mark.parametrize("name, spec", STARTUP_FAULTS, ids=[f[0] for f in STARTUP_FAULTS])
def test_start_up_on_a_failing_disk_refuses_then_recovers(tmp_path, name, spec):
    """Recovery writes too (the replayed log becomes a table file and a new MANIFEST). On a
    failing disk the server refuses to start, saying why; once the disk works, it starts and
    serves every acknowledged post."""
    disk = FaultyDisk(tmp_path)
    server = harness.Server(disk.data)
    server.start()
    client = harness.Client(server.port)
    acknowledged = [post(client, QUIET, f"m{n}", pad="r" * 100)[4] for n in range(200)]
    client.close()
    server.kill()
    assert all(acknowledged)

    disk.arm(spec)
    server = harness.Server(disk.data, env=disk.env())
    assert server.start(timeout=30, expect_failure=True) is False, "started on a failing disk"
    log = "".join(server.log)
    assert "cannot open the rocksdb store" in log and "IO error" in log, log
    assert server.proc.returncode not in (0, None) and server.proc.returncode > 0, log
    assert disk.faults(), "no fault injected"

    disk.clear()
    server = harness.Server(disk.data)
    server.start()
    try:
        ids = [m["id"] for m in harness.read_all(server.port, QUIET)]
        assert ids == acknowledged
    finally:
        server.stop()
    refusal = next(line for line in server_log_lines(log) if "cannot open" in line)
    reason = refusal.split("/data: ", 1)[-1].replace(str(disk.data), "DIR")
    print(f"\nstart-up, {name}: refused ({reason}); then {len(ids)} of "
          f"{len(acknowledged)} posts served")


def server_log_lines(log):
    return [line.strip() for line in log.splitlines()]


def test_the_check_catches_acknowledging_before_the_sync(tmp_path):
    """Negative control: --fsync batch acknowledges a write before its sync. The same failed
    sync (lose=1) must be reported as lost acknowledged posts, or the tests above would pass an
    engine that does not wait for its sync."""
    report, _ = run_failing_wal(tmp_path, "op=sync files=*.log error=eio after=100 count=1 lose=1",
                                "--fsync", "batch")
    print(f"\n--fsync batch, failed sync: {report['anomalies']['lost']} acknowledged posts lost "
          f"of {report['summary']['sends_ok']} (the check catches it)")
    assert report["anomalies"]["lost"] > 0, report["text"]
