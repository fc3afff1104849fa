"""The data page under AppTest: every tab for the Databrigade (local and hosted), tiles and tables,
no way in for other roles; and a build for another gemeente (Deventer, real CBS files) in which
no page says Zwolle."""

from __future__ import annotations

import pytest

from tests.apptest import PAGE_FILES, app, open_page, texts, write_roles
from ui import access, router

TABS = ["Datasets", "Kwaliteit", "Metrics en herkomst", "Rollen", "Open data", "Nieuwe export laden"]


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    monkeypatch.setenv("DATAKOMPAS_STAGING", str(tmp_path / "staging"))
    return demo_db


def _open(tab: str, role: str | None = None):
    at = app(role=role, timeout=120)
    at.query_params["tab"] = tab
    at.run()
    at.switch_page(PAGE_FILES["data"])
    at.run()
    return at


@pytest.mark.parametrize("role", [None, "databrigade"], ids=["lokaal", "databrigade"])
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_runs_with_tiles_and_a_table(env, role, tab):
    at = _open(tab, role)
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "Data & eigenaarschap" in shown
    labels = [m.label for m in at.metric]
    assert labels == ["Datasets geladen", "Rijen geladen", "Controles goed", "Verouderde bronnen", "Metrics gedeclareerd"]
    assert at.metric[0].value == "13" and at.metric[2].value.endswith(f"van {at.metric[2].value.split(' van ')[1]}")
    if tab != "Nieuwe export laden":
        assert at.dataframe, "a table on every tab"
    if tab == "Datasets":
        table = at.dataframe[0].value
        assert {"Eigenaar", "Steward", "Licentie", "Verversing", "Actualiteit", "Persoonsgegevens", "Bestanden"} <= set(table.columns)
        assert len(table) == 13
        assert set(table["Licentie"].str.split(":").str[0]) == {"open", "intern", "intern (aggregaten open)"}
        assert (table["Persoonsgegevens"] == "ja").sum() == 2
    if tab == "Rollen":
        assert {"A: eigenaar", "R: steward", "C: eigenaren van de metrics", "I: pagina's"} <= set(at.dataframe[0].value.columns)
    if tab == "Open data":
        assert "elke verplichte eigenschap van DCAT-AP-DONL 1.1 is ingevuld" in shown
    if tab == "Metrics en herkomst":
        lineage = at.dataframe[1].value
        assert list(lineage["Tabel"]) == ["bevolking", "buurten"] and "Kompas" in lineage["Pagina's"][0]
    if tab == "Nieuwe export laden":
        assert "Basis: de inputs.toml van de huidige build" in shown
        assert at.selectbox(key="upload_bron").value == "cbs_regios"


@pytest.mark.parametrize("role", ["sociaal_domein", "ruimte", "wijkmanager", "gast"])
def test_other_roles_cannot_open_the_data_page(env, role):
    user = access.User(name="t", email=None, role=role, wijken=None, hosted=True)
    assert "data" not in {p.key for p in router.visible(user)}
    at = open_page("", role=role)
    assert not at.exception and "Data & eigenaarschap" not in [t.value for t in at.title]


@pytest.fixture
def deventer(realdata, tmp_path, monkeypatch):
    from data_sources.__main__ import main

    crime = realdata / "cbs_47018NED_misdrijven_buurt_2023"
    housing = realdata / "housing_woningvoorraad_plancapaciteit"
    toml = tmp_path / "inputs.toml"
    toml.write_text(
        'gemeente = "GM0150"\npeildatum = 2024-03-01\n'
        f'[cbs_regios]\nfiles = ["{crime / "WijkenEnBuurten_subset.csv"}"]\n'
        f'[politie_misdrijven]\nfiles = ["{crime / "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv"}", '
        f'"{crime / "SoortMisdrijf.csv"}", "{crime / "DataProperties.csv"}"]\n'
        f'[cbs_woningvoorraad]\nfiles = ["{housing / "cbs_woningvoorraad_gemeenten_2012-2020.csv"}"]\n'
        f'[plancapaciteit]\nfiles = ["{housing / "plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv"}"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "deventer.duckdb"
    assert main(["build", "--inputs", str(toml), "--db", str(db)]) == 0
    monkeypatch.setenv("DATAKOMPAS_DB", str(db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    monkeypatch.setenv("DATAKOMPAS_STAGING", str(tmp_path / "staging"))
    return db


def test_built_for_deventer_no_page_says_zwolle(deventer):
    from ui import layout

    assert layout.app_title() == "Datakompas · Gemeente Deventer"
    seen = []
    for role in (None, "gast", "wijkmanager"):
        at = open_page("", role=role)
        assert not at.exception, [e.value for e in at.exception]
        seen.append(texts(at))
    for tab in TABS:
        at = _open(tab)
        assert not at.exception, (tab, [e.value for e in at.exception])
        seen.append(texts(at) + "\n".join(str(df.value.to_csv()) for df in at.dataframe))
    everything = "\n".join(seen)
    assert "Zwolle" not in everything
    assert "Deventer" in everything
    # Deventer has no housing target in its (standard) settings: the plancapaciteit signal cannot fire, and says nothing.
    assert "Plancapaciteit tegen de opgave" not in seen[0]
    assert "Nieuwbouw 2020 153" in seen[0], "Deventer's own CBS figure (SOURCES.md: nieuwbouw 2020 153)"
    # The crime file has buurt rows only: the gemeente figure is the sum of its buurten (SOURCES.md: Deventer 4.787 in 2023).
    assert "Geregistreerde misdrijven 2023 4.787" in seen[0]
