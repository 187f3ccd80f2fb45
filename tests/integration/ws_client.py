"""WebSocket helpers for integration tests: a Zaqar WS client on websocket-client (Debian's
python3-websocket), and a raw-socket client that writes frames byte by byte, for framing tests."""
import base64
import json
import os
import socket
import struct

import msgpack
import websocket

from conftest import CLIENT_ID


def ws_url(server, path="/", port=None):
    return f"ws://127.0.0.1:{port or server.port}{path}"


class Client:
    """One socket speaking Zaqar's protocol: JSON text frames, or MessagePack binary ones."""

    def __init__(self, server, project="ws-test", path="/", port=None, timeout=10, headers=None):
        self.ws = websocket.create_connection(ws_url(server, path, port), timeout=timeout)
        self.headers = headers or {"Client-ID": CLIENT_ID, "X-Project-ID": project}

    def send(self, message, binary=False):
        if binary:
            self.ws.send_binary(msgpack.packb(message))
        elif isinstance(message, (bytes, str)):
            self.ws.send(message)
        else:
            self.ws.send(json.dumps(message))

    def recv(self):
        """The next frame, decoded (JSON text or MessagePack binary)."""
        opcode, data = self.ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_BINARY:
            return msgpack.unpackb(data)
        return json.loads(data)

    def recv_raw(self):
        return self.ws.recv_data()

    def request(self, action, body=None, headers=None, binary=False):
        message = {"action": action, "headers": self.headers if headers is None else headers}
        if body is not None:
            message["body"] = body
        self.send(message, binary)
        return self.recv()

    def settimeout(self, seconds):
        self.ws.settimeout(seconds)

    def close(self):
        self.ws.close()


def status(reply):
    return reply["headers"]["status"]


# ---- raw frames ----

def frame(opcode, payload=b"", fin=True, mask=True, rsv=0, length=None):
    """One client frame, as bytes. `length` overrides the length field (to lie)."""
    if isinstance(payload, str):
        payload = payload.encode()
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    mask_bit = 0x80 if mask else 0
    if n < 126:
        head = struct.pack("!BB", first, mask_bit | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


class Raw:
    """A WebSocket client on a plain socket: handshake by hand, frames as given."""

    def __init__(self, server, port=None, path="/", extra=b"", timeout=10, headers=None):
        self.sock = socket.create_connection(("127.0.0.1", port or server.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += headers or []
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + extra)
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.response = head.decode("latin-1")
        self.headers = {"Client-ID": CLIENT_ID, "X-Project-ID": "raw-test"}

    @property
    def upgraded(self):
        return self.response.startswith("HTTP/1.1 101")

    def send(self, data):
        self.sock.sendall(data)

    def send_json(self, message):
        self.sock.sendall(frame(0x1, json.dumps(message)))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buf += chunk

    def read_frame(self):
        """(fin, opcode, payload) of the next frame the server sends."""
        while len(self.buf) < 2:
            self._fill()
        b0, b1 = self.buf[0], self.buf[1]
        n, at = b1 & 0x7F, 2
        if n == 126:
            while len(self.buf) < 4:
                self._fill()
            n, at = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            while len(self.buf) < 10:
                self._fill()
            n, at = struct.unpack("!Q", self.buf[2:10])[0], 10
        assert not b1 & 0x80, "servers never mask"
        while len(self.buf) < at + n:
            self._fill()
        payload, self.buf = self.buf[at:at + n], self.buf[at + n:]
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def read_message(self):
        """The next data message as a dict (JSON), skipping control frames."""
        while True:
            fin, opcode, payload = self.read_frame()
            if opcode in (0x1, 0x2):
                return json.loads(payload) if opcode == 0x1 else msgpack.unpackb(payload)
            if opcode == 0x8:
                raise ConnectionError(f"closed: {close_code(payload)}")

    def read_close(self):
        """The close code the server sends next (data frames before it are skipped)."""
        while True:
            fin, opcode, payload = self.read_frame()
            if opcode == 0x8:
                return close_code(payload)

    def close(self):
        self.sock.close()


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
