"""The app in a real browser: every page in the menu opens without an exception."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, open_app, wait_for_app_run
from ui import access, router

pytestmark = pytest.mark.e2e


def test_kompas_shows_zwolle_with_numbers_a_chart_and_a_map(page, app_url):
    open_app(page, app_url)
    expect(page.get_by_role("heading", name="Kompas")).to_be_visible()
    expect(page.get_by_text("Zwolle op 1 januari 2026")).to_be_visible()
    expect(page.get_by_text("Demodata.")).to_be_visible()
    tiles = page.get_by_test_id("stMetric")
    expect(tiles.first).to_be_visible()
    assert tiles.count() >= 3
    # The use-case headlines come first; the inwoners tile follows.
    expect(page.get_by_test_id("stMetric").filter(has_text="Inwoners").first.get_by_test_id("stMetricValue")).to_have_text("134.864")
    expect(page.get_by_text("Signalen", exact=True)).to_be_visible()
    # The map of the real buurt boundaries (an Altair chart) actually drew its canvas/svg.
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    expect(charts.first).to_be_visible()
    expect(page.get_by_text("Grenzen: CBS / PDOK").first).to_be_visible()
    expect(page.get_by_text("Schematische kaart")).to_have_count(0)


def test_every_page_in_the_menu_opens(page, app_url):
    open_app(page, app_url)
    expected = [p.title for p in router.visible(access.LOCAL_USER)]
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    if len(expected) > 1:
        # A link's text starts with its Material icon's name (e.g. "explore\n\nKompas"): compare the titles.
        assert [t.split("\n")[-1].strip() for t in links.all_inner_texts()] == expected
    for spec in router.visible(access.LOCAL_USER):
        page.goto(f"{app_url}/{spec.url_path}")
        wait_for_app_run(page)
        assert_no_exception(page)
        expect(page.get_by_role("heading", name=spec.title).first).to_be_visible()
