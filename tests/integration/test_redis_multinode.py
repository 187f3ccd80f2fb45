"""Several `warren serve --storage redis` nodes over one Redis deployment, over real sockets:
cross-node push (a WebSocket subscriber on one node sees, in order and once, what is posted
on another, through Redis pub/sub), and producers on one node with consumers on the others
checked by the history checker (`warren bench claim --check` with several --url).

Needs the servers scripts/test.sh starts: $WARREN_TEST_REDIS_URL (one redis-server) and
$WARREN_TEST_REDIS_CLUSTER_URL (a 3-master cluster); skipped without them."""
import os
import time
import uuid

import pytest
import websocket

from bench_helpers import bench
from conftest import CLIENT_ID
from http_client import call
from ws_client import status

REDIS = os.environ.get("WARREN_TEST_REDIS_URL")
CLUSTER = os.environ.get("WARREN_TEST_REDIS_CLUSTER_URL")
needs_redis = pytest.mark.skipif(not REDIS, reason="set WARREN_TEST_REDIS_URL "
                                 "(url=$(tests/redis/start-redis.sh))")
needs_cluster = pytest.mark.skipif(not CLUSTER, reason="set WARREN_TEST_REDIS_CLUSTER_URL "
                                   "(url=$(tests/redis/start-cluster.sh))")


def redis_node(server_factory, url):
    return server_factory("--storage", "redis", "--redis", url)


def subscribe(client, queue):
    reply = client.request("subscription_create", {"queue_name": queue, "ttl": 600})
    assert status(reply) == 201, reply


def post(server, project, queue, body):
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": project, "Content-Type": "application/json"}
    response = call(server, "POST", f"/v2/queues/{queue}/messages", headers,
                    {"messages": [{"body": body, "ttl": 120}]})
    assert response.status == 201


def next_on(client, queue, timeout):
    """The next notification for `queue` within `timeout` s (others skipped), or None."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        client.settimeout(left)
        try:
            note = client.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if note.get("queue_name") == queue:
            return note


def wait_until_linked(poster, subscriber, project):
    """Posts on `poster` until `subscriber` gets one: the nodes' pub/sub is then up. The
    subscriber's socket must have no request of its own outstanding afterwards."""
    subscribe(subscriber, "warm")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        post(poster, project, "warm", "ping")
        if next_on(subscriber, "warm", 0.3) is not None:
            return
    pytest.fail("no notification crossed the nodes within 10 s")


@needs_redis
def test_posts_on_one_node_are_pushed_once_and_in_order_on_another(server_factory, connect):
    a, b = redis_node(server_factory, REDIS), redis_node(server_factory, REDIS)
    project = "xnode-" + uuid.uuid4().hex[:8]
    on_b, on_a = connect(b, project), connect(a, project)
    subscribe(on_b, "q")
    subscribe(on_a, "q")
    # (Requests first: from here on, notifications may arrive on these sockets at any time.)
    wait_until_linked(a, on_b, project)
    wait_until_linked(b, on_a, project)
    for n in range(30):
        post(a, project, "q", {"n": n})
    # B (remote) and A (local: its own batch from the channel is skipped) see each once.
    for client in (on_b, on_a):
        seen = []
        while len(seen) < 30:
            note = next_on(client, "q", 5)
            assert note is not None, f"only {seen} arrived"
            seen.append(note["body"]["n"])
        assert seen == list(range(30))
        assert next_on(client, "q", 0.5) is None, "a message was pushed twice"
    # And the other way round, B to A.
    post(b, project, "q", {"n": 30})
    assert next_on(on_a, "q", 5)["body"] == {"n": 30}
    assert next_on(on_b, "q", 5)["body"] == {"n": 30}
    assert next_on(on_a, "q", 0.5) is None and next_on(on_b, "q", 0.2) is None


@needs_cluster
def test_producers_on_one_node_consumers_on_others_lose_nothing(server_factory):
    nodes = [redis_node(server_factory, CLUSTER) for _ in range(3)]
    urls = ",".join(n.url for n in nodes)
    result, stdout = bench("claim", "--url", urls, "-c", 6, "-d", 4, "--check", "--drain", 5,
                           "--queues", 3, "--project", "multinode-" + uuid.uuid4().hex[:8],
                           "--release", 0.1, timeout=60)
    level = result["levels"][0]
    assert level["check"]["clean"], stdout
    assert level["check"]["summary"]["sends_ok"] > 50, stdout
    assert level["counters"]["messages deleted"] > 0, stdout
