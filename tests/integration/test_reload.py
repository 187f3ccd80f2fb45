"""SIGHUP: the config file is re-read; a changed limit applies to an open keep-alive
connection, options that need a restart are named in the log, a bad file changes nothing; the
file `warren serve --print-config` writes lists every option and parses back."""
import re
import signal
import subprocess

from conftest import WARREN_BIN
from http_client import Reader, request_bytes
from log_watch import LogWatch

H = {"Client-ID": "3381af92-2b9e-11e3-b191-71861300734c", "X-Project-ID": "reload",
     "Content-Type": "application/json"}


def post(sock, reader, size):
    body = '{"messages":[{"ttl":60,"body":"%s"}]}' % ("x" * size)
    sock.sendall(request_bytes("POST", "/v2/queues/q/messages", H, body))
    return reader.read()


def test_sighup_applies_a_new_body_limit_on_an_open_connection(server_factory, tmp_path):
    conf = tmp_path / "warren.conf"
    conf.write_text("storage = memory\nmax-body-bytes = 100000\nlog-level = info\n")
    s = server_factory("--config", str(conf))
    watch = LogWatch(s)
    with s.connect() as sock:
        reader = Reader(sock)
        assert post(sock, reader, 2000).status == 201
        # A tighter limit, a restart-only change (backlog) and a new log format.
        conf.write_text("storage = memory\nmax-body-bytes = 1000\nbacklog = 64\n"
                        "log-format = json\n")
        s.proc.send_signal(signal.SIGHUP)
        line = watch.wait_for(r"SIGHUP: options re-read")
        assert "--max-body-bytes" in line and "--log-format" in line, line
        assert '"level":"info"' in line  # (this line is already JSON)
        warned = watch.wait_for(r"applied only on restart")
        assert "--backlog" in warned and "--max-body-bytes" not in warned, warned
        # The same connection, idle through the reload: its next request meets the new limit.
        refused = post(sock, reader, 2000)
        assert refused.status == 413, refused
        assert b"1000 bytes" in refused.body


def test_a_config_file_that_does_not_parse_changes_nothing(server_factory, tmp_path):
    conf = tmp_path / "warren.conf"
    conf.write_text("storage = memory\nmax-body-bytes = 1000\n")
    s = server_factory("--config", str(conf))
    watch = LogWatch(s)
    conf.write_text("storage = memory\nmax-body-bytes = lots\n")
    s.proc.send_signal(signal.SIGHUP)
    line = watch.wait_for(r"SIGHUP: the options in force stay")
    assert "[startup_failed]" in line and "max-body-bytes" in line, line
    with s.connect() as sock:
        reader = Reader(sock)
        assert post(sock, reader, 100).status == 201
        assert post(sock, reader, 2000).status == 413


def test_print_config_lists_every_option_and_parses_back(server_factory, tmp_path):
    text = subprocess.run([WARREN_BIN, "serve", "--print-config"], capture_output=True,
                          text=True, timeout=30, check=True).stdout
    help_text = subprocess.run([WARREN_BIN, "serve", "--help"], capture_output=True, text=True,
                               timeout=30, check=True).stdout
    listed = set(re.findall(r"^#([a-z0-9-]+) =", text, re.M))
    in_help = set(re.findall(r"^\s+--([a-z0-9-]+)", help_text, re.M))
    in_help -= {"help", "version", "print-config", "config"}
    assert in_help and in_help <= listed, in_help - listed
    # Every default uncommented is a valid config file (the command line still wins).
    values = [l[1:] for l in text.splitlines()
              if l.startswith("#") and not l.startswith("# ") and not l.rstrip().endswith("=")]
    conf = tmp_path / "all.conf"
    conf.write_text("\n".join(values) + "\n")
    s = server_factory("--config", str(conf), "--storage", "memory",
                       "--data-dir", str(tmp_path / "data"))
    with s.connect() as sock:
        sock.sendall(request_bytes("GET", "/v2/ping", H))
        assert Reader(sock).read().status == 204


def test_sighup_lowers_max_connections_keeping_those_open(server_factory, tmp_path):
    conf = tmp_path / "warren.conf"
    conf.write_text("storage = memory\n")
    s = server_factory("--config", str(conf))
    watch = LogWatch(s)
    with s.connect() as first:
        reader = Reader(first)
        conf.write_text("storage = memory\nmax-connections = 1\n")
        s.proc.send_signal(signal.SIGHUP)
        assert "--max-connections" in watch.wait_for(r"SIGHUP: options re-read")
        with s.connect() as second:  # over the new cap: 503 and closed
            assert Reader(second).read().status == 503
        assert post(first, reader, 10).status == 201  # the open one is served on
