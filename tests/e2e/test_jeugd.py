"""The Sturingsdashboard Jeugd in a real browser: figures, charts, a filter that changes them, and
the filter state in the url (a view can be shared)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, open_app, wait_for_app_run

pytestmark = pytest.mark.e2e

LASTEN = "Lasten januari t/m oktober 2026"


def tile_value(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def open_jeugd(page, url: str) -> None:
    # Through the app first: the router (Home.py) decides which pages exist.
    open_app(page, url.split("/jeugd")[0])
    page.goto(url)
    wait_for_app_run(page)
    assert_no_exception(page)


def test_jeugd_filter_changes_the_numbers_and_lives_in_the_url(page, app_url):
    open_jeugd(page, f"{app_url}/jeugd")
    expect(page.get_by_role("heading", name="Sturingsdashboard Jeugd")).to_be_visible()
    expect(page.get_by_text("Zwolle: januari t/m oktober 2026")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() >= 6
    before = tile_value(page, LASTEN).inner_text()
    assert re.fullmatch(r"€ \d+(,\d)? mln", before), before
    # Charts drew, with a PNG download each; the backtest error is stated.
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5
    assert page.get_by_role("button", name="PNG").count() >= 5
    page.get_by_text("Hoe goed is de prognose? De toets op eerdere jaren").click()
    # Opening the section reruns the page: its text shows once that rerun has begun.
    expect(page.get_by_text("Hoe goed is de prognose? We hebben hem achteraf opnieuw gemaakt")).to_be_visible()
    wait_for_app_run(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Afwijking prognose eind juni")).to_be_visible()

    # Back up to the filters as a user scrolls, before clicking: a select list opened while
    # Playwright is still scrolling the page closes again.
    soort = page.get_by_test_id("stSelectbox").filter(has_text="Soort jeugdhulp")
    soort.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    soort.click()
    page.get_by_role("option", name="jeugd-GGZ", exact=True).click()
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(tile_value(page, LASTEN)).not_to_have_text(before)
    after = tile_value(page, LASTEN).inner_text()
    expect(page.get_by_text("Zwolle: januari t/m oktober 2026 · jeugd-GGZ")).to_be_visible()
    assert "soort=jeugd-GGZ" in page.url

    # The url is the view: opened fresh, it shows the same selection and figures.
    shared = page.url
    page.goto(app_url)
    wait_for_app_run(page)
    page.goto(shared)
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(tile_value(page, LASTEN)).to_have_text(after)
    expect(page.get_by_role("combobox", name="Soort jeugdhulp")).to_have_value("jeugd-GGZ")


def test_jeugd_tab_and_year_from_the_url(page, app_url):
    open_jeugd(page, f"{app_url}/jeugd?jaar=2025&tm=december&tab=Per+aanbieder")
    expect(page.get_by_text("Zwolle: heel 2025")).to_be_visible()
    expect(tile_value(page, "Lasten heel 2025")).to_be_visible()
    expect(page.get_by_text("De 5 grootste hebben samen")).to_be_visible()
    expect(page.get_by_role("tab", name="Per aanbieder")).to_have_attribute("aria-selected", "true")
