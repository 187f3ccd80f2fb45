"""A real full disk: the data directory lives on a 3 MiB tmpfs that the posts fill up. The post
that does not fit, and every write after it, is answered 503 with a body that says why; the
server never crashes and never acknowledges what is not on disk. Once space is freed (the tmpfs
remounted larger) and the server restarted, every acknowledged post is there.

Needs permission to mount a tmpfs (root in the CI container); skipped otherwise. The unit tests
(tests/unit/store_rocksdb/durability_test.cpp) inject the same failures through a RocksDB
FileSystem wrapper everywhere.
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import harness

QUEUE = "full"


@pytest.fixture
def small_disk():
    mount_point = Path(tempfile.mkdtemp(prefix="warren-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.decode().strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)
        shutil.rmtree(mount_point, ignore_errors=True)


def test_a_full_disk_turns_writes_into_503_and_loses_nothing(small_disk):
    server = harness.Server(small_disk / "data")
    server.start()
    client = harness.Client(server.port)
    pad = "z" * 6000
    acknowledged, refusal = [], None
    for n in range(2000):
        body = {"key": f"m{n}", "pad": pad}
        outcome, status, reply = client.request("POST", f"/v2/queues/{QUEUE}/messages",
                                                {"messages": [{"body": body, "ttl": 3600}]})
        if outcome != "ok":
            refusal = (status, reply)
            break
        acknowledged.append(reply["resources"][0].rsplit("/", 1)[-1])
    assert refusal is not None, "the disk never filled up"
    status, reply = refusal
    assert status == 503, refusal
    assert reply["title"] == "Service temporarily unavailable"
    assert "read-only" in reply["description"] and "No space left" in reply["description"]
    assert len(acknowledged) > 100

    # Read-only: later writes are refused, health says so, the process is alive.
    outcome, status, _ = client.request("POST", "/v2/queues/another/messages",
                                        {"messages": [{"body": {"key": "late"}}]})
    assert status == 503
    assert client.request("GET", "/v2/ping")[1] == 503
    client.close()
    assert server.proc.poll() is None, "the server died"
    assert server.stop() == 0

    # Free space, restart: everything acknowledged is there, and writing works again.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    server.start()
    try:
        messages = harness.read_all(server.port, QUEUE)
        ids = [m["id"] for m in messages]
        assert ids[:len(acknowledged)] == acknowledged
        assert len(ids) <= len(acknowledged) + 1  # the refused post may or may not be there
        client = harness.Client(server.port)
        assert client.request("POST", f"/v2/queues/{QUEUE}/messages",
                              {"messages": [{"body": {"key": "after"}}]})[0] == "ok"
        client.close()
    finally:
        assert server.stop() == 0
