"""Subscription resources over real sockets (contract §9): create (201, the same id for an
unconfirmed duplicate, 409 with Location once confirmed), get, list with links, update,
confirm, delete, and tenancy."""
import pytest

from zaqar import Api, error

HOOK = "http://hooks.example/one"


@pytest.fixture
def api(server_factory):
    # mailto: subscriptions are accepted only with an SMTP relay (docs/mail.md); no message is
    # posted to these queues, so this one is never reached.
    return Api(server_factory("--storage", "memory", "--smtp-relay", "127.0.0.1:9"))


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


# ---- the webhook address policy (issue 16, item 5; docs/websocket.md "Address policy") ----

REFUSED = [
    ("http://127.0.0.1:9/hook", "Webhooks may not reach 127.0.0.1: it is in the loopback range."),
    ("http://[::1]:9/hook", "Webhooks may not reach ::1: it is in the loopback range."),
    ("http://169.254.169.254/latest/meta-data/",
     "Webhooks may not reach 169.254.169.254: it is in the link-local range."),
    ("http://10.0.0.7/hook", "Webhooks may not reach 10.0.0.7: it is in the private range."),
    ("https://192.168.1.1/hook",
     "Webhooks may not reach 192.168.1.1: it is in the private range."),
    ("http://0.0.0.0:8888/", "Webhooks may not reach 0.0.0.0: it is in the unspecified range."),
    ("http://[::ffff:127.0.0.1]/",
     "Webhooks may not reach ::ffff:127.0.0.1: it is in the loopback range."),
    ("http://localhost:8888/hook",
     "Webhooks may not reach localhost: it resolves to an address in the loopback range."),
    ("http://user:secret@hooks.example/hook",
     "The subscriber URL must not contain user information (user:password@)."),
    ("http://hooks.example/a\r\nX-Injected: 1",
     "The subscriber must not contain control characters."),
    ("http://127.0.0.1.hooks.example/",
     "The subscriber URL is not valid: it does not parse as a URI."),
]


@pytest.mark.parametrize("subscriber,description", REFUSED, ids=[s for s, _ in REFUSED])
def test_webhooks_to_internal_addresses_are_refused_at_creation(api, subscriber, description):
    r = api.post("/v2/queues/ssrf/subscriptions", {"subscriber": subscriber, "ttl": 600})
    assert error(r) == (400, "Invalid API request", description)
    assert api.get("/v2/queues/ssrf/subscriptions").json()["subscriptions"] == []


def test_update_to_an_internal_address_is_refused(api):
    sid = create(api, "up", {"subscriber": HOOK})
    r = api.patch(f"/v2/queues/up/subscriptions/{sid}",
                  {"subscriber": "http://169.254.169.254/latest/meta-data/"})
    assert error(r) == (400, "Invalid API request",
                        "Webhooks may not reach 169.254.169.254: it is in the link-local range.")
    assert api.get(f"/v2/queues/up/subscriptions/{sid}").json()["subscriber"] == HOOK


def test_other_schemes_and_unresolvable_names_are_accepted(api):
    create(api, "other", {"subscriber": "mailto:ops@localhost"})
    create(api, "other", {"subscriber": "mailto:ops@127.0.0.1"})
    # A name that does not resolve now is checked again when a delivery connects.
    create(api, "other", {"subscriber": "http://hooks.invalid/hook"})
    r = api.post("/v2/queues/other/subscriptions", {"subscriber": "mailto:a@b.example\r\nBcc: c"})
    assert error(r) == (400, "Invalid API request",
                        "The subscriber must not contain control characters.")


def test_allow_private_accepts_internal_addresses_but_not_userinfo(server_factory):
    api = Api(server_factory("--storage", "memory", "--webhook-allow-private"))
    for subscriber in ("http://127.0.0.1:9/hook", "http://[::1]:9/hook", "http://10.0.0.7/",
                       "http://169.254.169.254/latest/meta-data/", "http://localhost:8888/"):
        create(api, "private", {"subscriber": subscriber})
    for subscriber, description in REFUSED[-3:]:
        r = api.post("/v2/queues/private/subscriptions", {"subscriber": subscriber})
        assert error(r) == (400, "Invalid API request", description)
