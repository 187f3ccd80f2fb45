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

run_cycles() is also the engine of the crash soak (soak.py: many more cycles, several claimers,
kills aimed at group commits and at start-up).
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
        self.ops = 0  # lines written
        self.unknown_keys = set()  # keys of sends with an unknown outcome since the last take

    def op(self, op, **fields):
        with self.lock:
            self.history.op(op, **fields)
            self.history.file.flush()
            self.ops += 1
            if op == "send" and fields.get("outcome") == "unknown":
                self.unknown_keys.add(fields["key"])

    def take_unknown_keys(self):
        with self.lock:
            keys, self.unknown_keys = self.unknown_keys, set()
        return keys

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
    """Reads every queue in full into the history; returns the keys read."""
    keys = set()
    for queue in QUEUES:
        start = recorder.now()
        messages = harness.read_all(port, queue)
        end = recorder.now()
        assert messages is not None, f"could not read {queue} after the restart"
        recorder.op("final", proc="final", queue=queue, msgs=messages, start=start, end=end,
                    outcome="ok")
        keys.update(m["key"] for m in messages)
    return keys


# When a cycle's kill comes, by kind (weights of KILLS_DEFAULT and soak.py's mix):
#   early    0.02-0.2 s into the load: the first writes in flight
#   load     0.3-2 s into the load: anywhere
#   commit   0.3-1.5 s into the load, then as soon as the commit thread is seen inside a group
#            commit (blocked in the WAL write or its fdatasync), read from /proc just before
#            the SIGKILL (give up aiming after 0.5 s)
#   startup  as "load", then the restart itself is killed 0-0.15 s after it began (recovery
#            cut off), and the server started again
KILLS_DEFAULT = {"early": 0.2, "load": 0.8}
IN_COMMIT = ("write", "pwrite64", "writev", "fdatasync", "fsync")


def kill_server(server, kind, rng):
    """Waits for the moment `kind` asks for and SIGKILLs; returns (seconds into the load, the
    commit thread's state when the signal was sent)."""
    began = time.monotonic()
    if kind == "early":
        time.sleep(rng.uniform(0.02, 0.2))
    elif kind == "commit":
        time.sleep(rng.uniform(0.3, 1.5))
    else:
        time.sleep(rng.uniform(0.3, 2.0))
    state = server.thread_state()
    if kind == "commit":
        give_up = time.monotonic() + 0.5
        while state not in IN_COMMIT and time.monotonic() < give_up:
            state = server.thread_state()
    server.kill()
    return time.monotonic() - began, state


def pick(mix, rng):
    total = sum(mix.values())
    x = rng.uniform(0, total)
    for kind, weight in mix.items():
        x -= weight
        if x <= 0:
            return kind
    return kind


def run_cycles(tmp_path, cycles, seed, storage="rocksdb", check_each=True, consumers=1,
               kills=None, on_cycle=None):
    """Load, kill, restart, read back, `cycles` times; returns (final report, info). `kills`:
    weights of the kill kinds (KILLS_DEFAULT); `consumers`: concurrent claimers; `on_cycle`:
    called with each cycle's record (dict) after its check. info: "starts" (restart seconds),
    "kills" (seconds into the load), "cycles" (the records), "ops" (history lines)."""
    rng = random.Random(seed)
    kills = kills or KILLS_DEFAULT
    recorder = Recorder(tmp_path / "history.jsonl")
    server = harness.Server(tmp_path / "data", storage=storage)
    server.start()
    setup = harness.Client(server.port)
    assert setup.request("PUT", f"/v2/queues/{DELAY_QUEUE}",
                         {"_default_message_delay": 1})[0] == "ok"
    setup.close()
    counter = {}
    info = {"starts": [], "kills": [], "cycles": [], "ops": 0}
    try:
        for cycle in range(cycles):
            stop = threading.Event()
            threads = [threading.Thread(target=producer,
                                        args=(f"p{i}-c{cycle}", QUEUES[i], server.port, recorder,
                                              stop, random.Random(rng.random()), counter))
                       for i in range(3)]
            threads += [threading.Thread(target=consumer,
                                         args=(f"consumer{j}-c{cycle}", server.port, recorder,
                                               stop, random.Random(rng.random()), counter))
                        for j in range(consumers)]
            for t in threads:
                t.start()
            kind = pick(kills, rng)
            delay, state = kill_server(server, kind, rng)
            stop.set()
            info["kills"].append(delay)
            for t in threads:
                t.join(30)
                assert not t.is_alive(), "a loader thread hung"
            record = {"cycle": cycle, "kind": kind, "delay": delay, "state": state, "kills": 1}
            if kind == "startup":
                record["startup_delay"] = rng.uniform(0, 0.15)
                record["startup_listening"] = server.kill_while_starting(record["startup_delay"])
                record["kills"] += 1
            server.start()
            info["starts"].append(server.start_seconds)
            found = final_reads(server.port, recorder)
            unknown = recorder.take_unknown_keys()
            record["unknown_sends"] = len(unknown)
            record["unknown_found"] = len(unknown & found)  # cut off, yet durable
            if check_each:
                report = harness.check(recorder.history.path)
                record["report"] = report
                assert report["clean"], (f"cycle {cycle} ({kind} kill after {delay:.2f} s, "
                                         f"commit thread {state}): {report['text']}")
            record["ops"] = recorder.ops
            record["start_seconds"] = server.start_seconds
            info["cycles"].append(record)
            if on_cycle:
                on_cycle(record)
    finally:
        server.stop()
        recorder.history.close()
        info["ops"] = recorder.ops
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
