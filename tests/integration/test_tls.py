"""TLS listeners (--tls-listen, --ws-tls-listen): real clients (curl, Python's ssl, the websocket
module) against the real binary, with a test CA and certificates made by the openssl CLI."""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid

import pytest
import websocket

from conftest import CLIENT_ID
from http_client import Reader, request_bytes
from pki import Pki

HOST = "localhost"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


def tls_ports(server):
    """The TLS ports from the server's log: {"https": port, "wss": port}."""
    ports = {}
    for line in server.log:
        m = re.search(r"TLS \(https\) listener on 127\.0\.0\.1:(\d+)", line)
        if m:
            ports["https"] = int(m.group(1))
        m = re.search(r"TLS websocket-only \(wss\) listener on 127\.0\.0\.1:(\d+)", line)
        if m:
            ports["wss"] = int(m.group(1))
    return ports


def start_tls(server_factory, pki, *extra, cert=None):
    cert, key = cert or pki.server
    server = server_factory("--storage", "memory", "--tls-listen", "127.0.0.1:0",
                            "--tls-cert", cert, "--tls-key", key, *extra)
    server.tls_port = tls_ports(server)["https"]
    return server


def client_context(pki, ca=None, cert=None, minimum=ssl.TLSVersion.TLSv1_2,
                   maximum=ssl.TLSVersion.MAXIMUM_SUPPORTED):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca or pki.ca)
    ctx.minimum_version = minimum
    ctx.maximum_version = maximum
    if cert:
        ctx.load_cert_chain(*cert)
    return ctx


def tls_connect(server, ctx, host=HOST, session=None, timeout=10):
    raw = socket.create_connection(("127.0.0.1", server.tls_port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname=host, session=session)
    except Exception:
        raw.close()
        raise


@pytest.fixture
def zaqar_headers():
    return {"Client-ID": CLIENT_ID, "X-Project-ID": "tls-" + uuid.uuid4().hex[:10],
            "Content-Type": "application/json"}


def exchange(sock, method, path, headers, body=b""):
    sock.sendall(request_bytes(method, path, headers, body))
    return Reader(sock).read()


def ping(sock):
    """True if a ping on `sock` is answered 204."""
    headers = {"Client-ID": CLIENT_ID, "X-Project-ID": "tls-ping"}
    return exchange(sock, "GET", "/v2/ping", headers).status == 204


# ---- HTTPS with real clients ----

def test_python_ssl_does_zaqar_requests_with_keep_alive(server_factory, pki, zaqar_headers):
    server = start_tls(server_factory, pki)
    with tls_connect(server, client_context(pki)) as sock:
        reader = Reader(sock)
        for method, path, body, status in [
                ("PUT", "/v2/queues/tlsq", b"", 201),
                ("POST", "/v2/queues/tlsq/messages",
                 {"messages": [{"ttl": 300, "body": {"n": 1}}]}, 201),
                ("GET", "/v2/queues/tlsq/messages?echo=true", b"", 200)]:
            sock.sendall(request_bytes(method, path, zaqar_headers, body))
            response = reader.read()
            assert response.status == status, response
        assert response.json()["messages"][0]["body"] == {"n": 1}
        assert sock.selected_alpn_protocol() is None  # none offered, none chosen


def test_curl_over_https(server_factory, pki, zaqar_headers):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    server = start_tls(server_factory, pki)
    base = f"https://localhost:{server.tls_port}/v2/queues/curlq"
    hdrs = [arg for k, v in zaqar_headers.items() for arg in ("-H", f"{k}: {v}")]

    def curl(*args):
        out = subprocess.run(["curl", "-sS", "--cacert", pki.ca, "-w", "\n%{http_code}", *hdrs,
                              *args], capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, out.stderr
        body, _, code = out.stdout.rpartition("\n")
        return int(code), body

    assert curl("-X", "PUT", base)[0] == 201
    assert curl("-X", "POST", base + "/messages",
                "-d", json.dumps({"messages": [{"body": "hello"}]}))[0] == 201
    code, body = curl(base + "/messages?echo=true")
    assert code == 200 and json.loads(body)["messages"][0]["body"] == "hello"


def test_pipelined_requests_are_answered_in_order(server_factory, pki, zaqar_headers):
    server = start_tls(server_factory, pki)
    with tls_connect(server, client_context(pki)) as sock:
        batch = b"".join(request_bytes("GET", "/v2/ping", zaqar_headers) for _ in range(50))
        batch += request_bytes("GET", "/v2/queues/nothere/stats", zaqar_headers)
        sock.sendall(batch)
        reader = Reader(sock)
        statuses = [reader.read().status for _ in range(51)]
    assert statuses[:50] == [204] * 50
    assert statuses[50] in (200, 404)


def test_large_body_and_chunked_body(server_factory, pki, zaqar_headers):
    server = start_tls(server_factory, pki, "--max-messages-post-size", "1048576")
    text = "x" * 200_000
    body = json.dumps({"messages": [{"body": text}]}).encode()
    with tls_connect(server, client_context(pki)) as sock:
        assert exchange(sock, "PUT", "/v2/queues/big", zaqar_headers).status == 201
        assert exchange(sock, "POST", "/v2/queues/big/messages", zaqar_headers,
                        body).status == 201
        # The same, chunked, in pieces of odd sizes.
        head = request_bytes("POST", "/v2/queues/big/messages",
                             {**zaqar_headers, "Transfer-Encoding": "chunked"})
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7777]), body[i:i + 7777])
                          for i in range(0, len(body), 7777))
        sock.sendall(head + chunks + b"0\r\n\r\n")
        assert Reader(sock).read().status == 201
        listed = exchange(sock, "GET", "/v2/queues/big/messages?echo=true&limit=10",
                          zaqar_headers)
        assert listed.status == 200
        assert [m["body"] for m in listed.json()["messages"]] == [text, text]


def test_alpn_http11_is_negotiated(server_factory, pki):
    server = start_tls(server_factory, pki)
    ctx = client_context(pki)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with tls_connect(server, ctx) as sock:
        assert sock.selected_alpn_protocol() == "http/1.1"


# ---- what the client must refuse ----

@pytest.mark.parametrize("which", ["wrong_name", "expired", "untrusted"])
def test_client_refuses_a_bad_server_certificate(server_factory, pki, which):
    server = start_tls(server_factory, pki, cert=getattr(pki, which))
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_connect(server, client_context(pki))
    # The server is unharmed.
    ctx = client_context(pki)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with tls_connect(server, ctx) as sock:
        assert ping(sock)


# ---- protocol versions ----

def test_tls12_and_tls13_are_accepted(server_factory, pki):
    server = start_tls(server_factory, pki)
    for version, name in [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")]:
        with tls_connect(server, client_context(pki, minimum=version, maximum=version)) as sock:
            assert sock.version() == name
            assert ping(sock)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (naming TLS 1.0 and 1.1 at all)
def test_tls11_and_lower_are_refused(server_factory, pki):
    server = start_tls(server_factory, pki)
    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        ctx = client_context(pki, minimum=ssl.TLSVersion.MINIMUM_SUPPORTED, maximum=version)
        try:
            ctx.set_ciphers("ALL:@SECLEVEL=0")  # let the client offer old versions at all
        except ssl.SSLError:
            pass
        # The server's alert, not the client's own refusal to offer an old version.
        with pytest.raises(ssl.SSLError, match="ALERT_PROTOCOL_VERSION"):
            tls_connect(server, ctx)


def test_tls12_offers_only_ecdhe_aead_suites(server_factory, pki):
    server = start_tls(server_factory, pki)
    for weak in ("AES128-SHA", "AES256-GCM-SHA384", "DHE-RSA-AES128-GCM-SHA256",
                 "ECDHE-ECDSA-AES128-SHA"):
        ctx = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
        ctx.set_ciphers(weak)
        with pytest.raises(ssl.SSLError, match="ALERT_HANDSHAKE_FAILURE"):  # the server's alert
            tls_connect(server, ctx)
    ctx = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
    with tls_connect(server, ctx) as sock:
        name, _, _ = sock.cipher()
        assert name.startswith("ECDHE-") and ("GCM" in name or "CHACHA20" in name)


# ---- resumption ----

@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_session_resumption(server_factory, pki, version):
    server = start_tls(server_factory, pki)
    ctx = client_context(pki, minimum=version, maximum=version)
    with tls_connect(server, ctx) as sock:
        # (TLS 1.3 tickets arrive after the handshake: read a response first.)
        assert ping(sock)
        session = sock.session
        assert not sock.session_reused
    with tls_connect(server, ctx, session=session) as again:
        assert again.session_reused
        assert ping(again)


# ---- mutual TLS ----

def test_client_certificates_with_client_ca(server_factory, pki):
    server = start_tls(server_factory, pki, "--tls-client-ca", pki.ca)

    def refused(ctx):
        try:
            with tls_connect(server, ctx) as sock:
                # TLS 1.3: the client learns of the refusal on its first read.
                sock.sendall(request_bytes("GET", "/v2/ping"))
                return sock.recv(1024) == b""
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            return True

    assert refused(client_context(pki))
    assert refused(client_context(pki, cert=pki.stranger))
    with tls_connect(server, client_context(pki, cert=pki.client)) as sock:
        assert ping(sock)


# ---- bounds and robustness ----

def test_stalled_handshake_is_closed_after_the_timeout(server_factory, pki):
    server = start_tls(server_factory, pki, "--tls-handshake-timeout", "1")
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.tls_port), timeout=10) as raw:
        assert raw.recv(1) == b""  # closed, not answered
    assert 0.5 < time.monotonic() - started < 5
    # The slot is free again: a server allowing one connection serves the next.


def test_handshake_holds_a_connection_slot_while_it_lasts(server_factory, pki):
    server = start_tls(server_factory, pki, "--tls-handshake-timeout", "1",
                       "--max-connections", "1")
    with socket.create_connection(("127.0.0.1", server.tls_port), timeout=10) as stalled:
        time.sleep(0.2)
        # Over the limit while the stalled handshake holds the one slot: closed unanswered.
        with pytest.raises((ssl.SSLError, ConnectionResetError, OSError)):
            tls_connect(server, client_context(pki)).close()
        assert stalled.recv(1) == b""
    time.sleep(0.3)
    with tls_connect(server, client_context(pki)) as sock:
        assert ping(sock)


def test_garbage_handshakes_do_not_hurt_the_server(server_factory, pki):
    server = start_tls(server_factory, pki)
    junk = [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", os.urandom(4096),
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc" + os.urandom(300), b"\x16\x03\x03\xff\xff"]
    for payload in junk:
        with socket.create_connection(("127.0.0.1", server.tls_port), timeout=10) as raw:
            raw.sendall(payload)
            raw.shutdown(socket.SHUT_WR)
            try:
                while raw.recv(4096):
                    pass
            except ConnectionResetError:
                pass
    with tls_connect(server, client_context(pki)) as sock:
        assert ping(sock)
    assert server.proc.poll() is None


def test_sighup_reloads_the_certificate_for_new_connections(server_factory, pki, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    shutil.copy(pki.server[0], cert)
    shutil.copy(pki.server[1], key)
    server = start_tls(server_factory, pki, cert=(str(cert), str(key)))
    ctx = client_context(pki)

    def serial(sock):
        return sock.getpeercert()["serialNumber"]

    old = tls_connect(server, ctx)
    first = serial(old)
    shutil.copy(pki.server2[0], cert)
    shutil.copy(pki.server2[1], key)
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while True:
        with tls_connect(server, ctx) as fresh:
            if serial(fresh) != first:
                break
        assert time.monotonic() < deadline, "the new certificate was not served"
        time.sleep(0.1)
    # The connection opened before goes on.
    assert ping(old)
    # A bad file logs an error and keeps the certificate in use.
    with open(key, "w") as broken:
        broken.write("not a key\n")
    server.proc.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    with tls_connect(server, ctx) as fresh:
        assert serial(fresh) != first
        assert ping(fresh)
    old.close()
    server.stop()
    assert "TLS reload failed" in "".join(server.log)


# ---- start-up errors ----

def run_serve(*args):
    from conftest import WARREN_BIN
    return subprocess.run([WARREN_BIN, "serve", "--storage", "memory", "--listen", "127.0.0.1:0",
                           "--tls-listen", "127.0.0.1:0", *args],
                          capture_output=True, text=True, timeout=20)


def test_misconfiguration_is_a_clear_startup_error(pki, tmp_path):
    cert, key = pki.server
    other_cert, other_key = pki.server2
    missing = str(tmp_path / "missing.pem")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    for args, words in [
            (("--tls-cert", missing, "--tls-key", key), "certificate"),
            (("--tls-cert", str(garbage), "--tls-key", key), "certificate"),
            (("--tls-cert", cert, "--tls-key", missing), "private key"),
            (("--tls-cert", cert, "--tls-key", other_key), "mismatch"),
            (("--tls-cert", cert, "--tls-key", key, "--tls-client-ca", missing), "client CA")]:
        out = run_serve(*args)
        assert out.returncode == 1, (args, out.stdout, out.stderr)
        assert words in out.stdout + out.stderr, (args, out.stdout + out.stderr)
    out = run_serve("--tls-cert", cert)
    assert out.returncode != 0 and "--tls-key" in out.stderr


# ---- WebSocket over TLS ----

@pytest.mark.parametrize("port_kind", ["https", "wss"])
def test_websocket_over_tls(server_factory, pki, port_kind):
    server = server_factory("--storage", "memory", "--tls-listen", "127.0.0.1:0",
                            "--ws-tls-listen", "127.0.0.1:0", "--tls-cert", pki.server[0],
                            "--tls-key", pki.server[1])
    port = tls_ports(server)[port_kind]
    if port_kind == "wss":  # the WebSocket-only port answers plain HTTPS requests 426
        server.tls_port = port
        with tls_connect(server, client_context(pki)) as sock:
            assert exchange(sock, "GET", "/v2/ping", {}).status == 426
    ws = websocket.create_connection(f"wss://localhost:{port}/", timeout=10,
                                     sslopt={"ca_certs": pki.ca})
    try:
        headers = {"Client-ID": CLIENT_ID, "X-Project-ID": "wss-" + uuid.uuid4().hex[:8]}

        def request(action, body=None):
            ws.send(json.dumps({"action": action, "headers": headers, "body": body or {}}))
            return json.loads(ws.recv())

        assert request("queue_create", {"queue_name": "wq"})["headers"]["status"] == 201
        big = "y" * 100_000  # larger than one TLS record and one batch of the stream
        posted = request("message_post", {"queue_name": "wq",
                                          "messages": [{"body": big}, {"body": 2}]})
        assert posted["headers"]["status"] == 201
        listed = request("message_list", {"queue_name": "wq", "echo": True})
        assert listed["headers"]["status"] == 200
        assert [m["body"] for m in listed["body"]["messages"]] == [big, 2]
    finally:
        ws.close()


# ---- a scanner's view ----

@pytest.mark.skipif(shutil.which("sslscan") is None, reason="sslscan is not installed")
def test_sslscan_finds_nothing_below_policy(server_factory, pki, tmp_path):
    server = start_tls(server_factory, pki)
    report = tmp_path / "scan.xml"
    subprocess.run(["sslscan", "--no-colour", f"--xml={report}", f"127.0.0.1:{server.tls_port}"],
                   check=True, capture_output=True, timeout=60)
    xml = report.read_text()
    enabled = set(re.findall(r'<protocol type="\w+" version="([\d.]+)" enabled="1"', xml))
    assert enabled == {"1.2", "1.3"}, xml
    ciphers = re.findall(r'<cipher status="\w+" sslversion="(\w+v[\d.]+)"[^>]* cipher="([\w-]+)"',
                         xml)
    assert ciphers, xml
    for version, cipher in ciphers:
        assert version in ("TLSv1.2", "TLSv1.3"), (version, cipher)
        if version == "TLSv1.2":
            assert cipher.startswith("ECDHE-"), cipher
        assert "GCM" in cipher or "CHACHA20" in cipher, cipher  # AEAD only
    assert '<renegotiation supported="1"' not in xml


def test_tls_only_serves_https_instead_of_plain_http(server_factory, pki):
    server = start_tls(server_factory, pki, "--tls-only")
    assert server.port == server.tls_port  # the "listening on" line names the https port
    with tls_connect(server, client_context(pki)) as sock:
        assert ping(sock)
    out = run_serve("--tls-only", "--ws-listen", "127.0.0.1:0", "--tls-cert", pki.server[0],
                    "--tls-key", pki.server[1])
    assert out.returncode == 2 and "--tls-only" in out.stderr


def test_pushes_reach_a_wss_subscriber_whole_and_in_order(server_factory, pki, zaqar_headers):
    server = start_tls(server_factory, pki)
    ws = websocket.create_connection(f"wss://localhost:{server.tls_port}/", timeout=10,
                                     sslopt={"ca_certs": pki.ca})
    try:
        headers = {"Client-ID": CLIENT_ID, "X-Project-ID": zaqar_headers["X-Project-ID"]}
        ws.send(json.dumps({"action": "subscription_create", "headers": headers,
                            "body": {"queue_name": "pushq", "ttl": 3600}}))
        assert json.loads(ws.recv())["headers"]["status"] == 201
        # 10 posts of 20 messages of ~2 KB: pushes span many TLS records and write batches.
        with tls_connect(server, client_context(pki)) as sock:
            for post in range(10):
                batch = {"messages": [{"body": {"n": post * 20 + i, "pad": "p" * 2000}}
                                      for i in range(20)]}
                assert exchange(sock, "POST", "/v2/queues/pushq/messages", zaqar_headers,
                                batch).status == 201
        seen = [json.loads(ws.recv())["body"]["n"] for _ in range(200)]
        assert seen == list(range(200))
    finally:
        ws.close()


def test_sigterm_with_tls_connections_open_exits_cleanly(server_factory, pki):
    server = server_factory("--storage", "memory", "--tls-listen", "127.0.0.1:0",
                            "--tls-cert", pki.server[0], "--tls-key", pki.server[1],
                            "--shutdown-grace", "2")
    server.tls_port = tls_ports(server)["https"]
    stalled = socket.create_connection(("127.0.0.1", server.tls_port), timeout=10)
    idle = tls_connect(server, client_context(pki))
    assert ping(idle)
    ws = websocket.create_connection(f"wss://localhost:{server.tls_port}/", timeout=10,
                                     sslopt={"ca_certs": pki.ca})
    try:
        started = time.monotonic()
        assert server.stop(timeout=10) == 0, "".join(server.log)
        assert time.monotonic() - started < 8
    finally:
        for s in (stalled, idle):
            s.close()
        ws.shutdown()
