"""GET /metrics (docs/metrics.md): the Prometheus text exposition of the real binary, checked by
Prometheus's own tools: `promtool check metrics` lints it, and a real Prometheus server scrapes
it (on the API's port and on --metrics-listen) and answers queries over what it scraped. With
authentication on, only the admin role reads it on the API's port (as a Bearer token, which
Prometheus can send); --metrics-listen serves it alone, unauthenticated."""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from http_client import call
from zaqar import Api

needs_prometheus = pytest.mark.skipif(shutil.which("prometheus") is None,
                                      reason="needs Debian's prometheus package")


def scrape(server, headers=None):
    r = call(server, "GET", "/metrics", headers or {})
    return r


def samples(text):
    """{(name, labels): value} of an exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$", line)
        assert m, line
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_exposition_counts_routes_and_passes_promtool(server_factory):
    s = server_factory("--storage", "memory")
    api = Api(s)
    for i in range(3):
        assert api.post("/v2/queues/q/messages", {"messages": [{"body": i}]}).status == 201
    assert api.get("/v2/queues/q/messages/ffffffffffffffffffffffff").status == 404
    assert api.get("/nowhere").status == 404
    r = scrape(s)
    assert r.status == 200
    assert r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    text = r.body.decode()
    m = samples(text)
    route = 'method="POST",route="/v2/queues/{queue_name}/messages"'
    assert m[("warren_http_requests_total", "{" + route + ',code="2xx"}')] == 3
    assert m[("warren_http_request_duration_seconds_count", "{" + route + "}")] == 3
    assert m[("warren_http_request_duration_seconds_bucket", "{" + route + ',le="+Inf"}')] == 3
    get_one = 'method="GET",route="/v2/queues/{queue_name}/messages/{message_id}"'
    assert m[("warren_http_requests_total", "{" + get_one + ',code="4xx"}')] == 1
    assert m[("warren_http_requests_total", '{method="any",route="unmatched",code="4xx"}')] == 1
    # A route label is the pattern, never a concrete path: label sets stay few whatever callers
    # send (queue names appear only in the capped per-queue gauges).
    assert "/v2/queues/q/" not in text
    assert all("route=" not in k[1] or "{queue_name}" in k[1] or "queue" not in k[1]
               for k in m)
    assert m[("process_resident_memory_bytes", "")] > 1e6
    assert m[("process_open_fds", "")] > 3
    assert m[("warren_connections_open", "")] >= 1
    assert ("warren_build_info", "") not in m and any(k[0] == "warren_build_info" for k in m)
    lint = subprocess.run(["promtool", "check", "metrics"], input=r.body, capture_output=True,
                          timeout=30)
    assert lint.returncode == 0, lint.stdout + lint.stderr


REDIS = os.environ.get("WARREN_TEST_REDIS_URL")


@pytest.mark.parametrize("engine", ["memory", "rocksdb"] + (["redis"] if REDIS else []))
def test_per_queue_gauges_up_to_the_cap_and_the_rest_summed(server_factory, tmp_path, engine):
    args = {"memory": ["--storage", "memory"],
            "rocksdb": ["--storage", "rocksdb", "--data-dir", str(tmp_path / "data")],
            "redis": ["--storage", "redis", "--redis", REDIS or ""]}[engine]
    # (A shared Redis holds other tests' projects too: there every queue gets its gauges.)
    cap = "100000" if engine == "redis" else "2"
    s = server_factory(*args, "--metrics-max-queues", cap)
    project = "m-" + uuid.uuid4().hex[:8]
    api = Api(s, project)
    for name, count in (("a", 3), ("b", 1), ("c", 2), ("d", 4)):
        body = {"messages": [{"body": "x" * 8, "ttl": 600}] * count}
        assert api.post(f"/v2/queues/{name}/messages", body).status == 201
    assert api.post("/v2/queues/a/claims?limit=2", {"ttl": 60, "grace": 60}).status == 201
    m = samples(scrape(s).body.decode())

    def key(family, queue, state=None, resource="queue"):
        labels = f'project="{project}",queue="{queue}",resource="{resource}"'
        if state:
            labels += f',state="{state}"'
        return (family, "{" + labels + "}")

    # The first two queues in (project, name) order get their own gauges.
    ours = {k: v for k, v in m.items() if project in k[1]}
    assert ours[key("warren_queue_messages", "a", "free")] == 1
    assert ours[key("warren_queue_messages", "a", "claimed")] == 2
    assert ours[key("warren_queue_messages", "b", "free")] == 1
    assert ours[key("warren_queue_message_bytes", "a")] == 3 * 10
    assert 0 <= ours[key("warren_queue_oldest_message_age_seconds", "b")] < 60
    if engine == "redis":
        assert ours[key("warren_queue_messages", "d", "free")] == 4
    else:
        assert not any('queue="c"' in k[1] or 'queue="d"' in k[1] for k in ours)
        assert m[("warren_queues_other", "")] == 2
        assert m[("warren_queue_messages_other", '{state="free"}')] == 6
        assert m[("warren_queue_message_bytes_other", "")] == 6 * 10
    assert m[("warren_queue_metrics_truncated", "")] == 0


def test_a_topic_is_labelled_with_its_project_and_resource_topic(server_factory):
    s = server_factory("--storage", "memory")
    project = "t-" + uuid.uuid4().hex[:8]
    api = Api(s, project)
    assert api.post("/v2/topics/news/messages", {"messages": [{"body": 1}] * 3}).status == 201
    assert api.post("/v2/queues/news/messages", {"messages": [{"body": 1}]}).status == 201
    m = samples(scrape(s).body.decode())
    topic = f'project="{project}",queue="news",resource="topic",state="free"'
    queue = f'project="{project}",queue="news",resource="queue",state="free"'
    assert m[("warren_queue_messages", "{" + topic + "}")] == 3
    assert m[("warren_queue_messages", "{" + queue + "}")] == 1
    assert not any("\x1f" in k[1] for k in m)  # the topic space is never spelled out


@needs_prometheus
def test_a_real_prometheus_scrapes_warren(server_factory, tmp_path):
    metrics_port = free_port()
    s = server_factory("--storage", "memory", "--metrics-listen", f"127.0.0.1:{metrics_port}")
    api = Api(s)
    assert api.post("/v2/queues/q/messages", {"messages": [{"body": 1}] * 5}).status == 201
    # --metrics-listen serves /metrics and nothing else.
    other = urllib.request.Request(f"http://127.0.0.1:{metrics_port}/v2/queues")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(other, timeout=10)
    assert refused.value.code == 404
    web_port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(json.dumps({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
        "scrape_configs": [
            {"job_name": "warren", "static_configs": [{"targets": [f"127.0.0.1:{s.port}"]}]},
            {"job_name": "warren-metrics-port",
             "static_configs": [{"targets": [f"127.0.0.1:{metrics_port}"]}]},
        ]}))
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{web_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def query(expr):
            url = f"http://127.0.0.1:{web_port}/api/v1/query?" + urllib.parse.urlencode(
                {"query": expr})
            with urllib.request.urlopen(url, timeout=5) as answer:
                return json.load(answer)["data"]["result"]

        deadline = time.time() + 60
        results = []
        while time.time() < deadline:
            try:
                results = query('up{job=~"warren.*"} == 1')
                posted = query('warren_http_requests_total{route="/v2/queues/{queue_name}/'
                               'messages",method="POST",code="2xx"}')
                if len(results) == 2 and len(posted) == 2:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert len(results) == 2, results
        assert {float(p["value"][1]) for p in posted} == {1.0}
        # Histograms work as Prometheus means them: a quantile over the buckets.
        q = query('histogram_quantile(0.5, warren_http_request_duration_seconds_bucket'
                  '{job="warren",method="POST"})')
        assert q and 0 < float(q[0]["value"][1]) < 10
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=20)


def test_with_authentication_only_the_admin_role_reads_the_api_ports_metrics(server_factory,
                                                                            tmp_path):
    tokens = {name: f"{name}-{uuid.uuid4().hex}" for name in ("member", "admin")}
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"credentials": [
        {"type": "token", "sha256": hashlib.sha256(tokens[name].encode()).hexdigest(),
         "project": "ops", "user": name, "roles": ["member"] + (["admin"] * (name == "admin"))}
        for name in tokens]}))
    metrics_port = free_port()
    s = server_factory("--storage", "memory", "--auth", "tokens", "--credentials",
                       str(credentials), "--metrics-listen", f"127.0.0.1:{metrics_port}")
    assert scrape(s).status == 401
    assert scrape(s, {"X-Auth-Token": tokens["member"]}).status == 403
    assert scrape(s, {"X-Auth-Token": tokens["admin"]}).status == 200
    assert scrape(s, {"Authorization": "Bearer " + tokens["admin"]}).status == 200
    assert scrape(s, {"Authorization": "Bearer " + tokens["member"]}).status == 403
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as r:
        assert r.status == 200 and b"warren_connections_open" in r.read()
