#!/usr/bin/env bash
# Runs Zaqar's own WebSocket functional tests (zaqar.tests.functional.websocket, Debian
# python3-zaqar with python3-websocket) against a Warren server: the `websocket` group of
# run-zaqar-functional.sh, which starts the server on an ephemeral port, writes the configs the
# tests read and points their ws://localhost:9000/ at it.
# Usage: tests/conformance/run-zaqar-websocket.sh WARREN_BIN   — exits non-zero on a failure.
set -euo pipefail
exec "$(dirname "$0")/run-zaqar-functional.sh" "${1:?usage: $0 WARREN_BIN}" websocket
