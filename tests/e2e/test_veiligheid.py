"""Veiligheid in wijken in a real browser: pick a wijk, download its wijkrapport and read the PDF
back; the choices live in the url; the page also works 390 px wide (a phone in the driehoek)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

import metrics
from metrics import format as fmt
from tests.e2e.browser import TIMEOUT_MS, assert_no_exception, open_app, wait_for_app_run
from tests.e2e.conftest import SHOTS, full_screenshot

pytestmark = pytest.mark.e2e


def open_veiligheid(page, url: str) -> None:
    open_app(page, url.split("/veiligheid")[0])  # through the router first
    page.goto(url)
    wait_for_app_run(page)
    assert_no_exception(page)


def test_pick_a_wijk_and_download_its_wijkrapport(page, app_url, demo_db, tmp_path):
    open_veiligheid(page, f"{app_url}/veiligheid")
    expect(page.get_by_role("heading", name="Veiligheid in wijken")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() >= 3
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()

    page.get_by_test_id("stSelectbox").filter(has_text="Wijk (wijkprofiel").click()
    page.get_by_role("option", name="Wijk 13 Assendorp", exact=True).click()
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(page.get_by_role("heading", name="Wijkprofiel Wijk 13 Assendorp, 2025")).to_be_visible()
    assert "wijk=Wijk+13+Assendorp" in page.url or "wijk=Wijk%2013%20Assendorp" in page.url

    button = page.get_by_role("button", name=re.compile("Wijkrapport Wijk 13 Assendorp"))
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=2 * TIMEOUT_MS) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "wijkrapport-wijk-13-assendorp-2025.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    engine = metrics.Engine(metrics.open_warehouse(demo_db))
    local = metrics.Scope(role="databrigade")
    assert "Wijkrapport veiligheid: Wijk 13 Assendorp" in text
    for metric in ("misdrijven", "high_impact_crimes", "inwoners", "woningen"):
        value = engine.query(metric, where={"jaar": 2025, "wijk": "WK019313"}, scope=local)["waarde"][0]
        assert fmt.number(value, "aantal") in text, metric
    assert "peildatum 1 nov 2026" in text and "Bronnen" in text


def test_the_view_is_in_the_url_and_fits_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        open_veiligheid(pg, f"{app_url}/veiligheid?jaar=2024&wijk=Wijk+22+Stadshagen&niveau=Buurten")
        expect(pg.get_by_role("heading", name="Wijkprofiel Wijk 22 Stadshagen, 2024")).to_be_visible()
        expect(pg.get_by_role("heading", name="Per buurt: misdrijven per 1.000 inwoners, 2024")).to_be_visible()
        expect(pg.get_by_test_id("stMetric").filter(has_text="Geregistreerde misdrijven 2024")).to_be_visible()
        # Nothing wider than the phone: no horizontal scrolling of the page itself.
        width = pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
        assert width <= 392, width
        # The app opens with the menu expanded (Home.py); on a phone it covers the page: close it.
        collapse = pg.get_by_test_id("stSidebarCollapseButton").locator("button")
        if collapse.count() and collapse.first.is_visible():
            collapse.first.click()
            pg.wait_for_timeout(500)
        SHOTS.mkdir(exist_ok=True)
        full_screenshot(pg, SHOTS / "test_veiligheid_390px.png")
    finally:
        context.close()
