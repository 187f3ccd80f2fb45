"""Fixtures for the client-conformance tests: one `warren serve` (memory engine) per module,
started with the integration tests' Server helper, and a fresh Zaqar project per test."""
import importlib.util
import os
import uuid

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "warren_integration_conftest", os.path.join(_HERE, "..", "integration", "conftest.py"))
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
Server = _integration.Server


@pytest.fixture(scope="module")
def server():
    # (mailto: subscriptions are accepted only with an SMTP relay; the clients' tests post no
    # message to a queue with one, so this relay is never reached.)
    s = Server(("--storage", "memory", "--signed-url-secret", "conformance-secret",
                "--smtp-relay", "127.0.0.1:9"))
    yield s
    status = s.stop()
    assert status in (0, -15), "warren exited with status %s:\n%s" % (status, "".join(s.log))


@pytest.fixture
def project():
    return "zc-" + uuid.uuid4().hex[:12]
