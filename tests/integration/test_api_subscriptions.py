"""Subscription resources over real sockets (contract §9): create (201, the same id for an
unconfirmed duplicate, 409 with Location once confirmed), get, list with links, update,
confirm, delete, and tenancy."""
import pytest

from zaqar import Api, error

HOOK = "http://hooks.example/one"


@pytest.fixture
def api(server):
    return Api(server)


def create(api, queue, body):
    r = api.post(f"/v2/queues/{queue}/subscriptions", body)
    assert r.status == 201, r
    return r.json()["subscription_id"]


def test_create_answers_201_with_id_and_location_and_creates_the_queue(api):
    r = api.post("/v2/queues/s/subscriptions",
                 {"subscriber": HOOK, "ttl": 600, "options": {"a": 1}})
    assert r.status == 201
    assert r.header("location") == "/v2/queues/s/subscriptions"
    assert set(r.json()) == {"subscription_id"}
    assert [q["name"] for q in api.get("/v2/queues").json()["queues"]] == ["s"]


def test_get_shows_the_subscription(api):
    sid = create(api, "g", {"subscriber": HOOK, "ttl": 600, "options": {"a": 1}})
    r = api.get(f"/v2/queues/g/subscriptions/{sid}")
    assert r.status == 200
    sub = r.json()
    assert 0 <= sub.pop("age") < 60
    assert sub == {"id": sid, "source": "g", "subscriber": HOOK, "ttl": 600,
                   "options": {"a": 1}, "confirmed": False}


def test_defaults_ttl_and_options(api):
    sid = create(api, "d", {"subscriber": "mailto:ops@example.com"})
    sub = api.get(f"/v2/queues/d/subscriptions/{sid}").json()
    assert (sub["ttl"], sub["options"]) == (3600, {})


def test_unconfirmed_duplicate_gets_the_same_id_and_confirmed_one_409(api):
    sid = create(api, "dup", {"subscriber": HOOK})
    assert create(api, "dup", {"subscriber": HOOK, "ttl": 900}) == sid
    r = api.put(f"/v2/queues/dup/subscriptions/{sid}/confirm", {"confirmed": True})
    assert r.status == 204
    assert r.header("location") == f"/v2/queues/dup/subscriptions/{sid}/confirm"
    assert api.get(f"/v2/queues/dup/subscriptions/{sid}").json()["confirmed"] is True
    r = api.post("/v2/queues/dup/subscriptions", {"subscriber": HOOK})
    assert error(r) == (409, "Resource conflict",
                        "Such subscription already exists.Subscriptions are unique by project "
                        "+ queue + subscriber URI.")
    assert r.header("location") == "/v2/queues/dup/subscriptions"
    # The same subscriber on another queue is another subscription.
    assert create(api, "dup2", {"subscriber": HOOK}) != sid


def test_unconfirm(api):
    sid = create(api, "un", {"subscriber": HOOK})
    api.put(f"/v2/queues/un/subscriptions/{sid}/confirm", {"confirmed": True})
    assert api.put(f"/v2/queues/un/subscriptions/{sid}/confirm",
                   {"confirmed": False}).status == 204
    assert api.get(f"/v2/queues/un/subscriptions/{sid}").json()["confirmed"] is False


def test_confirm_of_a_missing_subscription_is_404(api):
    r = api.put("/v2/queues/c/subscriptions/ffffffffffffffffffffffff/confirm",
                {"confirmed": True})
    assert error(r) == (404, "Not found",
                        "Subscription ffffffffffffffffffffffff does not exist")


def test_patch_updates_fields_and_answers_204_with_location(api):
    sid = create(api, "p", {"subscriber": HOOK, "ttl": 600, "options": {"a": 1}})
    r = api.patch(f"/v2/queues/p/subscriptions/{sid}",
                  {"subscriber": "https://hooks.example/two", "ttl": 1200,
                   "options": {"b": 2}})
    assert r.status == 204
    assert r.header("location") == f"/v2/queues/p/subscriptions/{sid}"
    sub = api.get(f"/v2/queues/p/subscriptions/{sid}").json()
    assert (sub["subscriber"], sub["ttl"], sub["options"]) == (
        "https://hooks.example/two", 1200, {"b": 2})
    assert api.patch(f"/v2/queues/p/subscriptions/{sid}", {"ttl": 700}).status == 204
    sub = api.get(f"/v2/queues/p/subscriptions/{sid}").json()
    assert (sub["subscriber"], sub["ttl"]) == ("https://hooks.example/two", 700)


def test_patch_to_a_subscriber_another_subscription_has_is_409(api):
    create(api, "pc", {"subscriber": HOOK})
    other = create(api, "pc", {"subscriber": "http://hooks.example/other"})
    r = api.patch(f"/v2/queues/pc/subscriptions/{other}", {"subscriber": HOOK})
    assert error(r) == (409, "Resource conflict",
                        "Such subscription already exists. Subscriptions are unique by project "
                        "+ queue + subscriber URI.")


def test_patch_of_a_missing_subscription_is_404(api):
    r = api.patch("/v2/queues/p/subscriptions/ffffffffffffffffffffffff", {"ttl": 600})
    assert error(r) == (404, "Not found", "Subscription ffffffffffffffffffffffff does not exist")


def test_delete_is_204_always(api):
    sid = create(api, "del", {"subscriber": HOOK})
    assert api.delete(f"/v2/queues/del/subscriptions/{sid}").status == 204
    assert api.get(f"/v2/queues/del/subscriptions/{sid}").status == 404
    assert api.delete(f"/v2/queues/del/subscriptions/{sid}").status == 204


def test_list_pages_with_links(api):
    sids = [create(api, "l", {"subscriber": f"http://hooks.example/{i}"}) for i in range(5)]
    assert api.get("/v2/queues/empty/subscriptions").json() == {
        "subscriptions": [], "links": []}
    first = api.get("/v2/queues/l/subscriptions?limit=2").json()
    assert len(first["subscriptions"]) == 2
    last_id = first["subscriptions"][-1]["id"]
    assert first["links"] == [{"rel": "next",
                               "href": f"/v2/queues/l/subscriptions?limit=2&marker={last_id}"}]
    seen, href = [], "/v2/queues/l/subscriptions?limit=2"
    while True:
        page = api.get(href).json()
        if not page["subscriptions"]:
            assert page["links"] == []
            break
        seen += [s["id"] for s in page["subscriptions"]]
        href = page["links"][0]["href"]
    assert sorted(seen) == sorted(sids)
    assert len(api.get("/v2/queues/l/subscriptions").json()["subscriptions"]) == 5
    sub = first["subscriptions"][0]
    assert set(sub) == {"id", "source", "subscriber", "ttl", "age", "options", "confirmed"}


def test_subscriptions_are_per_queue_and_per_project(server):
    a, b = Api(server), Api(server)
    sid = create(a, "t", {"subscriber": HOOK})
    assert a.get("/v2/queues/other/subscriptions").json()["subscriptions"] == []
    assert a.get(f"/v2/queues/other/subscriptions/{sid}").status == 404
    assert b.get("/v2/queues/t/subscriptions").json()["subscriptions"] == []
    assert b.get(f"/v2/queues/t/subscriptions/{sid}").status == 404
    assert b.delete(f"/v2/queues/t/subscriptions/{sid}").status == 204
    assert b.patch(f"/v2/queues/t/subscriptions/{sid}", {"ttl": 600}).status == 404
    assert create(b, "t", {"subscriber": HOOK}) != sid
    assert a.get(f"/v2/queues/t/subscriptions/{sid}").status == 200
