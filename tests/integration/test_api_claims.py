"""Claim resources over real sockets (contract §6): create (201 + Location, 204 when nothing is
claimable), get, renew, release, the claim id in message hrefs, the stretch of a claimed
message's TTL, and dead-letter queues driven by repeated claims (no waiting needed)."""
import pytest

from zaqar import Api, error


@pytest.fixture
def api(server):
    return Api(server)


def claim_id_of(response):
    return response.headers["location"].rsplit("/", 1)[1]


def test_claim_answers_201_with_location_and_claimed_hrefs(api):
    ids = api.post_messages("c", ["a", "b", "c"])
    r = api.claim("c", limit=2)
    assert r.status == 201
    cid = claim_id_of(r)
    assert r.header("location") == f"/v2/queues/c/claims/{cid}"
    body = r.json()
    assert set(body) == {"messages"}
    assert [m["id"] for m in body["messages"]] == ids[:2]
    assert [m["href"] for m in body["messages"]] == [
        f"/v2/queues/c/messages/{i}?claim_id={cid}" for i in ids[:2]]
    assert [m["body"] for m in body["messages"]] == ["a", "b"]


def test_claim_takes_oldest_first_with_no_echo_filter_and_default_limit_ten(api):
    ids = api.post_messages("order", list(range(12)))
    claimed = api.claim("order").json()["messages"]  # same Client-ID as the producer
    assert [m["id"] for m in claimed] == ids[:10]
    assert [m["id"] for m in api.claim("order").json()["messages"]] == ids[10:]


def test_claim_without_body_uses_the_defaults(api):
    api.post_messages("nobody", ["a"])
    r = api.post("/v2/queues/nobody/claims")
    assert r.status == 201
    claim = api.get(r.header("location")).json()
    assert claim["ttl"] == 300


def test_claim_with_nothing_claimable_is_204(api):
    assert api.claim("missing-queue").status == 204
    api.post_messages("all-claimed", ["a"])
    assert api.claim("all-claimed").status == 201
    r = api.claim("all-claimed")
    assert r.status == 204 and r.body == b""


def test_get_claim(api):
    ids = api.post_messages("g", ["a", "b"])
    r = api.claim("g", ttl=120, grace=60)
    cid = claim_id_of(r)
    got = api.get(f"/v2/queues/g/claims/{cid}")
    assert got.status == 200
    claim = got.json()
    assert set(claim) == {"age", "ttl", "messages", "href"}
    assert claim["ttl"] == 120 and 0 <= claim["age"] < 60
    assert claim["href"] == f"/v2/queues/g/claims/{cid}"
    assert [m["href"] for m in claim["messages"]] == [
        f"/v2/queues/g/messages/{i}?claim_id={cid}" for i in ids]


def test_get_patch_of_a_missing_claim_is_404_and_delete_204(api):
    api.create_queue("m")
    r = api.get("/v2/queues/m/claims/ffffffffffffffffffffffff")
    assert error(r) == (404, "Not found", "Claim ffffffffffffffffffffffff does not exist in "
                                          f"queue m for project {api.project}")
    assert api.patch("/v2/queues/m/claims/ffffffffffffffffffffffff",
                     {"ttl": 100}).status == 404
    assert api.delete("/v2/queues/m/claims/ffffffffffffffffffffffff").status == 204


def test_patch_renews_and_missing_ttl_resets_to_the_default(api):
    api.post_messages("p", ["a"])
    cid = claim_id_of(api.claim("p", ttl=100, grace=60))
    assert api.patch(f"/v2/queues/p/claims/{cid}", {"ttl": 500, "grace": 100}).status == 204
    assert api.get(f"/v2/queues/p/claims/{cid}").json()["ttl"] == 500
    r = api.patch(f"/v2/queues/p/claims/{cid}", {"grace": 100})
    assert r.status == 204 and r.body == b""
    assert api.get(f"/v2/queues/p/claims/{cid}").json()["ttl"] == 300


def test_claimed_message_life_stretches_to_claim_expiry_plus_grace(api):
    api.post_messages("stretch", [{"body": "short", "ttl": 60}, {"body": "long", "ttl": 3600}])
    cid = claim_id_of(api.claim("stretch", ttl=300, grace=100))
    ttls = [m["ttl"] for m in api.get(f"/v2/queues/stretch/claims/{cid}").json()["messages"]]
    assert ttls == [400, 3600]
    api.patch(f"/v2/queues/stretch/claims/{cid}", {"ttl": 600, "grace": 60})
    ttls = [m["ttl"] for m in api.get(f"/v2/queues/stretch/claims/{cid}").json()["messages"]]
    assert ttls == [660, 3600]


def test_release_makes_messages_claimable_again(api):
    ids = api.post_messages("rel", ["a", "b"])
    cid = claim_id_of(api.claim("rel"))
    assert api.delete(f"/v2/queues/rel/claims/{cid}").status == 204
    assert api.get(f"/v2/queues/rel/claims/{cid}").status == 404
    assert api.patch(f"/v2/queues/rel/claims/{cid}", {"ttl": 100}).status == 404
    assert api.delete(f"/v2/queues/rel/claims/{cid}").status == 204
    assert api.stats("rel")["claimed"] == 0
    again = api.claim("rel")
    assert [m["id"] for m in again.json()["messages"]] == ids
    assert claim_id_of(again) != cid


def test_claim_of_a_queue_in_another_project_is_invisible(server):
    a, b = Api(server), Api(server)
    a.post_messages("t", ["a"])
    cid = claim_id_of(a.claim("t"))
    assert b.get(f"/v2/queues/t/claims/{cid}").status == 404
    assert b.delete(f"/v2/queues/t/claims/{cid}").status == 204
    assert a.get(f"/v2/queues/t/claims/{cid}").status == 200


# ---- dead-letter queues ----

def test_dead_letter_queue_after_max_claim_count(api):
    api.create_queue("work", {"_max_claim_count": 2, "_dead_letter_queue": "dead",
                              "_dead_letter_queue_messages_ttl": 999})
    ids = api.post_messages("work", ["poison", "fine"])
    for _ in range(2):
        r = api.claim("work", limit=1)
        assert [m["id"] for m in r.json()["messages"]] == ids[:1]
        api.delete(r.header("location"))
    # Claimed twice already: the next claim that selects it moves it to the dead-letter queue
    # instead of returning it (here it was all the claim selected: 204).
    assert api.claim("work", limit=1).status == 204
    r = api.claim("work", limit=1)
    assert [m["id"] for m in r.json()["messages"]] == ids[1:]
    dead = api.list_messages("dead", "echo=true&include_claimed=true")
    assert [m["body"] for m in dead] == ["poison"]
    assert dead[0]["ttl"] == 999
    assert api.stats("work")["total"] == 1


def test_all_moved_to_the_dead_letter_queue_is_204(api):
    api.create_queue("w2", {"_max_claim_count": 1, "_dead_letter_queue": "d2"})
    api.post_messages("w2", ["x"])
    api.delete(api.claim("w2").header("location"))
    assert api.claim("w2").status == 204
    assert len(api.list_messages("d2", "echo=true&include_claimed=true")) == 1
