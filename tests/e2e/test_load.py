"""Many people at once (a sprint review, the hosted instance): the server keeps answering.

Ten browser sessions open the pages of the menu at the same moment, two rounds, other filters
each round, on a server of their own; the health endpoint is polled throughout. Each session opens
two pages per round, each session starting at another page, so every page is open in four
sessions at once in both rounds (40 page views; all five pages for every session took four minutes
of the CI's fifteen, and found nothing two pages do not). Before the fix
(docs/concurrency.md) the server hung for good in the second round: polars waiting on its thread
pool under the GIL while the pool waited for the GIL (pola-rs/polars#27396).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, serve

pytestmark = pytest.mark.e2e

SESSIONS = 10
ROUNDS = 2
PER_ROUND = 2
# The bug answered never; a server that works answers within a few seconds. Measured on this
# 2-core machine while ten browsers load the app at the same moment: 3.1-5.7 s at worst (curl in a
# process of its own), and up to 7 s while the other test worker runs beside it. py-spy shows no
# app code on the event loop then: it is the static files and websocket traffic of ten page loads
# at once (uvicorn and anyio's worker threads). Ten seconds keeps every hang a failure without
# failing on the machine's load.
HEALTH_LIMIT_S = 10.0


@pytest.mark.timeout(900)
def test_ten_sessions_on_every_page_keep_the_server_answering(demo_db, chromium_path, tmp_path):
    out = tmp_path / "load.json"
    with serve(demo_db, tmp_path / "server.log") as server:
        done = subprocess.run(
            [
                sys.executable, "-m", "tests.e2e.load",
                "--url", server.url, "--sessions", str(SESSIONS), "--rounds", str(ROUNDS),
                "--per-round", str(PER_ROUND),
                "--pid", str(server.pid), "--health-limit", str(HEALTH_LIMIT_S), "--json", str(out),
            ],
            cwd=ROOT, capture_output=True, text=True, timeout=840,
        )  # fmt: skip
    print(done.stdout)
    assert out.exists(), done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["visits"] == SESSIONS * ROUNDS * PER_ROUND
    assert sorted(result["page_seconds"]) == sorted(result["pages"]), "every page opened"
    assert result["failures"] == []
    assert result["health_failures"] == []
    assert result["health_max_seconds"] <= HEALTH_LIMIT_S, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
