"""Walks the contract's validation tables (docs/zaqar-v2-api.md §1, §3 limits and the error
rows of §4-§9): every bad input gets the documented 4xx with Zaqar's error body, exactly
(status, title, description). None may yield a 5xx, a hang or a crash: after each case the
server must still be running and answer a ping.

Where Zaqar itself fails on an input with a 500 or 503 (a wrong JSON type it does not check,
e.g. {"messages":[1]}), the expected answer is the 400 that the same kind of mistake gets
elsewhere; those rows are marked ZAQAR_5XX."""
import json

import pytest

from conftest import CLIENT_ID, Server
from http_client import call

PROJECT = "walk"
H = {"Client-ID": CLIENT_ID, "X-Project-ID": PROJECT, "Content-Type": "application/json"}
PATCH_TYPE = {"Content-Type": "application/openstack-messaging-v2.0-json-patch"}
ZAQAR_5XX = "zaqar-5xx"  # marks a row where Zaqar answers 500/503 and Warren a 400

API = "Invalid API request"
BODY = "Invalid request body"
PARAM = "Invalid parameter"
NOT_INT = 'The "{}" parameter is invalid. The value must be an integer.'
NOT_BOOL = 'The "{}" parameter is invalid. The value of the parameter must be "true" or "false".'
QUEUE_LIMIT = "Limit must be at least 1 and no greater than 20."
LIMIT = "Limit must be at least 1 and may not be greater than 20."
MSG_TTL = "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long."
CLAIM_TTL = "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long."
GRACE = "The grace for a claim may not exceed 43200 seconds, and must be at least 60 seconds long."
UNPARSEABLE = "Request body could not be parsed."
WRONG_TYPE = "Document type not supported."
TOO_LARGE_INT = "JSON contains integer that is too large."
SUBSCRIBERS = ("The subscriber type of subscription must be supported in the list "
               "['http', 'https', 'mailto', 'trust+http', 'trust+https'].")
BIG = 9223372036854775808  # 2**63


class Case:
    def __init__(self, name, method, path, body=None, status=400, title=API, description=None,
                 headers=None, note=None):
        self.name, self.method, self.path, self.body = name, method, path, body
        self.status, self.title, self.description = status, title, description
        self.headers, self.note = headers, note

    def __repr__(self):
        return self.name


def raw(text):
    """A body sent as these exact characters."""
    return text.encode() if isinstance(text, str) else text


def j(value):
    return json.dumps(value).encode()


def meta(md, description, title=API):
    return Case("put-metadata " + json.dumps(md)[:60], "PUT", "/v2/queues/md", j(md),
                title=title, description=description)


def patch(ops, description, title=BODY, status=400, headers=PATCH_TYPE, name=None, note=None):
    body = ops if isinstance(ops, bytes) else j(ops)
    return Case(name or "patch " + body.decode()[:70], "PATCH", "/v2/queues/pq", body, status,
                title, description, headers, note)


def post(doc, description, title=API, queue="msgs", name=None, note=None):
    body = doc if isinstance(doc, bytes) else j(doc)
    return Case(name or f"post {queue} " + body.decode()[:70], "POST",
                f"/v2/queues/{queue}/messages", body, title=title, description=description,
                note=note)


def claim(doc, description, query="", title=API, note=None):
    body = doc if isinstance(doc, bytes) else j(doc)
    return Case("claim " + query + " " + body.decode()[:60], "POST",
                "/v2/queues/msgs/claims" + query, body, title=title, description=description,
                note=note)


def sub(doc, description, title=API, note=None):
    body = doc if isinstance(doc, bytes) else j(doc)
    return Case("subscribe " + body.decode()[:70], "POST", "/v2/queues/subs/subscriptions", body,
                title=title, description=description, note=note)


def get(path, description, title=API, status=400):
    return Case("GET " + path, "GET", path, None, status, title, description)


def delete(path, description, title=API):
    return Case("DELETE " + path, "DELETE", path, None, 400, title, description)


CASES = [
    # ---- §1 request pipeline ----
    Case("no Client-ID", "GET", "/v2/queues", headers={"Client-ID": None},
         title="Missing header value", description='The "Client-ID" header is required.'),
    Case("Client-ID not a UUID", "GET", "/v2/queues", headers={"Client-ID": "1234"},
         title="Wrong UUID value", description="Malformed hexadecimal UUID."),
    Case("Client-ID 33 hex digits", "GET", "/v2/queues",
         headers={"Client-ID": "103e09c6-31b7-11e3-86bc-b8ca3ad0f5d81"},
         title="Wrong UUID value", description="Malformed hexadecimal UUID."),
    Case("no X-Project-ID", "GET", "/v2/queues", headers={"X-Project-ID": None},
         title="Project-Id Missing", description="The header X-PROJECT-ID was missing"),
    Case("empty X-Project-ID", "GET", "/v2/queues", headers={"X-Project-ID": ""},
         title="Empty project header not allowed",
         description="X-PROJECT-ID cannot be an empty string. Specify the right header "
                     "X-PROJECT-ID and retry."),
    Case("X-Project-ID of 257 characters", "GET", "/v2/queues/q", headers={"X-Project-ID": "p" * 257},
         title="Invalid queue identification",
         description="The format of the submitted queue name or project id is not valid."),
    Case("queue name of 65 characters", "PUT", "/v2/queues/" + "i" * 65,
         title="Invalid queue identification",
         description="The format of the submitted queue name or project id is not valid."),
    Case("queue name with @", "PUT", "/v2/queues/@$@^qw", title="Invalid queue identification",
         description="The format of the submitted queue name or project id is not valid."),
    Case("non-ASCII queue name", "PUT", "/v2/queues/%E6%B1%89%E5%AD%97",
         title="Invalid queue identification",
         description="The format of the submitted queue name or project id is not valid."),
    Case("Accept text/plain", "GET", "/v2/queues", headers={"Accept": "plain/text"}, status=406,
         title="Media type not acceptable",
         description="Endpoint only serves `application/json`; specify client-side media type "
                     "support with the \"Accept\" header."),
    Case("form-encoded body", "POST", "/v2/queues/msgs/messages", b"a=b",
         headers={"Content-Type": "application/x-www-form-urlencoded"},
         title="Invalid Content-Type",
         description="Endpoint does not accept `application/x-www-form-urlencoded` content; "
                     "currently supported media type is `application/json`; specify proper "
                     "client-side media type with the \"Content-Type\" header."),
    Case("health without role:admin", "GET", "/v2/health", status=403, title="Not authorized",
         description="You are not authorized to complete this action."),
    Case("unrouted path", "GET", "/v2/nowhere", status=404, title="404 Not Found",
         headers={"Client-ID": None}),
    Case("unsupported method", "POST", "/v2/queues/q", status=405,
         title="405 Method Not Allowed"),

    # ---- query parameters (§4-§6, §9; falcon's int/bool parsing) ----
    get("/v2/queues?limit=0", QUEUE_LIMIT),
    get("/v2/queues?limit=21", QUEUE_LIMIT),
    get("/v2/queues?limit=-1", QUEUE_LIMIT),
    get("/v2/queues?limit=abc", NOT_INT.format("limit"), PARAM),
    get("/v2/queues?limit=1.5", NOT_INT.format("limit"), PARAM),
    # Python's int() reads any magnitude: the range check answers, not the parser.
    get("/v2/queues?limit=99999999999999999999", QUEUE_LIMIT),
    get("/v2/queues?limit=-99999999999999999999", QUEUE_LIMIT),
    get("/v2/queues?limit=2__0", NOT_INT.format("limit"), PARAM),
    get("/v2/queues?limit=_2", NOT_INT.format("limit"), PARAM),
    get("/v2/queues?detailed=maybe", NOT_BOOL.format("detailed"), PARAM),
    get("/v2/queues?with_count=2", NOT_BOOL.format("with_count"), PARAM),
    get("/v2/queues/msgs/messages?limit=0", LIMIT),
    get("/v2/queues/msgs/messages?limit=21", LIMIT),
    get("/v2/queues/msgs/messages?limit=x", NOT_INT.format("limit"), PARAM),
    get("/v2/queues/msgs/messages?limit=10000000000000000000", LIMIT),
    get("/v2/queues/msgs/messages?echo=sure", NOT_BOOL.format("echo"), PARAM),
    get("/v2/queues/msgs/messages?include_claimed=2", NOT_BOOL.format("include_claimed"), PARAM),
    get("/v2/queues/msgs/messages?include_delayed=x", NOT_BOOL.format("include_delayed"), PARAM),
    get("/v2/queues/msgs/messages?ids=" + ",".join(str(i) for i in range(21)), LIMIT),
    delete("/v2/queues/msgs/messages",
           'The request should have either "ids" or "pop" parameter in the request, to be able '
           'to delete.'),
    delete("/v2/queues/msgs/messages?pop=0",
           "Pop value must be at least 1 and may not be greater than 20."),
    delete("/v2/queues/msgs/messages?pop=21",
           "Pop value must be at least 1 and may not be greater than 20."),
    delete("/v2/queues/msgs/messages?pop=-1",
           "Pop value must be at least 1 and may not be greater than 20."),
    delete("/v2/queues/msgs/messages?pop=x", NOT_INT.format("pop"), PARAM),
    delete("/v2/queues/msgs/messages?pop=99999999999999999999",
           "Pop value must be at least 1 and may not be greater than 20."),
    delete("/v2/queues/msgs/messages?ids=a,b&pop=1",
           "pop and id params cannot be present together in the delete request."),
    delete("/v2/queues/msgs/messages?ids=" + ",".join(str(i) for i in range(21)),
           "ids parameter should have at least 1 and not greater than 20 values."),
    claim({"ttl": 300, "grace": 60}, LIMIT, "?limit=0"),
    claim({"ttl": 300, "grace": 60}, LIMIT, "?limit=21"),
    claim({"ttl": 300, "grace": 60}, NOT_INT.format("limit"), "?limit=ten", title=PARAM),
    get("/v2/queues/subs/subscriptions?limit=0", LIMIT),
    get("/v2/queues/subs/subscriptions?limit=21", LIMIT),
    get("/v2/queues/subs/subscriptions?limit=x", NOT_INT.format("limit"), PARAM),

    # ---- §4 queue creation: size, document, reserved metadata ----
    Case("queue metadata over 65536 bytes", "PUT", "/v2/queues/md",
         j({"k": "v" * 65536}), description="Queue metadata is too large. Max size: 65536"),
    Case("queue metadata unparseable", "PUT", "/v2/queues/md", raw("{bad"), title=BODY,
         description=UNPARSEABLE),
    Case("queue metadata null", "PUT", "/v2/queues/md", raw("null"), title=BODY,
         description=UNPARSEABLE),
    Case("queue metadata a string", "PUT", "/v2/queues/md", raw('"text"'), title=BODY,
         description=UNPARSEABLE),
    Case("queue metadata an array", "PUT", "/v2/queues/md", raw("[1]"), title=BODY,
         description=WRONG_TYPE),
    Case("queue metadata invalid UTF-8", "PUT", "/v2/queues/md", b'{"k": "\xff"}', title=BODY,
         description=UNPARSEABLE),
    Case("queue metadata integer beyond int64", "PUT", "/v2/queues/md", raw('{"k": %d}' % BIG),
         title=BODY, description=TOO_LARGE_INT),
    Case("queue metadata integer below int64", "PUT", "/v2/queues/md",
         raw('{"k": -%d}' % (BIG + 1)), title=BODY, description=TOO_LARGE_INT),
    meta({"_default_message_ttl": "long"}, "_default_message_ttl must be integer."),
    meta({"_default_message_ttl": 1.5}, "_default_message_ttl must be integer."),
    meta({"_default_message_ttl": 59}, "_default_message_ttl can not exceed 1209600 seconds, "
                                       "and must be at least 60 seconds long."),
    meta({"_default_message_ttl": 1209601}, "_default_message_ttl can not exceed 1209600 "
                                            "seconds, and must be at least 60 seconds long."),
    meta({"_max_messages_post_size": "big"}, "_max_messages_post_size must be integer."),
    meta({"_max_messages_post_size": 0}, "_max_messages_post_size can not exceed 262144,  and "
                                         "must be at least greater than 0."),
    meta({"_max_messages_post_size": 262145}, "_max_messages_post_size can not exceed 262144,  "
                                              "and must be at least greater than 0."),
    meta({"_max_claim_count": "3"}, "_max_claim_count must be integer."),
    meta({"_dead_letter_queue_messages_ttl": "x"},
         "_dead_letter_queue_messages_ttl must be integer."),
    meta({"_dead_letter_queue_messages_ttl": 59}, MSG_TTL),
    meta({"_default_message_delay": "x"}, "_default_message_delay must be integer."),
    meta({"_default_message_delay": 901},
         "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."),
    meta({"_default_message_delay": -1},
         "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."),
    meta({"_enable_encrypt_messages": 1}, "_enable_encrypt_messages must be boolean."),
    meta({"_retry_policy": 1}, "retry_policy must be a dict."),
    meta({"_retry_policy": {"retries_with_no_delay": "x"}},
         "Retry policy: retries_with_no_delay must be a integer."),
    meta({"_retry_policy": {"retry_backoff_function": 5}},
         "retry_backoff_function must be a string."),
    meta({"_retry_policy": {"retry_backoff_function": "cubic"}},
         "invalid retry_backoff_function."),
    meta({"_retry_policy": {"ignore_subscription_override": "yes"}},
         "ignore_subscription_override must be a boolean."),
    meta({"_retry_policy": {"minimum_delay": 30, "maximum_delay": 10}},
         "minimum_delay must less than maximum_delay."),
    meta({"_retry_policy": {"minimum_delay": 10, "maximum_delay": 15}},
         "invalid minimum_delay and maximum_delay."),

    # ---- §4 queue PATCH (title "Invalid request body" for all its 400s) ----
    patch(j([{"op": "add", "path": "/metadata/k", "value": "v" * 65536}]),
          "Queue metadata is too large. Max size: 65536", name="patch over 65536 bytes"),
    patch([{"op": "add", "path": "/metadata/k", "value": 1}], None, status=415,
          title="Accepted media type for PATCH: {'Accept-Patch': "
                "'application/openstack-messaging-v2.0-json-patch'}.",
          headers={"Content-Type": "application/json"}, name="patch as application/json"),
    patch(b"", "PATCH body could not be empty for update.", name="patch without body"),
    patch(b"[{", UNPARSEABLE, name="patch unparseable"),
    patch(b"null", UNPARSEABLE, name="patch null"),
    patch(raw('[{"op": "add", "path": "/metadata/k", "value": %d}]' % BIG), TOO_LARGE_INT,
          name="patch integer beyond int64"),
    patch({"op": "add"}, WRONG_TYPE, note=ZAQAR_5XX),  # Zaqar: 503 "could not be read"
    patch([1], "Operations must be JSON objects."),
    patch([{"path": "/metadata/k"}], "Unable to find `op` in JSON Schema change. It must be one "
                                     "of the following: add, remove, replace."),
    patch([{"op": "copy", "path": "/metadata/k"}], "Invalid operation: `copy`. It must be one "
                                                   "of the following: add, remove, replace."),
    patch([{"op": "add", "value": 1}], "Unable to find 'path' in JSON Schema change"),
    patch([{"op": "add", "path": "metadata/k", "value": 1}],
          'Pointer `metadata/k` does not start with "/".'),
    patch([{"op": "add", "path": "/metadata//k", "value": 1}],
          'Pointer `/metadata//k` contains adjacent "/".'),
    patch([{"op": "add", "path": "/metadata/k/", "value": 1}],
          'Pointer `/metadata/k/` end with "/".'),
    patch([{"op": "add", "path": "/metadata/k~2", "value": 1}],
          'Pointer `/metadata/k~2` contains "~" not part of a recognized escape sequence.'),
    patch([{"op": "add", "path": "/metadata", "value": 1}],
          "Invalid JSON pointer for this resource: '/metadata, e.g /metadata/key'"),
    patch([{"op": "add", "path": "/metadata/a/b", "value": 1}],
          "Invalid JSON pointer for this resource: '/metadata/a/b, e.g /metadata/key'"),
    patch([{"op": "add", "path": "/metadata/k"}], 'Operation "add" requires a member named '
                                                  '"value".'),
    patch([{"op": "replace", "path": "/data/k", "value": 1}],
          "The root of path must be metadata, e.g /metadata/key."),
    patch([{"op": "add", "path": "/metadata/_default_message_delay", "value": 901}],
          "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."),
    patch([{"op": "replace", "path": "/metadata/absent", "value": 1}],
          "Can't replace non-existent object absent.", status=409, title="Resource conflict"),
    patch([{"op": "remove", "path": "/metadata/absent"}],
          "Can't remove non-existent object absent.", status=409, title="Resource conflict"),
    Case("patch a missing queue", "PATCH", "/v2/queues/no-such-queue",
         j([{"op": "add", "path": "/metadata/k", "value": 1}]), 404, "Not found",
         f"Queue no-such-queue does not exist for project {PROJECT}", PATCH_TYPE),

    # ---- §4 purge ----
    Case("purge without resource_types", "POST", "/v2/queues/msgs/purge", j({"x": 1}),
         description='Post body must contain key "resource_types".'),
    Case("purge of an array", "POST", "/v2/queues/msgs/purge", j(["messages"]),
         description='Post body must contain key "resource_types".'),
    Case("purge of unknown types", "POST", "/v2/queues/msgs/purge",
         j({"resource_types": ["messages", "claims"]}),
         description="Resource types must be a sub set of {'messages', 'subscriptions'}."),
    Case("purge types not a list", "POST", "/v2/queues/msgs/purge",
         j({"resource_types": 5}), note=ZAQAR_5XX,
         description="Resource types must be a sub set of {'messages', 'subscriptions'}."),
    Case("purge unparseable", "POST", "/v2/queues/msgs/purge", raw("{"), title=BODY,
         description=UNPARSEABLE),
    Case("purge null", "POST", "/v2/queues/msgs/purge", raw("null"), title=BODY,
         description=UNPARSEABLE),

    # ---- §5 message posts ----
    Case("post without body", "POST", "/v2/queues/msgs/messages", title=BODY,
         description="Request body can not be empty"),
    Case("post with Content-Length 0", "POST", "/v2/queues/msgs/messages", title=BODY,
         headers={"Content-Length": "0"}, description=UNPARSEABLE),
    post(raw("{"), UNPARSEABLE, title=BODY),
    post(raw("null"), UNPARSEABLE, title=BODY),
    post(raw("12"), UNPARSEABLE, title=BODY),
    post(b'{"messages": [{"body": "\xc3\x28"}]}', UNPARSEABLE, title=BODY,
         name="post invalid UTF-8"),
    post(raw('{"messages": [{"body": %d}]}' % BIG), TOO_LARGE_INT, title=BODY),
    post(raw('{"messages": [{"body": 1, "ttl": 99999999999999999999}]}'), TOO_LARGE_INT,
         title=BODY),
    # Python reads 1e400 as infinity and Zaqar stores it; it is no JSON number a peer can read.
    post(raw('{"messages": [{"body": 1e400}]}'), UNPARSEABLE, title=BODY),
    post({"message": []}, "No messages were found in the request body."),
    post([{"body": 1}], "No messages were found in the request body."),
    post({"messages": []}, "No messages to enqueu."),
    post({"messages": {"body": 1}}, WRONG_TYPE, title=BODY),
    post({"messages": "body"}, WRONG_TYPE, title=BODY),
    post({"messages": [1]}, WRONG_TYPE, title=BODY, note=ZAQAR_5XX),
    post({"messages": [{"body": 1}, None]}, WRONG_TYPE, title=BODY, note=ZAQAR_5XX),
    post({"messages": [{"ttl": 60}]}, 'Missing "body" field.', title=BODY),
    post({"messages": [{"body": 1, "ttl": "60"}]}, 'The value of the "ttl" field must be a int.',
         title=BODY),
    post({"messages": [{"body": 1, "ttl": 60.5}]}, 'The value of the "ttl" field must be a int.',
         title=BODY),
    post({"messages": [{"body": 1, "ttl": None}]}, 'The value of the "ttl" field must be a int.',
         title=BODY),
    post({"messages": [{"body": 1, "ttl": 59}]}, MSG_TTL),
    post({"messages": [{"body": 1, "ttl": -1}]}, MSG_TTL),
    post({"messages": [{"body": 1, "ttl": 1209601}]}, MSG_TTL),
    post({"messages": [{"body": 1}, {"body": 2, "ttl": 10}]}, MSG_TTL),
    post({"messages": [{"body": "x" * 262144}]},
         "Message collection size is too large. Max size 262144"),
    post({"messages": [{"body": "x" * 200}]},
         "Message collection size is too large. The max size for current queue is 100. It is "
         "calculated by max size = min(max_messages_post_size_config: 262144, "
         "max_messages_post_size_queue: 100).", queue="small"),
    post({"messages": [{"body": 1, "delay": 901}]},
         "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 "
         "seconds long.", queue="delayq"),
    post({"messages": [{"body": 1, "delay": -1}]},
         "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 "
         "seconds long.", queue="delayq"),
    post({"messages": [{"body": 1, "delay": "soon"}]},
         'The value of the "delay" field must be a int.', title=BODY, queue="delayq"),

    # ---- §5 messages by id ----
    get("/v2/queues/msgs/messages?ids=nope,gone",
        f"No messages with IDs: ['nope', 'gone'] found in the queue msgs for project {PROJECT}.",
        "Not found", 404),
    get("/v2/queues/msgs/messages/nope",
        f"Message nope does not exist in queue msgs for project {PROJECT}", "Not found", 404),

    # ---- §6 claims ----
    claim(raw("null"), UNPARSEABLE, title=BODY),
    claim(raw("{"), UNPARSEABLE, title=BODY),
    claim([], WRONG_TYPE, title=BODY),
    claim({"ttl": None, "grace": None}, 'The value of the "ttl" field must be a int.',
          title=BODY),
    claim({"ttl": "300"}, 'The value of the "ttl" field must be a int.', title=BODY),
    claim({"ttl": 300, "grace": "60"}, 'The value of the "grace" field must be a int.',
          title=BODY),
    claim({"ttl": BIG}, TOO_LARGE_INT, title=BODY),
    claim({"ttl": 59}, CLAIM_TTL),
    claim({"ttl": 43201}, CLAIM_TTL),
    claim({"ttl": -100}, CLAIM_TTL),
    claim({"ttl": 300, "grace": 59}, GRACE),
    claim({"ttl": 300, "grace": 43201}, GRACE),
    claim({"ttl": 10, "grace": 10}, CLAIM_TTL, "?limit=0"),  # ttl is checked first
    Case("claim patch without body", "PATCH", "/v2/queues/msgs/claims/<claim>", title=BODY,
         description="Request body can not be empty"),
    Case("claim patch ttl 59", "PATCH", "/v2/queues/msgs/claims/<claim>", j({"ttl": 59}),
         description=CLAIM_TTL),
    Case("claim patch ttl a string", "PATCH", "/v2/queues/msgs/claims/<claim>", j({"ttl": "x"}),
         title=BODY, description='The value of the "ttl" field must be a int.'),
    Case("claim patch an array", "PATCH", "/v2/queues/msgs/claims/<claim>", j([]), title=BODY,
         description=WRONG_TYPE),
    Case("claim patch of a missing claim", "PATCH", "/v2/queues/msgs/claims/nope",
         j({"ttl": 100}), 404, "Not found",
         f"Claim nope does not exist in queue msgs for project {PROJECT}"),
    get("/v2/queues/msgs/claims/nope",
        f"Claim nope does not exist in queue msgs for project {PROJECT}", "Not found", 404),

    # ---- §5 single delete with claims ----
    Case("delete a claimed message without its claim", "DELETE",
         "/v2/queues/msgs/messages/<claimed>", status=403, title="Unable to delete",
         description="This message is claimed; it cannot be deleted without a valid claim ID."),
    Case("delete an unclaimed message with a claim", "DELETE",
         "/v2/queues/msgs/messages/<free>?claim_id=<claim>", title="Unable to delete",
         description="A claim was specified, but the message is not currently claimed."),

    # ---- §9 subscriptions ----
    sub(raw(""), "Missing parameter subscriber in body."),
    sub({}, "Missing parameter subscriber in body."),
    sub({"ttl": 600}, "Missing parameter subscriber in body."),
    sub(raw("{"), UNPARSEABLE, title=BODY),
    sub(raw("null"), UNPARSEABLE, title=BODY),
    sub([], "No subscription to create.", note=ZAQAR_5XX),
    sub([1], "Subscriptions must be a dict.", note=ZAQAR_5XX),
    sub({"subscriber": "gopher://x.example"}, SUBSCRIBERS),
    sub({"subscriber": "no scheme"}, SUBSCRIBERS),
    sub({"subscriber": 5}, SUBSCRIBERS, note=ZAQAR_5XX),
    sub({"subscriber": "http://x.example", "options": 1}, "Options must be a dict."),
    sub({"subscriber": "http://x.example", "options": ["a"]}, "Options must be a dict."),
    sub({"subscriber": "http://x.example", "ttl": "600"}, "TTL must be an integer."),
    sub({"subscriber": "http://x.example", "ttl": 1.5}, "TTL must be an integer."),
    sub({"subscriber": "http://x.example", "ttl": 59},
        "The TTL for a subscription must be at least 60 seconds long."),
    sub({"subscriber": "http://x.example", "ttl": 10 ** 15},
        "The TTL seconds for a subscription plus current time must be less than "
        "9999-12-31 23:59:59.999999."),
    sub({"subscriber": "http://x.example", "ttl": BIG}, TOO_LARGE_INT, title=BODY),
    sub({"subscriber": "http://x.example",
         "options": {"_retry_policy": {"retry_backoff_function": "cubic"}}},
        "invalid retry_backoff_function."),
    Case("subscription patch empty", "PATCH", "/v2/queues/subs/subscriptions/<sub>", j({}),
         description="No subscription to create."),
    Case("subscription patch without body", "PATCH", "/v2/queues/subs/subscriptions/<sub>",
         description="No subscription to create."),
    Case("subscription patch an array", "PATCH", "/v2/queues/subs/subscriptions/<sub>", j([1]),
         description="Subscriptions must be a dict."),
    Case("subscription patch bad scheme", "PATCH", "/v2/queues/subs/subscriptions/<sub>",
         j({"subscriber": "gopher://x"}), description=SUBSCRIBERS),
    Case("subscription patch ttl 59", "PATCH", "/v2/queues/subs/subscriptions/<sub>",
         j({"ttl": 59}), description="The TTL for a subscription must be at least 60 seconds "
                                     "long."),
    Case("subscription patch unknown field", "PATCH", "/v2/queues/subs/subscriptions/<sub>",
         j({"colour": "red"}), title="Unable to update subscription",
         description="Subscription <sub> could not be updated."),
    Case("subscription patch of a missing one", "PATCH", "/v2/queues/subs/subscriptions/nope",
         j({"ttl": 600}), 404, "Not found", "Subscription nope does not exist"),
    Case("confirm without body", "PUT", "/v2/queues/subs/subscriptions/<sub>/confirm",
         description="The 'confirmed' should be boolean."),
    Case("confirm not a boolean", "PUT", "/v2/queues/subs/subscriptions/<sub>/confirm",
         j({"confirmed": "yes"}), description="The 'confirmed' should be boolean."),
    Case("confirm unparseable", "PUT", "/v2/queues/subs/subscriptions/<sub>/confirm", raw("{"),
         title=BODY, description=UNPARSEABLE),
    Case("confirm null", "PUT", "/v2/queues/subs/subscriptions/<sub>/confirm", raw("null"),
         title=BODY, description=UNPARSEABLE),
    Case("subscription patch null", "PATCH", "/v2/queues/subs/subscriptions/<sub>", raw("null"),
         title=BODY, description=UNPARSEABLE),
    Case("claim patch null", "PATCH", "/v2/queues/msgs/claims/<claim>", raw("null"), title=BODY,
         description=UNPARSEABLE),
    get("/v2/queues/subs/subscriptions/nope", "Subscription nope does not exist", "Not found",
        404),
]


@pytest.fixture(scope="module")
def walk():
    """One server for the walk, with the resources the cases refer to."""
    server = Server(("--storage", "memory"))
    ids = {}

    def send(method, path, body=b"", headers=None):
        h = dict(H)
        for k, v in (headers or {}).items():
            if v is None:
                h.pop(k, None)
            else:
                h[k] = v
        return call(server, method, path, h, body)

    assert send("PUT", "/v2/queues/small", j({"_max_messages_post_size": 100})).status == 201
    assert send("PUT", "/v2/queues/delayq", j({"_default_message_delay": 60})).status == 201
    assert send("PUT", "/v2/queues/pq", j({"k": 1})).status == 201
    posted = send("POST", "/v2/queues/msgs/messages",
                  j({"messages": [{"body": 1, "ttl": 3600}, {"body": 2, "ttl": 3600}]}))
    claimed, free = [h.rsplit("/", 1)[1] for h in posted.json()["resources"]]
    r = send("POST", "/v2/queues/msgs/claims?limit=1", j({"ttl": 3600, "grace": 60}))
    ids["<claim>"] = r.header("location").rsplit("/", 1)[1]
    ids["<claimed>"], ids["<free>"] = claimed, free
    r = send("POST", "/v2/queues/subs/subscriptions", j({"subscriber": "http://x.example/s"}))
    ids["<sub>"] = r.json()["subscription_id"]
    try:
        yield server, send, ids
    finally:
        assert server.stop() in (0, -15), "".join(server.log)


def substitute(text, ids):
    for key, value in ids.items():
        text = text.replace(key, value)
    return text


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_bad_input_gets_the_documented_error(walk, case):
    server, send, ids = walk
    path = substitute(case.path, ids)
    response = send(case.method, path, case.body or b"", case.headers)
    assert response.status == case.status, response
    assert response.header("content-type") == "application/json"
    body = response.json()
    expected = {"title": case.title}
    if case.description is not None:
        expected["description"] = substitute(case.description, ids)
    assert body == expected
    # Still alive and answering.
    assert server.proc.poll() is None, "".join(server.log)
    assert send("GET", "/v2/ping").status == 204


def test_every_case_is_a_client_error_and_names_are_unique():
    assert all(400 <= c.status < 500 for c in CASES)
    names = [repr(c) for c in CASES]
    assert len(names) == len(set(names))


def test_walk_left_the_fixtures_untouched(walk):
    """Rejected requests change nothing: the claimed message is still claimed, the free one free,
    the metadata of the PATCH target unchanged."""
    server, send, ids = walk
    stats = send("GET", "/v2/queues/msgs/stats").json()["messages"]
    assert (stats["claimed"], stats["free"]) == (1, 1)
    assert send("GET", "/v2/queues/pq").json()["k"] == 1
    assert send("GET", "/v2/queues/md").json() == send("GET", "/v2/queues/never").json()
