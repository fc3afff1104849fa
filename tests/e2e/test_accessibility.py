"""WCAG 2.1 AA in a real browser (issue 15): an axe-core scan of every page, and every page usable on
a phone (390 px) and a tablet (768 px): sidebar collapsed, no sideways scrolling, tiles stacked,
wide tables scrolling inside themselves, filters reachable. Screenshots of each width are kept in
tests/e2e/screenshots/ for a person to look at.

Where Streamlit itself causes a violation the app cannot fix, it is listed in KNOWN with the rule,
the element and the reason, and README's toegankelijkheidsverklaring says so; nothing else is
excused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, wait_for_app_run
from tests.e2e.conftest import SHOTS, full_screenshot
from tests.e2e.test_hosted import log_in
from ui import access, router

pytestmark = pytest.mark.e2e

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# (rule id, a fragment of the element's selector, why the app cannot fix it). Empty today.
KNOWN: list[tuple[str, str, str]] = []
PAGES = [p.url_path for p in router.visible(access.LOCAL_USER)]


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    found = []
    for v in result.response["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        nodes = [n for n in v["nodes"] if not any(rule == v["id"] and part in " ".join(map(str, n["target"])) for rule, part, _ in KNOWN)]
        found += [{"rule": v["id"], "impact": v["impact"], "target": n["target"], "why": (n.get("failureSummary") or "")[:300]} for n in nodes]
    return found


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app_run(page)
    assert_no_exception(page)
    page.wait_for_timeout(800)  # charts draw after the script run


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "kompas")
def test_axe_finds_no_serious_violations(page, app_url, path):
    _open(page, f"{app_url}/{path}")
    assert _axe(page) == []


def _small_screen_checks(pg, width: int) -> None:
    """The sidebar starts collapsed, nothing runs off the screen, tiles stack, filters stay reachable."""
    expect(pg.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    # Never sideways scrolling: the document is no wider than the screen.
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow} px"
    # Nothing reaches past the screen's edge, unless it scrolls inside a container that fits
    # (a wide table, the tab bar): that container is what the user swipes.
    wide = pg.evaluate(
        """(w) => {
            const scrollsInside = e => { for (let a = e.parentElement; a; a = a.parentElement) {
                const o = getComputedStyle(a).overflowX;
                if ((o === 'auto' || o === 'scroll' || o === 'hidden') && a.getBoundingClientRect().right <= w + 1) return true; }
                return false; };
            return [...document.querySelectorAll('[data-testid=stMain] *')]
                .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'fixed'
                             && !e.closest('svg') && !scrollsInside(e))
                .map(e => (e.getAttribute('data-testid') || e.tagName) + ':' + Math.round(e.getBoundingClientRect().right)).slice(0, 5); }""",
        width,
    )
    assert wide == [], f"elements wider than the screen: {wide}"
    # Tiles stack on a phone: each one below the one before, never two side by side.
    if width < 500 and pg.get_by_test_id("stMetric").count() >= 2:
        boxes = sorted((b for b in (m.bounding_box() for m in pg.get_by_test_id("stMetric").all()[:6]) if b), key=lambda b: b["y"])
        side_by_side = [(a["x"], b["x"]) for a, b in zip(boxes, boxes[1:]) if b["y"] < a["y"] + a["height"] - 1]
        assert side_by_side == [], f"tiles side by side on a phone at x = {side_by_side}"
    # Filters stay reachable: every filter widget is within the screen's width.
    for box in (w.bounding_box() for w in pg.locator("[data-testid=stSelectbox], [data-testid=stMultiSelect]").all()):
        assert box is None or box["x"] + box["width"] <= width + 1


def _phone_then_tablet(pg, url: str, name: str | None) -> None:
    """The page opened on a phone (390 px), then the screen widened to a tablet's 768 px (turned,
    or the same page on a tablet): the small-screen checks at both, a screenshot of each when
    named."""
    SHOTS.mkdir(exist_ok=True)
    pg.set_viewport_size({"width": 390, "height": 844})
    _open(pg, url)
    if pg.get_by_test_id("stSidebar").get_attribute("data-collapsed") != "true":
        pg.get_by_test_id("stSidebarCollapseButton").locator("button").click()  # folded by the user
    _small_screen_checks(pg, 390)
    if name:
        full_screenshot(pg, SHOTS / f"{name}-390.png")
    pg.set_viewport_size({"width": 768, "height": 1024})
    pg.wait_for_timeout(500)  # charts redraw at the new width
    _small_screen_checks(pg, 768)
    if name:
        full_screenshot(pg, SHOTS / f"{name}-768.png")


def _touch_context(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", has_touch=True, is_mobile=True)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "kompas")
def test_small_screens(browser, app_url, path):
    context = _touch_context(browser)
    pg = context.new_page()
    try:
        _phone_then_tablet(pg, f"{app_url}/{path}", f"small-{path or 'kompas'}")
        pg.set_viewport_size({"width": 390, "height": 844})
        pg.wait_for_timeout(500)
        assert _axe(pg) == []
    finally:
        context.close()


def test_a_tablet_starts_with_the_sidebar_collapsed(browser, app_url):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="nl-NL", has_touch=True, is_mobile=True)
    pg = context.new_page()
    try:
        _open(pg, app_url)
        _small_screen_checks(pg, 768)
    finally:
        context.close()


HOSTED_ROLES = ("sociaal_domein", "ruimte", "wijkmanager", "gast")


@pytest.mark.parametrize("role", HOSTED_ROLES)
def test_every_role_on_its_pages(browser, hosted_app, oidc_provider, role):
    """Logged in through the OIDC provider as each role (the Databrigade is local mode above):
    every page the role may open passes the small-screen checks on a phone and a tablet, and axe
    on a desktop with the sidebar open (the role's menu and account in it). One visit per page,
    widened step by step: a visit per width only drew the same page again. Axe on a phone is in
    test_small_screens: it takes seconds per page, and a role changes the numbers, not the layout."""
    sub = f"{role}@zwolle.test"
    url, _ = hosted_app
    user = access.User(name="t", email=sub, role=role, wijken=("WK019313",) if role == "wijkmanager" else None, hosted=True)
    pages = [spec.url_path for spec in router.visible(user)]
    context = _touch_context(browser)
    try:
        pg = context.new_page()
        log_in(pg, url, oidc_provider, sub)
        for path in pages:
            # Screenshots of the wijkmanager's pages (the role that takes them into the wijk); the
            # pages themselves are photographed in local mode above.
            _phone_then_tablet(pg, f"{url}/{path}", f"{role}-{path or 'kompas'}" if role == "wijkmanager" else None)
            pg.set_viewport_size({"width": 1440, "height": 1000})
            sidebar = pg.get_by_test_id("stSidebar")
            try:  # Streamlit may open the sidebar itself once the screen is wide
                expect(sidebar).to_have_attribute("data-collapsed", "false", timeout=2000)
            except AssertionError:
                pg.get_by_test_id("stExpandSidebarButton").click()
            expect(sidebar).to_have_attribute("data-collapsed", "false")
            pg.wait_for_timeout(500)  # charts redraw at the new width
            assert _axe(pg) == [], (role, path)
    finally:
        context.close()
