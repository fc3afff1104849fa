"""The Sturingsdashboard Jeugd under AppTest: every role that may open it, the filters, the tabs,
and disclosure control for the wijkmanager. Figures are checked against the metrics engine, so the
page shows what the engine computes (and the backtest error is computed, not typed)."""

from __future__ import annotations

import re

import pytest

import metrics
from metrics import format as fmt
from metrics.jeugd import jeugdzorg, prognose
from tests.apptest import open_page, texts, write_roles
from ui import access, router

ROLES = [None, "databrigade", "sociaal_domein", "wijkmanager"]
WIJKMANAGER = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019314"})
EIGEN_WIJKEN = {"Wijk 13 Assendorp", "Wijk 14 Kamperpoort-Veerallee"}
TABS = ["Per soort jeugdhulp", "Per taakveld (Iv3)", "Per aanbieder", "Per verwijzer"]


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


def count(text: str) -> int | None:
    """A count as the page shows it ("1.863"), or None for other text (geheim, amounts, percentages)."""
    return int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})*", text) else None


def assert_disclosed(values) -> None:
    """Person counts: 'geheim' or a multiple of 5, never 1-7."""
    for v in values:
        n = count(str(v))
        if n is not None:
            assert n % 5 == 0 and not 1 <= n <= 7, f"person count {v} shown"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "lokaal")
def test_jeugd_page_runs_for_every_role(env, engine, role):
    at = open_page("jeugd", role=role, opened=("backtest",))
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    scope = WIJKMANAGER if role == "wijkmanager" else metrics.Scope(role=role or "databrigade")
    jaar, maand = jeugdzorg.standaard_periode(engine.info.peildatum)
    periode = f"januari t/m oktober {jaar}"
    assert (jaar, maand) == (2026, 10)
    area = "Uw wijken (Wijk 13 Assendorp, Wijk 14 Kamperpoort-Veerallee)" if role == "wijkmanager" else "Zwolle"
    assert f"{area}: {periode}" in shown, "the headline says which area and period"
    assert "Demodata" in shown
    t = tiles(at)
    assert len(t) >= 6 and len(at.dataframe) >= 3
    ytd = metrics.year_to_date(jaar, maand)
    lasten = engine.query("lasten", where=ytd, scope=scope)["waarde"][0]
    assert t[f"Lasten {periode}"] == fmt.value("lasten", lasten)
    prog = engine.query("prognose", where={"jaar": jaar}, scope=scope)["waarde"][0]
    assert t[f"Prognose jaareinde {jaar}"] == fmt.value("prognose", prog)
    # The backtest of the forecast is on the page with the errors computed on this warehouse.
    bt = jeugdzorg.backtest(engine, scope, jeugdzorg.Keuze(jaar=jaar, tm_maand=12))
    assert prognose.explain(bt, jeugdzorg.herkomst(engine)) in shown
    for r in prognose.summary(bt).iter_rows(named=True):
        assert t[f"Afwijking prognose eind {['maart', 'juni', 'september'][r['checkpoint'] // 3 - 1]}"] == fmt.number(r["mape"] / 100, "procent")
    if role in (None, "databrigade", "sociaal_domein"):
        bg = engine.query("begroting_actueel", where={"jaar": jaar}, scope=scope)["waarde"][0]
        assert t[f"Actuele begroting {jaar}"] == fmt.value("begroting_actueel", bg)
        assert "Verwachte overschrijding" in t or "Verwachte onderschrijding" in t
    if role in (None, "databrigade"):
        assert t["Jeugdigen met jeugdhulp"] == fmt.value("jeugdigen", engine.query("jeugdigen", where=ytd, scope=scope)["waarde"][0])
    else:
        assert_disclosed([t["Jeugdigen met jeugdhulp"], t["Instroom: gestarte trajecten"], t["Uitstroom: beëindigde trajecten"]])


def test_wijkmanager_sees_only_their_wijken_rounded_and_no_budget(env):
    at = open_page("jeugd", role="wijkmanager")
    assert not at.exception
    # The test on earlier years is drawn (and made) only when its section is opened.
    assert [e.label for e in at.expander if e.label.startswith("Hoe goed is de prognose?")]
    assert not any(m.label.startswith("Afwijking prognose") for m in at.metric)
    shown = texts(at)
    assert "Actuele begroting jeugd: de begroting geldt voor de gemeente als geheel en is niet zichtbaar voor de rol Wijkmanager." in shown
    assert not any(label.startswith("Actuele begroting") for label in tiles(at))
    assert set(at.multiselect(key="wijk").options) == EIGEN_WIJKEN
    wijk_tabel = next(df.value for df in at.dataframe if "Jeugdigen met jeugdhulp 2026" in df.value.columns)
    assert set(wijk_tabel["Wijk"]) == EIGEN_WIJKEN
    assert_disclosed(wijk_tabel["Jeugdigen met jeugdhulp 2026"])
    for m in at.metric:
        if m.label in ("Jeugdigen met jeugdhulp", "Instroom: gestarte trajecten", "Uitstroom: beëindigde trajecten"):
            assert_disclosed([m.value])
    # The verwijzer tab counts trajecten: rounded as well, and only within their wijken.
    at.session_state["tab"] = "Per verwijzer"
    at.run()
    assert not at.exception
    instroom = next(df.value for df in at.dataframe if any("(trajecten)" in c for c in df.value.columns))
    for col in instroom.columns:
        if "(trajecten)" in col or col == "Vorig jaar":
            assert_disclosed(instroom[col])
    assert "Wijk 22 Stadshagen" not in texts(at)


def test_gast_cannot_reach_the_page(env):
    gast = access.User(name="Gast", email="gast@zwolle.test", role="gast", wijken=None, hosted=True)
    assert "jeugd" not in [p.url_path for p in router.visible(gast)]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page("jeugd", role="gast")
    with pytest.raises(metrics.AccessDenied):
        metrics.Engine(metrics.open_warehouse(env)).query("lasten", where={"jaar": 2026}, scope=metrics.Scope(role="gast"))


def test_filters_change_the_figures(env, engine):
    at = open_page("jeugd")
    before = tiles(at)
    at.selectbox(key="soort").select("jeugd-GGZ").run()
    assert not at.exception
    after = tiles(at)
    where = metrics.year_to_date(2026, 10) | {"productgroep": "jeugd-GGZ"}
    assert after["Lasten januari t/m oktober 2026"] == fmt.value("lasten", engine.query("lasten", where=where, scope=metrics.Scope.local())["waarde"][0])
    assert after["Lasten januari t/m oktober 2026"] != before["Lasten januari t/m oktober 2026"]
    assert "jeugd-GGZ" in texts(at)
    at.selectbox(key="jaar").select(2025).run()
    at.selectbox(key="tm").select(12).run()
    assert not at.exception
    after = tiles(at)
    assert after["Lasten heel 2025"] == fmt.value("lasten", engine.query("lasten", where={"jaar": 2025, "productgroep": "jeugd-GGZ"}, scope=metrics.Scope.local())["waarde"][0])


@pytest.mark.parametrize("role", [None, "wijkmanager"], ids=lambda r: r or "lokaal")
def test_every_tab_draws(env, role):
    at = open_page("jeugd", role=role)
    for tab in TABS[1:]:
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception, (tab, [e.value for e in at.exception])
        columns = [c for df in at.dataframe for c in df.value.columns]
        if tab == "Per aanbieder":
            assert "Aanbieder" in columns and "De 5 grootste hebben samen" in texts(at)
        if tab == "Per taakveld (Iv3)":
            assert "Taakveld (reeks)" in columns and "6.72 loopt door in 6.72a" in texts(at)
        if tab == "Per verwijzer":
            assert "Verwijzer" in columns


@pytest.mark.parametrize("omit", [(), ("jeugd_begroting", "kwb", "geo_buurten", "geo_wijken")], ids=["synthetisch", "zonder-begroting-cbs-kaart"])
def test_small_warehouse_without_history_or_sources(tmp_path, monkeypatch, omit):
    """Too little history for a forecast, and optional sources missing: the page says so, no crash."""
    from tests.synthetic import synthetic_warehouse

    db = synthetic_warehouse(tmp_path / "s.duckdb", omit=omit)
    monkeypatch.setenv("DATAKOMPAS_DB", str(db))
    at = open_page("jeugd")
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "Zwolle: januari t/m september 2025" in shown
    assert "ongeveer gelijke tarieven (+0,0%: € 0)" in shown, "every synthetic toewijzing has the same tarief"
    assert "geen prognose te maken" in shown
    if omit:
        assert "'Actuele begroting jeugd' is niet beschikbaar: de gegevens ontbreken (jeugd_begroting" in shown
        assert "Geen kaart geladen" in shown and "CBS-cijfer" in shown
    assert len(at.metric) >= 3 and len(at.dataframe) >= 1


def test_what_if_from_the_url_moves_the_forecast(env, engine):
    """Issue 13: the scenario lives in the url like the filters; the page shows the changed
    forecast beside the unchanged one, as the what-if calculation gives it."""
    from metrics.jeugd import wat_als
    from tests.apptest import app

    at = app(role=None, timeout=120)
    at.query_params.update({"tarief": "10", "instroom": "20"})
    at.run()
    at.switch_page("pages/jeugd.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    keuze = jeugdzorg.Keuze(jaar=2026, tm_maand=12)
    fc = jeugdzorg.prognose_detail(engine, metrics.Scope.local(), keuze)
    expected = wat_als.wat_als(fc, wat_als.Scenario(tarief_pct=10, instroom_pct=20))
    assert t["Prognose, ongewijzigd"] == fmt.value("prognose", expected.prognose)
    assert t["Prognose met deze aannames"] == fmt.value("prognose", expected.prognose_scenario)
    assert expected.prognose_scenario > expected.prognose
    assert any("10" in a for a in expected.aannames) and expected.aannames[0] in texts(at)
