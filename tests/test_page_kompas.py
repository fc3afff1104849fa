"""The Kompas page under AppTest, in local mode and for every role."""

from __future__ import annotations

import pytest

import metrics
from tests.apptest import open_page, texts, write_roles

ROLES = [None, "databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast"]


@pytest.fixture
def env(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    return demo_db


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "lokaal")
def test_kompas_shows_zwolle_from_the_warehouse(env, role):
    at = open_page("", role=role)
    assert not at.exception
    shown = texts(at)
    scope = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019314"}) if role == "wijkmanager" else metrics.Scope.local()
    assert "Zwolle op 1 januari 2026" in shown
    assert "Demodata" in shown, "demo data is labelled as such"
    labels = [m.label for m in at.metric]
    start = labels.index("Inwoners")
    assert labels[start : start + 3] == ["Inwoners", "Woningen", "Inwoners 0-17 jaar"]
    # The tile shows what the engine computes, in Dutch notation.
    expected = metrics.Engine(metrics.open_warehouse(env)).query("inwoners", where={"jaar": 2026}, scope=scope)["waarde"][0]
    assert at.metric[start].value == f"{int(expected):,}".replace(",", ".")
    # Inwoners per wijk: 16 wijken in a table; and the loaded datasets with their owners.
    tables = [df.value for df in at.dataframe]
    per_wijk = next(t for t in tables if "Aandeel" in t.columns and "Vorig jaar" in t.columns)
    datasets = next(t for t in tables if "Dataset" in t.columns)
    # Inwoners are public figures: every wijk, for a wijkmanager too (to compare their wijken with).
    assert len(per_wijk) == 16 and "Wijk 22 Stadshagen" in set(per_wijk["Wijk"])
    assert {"Dataset", "Eigenaar", "Geladen", "Kwaliteit"} <= set(datasets.columns)
    assert len(datasets) == 13


def test_kompas_without_population_data_says_so(tmp_path, monkeypatch):
    from data_sources.build import build
    from data_sources.inputs import load
    from tests.test_build import _inputs

    db = tmp_path / "w.duckdb"
    build(load(_inputs(tmp_path)), db, progress=lambda m: None)
    monkeypatch.setenv("DATAKOMPAS_DB", str(db))
    at = open_page("")
    assert not at.exception
    assert "niet beschikbaar" in texts(at)
    # No inwoners tiles; the crime headline (buurt rows only) is the sum of the buurten, never 0.
    assert [m.label for m in at.metric if m.label.startswith(("Inwoners", "Woningen"))] == []
    assert "Geregistreerde misdrijven 2023 6.827" in texts(at)
