"""systemd: sd_notify's READY=1 once the port answers, WATCHDOG=1 every half WATCHDOG_USEC,
RELOADING=1 and READY=1 around SIGHUP, STOPPING=1 on SIGTERM, over a unix datagram socket
standing in for systemd's NOTIFY_SOCKET; and packaging/warren.service passes
`systemd-analyze verify`."""
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import ROOT, WARREN_BIN
from http_client import call

H = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "systemd"}


@pytest.fixture
def notify_socket(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify.sock")
    sock.bind(path)
    sock.settimeout(10)
    yield sock, path
    sock.close()


def messages(sock, until, timeout=10):
    """Datagrams received until one contains `until`; each as a set of its lines."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            break
        got.append(set(data.split("\n")))
        if until in got[-1]:
            return got
    raise AssertionError(f"no {until} in {got}")


def test_ready_watchdog_reload_and_stopping(server_factory, notify_socket):
    sock, path = notify_socket
    s = server_factory("--storage", "memory",
                       env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
    got = messages(sock, "READY=1")
    # READY=1 came after the port was bound: it answers now without a retry.
    assert call(s, "GET", "/v2/ping", H).status == 204
    ready = got[-1]
    assert any(line.startswith("STATUS=serving on port %d" % s.port) for line in ready), ready
    # WATCHDOG=1 every 100 ms (half of 200 ms): at least 5 in a second.
    pings = 0
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            pings += "WATCHDOG=1" in sock.recv(4096).decode().split("\n")
        except socket.timeout:
            break
    assert 6 <= pings <= 14, pings
    s.proc.send_signal(signal.SIGHUP)
    messages(sock, "RELOADING=1")
    messages(sock, "READY=1")
    s.proc.send_signal(signal.SIGTERM)
    messages(sock, "STOPPING=1")
    assert s.proc.wait(20) == 0


def test_without_notify_socket_nothing_is_sent(server_factory, notify_socket):
    sock, _ = notify_socket
    s = server_factory("--storage", "memory", env={"WATCHDOG_USEC": "200000"})
    assert call(s, "GET", "/v2/ping", H).status == 204
    sock.settimeout(0.5)
    with pytest.raises(socket.timeout):
        sock.recv(4096)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_unit_file_verifies(tmp_path):
    # The unit as installed, with ExecStart pointing at this build's binary.
    unit = open(os.path.join(ROOT, "packaging", "warren.service")).read()
    unit = unit.replace("/usr/bin/warren", os.path.abspath(WARREN_BIN))  # systemd wants it absolute
    unit = "\n".join(l for l in unit.splitlines() if not l.startswith("Documentation="))
    path = tmp_path / "warren.service"
    path.write_text(unit + "\n")
    done = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "warren.service" not in done.stderr, done.stderr
    for needed in ("Type=notify", "WatchdogSec=", "DynamicUser=yes", "ProtectSystem=strict",
                   "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
                   "StateDirectory=warren"):
        assert needed in unit, needed


def test_abstract_socket_and_a_watchdog_meant_for_another_process(server_factory):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = "warren-notify-%d" % os.getpid()
    sock.bind("\0" + name)  # NOTIFY_SOCKET=@name: the abstract namespace
    try:
        s = server_factory("--storage", "memory",
                           env={"NOTIFY_SOCKET": "@" + name, "WATCHDOG_USEC": "100000",
                                "WATCHDOG_PID": "1"})
        messages(sock, "READY=1")
        sock.settimeout(0.5)  # WATCHDOG_PID names another process: no pings
        with pytest.raises(socket.timeout):
            sock.recv(4096)
        s.proc.send_signal(signal.SIGTERM)
        messages(sock, "STOPPING=1")
    finally:
        sock.close()
