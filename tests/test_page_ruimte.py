"""The Monitor ruimtelijke ordening en wonen (/ruimte) under AppTest: every role that may open it,
filters from the url, and builds from the real public files for Zwolle and for Deventer (another
gemeente, without settings, portal or projects of its own). Tile values are checked against the
metrics engine, so the page shows what the engine computes."""

from __future__ import annotations

import pytest

import metrics
from metrics import format as fmt
from tests.apptest import app, open_page, texts, write_roles
from tests.realbuild import housing_warehouse

ROLES = [None, "databrigade", "ruimte", "wijkmanager", "gast"]
WIJKMANAGER = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019314"})
PROJECT_TILES = {"Woningen in de pijplijn", "Waarvan hard of in aanbouw", "Projecten te laat", "Vertraging oplevering (mnd)"}


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


def value(engine, metric, scope=metrics.Scope(role="databrigade"), **where) -> str:
    return fmt.value(metric, engine.query(metric, where=where, scope=scope)["waarde"][0])


def open_ruimte(params: dict, role: str | None = None):
    """The page opened with url query parameters (as a shared link would)."""
    at = app(role=role, timeout=180)
    at.query_params.update(params)
    at.run()
    at.switch_page("pages/ruimte.py")
    at.run()
    return at


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "lokaal")
def test_ruimte_runs_for_every_role(env, engine, role):
    at = open_page("ruimte", role=role, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    t = tiles(at)
    assert "Zwolle in 2025" in shown and "Demodata" in shown
    assert len(t) >= 3 and len(at.dataframe) >= 1
    # CBS and plancapaciteit are public: the same for every role.
    assert t["Nieuwbouw 2025"] == value(engine, "nieuwbouw", jaar=2025)
    assert t["Voorraad eind 2025"] == value(engine, "woningvoorraad", jaar=2025)
    assert t["Gebouwd 2020–2025"] == value(engine, "nieuwbouw_cumulatief", jaar=2025)
    assert t["Nog te bouwen t/m 2029"] == value(engine, "resterende_opgave", jaar=2025)
    assert (t["Plancapaciteit"], t["Harde plancapaciteit"], t["Zachte plancapaciteit"]) == ("11.859", "3.329", "8.530")
    assert t["Plancapaciteit / opgave"] == value(engine, "plancapaciteit_dekking", jaar=2025)
    assert "Bron of aanname: ABF Research" in shown, "the norm is shown with its source"
    assert "**Hard** zijn plannen waarvoor een vastgesteld ruimtelijk besluit geldt" in shown
    if role == "gast":
        assert not PROJECT_TILES & set(t), "no project figures for guests"
        assert "Woningen in de pijplijn: dit komt uit de interne projectenlijst van de gemeente en is niet zichtbaar voor de rol Gast." in shown
        assert "Prognose uit projecten" not in shown
        return
    scope = WIJKMANAGER if role == "wijkmanager" else metrics.Scope(role=role or "databrigade")
    assert t["Woningen in de pijplijn"] == value(engine, "woningen_pijplijn", scope)
    assert t["Projecten te laat"] == value(engine, "projecten_te_laat", scope)
    late = [df.value for df in at.dataframe if "Maanden over de planning" in df.value.columns]
    n_late = engine.query("projecten_te_laat", scope=scope)["waarde"][0]
    if n_late:
        assert len(late) == 1 and len(late[0]) == n_late
    else:
        assert not late and "Geen projecten over hun geplande oplevering in deze selectie." in shown
    if role == "wijkmanager":
        assert "Woningbouwprojecten: de pijplijn · Uw wijken (Wijk 13 Assendorp, Wijk 14 Kamperpoort-Veerallee)" in shown
        assert "De prognose uit projecten gaat over de hele gemeente" in shown
        whole = engine.query("woningen_pijplijn", scope=metrics.Scope(role="databrigade"))["waarde"][0]
        assert int(t["Woningen in de pijplijn"].replace(".", "")) < whole
        # Public figures per wijk: every wijk, not only their own.
        per_wijk = next(df.value for df in at.dataframe if "Wijk" in df.value.columns and "Groei woningen sinds 2020" in df.value.columns)
        assert len(per_wijk) == 16
    else:
        assert "Met de projecten in de pijplijn komt de teller eind 2029 naar verwachting op" in shown


def test_filters_from_the_url_change_the_figures(env, engine):
    at = open_ruimte({"jaar": "2022", "wijk": ["Wijk 22 Stadshagen"], "segment": "sociale huur", "niveau": "Per buurt"})
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert t["Nieuwbouw 2022"] == value(engine, "nieuwbouw", jaar=2022)
    assert t["Gebouwd 2020–2022"] == value(engine, "nieuwbouw_cumulatief", jaar=2022)
    pipeline = value(engine, "woningen_pijplijn", wijk=["WK019322"], segment=["sociale huur"])
    assert t["Woningen in de pijplijn"] == pipeline != value(engine, "woningen_pijplijn")
    shown = texts(at)
    assert "Filter op wijk, segment geldt hier niet" in shown, "CBS figures are per gemeente: said beside them"
    assert "Stand op 1 januari 2023 (eind 2022, het gekozen CBS-jaar)" in shown
    per_buurt = next(df.value for df in at.dataframe if "Buurt" in df.value.columns and "Groei woningen sinds 2020" in df.value.columns)
    buurten = engine.query("woningen", by=["buurt"], where={"jaar": 2023, "wijk": "WK019322"}, scope=metrics.Scope(role="databrigade"))
    assert set(per_buurt["Buurt"]) == set(buurten["buurt_label"]), "the wijk filter limits the buurten"


# ---- the real public files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zwolle_db(realdata, tmp_path_factory):
    return housing_warehouse(tmp_path_factory.mktemp("zwolle"), realdata, "GM0193", zwolle_extras=True)


@pytest.fixture(scope="module")
def deventer_db(realdata, tmp_path_factory):
    return housing_warehouse(tmp_path_factory.mktemp("deventer"), realdata, "GM0150")


@pytest.mark.parametrize("role", [None, "gast"], ids=["lokaal", "gast"])
def test_real_files_for_zwolle(zwolle_db, monkeypatch, tmp_path, role):
    monkeypatch.setenv("DATAKOMPAS_DB", str(zwolle_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    at = open_page("ruimte", role=role, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert t["Nieuwbouw 2020"] == "873"
    assert t["Voorraad eind 2020"] == "59.491"
    assert (t["Plancapaciteit"], t["Harde plancapaciteit"], t["Zachte plancapaciteit"]) == ("11.859", "3.329", "8.530")
    assert t["Gebouwd in 2020"] == "873" and t["Nog te bouwen t/m 2029"] == "9.127"
    assert t["Plancapaciteit / opgave"] == "129,9%"
    shown = texts(at)
    assert "Demodata" not in shown
    assert "onder de norm van 130,0%" in shown and "**88,9%** van de opgave, dus te weinig om het doel te halen" in shown
    assert "Bron: cijfersoverzwolle.nl. Stand op 1 januari 2021 (eind 2020, het gekozen CBS-jaar)" in shown
    if role is None:
        assert "woningbouwprojecten is niet geladen" in shown, "without the project list the sections that need it say so"


def test_real_files_for_another_gemeente(deventer_db, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(deventer_db))
    at = open_page("ruimte", timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    t = tiles(at)
    assert t["Nieuwbouw 2020"] == "153" and t["Voorraad eind 2020"] == "46.224"
    assert (t["Plancapaciteit"], t["Harde plancapaciteit"], t["Zachte plancapaciteit"]) == ("4.783", "2.401", "2.382")
    assert t["Nieuwbouw 2012 t/m 2020"] == "2.938"
    shown = texts(at)
    assert "Deventer in 2020" in shown and "Zwolle" not in shown.replace("cijfersoverzwolle", "")
    assert "Deventer heeft geen woningbouwdoel in de instellingen (standaardinstellingen)" in shown
    assert "Geen gegevens per wijk en buurt geladen" in shown
    assert "woningbouwprojecten is niet geladen" in shown
    assert "de standaardinstellingen (data_sources/gemeenten/standaard.toml)" in shown
