"""Crash test: SIGKILL the server at random moments under load, restart it on the same data
directory, and check with the history checker (`warren bench check`) that

  - every acknowledged post is present exactly once, with its body, in each poster's order
    (lost, duplicate, corrupt, order);
  - every acknowledged delete stays deleted (resurrected);
  - nothing appears that was never posted (phantom);
  - claims hold across restarts (live_claim) and delayed messages stay delayed (early_delay).

Each cycle: producers post (some in batches, one queue is a delay queue), a consumer claims and
deletes (and leaves some claims to expire), the server is killed after a random delay, restarted,
every queue is read in full (a "final" read), and the whole history so far is checked, so the
"lost" rule is applied after every restart. Requests cut off by the kill are recorded as
"unknown": they may or may not have happened, and the checker allows both.

Environment: CRASH_CYCLES (default 24), CRASH_SEED (default: random, printed).
"""
import os
import random
import threading
import time

import harness

QUEUES = ["crash-a", "crash-b", "crash-delay"]
DELAY_QUEUE = "crash-delay"
CLAIM_TTL = 60
PAD = "x" * 64


class Recorder:
    """The shared history file, one line per completed operation."""

    def __init__(self, path):
        self.history = harness.history.History(path)
        self.lock = threading.Lock()

    def op(self, op, **fields):
        with self.lock:
            self.history.op(op, **fields)
            self.history.file.flush()

    def now(self):
        return self.history.now()


def producer(name, queue, port, recorder, stop, rng, counter):
    client = harness.Client(port)
    n = 0
    while not stop.is_set():
        batch = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        messages, keys = [], []
        for _ in range(batch):
            key = f"{name}-{n}"
            n += 1
            body = {"key": key, "pad": PAD}
            message = {"body": body, "ttl": 3600}
            if queue == DELAY_QUEUE:
                message["delay"] = 3
            messages.append(message)
            keys.append((key, body))
        start = recorder.now()
        outcome, status, reply = client.request("POST", f"/v2/queues/{queue}/messages",
                                                {"messages": messages})
        end = recorder.now()
        ids = [r.rsplit("/", 1)[-1] for r in reply.get("resources", [])] if outcome == "ok" else []
        for i, (key, body) in enumerate(keys):
            recorder.op("send", proc=name, queue=queue, key=key, start=start, end=end,
                        outcome=outcome, id=ids[i] if i < len(ids) else None, ttl=3600,
                        delay=3 if queue == DELAY_QUEUE else None, body=body)
        counter[outcome] = counter.get(outcome, 0) + batch
        if outcome == "failed" and status is None:
            break  # the server is gone
    client.close()


def consumer(name, port, recorder, stop, rng, counter):
    client = harness.Client(port)
    while not stop.is_set():
        queue = rng.choice(QUEUES)
        start = recorder.now()
        outcome, status, reply = client.request(
            "POST", f"/v2/queues/{queue}/claims?limit=5", {"ttl": CLAIM_TTL, "grace": 60})
        end = recorder.now()
        msgs, claim_id = [], None
        if outcome == "ok" and status == 201:
            for m in reply["messages"]:
                msgs.append({"key": m["body"].get("key", ""), "id": m["id"], "body": m["body"]})
                claim_id = m["href"].split("claim_id=")[-1]
        if outcome != "failed":
            recorder.op("claim", proc=name, queue=queue, claim=claim_id, msgs=msgs, start=start,
                        end=end, outcome=outcome, ttl=CLAIM_TTL, grace=60)
        if outcome == "failed" and status is None:
            break
        if not msgs:
            time.sleep(0.005)
            continue
        counter["claimed"] = counter.get("claimed", 0) + len(msgs)
        if rng.random() < 0.2:
            continue  # leave this claim to expire: it must still hold after a restart
        for m in msgs:
            start = recorder.now()
            outcome, status, _ = client.request(
                "DELETE", f"/v2/queues/{queue}/messages/{m['id']}?claim_id={claim_id}")
            end = recorder.now()
            recorder.op("delete", proc=name, queue=queue, key=m["key"], id=m["id"],
                        claim=claim_id, start=start, end=end, outcome=outcome)
            counter["delete_" + outcome] = counter.get("delete_" + outcome, 0) + 1
            if outcome == "failed" and status is None:
                break
    client.close()


def final_reads(port, recorder):
    for queue in QUEUES:
        start = recorder.now()
        messages = harness.read_all(port, queue)
        end = recorder.now()
        assert messages is not None, f"could not read {queue} after the restart"
        recorder.op("final", proc="final", queue=queue, msgs=messages, start=start, end=end,
                    outcome="ok")


def run_cycles(tmp_path, cycles, seed, storage="rocksdb", check_each=True):
    """Load, kill, restart, read back, `cycles` times; returns (final report, per-cycle info)."""
    rng = random.Random(seed)
    recorder = Recorder(tmp_path / "history.jsonl")
    server = harness.Server(tmp_path / "data", storage=storage)
    server.start()
    setup = harness.Client(server.port)
    assert setup.request("PUT", f"/v2/queues/{DELAY_QUEUE}",
                         {"_default_message_delay": 1})[0] == "ok"
    setup.close()
    counter = {}
    info = {"starts": [], "kills": []}
    try:
        for cycle in range(cycles):
            stop = threading.Event()
            threads = [threading.Thread(target=producer,
                                        args=(f"p{i}-c{cycle}", QUEUES[i], server.port, recorder,
                                              stop, random.Random(rng.random()), counter))
                       for i in range(3)]
            threads.append(threading.Thread(target=consumer,
                                            args=(f"consumer-c{cycle}", server.port, recorder,
                                                  stop, random.Random(rng.random()), counter)))
            for t in threads:
                t.start()
            # Mostly mid-load, sometimes right away (the first writes in flight).
            delay = rng.uniform(0.02, 0.2) if rng.random() < 0.2 else rng.uniform(0.3, 2.0)
            time.sleep(delay)
            server.kill()
            stop.set()
            info["kills"].append(delay)
            for t in threads:
                t.join(30)
                assert not t.is_alive(), "a loader thread hung"
            server.start()
            info["starts"].append(server.start_seconds)
            final_reads(server.port, recorder)
            if check_each:
                report = harness.check(recorder.history.path)
                assert report["clean"], (f"cycle {cycle} (killed after {delay:.2f} s): "
                                         f"{report['text']}")
    finally:
        server.stop()
        recorder.history.close()
    return harness.check(recorder.history.path), info


def test_sigkill_under_load_loses_nothing_acknowledged(tmp_path):
    cycles = int(os.environ.get("CRASH_CYCLES", "24"))
    seed = int(os.environ.get("CRASH_SEED", str(random.randrange(1 << 30))))
    print(f"\ncrash test: {cycles} kill points, seed {seed} (CRASH_SEED={seed} repeats it)")
    began = time.monotonic()
    report, info = run_cycles(tmp_path, cycles, seed)
    summary = report["summary"]
    kills = sorted(info["kills"])
    print(f"crash test: {cycles} kills (at {kills[0]:.2f}-{kills[-1]:.2f} s into the load) in "
          f"{time.monotonic() - began:.1f} s; sends ok {summary['sends_ok']}, unknown "
          f"{summary['sends_unknown']}, failed {summary['sends_failed']}; claims "
          f"{summary['claims']}, deletes ok {summary['deletes_ok']}; final reads "
          f"{summary['finals']}; restarts took {min(info['starts']):.2f}-"
          f"{max(info['starts']):.2f} s")
    assert report["clean"], report["text"]
    assert summary["sends_ok"] >= 20 * cycles, "too little load to mean anything"
    assert summary["deletes_ok"] > 0 and summary["claims"] > 0


def test_the_check_catches_a_store_that_forgets(tmp_path):
    """Negative control: the same cycle against the memory engine must be reported as lost
    acknowledged posts, or the test above would prove nothing."""
    report, _ = run_cycles(tmp_path, 1, 7, storage="memory", check_each=False)
    assert not report["clean"]
    assert report["anomalies"]["lost"] > 0, report["text"]
