"""Pre-signed URLs: POST /v2/queues/q/share and requests authorised by URL-* headers."""
from conftest import CLIENT_ID
from http_client import call

HEADERS = {"Client-ID": CLIENT_ID, "X-Project-ID": "share-test", "Content-Type": "application/json"}


def test_sharing_needs_a_configured_secret(server):
    response = call(server, "POST", "/v2/queues/q/share", HEADERS, {})
    assert response.status == 400
    assert response.json()["description"] == "The `key` can't be None"


def test_share_validates_its_document(server_factory):
    s = server_factory("--storage", "memory", "--signed-url-secret", "s3cret")
    cases = [
        ({"nope": 1}, "Unknown keys: {'nope'}"),
        ({"paths": ["queues"]}, "Invalid paths: {'queues'}"),
        ({"methods": "GET"}, "`methods` should be a list"),
        ({"expires": "2016"}, "`expires` should be date format, for example "
                              "2016-01-01T00:00:00, not integer value: 2016"),
        ({"expires": "2000-01-01T00:00:00"}, "`expires` is lower than the current time"),
        ({"expires": "tomorrow"}, "Unable to parse date string 'tomorrow'"),
    ]
    for document, description in cases:
        response = call(s, "POST", "/v2/queues/q/share", HEADERS, document)
        assert response.status == 400, document
        assert response.json()["description"] == description


def test_a_shared_url_opens_exactly_what_it_names(server_factory):
    s = server_factory("--storage", "memory", "--signed-url-secret", "s3cret")
    posted = call(s, "POST", "/v2/queues/shared/messages", HEADERS, {"messages": [{"body": 7}]})
    assert posted.status == 201
    share = call(s, "POST", "/v2/queues/shared/share", HEADERS,
                 {"methods": ["GET"], "expires": "2099-01-01T00:00:00"})
    assert share.status == 200
    url = share.json()
    assert url["paths"] == ["/v2/queues/shared/messages"]
    assert url["methods"] == ["GET"]
    assert url["project"] == "share-test"
    assert url["expires"] == "2099-01-01T00:00:00"
    assert len(url["signature"]) == 64
    signed = {"Client-ID": CLIENT_ID, "X-Project-ID": url["project"],
              "URL-Signature": url["signature"], "URL-Expires": url["expires"],
              "URL-Methods": ",".join(url["methods"]), "URL-Paths": ",".join(url["paths"])}
    listed = call(s, "GET", "/v2/queues/shared/messages?echo=true", signed)
    assert listed.status == 200
    assert [m["body"] for m in listed.json()["messages"]] == [7]
    # Another method, another path, a forged signature: all 404, as Zaqar answers.
    assert call(s, "POST", "/v2/queues/shared/messages",
                {**signed, "Content-Type": "application/json"},
                {"messages": [{"body": 1}]}).status == 404
    assert call(s, "GET", "/v2/queues/shared/claims/x", signed).status == 404
    forged = {**signed, "URL-Signature": "0" * 64}
    assert call(s, "GET", "/v2/queues/shared/messages", forged).json() == {"title": "404 Not Found"}
    widened = {**signed, "URL-Methods": "GET,DELETE"}
    assert call(s, "DELETE", "/v2/queues/shared/messages?pop=1", widened).status == 404
