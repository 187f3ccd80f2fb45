"""Every action of Zaqar's WebSocket API (zaqar-v2-api.md section 10) over a real socket, in
JSON and in MessagePack, with the reply shapes of the reference."""
import uuid

import pytest

from conftest import CLIENT_ID
from ws_client import status


@pytest.fixture
def ws(server, connect):
    return connect(server, project="p-" + uuid.uuid4().hex[:8])


@pytest.fixture(params=[False, True], ids=["json", "msgpack"])
def binary(request):
    return request.param


def test_queue_list_empty_echoes_the_request(ws):
    reply = ws.request("queue_list")
    assert reply == {"request": {"action": "queue_list", "body": {}, "api": "v2",
                                 "headers": ws.headers},
                     "body": {"queues": []}, "headers": {"status": 200}}


def test_queue_lifecycle(ws, binary):
    reply = ws.request("queue_create", {"queue_name": "q1", "metadata": {"a": 1}}, binary=binary)
    assert (status(reply), reply["body"]) == (201, "Queue q1 created.")
    assert reply["request"]["body"] == {"queue_name": "q1", "metadata": {"a": 1}}
    reply = ws.request("queue_create", {"queue_name": "q1"}, binary=binary)
    assert (status(reply), reply["body"]) == (204, "Queue q1 created.")
    assert ws.request("queue_get", {"queue_name": "q1"}, binary=binary)["body"] == {"a": 1}
    assert ws.request("queue_get", {"queue_name": "nope"})["body"] == {}
    listed = ws.request("queue_list", {"detailed": True}, binary=binary)["body"]
    assert listed == {"queues": [{"name": "q1", "metadata": {"a": 1}}]}
    assert ws.request("queue_list", {"limit": 1})["body"] == {"queues": [{"name": "q1"}]}
    reply = ws.request("queue_delete", {"queue_name": "q1"}, binary=binary)
    assert (status(reply), reply["body"]) == (204, "Queue q1 removed.")
    assert ws.request("queue_list")["body"] == {"queues": []}


def test_queue_errors(ws):
    reply = ws.request("queue_create", {"queue_name": "bad name"})
    assert status(reply) == 400
    assert reply["body"] == {"exception": "Queue names may only contain ASCII letters, digits, "
                                          "underscores, and dashes.", "error": None}
    assert status(ws.request("queue_create", {"queue_name": "x" * 65})) == 400
    reply = ws.request("queue_create", {"queue_name": "q", "metadata": {"_default_message_ttl": 5}})
    assert status(reply) == 400
    assert "_default_message_ttl" in reply["body"]["exception"]
    assert status(ws.request("queue_list", {"limit": 0})) == 400


def test_queue_stats(ws):
    reply = ws.request("queue_get_stats", {"queue_name": "missing"})
    assert status(reply) == 404
    assert reply["body"] == {"messages": {"claimed": 0, "free": 0, "total": 0}}
    ws.request("message_post", {"queue_name": "s", "messages": [{"body": 1}, {"body": 2}]})
    reply = ws.request("queue_get_stats", {"queue_name": "s"})
    assert status(reply) == 200
    counts = reply["body"]["messages"]
    assert (counts["free"], counts["claimed"], counts["total"]) == (2, 0, 2)
    assert set(counts["oldest"]) == {"id", "age", "created"}
    assert counts["newest"]["id"] != counts["oldest"]["id"]


def test_queue_purge(ws):
    ws.request("message_post", {"queue_name": "p", "messages": [{"body": 1}]})
    ws.request("subscription_create", {"queue_name": "p", "subscriber": "http://hooks.example:9/x"})
    reply = ws.request("queue_purge", {"queue_name": "p", "resource_types": ["messages"]})
    assert (status(reply), reply["body"]) == (204, {})
    assert ws.request("message_list", {"queue_name": "p", "echo": True})["body"]["messages"] == []
    assert len(ws.request("subscription_list", {"queue_name": "p"})["body"]["subscriptions"]) == 1
    ws.request("queue_purge", {"queue_name": "p"})
    assert ws.request("subscription_list", {"queue_name": "p"})["body"]["subscriptions"] == []


def test_messages(ws, binary):
    reply = ws.request("message_post", {"queue_name": "m", "messages": [
        {"body": {"k": "v"}, "ttl": 120}, {"body": [1, 2.5, None, True]}]}, binary=binary)
    assert status(reply) == 201
    ids = reply["body"]["message_ids"]
    assert len(ids) == 2
    listed = ws.request("message_list", {"queue_name": "m", "echo": True}, binary=binary)
    messages = listed["body"]["messages"]
    assert [m["id"] for m in messages] == ids
    assert messages[0] == {"id": ids[0], "claim_id": None, "ttl": 120, "age": messages[0]["age"],
                           "body": {"k": "v"}}
    assert messages[1]["body"] == [1, 2.5, None, True]
    assert ws.request("message_list", {"queue_name": "m"})["body"]["messages"] == []  # no echo
    one = ws.request("message_get", {"queue_name": "m", "message_id": ids[1]}, binary=binary)
    assert one["body"]["messages"]["id"] == ids[1]
    many = ws.request("message_get_many", {"queue_name": "m", "message_ids": ids + ["nope"]})
    assert sorted(m["id"] for m in many["body"]["messages"]) == sorted(ids)
    reply = ws.request("message_delete", {"queue_name": "m", "message_id": ids[0]})
    assert (status(reply), reply["body"]) == (204, {})
    missing = ws.request("message_get", {"queue_name": "m", "message_id": ids[0]})
    assert status(missing) == 404 and "does not exist" in missing["body"]["exception"]
    reply = ws.request("message_delete_many", {"queue_name": "m", "message_ids": [ids[1]]})
    assert status(reply) == 204
    assert ws.request("message_list", {"queue_name": "m", "echo": True})["body"]["messages"] == []


def test_message_pop(ws):
    ws.request("message_post", {"queue_name": "pop", "messages": [{"body": i} for i in range(3)]})
    reply = ws.request("message_delete_many", {"queue_name": "pop", "pop": 2})
    assert status(reply) == 200
    popped = reply["body"]["messages"]
    assert [m["body"] for m in popped] == [0, 1]
    assert set(popped[0]) == {"id", "age", "ttl", "body", "claim_id", "claim_count"}


def test_message_errors(ws):
    reply = ws.request("message_post", {"queue_name": "e", "messages": [{"ttl": 60}]})
    assert (status(reply), reply["body"]["exception"]) == (400, 'Missing "body" field.')
    reply = ws.request("message_post", {"queue_name": "e", "messages": []})
    assert (status(reply), reply["body"]["exception"]) == (400, "No messages to enqueu.")
    reply = ws.request("message_post", {"queue_name": "e", "messages": [{"body": 1, "ttl": 5}]})
    assert status(reply) == 400 and "TTL" in reply["body"]["exception"]
    bad_client = dict(ws.headers, **{"Client-ID": "not-a-uuid"})
    assert status(ws.request("message_list", {"queue_name": "e"}, headers=bad_client)) == 400
    assert status(ws.request("queue_get", {"queue_name": "e"}, headers=bad_client)) == 200
    reply = ws.request("message_delete_many", {"queue_name": "e"})
    assert status(reply) == 400 and '"ids" or "pop"' in reply["body"]["exception"]
    reply = ws.request("message_delete_many", {"queue_name": "e", "message_ids": ["a"], "pop": 1})
    assert status(reply) == 400
    assert status(ws.request("message_get_many", {"queue_name": "e", "message_ids": []})) == 400
    assert status(ws.request("message_get_many",
                             {"queue_name": "e", "message_ids": ["x"] * 21})) == 400


def test_claims(ws, binary):
    ws.request("message_post", {"queue_name": "c", "messages": [{"body": i} for i in range(3)]})
    reply = ws.request("claim_create", {"queue_name": "c", "limit": 2, "ttl": 60, "grace": 60},
                       binary=binary)
    assert status(reply) == 201
    claim_id = reply["body"]["claim_id"]
    messages = reply["body"]["messages"]
    assert [m["body"] for m in messages] == [0, 1]
    assert all(m["claim_id"] == claim_id for m in messages)
    got = ws.request("claim_get", {"queue_name": "c", "claim_id": claim_id}, binary=binary)
    assert status(got) == 200
    assert set(got["body"]) == {"age", "ttl", "messages"} and got["body"]["ttl"] == 60
    reply = ws.request("claim_update", {"queue_name": "c", "claim_id": claim_id, "ttl": 120})
    assert (status(reply), reply["body"]) == (204, f"Claim {claim_id} updated.")
    assert ws.request("claim_get", {"queue_name": "c", "claim_id": claim_id})["body"]["ttl"] == 120
    # A claimed message needs its claim to be deleted.
    denied = ws.request("message_delete", {"queue_name": "c", "message_id": messages[0]["id"]})
    assert status(denied) == 403
    assert denied["body"]["error"] == ("This message is claimed; it cannot be deleted without a "
                                       "valid claim ID.")
    ok = ws.request("message_delete", {"queue_name": "c", "message_id": messages[0]["id"],
                                       "claim_id": claim_id})
    assert status(ok) == 204
    reply = ws.request("claim_delete", {"queue_name": "c", "claim_id": claim_id})
    assert (status(reply), reply["body"]) == (204, f"Claim {claim_id} deleted.")
    missing = ws.request("claim_get", {"queue_name": "c", "claim_id": claim_id})
    assert status(missing) == 404
    assert missing["body"]["error"] == f"Claim {claim_id} does not exist."
    ws.request("claim_create", {"queue_name": "c", "limit": 20})
    empty = ws.request("claim_create", {"queue_name": "c"})
    assert (status(empty), empty["body"]) == (204, {"claim_id": None})
    assert status(ws.request("claim_create", {"queue_name": "c", "ttl": 1})) == 400


def test_webhook_subscriptions(ws, binary):
    body = {"queue_name": "sub", "subscriber": "http://hooks.example:9/hook", "ttl": 600,
            "options": {"k": "v"}}
    reply = ws.request("subscription_create", body, binary=binary)
    assert status(reply) == 201
    sid = reply["body"]["subscription_id"]
    assert reply["body"]["message"] == "Subscription sub created."
    again = ws.request("subscription_create", body)
    assert (status(again), again["body"]["subscription_id"]) == (201, sid)  # unconfirmed: same id
    got = ws.request("subscription_get", {"queue_name": "sub", "subscription_id": sid})
    subscription = got["body"]
    assert subscription["id"] == sid and subscription["source"] == "sub"
    assert (subscription["subscriber"], subscription["ttl"]) == ("http://hooks.example:9/hook", 600)
    assert (subscription["options"], subscription["confirmed"]) == ({"k": "v"}, False)
    listed = ws.request("subscription_list", {"queue_name": "sub"}, binary=binary)
    assert [s["id"] for s in listed["body"]["subscriptions"]] == [sid]
    reply = ws.request("subscription_delete", {"queue_name": "sub", "subscription_id": sid})
    assert (status(reply), reply["body"]) == (204, f"Subscription {sid} removed.")
    missing = ws.request("subscription_get", {"queue_name": "sub", "subscription_id": sid})
    assert status(missing) == 404
    bad = ws.request("subscription_create", {"queue_name": "sub", "subscriber": "ftp://x"})
    assert status(bad) == 400 and "subscriber type" in bad["body"]["exception"]
    short = ws.request("subscription_create", {"queue_name": "sub", "ttl": 5,
                                               "subscriber": "http://hooks.example:9/"})
    assert status(short) == 400


def test_socket_subscription_is_visible_to_its_socket(ws, server, connect):
    reply = ws.request("subscription_create", {"queue_name": "mine", "ttl": 600})
    assert status(reply) == 201
    sid = reply["body"]["subscription_id"]
    assert ws.request("subscription_create", {"queue_name": "mine"})["body"]["subscription_id"] == sid
    own = ws.request("subscription_get", {"queue_name": "mine", "subscription_id": sid})["body"]
    assert (own["id"], own["source"], own["ttl"], own["confirmed"]) == (sid, "mine", 3600, False)
    assert own["subscriber"].startswith("websocket:")
    listed = ws.request("subscription_list", {"queue_name": "mine"})["body"]["subscriptions"]
    assert [s["id"] for s in listed] == [sid]
    other = connect(server, project=ws.headers["X-Project-ID"])
    assert status(other.request("subscription_get",
                                {"queue_name": "mine", "subscription_id": sid})) == 404
    reply = ws.request("subscription_delete", {"queue_name": "mine", "subscription_id": sid})
    assert status(reply) == 204
    assert ws.request("subscription_list", {"queue_name": "mine"})["body"]["subscriptions"] == []


def test_node_actions(ws):
    reply = ws.request("ping_node", headers={})
    assert (status(reply), reply["body"]) == (204, {})
    home = ws.request("get_home_doc", headers={})
    assert status(home) == 200 and "rel/queues" in home["body"]["resources"]


@pytest.mark.parametrize("action", ["check_node_health", "pool_list", "pool_create", "flavor_get"])
def test_unimplemented_actions_get_an_error_reply(ws, action):
    reply = ws.request(action, {"pool_name": "x", "flavor_name": "x"})
    assert status(reply) == 501
    assert reply["body"] == {"error": f"{action} is not implemented by this server."}


def test_authenticate_without_auth_gets_an_error_reply(ws):
    reply = ws.request("authenticate", headers={"X-Project-ID": "p", "X-Auth-Token": "t"})
    assert reply["request"] == {"action": "authenticate", "body": {}, "headers": {}, "api": "v2"}
    assert status(reply) == 501 and "not enabled" in reply["body"]["error"]
    assert status(ws.request("authenticate", headers={"X-Project-ID": "p"})) == 400


def test_envelope_errors(ws, binary):
    reply = ws.request("queue_glorify", {})
    assert (status(reply), reply["body"]) == (400, {"error": "queue_glorify is not a valid action"})
    ws.send({"headers": ws.headers}, binary)
    assert ws.recv()["body"] == {"error": "None is not a valid action"}
    ws.send({"action": 12, "headers": ws.headers}, binary)
    assert ws.recv()["body"] == {"error": "12 is not a valid action"}
    ws.send([1, 2], binary)
    reply = ws.recv()
    assert (status(reply), reply["body"]) == (400, {"error": "Unexpected body type. Expected dict "
                                                             "or dict like."})
    schema = {"error": "Schema validation failed."}
    assert ws.request("queue_get", {})["body"] == schema                       # no queue_name
    assert ws.request("queue_get", {"queue_name": 5})["body"] == schema         # wrong type
    assert ws.request("queue_list", headers={"X-Project-ID": "p"})["body"] == schema
    assert ws.request("queue_list", {"limit": True})["body"] == schema          # bool != integer
    assert ws.request("message_list", {"queue_name": "q", "echo": "yes"})["body"] == schema
    ws.send({"action": "queue_get", "headers": ws.headers}, binary)             # no body
    assert ws.recv()["body"] == schema


def test_undecodable_frames(ws):
    ws.send("\ufeff")
    reply = ws.recv()
    assert status(reply) == 400
    assert reply["body"]["error"].startswith("Can't decode text (JSON) request.")
    assert reply["request"] == {"action": None, "body": {}, "headers": {}, "api": "v2"}
    ws.send("123")
    assert ws.recv()["body"]["error"] == "Unexpected body type. Expected dict or dict like."
    ws.ws.send_binary(b"\xc1")  # never used in MessagePack
    import msgpack
    opcode, data = ws.recv_raw()
    reply = msgpack.unpackb(data)
    assert opcode == 2 and status(reply) == 400
    assert reply["body"]["error"].startswith("Can't decode binary (MessagePack) request.")
    ws.ws.send_binary(msgpack.packb({1: 2}))  # keys must be strings
    assert status(msgpack.unpackb(ws.recv_raw()[1])) == 400
    ws.ws.send_binary(msgpack.packb({"a": 1}) + b"\x00")  # extra data
    assert "ExtraData" in msgpack.unpackb(ws.recv_raw()[1])["body"]["error"]
    # The socket is still in service.
    assert status(ws.request("queue_list")) == 200


def test_requests_are_answered_in_order(ws):
    for i in range(20):
        ws.send({"action": "queue_create", "headers": ws.headers, "body": {"queue_name": f"o{i}"}})
    replies = [ws.recv() for _ in range(20)]
    assert [r["request"]["body"]["queue_name"] for r in replies] == [f"o{i}" for i in range(20)]


@pytest.mark.parametrize("project", ["", "a\u0000b", "tab\there"])
def test_a_project_id_http_refuses_is_refused_here_too(ws, project, binary):
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": project}
    reply = ws.request("queue_create", {"queue_name": "q"}, headers=headers, binary=binary)
    assert status(reply) == 400
    listed = ws.request("queue_list", headers=headers)
    assert status(listed) == 400


@pytest.mark.parametrize("name", [".", ".."])
def test_dot_segment_queue_names_are_refused(ws, name):
    reply = ws.request("queue_create", {"queue_name": name})
    assert status(reply) == 400
    assert ws.request("queue_list")["body"] == {"queues": []}


def test_a_boolean_ttl_is_a_type_error(ws):
    reply = ws.request("message_post", {"queue_name": "b", "messages": [{"body": 1, "ttl": True}]})
    assert status(reply) == 400
    assert reply["body"]["exception"] == 'The value of the "ttl" field must be a int.'


def test_a_refused_post_leaves_no_queue_behind(ws):
    headers = {**ws.headers, "Client-ID": "not-a-uuid"}
    reply = ws.request("message_post", {"queue_name": "ghost", "messages": [{"body": 1}]},
                       headers=headers)
    assert status(reply) == 400
    assert ws.request("queue_list")["body"] == {"queues": []}


def test_a_socket_holds_a_bounded_number_of_subscriptions(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-max-subscriptions", "3")
    ws = connect(server, project="p-" + uuid.uuid4().hex[:8])
    for q in ["a", "b", "c"]:
        assert status(ws.request("subscription_create", {"queue_name": q, "ttl": 3600})) == 201
    # Again on a queue it has: the subscription is renewed, not added.
    assert status(ws.request("subscription_create", {"queue_name": "b", "ttl": 3600})) == 201
    reply = ws.request("subscription_create", {"queue_name": "d", "ttl": 3600})
    assert status(reply) == 400
    assert reply["body"]["exception"] == "A socket may hold at most 3 subscriptions."
    names = [q["name"] for q in ws.request("queue_list")["body"]["queues"]]
    assert names == ["a", "b", "c"]  # the refused one made no queue
    listed = ws.request("subscription_list", {"queue_name": "a"})["body"]["subscriptions"]
    assert status(ws.request("subscription_delete",
                             {"queue_name": "a", "subscription_id": listed[0]["id"]})) == 204
    assert status(ws.request("subscription_create", {"queue_name": "d", "ttl": 3600})) == 201
    # Another socket has its own allowance.
    other = connect(server, project=ws.headers["X-Project-ID"])
    assert status(other.request("subscription_create", {"queue_name": "e", "ttl": 3600})) == 201
