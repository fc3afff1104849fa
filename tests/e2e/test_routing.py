"""Deep links on a freshly started server must still go through Home.py and its access check.

Streamlit keeps its old pages/-folder routing until the first st.navigation call of the server's
life; these tests start their own server so that their request is that first one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.apptest import AUTH_SECRETS, write_roles
from tests.e2e.browser import open_app
from tests.e2e.conftest import serve

pytestmark = pytest.mark.e2e


def test_deep_link_on_a_fresh_server_runs_through_home(page, demo_db, chromium_path, tmp_path):
    with serve(demo_db, tmp_path / "server.log") as server:
        open_app(page, f"{server.url}/jeugd")
        expect(page.get_by_role("heading", name="Sturingsdashboard Jeugd")).to_be_visible()
        expect(page.get_by_text("Lokale modus.")).to_be_visible()  # drawn by Home.py only
        assert page.url.endswith("/jeugd")


def test_hosted_deep_link_on_a_fresh_server_asks_to_log_in(page, demo_db, chromium_path, tmp_path):
    auth = "\n".join(f'{k} = "{v}"' for k, v in AUTH_SECRETS["auth"].items())
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'roles_file = "{write_roles(tmp_path)}"\n\n[auth]\n{auth}\n', encoding="utf-8")
    with serve(demo_db, tmp_path / "server.log", "--secrets.files", str(secrets)) as server:
        open_app(page, f"{server.url}/jeugd")
        expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
        expect(page.get_by_role("heading", name="Sturingsdashboard Jeugd")).to_have_count(0)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
