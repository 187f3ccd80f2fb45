"""Zaqar's topics (/v2/topics...) over real sockets, on every engine: creation and metadata,
listing with paging and details, stats, purge, messages, subscriptions and their confirmation,
webhook delivery of a topic's posts, Zaqar's errors, and the separation of topics from queues of
the same name (docs/topics.md). The redis runs need $WARREN_TEST_REDIS_URL and
$WARREN_TEST_REDIS_CLUSTER_URL (skipped without)."""
import http.server
import json
import os
import threading
import uuid

import pytest

from zaqar import Api, error

REDIS = os.environ.get("WARREN_TEST_REDIS_URL")
CLUSTER = os.environ.get("WARREN_TEST_REDIS_CLUSTER_URL")
PATCH = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}


@pytest.fixture(params=["memory", "rocksdb", "redis", "redis-cluster"])
def engine_args(request, tmp_path):
    if request.param == "memory":
        return ["--storage", "memory"]
    if request.param == "rocksdb":
        return ["--storage", "rocksdb", "--data-dir", str(tmp_path / "data")]
    url = REDIS if request.param == "redis" else CLUSTER
    if not url:
        pytest.skip("set WARREN_TEST_REDIS_URL / WARREN_TEST_REDIS_CLUSTER_URL")
    return ["--storage", "redis", "--redis", url]


@pytest.fixture
def api(server_factory, engine_args):
    return Api(server_factory(*engine_args, "--webhook-allow-private"))


def post(api, topic, *bodies):
    r = api.post(f"/v2/topics/{topic}/messages",
                 {"messages": [{"body": b, "ttl": 300} for b in bodies]})
    assert r.status == 201, r
    return [href.rsplit("/", 1)[1] for href in r.json()["resources"]]


def test_create_get_patch_delete(api):
    r = api.put("/v2/topics/news", {"color": "blue"})
    assert r.status == 201, r
    assert r.headers["location"] == "/v2/topics/news"
    assert api.put("/v2/topics/news", {"color": "red"}).status == 204
    r = api.get("/v2/topics/news")
    assert r.status == 200, r
    meta = r.json()
    assert meta["color"] == "blue"
    assert meta["_default_message_ttl"] == 3600
    assert "_max_messages_post_size" in meta
    patch = [{"op": "replace", "path": "/metadata/color", "value": "green"},
             {"op": "add", "path": "/metadata/size", "value": 3}]
    r = api.patch("/v2/topics/news", patch, headers=PATCH)
    assert r.status == 200, r
    assert r.json()["color"] == "green" and r.json()["size"] == 3
    assert api.delete("/v2/topics/news").status == 204
    # A missing topic reads as empty metadata with the defaults, as Zaqar's does.
    r = api.get("/v2/topics/news")
    assert r.status == 200 and "color" not in r.json()


def test_patch_of_a_missing_topic_names_the_topic(api):
    r = api.patch("/v2/topics/ghost", [{"op": "add", "path": "/metadata/a", "value": 1}],
                  headers=PATCH)
    assert error(r) == (404, "Not found",
                        f"Topic ghost does not exist for project {api.project}")


def test_invalid_topic_names(api):
    for name in ["a" * 65, "b%21d", "with.dot%20x"]:
        r = api.put(f"/v2/topics/{name}")
        assert error(r) == (400, "Invalid topic identification",
                            "The format of the submitted topic name or project id is not "
                            "valid."), name
    assert api.get("/v2/topics/bad!name/stats").status == 400
    # A percent-encoded name is the decoded one (kept beside the topic namespace).
    assert api.put("/v2/topics/a%2Db").status == 201
    assert api.post("/v2/topics/a%2Db/messages", {"messages": [{"body": 1}]}).status == 201
    assert [t["name"] for t in api.get("/v2/topics").json()["topics"]] == ["a-b"]
    assert api.get("/v2/topics/a-b/stats").json()["messages"]["total"] == 1


def test_listing_pages_details_and_filters(api):
    for i in range(5):
        assert api.put(f"/v2/topics/t{i}", {"n": i, "kind": "odd" if i % 2 else "even"}).status \
            == 201
    r = api.get("/v2/topics?limit=2")
    assert r.status == 200, r
    body = r.json()
    assert [t["name"] for t in body["topics"]] == ["t0", "t1"]
    assert body["topics"][0]["href"] == "/v2/topics/t0"
    assert "metadata" not in body["topics"][0]
    next_href = body["links"][0]["href"]
    assert "marker=t1" in next_href and next_href.startswith("/v2/topics?")
    r = api.get(next_href)
    assert [t["name"] for t in r.json()["topics"]] == ["t2", "t3"]
    r = api.get("/v2/topics?detailed=true&limit=1")
    topic = r.json()["topics"][0]
    assert topic["metadata"]["n"] == 0 and topic["metadata"]["_default_message_ttl"] == 3600
    r = api.get("/v2/topics?kind=odd")
    assert [t["name"] for t in r.json()["topics"]] == ["t1", "t3"]
    r = api.get("/v2/topics?name=4")
    assert [t["name"] for t in r.json()["topics"]] == ["t4"]
    r = api.get("/v2/topics?marker=t4")
    assert r.json() == {"topics": [], "links": []}
    assert error(api.get("/v2/topics?limit=0"))[0] == 400


def test_topics_and_queues_of_one_name_are_apart(api):
    api.create_queue("shared")
    assert api.put("/v2/topics/shared", {"topic": True}).status == 201
    assert api.put("/v2/topics/only-topic").status == 201
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["shared"]
    assert [t["name"] for t in api.get("/v2/topics").json()["topics"]] == ["only-topic", "shared"]
    assert "topic" not in api.get("/v2/queues/shared").json()
    [topic_id] = post(api, "shared", {"to": "topic"})
    api.post_messages("shared", [{"to": "queue"}])
    assert [m["body"] for m in api.list_messages("shared")] == [{"to": "queue"}]
    r = api.get(f"/v2/queues/shared/messages/{topic_id}")
    assert r.status == 404
    assert api.get(f"/v2/topics/shared/messages/{topic_id}").json()["body"] == {"to": "topic"}
    assert api.delete("/v2/topics/shared").status == 204
    assert api.stats("shared")["total"] == 1
    # Another project sees neither.
    other = Api(api.server)
    assert other.get("/v2/topics").json()["topics"] == []


def test_messages_post_list_get_delete(api):
    ids = post(api, "feed", {"n": 1}, {"n": 2}, {"n": 3})
    r = api.get("/v2/topics/feed/messages?echo=true&limit=2")
    assert r.status == 200, r
    body = r.json()
    assert [m["body"]["n"] for m in body["messages"]] == [1, 2]
    assert body["messages"][0]["href"] == f"/v2/topics/feed/messages/{ids[0]}"
    r = api.get(body["links"][0]["href"])
    assert [m["body"]["n"] for m in r.json()["messages"]] == [3]
    r = api.get(f"/v2/topics/feed/messages?ids={ids[0]},{ids[2]}")
    assert sorted(m["body"]["n"] for m in r.json()["messages"]) == [1, 3]
    assert api.delete(f"/v2/topics/feed/messages/{ids[0]}").status == 204
    assert api.get(f"/v2/topics/feed/messages/{ids[0]}").status == 404
    assert api.delete(f"/v2/topics/feed/messages?ids={ids[1]}").status == 204
    r = api.get("/v2/topics/feed/messages?echo=true")
    assert [m["id"] for m in r.json()["messages"]] == [ids[2]]
    assert api.delete("/v2/topics/feed/messages").status == 400


def test_post_validation_as_for_queues(api):
    r = api.post("/v2/topics/feed/messages", {"messages": []})
    assert r.status == 400
    r = api.post("/v2/topics/feed/messages", {"messages": [{"body": 1, "ttl": 10}]})
    assert r.status == 400
    assert api.post("/v2/topics/feed/messages").status == 400


def test_no_claims_on_topics(api):
    post(api, "feed", 1)
    assert api.post("/v2/topics/feed/claims", {"ttl": 60, "grace": 60}).status == 404


def test_stats_and_purge(api):
    r = api.get("/v2/topics/fresh/stats")
    assert r.status == 200 and r.json()["messages"]["total"] == 0
    ids = post(api, "feed", "a", "b")
    r = api.get("/v2/topics/feed/stats")
    stats = r.json()["messages"]
    assert stats["total"] == 2 and stats["free"] == 2 and stats["claimed"] == 0
    assert stats["oldest"]["href"] == f"/v2/topics/feed/messages/{ids[0]}"
    sub = api.post("/v2/topics/feed/subscriptions",
                   {"subscriber": "http://127.0.0.1:9/x", "ttl": 600})
    assert sub.status == 201, sub
    r = api.post("/v2/topics/feed/purge", {"resource_types": ["messages"]})
    assert r.status == 204, r
    assert api.get("/v2/topics/feed/stats").json()["messages"]["total"] == 0
    assert len(api.get("/v2/topics/feed/subscriptions").json()["subscriptions"]) == 1
    assert api.post("/v2/topics/feed/purge").status == 204
    assert api.get("/v2/topics/feed/subscriptions").json()["subscriptions"] == []
    assert api.post("/v2/topics/feed/purge", {"resource_types": ["claims"]}).status == 400


def test_subscriptions_lifecycle(api):
    r = api.post("/v2/topics/alerts/subscriptions",
                 {"subscriber": "http://127.0.0.1:9/hook", "ttl": 600, "options": {"a": 1}})
    assert r.status == 201, r
    sid = r.json()["subscription_id"]
    # Subscribing creates the topic (as a queue subscription creates its queue), not a queue.
    assert [t["name"] for t in api.get("/v2/topics").json()["topics"]] == ["alerts"]
    assert api.get("/v2/queues").json()["queues"] == []
    assert api.get("/v2/queues/alerts/subscriptions").json()["subscriptions"] == []
    r = api.get(f"/v2/topics/alerts/subscriptions/{sid}")
    assert r.status == 200, r
    sub = r.json()
    assert sub["source"] == "alerts" and sub["options"] == {"a": 1}
    r = api.patch(f"/v2/topics/alerts/subscriptions/{sid}", {"options": {"b": 2}})
    assert r.status == 204, r
    assert api.get(f"/v2/topics/alerts/subscriptions/{sid}").json()["options"] == {"b": 2}
    r = api.put(f"/v2/topics/alerts/subscriptions/{sid}/confirm", {"confirmed": True})
    assert r.status == 204, r
    assert api.get(f"/v2/topics/alerts/subscriptions/{sid}").json()["confirmed"] is True
    listed = api.get("/v2/topics/alerts/subscriptions").json()["subscriptions"]
    assert [s["id"] for s in listed] == [sid]
    assert api.delete(f"/v2/topics/alerts/subscriptions/{sid}").status == 204
    assert api.get(f"/v2/topics/alerts/subscriptions/{sid}").status == 404
    r = api.post("/v2/topics/alerts/subscriptions", {"subscriber": "nope://x", "ttl": 600})
    assert r.status == 400


class Receiver:
    """Records the bodies POSTed to it on 127.0.0.1."""

    def __init__(self):
        self.bodies = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.cond:
                    receiver.bodies.append(json.loads(body))
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def wait_for(self, count, timeout=10):
        with self.cond:
            self.cond.wait_for(lambda: len(self.bodies) >= count, timeout)
            return list(self.bodies)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_posts_reach_the_topics_webhooks_only(api):
    topic_hook, queue_hook = Receiver(), Receiver()
    try:
        name = "t-" + uuid.uuid4().hex[:6]
        r = api.post(f"/v2/topics/{name}/subscriptions",
                     {"subscriber": topic_hook.url(), "ttl": 600})
        assert r.status == 201, r
        r = api.post(f"/v2/queues/{name}/subscriptions",
                     {"subscriber": queue_hook.url(), "ttl": 600})
        assert r.status == 201, r
        post(api, name, {"n": 1}, {"n": 2})
        bodies = topic_hook.wait_for(2)
        assert sorted(b["body"]["n"] for b in bodies) == [1, 2]
        assert all(b["queue_name"] == name for b in bodies)
        assert queue_hook.wait_for(1, timeout=1) == []
        api.post_messages(name, [{"n": 3}])
        assert [b["body"]["n"] for b in queue_hook.wait_for(1)] == [3]
        assert len(topic_hook.bodies) == 2
    finally:
        topic_hook.close()
        queue_hook.close()


def test_topics_survive_a_rocksdb_restart_apart_from_queues(server_factory, tmp_path):
    data = str(tmp_path / "data")
    first = Api(server_factory("--storage", "rocksdb", "--data-dir", data))
    assert first.put("/v2/topics/kept", {"m": 1}).status == 201
    first.create_queue("kept")
    [topic_id] = post(first, "kept", {"to": "topic"})
    assert first.server.stop() == 0
    second = Api(server_factory("--storage", "rocksdb", "--data-dir", data), first.project)
    assert [t["name"] for t in second.get("/v2/topics").json()["topics"]] == ["kept"]
    assert [q["name"] for q in second.get("/v2/queues").json()["queues"]] == ["kept"]
    assert second.get("/v2/topics/kept").json()["m"] == 1
    assert second.get(f"/v2/topics/kept/messages/{topic_id}").json()["body"] == {"to": "topic"}
    assert second.stats("kept")["total"] == 0


def test_a_topics_mailto_subscribers_get_its_posts(server_factory, engine_args, tmp_path):
    from test_mailto import Sink
    sink = Sink(tmp_path / "mail")
    try:
        api = Api(server_factory(*engine_args, "--smtp-relay", sink.relay))
        r = api.post("/v2/topics/news/subscriptions",
                     {"subscriber": "mailto:ops@example.com", "ttl": 600})
        assert r.status == 201, r
        post(api, "news", {"headline": "x"})
        api.post_messages("news", [{"queue": "not mailed"}])
        mails = sink.wait_for(1)
        assert len(mails) == 1
        doc = json.loads(mails[0]["message"].get_content())
        assert doc["body"] == {"headline": "x"} and doc["queue_name"] == "news"
        assert len(sink.wait_for(2, timeout=1)) == 1
    finally:
        sink.stop()
