"""Message resources over real sockets (contract §5, §8): post, list with echo /
include_claimed / include_delayed and next links, get by id and ids, bulk delete, pop, and
single delete with and without a claim."""
import pytest

from conftest import CLIENT_ID
from zaqar import Api, error

OTHER_CLIENT = "9d0b2fb4-7ab5-4a68-9d8c-b3f1c4d3a9e2"


@pytest.fixture
def api(server):
    return Api(server)


def ids_of(messages):
    return [m["id"] for m in messages]


# ---- post ----

def test_post_answers_201_with_resources_in_order_and_a_location(api):
    r = api.post("/v2/queues/p/messages",
                 {"messages": [{"body": {"n": i}, "ttl": 300} for i in range(3)]})
    assert r.status == 201
    assert r.header("content-type") == "application/json"
    resources = r.json()["resources"]
    ids = [h.rsplit("/", 1)[1] for h in resources]
    assert resources == ["/v2/queues/p/messages/" + i for i in ids]
    assert r.header("location") == "/v2/queues/p/messages?ids=" + ",".join(ids)
    listed = api.list_messages("p")
    assert ids_of(listed) == ids
    assert [m["body"] for m in listed] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_post_creates_the_queue(api):
    api.post_messages("auto", ["x"])
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["auto"]


def test_message_shape_and_ttls(api):
    api.create_queue("shape", {"_default_message_ttl": 120})
    ids = api.post_messages("shape", [{"body": None, "ttl": 61}, {"body": [1, "two"]},
                                      {"body": "s", "ttl": 1209600, "extra": "dropped"}])
    listed = api.list_messages("shape")
    assert [m["ttl"] for m in listed] == [61, 120, 1209600]
    assert [m["body"] for m in listed] == [None, [1, "two"], "s"]
    first = listed[0]
    assert set(first) == {"id", "href", "ttl", "age", "body"}
    assert first["href"] == "/v2/queues/shape/messages/" + ids[0]
    assert 0 <= first["age"] < 60


def test_default_ttl_is_the_configured_one(server_factory):
    api = Api(server_factory("--storage", "memory", "--default-message-ttl", "777"))
    api.post_messages("cfg", [{"body": 1}])
    assert api.list_messages("cfg")[0]["ttl"] == 777


def test_delay_is_dropped_on_a_queue_without_a_default_delay(api):
    api.post_messages("nodelay", [{"body": 1, "delay": 900}])
    assert len(api.list_messages("nodelay")) == 1
    assert api.claim("nodelay").status == 201


def test_delay_queue_hides_delayed_messages_until_asked(api):
    api.create_queue("delay", {"_default_message_delay": 900})
    api.post_messages("delay", [{"body": "late"}, {"body": "now", "delay": 0}])
    assert [m["body"] for m in api.list_messages("delay")] == ["now"]
    listed = api.list_messages("delay", "echo=true&include_delayed=true")
    assert [m["body"] for m in listed] == ["late", "now"]
    # Claims skip delayed messages; pop ignores the delay.
    r = api.claim("delay")
    assert [m["body"] for m in r.json()["messages"]] == ["now"]
    popped = api.delete("/v2/queues/delay/messages?pop=5").json()["messages"]
    assert [m["body"] for m in popped] == ["late"]


# ---- list ----

def test_list_of_a_missing_queue_is_empty(api):
    assert api.get("/v2/queues/none/messages").json() == {"messages": [], "links": []}


def test_echo_hides_the_posters_own_messages(server, api):
    api.post_messages("echo", ["mine"])
    assert api.get("/v2/queues/echo/messages").json()["messages"] == []
    assert len(api.list_messages("echo", "echo=true")) == 1
    other = Api(server, project=api.project, client_id=OTHER_CLIENT)
    assert len(other.list_messages("echo", "")) == 1


def test_include_claimed(api):
    ids = api.post_messages("ic", ["a", "b", "c"])
    api.claim("ic", limit=2)
    assert ids_of(api.list_messages("ic")) == ids[2:]
    listed = api.list_messages("ic", "echo=true&include_claimed=true")
    assert ids_of(listed) == ids
    assert "?claim_id=" in listed[0]["href"] and "?claim_id=" not in listed[2]["href"]
    # Echo still applies with include_claimed.
    assert api.list_messages("ic", "include_claimed=true") == []


def test_list_pages_with_links_that_inject_include_delayed(api):
    ids = api.post_messages("pages", list(range(5)))
    r = api.get("/v2/queues/pages/messages?echo=True&limit=2")
    body = r.json()
    assert ids_of(body["messages"]) == ids[:2]
    assert body["links"] == [{
        "rel": "next",
        "href": f"/v2/queues/pages/messages?limit=2&echo=true&include_delayed=true"
                f"&marker={ids[1]}"}]
    seen, href = [], "/v2/queues/pages/messages?echo=true&limit=2"
    while True:
        page = api.get(href).json()
        if not page["messages"]:
            assert page["links"] == []
            break
        seen += ids_of(page["messages"])
        href = page["links"][0]["href"]
    assert seen == ids


def test_next_link_of_a_delay_queue_keeps_what_was_asked(api):
    api.create_queue("dl", {"_default_message_delay": 60})
    ids = api.post_messages("dl", [{"body": 1, "delay": 0}, {"body": 2, "delay": 0}])
    body = api.get(f"/v2/queues/dl/messages?include_claimed=0&echo=1&limit=1").json()
    assert ids_of(body["messages"]) == ids[:1]
    assert body["links"][0]["href"] == (
        f"/v2/queues/dl/messages?limit=1&echo=true&include_claimed=false&marker={ids[0]}")
    # A given marker is replaced where it stood.
    body = api.get(f"/v2/queues/dl/messages?marker={ids[0]}&echo=1&limit=1").json()
    assert ids_of(body["messages"]) == ids[1:]
    assert body["links"][0]["href"] == (
        f"/v2/queues/dl/messages?marker={ids[1]}&limit=1&echo=true")


def test_a_bad_marker_gives_an_empty_page(api):
    api.post_messages("bm", ["a"])
    assert api.get("/v2/queues/bm/messages?echo=true&marker=nonsense").json() == {
        "messages": [], "links": []}


def test_default_page_is_ten(api):
    api.post_messages("ten", list(range(12)))
    assert len(api.list_messages("ten")) == 10


# ---- get by id and ids ----

def test_get_one_message_in_any_state(api):
    ids = api.post_messages("one", ["a", "b"])
    r = api.get(f"/v2/queues/one/messages/{ids[0]}")
    assert r.status == 200
    assert r.json()["body"] == "a" and r.json()["id"] == ids[0]
    cid = api.claim("one", limit=1).json()["messages"][0]["href"].split("=")[1]
    claimed = api.get(f"/v2/queues/one/messages/{ids[0]}").json()
    assert claimed["href"] == f"/v2/queues/one/messages/{ids[0]}?claim_id={cid}"


def test_get_one_missing_message_is_404(api):
    api.create_queue("one404")
    r = api.get("/v2/queues/one404/messages/ffffffffffffffffffffffff")
    assert error(r) == (404, "Not found",
                        f"Message ffffffffffffffffffffffff does not exist in queue one404 for "
                        f"project {api.project}")


def test_get_by_ids_skips_unknown_ids_and_404s_when_none_exist(api):
    ids = api.post_messages("many", ["a", "b", "c"])
    r = api.get(f"/v2/queues/many/messages?ids={ids[2]},nope,{ids[0]}")
    assert r.status == 200
    body = r.json()
    assert set(body) == {"messages"}
    assert sorted(ids_of(body["messages"])) == sorted([ids[0], ids[2]])
    r = api.get("/v2/queues/many/messages?ids=nope,gone")
    assert error(r) == (404, "Not found",
                        f"No messages with IDs: ['nope', 'gone'] found in the queue many for "
                        f"project {api.project}.")


# ---- bulk delete and pop ----

def test_delete_by_ids_is_204_and_deletes_claimed_messages_too(api):
    ids = api.post_messages("bulk", ["a", "b", "c"])
    api.claim("bulk", limit=1)
    r = api.delete(f"/v2/queues/bulk/messages?ids={ids[0]},{ids[1]},unknown")
    assert r.status == 204 and r.body == b""
    assert ids_of(api.list_messages("bulk", "echo=true&include_claimed=true")) == ids[2:]
    assert api.delete("/v2/queues/bulk404/messages?ids=a,b").status == 204


def test_pop_returns_raw_messages_without_href(api):
    ids = api.post_messages("pop", [{"body": "a", "ttl": 100}, "b", "c"])
    r = api.delete("/v2/queues/pop/messages?pop=2")
    assert r.status == 200
    popped = r.json()["messages"]
    assert ids_of(popped) == ids[:2]
    assert set(popped[0]) == {"id", "age", "ttl", "body", "claim_id", "claim_count"}
    assert (popped[0]["ttl"], popped[0]["body"], popped[0]["claim_id"]) == (100, "a", None)
    assert ids_of(api.list_messages("pop")) == ids[2:]
    assert api.delete("/v2/queues/pop-none/messages?pop=3").json() == {"messages": []}


def test_pop_skips_claimed_messages_and_has_no_echo_filter(api):
    ids = api.post_messages("popc", ["a", "b", "c"])
    api.claim("popc", limit=1)
    popped = api.delete("/v2/queues/popc/messages?pop=5").json()["messages"]
    assert ids_of(popped) == ids[1:]


# ---- single delete and claims ----

def claim_id_of(response):
    return response.json()["messages"][0]["href"].split("claim_id=")[1]


def test_delete_one_unclaimed_message_and_a_missing_one(api):
    ids = api.post_messages("del", ["a"])
    assert api.delete(f"/v2/queues/del/messages/{ids[0]}").status == 204
    assert api.get(f"/v2/queues/del/messages/{ids[0]}").status == 404
    assert api.delete(f"/v2/queues/del/messages/{ids[0]}").status == 204


def test_delete_claimed_message_needs_its_claim(api):
    ids = api.post_messages("dc", ["a", "b"])
    cid = claim_id_of(api.claim("dc", limit=1))
    r = api.delete(f"/v2/queues/dc/messages/{ids[0]}")
    assert error(r) == (403, "Unable to delete",
                        "This message is claimed; it cannot be deleted without a valid claim ID.")
    assert api.delete(f"/v2/queues/dc/messages/{ids[0]}?claim_id={cid}").status == 204
    assert api.get(f"/v2/queues/dc/messages/{ids[0]}").status == 404


def test_delete_with_a_claim_of_an_unclaimed_message_is_400(api):
    ids = api.post_messages("du", ["a", "b"])
    cid = claim_id_of(api.claim("du", limit=1))
    r = api.delete(f"/v2/queues/du/messages/{ids[1]}?claim_id={cid}")
    assert error(r) == (400, "Unable to delete",
                        "A claim was specified, but the message is not currently claimed.")


def test_delete_with_another_live_claim_is_403(api):
    ids = api.post_messages("do", ["a", "b"])
    first = claim_id_of(api.claim("do", limit=1))
    claim_id_of(api.claim("do", limit=1))
    r = api.delete(f"/v2/queues/do/messages/{ids[1]}?claim_id={first}")
    assert r.status == 403
    assert r.json()["title"] == "Unable to delete"


def test_delete_with_a_released_claim_is_400(api):
    ids = api.post_messages("dr", ["a"])
    cid = claim_id_of(api.claim("dr"))
    assert api.delete(f"/v2/queues/dr/claims/{cid}").status == 204
    r = api.delete(f"/v2/queues/dr/messages/{ids[0]}?claim_id={cid}")
    assert error(r) == (400, "Unable to delete",
                        "A claim was specified, but the message is not currently claimed.")


# ---- tenancy ----

def test_projects_never_see_each_others_messages(server):
    a, b = Api(server), Api(server)
    ids = a.post_messages("t", ["secret"])
    assert b.get(f"/v2/queues/t/messages/{ids[0]}").status == 404
    assert b.get(f"/v2/queues/t/messages?ids={ids[0]}").status == 404
    assert b.delete(f"/v2/queues/t/messages/{ids[0]}").status == 204
    assert b.delete(f"/v2/queues/t/messages?ids={ids[0]}").status == 204
    assert b.delete("/v2/queues/t/messages?pop=5").json() == {"messages": []}
    assert b.claim("t").status == 204
    assert ids_of(a.list_messages("t")) == ids


def test_bulk_delete_with_claim_ids_when_the_server_asks_for_them(server_factory):
    api = Api(server_factory("--storage", "memory", "--message-delete-with-claim-id"))
    ids = api.post_messages("wc", ["a", "b", "c"])
    r = api.claim("wc", limit=2)
    cid = r.header("location").rsplit("/", 1)[1]
    r = api.delete(f"/v2/queues/wc/messages?ids={ids[0]}")
    assert error(r) == (400, "Invalid API request",
                        'The request should have both "ids" and "claim_ids" parameter in the '
                        'request when message_delete_with_claim_id is True.')
    # Claimed messages go only with their claim named (Zaqar answers a mismatch with a 503).
    r = api.delete(f"/v2/queues/wc/messages?ids={ids[0]}&claim_ids=ffffffffffffffffffffffff")
    assert r.status == 400
    assert api.delete(f"/v2/queues/wc/messages?ids={ids[0]},{ids[1]}&claim_ids={cid}").status == 204
    assert ids_of(api.list_messages("wc", "echo=true&include_claimed=true")) == ids[2:]
