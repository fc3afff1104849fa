"""The forecast's new parts under disclosure control (issue 8's protection, extended to issue 16 and 13).

A role below databrigade, looking at some wijken, gets the forecast detail with every amount
protected: what the model added (the parts of what is still to come, a late aanbieder's
shortfall, the lag-aware baseline of the backtest, the what-if) follows protected figures, never
the exact ones; the ratios the model estimated are kept.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from metrics.cache import FrameCache
from metrics.engine import Engine
from metrics.jeugd import jeugdzorg, prognose
from metrics.jeugd.wat_als import Scenario
from metrics.roles import Scope
from metrics.warehouse import open_warehouse

WIJKEN = {"WK019313", "WK019314"}


@pytest.fixture(scope="module")
def demo(demo_db):
    with open_warehouse(demo_db) as wh:
        yield Engine(wh, cache=FrameCache(maxsize=1024))


@pytest.fixture(scope="module")
def keuze(demo):
    return jeugdzorg.Keuze(jaar=demo.info.peildatum.year, tm_maand=12)


@pytest.fixture(scope="module")
def exact(demo, keuze):
    """The same forecast from the exact records of those wijken (what the protected one hides)."""
    cursor = demo.warehouse.cursor()
    try:
        inputs = prognose.load(cursor, demo.info.peildatum, wijk_code=sorted(WIJKEN))
    finally:
        cursor.close()
    return prognose.forecast(inputs.toewijzingen, inputs.declaraties, keuze.jaar, demo.info.peildatum, tarieven=inputs.tarieven)


WM = Scope(role="wijkmanager", wijken=WIJKEN)


def test_new_parts_follow_the_protected_amounts(demo, keuze, exact):
    fc = jeugdzorg.prognose_detail(demo, WM, keuze)
    assert fc is not None and exact.expected_active > 0
    assert fc.expected_active != pytest.approx(exact.expected_active, rel=1e-9)
    # Known and new split the protected amount by the model's own proportion.
    assert fc.expected_known + fc.expected_new == pytest.approx(fc.expected_active)
    assert fc.expected_known / fc.expected_active == pytest.approx(exact.expected_known / exact.expected_active)
    assert fc.expected_known != pytest.approx(exact.expected_known, rel=1e-9)
    # The parts the what-if works on add up to the protected amount, not the exact one.
    parts = fc.parts
    in_parts = float(parts.known["bedrag"].sum()) + float((parts.new["aantal"] * parts.new["kosten"] * parts.new["deel"] * parts.new["bezetting"]).sum())
    assert in_parts == pytest.approx(fc.expected_active, rel=1e-9)
    # Starts per month are counts of toewijzingen: whole fives a year, or hidden.
    yearly = [v * 12 for v in parts.starts["per_month"].drop_nulls()]
    assert all(abs(v / 5 - round(v / 5)) < 1e-9 and v > 7 for v in yearly)


def test_what_if_moves_the_protected_forecast(demo, keuze):
    fc = jeugdzorg.prognose_detail(demo, WM, keuze)
    r = jeugdzorg.wat_als_detail(demo, WM, keuze, Scenario(instroom_pct=10), 1_000_000.0)
    assert r.prognose == pytest.approx(fc.total)
    assert r.verschil == pytest.approx(0.10 * fc.expected_new)
    assert r.saldo == pytest.approx(fc.total - 1_000_000.0)


def test_backtest_baseline_and_range_are_protected(demo, keuze):
    bt = jeugdzorg.backtest(demo, WM, keuze)
    cursor = demo.warehouse.cursor()
    try:
        inputs = prognose.load(cursor, demo.info.peildatum, wijk_code=sorted(WIJKEN))
    finally:
        cursor.close()
    raw = prognose.backtest(inputs.toewijzingen, inputs.declaraties, checkpoints=jeugdzorg.CHECKPOINTS, peildatum=demo.info.peildatum)
    both = bt.join(raw, on=["year", "checkpoint"], suffix="_exact").filter(pl.col("baseline_exact").is_not_null() & pl.col("actual").is_not_null())
    assert both.height > 0
    assert (both["baseline"] != both["baseline_exact"]).all()
    ranged = both.filter(pl.col("low").is_not_null())
    assert ranged.height > 0
    # The range keeps the forecast's own relative width, around the protected forecast.
    assert (ranged["low"] / ranged["forecast"] - ranged["low_exact"] / ranged["forecast_exact"]).abs().max() < 1e-9
    assert (ranged["in_range"] == ranged["actual"].is_between(ranged["low"], ranged["high"])).all()


def test_late_signal_is_protected_per_aanbieder(demo, keuze):
    per = demo.query("lasten", by=["aanbieder"], where={"jaar": keuze.jaar}, scope=WM)
    shown = per.filter(~pl.col("geheim")).sort("waarde", descending=True)["aanbieder"][0]
    late = pl.DataFrame(
        {
            "aanbieder_agb": [shown],
            "aanbieder_naam": ["Proef"],
            "van": [dt.date(keuze.jaar, 5, 1)],
            "tot": [dt.date(keuze.jaar, 8, 1)],
            "verwacht_tot_nu": [90_000.0],
            "gedeclareerd": [30_000.0],
            "tekort": [60_000.0],
            "verwacht_totaal": [100_000.0],
        }
    )
    got = jeugdzorg._protect_late(demo, WM, keuze, late)
    row = got.row(0, named=True)
    assert row["tekort"] != pytest.approx(60_000.0, rel=1e-9) and row["tekort"] > 0
    assert row["verwacht_tot_nu"] is None and row["gedeclareerd"] is None and row["verwacht_totaal"] is None
    assert prognose.with_text(got)["tekst"][0].startswith("Proef: € ")
    # An aanbieder whose lasten are not shown to this scope is not named at all.
    hidden = per.filter(pl.col("geheim"))["aanbieder"].to_list()
    if hidden:
        assert jeugdzorg._protect_late(demo, WM, keuze, late.with_columns(aanbieder_agb=pl.lit(hidden[0]))).is_empty()
    # Through the page's path: the demo has no late aanbieder in these wijken.
    assert jeugdzorg.late_aanbieders(demo, WM, keuze).is_empty()
