"""First endpoints of the Zaqar v2 contract and the header checks every request goes through."""
import json

import pytest

from conftest import CLIENT_ID
from http_client import call

HEADERS = {"Client-ID": CLIENT_ID, "X-Project-ID": "basics"}


def test_versions_document_needs_no_headers(server):
    response = call(server, "GET", "/")
    assert response.status == 300
    versions = {v["id"]: v for v in response.json()["versions"]}
    assert set(versions) == {"1", "1.1", "2"}
    assert versions["2"]["status"] == "CURRENT"
    assert versions["2"]["links"] == [{"href": "/v2/", "rel": "self"}]
    assert versions["2"]["media-types"][0]["type"] == "application/vnd.openstack.messaging-v2+json"


def test_versions_still_checks_a_given_client_id(server):
    response = call(server, "GET", "/", {"Client-ID": "not-a-uuid"})
    assert response.status == 400
    assert response.json()["title"] == "Wrong UUID value"


def test_home_document(server):
    response = call(server, "GET", "/v2/", HEADERS)
    assert response.status == 200
    assert response.header("content-type") == "application/json-home"
    assert response.header("cache-control") == "max-age=86400"
    resources = response.json()["resources"]
    assert resources["rel/queue"]["href-template"] == "/v2/queues/{queue_name}"
    for name in ["queues", "queue", "queue_stats", "queue_share", "queue_purge", "messages",
                 "post_messages", "messages_delete", "message_delete", "message_get", "claim",
                 "post_claim", "patch_claim", "delete_claim", "subscriptions_get",
                 "subscriptions_post", "subscription", "subscription_patch", "ping"]:
        assert resources["rel/" + name]["href-template"].startswith("/v2")


def test_ping(server):
    assert call(server, "GET", "/v2/ping", HEADERS).status == 204
    head = call(server, "HEAD", "/v2/ping", HEADERS)
    assert head.status == 204 and head.body == b""


@pytest.mark.parametrize("headers,status,body", [
    ({"X-Project-ID": "p"}, 400,
     {"title": "Missing header value", "description": "The \"Client-ID\" header is required."}),
    ({"Client-ID": "nope", "X-Project-ID": "p"}, 400,
     {"title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."}),
    ({"Client-ID": CLIENT_ID}, 400,
     {"title": "Project-Id Missing", "description": "The header X-PROJECT-ID was missing"}),
    ({"Client-ID": CLIENT_ID, "X-Project-ID": ""}, 400,
     {"title": "Empty project header not allowed",
      "description": "X-PROJECT-ID cannot be an empty string. Specify the right header "
                     "X-PROJECT-ID and retry."}),
])
def test_header_checks(server, headers, status, body):
    response = call(server, "GET", "/v2/ping", headers)
    assert response.status == status
    assert response.json() == body
    assert response.header("content-type") == "application/json"


@pytest.mark.parametrize("client_id", [
    "3381af92-2b9e-11e3-b191-71861300734c", "3381af922b9e11e3b19171861300734c",
    "{3381af92-2b9e-11e3-b191-71861300734c}", "urn:uuid:3381af92-2b9e-11e3-b191-71861300734c",
    "3381AF92-2B9E-11E3-B191-71861300734C",
])
def test_client_id_accepts_what_python_uuid_accepts(server, client_id):
    assert call(server, "GET", "/v2/ping", {"Client-ID": client_id, "X-Project-ID": "p"}).status == 204


def test_client_id_length_mode(server_factory):
    s = server_factory("--storage", "memory", "--client-id-uuid-safe", "off")
    assert call(s, "GET", "/v2/ping", {"Client-ID": "just-a-name", "X-Project-ID": "p"}).status == 204
    short = call(s, "GET", "/v2/ping", {"Client-ID": "short", "X-Project-ID": "p"})
    assert short.status == 400
    assert short.json() == {"title": "Length of client id must be at least 10 and no greater than 36."}


def test_accept_must_admit_json(server):
    assert call(server, "GET", "/v2/ping", {**HEADERS, "Accept": "text/html"}).status == 406
    for accept in ["*/*", "application/*", "application/json; q=0.5, text/html", "*/*;q=0.1"]:
        assert call(server, "GET", "/v2/ping", {**HEADERS, "Accept": accept}).status == 204
    assert call(server, "GET", "/v2/ping", {**HEADERS, "Accept": "application/json;q=0"}).status == 406


def test_form_encoded_bodies_are_refused(server):
    response = call(server, "POST", "/v2/queues/q/messages",
                    {**HEADERS, "Content-Type": "application/x-www-form-urlencoded"}, b"a=b")
    assert response.status == 400
    assert response.json()["title"] == "Invalid Content-Type"


def test_health_needs_the_admin_role(server):
    assert call(server, "GET", "/v2/health", HEADERS).status == 403
    response = call(server, "GET", "/v2/health", {**HEADERS, "X-Roles": "member, admin"})
    assert response.status == 200
    health = response.json()
    assert health["storage_reachable"] is True
    for op in ["create_queue", "post_messages", "claim_messages", "list_messages",
               "delete_messages", "delete_claim", "bulk_delete_messages", "delete_queue"]:
        assert health["operation_status"][op]["succeeded"] is True
    assert set(health["message_volume"]) == {"free", "claimed", "total"}


def test_unrouted_paths_get_404_without_header_checks(server):
    for path in ["/v2", "/nope", "/v2/queues/q/nope", "/v2/queues/", "/v3/"]:
        response = call(server, "GET", path)
        assert response.status == 404, path
        assert response.json() == {"title": "404 Not Found"}


def test_unsupported_methods_get_405_after_header_checks(server):
    response = call(server, "HEAD", "/v2/queues/q", HEADERS)
    assert response.status == 405
    assert response.header("allow") == "PUT, GET, PATCH, DELETE"
    response = call(server, "POST", "/v2/ping", HEADERS)
    assert response.status == 405
    assert response.json() == {"title": "405 Method Not Allowed"}
    # The header checks come first.
    assert call(server, "POST", "/v2/ping", {"X-Project-ID": "p"}).status == 400


def test_queue_name_is_validated(server):
    for name in ["a" * 65, "bad%20name", "caf%C3%A9", "x*y"]:
        response = call(server, "GET", f"/v2/queues/{name}/stats", HEADERS)
        assert response.status == 400, name
        assert response.json()["title"] == "Invalid queue identification"
    for name in ["a" * 64, "dots.are-fine_too", "A1"]:
        assert call(server, "GET", f"/v2/queues/{name}/stats", HEADERS).status == 200


def test_project_id_longer_than_256_is_refused_on_queue_routes(server):
    headers = {**HEADERS, "X-Project-ID": "p" * 257}
    assert call(server, "GET", "/v2/queues/q/stats", headers).status == 400
    assert call(server, "GET", "/v2/ping", headers).status == 204
