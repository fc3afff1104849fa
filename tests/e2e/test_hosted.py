"""A hosted instance in a real browser, logged in through a real OIDC provider on loopback.

The provider is oidc-provider-mock (PyPI, pinned in requirements-dev.txt), started in this test
process on localhost: Streamlit's st.login fetches its metadata, sends the browser to its authorize
form, exchanges the code for tokens and checks the ID token's signature (JWKS) as it would with the
municipality's Entra ID. Only the login form is a mock: a test types the user's `sub`.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, wait_for_app_run
from tests.e2e.conftest import CLIENT_SECRET, COOKIE_SECRET
from ui import access, router

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
OWN_WIJKEN = ("Wijk 13 Assendorp", "Wijk 14 Kamperpoort-Veerallee")


def main_text(pg) -> str:
    return pg.get_by_test_id("stMain").inner_text()


def assert_no_numbers(pg) -> None:
    expect(pg.get_by_test_id("stMetric")).to_have_count(0)
    expect(pg.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(pg.get_by_test_id("stVegaLiteChart")).to_have_count(0)
    text = main_text(pg) + pg.locator("body").inner_text()
    assert not re.search(r"\d", text), f"a number for an anonymous visitor: {text!r}"


def log_in(pg, url: str, issuer: str, sub: str) -> None:
    pg.goto(url)
    wait_for_app_run(pg)
    pg.get_by_role("button", name="Inloggen").click()
    pg.wait_for_url(f"{issuer}/**")
    pg.get_by_placeholder("sub").fill(sub)
    pg.get_by_role("button", name="Authorize").click()
    pg.wait_for_url(f"{url}/**")
    wait_for_app_run(pg)
    assert_no_exception(pg)


def open_url(pg, url: str) -> None:
    pg.goto(url)
    wait_for_app_run(pg)
    assert_no_exception(pg)


def test_anonymous_visitor_sees_the_login_screen_and_no_number(page, hosted_app):
    url, _ = hosted_app
    for path in ("", "/jeugd", "/data", "/veiligheid", "/ruimte"):
        open_url(page, url + path)
        expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
        assert_no_numbers(page)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def _wijk_page() -> str:
    return "veiligheid" if (ROOT / "pages" / "veiligheid.py").is_file() else "jeugd"


@pytest.mark.parametrize("path", ["veiligheid", "jeugd"])
def test_wijkmanager_logs_in_sees_own_wijk_first_cannot_open_data_and_logs_out(page, hosted_app, oidc_provider, path):
    url, log = hosted_app
    log_in(page, url, oidc_provider, "wijkmanager@zwolle.test")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Wendy Wijkmanager")).to_be_visible()
    expect(sidebar.get_by_text("Uw wijken: Wijk 13 Assendorp, Wijk 14 Kamperpoort-Veerallee")).to_be_visible()
    # The menu holds the pages of the role, in manifest order.
    wijkmanager = access.User(name="w", email=None, role="wijkmanager", wijken=("WK019313",), hosted=True)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    assert [t.split("\n")[-1].strip() for t in links.all_inner_texts()] == [p.title for p in router.visible(wijkmanager)]

    # The page with a wijk choice: the user's own wijken come first.
    open_url(page, f"{url}/{path}")
    title = next(p.title for p in router.PAGES if p.url_path == path)
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    wijk = page.locator("[data-testid=stSelectbox], [data-testid=stMultiSelect]").filter(has=page.get_by_text(re.compile(r"^Wijk"))).first
    expect(wijk).to_be_visible()
    chosen = wijk.inner_text()
    if not any(name in chosen for name in OWN_WIJKEN):
        wijk.locator("input").click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        names = [t.strip() for t in options.all_inner_texts() if t.strip() != "Select all"]  # a multiselect's own first option
        assert names[: len(OWN_WIJKEN)] == list(OWN_WIJKEN) or names[0] in OWN_WIJKEN, names
        page.keyboard.press("Escape")
    page.screenshot(path=str(ROOT / "tests" / "e2e" / "screenshots" / f"hosted-wijkmanager-{path}.png"))

    # A page the role may not open is not served by url: Streamlit says so and runs Kompas.
    for forbidden in ("data",):
        open_url(page, f"{url}/{forbidden}")
        expect(page.get_by_text("Page not found")).to_be_visible()
        expect(page.get_by_role("heading", name="Data & eigenaarschap")).to_have_count(0)
        expect(page.get_by_role("heading", name="Kompas").first).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_text("Page not found")).to_have_count(0)

    # Logout: the app's cookie goes, the provider ends its session, the login screen is back.
    page.get_by_test_id("stSidebar").get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{oidc_provider}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app_run(page)
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    assert_no_numbers(page)
    open_url(page, f"{url}/{path}")
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    assert_no_numbers(page)

    server_log = log.read_text(encoding="utf-8", errors="replace")
    assert COOKIE_SECRET not in server_log and CLIENT_SECRET not in server_log, "secrets never logged"
    assert "eyJ" not in server_log, "no token (JWT) in the log"
    views = [line for line in server_log.splitlines() if '"event": "page_view"' in line and "wijkmanager@zwolle.test" in line]
    assert any(f'"page": "{path}"' in line for line in views), "the audit log has the page view"
    assert any('"event": "logout"' in line for line in server_log.splitlines())


def test_the_server_prepares_the_forecast_of_the_wijkmanagers_wijken(hosted_app):
    _, log = hosted_app
    deadline = time.monotonic() + 120
    while "prognose voorbereid voor 2 wijk(en)" not in log.read_text(encoding="utf-8", errors="replace"):
        assert time.monotonic() < deadline, "no 'prognose voorbereid' line in the server log:\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:]
        time.sleep(0.5)
    assert "voorbereiden mislukt" not in log.read_text(encoding="utf-8", errors="replace")


def test_gast_cannot_open_the_youth_care_page_by_url(page, hosted_app, oidc_provider):
    url, _ = hosted_app
    log_in(page, url, oidc_provider, "gast@zwolle.test")
    expect(page.get_by_test_id("stSidebar").get_by_text("Gerrit Gast")).to_be_visible()
    open_url(page, f"{url}/jeugd")
    expect(page.get_by_text("Page not found")).to_be_visible()
    expect(page.get_by_role("heading", name="Sturingsdashboard Jeugd")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Kompas").first).to_be_visible()
