"""`--ws-push-delay-ms`: pushes wait for the loop's timer so that the pushes of several posts
leave together (docs/websocket.md, "Coalesced writes"), while replies never wait and never
overtake the pushes queued before them on their socket. The lower bounds are safe on a slow
machine: a timer never fires early."""
import signal
import time
import uuid

from ws_client import status

DELAY_S = 1.0


def project():
    return "delay-" + uuid.uuid4().hex[:8]


def post(client, queue, body):
    reply = client.request("message_post", {"queue_name": queue, "messages": [{"body": body}]})
    assert status(reply) == 201, reply


def subscribed(connect, server, p, queue):
    sub = connect(server, p)
    reply = sub.request("subscription_create", {"queue_name": queue})
    assert status(reply) == 201, reply
    return sub


def test_pushes_wait_for_the_delay_and_leave_together(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-push-delay-ms", str(int(DELAY_S * 1000)))
    p = project()
    sub, poster = subscribed(connect, server, p, "d"), connect(server, p)
    t0 = time.monotonic()
    for n in range(3):
        post(poster, "d", n)  # each reply comes back at once: replies do not wait
    posted = time.monotonic() - t0
    assert posted < DELAY_S * 0.8, f"three posts took {posted:.2f} s; the test needs them faster"
    arrivals, bodies = [], []
    for _ in range(3):
        bodies.append(sub.recv()["body"])
        arrivals.append(time.monotonic() - t0)
    assert bodies == [0, 1, 2]
    assert arrivals[0] >= DELAY_S * 0.95, arrivals  # held until the timer
    assert arrivals[-1] - arrivals[0] < 0.2, arrivals  # and flushed together


def test_a_reply_flushes_the_pushes_queued_before_it(server_factory, connect):
    # One loop: a post's pushes reach the subscriber's socket through the loop's queue, ahead
    # of the subscriber's next request (with several loops they cross threads and may come
    # after it, which is not what this test is about).
    server = server_factory("--storage", "memory", "--ws-push-delay-ms", "30000",
                            "--threads", "1")
    p = project()
    sub, poster = subscribed(connect, server, p, "r"), connect(server, p)
    post(poster, "r", "first")
    post(poster, "r", "second")
    t0 = time.monotonic()
    sub.send({"action": "queue_list", "headers": sub.headers})
    # The pushes were queued before the request's reply, so they leave with it, in order,
    # long before the 30 s timer.
    assert sub.recv()["body"] == "first"
    assert sub.recv()["body"] == "second"
    reply = sub.recv()
    assert reply["request"]["action"] == "queue_list" and status(reply) == 200
    assert time.monotonic() - t0 < 10


def test_shutdown_does_not_wait_for_the_push_timer(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-push-delay-ms", "60000")
    p = project()
    sub, poster = subscribed(connect, server, p, "s"), connect(server, p)
    post(poster, "s", "held")  # arms the loop's 60 s timer
    sub.close()
    poster.close()
    t0 = time.monotonic()
    assert server.stop(timeout=30) == 0
    assert time.monotonic() - t0 < 10


def test_shutdown_writes_the_held_pushes_first(server_factory, connect):
    server = server_factory("--storage", "memory", "--ws-push-delay-ms", "60000")
    p = project()
    sub, poster = subscribed(connect, server, p, "w"), connect(server, p)
    post(poster, "w", "held")
    poster.close()
    server.proc.send_signal(signal.SIGTERM)
    assert sub.recv()["body"] == "held"  # then the closing handshake


def test_without_a_delay_pushes_leave_at_once(server, connect):
    p = project()
    sub, poster = subscribed(connect, server, p, "n"), connect(server, p)
    t0 = time.monotonic()
    post(poster, "n", "now")
    assert sub.recv()["body"] == "now"
    assert time.monotonic() - t0 < DELAY_S * 0.5
