"""E-mail notifications (mailto: subscribers, docs/mail.md) against a real SMTP server on
loopback (smtp_sink.py: Debian's aiosmtpd, started as a process by each test): one mail per
posted message as Zaqar formats it (recipient, sender, subject, the notification as the body),
for subscriptions made over HTTP and WebSocket, on every engine whose service is at hand;
retries while the relay is down until it comes up; a 5xx answer is not retried; STARTTLS with
AUTH; the 400 when no relay is configured; and no CR/LF into a mail header."""
import email
import email.policy
import glob
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest

from conftest import CLIENT_ID
from http_client import call
from test_auth_tokens import ENGINES, engine_args
from test_tls import Pki

HERE = os.path.dirname(os.path.abspath(__file__))
# Retry every second 40 times, then after 1 and 6 s (a subscription's _retry_policy, which
# Zaqar's validation bounds: maximum_delay - minimum_delay >= 10).
FAST_RETRIES = {"retries_with_no_delay": 0, "minimum_delay_retries": 40, "minimum_delay": 1,
                "maximum_delay": 11, "maximum_delay_retries": 0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """smtp_sink.py on a loopback port; its mails as parsed records."""

    def __init__(self, folder, port=None, tls=None, user=None, password=None):
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)
        self.port = port or free_port()
        args = [sys.executable or "/usr/bin/python3",
                os.path.join(HERE, "smtp_sink.py"), "--listen", f"127.0.0.1:{self.port}",
                "--dir", self.folder]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        if user:
            args += ["--user", user, "--password", password]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            raise RuntimeError("smtp_sink did not start: " + line + self.proc.stdout.read())

    @property
    def relay(self):
        return f"127.0.0.1:{self.port}"

    def mails(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.folder, "*.json"))):
            with open(path) as f:
                record = json.load(f)
            record["message"] = email.message_from_string(record["content"],
                                                          policy=email.policy.default)
            out.append(record)
        return out

    def wait_for(self, count, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            mails = self.mails()
            if len(mails) >= count:
                return mails
            time.sleep(0.05)
        return self.mails()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def sinks(tmp_path):
    started = []

    def start(name="mail", **kwargs):
        sink = Sink(tmp_path / name, **kwargs)
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.stop()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


def zaqar_headers():
    return {"Client-ID": CLIENT_ID, "X-Project-ID": "mail-" + uuid.uuid4().hex[:8],
            "Content-Type": "application/json"}


def subscribe(server, headers, queue, subscriber, options=None, ttl=3600):
    body = {"subscriber": subscriber, "ttl": ttl}
    if options is not None:
        body["options"] = options
    return call(server, "POST", f"/v2/queues/{queue}/subscriptions", headers, body)


def post(server, headers, queue, *bodies):
    r = call(server, "POST", f"/v2/queues/{queue}/messages", headers,
             {"messages": [{"body": b, "ttl": 300} for b in bodies]})
    assert r.status == 201, r
    return r


def notification(mail):
    return json.loads(mail["message"].get_content())


@pytest.mark.parametrize("engine", ENGINES)
def test_each_posted_message_is_mailed_as_zaqar_formats_it(server_factory, sinks, tmp_path,
                                                           engine):
    sink = sinks()
    server = server_factory(*engine_args(engine, tmp_path), "--smtp-relay", sink.relay)
    h = zaqar_headers()
    r = subscribe(server, h, "jobs", "mailto:ops@example.com?subject=Queue%20jobs",
                  {"from": "Jobs Service <jobs@example.org>"})
    assert r.status == 201, r
    post(server, h, "jobs", {"task": "build", "n": 1}, "caf\u00e9")
    mails = sink.wait_for(2)
    assert len(mails) == 2
    for mail in mails:
        assert mail["rcpt_tos"] == ["ops@example.com"]
        assert mail["mail_from"] == "jobs@example.org"
        assert mail["message"]["To"] == "ops@example.com"
        assert mail["message"]["From"] == "Jobs Service <jobs@example.org>"
        assert mail["message"]["Subject"] == "Queue jobs"
        assert mail["message"]["Date"]
    bodies = sorted((notification(m) for m in mails), key=lambda n: str(n["body"]))
    assert bodies[0] == {"ttl": 300, "body": "caf\u00e9", "Message_Type": "Notification",
                         "queue_name": "jobs"}
    assert bodies[1]["body"] == {"task": "build", "n": 1}
    assert bodies[1]["queue_name"] == "jobs"


def test_websocket_subscriptions_are_mailed_with_the_default_sender(server_factory, sinks,
                                                                    connect):
    sink = sinks()
    server = server_factory("--storage", "memory", "--smtp-relay", sink.relay,
                            "--smtp-from", "Warren <warren@example.net>")
    ws = connect(server, "mail-" + uuid.uuid4().hex[:8])
    reply = ws.request("subscription_create",
                       {"queue_name": "w", "subscriber": "mailto:dev@example.com",
                        "ttl": 3600, "options": {"subject": "From options"}})
    assert reply["headers"]["status"] == 201, reply
    reply = ws.request("message_post", {"queue_name": "w", "messages": [{"body": 5}]})
    assert reply["headers"]["status"] == 201, reply
    mail, = sink.wait_for(1)
    assert mail["rcpt_tos"] == ["dev@example.com"]
    assert mail["mail_from"] == "warren@example.net"
    assert mail["message"]["From"] == "Warren <warren@example.net>"
    assert mail["message"]["Subject"] == "From options"
    assert notification(mail)["body"] == 5


def test_without_a_relay_mailto_is_refused(server_factory, connect):
    server = server_factory("--storage", "memory")
    h = zaqar_headers()
    r = subscribe(server, h, "q", "mailto:ops@example.com")
    assert r.status == 400, r
    assert r.json() == {
        "title": "Invalid API request",
        "description": "This server sends no e-mail: mailto subscribers are not accepted."}
    ws = connect(server, "mail-" + uuid.uuid4().hex[:8])
    reply = ws.request("subscription_create",
                       {"queue_name": "q", "subscriber": "mailto:ops@example.com"})
    assert reply["headers"]["status"] == 400
    # Nothing was stored.
    listed = call(server, "GET", "/v2/queues/q/subscriptions", h)
    assert listed.json()["subscriptions"] == []


def test_no_line_break_reaches_a_mail_header(server_factory, sinks, connect):
    sink = sinks()
    server = server_factory("--storage", "memory", "--smtp-relay", sink.relay)
    h = zaqar_headers()
    for subscriber, options in [
            ("mailto:ops@example.com%0D%0ABcc:eve@example.com", None),
            ("mailto:ops@example.com\r\nBcc: eve@example.com", None),
            ("mailto:ops@example.com?subject=hi%0D%0ABcc:%20eve@example.com", None),
            ("mailto:ops@example.com", {"subject": "hi\r\nBcc: eve@example.com"}),
            ("mailto:ops@example.com", {"from": "a@example.com\nBcc: eve@example.com"}),
            ("mailto:ops@example.com", {"from": "not an address"}),
            ("mailto:a@example.com,eve@example.com", None)]:
        r = subscribe(server, h, "q", subscriber, options)
        assert r.status == 400, (subscriber, options, r)
        assert "\r" not in r.json()["description"] and "\n" not in r.json()["description"]
    ws = connect(server, "mail-" + uuid.uuid4().hex[:8])
    reply = ws.request("subscription_create", {
        "queue_name": "q", "subscriber": "mailto:ops@example.com",
        "options": {"subject": "x\nBcc: eve@example.com"}})
    assert reply["headers"]["status"] == 400
    # A valid subscription cannot be changed into an injection either.
    r = subscribe(server, h, "q", "mailto:ops@example.com")
    assert r.status == 201
    sid = r.json()["subscription_id"]
    patched = call(server, "PATCH", f"/v2/queues/q/subscriptions/{sid}", h,
                   {"options": {"subject": "x\r\nBcc: eve@example.com"}})
    assert patched.status == 400, patched
    post(server, h, "q", 1)
    mail, = sink.wait_for(1)
    assert mail["rcpt_tos"] == ["ops@example.com"]
    assert "eve@" not in mail["content"]


def test_retries_until_the_relay_comes_up(server_factory, sinks):
    port = free_port()
    server = server_factory("--storage", "memory", "--smtp-relay", f"127.0.0.1:{port}",
                            "--smtp-breaker-backoff", "0.2", "--smtp-breaker-max-backoff", "0.5")
    h = zaqar_headers()
    r = subscribe(server, h, "q", "mailto:ops@example.com", {"_retry_policy": FAST_RETRIES})
    assert r.status == 201
    post(server, h, "q", "while down")
    time.sleep(2.5)  # several attempts fail: nothing listens
    sink = sinks(port=port)
    mail, = sink.wait_for(1, timeout=20)
    assert notification(mail)["body"] == "while down"
    assert server.stop() == 0
    log = "".join(server.log)
    assert "mail: 1 delivered in" in log
    attempts = int(log.split("mail: 1 delivered in ")[1].split(" ")[0])
    assert attempts >= 2, log


def test_a_refused_recipient_is_dropped_not_retried(server_factory, sinks):
    sink = sinks()
    server = server_factory("--storage", "memory", "--smtp-relay", sink.relay)
    h = zaqar_headers()
    assert subscribe(server, h, "q", "mailto:nobody@refused.example",
                     {"_retry_policy": FAST_RETRIES}).status == 201
    assert subscribe(server, h, "q", "mailto:ops@example.com").status == 201
    post(server, h, "q", "x")
    mail, = sink.wait_for(1)
    assert mail["rcpt_tos"] == ["ops@example.com"]
    time.sleep(1.5)
    assert len(sink.mails()) == 1
    assert server.stop() == 0
    log = "".join(server.log)
    assert "mail: 1 delivered in 2 attempts" in log, log
    assert "1 rejected" in log, log


def test_starttls_and_auth(server_factory, sinks, tmp_path, pki):
    sink = sinks(tls=pki.server, user="warren", password="s3cret:with colon")
    credentials = tmp_path / "smtp-credentials"
    credentials.write_text("warren\ns3cret:with colon\n")
    credentials.chmod(0o600)
    server = server_factory("--storage", "memory", "--smtp-relay", sink.relay,
                            "--smtp-starttls", "--smtp-ca-file", pki.ca,
                            "--smtp-credentials-file", str(credentials))
    h = zaqar_headers()
    assert subscribe(server, h, "q", "mailto:ops@example.com").status == 201
    post(server, h, "q", {"secure": True})
    mail, = sink.wait_for(1)
    assert mail["tls"] is True
    assert mail["login"] == "warren"
    assert notification(mail)["body"] == {"secure": True}


def test_starttls_refuses_an_untrusted_relay(server_factory, sinks, pki):
    sink = sinks(tls=pki.server)
    server = server_factory("--storage", "memory", "--smtp-relay", sink.relay,
                            "--smtp-starttls", "--smtp-ca-file", pki.other_ca)
    h = zaqar_headers()
    assert subscribe(server, h, "q", "mailto:ops@example.com").status == 201
    post(server, h, "q", 1)
    time.sleep(2)
    assert sink.mails() == []
    assert server.stop() == 0
    log = "".join(server.log)
    assert "mail: 0 delivered in" in log and "1 left undelivered" in log, log


def test_mail_options_are_checked_at_start(tmp_path):
    from conftest import WARREN_BIN
    for args, words in [(["--smtp-relay", "nohost"], "--smtp-relay must be HOST:PORT"),
                        (["--smtp-starttls"], "need --smtp-relay"),
                        (["--smtp-relay", "127.0.0.1:25", "--smtp-from", "x"], "--smtp-from"),
                        (["--smtp-relay", "127.0.0.1:25", "--smtp-credentials-file",
                          str(tmp_path / "missing")], "--smtp-credentials-file")]:
        p = subprocess.run([WARREN_BIN, "serve", "--storage", "memory", *args],
                           capture_output=True, text=True, timeout=10)
        assert p.returncode == 2, (args, p.stderr)
        assert words in p.stderr, (args, p.stderr)
