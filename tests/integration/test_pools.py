"""Pools and flavors (`--pooling`, docs/pools.md) over real sockets: every /v2/pools and
/v2/flavors route (validation, bodies, errors, paging, admin-only under --auth tokens), queues
of a flavor placed on its pools and routed there, listing across pools, placement kept over a
restart, and `warren bench claim --check` over queues on two pools (a rocksdb directory and a
real Redis, $WARREN_TEST_REDIS_URL; those tests are skipped without it)."""
import os
import time
import uuid

import pytest

from bench_helpers import bench
from test_auth_tokens import Tokens, TokenApi, start as start_with_tokens
from zaqar import Api

REDIS = os.environ.get("WARREN_TEST_REDIS_URL")
CLUSTER = os.environ.get("WARREN_TEST_REDIS_CLUSTER_URL")
needs_redis = pytest.mark.skipif(not REDIS, reason="set WARREN_TEST_REDIS_URL "
                                 "(url=$(tests/redis/start-redis.sh))")
needs_cluster = pytest.mark.skipif(not CLUSTER, reason="set WARREN_TEST_REDIS_CLUSTER_URL "
                                   "(url=$(tests/redis/start-cluster.sh))")


def pooled(server_factory, tmp_path, *args):
    return server_factory("--storage", "rocksdb", "--data-dir", str(tmp_path / "home"),
                          "--pooling", *args)


def rocks_uri(tmp_path, name):
    return f"rocksdb://{tmp_path / name}"


def test_without_pooling_there_are_no_pool_routes(server):
    api = Api(server)
    assert api.get("/v2/pools").status == 404
    assert api.put("/v2/flavors/f", {"pool_list": ["p"]}).status == 404


def test_pool_routes_validate_and_answer_as_zaqar(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s)
    r = api.put("/v2/pools/a", {"uri": "memory:", "weight": 10, "options": {"x": 1}})
    assert r.status == 201 and r.header("Location") == "/v2/pools/a"
    # PUT again replaces (Zaqar's upsert).
    assert api.put("/v2/pools/a", {"uri": "memory:", "weight": 20}).status == 201
    assert api.put("/v2/pools/b", {"uri": rocks_uri(tmp_path, "b"), "weight": 5,
                                   "flavor": "gold"}).status == 201
    got = api.get("/v2/pools/a").json()
    assert got == {"name": "a", "uri": "memory:", "weight": 20, "flavor": None,
                   "href": "/v2/pools/a"}
    assert api.get("/v2/pools/b?detailed=true").json()["options"] == {}
    # Validation: the body's schema, the name, the URI.
    for body, text in [({"weight": 1}, "'uri' is a required property"),
                       ({"uri": "memory:"}, "'weight' is a required property"),
                       ({"uri": "memory:", "weight": -1}, "weight"),
                       ({"uri": "memory:", "weight": 2 ** 32}, "weight"),
                       ({"uri": "memory:", "weight": "1"}, "weight"),
                       ({"uri": "memory:", "weight": 1, "flavor": 3}, "flavor"),
                       ({"uri": "memory:", "weight": 1, "options": []}, "options"),
                       ({"uri": "memory:", "weight": 1, "other": 1}, "Additional properties"),
                       ({"uri": "x" * 256, "weight": 1}, "uri")]:
        r = api.put("/v2/pools/c", body)
        assert r.status == 400 and text in r.json()["description"], (body, r)
    assert api.put("/v2/pools/c", [1]).status == 400
    assert api.put("/v2/pools/c").status == 400
    assert api.put("/v2/pools/c%20d", {"uri": "memory:", "weight": 1}).status == 400
    r = api.put("/v2/pools/c", {"uri": "mongodb://127.0.0.1:27017", "weight": 1})
    assert r.status == 400 and "is not a pool URI" in r.json()["description"]
    r = api.put("/v2/pools/c", {"uri": "redis://127.0.0.1:1", "weight": 1})
    assert r.json() == {"title": "Invalid request body",
                        "description": "cannot connect to redis://127.0.0.1:1"}
    # The home store's own directory is locked: refused, not shared.
    r = api.put("/v2/pools/c", {"uri": rocks_uri(tmp_path, "home"), "weight": 1})
    assert r.status == 400 and "cannot connect" in r.json()["description"]
    assert api.get("/v2/pools/c").json() == {"title": "Not found",
                                             "description": "Pool c does not exist"}
    # Listing: marker, limit, detailed, next link.
    listing = api.get("/v2/pools?limit=1").json()
    assert [p["name"] for p in listing["pools"]] == ["a"]
    assert listing["links"] == [{"rel": "next", "href": "/v2/pools?limit=1&marker=a"}]
    listing = api.get("/v2/pools?limit=1&marker=a&detailed=true").json()
    assert [p["name"] for p in listing["pools"]] == ["b"]
    assert listing["pools"][0]["options"] == {} and listing["pools"][0]["href"] == "/v2/pools/b"
    assert api.get("/v2/pools?marker=b").json() == {"pools": [], "links": []}
    for bad in ("limit=0", "limit=21", "limit=x", "detailed=maybe"):
        assert api.get("/v2/pools?" + bad).status == 400, bad
    # PATCH: one of the four fields, each checked; 404 for a missing pool.
    r = api.patch("/v2/pools/a", {"weight": 7, "ignored": True})
    assert r.status == 200 and r.json()["weight"] == 7 and r.json()["href"] == "/v2/pools/a"
    r = api.patch("/v2/pools/a", {"nothing": 1})
    assert r.status == 400 and "needs to be specified" in r.json()["description"]
    assert api.patch("/v2/pools/a", {"weight": "heavy"}).status == 400
    assert api.patch("/v2/pools/a", {"uri": "redis://127.0.0.1:1"}).status == 400
    assert api.patch("/v2/pools/zz", {"weight": 1}).status == 404
    # Names no pool can have reach no store: 404, and 204 for DELETE.
    assert api.get("/v2/pools/a%25b").status == 404
    assert api.patch("/v2/pools/..", {"weight": 1}).status == 404
    assert api.delete("/v2/pools/a%25b").status == 204
    # DELETE: 204, also when missing.
    assert api.delete("/v2/pools/a").status == 204
    assert api.delete("/v2/pools/a").status == 204
    assert api.get("/v2/pools/a").status == 404


def test_listing_limits_are_configurable(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path, "--max-pools-per-page", "1", "--max-flavors-per-page", "2")
    api = Api(s)
    r = api.get("/v2/pools?limit=2")
    assert r.json()["description"] == "Limit must be at least 1 and no greater than 1."
    assert api.get("/v2/flavors?limit=2").status == 200
    assert api.get("/v2/flavors?limit=3").status == 400


def test_flavor_routes_validate_and_answer_as_zaqar(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s)
    assert api.put("/v2/pools/p1", {"uri": "memory:", "weight": 1}).status == 201
    assert api.put("/v2/pools/p2", {"uri": rocks_uri(tmp_path, "p2"), "weight": 1}).status == 201
    r = api.put("/v2/flavors/gold", {"pool_list": ["p1", "p2"], "capabilities": {}})
    assert r.status == 201 and r.header("Location") == "/v2/flavors/gold"
    got = api.get("/v2/flavors/gold").json()
    assert got["name"] == "gold" and got["pool_list"] == ["p1", "p2"]
    assert got["href"] == "/v2/flavors/gold" and "CLAIMS" in got["capabilities"]
    assert api.get("/v2/pools/p1").json()["flavor"] == "gold"
    # Errors.
    r = api.put("/v2/flavors/silver", {"pool_list": []})
    assert r.json() == {"title": "Unable to create", "description": "Bad Request"}
    r = api.put("/v2/flavors/silver", {"pool_list": ["nope"]})
    assert r.status == 400 and "Pool nope does not exist" in r.json()["description"]
    assert api.put("/v2/flavors/silver", {"capabilities": {}}).status == 400
    assert api.put("/v2/flavors/silver", {"pool_list": ["p1"], "x": 1}).status == 400
    r = api.put("/v2/flavors/silver", {"pool_list": ["p 1"]})
    assert r.status == 400 and "Pool p 1 does not exist" in r.json()["description"]
    assert api.get("/v2/flavors/a%25b").status == 404
    assert api.delete("/v2/flavors/a%25b").status == 204
    assert api.put("/v2/flavors/silver", {"pool_list": "p1"}).status == 400
    assert api.get("/v2/flavors/silver").json() == {"title": "Not found",
                                                    "description": "Flavor silver does not exist"}
    # Flavors are per project.
    assert Api(s).get("/v2/flavors/gold").status == 404
    assert Api(s).get("/v2/flavors").json() == {"flavors": [], "links": []}
    # Listing.
    listing = api.get("/v2/flavors?detailed=true").json()
    assert listing["flavors"][0]["pool_list"] == ["p1", "p2"]
    assert "FIFO" in listing["flavors"][0]["capabilities"]
    assert listing["links"] == [{"rel": "next", "href": "/v2/flavors?detailed=true&marker=gold"}]
    assert api.get("/v2/flavors?limit=0").status == 400
    # PATCH: pool_list required; the pools left out lose the flavor.
    r = api.patch("/v2/flavors/gold", {"capabilities": {}})
    assert r.json()["description"] == "`pool_list` needs to be specified"
    r = api.patch("/v2/flavors/gold", {"pool_list": ["p2"]})
    assert r.status == 200 and r.json()["pool_list"] == ["p2"]
    assert api.get("/v2/pools/p1").json()["flavor"] is None
    assert api.patch("/v2/flavors/none", {"pool_list": ["p2"]}).status == 404
    # The last pool of a flavor cannot be deleted (Zaqar's PoolInUseByFlavor).
    r = api.delete("/v2/pools/p2")
    assert r.status == 403 and r.json()["title"] == "Unable to delete"
    assert api.delete("/v2/flavors/gold").status == 204
    assert api.get("/v2/pools/p2").json()["flavor"] is None
    assert api.delete("/v2/pools/p2").status == 204


def test_queues_of_a_flavor_live_on_its_pools_and_stay_there(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s)
    assert api.put("/v2/pools/disk", {"uri": rocks_uri(tmp_path, "disk"), "weight": 1}).status == 201
    assert api.put("/v2/pools/mem", {"uri": "memory:", "weight": 1}).status == 201
    assert api.put("/v2/flavors/durable", {"pool_list": ["disk"]}).status == 201
    api.create_queue("a-pooled", {"_flavor": "durable"})
    api.create_queue("b-home")
    r = api.put("/v2/queues/c", {"_flavor": "unknown"})
    assert r.status == 400 and "Flavor unknown does not exist" in r.json()["description"]
    assert api.put("/v2/queues/c", {"_flavor": "no such"}).status == 400
    assert api.get("/v2/queues/a-pooled").json()["_flavor"] == "durable"
    ids = api.post_messages("a-pooled", [{"n": i} for i in range(3)])
    api.post_messages("b-home", ["x"])
    claim = api.post("/v2/queues/a-pooled/claims?limit=2", {"ttl": 60, "grace": 60})
    assert claim.status == 201 and len(claim.json()["messages"]) == 2
    # The pool holds the queue: it cannot be deleted (nor the flavor's last pool).
    r = api.delete("/v2/pools/disk")
    assert r.status == 403
    api.patch("/v2/flavors/durable", {"pool_list": ["disk", "mem"]})
    r = api.delete("/v2/pools/disk")
    assert r.json()["description"] == "Pool disk holds 1 queues; It cannot be deleted."
    # Listing spans the home store and the pools.
    names = [q["name"] for q in api.get("/v2/queues").json()["queues"]]
    assert names == ["a-pooled", "b-home"]
    assert api.get("/v2/queues?limit=1&marker=a-pooled").json()["queues"][0]["name"] == "b-home"
    assert api.get("/v2/queues?with_count=true").json()["count"] == 2
    # A pool added later changes nothing for existing queues.
    assert api.put("/v2/pools/late", {"uri": "memory:", "weight": 1000,
                                      "flavor": "durable"}).status == 201
    stats = api.get("/v2/queues/a-pooled/stats").json()["messages"]
    assert stats["total"] == 3 and stats["claimed"] == 2
    api.patch("/v2/flavors/durable", {"pool_list": ["disk"]})
    # A restart keeps the placement: the messages are found on the pool.
    assert s.stop() == 0
    s = pooled(server_factory, tmp_path)
    api = Api(s, api.project)
    got = api.get(f"/v2/queues/a-pooled/messages/{ids[2]}")
    assert got.status == 200 and got.json()["body"] == {"n": 2}
    assert api.get("/v2/queues/a-pooled/stats").json()["messages"]["total"] == 3
    assert api.delete("/v2/pools/disk").status == 403
    # Deleting the queue frees the pool.
    assert api.delete("/v2/queues/a-pooled").status == 204
    assert api.get("/v2/queues/a-pooled/stats").json()["messages"]["total"] == 0
    api.delete("/v2/flavors/durable")
    assert api.delete("/v2/pools/disk").status == 204


def test_health_reports_the_catalog_and_each_pool(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s)
    assert api.put("/v2/pools/m", {"uri": "memory:", "weight": 1}).status == 201
    health = api.get("/v2/health", headers={"X-Roles": "admin"}).json()
    assert health["catalog_reachable"] is True and health["storage_reachable"] is True
    assert health["m"] == {"storage_reachable": True}


def test_pool_routes_are_admin_routes_under_authentication(server_factory, tmp_path):
    tokens = Tokens(str(tmp_path / "credentials.json"))
    tokens.grant("alice", "pa")
    tokens.grant("ops", "ops", roles=("admin",))
    s = start_with_tokens(server_factory, tokens, "--storage", "memory", "--pooling")
    alice, ops = TokenApi(s, tokens.token("alice")), TokenApi(s, tokens.token("ops"))
    for method, path, body in [("GET", "/v2/pools", None), ("GET", "/v2/flavors", None),
                               ("PUT", "/v2/pools/p", {"uri": "memory:", "weight": 1}),
                               ("PATCH", "/v2/pools/p", {"weight": 1}),
                               ("DELETE", "/v2/pools/p", None),
                               ("PUT", "/v2/flavors/f", {"pool_list": ["p"]}),
                               ("GET", "/v2/flavors/f", None)]:
        r = alice.request(method, path, body, headers={"X-Roles": "admin"})
        assert r.status == 403, (method, path, r)
    assert ops.put("/v2/pools/p", {"uri": "memory:", "weight": 1}).status == 201
    assert ops.put("/v2/flavors/f", {"pool_list": ["p"]}).status == 201
    assert ops.get("/v2/flavors/f").json()["pool_list"] == ["p"]


def two_pools(api, tmp_path):
    assert api.put("/v2/pools/disk", {"uri": rocks_uri(tmp_path, "disk"), "weight": 1,
                                      "flavor": "disk"}).status == 201
    assert api.put("/v2/pools/net", {"uri": REDIS, "weight": 1, "flavor": "net"}).status == 201
    assert api.put("/v2/flavors/disk", {"pool_list": ["disk"]}).status == 201
    assert api.put("/v2/flavors/net", {"pool_list": ["net"]}).status == 201


@needs_redis
def test_queues_on_a_redis_pool_and_a_rocksdb_pool_survive_a_restart(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s, "multi-" + uuid.uuid4().hex[:8])
    two_pools(api, tmp_path)
    api.create_queue("on-disk", {"_flavor": "disk"})
    api.create_queue("on-redis", {"_flavor": "net"})
    for queue in ("on-disk", "on-redis"):
        api.post_messages(queue, [{"q": queue, "i": i} for i in range(4)])
        claim = api.post(f"/v2/queues/{queue}/claims?limit=3", {"ttl": 60, "grace": 60})
        assert claim.status == 201 and len(claim.json()["messages"]) == 3
        for message in claim.json()["messages"][:2]:
            assert api.delete(message["href"]).status == 204
    for pool in ("disk", "net"):
        # (Without its flavor, only the queue it holds keeps the pool from being deleted.)
        assert api.delete(f"/v2/flavors/{pool}").status == 204
        assert "holds 1 queues" in api.delete(f"/v2/pools/{pool}").json()["description"]
    assert s.stop() == 0
    s = pooled(server_factory, tmp_path)
    api = Api(s, api.project)
    for queue in ("on-disk", "on-redis"):
        stats = api.get(f"/v2/queues/{queue}/stats").json()["messages"]
        assert (stats["total"], stats["claimed"]) == (2, 1), (queue, stats)
        assert api.get(f"/v2/queues/{queue}").json()["_flavor"] in ("disk", "net")
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["on-disk", "on-redis"]
    for queue in ("on-disk", "on-redis"):
        assert api.delete(f"/v2/queues/{queue}").status == 204


@needs_redis
def test_bench_check_over_queues_on_two_pools_loses_nothing(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    project = "bench-" + uuid.uuid4().hex[:8]
    two_pools(Api(s, project), tmp_path)
    for flavor in ("disk", "net"):
        result, stdout = bench("claim", "--url", s.url, "-c", 4, "-d", 2, "--check", "--drain", 3,
                               "--queues", 2, "--project", project, "--flavor", flavor,
                               "--queue-prefix", flavor, "--keep-queues", timeout=60)
        level = result["levels"][0]
        assert level["check"]["clean"], stdout
        assert level["check"]["summary"]["sends_ok"] > 20, stdout
        # The bench's queues were placed on the flavor's pool.
        assert Api(s, project).delete(f"/v2/flavors/{flavor}").status == 204
        r = Api(s, project).delete(f"/v2/pools/{flavor}")
        assert "holds 2 queues" in r.json()["description"], r


@needs_cluster
def test_a_redis_cluster_pool_serves_its_queues(server_factory, tmp_path):
    s = pooled(server_factory, tmp_path)
    api = Api(s, "cluster-" + uuid.uuid4().hex[:8])
    assert api.put("/v2/pools/cluster", {"uri": CLUSTER, "weight": 1}).status == 201
    assert api.put("/v2/flavors/wide", {"pool_list": ["cluster"]}).status == 201
    names = [f"q{i}" for i in range(4)]  # spread over the cluster's slots
    for name in names:
        api.create_queue(name, {"_flavor": "wide"})
        api.post_messages(name, [{"q": name}])
        claim = api.post(f"/v2/queues/{name}/claims", {"ttl": 60, "grace": 60})
        assert claim.status == 201 and claim.json()["messages"][0]["body"] == {"q": name}
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == names
    assert api.delete("/v2/flavors/wide").status == 204
    assert "holds 4 queues" in api.delete("/v2/pools/cluster").json()["description"]
    for name in names:
        assert api.delete(f"/v2/queues/{name}").status == 204
    assert api.delete("/v2/pools/cluster").status == 204


@needs_redis
@needs_cluster
def test_nodes_sharing_a_redis_home_store_share_pools_and_placement(server_factory):
    # Home: one Redis; pool: the Redis Cluster. Node b runs before the queue is placed.
    a = server_factory("--storage", "redis", "--redis", REDIS, "--pooling",
                       "--pool-refresh-ms", "100")
    b = server_factory("--storage", "redis", "--redis", REDIS, "--pooling",
                       "--pool-refresh-ms", "100")
    tag = uuid.uuid4().hex[:8]
    pool, project = "shared-" + tag, "nodes-" + tag
    on_a, on_b = Api(a, project), Api(b, project)
    assert on_a.put(f"/v2/pools/{pool}", {"uri": CLUSTER, "weight": 1}).status == 201
    assert on_a.put("/v2/flavors/f", {"pool_list": [pool]}).status == 201
    assert on_b.get(f"/v2/flavors/f").json()["name"] == "f"
    on_a.create_queue("q", {"_flavor": "f"})
    # A post through b finds the placement in the durable catalog at once.
    on_b.post_messages("q", [{"from": "b"}])
    claim = on_a.post("/v2/queues/q/claims", {"ttl": 60, "grace": 60})
    assert claim.status == 201 and claim.json()["messages"][0]["body"] == {"from": "b"}
    # b's mirror catches up within --pool-refresh-ms: the pool holds the queue there too.
    on_a.delete("/v2/flavors/f")
    deadline = time.time() + 5
    while "holds 1 queues" not in on_b.delete(f"/v2/pools/{pool}").body.decode():
        assert time.time() < deadline
        time.sleep(0.1)
    assert on_a.delete("/v2/queues/q").status == 204
    deadline = time.time() + 5
    while on_b.delete(f"/v2/pools/{pool}").status != 204:
        assert time.time() < deadline
        time.sleep(0.1)


def test_a_websocket_queue_create_with_a_flavor_is_placed_too(server_factory, tmp_path, connect):
    s = pooled(server_factory, tmp_path)
    api = Api(s)
    assert api.put("/v2/pools/m", {"uri": "memory:", "weight": 1}).status == 201
    assert api.put("/v2/flavors/f", {"pool_list": ["m"]}).status == 201
    client = connect(s, project=api.project)
    reply = client.request("queue_create", {"queue_name": "w", "metadata": {"_flavor": "f"}})
    assert reply["headers"]["status"] == 201, reply
    reply = client.request("message_post", {"queue_name": "w",
                                            "messages": [{"body": 1, "ttl": 60}]})
    assert reply["headers"]["status"] == 201, reply
    assert api.get("/v2/queues/w/stats").json()["messages"]["total"] == 1
    api.delete("/v2/flavors/f")
    assert "holds 1 queues" in api.delete("/v2/pools/m").json()["description"]
