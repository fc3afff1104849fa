"""The Monitor ruimtelijke ordening en wonen in a real browser: figures and charts, filters that
change them and live in the url (a view can be shared), and the page at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, open_app, wait_for_app_run
from tests.e2e.conftest import SHOTS, full_screenshot

pytestmark = pytest.mark.e2e


def tile_value(page, label: str):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)).get_by_test_id("stMetricValue")


def open_ruimte(page, url: str) -> None:
    # Through the app first: the router (Home.py) decides which pages exist.
    open_app(page, url.split("/ruimte")[0])
    page.goto(url)
    wait_for_app_run(page)
    assert_no_exception(page)


def test_ruimte_filters_change_the_numbers_and_live_in_the_url(page, app_url):
    open_ruimte(page, f"{app_url}/ruimte")
    expect(page.get_by_role("heading", name="Monitor ruimtelijke ordening en wonen")).to_be_visible()
    expect(page.get_by_text("Zwolle in 2025")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() >= 8
    before = tile_value(page, "Nieuwbouw 2025").inner_text()
    gebouwd = tile_value(page, "Gebouwd 2020–2025").inner_text()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", before), before
    expect(tile_value(page, "Plancapaciteit")).to_have_text("11.859")
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 8
    assert page.get_by_role("button", name="PNG").count() >= 8

    # Another CBS year: the headline and its tiles follow.
    page.get_by_test_id("stSelectbox").filter(has_text="Jaar (CBS-cijfers)").click()
    page.get_by_role("option", name="2022", exact=True).click()
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(page.get_by_text("Zwolle in 2022")).to_be_visible()
    expect(tile_value(page, "Nieuwbouw 2022")).not_to_have_text(before)
    expect(tile_value(page, "Gebouwd 2020–2022")).not_to_have_text(gebouwd)
    assert "jaar=2022" in page.url

    # A wijk: the project figures follow (CBS figures are per gemeente, and the page says so).
    pijplijn = tile_value(page, "Woningen in de pijplijn").inner_text()
    page.get_by_test_id("stMultiSelect").filter(has_text="Wijk").click()
    page.get_by_role("option", name="Wijk 22 Stadshagen").click()
    page.keyboard.press("Escape")
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(tile_value(page, "Woningen in de pijplijn")).not_to_have_text(pijplijn)
    after = tile_value(page, "Woningen in de pijplijn").inner_text()
    expect(page.get_by_text("Filter op wijk geldt hier niet").first).to_be_visible()
    assert "wijk=Wijk+22+Stadshagen" in page.url

    # The url is the view: opened fresh, it shows the same selection and figures.
    shared = page.url
    page.goto(app_url)
    wait_for_app_run(page)
    page.goto(shared)
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(tile_value(page, "Woningen in de pijplijn")).to_have_text(after)
    expect(page.get_by_text("Zwolle in 2022")).to_be_visible()


def test_ruimte_on_a_phone(browser, app_url):
    """390 px wide: the filter bar, tiles, charts and tables stack; nothing runs off into an error."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    pg = context.new_page()
    try:
        open_ruimte(pg, f"{app_url}/ruimte?niveau=Per+buurt")
        collapse = pg.get_by_test_id("stSidebarCollapseButton")
        if collapse.count():
            collapse.first.click(force=True)
            pg.wait_for_timeout(300)
        expect(pg.get_by_role("tab", name="Per buurt")).to_have_attribute("aria-selected", "true")
        for chart in pg.locator("[data-testid='stVegaLiteChart']").all():
            box = chart.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
        SHOTS.mkdir(exist_ok=True)
        full_screenshot(pg, SHOTS / "test_ruimte_on_a_phone.png")
        assert_no_exception(pg)
    finally:
        context.close()
