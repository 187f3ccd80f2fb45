"""WebSocket framing over raw sockets (RFC 6455 as Beast enforces it): handshake, pipelined
bytes after the upgrade, fragmentation, ping/pong, the close handshake, and what each kind of
malformed frame gets: an error reply, or a close with the right code."""
import json
import socket
import struct

import pytest

from ws_client import Raw, close_code, frame


def envelope(action, body=None, project="framing"):
    message = {"action": action,
               "headers": {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c",
                           "X-Project-ID": project}}
    if body is not None:
        message["body"] = body
    return json.dumps(message).encode()


@pytest.fixture
def raw(server):
    client = Raw(server)
    assert client.upgraded, client.response
    yield client
    client.close()


def test_handshake_answer(raw):
    assert "Sec-WebSocket-Accept:" in raw.response
    assert "permessage-deflate" not in raw.response


def test_bytes_sent_with_the_upgrade_request_are_kept(server):
    client = Raw(server, extra=frame(0x1, envelope("queue_list")))
    assert client.read_message()["headers"]["status"] == 200
    client.close()


def test_fragmented_message(raw):
    text = envelope("queue_list")
    raw.send(frame(0x1, text[:10], fin=False) + frame(0x9, b"mid") + frame(0x0, text[10:20], fin=False)
             + frame(0x0, text[20:]))
    fin, opcode, payload = raw.read_frame()
    assert (opcode, payload) == (0xA, b"mid")  # the ping between fragments is answered at once
    assert raw.read_message()["headers"]["status"] == 200


def test_ping_pong(raw):
    raw.send(frame(0x9, b"hello"))
    assert raw.read_frame() == (True, 0xA, b"hello")


def test_close_handshake(raw):
    raw.send(frame(0x8, struct.pack("!H", 1000) + b"bye"))
    assert raw.read_close() == 1000
    assert raw.sock.recv(10) == b""  # then the server closes the TCP connection


@pytest.mark.parametrize("data,code", [
    (frame(0x1, b'{"action":"queue_list"}', mask=False), 1002),  # clients must mask
    (frame(0x1, b"x", rsv=1), 1002),                              # no extension negotiated
    (frame(0x3, b"x"), 1002),                                     # reserved opcode
    (frame(0x9, b"x" * 126), 1002),                               # control frame too long
    (frame(0x9, b"x", fin=False), 1002),                          # fragmented control frame
    (frame(0x0, b"x"), 1002),                                     # continuation of nothing
    (frame(0x1, b"\xff\xfe"), 1007),                              # text that is not UTF-8
    (frame(0x8, b"\x03\xe8\xff"), 1002),                          # close reason not UTF-8 (Beast: 1002)
    (frame(0x8, b"\x00"), 1002),                                  # close payload of 1 byte
    (frame(0x8, struct.pack("!H", 999)), 1002),                   # invalid close code
])
def test_protocol_violations_close_with_their_code(raw, data, code):
    raw.send(data)
    assert raw.read_close() == code


def test_message_too_big_closes_with_1009(server_factory):
    server = server_factory("--storage", "memory", "--ws-max-message-bytes", "2048")
    client = Raw(server)
    client.send(frame(0x1, b"x" * 3000))
    assert client.read_close() == 1009
    client.close()


def test_fragments_adding_up_past_the_limit_close_with_1009(server_factory):
    server = server_factory("--storage", "memory", "--ws-max-message-bytes", "2048")
    client = Raw(server)
    client.send(frame(0x1, b"[" + b"1," * 600, fin=False))
    client.send(frame(0x0, b"1," * 600 + b"1]"))
    assert client.read_close() == 1009
    client.close()


def test_bad_envelopes_get_error_replies_not_closes(raw):
    for payload in [b"", b"not json", b"[]", b'"text"', b'{"action": 1}', b'{"action":"x"}',
                    json.dumps({"action": "queue_get", "headers": {}, "body": {}}).encode()]:
        raw.send(frame(0x1, payload))
        reply = raw.read_message()
        assert reply["headers"]["status"] == 400, payload
        assert "error" in reply["body"]
    raw.send(frame(0x2, b"\x93\x01"))  # truncated MessagePack
    assert raw.read_message()["headers"]["status"] == 400
    raw.send(frame(0x1, envelope("queue_list")))
    assert raw.read_message()["headers"]["status"] == 200


def test_handshake_errors(server):
    for headers in (["Sec-WebSocket-Version: 8"], []):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        lines = ["GET / HTTP/1.1", "Host: x", "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="] + headers
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 4"), answer  # 426 (version) or 400 (missing)
        sock.close()
    # Not an upgrade: plain HTTP goes on.
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
    assert sock.recv(4096).startswith(b"HTTP/1.1 300")
    sock.close()


def test_deflate_is_negotiated_only_when_enabled(server_factory):
    plain = server_factory("--storage", "memory")
    offer = ["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"]
    client = Raw(plain, headers=offer)
    assert "permessage-deflate" not in client.response
    client.close()
    deflating = server_factory("--storage", "memory", "--ws-deflate")
    client = Raw(deflating, headers=offer)
    assert "permessage-deflate" in client.response
    client.close()
    import websocket
    ws = websocket.create_connection(f"ws://127.0.0.1:{deflating.port}/", timeout=5)
    ws.send(envelope("queue_list").decode())
    assert json.loads(ws.recv())["headers"]["status"] == 200
    ws.close()


def test_pipelined_requests_in_one_write(raw):
    raw.send(b"".join(frame(0x1, envelope("queue_create", {"queue_name": f"q{i}"}))
                      for i in range(50)))
    statuses = [raw.read_message()["headers"]["status"] for _ in range(50)]
    assert statuses == [201] * 50
