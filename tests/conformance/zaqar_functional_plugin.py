"""pytest plugin that points Zaqar's own functional tests at a Warren server started outside.

With ZAQAR_TEST_INTEGRATION set, zaqar.tests.functional talks HTTP to the URL of
functional-tests.conf, but each test also starts a Zaqar server of its own (base.Server.start)
and, after each class, drops the databases of the storage driver its config names. Warren is
that server here, so:
  * Server.start starts nothing and reports the outside server alive;
  * tearDownClass has no databases to drop (the config names Zaqar's `faulty` test driver,
    which needs no database, so that the tests' own Bootstrap can read the limits);
  * class_ttl_gc_interval is 1, as for Zaqar's Redis driver: Warren expires resources on time;
  * the websocket suite's fixed ws://localhost:9000/ (Zaqar's default --ws-listen) is the
    Warren server's URL given in ZAQAR_WS_URL, so that it too runs on an ephemeral port;
  * the tests listed in KNOWN-DIFFERENCES.md (lines "- `module::Class::test` ...") are
    deselected, each for the reason written there.
"""
import os
import re

import websocket
from zaqar.tests.functional import base

_KNOWN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "KNOWN-DIFFERENCES.md")


class _OutsideServer:
    def is_alive(self):
        return True

    def terminate(self):
        pass


def _start(self, conf):
    self.process = _OutsideServer()
    return self.process


@classmethod
def _tear_down_class(cls):
    pass


_ZAQAR_WS_URL = "ws://localhost:9000/"
_create_connection = websocket.create_connection


def _create_ws_connection(url, *args, **kwargs):
    if url == _ZAQAR_WS_URL and os.environ.get("ZAQAR_WS_URL"):
        url = os.environ["ZAQAR_WS_URL"]
    return _create_connection(url, *args, **kwargs)


websocket.create_connection = _create_ws_connection
base.Server.start = _start
base.FunctionalTestBase.tearDownClass = _tear_down_class
base.FunctionalTestBase.class_ttl_gc_interval = 1


def _known_differences():
    with open(_KNOWN, encoding="utf-8") as f:
        return set(re.findall(r"^- `(zaqar\.tests\.[\w.]+::\w+::\w+)`", f.read(), re.M))


def pytest_collection_modifyitems(session, config, items):
    known = _known_differences()
    kept, dropped = [], []
    for item in items:
        name = "{}::{}::{}".format(item.module.__name__, item.cls.__name__ if item.cls else "",
                                   item.name)
        (dropped if name in known else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
