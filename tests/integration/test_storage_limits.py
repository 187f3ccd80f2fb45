"""The bound on what the server stores (--max-stored-bytes on the memory and rocksdb engines;
Redis's own maxmemory on the redis engine): past it, posts get 503 with Zaqar's error body and
store nothing, while reads, claims and deletes keep working so consumers can drain the backlog.
Never an out-of-memory kill."""
import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest

from zaqar import Api

BODY = "x" * 34  # the JSON text "xxx...": 36 bytes, 100 with its record (docs/security.md)


def batch(n):
    return {"messages": [{"body": BODY, "ttl": 3600} for _ in range(n)]}


@pytest.mark.parametrize("engine", ["memory", "rocksdb"])
def test_posts_past_max_stored_bytes_get_503_and_consumers_make_room(server_factory, tmp_path,
                                                                     engine):
    args = ["--storage", engine, "--max-stored-bytes", "1kB"]
    if engine == "rocksdb":
        args += ["--data-dir", str(tmp_path / "data")]
    api = Api(server_factory(*args), "limits")
    r = api.post("/v2/queues/q/messages", batch(10))
    assert r.status == 201, r.body
    ids = [h.rsplit("/", 1)[1] for h in r.json()["resources"]]
    r = api.post("/v2/queues/q/messages", batch(1))
    assert r.status == 503, r.body
    assert r.json()["title"] == "Service temporarily unavailable"
    assert "1000 bytes" in r.json()["description"]
    assert api.stats("q")["total"] == 10
    # Consumers keep working: a claim, a delete, and the room it made takes one more post.
    claim = api.post("/v2/queues/q/claims?limit=2", {"ttl": 60, "grace": 60})
    assert claim.status == 201
    assert api.delete(f"/v2/queues/q/messages/{ids[-1]}").status == 204
    assert api.post("/v2/queues/q/messages", batch(1)).status == 201
    assert api.post("/v2/queues/q/messages", batch(1)).status == 503


def test_the_option_takes_sizes_and_refuses_nonsense(tmp_path):
    binary = os.environ.get("WARREN_BIN", "build/release/warren")
    for bad in ("12XB", "-5", "lots"):
        out = subprocess.run([binary, "serve", "--storage", "memory", "--max-stored-bytes", bad],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode != 0 and "max-stored-bytes" in out.stderr, (bad, out.stderr)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_redis_out_of_memory_is_the_same_503(server_factory, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path), "--maxmemory", "4mb",
         "--maxmemory-policy", "noeviction"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        api = Api(server_factory("--storage", "redis", "--redis", f"redis://127.0.0.1:{port}"),
                  "oom-" + uuid.uuid4().hex[:6])
        big = {"messages": [{"body": "y" * 200_000, "ttl": 3600}]}
        statuses = [api.post("/v2/queues/q/messages", big).status for _ in range(40)]
        assert 503 in statuses, statuses
        refused = api.post("/v2/queues/q/messages", big)
        assert refused.status == 503
        assert "out of memory" in refused.json()["description"]
        assert "Consume or delete messages" in refused.json()["description"]
        assert api.stats("q")["total"] == statuses.count(201)  # reads still work
    finally:
        redis.terminate()
        redis.wait(timeout=10)
