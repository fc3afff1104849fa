"""Safe to leave running, in a real browser: the warehouse rebuilt under open sessions, and hostile
text in the data (an aanbieder called `=HYPERLINK(...)` or `<script>...`) in the page, the CSV and
the Excel file."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

import metrics
from metrics import format as fmt
from tests.conftest import DEMO_PEILDATUM
from tests.e2e.browser import assert_no_exception, wait_for_app_run
from tests.e2e.conftest import serve
from tests.hosting import FORMULA, SCRIPT, build, injected_inputs
from ui.selection import WORD_JOINER

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TILE = "Lasten januari t/m oktober 2026"


def _open(pg, url: str) -> None:
    pg.goto(url)
    wait_for_app_run(pg)
    assert_no_exception(pg)


def _tile(pg, label: str) -> str:
    tile = pg.get_by_test_id("stMetric").filter(has=pg.get_by_test_id("stMetricLabel").filter(has_text=label)).first
    return tile.get_by_test_id("stMetricValue").inner_text().strip()


def _lasten(db: Path) -> str:
    engine = metrics.Engine(metrics.open_warehouse(db))
    return fmt.value("lasten", engine.query("lasten", where=metrics.year_to_date(2026, 10), scope=metrics.Scope.local())["waarde"][0])


def _deleted_open(pid: int, db: Path) -> int:
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        n += target.startswith(str(db)) and target.endswith("(deleted)")
    return n


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_rebuild_while_sessions_are_open_shows_no_error_and_then_the_new_numbers(browser, demo_db, chromium_path, tmp_path):
    from data_sources import demo

    served = tmp_path / "served.duckdb"
    shutil.copy(demo_db, served)
    other = demo.write(tmp_path / "raw194", seed=194, scale=1.0, peildatum=DEMO_PEILDATUM, progress=lambda msg: None)
    before = _lasten(served)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL") for _ in range(3)]
    pages = [c.new_page() for c in contexts]
    with serve(served, tmp_path / "server.log") as server:
        try:
            for pg in pages:
                _open(pg, f"{server.url}/jeugd")
                assert _tile(pg, TILE) == before
            rss_before = _rss_mb(server.pid)
            build_log = open(tmp_path / "build.log", "wb")
            rebuild = subprocess.Popen(
                [sys.executable, "-m", "data_sources", "build", "--inputs", str(other), "--db", str(served)],
                cwd=ROOT, stdout=build_log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            # The sessions keep working while the build runs and lands.
            rounds = 0
            while rebuild.poll() is None or rounds < 3:
                pg = pages[rounds % len(pages)]
                pg.reload()
                wait_for_app_run(pg)
                assert_no_exception(pg)
                expect(pg.get_by_test_id("stMetric").first).to_be_visible()
                rounds += 1
                assert rounds < 200, "the build did not finish"
            build_log.close()
            assert rebuild.returncode == 0, (tmp_path / "build.log").read_text()
            after = _lasten(served)
            assert after != before, "the second demo has other youth-care figures"
            # Every open session shows the new build's numbers on its next run, without a restart.
            for pg in pages:
                pg.get_by_role("tab", name="Per aanbieder").click()
                wait_for_app_run(pg)
                assert_no_exception(pg)
                assert _tile(pg, TILE) == after
            time.sleep(0.5)
            assert _deleted_open(server.pid, served) == 0, "the old build's file is closed once no run uses it"
            rss_after = _rss_mb(server.pid)
            print(f"server RSS {rss_before:.0f} MB before the rebuild, {rss_after:.0f} MB after; {rounds} page runs during the build")
            assert rss_after - rss_before < 400, "a rebuild does not keep the old build in memory"
        finally:
            for c in contexts:
                c.close()
        assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def injected_app(demo_inputs, chromium_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("injected-e2e")
    db = build(injected_inputs(demo_inputs, out / "raw"), out / "injected.duckdb")
    with serve(db, out / "server.log") as server:
        yield server.url


def _pick_aanbieder(pg, name: str) -> None:
    box = pg.get_by_test_id("stSelectbox").filter(has=pg.get_by_text("Aanbieder", exact=True))
    box.locator("input").click()
    pg.keyboard.type(name[:12])
    pg.get_by_role("option").filter(has_text=name[:12]).first.click()
    wait_for_app_run(pg)
    assert_no_exception(pg)


def test_hostile_names_are_text_on_the_page_and_neutralised_in_csv_and_excel(page, injected_app, tmp_path):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _open(page, f"{injected_app}/jeugd")
    page.get_by_role("tab", name="Per aanbieder").click()
    wait_for_app_run(page)

    # Downloads of the table of all aanbieders.
    key = "lasten-per-aanbieder-januari-t-m-oktober-2026"
    with page.expect_download() as dl:
        page.locator(f".st-key-csv-{key} button").click()
    csv_text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    (tmp_path / "aanbieders.csv").write_text(csv_text, encoding="utf-8")
    import csv

    first = [row[0] for row in csv.reader(io.StringIO(csv_text), delimiter=";")]
    assert "'" + FORMULA in first and SCRIPT in first
    assert not [c for c in first if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    with page.expect_download() as dl:
        page.locator(f".st-key-xlsx-{key} button").click()
    with zipfile.ZipFile(dl.value.path()) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        shared = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet, "no formula in the Excel file"
    assert "&apos;=HYPERLINK" in shared or "'=HYPERLINK" in shared

    # The names as filter choices: shown literally in every heading, nothing runs or loads.
    for name in (SCRIPT, FORMULA):
        _pick_aanbieder(page, name)
        expect(page.get_by_role("heading").filter(has_text=name[:12]).first).to_be_visible()
        # Read as the user reads it (the word joiners that keep addresses from becoming links are invisible).
        headings = [t.replace(WORD_JOINER, "") for t in page.get_by_role("heading").all_inner_texts()]
        assert len([t for t in headings if name in t]) >= 3, headings
    found = page.evaluate(
        """() => ({
            scripts: [...document.scripts].filter(s => s.textContent.includes("xss")).length,
            links: document.querySelectorAll("a[href*='evil.example'], a[href^='mailto']").length,
            images: document.querySelectorAll("img[src*='evil.example']").length,
            bold: [...document.querySelectorAll("h1 strong, h2 strong, h3 strong")].filter(e => e.textContent === "Co").length,
        })"""
    )
    assert found == {"scripts": 0, "links": 0, "images": 0, "bold": 0}, found
    assert dialogs == [], "no script ran"
    assert not [u for u in requests if "evil.example" in u], "nothing was fetched from a url in the data"
    assert re.search(r"=HYPERLINK", page.get_by_test_id("stMain").inner_text())
