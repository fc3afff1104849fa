"""Run any Datakompas page under Streamlit's AppTest, in local mode or as a logged-in user."""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from metrics.manifest import MANIFEST

ROOT = Path(__file__).resolve().parent.parent

# Dummy OIDC settings: their presence switches the app to hosted mode. AppTest never contacts
# the provider; `at.user` stands in for the identity it would return.
AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only-cookie-secret",
        "client_id": "datakompas-test",
        "client_secret": "test-only",
        "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration",
    }
}

# One test user per role; wijkmanagers see two Zwolle wijken.
ROLES_TOML = textwrap.dedent(
    """
    [[users]]
    email = "databrigade@zwolle.test"
    role = "databrigade"

    [[users]]
    email = "sociaal_domein@zwolle.test"
    role = "sociaal_domein"

    [[users]]
    email = "ruimte@zwolle.test"
    role = "ruimte"

    [[users]]
    email = "wijkmanager@zwolle.test"
    role = "wijkmanager"
    wijken = ["WK019313", "WK019314"]

    [[users]]
    email = "gast@zwolle.test"
    role = "gast"
    """
)

PAGE_FILES = {p.url_path: p.file for p in MANIFEST.pages}


def write_roles(directory: Path) -> Path:
    path = directory / "roles.toml"
    path.write_text(ROLES_TOML, encoding="utf-8")
    return path


@cache
def _components():
    """Streamlit's registry of installed components, discovered once per process as the server
    does when it starts. A new AppTest discovers them again on its first run (reading the metadata
    of every installed package, 0.06-0.18 s): time no page view of the app ever spends."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def app(*, role: str | None = None, logged_in: bool = True, timeout: float = 60) -> AppTest:
    """An AppTest of Home.py; `role=None` is local mode, otherwise hosted mode as that role's user.

    The caller sets DATAKOMPAS_DB (and DATAKOMPAS_ROLES for hosted mode) in the environment.
    """
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=timeout)
    at._bidi_component_manager = _components()  # AppTest's own slot for it (streamlit/testing/v1/app_test.py)
    if role is not None:
        at.secrets = dict(AUTH_SECRETS)
        at.user = {"is_logged_in": logged_in, "email": f"{role}@zwolle.test", "name": f"Test {role}"}
    return at


def open_page(url_path: str, *, role: str | None = None, timeout: float = 60, opened: tuple[str, ...] = ()) -> AppTest:
    """Run Home.py, then switch to the page at `url_path` ("" is Kompas) and run it; `opened`: the
    keys of sections drawn only when opened (Report.details) that the user opened."""
    at = app(role=role, timeout=timeout)
    for key in opened:
        at.session_state[key] = True
    at.run()
    if url_path:
        at.switch_page(PAGE_FILES[url_path])
        at.run()
    return at


def texts(at: AppTest) -> str:
    """All visible text of a run, for assertions on what a user reads."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for m in at.metric:
        parts.append(f"{m.label} {m.value}")
    return "\n".join(parts)
