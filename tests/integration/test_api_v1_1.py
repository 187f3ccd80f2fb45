"""Zaqar's deprecated v1.1 API (--enable-deprecated-api-versions 1.1): v2's handlers where v1.1
agrees, v1.1's own answers where it differs (raw metadata, no delays, no queue defaults)."""
import pytest

from zaqar import Api


@pytest.fixture
def api(server_factory):
    return Api(server_factory("--storage", "memory", "--enable-deprecated-api-versions", "1.1"))


def test_v1_1_is_off_by_default(server):
    assert Api(server).get("/v1.1/queues").status == 404


def test_home_document_lists_v1_1_resources(api):
    r = api.get("/v1.1/")
    assert r.status == 200 and r.header("content-type") == "application/json-home"
    resources = r.json()["resources"]
    assert resources["rel/queue"]["href-template"] == "/v1.1/queues/{queue_name}"
    assert resources["rel/queue"]["hints"]["allow"] == ["PUT", "DELETE"]
    assert "rel/subscriptions_get" not in resources and "rel/queue_purge" not in resources
    assert all(r["href-template"].startswith("/v1.1/") for r in resources.values())


def test_queue_metadata_is_raw_and_the_listing_reads_three_params(api):
    assert api.put("/v1.1/queues/q1", {"k": 1}).status == 201
    assert api.get("/v1.1/queues/q1").json() == {"k": 1}
    assert api.get("/v1.1/queues/missing").json() == {}
    api.put("/v1.1/queues/q2")
    body = api.get("/v1.1/queues?detailed=true&limit=1&with_count=true&k=1").json()
    assert body["queues"] == [{"href": "/v1.1/queues/q1", "name": "q1", "metadata": {"k": 1}}]
    assert body["links"] == [{"rel": "next",
                              "href": "/v1.1/queues?limit=1&detailed=true&marker=q1"}]
    assert "count" not in body
    assert api.patch("/v1.1/queues/q1", [], headers={
        "Content-Type": "application/openstack-messaging-v2.0-json-patch"}).status == 405


def test_messages_ignore_queue_defaults_and_delays(api):
    api.put("/v2/queues/d", {"_default_message_ttl": 120, "_default_message_delay": 60,
                              "_max_messages_post_size": 100})
    r = api.post("/v1.1/queues/d/messages", {"messages": [{"body": "x" * 150, "delay": 30}]})
    assert r.status == 201
    assert r.json()["resources"][0].startswith("/v1.1/queues/d/messages/")
    listed = api.get("/v1.1/queues/d/messages?echo=true").json()
    assert [m["ttl"] for m in listed["messages"]] == [3600]  # the configured default
    assert listed["links"][0]["href"].startswith("/v1.1/queues/d/messages?echo=true&marker=")


def test_claims_and_deletes(api):
    r = api.post("/v1.1/queues/c/messages", {"messages": [{"body": 1, "ttl": 300}]})
    mid = r.json()["resources"][0].rsplit("/", 1)[1]
    r = api.post("/v1.1/queues/c/claims", {"ttl": 300, "grace": 60})
    assert r.status == 201
    cid = r.header("location").rsplit("/", 1)[1]
    assert r.json()["messages"][0]["href"] == f"/v1.1/queues/c/messages/{mid}?claim_id={cid}"
    assert api.get(f"/v1.1/queues/c/claims/{cid}").json()["ttl"] == 300
    assert api.delete(f"/v1.1/queues/c/messages/{mid}").status == 403
    assert api.delete(f"/v1.1/queues/c/messages/{mid}?claim_id={cid}").status == 204
    assert api.get("/v1.1/queues/c/stats").json()["messages"]["total"] == 0
    assert api.get("/v1.1/ping").status == 204
    assert api.get("/v1.1/queues/c/subscriptions").status == 404
