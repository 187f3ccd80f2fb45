"""python-zaqarclient's pool and flavor calls (client.pool(), client.pools(), client.flavor(),
client.flavors()), unchanged, against `warren serve --pooling` (docs/pools.md): they reach the
admin routes without a role under --auth none, as they reach Zaqar's under noauth."""
import uuid

import pytest
from zaqarclient.queues import client as zaqar
from zaqarclient.queues.v1 import core
from zaqarclient.transport import errors

from conftest import Server


@pytest.fixture(scope="module")
def server():
    s = Server(("--storage", "memory", "--pooling"))
    yield s
    status = s.stop()
    assert status in (0, -15), "warren exited with status %s:\n%s" % (status, "".join(s.log))


@pytest.fixture
def client(server):
    conf = {"auth_opts": {"backend": "noauth",
                          "options": {"os_project_id": "zc-" + uuid.uuid4().hex[:12]}}}
    return zaqar.Client(server.url, version=2, conf=conf)


def test_pool_create_get_update_list_delete(client):
    name = "pool-" + uuid.uuid4().hex[:8]
    pool = client.pool(name, weight=10, uri="memory:", options={"note": "x"})
    got = pool.get()
    assert got["name"] == name and got["weight"] == 10 and got["uri"] == "memory:"
    pool.update({"weight": 20})
    assert pool.get()["weight"] == 20
    assert name in [p.name for p in client.pools()]
    detailed = [p for p in client.pools(detailed=True) if p.name == name]
    assert detailed and detailed[0].options == {"note": "x"}
    pool.delete()
    with pytest.raises(errors.ResourceNotFound):
        pool.get()


def test_a_pool_that_cannot_be_reached_is_refused(client):
    with pytest.raises(errors.MalformedRequest):
        client.pool("down-" + uuid.uuid4().hex[:8], weight=1, uri="redis://127.0.0.1:1")


def test_flavor_create_get_update_list_delete_and_a_queue_of_it(client):
    a, b = "fa-" + uuid.uuid4().hex[:8], "fb-" + uuid.uuid4().hex[:8]
    client.pool(a, weight=1, uri="memory:")
    client.pool(b, weight=1, uri="memory:")
    flavor = client.flavor("gold", pool_list=[a])
    got = flavor.get()
    assert got["name"] == "gold" and got["pool_list"] == [a] and "CLAIMS" in got["capabilities"]
    flavor.update({"pool_list": [a, b]})
    assert sorted(flavor.get()["pool_list"]) == sorted([a, b])
    assert [f.name for f in client.flavors()] == ["gold"]
    # A queue of the flavor (created with metadata through the client's core call: its Queue
    # object PUTs none) works as any queue.
    name = "q-" + uuid.uuid4().hex[:8]
    req, trans = client._request_and_transport()
    core.queue_create(trans, req, name, metadata={"_flavor": "gold"})
    queue = client.queue(name)
    queue.post([{"body": {"n": 1}, "ttl": 300}])
    claimed = list(queue.claim(ttl=60, grace=60))
    assert [m.body for m in claimed] == [{"n": 1}]
    claimed[0].delete()
    assert queue.metadata(force_reload=True)["_flavor"] == "gold"
    queue.delete()
    flavor.delete()
    with pytest.raises(errors.ResourceNotFound):
        flavor.get()
    client.pool(a, auto_create=False).delete()
    client.pool(b, auto_create=False).delete()
