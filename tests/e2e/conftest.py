"""Browser tests: the real app (`python -m ui.server run Home.py`, as `make run` starts it) on a
free port, driven by Debian's Chromium.

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
from urllib.parse import quote

import pytest

from tests.apptest import write_roles
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
def serve(db: Path, log: Path, *args: str, env: dict | None = None, port: int | None = None, root: Path = ROOT):
    """The app's server (`python -m ui.server run Home.py`, as `make run` and the hosted unit start
    it) on a free port (or `port`), on warehouse `db`, from the source tree `root` (another
    worktree, for a before/after comparison); yields the Server."""
    port = port or _free_port()
    extra = env or {}
    env = {**os.environ, "DATAKOMPAS_DB": str(db), "STREAMLIT_SERVER_HEADLESS": "true", "DATAKOMPAS_VALIDATE_CHARTS": "0"}
    env.pop("DATAKOMPAS_ROLES", None)
    env.update(extra)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.server", "run", "Home.py", "--server.port", str(port), "--server.address", "127.0.0.1", *args],
            cwd=root,
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


# ---- a hosted instance with a real OIDC provider on loopback (tests/e2e/test_hosted.py) ----

COOKIE_SECRET = "e2e-cookie-secret-3b9f1c"
CLIENT_SECRET = "e2e-client-secret-7d2e4a"
USERS = {
    "wijkmanager@zwolle.test": {"email": "wijkmanager@zwolle.test", "name": "Wendy Wijkmanager"},
    "gast@zwolle.test": {"email": "gast@zwolle.test", "name": "Gerrit Gast"},
    "sociaal_domein@zwolle.test": {"email": "sociaal_domein@zwolle.test", "name": "Sanne Sociaal"},
    "ruimte@zwolle.test": {"email": "ruimte@zwolle.test", "name": "Ruben Ruimte"},
}

@pytest.fixture(scope="session")
def oidc_provider():
    """A real OIDC provider on loopback (authorize, token, JWKS, userinfo, end_session)."""
    import httpx
    import oidc_provider_mock

    # The provider and the app's OAuth client talk plain http on loopback; in production both
    # sides use https and this stays unset.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        for sub, claims in USERS.items():
            assert httpx.put(f"{issuer}/users/{quote(sub)}", json=claims).status_code == 204
        yield issuer


@pytest.fixture(scope="session")
def hosted_app(demo_db, chromium_path, oidc_provider, tmp_path_factory):
    """The app's server with [auth] pointing at the provider, and the test roles file."""
    tmp = tmp_path_factory.mktemp("hosted")
    port = _free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        f'roles_file = "{write_roles(tmp)}"\n\n[auth]\n'
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\nclient_id = "datakompas-e2e"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    log = tmp / "server.log"
    with serve(demo_db, log, "--secrets.files", str(secrets), port=port) as server:
        yield server.url, log
