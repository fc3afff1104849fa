"""Veiligheid in wijken under AppTest: every role that may open it, the wijkmanager's own wijk, the
notices for guests, the wijkrapport PDF (same figures, same disclosure control), and the page built
from the real public files for Zwolle (6.827 misdrijven in 2023, Binnenstad-Zuid 741) and Deventer."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

import metrics
from data_sources import inputs
from data_sources.build import build
from metrics import format as fmt
from tests.apptest import open_page, texts, write_roles
from ui import blocks_veiligheid

ROLES = [None, "databrigade", "wijkmanager", "gast"]
WIJKMANAGER = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019314"})


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    return demo_db


@pytest.fixture(scope="module")
def engine(demo_db):
    return metrics.Engine(metrics.open_warehouse(demo_db))


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frames_text(at) -> str:
    return "\n".join(df.value.to_csv(index=False) for df in at.dataframe)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "lokaal")
def test_page_runs_for_every_role(env, engine, role):
    at = open_page("veiligheid", role=role, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert len(t) >= 3 and len(at.dataframe) >= 3
    scope = WIJKMANAGER if role == "wijkmanager" else metrics.Scope(role=role or "databrigade")
    total = engine.query("misdrijven", where={"jaar": 2025}, scope=scope)["waarde"][0]
    assert t["Geregistreerde misdrijven 2025"] == fmt.number(total, "aantal"), "the latest complete year by default"
    hic = engine.query("high_impact_crimes", where={"jaar": 2025}, scope=scope)["waarde"][0]
    assert t["High-impact crimes"] == fmt.number(hic, "aantal")
    parts = [engine.query(m, where={"jaar": 2025}, scope=scope)["waarde"][0] for m in ("woninginbraken", "straatroven", "overvallen", "hic_geweld")]
    assert sum(parts) == hic, "woninginbraak, straatroof, overval and geweld make up the high-impact crimes"
    shown = texts(at)
    assert "niet aan een buurt toewijzen" in shown, "the page says why the buurten do not add up to the gemeente"
    assert "95%-interval" in frames_text(at)
    if role == "gast":
        assert not any(label.startswith(("Meldingen", "Binnen termijn")) for label in t)
        assert "'Meldingen openbare ruimte' is niet zichtbaar voor de rol Gast." in shown
        assert "'Jeugdigen met jeugdhulp' is niet zichtbaar voor de rol Gast." in shown
        assert "Jeugd" not in [str(v) for df in at.dataframe for v in df.value.iloc[:, 0].tolist()]
    else:
        label = "Meldingen openbare ruimte" + (", uw wijken" if role == "wijkmanager" else "")
        meldingen = engine.query("meldingen", where={"jaar": 2025}, scope=scope)["waarde"][0]
        assert t[label] == fmt.number(meldingen, "aantal")
        termijn = engine.query("afhandeltermijn", scope=scope)["waarde"][0]
        assert f"**{fmt.number(termijn, 'werkdagen')}**" in shown or fmt.number(termijn, "werkdagen") in shown
    wijk = at.selectbox(key="wijk").value
    assert wijk == ("WK019313" if role == "wijkmanager" else "WK019310"), "a wijkmanager starts on their own wijk"


def test_wijkmanager_compares_with_other_wijken_but_sees_internal_figures_of_their_own_only(env):
    at = open_page("veiligheid", role="wijkmanager", timeout=120)
    at.selectbox(key="wijk").set_value("WK019322").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "Wijkprofiel Wijk 22 Stadshagen, 2025" in shown
    assert "Jeugdhulp: cijfers alleen voor uw eigen wijken." in shown
    assert "Meldingen openbare ruimte: alleen voor uw eigen wijken." in shown
    at.radio(key="niveau").set_value("buurt").run()
    assert not at.exception
    assert "Per buurt: misdrijven per 1.000 inwoners, 2025" in texts(at)
    assert "Stadsbroek" in frames_text(at)


def test_wijkrapport_pdf_has_the_wijk_and_its_numbers_under_disclosure_control(engine):
    scoped = metrics.ScopedEngine(engine, WIJKMANAGER)
    profiel = scoped.analysis("veiligheid.wijkprofiel", "WK019313", 2025)
    start = time.perf_counter()
    data = blocks_veiligheid.rapport(profiel, rol="Wijkmanager", demo=True)
    seconds = time.perf_counter() - start
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1, "one page for the driehoek"
    text = reader.pages[0].extract_text()
    assert "Wijkrapport veiligheid: Wijk 13 Assendorp" in text and "peildatum 1 nov 2026" in text
    misdrijven = engine.query("misdrijven", where={"jaar": 2025, "wijk": "WK019313"}, scope=WIJKMANAGER)["waarde"][0]
    assert fmt.number(misdrijven, "aantal") in text
    for regel in profiel.regels:
        assert regel.wijk in text and regel.onderwerp in text
    jeugd = next(r for r in profiel.regels if r.onderwerp == "Jeugdigen met jeugdhulp")
    cel = engine.query("jeugdigen", where={"jaar": 2025, "wijk": "WK019313"}, scope=WIJKMANAGER).row(0, named=True)
    assert jeugd.wijk == fmt.value("jeugdigen", cel["waarde"], geheim=cel["geheim"]), "the PDF shows the protected cell"
    assert cel["geheim"] or int(cel["waarde"]) % 5 == 0
    assert "Bronnen" in text and "Geregistreerde misdrijven per wijk en buurt" in text
    print(f"wijkrapport in {seconds:.2f} s")
    guest = metrics.ScopedEngine(engine, metrics.Scope(role="gast")).analysis("veiligheid.wijkprofiel", "WK019313", 2025)
    guest_text = PdfReader(io.BytesIO(blocks_veiligheid.rapport(guest, rol="Gast", demo=True))).pages[0].extract_text()
    assert "Jeugdigen" not in guest_text and "Meldingen openbare ruimte" not in guest_text
    assert fmt.number(misdrijven, "aantal") in guest_text


# ---- the real public files ---------------------------------------------------------------------

MISDRIJVEN = Path("cbs_47018NED_misdrijven_buurt_2023")


def real_build(realdata: Path, tmp_path: Path, gemeente: str) -> Path:
    m = realdata / MISDRIJVEN
    toml = (
        f'gemeente = "{gemeente}"\npeildatum = 2024-06-01\n\n'
        f'[cbs_regios]\nfiles = ["{m / "WijkenEnBuurten_subset.csv"}"]\n\n'
        f'[politie_misdrijven]\nfiles = ["{m / "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv"}", "{m / "SoortMisdrijf.csv"}"]\n'
    )
    if gemeente == "GM0193":
        portaal = ", ".join(f'"{p}"' for p in sorted((realdata / "zwolle_cijfersoverzwolle").glob("demographics-buurt-*.csv")))
        toml += f'\n[zwolle_portaal]\nfiles = [{portaal}]\n\n[geo_buurten]\nfiles = ["{realdata / "zwolle_hackathon2015_buurten" / "bu_2014_zwolle.geojson"}"]\n'
    path = tmp_path / "inputs.toml"
    path.write_text(toml, encoding="utf-8")
    db = tmp_path / f"{gemeente}.duckdb"
    build(inputs.load(path), db, progress=lambda msg: None)
    return db


def test_real_zwolle_2023(realdata, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(real_build(realdata, tmp_path, "GM0193")))
    at = open_page("veiligheid", timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert t["Geregistreerde misdrijven 2023"] == "6.827"
    assert t["Misdrijven per 1.000 inwoners"] == fmt.number(6827 / 132_399 * 1000, "decimaal")  # inwoners 1 januari 2023 (portaal)
    shown = texts(at)
    assert "geen gemeentecijfer, alleen buurten" in shown, "the total is the sum of the buurten, and the page says so"
    assert "alleen het totaal van de misdrijven" in shown
    table = frames_text(at)
    assert re.search(r"Wijk 13 Assendorp,1\.447,", table) and re.search(r"Wijk 10 Binnenstad,1\.015,", table)
    at.radio(key="niveau").set_value("buurt").run()
    assert not at.exception, [e.value for e in at.exception]
    table = frames_text(at)
    assert re.search(r"Binnenstad-Zuid,741,", table) and re.search(r"Stationsbuurt,576,", table)


def test_real_deventer_2023(realdata, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(real_build(realdata, tmp_path, "GM0150")))
    at = open_page("veiligheid", timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert t["Geregistreerde misdrijven 2023"] == "4.787"
    shown = texts(at)
    assert "Bevolking en woningen per buurt" in shown or "is niet beschikbaar" in shown, "no population loaded: the page says so"
    assert re.search(r"Centrum,582,", frames_text(at)) is None  # wijk level first
    at.radio(key="niveau").set_value("buurt").run()
    assert not at.exception
    assert re.search(r"Centrum,582,", frames_text(at))
