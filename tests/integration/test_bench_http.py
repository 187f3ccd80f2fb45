"""`warren bench http` against the ceiling server: counts, errors by kind, count and rate modes,
high concurrency, JSON shape. Each test is bounded to a few seconds."""

import http.server
import subprocess
import threading

import pytest

from bench_helpers import WARREN, bench, ceiling, free_port


@pytest.fixture
def ceil():
    server = ceiling()
    yield server
    server.stop()


def test_keep_alive_run_reports_latency_series_and_cpu(ceil):
    result, stdout = bench("http", "--url", f"{ceil.url}/v2/ping", "-c", 10, "-d", 2)
    level = result["levels"][0]
    assert level["ok"] > 1000
    assert level["error_total"] == 0
    lat = level["latency_us"]
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p999"] <= lat["max"]
    assert len(level["series"]) == 2
    assert level["cpu_us_per_request"] > 0
    assert "req/s" in stdout and "client cpu" in stdout


def test_count_mode_sends_exactly_the_count(ceil):
    result, _ = bench("http", "--url", f"{ceil.url}/", "-c", 7, "--pipeline", 4, "-n", 5000)
    level = result["levels"][0]
    assert level["ok"] == 5000
    assert level["unfinished"] == 0


def test_pipelined_and_high_concurrency_without_errors(ceil):
    result, _ = bench("http", "--url", f"{ceil.url}/v2/ping", "-c", "1000", "--pipeline", 16,
                      "-d", 1)
    level = result["levels"][0]
    assert level["connections"] == 1000
    assert level["error_total"] == 0
    assert level["ok"] > 16000


def test_rate_is_held_and_latency_starts_at_the_intended_time(ceil):
    result, _ = bench("http", "--url", f"{ceil.url}/", "-c", 4, "--rate", 2000, "-d", 2)
    level = result["levels"][0]
    assert 1800 <= level["throughput"] <= 2100
    assert level["rate"] == 2000


def test_busy_poll_keeps_the_load_core_busy_and_counts_the_same(ceil):
    # At 200 req/s the load tool has almost nothing to do: sleeping in epoll it spends well under
    # a millisecond per request; polling, it spends the whole second of the run.
    runs = {}
    for mode in ([], ["--busy-poll"]):
        result, _ = bench("http", "--url", f"{ceil.url}/", "-c", 2, "--rate", 200, "-d", 1, *mode)
        level = result["levels"][0]
        assert level["error_total"] == 0
        assert 180 <= level["ok"] <= 210
        runs[bool(mode)] = level["cpu_us_per_request"]
    assert runs[False] < 1000 < runs[True]


def test_concurrency_list_runs_each_level(ceil):
    result, stdout = bench("http", "--url", f"{ceil.url}/", "-c", "1,5", "-d", 0.5)
    assert [lvl["concurrency"] for lvl in result["levels"]] == [1, 5]
    assert "concurrency" in stdout  # the summary table


def test_connect_errors_are_counted():
    port = free_port()  # nothing listens there
    result, _ = bench("http", "--url", f"http://127.0.0.1:{port}/", "-c", 2, "-d", 0.5)
    level = result["levels"][0]
    assert level["ok"] == 0
    assert level["errors"]["connect"] > 0


def test_status_classes_are_counted():
    class NotFound(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (the handler's name is fixed)
            self.send_response(404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result, _ = bench("http", "--url", f"http://127.0.0.1:{server.server_port}/x", "-c", 1,
                          "-n", 20)
    finally:
        server.shutdown()
    level = result["levels"][0]
    assert level["errors"]["4xx"] == 20
    assert level["ok"] == 0


def test_usage_errors_exit_2():
    for args in (["http"], ["http", "--url", "http://127.0.0.1:1/"], ["nosuch", "--url",
                 "http://127.0.0.1:1/", "-d", "1"], ["http", "--url", "ftp://x/", "-d", "1"]):
        out = subprocess.run([str(WARREN), "bench", *args], capture_output=True, text=True)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
