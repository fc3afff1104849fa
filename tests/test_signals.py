"""Kompas signals and headlines come from the declarations: norms on the metrics (fixed, from the
gemeente's settings, on the index per wijk) and the refresh rhythm of the sources."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

import metrics
from data_sources.registry import all_sources
from metrics import meta, signals
from metrics.declarations import Norm

PAGES = {"jeugd": "jeugd", "wonen": "ruimte", "veiligheid": "veiligheid"}


def _scoped(db, role="databrigade", wijken=None):
    return metrics.ScopedEngine(metrics.Engine(metrics.open_warehouse(db)), metrics.Scope(role=role, wijken=wijken))


def test_every_declared_refresh_rhythm_is_understood():
    for s in all_sources():
        assert meta.refresh_days(s.refresh) or s.refresh.startswith(meta.EVENT_DRIVEN), s.refresh


def test_norms_fixed_from_settings_and_on_the_index():
    assert Norm(value=5, label="x", direction="max").broken(5.6) and not Norm(value=5, label="x", direction="max").broken(5)
    assert Norm(setting="plancapaciteit_norm", label="x", direction="min").broken(1.2, 1.3)
    with pytest.raises(ValueError):
        Norm(value=1, setting="plancapaciteit_norm", label="x", direction="min")


def test_demo_signals_per_role(demo_db):
    brigade = {s.metric for s in signals.signals(_scoped(demo_db), PAGES)}
    # The demo's forecast lies above the begroting, its doorlooptijd above 5 werkdagen, and some wijken
    # have more than twice the gemeente's misdrijven per 1.000 inwoners; plancapaciteit covers the need.
    assert {"prognose_saldo", "doorlooptijd", "misdrijven_per_1000"} <= brigade
    assert "plancapaciteit_dekking" not in brigade
    guest = {s.metric for s in signals.signals(_scoped(demo_db, "gast"), PAGES)}
    assert guest == {"misdrijven_per_1000"}, "a guest sees no youth-care signal"
    wijk = {s.metric for s in signals.signals(_scoped(demo_db, "wijkmanager", {"WK019313", "WK019314"}), PAGES)}
    assert "prognose_saldo" not in wijk, "the begroting is not per wijk"
    index = next(s for s in signals.signals(_scoped(demo_db), PAGES) if s.metric == "misdrijven_per_1000")
    assert "(2025)" in index.title and "Wijk 10 Binnenstad" in index.text, "a whole year, not the running one"


def test_plancapaciteit_below_the_settings_norm_is_a_signal(demo_db, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE instellingen_wonen SET plancapaciteit_norm = 2.5")  # coverage is 197%
    con.execute("UPDATE builds SET build_id = build_id || '-norm'")  # another build: the engine caches per build
    con.close()
    found = [s for s in signals.signals(_scoped(db, "gast"), PAGES) if s.metric == "plancapaciteit_dekking"]
    assert len(found) == 1 and found[0].page == "ruimte"
    assert "197,0%" in found[0].title and "onder de norm" in found[0].title and "250,0%" in found[0].text


def test_a_source_past_its_refresh_date_is_a_signal(demo_db):
    engine = _scoped(demo_db)
    later = dt.date.today() + dt.timedelta(days=40)  # past the monthly sources' 31 days
    stale = {s.title.split(":")[0] for s in signals.data_signals(engine, today=later)}
    assert {"Declaraties jeugdhulp", "Meldingen openbare ruimte"} <= stale
    assert "Woningvoorraad en mutaties per gemeente" not in stale  # yearly
    assert signals.data_signals(engine) == [], "fresh today"


def test_headlines(demo_db):
    h = signals.headline(_scoped(demo_db), "misdrijven")
    assert h.period.text == "januari t/m oktober 2026" and h.trend[-1][0] == 2025, "the running year compares the same months; the trend has whole years"
    assert h.badge.quality == "pass" and not h.badge.stale
    assert signals.headline(_scoped(demo_db, "gast"), "prognose") is None
