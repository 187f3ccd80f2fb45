"""The history checker end to end: `warren bench check FILE` on hand-written histories, and
`warren bench claim --check` against the Node.js queue peer, clean and with injected faults
(it must name each fault's anomaly)."""

import json
import subprocess
import sys

import pytest

from bench_helpers import NODE, ROOT, WARREN, bench, node_queue

needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def run_check(tmp_path, lines):
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = tmp_path / "report.json"
    out = subprocess.run([str(WARREN), "bench", "check", str(history), "--json", str(report)],
                         capture_output=True, text=True)
    return out.returncode, (json.loads(report.read_text()) if report.exists() else None), out


def test_check_cli_clean_lost_and_malformed(tmp_path):
    send = {"op": "send", "proc": "p", "queue": "q", "key": "a", "start": 1, "end": 2,
            "outcome": "ok"}
    final = {"op": "final", "queue": "q", "start": 10, "end": 11, "msgs": [{"key": "a"}]}
    rc, report, _ = run_check(tmp_path, [send, final])
    assert rc == 0 and report["clean"]
    rc, report, out = run_check(tmp_path, [send, dict(final, msgs=[])])
    assert rc == 1 and report["anomalies"]["lost"] == 1
    assert "lost" in out.stdout
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    out = subprocess.run([str(WARREN), "bench", "check", str(tmp_path / "bad.jsonl")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "line 1" in out.stderr


@needs_node
def test_claim_check_is_clean_on_a_correct_server():
    peer = node_queue()
    try:
        result, stdout = bench("claim", "--url", peer.url, "-c", 4, "-d", 1, "--check",
                               "--release", 0.2, "--max-claims", 2)
    finally:
        peer.stop()
    level = result["levels"][0]
    assert level["check"]["clean"], stdout
    assert level["check"]["summary"]["sends_ok"] > 100
    assert level["counters"]["messages deleted"] > 0
    assert level["messages_per_s"] > 0


@needs_node
def test_post_check_reads_every_message_back():
    peer = node_queue()
    try:
        result, _ = bench("post", "--url", peer.url, "-c", 3, "-n", 600, "--check")
    finally:
        peer.stop()
    check = result["levels"][0]["check"]
    assert check["clean"] and check["summary"]["final_messages"] == 600


@needs_node
@pytest.mark.parametrize("fault,anomaly,extra", [
    ("lose:5", "lost", []),
    ("double:3", "live_claim", []),
    ("early", "early_delay", ["--delay", 2]),
    ("undead:3", "resurrected", []),
])
def test_claim_check_names_each_injected_fault(fault, anomaly, extra):
    peer = node_queue(fault)
    try:
        result, stdout = bench("claim", "--url", peer.url, "-c", 4, "-d", 1, "--check",
                               "--drain", 4, *extra, expect_rc=1)
    finally:
        peer.stop()
    check = result["levels"][0]["check"]
    assert not check["clean"]
    assert check["anomalies"][anomaly] > 0, stdout


def test_python_history_writer_feeds_the_checker(tmp_path):
    sys.path.insert(0, str(ROOT / "bench" / "lib"))
    from history import History, check

    h = History(tmp_path / "h.jsonl")
    t = h.now()
    h.send("loader", "q", "k1", t, t + 10, "ok", id="m1", body={"n": 1})
    h.send("loader", "q", "k2", t + 20, t + 30, "ok", id="m2", body={"n": 2})
    h.send("loader", "q", "k3", t + 40, t + 50, "unknown")
    h.delete("loader", "q", t + 60, t + 70, "ok", id="m2")
    h.final("q", [{"key": "k1", "id": "m1", "body": {"n": 1}}], t + 80, t + 90)
    h.close()
    assert check(tmp_path / "h.jsonl")["clean"]

    h = History(tmp_path / "lost.jsonl")
    h.send("loader", "q", "k1", t, t + 10, "ok", body={"n": 1})
    h.final("q", [], t + 80, t + 90)
    h.close()
    report = check(tmp_path / "lost.jsonl")
    assert not report["clean"] and report["anomalies"]["lost"] == 1
