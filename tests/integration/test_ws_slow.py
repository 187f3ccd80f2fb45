"""The slow-subscriber policy (docs/websocket.md): a socket whose unsent bytes would pass
--ws-send-buffer is closed with 1008; the queue, the poster and the other subscribers go on."""
import socket
import threading
import time
import uuid

from conftest import CLIENT_ID
from http_client import call
from ws_client import Raw, frame


def test_a_subscriber_that_does_not_read_is_dropped_with_1008(server_factory):
    # A close timeout long enough for the test to read the slow socket's backlog afterwards.
    server = server_factory("--storage", "memory", "--ws-send-buffer", "262144",
                            "--ws-close-timeout", "60")
    project = "slow-" + uuid.uuid4().hex[:8]
    # The slow one: a tiny receive buffer, and it does not read.
    slow = Raw.__new__(Raw)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", server.port))
    slow.sock, slow.buf = sock, b""
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    while b"\r\n\r\n" not in slow.buf:
        slow.buf += sock.recv(4096)
    slow.buf = slow.buf.split(b"\r\n\r\n", 1)[1]
    slow.headers = {"Client-ID": CLIENT_ID, "X-Project-ID": project}
    slow.send_json({"action": "subscription_create", "headers": slow.headers,
                    "body": {"queue_name": "q"}})
    assert slow.read_message()["headers"]["status"] == 201

    fast = Raw(server)
    fast.headers = slow.headers
    fast.send_json({"action": "subscription_create", "headers": fast.headers,
                    "body": {"queue_name": "q"}})
    assert fast.read_message()["headers"]["status"] == 201
    received = []

    def read_all(count):
        for _ in range(count):
            received.append(fast.read_message()["body"]["n"])

    # More than the kernel can buffer for the slow socket (its send buffer grows to 4 MiB) plus
    # Warren's 256 KiB.
    posts, per_post = 160, 20
    reader = threading.Thread(target=read_all, args=(posts * per_post,))
    reader.start()
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": project, "Content-Type": "application/json"}
    pad = "x" * 1500
    started = time.monotonic()
    for i in range(posts):
        body = {"messages": [{"body": {"n": i * per_post + j, "pad": pad}} for j in range(per_post)]}
        assert call(server, "POST", "/v2/queues/q/messages", headers, body).status == 201
        time.sleep(0.005)  # a pace the reading subscriber (Python) keeps up with
    post_seconds = time.monotonic() - started
    reader.join(60)
    assert received == list(range(posts * per_post))  # the reading subscriber got everything
    assert post_seconds < 30                            # and nobody waited for the slow one
    # The slow one: whatever was queued before the limit, then a close with 1008.
    assert slow.read_close() == 1008
    # The server is fine.
    fast.send_json({"action": "queue_list", "headers": fast.headers})
    assert fast.read_message()["headers"]["status"] == 200


def test_a_trickled_message_meets_the_request_deadline(server_factory):
    # The HTTP request deadline holds for a WebSocket message too: from its first byte, however
    # often more bytes arrive.
    server = server_factory("--storage", "memory", "--request-timeout", "2")
    raw = Raw(server)
    assert raw.upgraded
    data = frame(0x1, b"x" * 1000)
    raw.send(data[:200])
    started = time.monotonic()
    code = None
    raw.sock.settimeout(0.3)
    for i in range(200, len(data)):
        try:
            raw.send(data[i:i + 1])
        except OSError:
            break
        try:
            code = raw.read_close()
            break
        except socket.timeout:
            continue
        except ConnectionError:
            break
        if time.monotonic() - started > 8:
            break
    assert code == 1008
    assert time.monotonic() - started < 4
    raw.close()


def test_half_sent_messages_are_bounded_by_the_buffer_budget(server_factory):
    server = server_factory("--storage", "memory", "--max-buffered-bytes", "2500000")
    clients = [Raw(server) for _ in range(4)]
    for raw in clients:
        raw.send(frame(0x1, b"x" * 900000)[:800000])
    codes = []
    for raw in clients:
        raw.sock.settimeout(3)
        try:
            codes.append(raw.read_close())
        except socket.timeout:
            codes.append(None)
        raw.close()
    # Each holds about 1 MiB (its buffer grows by doubling): two fit, the others are told to
    # come back later.
    assert codes.count(1013) >= 1, codes
    assert codes.count(None) >= 1, codes
