"""Push to subscribed sockets (zaqar-v2-api.md sections 9 and 10): what a notification looks
like, its encoding, order across posters and event loops, expiry by TTL, and the end of a
subscription with its socket."""
import json
import threading
import time
import uuid

import msgpack
import pytest

from conftest import CLIENT_ID
from http_client import call
from ws_client import status


def project():
    return "push-" + uuid.uuid4().hex[:8]


def subscribe(client, queue, ttl=None, binary=False):
    body = {"queue_name": queue}
    if ttl is not None:
        body["ttl"] = ttl
    reply = client.request("subscription_create", body, binary=binary)
    assert status(reply) == 201, reply
    return reply["body"]["subscription_id"]


def test_notification_shape_over_ws_post(server, connect):
    p = project()
    sub, poster = connect(server, p), connect(server, p)
    subscribe(sub, "q")
    reply = poster.request("message_post", {"queue_name": "q", "messages": [
        {"body": {"event": 1}, "ttl": 300}, {"body": "two"}]})
    assert status(reply) == 201
    assert sub.recv() == {"ttl": 300, "body": {"event": 1}, "Message_Type": "Notification",
                          "queue_name": "q"}
    assert sub.recv() == {"ttl": 3600, "body": "two", "Message_Type": "Notification",
                          "queue_name": "q"}


def test_http_posts_are_pushed(server, connect):
    p = project()
    sub = connect(server, p)
    subscribe(sub, "h")
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": p, "Content-Type": "application/json"}
    response = call(server, "POST", "/v2/queues/h/messages", headers,
                    {"messages": [{"body": {"n": 1}, "ttl": 60}]})
    assert response.status == 201
    assert sub.recv() == {"ttl": 60, "body": {"n": 1}, "Message_Type": "Notification",
                          "queue_name": "h"}


def test_only_the_project_and_queue_subscribed(server, connect):
    p = project()
    sub, other_project = connect(server, p), connect(server, project())
    subscribe(sub, "a")
    other_project.request("message_post", {"queue_name": "a", "messages": [{"body": "x"}]})
    assert status(sub.request("message_post", {"queue_name": "b", "messages": [{"body": "y"}]})) == 201
    # A poster that is also a subscriber gets its reply first, then the notification.
    assert status(sub.request("message_post", {"queue_name": "a", "messages": [{"body": "z"}]})) == 201
    assert sub.recv()["body"] == "z"  # neither x (other project) nor y (other queue)


def test_notifications_follow_the_last_socket_subscription_encoding(server, connect):
    p = project()
    sub, poster = connect(server, p), connect(server, p)
    subscribe(sub, "bin", binary=True)
    poster.request("message_post", {"queue_name": "bin", "messages": [{"body": {"k": [1, 2]}}]})
    opcode, data = sub.recv_raw()
    assert opcode == 2
    assert msgpack.unpackb(data) == {"ttl": 3600, "body": {"k": [1, 2]},
                                     "Message_Type": "Notification", "queue_name": "bin"}
    # A text request afterwards does not change it; a text subscription does.
    assert status(sub.request("queue_list")) == 200
    poster.request("message_post", {"queue_name": "bin", "messages": [{"body": 2}]})
    assert sub.recv_raw()[0] == 2
    subscribe(sub, "bin")
    poster.request("message_post", {"queue_name": "bin", "messages": [{"body": 3}]})
    opcode, data = sub.recv_raw()
    assert (opcode, json.loads(data)["body"]) == (1, 3)


def test_order_is_the_same_for_every_subscriber_across_loops(server_factory, connect):
    server = server_factory("--storage", "memory", "--threads", "4")
    p = project()
    subscribers = [connect(server, p) for _ in range(12)]  # spread over the 4 loops
    for s in subscribers:
        subscribe(s, "order")
    posters = [connect(server, p) for _ in range(3)]
    per_poster = 40

    def post(index, client):
        for i in range(per_poster):
            reply = client.request("message_post", {"queue_name": "order", "messages": [
                {"body": {"p": index, "i": i}}]})
            assert status(reply) == 201

    threads = [threading.Thread(target=post, args=(i, c)) for i, c in enumerate(posters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = per_poster * len(posters)
    sequences = []
    for s in subscribers:
        sequences.append([(m["body"]["p"], m["body"]["i"]) for m in (s.recv() for _ in range(total))])
    for seq in sequences:
        assert seq == sequences[0]  # one order for all
        for p_index in range(len(posters)):
            mine = [i for (who, i) in seq if who == p_index]
            assert mine == list(range(per_poster))  # each poster's own order


def test_subscription_ends_with_its_ttl(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-min-subscription-ttl", "1")
    p = project()
    sub, poster = connect(server, p), connect(server, p)
    sid = subscribe(sub, "ttl", ttl=1)
    poster.request("message_post", {"queue_name": "ttl", "messages": [{"body": "early"}]})
    assert sub.recv()["body"] == "early"
    time.sleep(1.3)
    poster.request("message_post", {"queue_name": "ttl", "messages": [{"body": "late"}]})
    sub.settimeout(0.5)
    with pytest.raises(Exception):
        sub.recv()  # nothing pushed after the TTL
    sub.settimeout(10)
    reply = sub.request("subscription_get", {"queue_name": "ttl", "subscription_id": sid})
    assert status(reply) == 404
    # Subscribing again works.
    subscribe(sub, "ttl", ttl=60)
    poster.request("message_post", {"queue_name": "ttl", "messages": [{"body": "again"}]})
    assert sub.recv()["body"] == "again"


def test_subscription_ttl_below_the_minimum_is_refused(server, connect):
    sub = connect(server, project())
    reply = sub.request("subscription_create", {"queue_name": "q", "ttl": 30})
    assert status(reply) == 400
    assert reply["body"]["exception"] == "The TTL for a subscription must be at least 60 seconds long."


def test_subscriptions_end_with_the_socket(server, connect):
    p = project()
    poster = connect(server, p)
    for _ in range(50):
        gone = connect(server, p)
        subscribe(gone, "closing")
        gone.close()
    survivor = connect(server, p)
    subscribe(survivor, "closing")
    for i in range(5):
        assert status(poster.request("message_post", {"queue_name": "closing",
                                                      "messages": [{"body": i}]})) == 201
    assert [survivor.recv()["body"] for _ in range(5)] == list(range(5))


def test_upgrade_on_the_ws_only_port(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-listen", "127.0.0.1:0")
    port = None
    deadline = time.time() + 5
    while port is None and time.time() < deadline:
        line = server.proc.stdout.readline()
        server.log.append(line)
        if "websocket-only listener on" in line:
            port = int(line.rsplit(":", 1)[1])
    assert port
    p = project()
    on_ws_port, on_http_port = connect(server, p, port=port), connect(server, p)
    subscribe(on_ws_port, "both")
    on_http_port.request("message_post", {"queue_name": "both", "messages": [{"body": 1}]})
    assert on_ws_port.recv()["body"] == 1
    import socket
    plain = socket.create_connection(("127.0.0.1", port), timeout=5)
    plain.sendall(b"GET /v2/queues HTTP/1.1\r\nHost: x\r\n\r\n")
    assert plain.recv(4096).startswith(b"HTTP/1.1 426")
