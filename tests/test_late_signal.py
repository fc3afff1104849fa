"""Issue 16: a late aanbieder is named on the Kompas, as a signal from the declared analysis."""

from __future__ import annotations

import metrics
from metrics import signals
from tests import prognose_scenarios as ps


def test_kompas_signal_names_the_late_aanbieder(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    ps.write_demo(raw)
    # The biggest aanbieder declares four months late in the current year (the peildatum's).
    monkeypatch.setattr(ps, "JAAR", ps.PEILDATUM.year)
    _, naam = ps.biggest_aanbieder(raw)
    db = ps.build(ps.make(raw, "late_aanbieder", tmp_path / "late"), tmp_path / "late.duckdb")
    engine = metrics.Engine(metrics.open_warehouse(db))
    pages = {"jeugd": "jeugd"}
    found = signals.analysis_signals(metrics.ScopedEngine(engine, metrics.Scope(role="sociaal_domein")), pages)
    assert [s.title for s in found] == ["Aanbieders declareren later dan verwacht"]
    assert naam in found[0].text and "minder gedeclareerd dan verwacht" in found[0].text
    assert found[0].page == "jeugd"
    # Without the delay nobody is named; a guest gets no youth-care signal at all.
    plain = ps.build(ps.make(raw, "geen", tmp_path / "geen"), tmp_path / "geen.duckdb")
    quiet = metrics.ScopedEngine(metrics.Engine(metrics.open_warehouse(plain)), metrics.Scope(role="sociaal_domein"))
    assert signals.analysis_signals(quiet, pages) == []
    assert signals.analysis_signals(metrics.ScopedEngine(engine, metrics.Scope(role="gast")), pages) == []
