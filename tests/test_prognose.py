"""The year-end forecast of youth-care spending against synthetic data whose outcome is known.

The synthetic world: toewijzingen whose providers declare exactly what the toewijzing prices
(per day it runs: a week is 7 days; per maand the month's share of days), each month's amount
arriving over the following months along a fixed lag profile (which may include credit lines).
In such a world the method must recover the true year total exactly; where the world is less
regular (seasonality) it must still beat the naive "declared so far / months x 12".
The situations of issue 16 (a late aanbieder, a tariff change, more instroom) have tests of their
own in test_prognose_situations.py; the demo-made ones in test_prognose_scenarios.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
import uuid

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_sources import jeugd_declaraties, jeugd_toewijzingen
from data_sources.jeugd_reference import FREQUENTIES as WAREHOUSE_FREQUENTIES
from data_sources.schema import Schema
from metrics import registry
from metrics.derived import DerivedContext
from metrics.engine import Engine
from metrics.errors import InvalidQuery
from metrics.jeugd import prognose
from metrics.jeugd.prognose import (
    FREQUENTIES,
    TOTAAL,
    CompletionFactors,
    InsufficientHistory,
    backtest,
    describe,
    explain,
    forecast,
    jaareinde,
    load,
    summary,
)
from metrics.roles import Scope
from metrics.tables import TABLES
from metrics.warehouse import open_warehouse
from tests.synthetic import create_declaraties

DATA_START = dt.date(2015, 1, 1)
DATA_END = dt.date(2024, 12, 31)  # last month of care declared
# share of a month's amount submitted k months after it (index k); sums to 1
LAG = (0.0, 0.55, 0.3, 0.15)
SUBMIT_DAY = (28, 12, 20, 5)  # day of the month a lag-k line arrives
# The toewijzing columns the forecast reads.
TOEWIJZING_COLUMNS = ("toewijzing_id", "aanvraagdatum", "begindatum", "einddatum", "volume", "eenheid", "frequentie", "tarief")
POLARS_TYPES = {"str": pl.String, "int": pl.Int64, "float": pl.Float64, "date": pl.Date}


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = add_months(d, 1)
    return out


def add_months(d: dt.date, n: int) -> dt.date:
    mi = d.year * 12 + d.month - 1 + n
    y, m = divmod(mi, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def month_cost(t: dict, month: dt.date) -> float:
    """What a provider declares for toewijzing t in `month`: written out by hand, independent of
    the module, so the tests check the module's conversions rather than repeat them."""
    days = calendar.monthrange(month.year, month.month)[1]
    last = month.replace(day=days)
    begin, end = max(t["begindatum"], month), min(t["einddatum"] or last, last)
    running = max(0, (end - begin).days + 1)
    price = t["volume"] * t["tarief"]
    if t["frequentie"] == "per week":
        return price * running / 7
    if t["frequentie"] == "per maand":
        return price * running / days
    if t["frequentie"] == "per dag":
        return price * running
    total_days = (t["einddatum"] - t["begindatum"]).days + 1
    return price * running / total_days


def toewijzing(i: int, begin: dt.date, *, end=None, volume=10, frequentie="per maand", tarief=100.0, aanvraag=None):
    return {
        "toewijzing_id": f"T{i}",
        "aanvraagdatum": aanvraag or begin - dt.timedelta(days=10),
        "begindatum": begin,
        "einddatum": end,
        "volume": volume,
        "eenheid": "uur",
        "frequentie": frequentie,
        "tarief": float(tarief),
    }


def typed(rows: list[dict], schema: Schema, columns: tuple[str, ...]) -> pl.DataFrame:
    """`columns` of the rows with the types the loader gives them."""
    return pl.DataFrame(rows, schema={c: POLARS_TYPES[schema.column(c).dtype] for c in columns})


def toewijzingen_frame(rows: list[dict]) -> pl.DataFrame:
    return typed(rows, jeugd_toewijzingen.SCHEMA, TOEWIJZING_COLUMNS)


def declare(rows: list[dict], *, lag=LAG, days=SUBMIT_DAY, season=None, last=DATA_END) -> pl.DataFrame:
    """Declaration lines: each month's cost spread over the lag profile; negative shares become
    credit lines. `season` (month -> multiplier) makes providers declare more or less than priced."""
    out = []
    for t in rows:
        for month in month_starts(t["begindatum"], t["einddatum"] or last):
            if month > last:
                break
            cost = month_cost(t, month) * (season[month.month] if season else 1.0)
            for k, (share, day) in enumerate(zip(lag, days)):
                if share == 0:
                    continue
                amount = cost * share
                out.append(
                    {
                        "declaratie_id": f"{t['toewijzing_id']}-{month:%Y%m}-{k}",
                        "toewijzing_id": t["toewijzing_id"],
                        "maand": month,
                        "bedrag": amount,
                        "status": "gecrediteerd" if amount < 0 else "goedgekeurd",
                        "ingediend_op": add_months(month, k).replace(day=day),
                    }
                )
    return typed(out, jeugd_declaraties.SCHEMA, tuple(jeugd_declaraties.SCHEMA.names))


def truth(decl: pl.DataFrame, year: int) -> float:
    return decl.filter(pl.col("maand").dt.year() == year)["bedrag"].sum()


def steady(n: int = 3) -> list[dict]:
    """Open-ended toewijzingen running since the start of the data, one of each periodic kind."""
    kinds = [("per week", 4, 65.0), ("per maand", 12, 90.0), ("per dag", 1, 210.0)]
    return [toewijzing(i, DATA_START, volume=v, frequentie=f, tarief=p) for i, (f, v, p) in zip(range(n), itertools.cycle(kinds))]


def growing(rate: float = 0.01) -> list[dict]:
    """Spending that grows by `rate` a month: each month a new toewijzing worth `rate` of the stock."""
    rows, stock = [toewijzing(0, DATA_START, volume=1, tarief=10_000.0)], 10_000.0
    for i, month in enumerate(month_starts(add_months(DATA_START, 1), DATA_END), start=1):
        rows.append(toewijzing(i, month, volume=1, tarief=stock * rate))
        stock *= 1 + rate
    return rows


# --- exact recovery -------------------------------------------------------------------------


def test_steady_world_forecast_equals_true_total():
    rows = steady()
    decl = declare(rows)
    fc = forecast(toewijzingen_frame(rows), decl, 2023, dt.date(2023, 6, 30))
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-9)
    assert fc.utilisation == pytest.approx(1.0)
    assert fc.expected_lag > 0 and fc.expected_active > 0
    # Nothing started in the last years: all that is to come is from the known toewijzingen.
    assert fc.expected_new == 0 and fc.expected_known == pytest.approx(fc.expected_active)
    assert fc.late_fill == 0 and fc.late.is_empty()
    # Months of care already past are covered by the lag only, months to come by toewijzingen only.
    past, future = fc.months.filter(pl.col("month") <= dt.date(2023, 6, 1)), fc.months.filter(pl.col("month") > dt.date(2023, 6, 1))
    assert past["expected_active"].sum() == 0 and future["expected_lag"].sum() == 0
    assert fc.months["cumulative"][-1] == pytest.approx(fc.total)
    assert set(prognose.LABELS) == set(fc.months.columns)
    in_at_peil = decl.filter((pl.col("maand").dt.year() == 2023) & (pl.col("ingediend_op") <= dt.date(2023, 6, 30)))["bedrag"].sum()
    assert fc.naive == pytest.approx(in_at_peil / 6 * 12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.lists(st.floats(-0.3, 1.0), min_size=2, max_size=6).filter(lambda xs: sum(xs) > 0.2),
    days=st.lists(st.integers(1, 28), min_size=6, max_size=6),
    peil_month=st.integers(1, 12),
    peil_day=st.integers(1, 31),
)
def test_any_lag_profile_and_peildatum_recovered_exactly(raw, days, peil_month, peil_day):
    """Credit lines (negative shares) and a peildatum halfway through a month included."""
    lag = tuple(x / sum(raw) for x in raw)
    rows = steady()
    decl = declare(rows, lag=lag, days=tuple(days))
    peil = dt.date(2022, peil_month, min(peil_day, calendar.monthrange(2022, peil_month)[1]))
    fc = forecast(toewijzingen_frame(rows), decl, 2022, peil)
    assert fc.total == pytest.approx(truth(decl, 2022), rel=1e-9)


def test_partial_use_of_toewijzingen_is_learnt_from_history():
    rows = steady()
    decl = declare(rows, season={m: 0.85 for m in range(1, 13)})  # providers declare 85% of what is priced
    fc = forecast(toewijzingen_frame(rows), decl, 2023, dt.date(2023, 2, 28))
    assert fc.utilisation == pytest.approx(0.85)
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-9)


def test_pure_lag_recovers_exactly_the_missing_amount():
    """All toewijzingen ended before the peildatum: what is missing is only what is still to come."""
    rows = [
        toewijzing(0, DATA_START, end=dt.date(2023, 5, 31), frequentie="per week", volume=3, tarief=80),
        toewijzing(1, dt.date(2019, 3, 10), end=dt.date(2023, 4, 17), volume=20, tarief=55),
    ]
    decl = declare(rows)
    peil = dt.date(2023, 7, 31)
    fc = forecast(toewijzingen_frame(rows), decl, 2023, peil)
    in_at_peil = decl.filter((pl.col("maand").dt.year() == 2023) & (pl.col("ingediend_op") <= peil))["bedrag"].sum()
    assert fc.realised == pytest.approx(in_at_peil)
    assert fc.expected_active == 0
    assert fc.expected_lag == pytest.approx(truth(decl, 2023) - in_at_peil, rel=1e-9)
    assert fc.expected_lag > 0


def test_credit_lines_count_and_rejected_lines_do_not():
    rows = steady()
    decl = declare(rows, lag=(0.0, 1.2, -0.2))
    assert (decl["bedrag"] < 0).any()
    # Rejected lines in the year itself and in the history the lag is learnt from.
    rejected = decl.filter(pl.col("maand").dt.year().is_in([2021, 2023])).with_columns(
        declaratie_id=pl.col("declaratie_id") + "-x", bedrag=pl.col("bedrag") * 7, status=pl.lit("afgekeurd")
    )
    fc = forecast(toewijzingen_frame(rows), pl.concat([decl, rejected]), 2023, dt.date(2023, 3, 31))
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-9)
    assert fc.completion.share(1) == pytest.approx(1.2)
    assert fc.completion.share(2) == pytest.approx(1.0)


# --- toewijzingen for the months to come ----------------------------------------------------


def extra_effect(extra: dict, year: int = 2023, peil: dt.date = dt.date(2023, 6, 30), base: list[dict] | None = None) -> list[float]:
    """Expected cost per month that one toewijzing known at the peildatum adds to a world."""
    rows = base or steady()
    decl = declare(rows)
    base = forecast(toewijzingen_frame(rows), decl, year, peil)
    more = forecast(toewijzingen_frame([*rows, extra]), decl, year, peil)
    return (more.months["total"] - base.months["total"]).to_list()


@pytest.mark.parametrize(
    ("frequentie", "volume", "tarief", "per_day"),
    [
        ("per week", 3, 100.0, 3 * 100 / 7),  # a week is 7 days: August (31 days) costs 31/7 weeks
        ("per maand", 10, 50.0, None),  # a calendar month costs the same whatever its length
        ("per dag", 1, 200.0, 200.0),
    ],
)
def test_periodic_frequencies_convert_to_a_monthly_amount(frequentie, volume, tarief, per_day):
    extra = toewijzing(99, dt.date(2023, 8, 1), frequentie=frequentie, volume=volume, tarief=tarief, aanvraag=dt.date(2023, 6, 1))
    effect = extra_effect(extra)
    days = [31, 30, 31, 30, 31]  # August to December
    expected = [500.0] * 5 if per_day is None else [per_day * d for d in days]
    assert effect[:7] == pytest.approx([0.0] * 7, abs=1e-6)
    assert effect[7:] == pytest.approx(expected)


def test_totaal_is_spread_over_the_days_of_the_toewijzing():
    extra = toewijzing(
        99, dt.date(2023, 7, 1), end=dt.date(2024, 6, 30), frequentie=TOTAAL, volume=1, tarief=36_600.0, aanvraag=dt.date(2023, 6, 20)
    )
    effect = extra_effect(extra)
    per_day = 36_600.0 / 366
    assert effect[6:] == pytest.approx([per_day * d for d in (31, 31, 30, 31, 30, 31)])


def test_running_totaal_is_spent_over_the_lengths_recent_ones_had():
    """A budget without einddatum: spent at the rate of budgets that ended, 100, 120 or 140 days long."""
    ended = [
        toewijzing(50 + i, begin, end=begin + dt.timedelta(days=days - 1), frequentie=TOTAAL, volume=1, tarief=5000)
        for i, (begin, days) in enumerate([(dt.date(2022, 1, 10), 100), (dt.date(2022, 5, 1), 120), (dt.date(2022, 8, 1), 140)])
    ]
    budget = 12_000.0
    extra = toewijzing(99, dt.date(2023, 7, 1), frequentie=TOTAAL, volume=1, tarief=budget, aanvraag=dt.date(2023, 6, 20))
    effect = extra_effect(extra, base=[*steady(), *ended])
    # By hand: a third each of budgets of 100, 120 and 140 days, spent evenly, starting 1 July.
    # Each day a third of the budget / length for those not yet ended; up to a week's rounding
    # of the lengths (the curve is kept per week).
    by_hand = []
    for month in range(7, 13):
        start, stop = dt.date(2023, month, 1), dt.date(2023, month, calendar.monthrange(2023, month)[1])
        total = 0.0
        for length in (100, 120, 140):
            last = dt.date(2023, 7, 1) + dt.timedelta(days=length - 1)
            days = max(0, (min(stop, last) - start).days + 1)
            total += budget / 3 / length * days
        by_hand.append(total)
    assert effect[:6] == pytest.approx([0.0] * 6, abs=1e-6)
    assert sum(effect[6:]) == pytest.approx(budget, rel=0.01)  # the whole budget, within the year
    assert effect[6:] == pytest.approx(by_hand, rel=0.08, abs=150)
    assert effect[11] == pytest.approx(0.0, abs=1e-6)  # the longest (140 days from 1 July) ends on 17 November


def test_running_totaal_without_history_lasts_a_year():
    extra = toewijzing(99, dt.date(2023, 7, 1), frequentie=TOTAAL, volume=1, tarief=36_500.0, aanvraag=dt.date(2023, 6, 20))
    effect = extra_effect(extra)
    assert effect[6:] == pytest.approx([100.0 * d for d in (31, 31, 30, 31, 30, 31)])


def test_toewijzing_ending_mid_year_stops_contributing():
    extra = toewijzing(99, dt.date(2023, 6, 1), end=dt.date(2023, 8, 15), volume=31, tarief=100.0)
    effect = extra_effect(extra)
    assert effect[6] == pytest.approx(3100.0)  # July, the whole month
    assert effect[7] == pytest.approx(3100.0 * 15 / 31)  # August, until the 15th
    assert effect[8:] == pytest.approx([0.0] * 4, abs=1e-6)


@settings(max_examples=20, deadline=None)
@given(
    frequentie=st.sampled_from(list(FREQUENTIES)),
    begin_day=st.integers(0, 170),
    length=st.integers(1, 400),
    volume=st.integers(1, 40),
    tarief=st.floats(1, 500),
)
def test_any_known_toewijzing_adds_its_cost_per_month(frequentie, begin_day, length, volume, tarief):
    begin = dt.date(2023, 7, 1) + dt.timedelta(days=begin_day)
    extra = toewijzing(
        99, begin, end=begin + dt.timedelta(days=length - 1), frequentie=frequentie, volume=volume, tarief=tarief, aanvraag=dt.date(2023, 6, 1)
    )
    effect = extra_effect(extra)
    assert effect[6:] == pytest.approx([month_cost(extra, dt.date(2023, m, 1)) for m in range(7, 13)], rel=1e-9, abs=1e-6)


def test_frequencies_match_the_warehouse_labels():
    assert set(FREQUENTIES) == set(WAREHOUSE_FREQUENTIES.values())


def test_unknown_frequentie_is_refused():
    rows = [*steady(), toewijzing(9, DATA_START, frequentie="per kwartaal")]
    with pytest.raises(ValueError, match="per kwartaal"):
        forecast(toewijzingen_frame(rows), declare(steady()), 2023, dt.date(2023, 6, 30))


def test_too_little_history_is_said_plainly():
    rows = [toewijzing(0, dt.date(2023, 1, 1))]
    with pytest.raises(InsufficientHistory, match="te weinig afgeronde maanden"):
        forecast(toewijzingen_frame(rows), declare(rows), 2023, dt.date(2023, 6, 30))


# --- backtest -------------------------------------------------------------------------------


def test_backtest_on_a_growing_world_stays_close_and_beats_naive():
    """Spending grows 1% a month through new toewijzingen that never end. Everything known is
    forecast exactly; new toewijzingen are expected at their number and cost per month over the
    last NEW_YEARS years, so growth in instroom is caught with a delay: a little under, never more
    than that growth over the rest of the year."""
    rows = growing(0.01)
    bt = backtest(toewijzingen_frame(rows), declare(rows))
    assert bt["year"].unique().sort().to_list() == list(range(2017, 2024))
    assert bt["checkpoint"].unique().sort().to_list() == [3, 6, 9]
    assert (bt["error_pct"] < 0).all() and bt["error_pct"].abs().max() < 1.5
    # Later in the year less is still to start: the error shrinks with the checkpoint.
    s = summary(bt)
    assert s["mape"].to_list() == sorted(s["mape"].to_list(), reverse=True)
    assert (s["naive_mape"] > 5).all()  # growth plus late declarations: the naive forecast runs behind
    assert (bt["naive"] < bt["actual"]).all()


def test_backtest_with_seasonality_beats_naive():
    rows = steady()
    season = {m: 1.0 for m in range(1, 13)} | {7: 0.7, 8: 0.6, 12: 1.3}  # summer holidays, year-end rush
    bt = backtest(toewijzingen_frame(rows), declare(rows, season=season))
    s = summary(bt)
    assert (s["mape"] < s["naive_mape"]).all()
    assert s["mape"].max() < 3


def test_backtest_uses_nothing_from_after_the_checkpoint():
    rows = growing(0.01)
    t, decl = toewijzingen_frame(rows), declare(rows)
    cutoff = decl["ingediend_op"].max()
    checkpoint = dt.date(2021, 6, 30)
    before = backtest(t, decl, years=[2021], checkpoints=(6,), peildatum=cutoff)
    later = pl.col("ingediend_op") > checkpoint
    altered_decl = decl.with_columns(bedrag=pl.when(later).then(pl.col("bedrag") * 3 - 500).otherwise(pl.col("bedrag")))
    # A toewijzing ended later, or one requested later, was not known at the checkpoint either.
    altered_t = pl.concat(
        [
            t.with_columns(einddatum=pl.when(pl.col("begindatum") < checkpoint).then(dt.date(2021, 8, 31))),
            toewijzingen_frame([toewijzing(999, dt.date(2021, 7, 1), tarief=1e6, aanvraag=dt.date(2021, 7, 1))]),
        ]
    )
    after = backtest(altered_t, altered_decl, years=[2021], checkpoints=(6,), peildatum=cutoff)
    assert after["forecast"][0] == pytest.approx(before["forecast"][0], rel=1e-12)
    assert after["naive"][0] == pytest.approx(before["naive"][0], rel=1e-12)
    assert after["actual"][0] != pytest.approx(before["actual"][0])


def test_backtest_refuses_a_year_that_is_not_complete():
    rows = steady()
    with pytest.raises(ValueError, match="nog niet afgerond"):
        backtest(toewijzingen_frame(rows), declare(rows), years=[2024])


def test_forecast_range_comes_from_earlier_years_at_the_same_point():
    rows = steady()
    season = {m: 1.0 for m in range(1, 13)} | {7: 0.7, 8: 0.6, 12: 1.3}
    decl = declare(rows, season=season)
    peil = dt.date(2024, 4, 30)
    fc = forecast(toewijzingen_frame(rows), decl, 2024, peil)
    assert fc.backtest["year"].to_list() == list(range(2017, 2023))
    assert fc.backtest["peildatum"].to_list() == [dt.date(y, 4, 30) for y in range(2017, 2023)]
    errors = [e / 100 for e in fc.backtest["error_pct"]]
    half, n_eff = prognose.spread(errors)
    assert fc.effective_years == pytest.approx(n_eff)
    assert fc.low == pytest.approx(fc.total * (1 - half))
    assert fc.high == pytest.approx(fc.total * (1 + half))
    assert fc.low < truth(decl, 2024) < fc.high


@pytest.mark.parametrize(
    ("errors", "half", "n_eff"),
    [
        # Alternating errors: no positive correlation, four independent years: t(4) = 1.533.
        ([0.02, -0.02, 0.02, -0.02], 1.533 * 0.02, 4.0),
        # The same error every year: lag-one correlation 5/6, worth one year: t(1) = 3.078.
        ([0.01] * 6, 3.078 * 0.01, 1.0),
        # r = (0.02*0.01 + 0.01*0.03 + 0.03*0.01) / (0.0004 + 0.0001 + 0.0009 + 0.0001) = 0.8 / 1.5;
        # n_eff = 4 * (1 - r) / (1 + r) = 4 * (1.5 - 0.8) / (1.5 + 0.8); t between 1 and 2 degrees of freedom.
        ([0.02, 0.01, 0.03, 0.01], None, 4 * 0.7 / 2.3),
    ],
)
def test_range_counts_correlated_years_as_fewer(errors, half, n_eff):
    got_half, got_n = prognose.spread(errors)
    assert got_n == pytest.approx(max(1.0, n_eff))
    rms = math.sqrt(sum(e * e for e in errors) / len(errors))
    if half is None:
        n = max(1.0, n_eff)
        half = (3.078 + (1.886 - 3.078) * (n - 1)) * rms
    assert got_half == pytest.approx(half)
    assert prognose.spread(errors[:2]) is None  # fewer than MIN_RANGE_YEARS


def test_month_end_peildatum_compares_with_month_ends_of_earlier_years():
    rows = steady()
    fc = forecast(toewijzingen_frame(rows), declare(rows), 2024, dt.date(2024, 2, 29))
    assert fc.backtest["peildatum"].to_list() == [dt.date(y, 2, calendar.monthrange(y, 2)[1]) for y in range(2017, 2023)]
    assert fc.total == pytest.approx(truth(declare(rows), 2024), rel=1e-9)


def test_no_range_without_enough_earlier_years():
    rows = [toewijzing(0, dt.date(2020, 1, 1))]
    fc = forecast(toewijzingen_frame(rows), declare(rows), 2023, dt.date(2023, 6, 30))
    assert fc.backtest.height < prognose.MIN_RANGE_YEARS
    assert fc.low is None and fc.high is None
    assert "te weinig eerdere jaren" in describe(fc)


# --- completion factors ---------------------------------------------------------------------


def test_completion_factors_follow_the_lag_profile():
    rows = steady()
    cf = CompletionFactors.estimate(declare(rows), dt.date(2023, 6, 30))
    assert list(cf.shares[:4]) == pytest.approx([0.0, 0.55, 0.85, 1.0])
    assert cf.share(11) == pytest.approx(1.0)
    assert cf.share(20) == 1.0
    assert cf.reference_months == prognose.HISTORY
    frame = cf.frame()
    assert frame.columns == ["maanden_na_zorgmaand", "aandeel_binnen"]
    assert frame.height == prognose.MAX_LAG


def test_mid_month_peildatum_counts_only_lines_in_by_that_day():
    rows = steady()
    # Lines arrive on the 12th one month after the month of care: on the 10th they are not in yet.
    cf = CompletionFactors.estimate(declare(rows), dt.date(2023, 6, 10))
    assert cf.share(1) == pytest.approx(0.0)
    assert cf.share(2) == pytest.approx(0.55)


# --- text ------------------------------------------------------------------------------------


def test_explain_states_both_errors_in_dutch_numbers():
    rows = steady()
    season = {m: 1.0 for m in range(1, 13)} | {7: 0.7, 8: 0.6, 12: 1.3}
    bt = backtest(toewijzingen_frame(rows), declare(rows, season=season))
    s = summary(bt)
    text = explain(bt)
    for value in [*s["mape"], *s["naive_mape"]]:
        assert f"{value:.1f}%".replace(".", ",") in text
    assert "eind maart" in text and "eind september" in text
    assert "2017–2023" in text
    assert "op elk van deze momenten nauwkeuriger" in text


def test_explain_without_years():
    assert "nog niet bekend" in explain(backtest(toewijzingen_frame([]), declare([])))


def test_describe_gives_the_parts_in_dutch():
    rows = steady()
    decl = declare(rows)
    fc = forecast(toewijzingen_frame(rows), decl, 2023, dt.date(2023, 6, 30))
    text = describe(fc)
    assert text.startswith("Prognose 2023 op 30 juni 2023: € ")
    assert "tot en met juni komt naar verwachting nog" in text
    assert "Voor juli tot en met december verwachten we" in text
    assert "van mei 55,0% binnen" in text  # the latest month with something in; February is complete
    assert f"tussen {prognose._eur(fc.low)} en {prognose._eur(fc.high)}" in text


def test_describe_after_the_year_has_ended():
    rows = steady()
    fc = forecast(toewijzingen_frame(rows), declare(rows), 2023, dt.date(2024, 1, 31))
    text = describe(fc)
    assert fc.expected_active == 0
    assert "tot en met december komt naar verwachting nog" in text
    assert "van december 55,0% binnen" in text and "van september" not in text
    assert "lopende toewijzingen" not in text


# --- warehouse -------------------------------------------------------------------------------


def warehouse(rows: list[dict], decl: pl.DataFrame, path=":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    odd = pl.int_range(pl.len()) % 2 == 1
    t = toewijzingen_frame(rows).with_columns(
        productcategorie=pl.when(odd).then(pl.lit("43")).otherwise(pl.lit("45")),
        aanbieder_agb=pl.lit("12345678"),
        aanbieder_naam=pl.lit("Jeugdhulp Proef"),
        productcode=pl.lit(None, dtype=pl.String),
        wijk_code=pl.when(odd).then(pl.lit("WK019311")).otherwise(pl.lit("WK019310")),
    )
    con.register("t_frame", t)
    con.register("d_frame", decl)
    con.execute("CREATE TABLE jeugd_toewijzingen AS SELECT * FROM t_frame")
    create_declaraties(con, "d_frame")
    return con


def test_load_filters_and_aggregates_in_sql():
    rows = steady(4)
    decl = declare(rows)
    rejected = decl.filter(pl.col("maand").dt.year() == 2023).with_columns(
        declaratie_id=pl.col("declaratie_id") + "-x", status=pl.lit("afgekeurd")
    )
    con = warehouse(rows, pl.concat([decl, rejected]))
    peil = dt.date(2023, 6, 30)
    every = load(con.cursor(), peil)
    assert every.declaraties.columns == ["toewijzing_id", "maand", "ingediend_op", "bedrag"]
    assert every.declaraties["ingediend_op"].max() <= peil
    assert every.declaraties["bedrag"].sum() == pytest.approx(decl.filter(pl.col("ingediend_op") <= peil)["bedrag"].sum())
    assert every.tarieven is None  # no jeugd_tariefwijzigingen table in this warehouse
    assert forecast(every.toewijzingen, every.declaraties, 2023, peil).total == pytest.approx(forecast(toewijzingen_frame(rows), decl, 2023, peil).total)

    subset = load(con.cursor(), peil, productcategorie=["43"])
    assert subset.toewijzingen["toewijzing_id"].sort().to_list() == ["T1", "T3"]
    expected = forecast(toewijzingen_frame(rows[1::2]), decl.filter(pl.col("toewijzing_id").is_in(["T1", "T3"])), 2023, peil)
    assert forecast(subset.toewijzingen, subset.declaraties, 2023, peil).total == pytest.approx(expected.total)
    assert load(con.cursor(), peil, wijk_code=["WK019320"]).declaraties.is_empty()
    assert load(con.cursor(), peil, wijk_code=["WK019311"]).toewijzingen["toewijzing_id"].sort().to_list() == ["T1", "T3"]
    assert load(con.cursor(), peil, aanbieder_agb=["12345678"]).toewijzingen.height == 4


def engine_on(tmp_path, rows: list[dict], decl: pl.DataFrame, peildatum: dt.date) -> Engine:
    """An engine on a warehouse file with the youth-care tables as the build writes them."""
    path = tmp_path / "prognose.duckdb"
    con = warehouse(rows, decl, path)
    con.execute(f"CREATE TABLE jeugd_begroting ({', '.join(f'{c} {t}' for c, t in TABLES['jeugd_begroting'].items())})")
    con.execute(f"CREATE TABLE builds ({', '.join(f'{c} {t}' for c, t in TABLES['builds'].items())})")
    # A build id of its own: the engine caches results per build.
    con.execute("INSERT INTO builds VALUES (?, TIMESTAMP '2023-07-01 08:00', 1.0, 'GM0193', 'test', false, ?)", [uuid.uuid4().hex, peildatum])
    con.close()
    return Engine(open_warehouse(path))


def context(engine: Engine, *, by=(), where=None, wijken=None) -> DerivedContext:
    info = engine.info
    return DerivedContext(
        metric=registry.get("prognose"), by=by, where=where or {}, wijken=wijken, gemeente=info.gemeente, peildatum=info.peildatum, engine=engine
    )


def test_derived_metric_is_the_forecast_at_the_build_peildatum(tmp_path):
    rows = steady(4)
    decl = declare(rows)
    peil = dt.date(2023, 6, 30)
    engine = engine_on(tmp_path, rows, decl, peil)
    expected = forecast(toewijzingen_frame(rows), decl, 2023, peil)
    got = engine.query("prognose", where={"jaar": 2023}, scope=Scope.local())
    assert got["waarde"][0] == pytest.approx(expected.total)
    assert (got["laag"][0], got["hoog"][0]) == pytest.approx((expected.low, expected.high))
    assert engine.query("prognose", scope=Scope.local())["waarde"][0] == pytest.approx(expected.total)

    per_year = jaareinde(context(engine, by=("jaar",)))
    assert per_year["jaar"].to_list() == list(range(2015, 2024))
    assert per_year["waarde"].null_count() == 0
    assert per_year["waarde"][-1] == pytest.approx(expected.total)
    future = jaareinde(context(engine, by=("jaar",), where={"jaar": (2024,)}))
    assert future["waarde"][0] is None


def test_derived_metric_is_empty_without_history(tmp_path):
    rows = steady()
    engine = engine_on(tmp_path, rows, declare(rows), dt.date(2015, 9, 30))
    got = engine.query("prognose", scope=Scope.local())
    assert got["waarde"][0] is None and got["laag"][0] is None


def test_derived_metric_keeps_to_the_filters_and_the_users_wijken(tmp_path):
    rows = steady(4)  # T0, T2 in WK019310; T1, T3 in WK019311 (see `warehouse`)
    decl = declare(rows)
    peil = dt.date(2023, 6, 30)
    engine = engine_on(tmp_path, rows, decl, peil)
    t, d = toewijzingen_frame(rows), decl
    only = lambda ids: forecast(t.filter(pl.col("toewijzing_id").is_in(ids)), d.filter(pl.col("toewijzing_id").is_in(ids)), 2023, peil).total  # noqa: E731
    assert jaareinde(context(engine, wijken=frozenset({"WK019310"})))["waarde"][0] == pytest.approx(only(["T0", "T2"]))
    assert jaareinde(context(engine, where={"productcategorie": ("43",)}))["waarde"][0] == pytest.approx(only(["T1", "T3"]))
    assert jaareinde(context(engine, where={"aanbieder": ("12345678",)}))["waarde"][0] == pytest.approx(only(["T0", "T1", "T2", "T3"]))
    with pytest.raises(InvalidQuery):
        jaareinde(context(engine, where={"buurt": ("BU01931000",)}))
    with pytest.raises(InvalidQuery):
        jaareinde(context(engine, where={"jaar": (2022, 2023)}))


def test_load_is_parameterised():
    rows = steady(1)
    con = warehouse(rows, declare(rows))
    hostile = "43') OR TRUE; DROP TABLE jeugd_declaraties; --"
    assert load(con.cursor(), productcategorie=[hostile]).toewijzingen.is_empty()
    assert con.execute("SELECT count(*) FROM jeugd_declaraties").fetchone()[0] > 0


def test_load_takes_the_tariff_settings_and_a_tarief_history():
    rows = steady(30)  # enough toewijzingen for the declarations to set a month's price level
    decl = declare(rows)
    con = warehouse(rows, decl)
    # As the build writes the gemeente's settings (data_sources/instellingen.py): yearly, a fraction.
    con.execute("CREATE TABLE instellingen_tariefindexatie (jaar BIGINT, indexatie DOUBLE, aanname BOOLEAN, bron VARCHAR)")
    con.execute("INSERT INTO instellingen_tariefindexatie VALUES (2023, 0.05, false, 'VNG'), (2024, 0.03, true, 'aanname')")
    con.execute("CREATE TABLE jeugd_tarief_historie (toewijzing_id VARCHAR, geldig_vanaf DATE, tarief DOUBLE)")
    con.execute("INSERT INTO jeugd_tarief_historie VALUES ('T0', DATE '2015-01-01', 65), ('T0', DATE '2023-07-01', 70)")
    peil = dt.date(2023, 6, 30)
    got = load(con.cursor(), peil)
    assert got.tarieven.rows() == [(dt.date(2023, 1, 1), 0.05, None), (dt.date(2024, 1, 1), 0.03, None)]
    assert got.tarief_historie.rows() == [("T0", dt.date(2015, 1, 1), 65.0)]  # not yet seen on the peildatum
    # The settings said +5% for 2023, but the lines came in at the old prices: what the
    # declarations show wins for the months they cover, so the forecast stays right.
    fc = forecast(got.toewijzingen, got.declaraties, 2023, peil, tarieven=got.tarieven, tarief_historie=got.tarief_historie)
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-6)
    level = {r["mi"]: r for r in fc.price_level.iter_rows(named=True)}
    june, december = level[2023 * 12 + 5], level[2022 * 12 + 11]
    assert june["gedeclareerd"] == pytest.approx(1.05 * december["gedeclareerd"])
    assert june["niveau"] == pytest.approx(december["niveau"], rel=1e-6)  # flat, as the lines were


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 400)),
            st.one_of(st.none(), st.integers(0, 50)),
            st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))),
        ),
        max_size=40,
    ),
    wide=st.booleans(),
)
def test_declaration_lines_sort_as_on_three_columns(rows, wide):
    """The model's lines are sorted on one packed integer where mi, tid and the day fit (and on the
    three columns where they do not, e.g. days more than 179 years apart): the same order either way."""
    if wide and rows:
        rows = [*rows, (1, 1, dt.date(1800, 1, 1))]
    lines = pl.DataFrame(rows, schema={"mi": pl.Int32, "tid": pl.UInt32, "ingediend_op": pl.Date}, orient="row")
    expected = lines.sort("mi", "tid", "ingediend_op", nulls_last=True)
    assert prognose._sorted(lines).equals(expected)
