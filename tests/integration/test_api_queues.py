"""Queue resources over real sockets (contract §4): create, get, list with pagination, details,
filters and counts, metadata PATCH and its error order, delete, stats, purge, tenancy."""
import json

import pytest

from zaqar import Api, error

DEFAULTS = {
    "_max_messages_post_size": 262144,
    "_default_message_ttl": 3600,
    "_default_message_delay": 0,
    "_dead_letter_queue": None,
    "_dead_letter_queue_messages_ttl": None,
    "_max_claim_count": None,
    "_enable_encrypt_messages": False,
}
PATCH_TYPE = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}


@pytest.fixture
def api(server):
    return Api(server)


# ---- create and get ----

def test_put_creates_with_201_then_204_and_leaves_metadata_unchanged(api):
    r = api.put("/v2/queues/fresh", {"colour": "blue"})
    assert r.status == 201
    assert r.header("location") == "/v2/queues/fresh"
    assert r.body == b""
    again = api.put("/v2/queues/fresh", {"colour": "red"})
    assert again.status == 204
    assert again.header("location") == "/v2/queues/fresh"
    assert api.get("/v2/queues/fresh").json() == {"colour": "blue", **DEFAULTS}


def test_put_without_body_creates_an_empty_queue(api):
    assert api.put("/v2/queues/plain").status == 201
    r = api.get("/v2/queues/plain")
    assert r.status == 200
    assert r.header("content-type") == "application/json"
    assert r.json() == DEFAULTS


def test_get_of_a_missing_queue_is_200_with_defaults(api):
    r = api.get("/v2/queues/nowhere")
    assert r.status == 200
    assert r.json() == DEFAULTS


def test_reserved_metadata_shows_stored_values_and_defaults_for_falsy_ones(api):
    api.create_queue("reserved", {"_default_message_ttl": 120, "_max_claim_count": 0,
                                  "_dead_letter_queue": "dlq", "_enable_encrypt_messages": False})
    assert api.get("/v2/queues/reserved").json() == {
        **DEFAULTS, "_default_message_ttl": 120, "_dead_letter_queue": "dlq"}


def test_delete_is_204_also_for_a_missing_queue_and_removes_messages(api):
    api.post_messages("gone", ["a", "b"])
    assert api.delete("/v2/queues/gone").status == 204
    assert api.delete("/v2/queues/gone").status == 204
    assert api.stats("gone") == {"claimed": 0, "free": 0, "total": 0}
    assert api.list_messages("gone") == []


def test_delete_keeps_subscriptions(api):
    api.create_queue("keep-subs")
    r = api.post("/v2/queues/keep-subs/subscriptions", {"subscriber": "http://x.example"})
    assert r.status == 201
    api.delete("/v2/queues/keep-subs")
    assert len(api.get("/v2/queues/keep-subs/subscriptions").json()["subscriptions"]) == 1


# ---- listing ----

def make_queues(api, names, metadata=None):
    for name in names:
        api.create_queue(name, (metadata or {}).get(name))


def test_list_is_empty_with_no_links(api):
    assert api.get("/v2/queues").json() == {"queues": [], "links": []}


def test_list_pages_with_next_links_until_an_empty_page(api):
    names = ["q%d" % i for i in range(5)]
    make_queues(api, names)
    r = api.get("/v2/queues?limit=2")
    body = r.json()
    assert body["queues"] == [{"href": "/v2/queues/q0", "name": "q0"},
                              {"href": "/v2/queues/q1", "name": "q1"}]
    assert body["links"] == [{"rel": "next", "href": "/v2/queues?limit=2&marker=q1"}]
    seen, href = [], "/v2/queues?limit=2"
    while True:
        page = api.get(href).json()
        if not page["queues"]:
            assert page["links"] == []
            break
        seen += [q["name"] for q in page["queues"]]
        href = page["links"][0]["href"]
    assert seen == names


def test_list_default_page_is_ten_and_limit_is_twenty_at_most(api):
    make_queues(api, ["n%02d" % i for i in range(22)])
    assert len(api.get("/v2/queues").json()["queues"]) == 10
    assert len(api.get("/v2/queues?limit=20").json()["queues"]) == 20


def test_next_link_keeps_params_in_parse_order_and_replaces_the_marker(api):
    make_queues(api, ["a1", "a2", "a3", "b1"])
    # Request order does not matter: the link has marker, limit, detailed, name, with_count.
    r = api.get("/v2/queues?with_count=yes&name=a&detailed=True&limit=02&marker=a1")
    body = r.json()
    assert [q["name"] for q in body["queues"]] == ["a2", "a3"]
    assert body["links"][0]["href"] == (
        "/v2/queues?marker=a3&limit=2&detailed=true&name=a&with_count=true")
    assert body["count"] == 4


def test_next_link_drops_metadata_filters(api):
    make_queues(api, ["f1", "f2"], {"f1": {"team": "x"}, "f2": {"team": "x"}})
    body = api.get("/v2/queues?team=x&limit=1").json()
    assert body["links"][0]["href"] == "/v2/queues?limit=1&marker=f1"


def test_detailed_listing_shows_metadata_with_reserved_defaults(api):
    make_queues(api, ["d1", "d2"], {"d1": {"k": 1}})
    queues = api.get("/v2/queues?detailed=true").json()["queues"]
    assert queues == [
        {"href": "/v2/queues/d1", "name": "d1", "metadata": {"k": 1, **DEFAULTS}},
        {"href": "/v2/queues/d2", "name": "d2", "metadata": DEFAULTS},
    ]
    plain = api.get("/v2/queues?detailed=false").json()["queues"]
    assert all("metadata" not in q for q in plain)


def test_metadata_filters_match_strings_and_integers(api):
    make_queues(api, ["m1", "m2", "m3", "m4"], {
        "m1": {"team": "red", "size": 3}, "m2": {"team": "blue", "size": 3},
        "m3": {"team": "red", "size": "3"}, "m4": {}})
    names = lambda q: [x["name"] for x in api.get("/v2/queues?" + q).json()["queues"]]
    assert names("team=red") == ["m1", "m3"]
    assert names("size=3") == ["m1", "m2"]  # "3" in a query is the integer 3
    assert names("team=red&size=3") == ["m1"]
    assert names("team=green") == []


def test_name_filter(api):
    make_queues(api, ["alpha", "beta", "alphabet"])
    body = api.get("/v2/queues?name=alph").json()
    assert [q["name"] for q in body["queues"]] == ["alpha", "alphabet"]


def test_with_count_counts_the_project_and_is_absent_when_zero(api):
    make_queues(api, ["c1", "c2", "c3"])
    body = api.get("/v2/queues?with_count=true&limit=1").json()
    assert body["count"] == 3
    assert "count" not in Api(api.server).get("/v2/queues?with_count=true").json()


def test_limit_is_read_as_python_reads_integers(api):
    make_queues(api, ["i%02d" % i for i in range(12)])
    for limit in ["1_1", " 11 ", "+11", "011"]:
        assert len(api.get("/v2/queues?limit=" + limit.replace(" ", "%20")).json()["queues"]) == 11


def test_marker_past_the_end_gives_an_empty_page(api):
    make_queues(api, ["z1"])
    assert api.get("/v2/queues?marker=zzz").json() == {"queues": [], "links": []}


# ---- PATCH ----

def patch(api, name, ops, headers=PATCH_TYPE):
    return api.patch(f"/v2/queues/{name}", ops, headers=headers)


def test_patch_add_replace_remove(api):
    api.create_queue("pq", {"a": 1, "b": 2})
    r = patch(api, "pq", [{"op": "add", "path": "/metadata/c", "value": [3]},
                          {"op": "replace", "path": "/metadata/a", "value": "one"},
                          {"op": "remove", "path": "/metadata/b"}])
    assert r.status == 200
    assert r.json() == {"a": "one", "c": [3], **DEFAULTS}
    assert api.get("/v2/queues/pq").json() == r.json()


def test_patch_reserved_keys_may_be_replaced_or_removed_when_absent(api):
    api.create_queue("pr")
    r = patch(api, "pr", [{"op": "replace", "path": "/metadata/_default_message_ttl",
                           "value": 300},
                          {"op": "remove", "path": "/metadata/_max_claim_count"}])
    assert r.status == 200
    assert r.json()["_default_message_ttl"] == 300


def test_patch_pointer_escapes_and_root_case(api):
    api.create_queue("pe")
    r = patch(api, "pe", [{"op": "add", "path": "/METADATA/a~1b~0c", "value": 1}])
    assert r.status == 200
    assert r.json()["a/b~c"] == 1


@pytest.mark.parametrize("op", ["replace", "remove"])
def test_patch_of_an_absent_key_is_a_conflict(api, op):
    api.create_queue("pc")
    doc = {"op": op, "path": "/metadata/nope"}
    if op == "replace":
        doc["value"] = 1
    assert error(patch(api, "pc", [doc])) == (
        409, "Resource conflict", f"Can't {op} non-existent object nope.")


def test_patch_error_order(api):
    # size 400 -> Content-Type 415 -> empty body 400 -> parse/ops 400 -> queue 404 -> apply 409
    big = json.dumps([{"op": "add", "path": "/metadata/x", "value": "v" * 70000}])
    r = patch(api, "missing", big, headers={"Content-Type": "text/plain"})
    assert error(r) == (400, "Invalid request body",
                        "Queue metadata is too large. Max size: 65536")
    r = patch(api, "missing", "[]", headers={"Content-Type": "application/json"})
    assert r.status == 415
    assert r.json() == {"title": "Accepted media type for PATCH: {'Accept-Patch': "
                                 "'application/openstack-messaging-v2.0-json-patch'}."}
    assert error(patch(api, "missing", "")) == (
        400, "Invalid request body", "PATCH body could not be empty for update.")
    r = patch(api, "missing", [{"op": "move", "path": "/metadata/x"}])
    assert error(r) == (400, "Invalid request body",
                        "Invalid operation: `move`. It must be one of the following: add, "
                        "remove, replace.")
    r = patch(api, "missing", [{"op": "remove", "path": "/metadata/x"}])
    assert error(r) == (404, "Not found",
                        f"Queue missing does not exist for project {api.project}")
    api.create_queue("missing")
    assert patch(api, "missing", [{"op": "remove", "path": "/metadata/x"}]).status == 409
    r = patch(api, "missing", [{"op": "add", "path": "/metadata/_default_message_ttl",
                                "value": 1}])
    assert error(r) == (400, "Invalid request body",
                        "_default_message_ttl can not exceed 1209600 seconds, and must be at "
                        "least 60 seconds long.")


# ---- stats ----

def test_stats_of_a_missing_or_empty_queue_are_zero(api):
    assert api.get("/v2/queues/nope/stats").json() == {
        "messages": {"claimed": 0, "free": 0, "total": 0}}
    api.create_queue("empty")
    assert api.stats("empty") == {"claimed": 0, "free": 0, "total": 0}


def test_stats_count_claimed_and_free_with_oldest_and_newest(api):
    ids = api.post_messages("st", ["a", "b", "c"])
    assert api.claim("st", limit=1).status == 201
    stats = api.stats("st")
    assert (stats["claimed"], stats["free"], stats["total"]) == (1, 2, 3)
    assert set(stats) == {"claimed", "free", "total", "oldest", "newest"}
    assert stats["oldest"]["href"] == "/v2/queues/st/messages/" + ids[0]
    assert stats["newest"]["href"] == "/v2/queues/st/messages/" + ids[2]
    for mark in (stats["oldest"], stats["newest"]):
        assert set(mark) == {"href", "age", "created"}
        assert 0 <= mark["age"] < 60
        assert len(mark["created"]) == 20 and mark["created"].endswith("Z")


# ---- purge ----

def test_purge_everything_or_only_messages_or_subscriptions(api):
    def fill():
        api.post_messages("pg", ["a", "b"])
        assert api.post("/v2/queues/pg/subscriptions",
                        {"subscriber": "http://x.example/%d" % len(fill.calls)}).status == 201
        fill.calls.append(1)
    fill.calls = []
    subs = lambda: len(api.get("/v2/queues/pg/subscriptions").json()["subscriptions"])

    fill()
    assert api.post("/v2/queues/pg/purge").status == 204
    assert (api.stats("pg")["total"], subs()) == (0, 0)
    fill()
    assert api.post("/v2/queues/pg/purge", {"resource_types": ["messages"]}).status == 204
    assert (api.stats("pg")["total"], subs()) == (0, 1)
    api.post_messages("pg", ["c"])
    assert api.post("/v2/queues/pg/purge", {"resource_types": ["subscriptions"]}).status == 204
    assert (api.stats("pg")["total"], subs()) == (1, 0)


# ---- tenancy ----

def test_projects_never_see_each_others_queues(server):
    a, b = Api(server), Api(server)
    a.create_queue("shared", {"owner": "a"})
    a.post_messages("shared", ["for a"])
    assert b.get("/v2/queues").json()["queues"] == []
    assert b.get("/v2/queues/shared").json() == DEFAULTS
    assert b.stats("shared")["total"] == 0
    assert b.list_messages("shared") == []
    assert b.put("/v2/queues/shared", {"owner": "b"}).status == 201
    b.delete("/v2/queues/shared")
    assert a.get("/v2/queues/shared").json()["owner"] == "a"
    assert [q["name"] for q in a.get("/v2/queues").json()["queues"]] == ["shared"]
