"""The data page in a real browser: upload a broken export and see every problem while the warehouse
stays byte-identical, then a good one, confirm, and see the new numbers. On a server of its own, on
a copy of the demo warehouse (the other browser tests keep theirs)."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import assert_no_exception, open_app, wait_for_app_run
from tests.e2e.conftest import SHOTS, full_screenshot, serve
from tests.test_staging import broken_meldingen, good_meldingen

pytestmark = pytest.mark.e2e
UPLOAD = "Nieuwe+export+laden"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def own_server(demo_db, chromium_path, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    with serve(db, tmp_path / "server.log", env={"DATAKOMPAS_STAGING": str(tmp_path / "staging")}) as server:
        yield server.url, db


def tile(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _upload(page, path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_test_id("stFileUploader").get_by_text(path.name, exact=True)).to_be_visible()
    wait_for_app_run(page)
    page.get_by_role("button", name="Controleren").click()
    wait_for_app_run(page)
    assert_no_exception(page)


def _open_upload(page, url) -> None:
    page.goto(f"{url}/data?tab={UPLOAD}")
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(page.get_by_text("Basis: de inputs.toml van de huidige build")).to_be_visible()
    page.get_by_test_id("stSelectbox").filter(has_text="Bron").click()
    page.get_by_role("option", name="Meldingen openbare ruimte (meldingen)").click()
    wait_for_app_run(page)


def test_upload_broken_then_good_export(page, own_server, demo_inputs, tmp_path):
    url, db = own_server
    open_app(page, url)
    _open_upload(page, url)
    rows_before = tile(page, "Rijen geladen").inner_text()
    before = _sha(db)

    broken = tmp_path / "kapot" / "meldingen.csv"
    broken.parent.mkdir()
    broken.write_bytes(broken_meldingen(demo_inputs))
    _upload(page, broken)
    expect(page.get_by_text("De controle vond 2 probleem/problemen in meldingen.csv (vervangt)")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("meldingen.csv, regel 4, kolom 'datum'")).to_be_visible()
    expect(page.get_by_text("meldingen.csv, regel 8, kolom 'buurt_code'")).to_be_visible()
    expect(page.get_by_role("button", name="Bevestigen en opnieuw bouwen")).to_have_count(0)
    assert _sha(db) == before, "a broken upload leaves the warehouse byte-identical"
    full_screenshot(page, SHOTS / "data-upload-problemen.png")

    _open_upload(page, url)  # a fresh session: an empty uploader
    good = tmp_path / "goed" / "meldingen.csv"
    good.parent.mkdir()
    good.write_bytes(good_meldingen(demo_inputs))
    _upload(page, good)
    expect(page.get_by_text("Geen problemen gevonden in meldingen.csv (vervangt)")).to_be_visible(timeout=60_000)
    assert _sha(db) == before, "checking writes nothing"
    page.get_by_role("button", name="Bevestigen en opnieuw bouwen").click()
    expect(page.get_by_text("Het warehouse is opnieuw gebouwd met de nieuwe export")).to_be_visible(timeout=120_000)
    wait_for_app_run(page)
    assert_no_exception(page)
    assert _sha(db) != before
    expect(tile(page, "Rijen geladen")).not_to_have_text(rows_before)
    # 154.016 demo meldingen became 100.000: 54.016 rows fewer in all.
    before_n = int(rows_before.replace(".", ""))
    assert int(tile(page, "Rijen geladen").inner_text().replace(".", "")) == before_n - 54_016

    # The quality history now has two builds, and the meldingen row count changed between them.
    page.goto(f"{url}/data?tab=Kwaliteit")
    wait_for_app_run(page)
    assert_no_exception(page)
    expect(page.get_by_text("Dit warehouse onthoudt 2 build(s)")).to_be_visible()
    expect(page.get_by_text("controle(s) veranderd over 2 builds")).to_be_visible()
    full_screenshot(page, SHOTS / "data-kwaliteit-verloop.png")


# Kompas and the first tab of /data are opened, scanned and photographed at every width by
# tests/e2e/test_accessibility.py; these are the tabs only a deep link opens.
@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("path", ["data?tab=Open+data", "data?tab=Metrics+en+herkomst"])
def test_screens(page, app_url, path, width):
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{app_url}/{path}")
    wait_for_app_run(page)
    assert_no_exception(page)
    name = (path or "kompas").replace("?tab=", "-").replace("+", "-").lower()
    full_screenshot(page, SHOTS / f"{name}-{width}.png")
