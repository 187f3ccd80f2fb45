"""Shared helpers of the benchmark scripts (bench/http-compare, bench/compare).

Starts servers pinned to the server core and loads pinned to the load core, on loopback only;
measures each server's CPU time from /proc; runs `warren bench` and reads its JSON; rewrites one
marked section of bench/RESULTS.md. Every process started here is stopped here.
"""

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "bench" / "peers"
SERVER_CPU = "0"
LOAD_CPU = "1"
CLIENT_ID = "3c7d6a2e-6a55-4e8b-9d3e-5b0f0c1e2a47"
PROJECT_ID = "warren-bench"
ZAQAR_HEADERS = [f"Client-ID: {CLIENT_ID}", f"X-Project-ID: {PROJECT_ID}"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid):
    """pid and every process below it (nginx's worker is the master's child)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    """User + system CPU seconds used so far by pid and its descendants."""
    total = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / CLK_TCK


class Server:
    """A server process pinned to SERVER_CPU, listening on 127.0.0.1:port."""

    def __init__(self, name, cmd, port, env=None, cwd=None, cpu=SERVER_CPU, log_dir=None):
        self.name, self.port = name, port
        self.cmd = ["taskset", "-c", cpu] + [str(c) for c in cmd]
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"warren-bench-{name}-{port}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, cwd=cwd, start_new_session=True)
        self.cleanup = []
        self.companions = []  # processes of the same service (Zaqar's redis): CPU counted too

    def wait_ready(self, timeout=20):
        """Waits until the port accepts connections; raises with the log if the server died."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): {self.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen on {self.port}: {self.tail()}")

    def tail(self, n=800):
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def cpu(self):
        return cpu_seconds(self.proc.pid) + sum(c.cpu() for c in self.companions)

    def stop(self):
        """SIGTERM to the process group, SIGKILL after 5 s; then the clean-up steps."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.log.close()
        for step in self.cleanup:
            step()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class External:
    """A server this script did not start (given by URL): loaded like the others, its CPU not
    measured (cpu() is None) and never stopped."""

    def __init__(self, name, url):
        from urllib.parse import urlsplit
        self.name, self.url = name, url.rstrip("/")
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80

    def cpu(self):
        return None

    def stop(self):
        pass


def build_dir():
    return Path(os.environ.get("WARREN_BUILD", ROOT / "build" / "release"))


def warren_bin():
    return Path(os.environ.get("WARREN_BIN", build_dir() / "warren"))


def start_ceiling(port, body_size=0):
    return Server("ceiling", [build_dir() / "warren-ceiling", "--listen", f"127.0.0.1:{port}",
                              "--body-size", body_size], port).wait_ready()


def start_node_queue(port):
    return Server("node", ["node", PEERS / "node_queue.js", port], port).wait_ready()


def start_warren(port, threads=1, extra=()):
    return Server("warren", [warren_bin(), "serve", "--threads", threads,
                             "--listen", f"127.0.0.1:{port}", *extra], port).wait_ready()


def warren_serve_available():
    """True when this build's `warren serve` runs (it is being built on main)."""
    try:
        out = subprocess.run([warren_bin(), "serve", "--help"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


NGINX_CONF = """\
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
worker_rlimit_nofile 20000;
events {{ worker_connections 12000; multi_accept on; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  keepalive_requests 1000000000;
  keepalive_timeout 120s;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      {action}
    }}
  }}
}}
"""


def canned_json(size):
    """The ceiling's canned JSON body of about `size` bytes (bench/peers/ceiling.cpp)."""
    head = ('{"messages":[{"id":"5f1c0ffee0ddba11cafe0001","href":"/v2/queues/bench-0/messages/'
            '5f1c0ffee0ddba11cafe0001","ttl":3600,"age":0,"body":{"pad":"')
    tail = '"}}],"links":[]}'
    return head + "x" * max(0, size - len(head) - len(tail)) + tail


def start_nginx(port, body_size=0):
    """nginx from Debian, one worker, `return 204` (or a canned JSON body), temp prefix."""
    tmp = tempfile.mkdtemp(prefix="warren-bench-nginx-")
    if body_size:
        action = ("default_type application/json; return 200 '" + canned_json(body_size) + "';")
    else:
        action = "return 204;"
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, action=action))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    s = Server("nginx", [nginx, "-p", tmp, "-e", f"{tmp}/error.log", "-c", conf], port)
    s.cleanup.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    return s.wait_ready()


def start_node(port, body_size=0):
    return Server("node", ["node", PEERS / "node_http.js", port, body_size], port).wait_ready()


ZAQAR_CONF = """\
[DEFAULT]
auth_strategy =
debug = false
verbose = false
[drivers]
transport = wsgi
message_store = redis
management_store = redis
[drivers:message_store:redis]
uri = redis://127.0.0.1:{redis_port}
[drivers:management_store:redis]
uri = redis://127.0.0.1:{redis_port}
[drivers:transport:wsgi]
bind = 127.0.0.1
port = {port}
"""

ZAQAR_PACKAGE = Path("/usr/lib/python3/dist-packages/zaqar")


def zaqar_available(lua_dir):
    """Why Zaqar cannot run here ("" when it can): the Debian package and the two Lua scripts
    of its redis driver, which the package lacks (openstack/zaqar, tag 15.0.0,
    zaqar/storage/redis/scripts/)."""
    if not ZAQAR_PACKAGE.is_dir():
        return "Debian's python3-zaqar is not installed"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if not lua_dir:
        return "no --zaqar-lua folder given (claim_messages.lua, index_messages.lua of zaqar 15.0.0)"
    for name in ("claim_messages.lua", "index_messages.lua"):
        if not (Path(lua_dir) / name).is_file():
            return f"{lua_dir} has no {name}"
    return ""


def start_zaqar(port, lua_dir):
    """Debian's Zaqar 15 (wsgi transport, redis message and management stores) on
    127.0.0.1:port, with its own redis-server; both pinned to the server core. The package is
    copied into a temporary folder together with the Lua scripts it lacks (never into the
    repository, never into the system's copy)."""
    tmp = Path(tempfile.mkdtemp(prefix="warren-bench-zaqar-"))
    cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)  # noqa: E731
    redis_port = free_port()
    redis = Server("redis", ["redis-server", "--bind", "127.0.0.1", "--port", redis_port,
                             "--save", "", "--appendonly", "no", "--dir", tmp], redis_port)
    try:
        redis.wait_ready()
        shutil.copytree(ZAQAR_PACKAGE, tmp / "py" / "zaqar",
                        ignore=shutil.ignore_patterns("tests", "__pycache__"))
        scripts = tmp / "py" / "zaqar" / "storage" / "redis" / "scripts"
        scripts.mkdir(exist_ok=True)
        for name in ("claim_messages.lua", "index_messages.lua"):
            shutil.copy(Path(lua_dir) / name, scripts / name)
        conf = tmp / "zaqar.conf"
        conf.write_text(ZAQAR_CONF.format(redis_port=redis_port, port=port))
        env = dict(os.environ, PYTHONPATH=str(tmp / "py"))
        zaqar = Server("zaqar", ["/usr/bin/python3", "-c",
                                 "import sys; from zaqar.cmd.server import run; sys.exit(run())",
                                 "--config-file", conf], port, env=env, cwd=tmp)
        zaqar.cleanup.append(redis.stop)
        zaqar.cleanup.append(cleanup)
        zaqar.companions.append(redis)
        return zaqar.wait_ready(timeout=60)
    except Exception:
        redis.stop()
        cleanup()
        raise


def run_bench(args, timeout=600):
    """Runs `warren bench ARGS --json FILE` pinned to LOAD_CPU; returns the parsed JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    cmd = ["taskset", "-c", LOAD_CPU, str(warren_bin()), "bench", *[str(a) for a in args],
           "--json", path, "--progress", "false", "--quiet"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} failed: {out.stderr.strip()}")
        with open(path) as f:
            return json.load(f)
    finally:
        os.unlink(path)


def run_bare_client(url, concurrency, pipeline, duration, headers=()):
    cmd = ["taskset", "-c", LOAD_CPU, str(build_dir() / "warren-bare-client"), "--url", url,
           "--concurrency", concurrency, "--pipeline", pipeline, "--duration", duration]
    for h in headers:
        cmd += ["--header", h]
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                         timeout=duration + 60)
    if out.returncode != 0:
        raise RuntimeError(f"bare client failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def display_cmd(args):
    """A command line as RESULTS.md shows it, runnable in a shell where $PORT, $C, ... are set:
    words holding a variable are double-quoted so that it still expands."""
    words = []
    for a in map(str, args):
        if "$" in a and '"' not in a and "'" not in a and "`" not in a:
            words.append(a if a.replace("$", "").replace("_", "").isalnum() else f'"{a}"')
        else:
            words.append(shlex.quote(a))
    return " ".join(words)


def fmt_rate(x):
    return f"{x:,.0f}"


def fmt_us(x):
    if x >= 1000:
        return f"{x / 1000:.2f} ms"
    return f"{x:.0f} µs"


def fmt_errors(level):
    """Errors of a point, and the connections that got no answer at all (a server that leaves
    them in its accept queue fails no request but serves nobody on them)."""
    text = str(level["error_total"])
    if level.get("starved_connections"):
        text += f" ({level['starved_connections']} of {level['connections']} conns starved)"
    return text


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(path, name, text):
    """Replaces the text between <!-- BEGIN name --> and <!-- END name --> in path (appending
    the section if it is missing), so each script owns its part of RESULTS.md."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    path = Path(path)
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new)


def machine_line():
    """One line describing when and where the figures were taken."""
    load = open("/proc/loadavg").read().split()[:3]
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (f"{time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores ({cpu}) · "
            f"load average before the run {' '.join(load)}")


def median_level(levels, key=lambda lvl: lvl["throughput"]):
    """Of several measurements of one point, the one with the median figure (errors summed
    into it, so that a failure in any round shows)."""
    ordered = sorted(levels, key=key)
    chosen = dict(ordered[len(ordered) // 2])
    chosen["rounds"] = len(levels)
    chosen["error_total"] = max(lvl["error_total"] for lvl in levels)
    chosen["starved_connections"] = max(lvl.get("starved_connections", 0) for lvl in levels)
    return chosen


def measure(server, args, timeout=600):
    """One point: `warren bench ARGS` against a server; returns the JSON's first level with the
    server's CPU share over the point added (server_cpu_pct, 100 = one core saturated)."""
    cpu0, t0 = server.cpu(), time.time()
    result = run_bench(args, timeout=timeout)
    cpu1, t1 = server.cpu(), time.time()
    level = result["levels"][0]
    level["server_cpu_pct"] = None if cpu0 is None else 100.0 * (cpu1 - cpu0) / max(1e-9, t1 - t0)
    return level, result


def fmt_cpu(level):
    pct = level.get("server_cpu_pct")
    return "–" if pct is None else f"{pct:.0f} %"
