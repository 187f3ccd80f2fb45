"""Damaged write-ahead log: the server is SIGKILLed after acknowledged posts (all of them still
only in the WAL), then the tail of the log is cut (as a crash mid-write or a lost last block
leaves it), padded with zeros, or followed by garbage, and the server must start and serve
exactly what is intact: a prefix of the acknowledged posts, in order, with their bodies, and
nothing else; it then accepts writes with ids that continue. A bit flip in the middle of the log
is not a torn tail: by default (--wal-recovery strict) the server refuses to start and says why;
with --wal-recovery point-in-time it starts from the intact prefix.

Each case also goes through the history checker: the only anomalies allowed are the "lost" posts
of the damaged tail, and exactly as many as are missing.
"""
import shutil

import pytest

import harness

QUEUE = "wal-test"
POSTS = 300


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """A data directory holding POSTS acknowledged posts in its WAL, left by a SIGKILL."""
    base = tmp_path_factory.mktemp("wal")
    server = harness.Server(base / "data")
    server.start()
    client = harness.Client(server.port)
    sends = []
    for n in range(POSTS):
        body = {"key": f"m{n}", "n": n, "pad": "y" * (n % 40)}
        outcome, status, reply = client.request("POST", f"/v2/queues/{QUEUE}/messages",
                                                {"messages": [{"body": body, "ttl": 3600}]})
        assert outcome == "ok", (outcome, status, reply)
        sends.append({"key": body["key"], "id": reply["resources"][0].rsplit("/", 1)[-1],
                      "body": body})
    client.close()
    server.kill()
    logs = sorted((base / "data").glob("*.log"))
    assert logs, "no write-ahead log left"
    return base, sends


def damaged_copy(crashed, name, damage):
    base, _ = crashed
    target = base / name
    shutil.copytree(base / "data", target)
    wal = sorted(target.glob("*.log"))[-1]
    data = bytearray(wal.read_bytes())
    wal.write_bytes(bytes(damage(data)))
    return target, len(data)


def check_prefix(crashed, data_dir, tmp_path, *extra):
    """Starts a server on data_dir, checks that it serves a prefix of the acknowledged posts and
    keeps working; returns how many it kept."""
    _, sends = crashed
    server = harness.Server(data_dir, *extra)
    server.start()
    try:
        messages = harness.read_all(server.port, QUEUE)
        assert messages is not None
        kept = len(messages)
        assert [m["id"] for m in messages] == [s["id"] for s in sends[:kept]], "not a prefix"
        assert [m["body"] for m in messages] == [s["body"] for s in sends[:kept]], "bodies differ"

        # The history checker agrees: nothing phantom, corrupt, duplicated or out of order; the
        # only losses are the damaged tail.
        h = harness.history.History(tmp_path / "history.jsonl")
        for i, s in enumerate(sends):
            h.send("producer", QUEUE, s["key"], start=i * 10, end=i * 10 + 5, outcome="ok",
                   id=s["id"], body=s["body"])
        h.final(QUEUE, messages, start=POSTS * 10 + 10, end=POSTS * 10 + 20)
        h.close()
        report = harness.check(tmp_path / "history.jsonl")
        assert report["anomalies"]["lost"] == POSTS - kept, report["text"]
        others = {k: v for k, v in report["anomalies"].items() if k != "lost" and v}
        assert not others, report["text"]

        # It still accepts writes, and ids continue after the last one it kept.
        client = harness.Client(server.port)
        outcome, _, reply = client.request("POST", f"/v2/queues/{QUEUE}/messages",
                                           {"messages": [{"body": {"key": "after"}}]})
        client.close()
        assert outcome == "ok"
        new_id = reply["resources"][0].rsplit("/", 1)[-1]
        assert all(new_id > s["id"] for s in sends[:kept])
    finally:
        assert server.stop() == 0, "".join(server.log[-20:])
    return kept


@pytest.mark.parametrize("name, damage, at_least", [
    ("cut-1-byte", lambda d: d[:-1], POSTS - 1),
    ("cut-100-bytes", lambda d: d[:-100], POSTS - 2),
    ("cut-one-block", lambda d: d[:max(0, len(d) - 4096)], POSTS - 40),
    ("cut-half", lambda d: d[:len(d) // 2], POSTS // 2 - 10),
    ("cut-to-header", lambda d: d[:7], 0),
    ("zeros-appended", lambda d: d + bytes(8192), POSTS),
    ("garbage-appended", lambda d: d + bytes((i * 131 + 17) % 256 for i in range(300)), POSTS),
])
def test_a_damaged_tail_keeps_the_intact_prefix(crashed, tmp_path, name, damage, at_least):
    data_dir, _ = damaged_copy(crashed, name, damage)
    kept = check_prefix(crashed, data_dir, tmp_path)
    print(f"\n{name}: kept {kept} of {POSTS} acknowledged posts")
    assert kept >= at_least


def flip_middle(data):
    data[len(data) // 2] ^= 0x40
    return data


def test_corruption_inside_the_log_refuses_to_start(crashed, tmp_path):
    data_dir, _ = damaged_copy(crashed, "flipped", flip_middle)
    server = harness.Server(data_dir)
    assert server.start(expect_failure=True) is False, "started on a corrupt log"
    log = "".join(server.log)
    assert "Corruption" in log and "refuses to guess" in log, log
    assert "--wal-recovery point-in-time" in log, log


def test_point_in_time_recovery_starts_from_the_intact_prefix(crashed, tmp_path):
    data_dir, _ = damaged_copy(crashed, "flipped-pit", flip_middle)
    kept = check_prefix(crashed, data_dir, tmp_path, "--wal-recovery", "point-in-time")
    print(f"\nbit flip mid-log, point-in-time: kept {kept} of {POSTS}")
    assert 0 < kept < POSTS
