"""Browser tests: the real app (`streamlit run`) on a free port, driven by Debian's Chromium.

The server runs on the session's demo warehouse. We wait for a finished run the way Streamlit's
own e2e suite does (app connected, script state notRunning, no skeletons left), fail on any
exception element on the page, and keep a screenshot of every test under tests/e2e/screenshots/
(git-ignored) for a person to look at.

Without Chromium the tests skip, unless DATAKOMPAS_E2E=required (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.e2e.browser import assert_no_exception

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
TIMEOUT_MS = 30_000

# Flags for a sandboxed machine with a closed network: without the background-networking ones
# Chromium keeps trying to reach Google and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium() -> str | None:
    for c in CHROMIUM_CANDIDATES:
        if os.access(c, os.X_OK):
            return c
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        msg = "Chromium not found (/usr/bin/chromium); install Debian's chromium package"
        if os.environ.get("DATAKOMPAS_E2E") == "required":
            pytest.fail(msg + " — DATAKOMPAS_E2E=required, so browser tests may not skip")
        pytest.skip(msg)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
            return r.read().decode() == "ok"
    except OSError:
        return False


class Server(NamedTuple):
    url: str  # base url, e.g. http://127.0.0.1:40123
    pid: int


@contextlib.contextmanager
def serve(db: Path, log: Path, *args: str, env: dict | None = None, port: int | None = None):
    """`streamlit run Home.py` on a free port (or `port`), on warehouse `db`; yields the Server."""
    port = port or _free_port()
    extra = env or {}
    env = {**os.environ, "DATAKOMPAS_DB": str(db), "STREAMLIT_SERVER_HEADLESS": "true"}
    env.pop("DATAKOMPAS_ROLES", None)
    env.update(extra)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port), "--server.address", "127.0.0.1", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy on port {port}:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(demo_db, chromium_path, tmp_path_factory) -> str:
    with serve(demo_db, tmp_path_factory.mktemp("streamlit") / "server.log") as server:
        yield server.url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="nl-NL")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    SHOTS.mkdir(exist_ok=True)
    try:
        full_screenshot(pg, SHOTS / f"{request.node.name}.png")
        # Whatever the test asserted, an exception on the page it ended on fails it.
        if pg.url.startswith("http"):
            assert_no_exception(pg)
    finally:
        context.close()


def full_screenshot(pg, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit."""
    height = pg.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight), 800)")
    pg.set_viewport_size({"width": pg.viewport_size["width"], "height": min(int(height) + 40, 12000)})
    pg.wait_for_timeout(300)
    pg.screenshot(path=str(path))
