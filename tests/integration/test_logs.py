"""Logs: --log-format text|json (every line stamped, leveled, errors with the error table's
code) and the access log (--access-log FILE or -, sampled by --access-log-sample)."""
import json
import os
import re
import subprocess

from conftest import WARREN_BIN
from http_client import Reader, call, request_bytes
from log_watch import LogWatch

TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info|warn|error) ")
H = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "logs"}


def test_json_lines_parse_and_the_access_log_names_error_codes(server_factory):
    s = server_factory("--storage", "memory", "--log-format", "json", "--access-log", "-")
    watch = LogWatch(s)
    assert call(s, "GET", "/v2/ping", H).status == 204
    assert call(s, "GET", "/v2/nowhere", H).status == 404
    # A target with a quote and a backslash, and a percent-encoded invalid UTF-8 byte.
    assert call(s, "GET", '/v2/queues/a"b\\c/stats?x=%ff', H).status in (400, 404)
    big = {"messages": [{"body": "x" * 100, "ttl": 60}]}
    assert call(s, "POST", "/v2/queues/q/messages", {**H, "Content-Type": "application/json"},
                big).status == 201
    watch.wait_for(r'"target":"/v2/queues/q/messages"')
    lines = [json.loads(l) for l in watch.lines + watch.drain()]  # every line is JSON
    for line in lines:
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line["time"]), line
        assert line["level"] in ("debug", "info", "warn", "error")
    access = [l for l in lines if l.get("msg") == "access"]
    assert len(access) == 4, access
    ping, missing, odd, post = access
    assert (ping["method"], ping["target"], ping["status"]) == ("GET", "/v2/ping", 204)
    assert "code" not in ping and ping["bytes"] > 0 and ping["duration_us"] >= 0
    assert ping["remote"].startswith("127.0.0.1:")
    assert (missing["status"], missing["code"]) == (404, "route_not_found")
    assert odd["target"] == '/v2/queues/a"b\\c/stats?x=%ff' and "code" in odd
    assert (post["method"], post["status"]) == ("POST", 201)
    assert any("listening on 127.0.0.1:" in l.get("msg", "") for l in lines)


def test_text_lines_are_stamped_and_the_access_log_file_is_sampled(server_factory, tmp_path):
    path = tmp_path / "access.log"
    s = server_factory("--storage", "memory", "--access-log", str(path))
    with s.connect() as sock:
        reader = Reader(sock)
        for _ in range(20):
            sock.sendall(request_bytes("GET", "/v2/ping", H))
            assert reader.read().status == 204
    s.stop()
    for line in s.log:
        assert TEXT_LINE.match(line), line
    logged = path.read_text().splitlines()
    assert len(logged) == 20
    assert all(TEXT_LINE.match(l) and " access " in l and "status=204" in l for l in logged)

    off = tmp_path / "sampled-out.log"
    s = server_factory("--storage", "memory", "--access-log", str(off), "--access-log-sample", "0")
    for _ in range(5):
        assert call(s, "GET", "/v2/ping", H).status == 204
    s.stop()
    assert off.read_text() == ""


def test_a_start_up_failure_carries_its_code():
    for fmt, expect in (("text", r" error \[startup_failed\] --access-log /nonexistent/"),
                        ("json", None)):
        done = subprocess.run(
            [WARREN_BIN, "serve", "--storage", "memory", "--listen", "127.0.0.1:0",
             "--log-format", fmt, "--access-log", "/nonexistent/dir/access.log"],
            capture_output=True, text=True, timeout=30)
        assert done.returncode == 1
        last = done.stderr.strip().splitlines()[-1]
        if expect:
            assert re.search(expect, last), last
        else:
            line = json.loads(last)
            assert (line["level"], line["code"]) == ("error", "startup_failed")
            assert "/nonexistent/dir/access.log" in line["msg"]


def test_bad_sample_rates_are_refused():
    done = subprocess.run([WARREN_BIN, "serve", "--access-log-sample", "1.5"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "--access-log-sample" in done.stderr
