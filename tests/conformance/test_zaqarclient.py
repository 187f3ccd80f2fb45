"""python-zaqarclient (Debian python3-zaqarclient 2.4) against the real binary, through the
client's public API only: every queue, message, claim and subscription operation it offers
over HTTP, with assertions on what it returns. Run with Debian's /usr/bin/python3."""
import uuid

import pytest
from zaqarclient import errors as client_errors
from zaqarclient.queues import client as zaqar
from zaqarclient.queues.v2 import message as v2_message
from zaqarclient.queues.v2 import subscription as v2_subscription
from zaqarclient.transport import errors

RESERVED_DEFAULTS = {
    "_max_messages_post_size": 262144,
    "_default_message_ttl": 3600,
    "_default_message_delay": 0,
    "_dead_letter_queue": None,
    "_dead_letter_queue_messages_ttl": None,
    "_max_claim_count": None,
    "_enable_encrypt_messages": False,
}


def make_client(server, project, client_uuid=None):
    conf = {"auth_opts": {"backend": "noauth", "options": {"os_project_id": project}}}
    if client_uuid:
        conf["client_uuid"] = client_uuid
    return zaqar.Client(server.url, version=2, conf=conf)


@pytest.fixture
def client(server, project):
    return make_client(server, project)


def post_bodies(queue, count, ttl=600):
    result = queue.post([{"body": {"n": i}, "ttl": ttl} for i in range(count)])
    assert len(result["resources"]) == count
    return [href.rsplit("/", 1)[1] for href in result["resources"]]


# ---- system ----

def test_ping_and_home_document(client):
    assert client.ping() is True
    home = client.homedoc()
    assert home["resources"]["rel/queue"]["href-template"] == "/v2/queues/{queue_name}"


def test_health_needs_the_admin_role(client):
    # The client sends no X-Roles: the default policy refuses it, as Zaqar's does.
    with pytest.raises(errors.ForbiddenError) as raised:
        client.health()
    assert "Title: Not authorized" in str(raised.value)


def test_ping_reports_false_when_the_server_is_gone(server, project):
    dead = zaqar.Client("http://127.0.0.1:1", version=2,
                        conf={"auth_opts": {"backend": "noauth", "options": {}}})
    assert dead.ping() is False


# ---- queues ----

def test_queue_metadata_get_set_clear_and_reserved_keys(client):
    queue = client.queue("meta", force_create=True)
    assert queue.metadata() == RESERVED_DEFAULTS
    # The client GETs, then PATCHes: replace for known keys, add for new ones, remove for
    # the others, reserved defaults included.
    meta = queue.metadata(new_meta={"colour": "blue", "_default_message_ttl": 120})
    assert meta == {**RESERVED_DEFAULTS, "colour": "blue", "_default_message_ttl": 120}
    assert queue.metadata(force_reload=True) == meta
    meta = queue.metadata(new_meta={"colour": "red", "size": 3})
    assert meta == {**RESERVED_DEFAULTS, "colour": "red", "size": 3}
    # The queue's default TTL is back to the configured one: a message posted now has it.
    queue.post({"body": "x"})
    assert [m.ttl for m in queue.messages(echo=True)] == [3600]
    assert queue.metadata(new_meta={}) == RESERVED_DEFAULTS
    assert queue.metadata_dict == RESERVED_DEFAULTS


def test_queue_reserved_metadata_is_validated(client):
    queue = client.queue("badmeta", force_create=True)
    with pytest.raises(errors.MalformedRequest) as raised:
        queue.metadata(new_meta={"_default_message_ttl": 30})
    assert ("_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 "
            "seconds long.") in str(raised.value)
    with pytest.raises(errors.MalformedRequest):
        queue.metadata(new_meta={"_max_messages_post_size": "big"})


def test_queue_metadata_of_a_missing_queue_needs_the_queue(client):
    queue = client.queue("never-created")
    assert queue.metadata() == RESERVED_DEFAULTS  # GET of a missing queue: 200, defaults
    with pytest.raises(errors.ResourceNotFound):
        queue.metadata(new_meta={"a": 1}, force_reload=True)


def test_queue_exists_is_unavailable_in_v2(client):
    with pytest.raises(client_errors.InvalidOperation):
        client.queue("q", force_create=True).exists()


def test_queue_listing_pages_through_links_with_count_and_details(client):
    names = ["list-%02d" % i for i in range(7)]
    for i, name in enumerate(names):
        client.queue(name, force_create=True).metadata(new_meta={"i": i})
    queues, count = client.queues(limit=3, with_count=True)
    assert count == 7
    first_page = [q.name for q in queues]
    assert first_page == names[:3]
    queues, _ = client.queues(limit=3, detailed=True)
    listed = list(queues.stream())
    assert [q.name for q in listed] == names
    assert [q.metadata()["i"] for q in listed] == list(range(7))
    assert listed[0].href == "/v2/queues/list-00"
    assert listed[0].metadata()["_default_message_ttl"] == 3600


def test_queue_stats(client):
    queue = client.queue("stats", force_create=True)
    assert queue.stats == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    ids = post_bodies(queue, 4)
    queue.claim(ttl=300, grace=60, limit=1)
    stats = queue.stats["messages"]
    assert (stats["claimed"], stats["free"], stats["total"]) == (1, 3, 4)
    assert stats["oldest"]["href"] == "/v2/queues/stats/messages/" + ids[0]
    assert stats["newest"]["href"] == "/v2/queues/stats/messages/" + ids[-1]
    assert set(stats["oldest"]) == {"href", "age", "created"}


def test_queue_purge(client):
    queue = client.queue("purge", force_create=True)
    post_bodies(queue, 5)
    client.subscription("purge", subscriber="http://example.com/hook", ttl=3600)
    queue.purge(resource_types=["messages"])
    assert queue.stats["messages"]["total"] == 0
    assert len(list(queue.subscriptions())) == 1
    post_bodies(queue, 2)
    queue.purge()
    assert queue.stats["messages"]["total"] == 0
    assert list(queue.subscriptions()) == []


def test_queue_delete(client):
    queue = client.queue("doomed", force_create=True)
    post_bodies(queue, 2)
    queue.delete()
    queues, _ = client.queues()
    assert "doomed" not in [q.name for q in queues]
    assert queue.stats["messages"]["total"] == 0


def test_projects_do_not_see_each_other(server, client):
    queue = client.queue("mine", force_create=True)
    post_bodies(queue, 2)
    other = make_client(server, "other-" + uuid.uuid4().hex[:8])
    queues, _ = other.queues()
    assert list(queues) == []
    assert other.queue("mine").stats["messages"]["total"] == 0
    assert list(other.queue("mine").messages(echo=True)) == []


# ---- messages ----

def test_post_and_list_messages_page_by_page(client):
    queue = client.queue("pages")
    ids = post_bodies(queue, 25)
    listed = list(queue.messages(echo=True, limit=7).stream())
    assert [m.id for m in listed] == ids
    assert [m.body for m in listed] == [{"n": i} for i in range(25)]
    first = listed[0]
    assert isinstance(first, v2_message.Message)
    assert (first.ttl, first.href) == (600, "/v2/queues/pages/messages/" + ids[0])
    assert 0 <= first.age < 60
    assert first.claim_id is None
    # Without streaming the iterator stops at the first page.
    assert len(list(queue.messages(echo=True, limit=7))) == 7


def test_echo_hides_own_messages_from_the_producer(server, client, project):
    queue = client.queue("echo")
    post_bodies(queue, 3)
    assert list(queue.messages()) == []
    consumer = make_client(server, project, client_uuid=uuid.uuid4().hex)
    assert len(list(consumer.queue("echo").messages())) == 3


def test_get_one_and_many_messages(client):
    queue = client.queue("get")
    ids = post_bodies(queue, 5)
    message = queue.message(ids[2])
    assert (message.id, message.body, message.ttl) == (ids[2], {"n": 2}, 600)
    many = list(queue.messages(ids[0], ids[4], "ffffffffffffffffffffffff"))
    assert sorted(m.id for m in many) == sorted([ids[0], ids[4]])
    with pytest.raises(errors.ResourceNotFound):
        queue.message("ffffffffffffffffffffffff")
    with pytest.raises(errors.ResourceNotFound):
        list(queue.messages("ffffffffffffffffffffffff"))


def test_delete_one_and_many_messages(client):
    queue = client.queue("delete")
    ids = post_bodies(queue, 6)
    queue.message(ids[0]).delete()
    queue.delete_messages(ids[1], ids[2])
    remaining = [m.id for m in queue.messages(echo=True)]
    assert remaining == ids[3:]
    with pytest.raises(errors.ResourceNotFound):
        queue.message(ids[0])


def test_pop(client):
    queue = client.queue("pop")
    ids = post_bodies(queue, 5)
    popped = list(queue.pop(count=3))
    assert [m.id for m in popped] == ids[:3]
    assert [m.body for m in popped] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert all(m.claim_count == 0 and m.href is None for m in popped)
    assert [m.id for m in queue.messages(echo=True)] == ids[3:]
    assert list(client.queue("pop-empty").pop(count=2)) == []


def test_post_errors_are_raised_with_zaqar_titles(client):
    queue = client.queue("errors")
    with pytest.raises(errors.MalformedRequest) as raised:
        queue.post({"body": 1, "ttl": 5})
    assert "Title: Invalid API request" in str(raised.value)
    assert "The TTL for a message may not exceed 1209600 seconds" in str(raised.value)
    with pytest.raises(errors.MalformedRequest):
        queue.post([])


# ---- claims ----

def test_claim_lifecycle(client):
    queue = client.queue("claims")
    ids = post_bodies(queue, 8)
    claim = queue.claim(ttl=300, grace=60, limit=5)
    claimed = list(claim)
    assert [m.id for m in claimed] == ids[:5]
    assert all(m.claim_id == claim.id for m in claimed)
    assert claimed[0].href == "/v2/queues/claims/messages/%s?claim_id=%s" % (ids[0], claim.id)
    # Claimed messages are hidden from listings unless asked for.
    assert [m.id for m in queue.messages(echo=True)] == ids[5:]
    assert len(list(queue.messages(echo=True, include_claimed=True))) == 8

    fetched = queue.claim(id=claim.id)
    assert fetched.ttl == 300
    assert 0 <= fetched.age < 60
    # (A fetched claim builds v1 Message objects, which keep the id private: read the hrefs.)
    assert [m.href.split("/")[-1].split("?")[0] for m in fetched] == ids[:5]
    assert all(m.claim_id == claim.id for m in queue.claim(id=claim.id))
    fetched.update(ttl=600, grace=120)
    assert queue.claim(id=claim.id).ttl == 600

    # Deleting a claimed message: with its claim (the client takes it from the href, which a
    # GET by id also carries) it goes; without one the server refuses.
    assert queue.message(ids[1]).claim_id == claim.id
    claimed[0].delete()
    unclaimed_href = v2_message.Message(queue, ttl=300, age=0, body=None,
                                        href="/v2/queues/claims/messages/" + ids[1])
    with pytest.raises(errors.ForbiddenError) as raised:
        unclaimed_href.delete()
    assert "This message is claimed" in str(raised.value)
    assert queue.stats["messages"]["claimed"] == 4

    claim.delete()
    assert queue.stats["messages"]["claimed"] == 0
    with pytest.raises(errors.ResourceNotFound):
        queue.claim(id=claim.id).ttl


def test_claim_on_an_empty_queue_claims_nothing(client):
    claim = client.queue("nothing").claim(ttl=300, grace=60)
    assert claim.id is None
    assert list(claim) == []


def test_claim_defaults_and_errors(client):
    queue = client.queue("claim-errors")
    post_bodies(queue, 2)
    # The client sends {"ttl": null, "grace": null} when they are not given: Zaqar refuses it.
    with pytest.raises(errors.MalformedRequest) as raised:
        queue.claim()
    assert 'The value of the \\"ttl\\" field must be a int.' in str(raised.value) or \
        'The value of the "ttl" field must be a int.' in str(raised.value)
    with pytest.raises(errors.MalformedRequest):
        queue.claim(ttl=10, grace=60)
    claim = queue.claim(ttl=300, grace=60, limit=1)
    with pytest.raises(errors.MalformedRequest):
        claim.update(ttl=1)


# ---- subscriptions ----

def test_subscription_lifecycle(client):
    client.queue("subs", force_create=True)
    sub = client.subscription("subs", subscriber="http://example.com/hook", ttl=3600,
                              options={"k": "v"})
    assert sub.id
    assert (sub.subscriber, sub.ttl, sub.options, sub.confirmed) == (
        "http://example.com/hook", 3600, {"k": "v"}, False)
    assert 0 <= sub.age < 60

    again = client.subscription("subs", subscriber="http://example.com/hook", ttl=3600)
    assert again.id == sub.id  # an unconfirmed duplicate gets the same id

    fetched = v2_subscription.Subscription(client, "subs", id=sub.id)
    assert fetched.subscriber == "http://example.com/hook"

    sub.update({"ttl": 600, "options": {"k": "w"}})
    fetched = v2_subscription.Subscription(client, "subs", id=sub.id)
    assert (fetched.ttl, fetched.options) == (600, {"k": "w"})

    other = client.subscription("subs", subscriber="mailto:ops@example.com", ttl=3600)
    listed = list(client.subscriptions("subs"))
    assert sorted(s.id for s in listed) == sorted([sub.id, other.id])
    assert {s.queue_name for s in listed} == {"subs"}
    assert len(list(client.queue("subs").subscriptions())) == 2

    sub.delete()
    assert [s.id for s in client.subscriptions("subs")] == [other.id]
    with pytest.raises(errors.ResourceNotFound):
        v2_subscription.Subscription(client, "subs", id=sub.id)


def test_subscription_listing_pages(client):
    for i in range(5):
        client.subscription("sub-pages", subscriber="http://example.com/%d" % i, ttl=3600)
    page = client.subscriptions("sub-pages", limit=2)
    assert len(list(page)) == 2
    everything = list(client.subscriptions("sub-pages", limit=2).stream())
    assert sorted(s.subscriber for s in everything) == [
        "http://example.com/%d" % i for i in range(5)]


def test_subscription_errors(client):
    with pytest.raises(errors.MalformedRequest) as raised:
        client.subscription("sub-errors", subscriber="gopher://example.com", ttl=3600)
    assert "The subscriber type of subscription must be supported" in str(raised.value)
    with pytest.raises(errors.MalformedRequest):
        client.subscription("sub-errors", subscriber="http://example.com", ttl=5)


def test_signed_url_grants_access_to_the_shared_queue(client, server, project):
    queue = client.queue("shared")
    queue.post([{"body": {"shared": True}, "ttl": 600}])
    url = queue.signed_url(paths=["messages"], ttl_seconds=600, methods=["GET"])
    assert url["paths"] == ["/v2/queues/shared/messages"]
    assert url["methods"] == ["GET"]
    assert url["project"] == project
    # A client holding only the signature (and no project credentials of its own).
    signed = zaqar.Client(server.url, version=2, conf={
        "auth_opts": {"backend": "signed-url",
                      "options": {"signature": url["signature"], "expires": url["expires"],
                                  "methods": url["methods"], "paths": url["paths"],
                                  "os_project_id": url["project"]}}})
    bodies = [m.body for m in signed.queue("shared").messages(echo=True)]
    assert bodies == [{"shared": True}]
