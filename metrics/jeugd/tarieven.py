"""The tariff level the forecast prices toewijzingen at: declared changes and what declarations show.

A toewijzing carries the tarief of its start (FORMATS.md). When tariffs rise, providers declare the
running toewijzingen at the new price, so its cost in month m is its own price times
level(m) / level(start). Two sources tell the level:

1. Declared changes (`wijzigingen`): a gemeente's settings, e.g. the yearly indexation. Expected
   shape, one row per change (a polars frame, or {jaar: indexatie} for yearly ones from 1 January):

       ingangsdatum  Date     first day of care at the new price
       indexatie     Float64  relative change, 0.035 = +3,5% (negative for a decrease)
       bekend_op     Date     optional: from when the change was known (decided); default the
                              ingangsdatum. The backtest uses a change only from this date on.

   In the warehouse: the gemeente's settings (`instellingen_tariefindexatie`: jaar, indexatie as
   a fraction), read by `prognose.load` as changes from 1 January known from that day. A change
   during a year, or one decided earlier than it starts, is passed as a frame with ingangsdatum
   and bekend_op (the settings could carry `vanaf` and `bekend_op` per row for that).
2. What declarations show (`residual_level`): where lines are in, the same toewijzing declared
   before and after a change shows it. A two-way model per toewijzing-month,
   declared(t, m) = r(t) x R(m) x priced(t, m), separates the toewijzing's own use r(t) from a
   month effect R(m): the part of the price level that the declared changes do not explain (an
   undeclared indexation, a mid-year change that nobody entered). Estimated by iterative
   proportional fitting on amounts, so large toewijzingen weigh more, as they do in the total.

The forecast multiplies both. Months after the last month with enough lines in keep the level of
the last two such months (declared changes after it still apply).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from metrics.jeugd import maanden

SCHEMA = {"ingangsdatum": pl.Date, "indexatie": pl.Float64, "bekend_op": pl.Date}
# A month's residual level counts once lines priced at this share of what ran that month are in:
# fewer, and the early declarers alone would set the price of the month.
MIN_COVERAGE = 0.3
MIN_TOEWIJZINGEN = 20
FIT_ROUNDS = 12
SPREAD = 8  # interleaved copies of each month's bin in the fit's weighted counts
# The level of months with too few lines: the mean of this many last months with enough.
CARRY_MONTHS = 2


def wijzigingen(value: Any) -> pl.DataFrame:
    """Declared tariff changes in the shape above, sorted by ingangsdatum; empty for None.

    Accepts a frame with ingangsdatum and indexatie (bekend_op optional) or a mapping
    {jaar: indexatie} (from 1 January of that year, known from that day)."""
    if value is None:
        return pl.DataFrame(schema=SCHEMA)
    if isinstance(value, Mapping):
        frame = pl.DataFrame(
            {"ingangsdatum": [dt.date(int(y), 1, 1) for y in value], "indexatie": [float(v) for v in value.values()]},
            schema={"ingangsdatum": pl.Date, "indexatie": pl.Float64},
        )
    elif isinstance(value, pl.DataFrame):
        missing = [c for c in ("ingangsdatum", "indexatie") if c not in value.columns]
        if missing:
            raise ValueError(f"tariefwijzigingen missen kolom(men) {missing}; verwacht ingangsdatum, indexatie en eventueel bekend_op")
        frame = value
    else:
        raise TypeError(f"tariefwijzigingen: verwacht een polars-tabel of {{jaar: indexatie}}, kreeg {type(value).__name__}")
    if "bekend_op" not in frame.columns:
        frame = frame.with_columns(bekend_op=pl.lit(None, dtype=pl.Date))
    frame = frame.select(
        pl.col("ingangsdatum").cast(pl.Date),
        pl.col("indexatie").cast(pl.Float64),
        pl.coalesce(pl.col("bekend_op").cast(pl.Date), pl.col("ingangsdatum").cast(pl.Date)).alias("bekend_op"),
    )
    bad = frame.filter(pl.col("ingangsdatum").is_null() | pl.col("indexatie").is_null() | (pl.col("indexatie") <= -1))
    if bad.height:
        raise ValueError(f"ongeldige tariefwijziging(en): {bad.rows()}; verwacht een datum en een indexatie groter dan -1 (0,035 = +3,5%)")
    return frame.sort("ingangsdatum")


def known(changes: pl.DataFrame, peildatum: dt.date) -> pl.DataFrame:
    """The changes decided on or before the peildatum."""
    return changes.filter(pl.col("bekend_op") <= peildatum)


def level_on(changes: pl.DataFrame, dates: pl.Series) -> pl.Series:
    """Declared level (1 before the first change) on each date: a toewijzing's tarief is at its start's level."""
    if changes.is_empty():
        return pl.Series(dates.name, [1.0] * dates.len(), dtype=pl.Float64)
    steps = changes.group_by("ingangsdatum").agg(f=(1 + pl.col("indexatie")).product()).sort("ingangsdatum")
    steps = steps.with_columns(niveau=pl.col("f").cum_prod()).select(pl.col("ingangsdatum").alias("dag"), "niveau")
    frame = pl.DataFrame({"dag": dates}).with_row_index("i")
    got = frame.sort("dag").join_asof(steps, on="dag", strategy="backward").sort("i")
    return got["niveau"].fill_null(1.0).alias(dates.name)


def month_levels(changes: pl.DataFrame, first: int, last: int) -> pl.DataFrame:
    """Declared level per month (mi, niveau): the mean over its days, so a change on the 15th counts half."""
    steps = sorted(changes.iter_rows(named=True), key=lambda r: r["ingangsdatum"])
    rows = []
    for index in range(first, last + 1):
        start, days = maanden.month_start(index), maanden.days_in(index)
        total = 0.0
        for day in range(days):
            d = start + dt.timedelta(days=day)
            level = 1.0
            for s in steps:
                if s["ingangsdatum"] <= d:
                    level *= 1 + s["indexatie"]
            total += level
        rows.append((index, total / days))
    return pl.DataFrame(rows, schema={"mi": pl.Int32, "niveau": pl.Float64}, orient="row")


def _dense(values: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Each value's rank among the distinct values (0, 1, ...), their number, and the distinct
    values in order. Integer ids over a range not much wider than their number are ranked by
    marking that range, not by sorting them."""
    lo, hi = int(values.min()), int(values.max())
    if hi - lo > 4 * values.size + 1024:
        distinct, index = np.unique(values, return_inverse=True)
        return index.astype(np.int64), distinct.size, distinct
    seen = np.zeros(hi - lo + 1, dtype=bool)
    seen[values - lo] = True
    rank = np.cumsum(seen) - 1
    return rank[values - lo].astype(np.int64), int(seen.sum()), np.flatnonzero(seen) + lo


def residual_level(rows: pl.DataFrame, running: pl.DataFrame) -> pl.DataFrame:
    """Month effect R(m) of declared(t, m) = r(t) x R(m) x priced(t, m), normalised to mean 1.

    rows: per toewijzing-month with lines in (tid, mi, declared, priced), priced at the declared
    level; running: per month what every running toewijzing priced (mi, priced_all). Returns
    (mi, niveau, betrouwbaar) for every month of `running`: months without enough lines in
    (MIN_COVERAGE, MIN_TOEWIJZINGEN) take the mean of the last CARRY_MONTHS that had them, and
    before the first such month the first one's.
    """
    rows = rows.filter((pl.col("declared") > 0) & (pl.col("priced") > 0))
    months = running.sort("mi")
    if rows.is_empty():
        return months.select("mi", niveau=pl.lit(1.0), betrouwbaar=pl.lit(False))
    cover = rows.group_by("mi").agg(n=pl.len(), priced_in=pl.col("priced").sum())
    months = months.join(cover, on="mi", how="left").with_columns(
        betrouwbaar=(pl.col("priced_in").fill_null(0) >= MIN_COVERAGE * pl.col("priced_all")) & (pl.col("n").fill_null(0) >= MIN_TOEWIJZINGEN)
    )
    usable = months.filter("betrouwbaar")["mi"]
    fit = rows.filter(pl.col("mi").is_in(usable.implode()))
    if fit.is_empty():
        return months.select("mi", niveau=pl.lit(1.0), betrouwbaar=pl.lit(False))
    # Dense indexes so each round is two weighted counts (numpy bincount): no joins, no Python loops per row.
    t_i, n_t, _ = _dense(fit["tid"].to_numpy())
    m_i, n_m, months_fit = _dense(fit["mi"].to_numpy())
    declared, priced = fit["declared"].to_numpy(), fit["priced"].to_numpy()
    # A weighted count into a few bins (the months) waits on its own last addition to the same
    # bin: spread over SPREAD interleaved copies of each bin, it runs several times faster.
    m_spread = m_i * SPREAD + (np.arange(m_i.size) % SPREAD)

    def per_month(weights: np.ndarray) -> np.ndarray:
        return np.bincount(m_spread, weights, minlength=n_m * SPREAD).reshape(n_m, SPREAD).sum(axis=1)

    per_t = np.bincount(t_i, declared, minlength=n_t)
    per_m = per_month(declared)
    month_level = np.ones(n_m)
    for _ in range(FIT_ROUNDS):
        use = per_t / np.bincount(t_i, month_level[m_i] * priced, minlength=n_t)
        month_level = per_m / per_month(use[t_i] * priced)
    month_level = month_level / month_level.mean()
    level = pl.DataFrame({"mi": pl.Series(months_fit).cast(fit.schema["mi"]), "R": month_level})
    out = months.join(level, on="mi", how="left").sort("mi")
    # Carry the level of the last reliable months forward; before the first one, take that one's.
    carried = pl.col("R").rolling_mean(CARRY_MONTHS, min_samples=1)
    out = out.with_columns(
        last=pl.when(pl.col("betrouwbaar")).then(carried.over(pl.col("betrouwbaar")))
    )
    return out.select(
        "mi",
        niveau=pl.when(pl.col("betrouwbaar")).then(pl.col("R")).otherwise(pl.col("last").forward_fill().backward_fill()),
        betrouwbaar="betrouwbaar",
    )
