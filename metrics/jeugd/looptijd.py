"""How long toewijzingen run: a Kaplan-Meier survival curve per group (product, or productcategorie).

At a peildatum a running toewijzing has no einddatum yet: the forecast needs the chance that it
still runs in each later month, given how old it already is: S(age + x) / S(age). Ended
toewijzingen (einddatum on or before the peildatum) are events; running ones are censored at the
peildatum. An export holds the toewijzingen that ran in its period, so one that started before the
first month of the data only counts from the age it had then (delayed entry): otherwise the long
ones, which reach into the period more often, would make every toewijzing look longer.

Ages are in days, the curve is kept per BIN_DAYS (two days). A group with few toewijzingen at some
age borrows strength from its pool (PRIOR_AT_RISK pseudo observations at the pool's hazard):
periodic toewijzingen pool with periodic ones, budgets (frequentie totaal) with budgets, because a
budget's length decides how fast it is spent. Beyond the oldest age with data the last hazard goes
on. A pool in which nothing has ended yet has no length to learn from: its budgets are assumed to
last DEFAULT_TOTAAL_DAYS (a toewijzing is commonly granted for at most a year), periodic ones to
run on.

A budget (totaal binnen geldigheidsduur) is spent evenly over its own length D, which is unknown
while it runs: its expected spend on a day at age x is amount x E[1{D > x} / D] = amount x
c(x), with c(x) the sum over longer lengths d of P(D = d) / d (`spend`). That, not
amount / E[D], keeps short and long budgets apart: a month's expected spend is then right on
average even though most budgets end before the average length.
"""

from __future__ import annotations

import datetime as dt
import weakref

import numpy as np
import polars as pl

from metrics.jeugd import maanden
from metrics.jeugd.maanden import Frame

BIN_DAYS = 2.0
BINS = 183 * 10  # ages up to ten years
PRIOR_AT_RISK = 20.0
MIN_EVENTS = 3  # ended toewijzingen a pool needs before its lengths count
DEFAULT_TOTAAL_DAYS = 365
POOL_PERIODIC = "*"
POOL_TOTAAL = "* totaal"
MONTH_DAYS = 365.25 / 12


def curves(t: pl.DataFrame, peildatum: dt.date, data_start: dt.date) -> pl.DataFrame:
    """Survival per group and age bin: (groep, pool, k, S, S_next, tail, events) where S is the
    chance to run longer than k bins, S_next the same at k + 1, tail the expected days still to
    run from age k bins on, unconditionally (sum of S over the later ages), events the number of
    ended toewijzingen in the group's pool. `t` has groep, pool, begin and end (the einddatum as
    known at the peildatum, null while running) of toewijzingen known at the peildatum; the pools
    appear as groups of their own."""
    # One lazy query for the observations: only the columns read are filtered.
    started = t.lazy().select("groep", "pool", "begin", "end").filter(pl.col("begin") <= peildatum)
    ended = pl.col("end").is_not_null() & (pl.col("end") <= peildatum)
    last_day = pl.when(ended).then(pl.col("end")).otherwise(pl.lit(peildatum))
    obs = (
        started.select(
            groep=pl.col("groep"),
            pool=pl.col("pool"),
            exit_k=((last_day - pl.col("begin")).dt.total_days().cast(pl.Float64) / BIN_DAYS).floor().cast(pl.Int32).clip(0, BINS - 1),
            entry_k=((pl.lit(data_start) - pl.col("begin")).dt.total_days().cast(pl.Float64) / BIN_DAYS)
            .floor()
            .cast(pl.Int32)
            .clip(0, BINS - 1),
            event=ended,
        )
        .filter(pl.col("exit_k") >= pl.col("entry_k"))
        .collect(engine=maanden.ENGINE)
    )
    # Each pool is a group of its own too.
    pairs = obs.select("groep", "pool").unique()
    groups = pl.concat([pairs, pairs.select(groep=pl.col("pool"), pool=pl.col("pool"))]).unique().sort("groep")
    # The rest is per group over a fixed grid of bins: arrays of groups x BINS, not frames. A
    # state's curves cost a few milliseconds instead of some fifty polars steps on the grid.
    n = groups.height
    if n == 0:
        floats = {c: pl.Float64 for c in ("S", "S_next", "tail", "c", "c_next", "ctail")}
        return pl.DataFrame(schema={"groep": pl.String, "pool": pl.String, "k": pl.Int32, **floats, "events": pl.Int64})
    index = {g: i for i, g in enumerate(groups["groep"].to_list())}
    # Each observation counts in its group's row and in its pool's: counted straight into the
    # grid (numpy bincount), not grouped by strings first.
    own, pooled = (obs[c].replace_strict(index, return_dtype=pl.Int64).to_numpy() * BINS for c in ("groep", "pool"))

    def grid(k: str, weights: np.ndarray | None = None) -> np.ndarray:
        at = obs[k].cast(pl.Int64).to_numpy()
        counts = np.bincount(own + at, weights, minlength=n * BINS) + np.bincount(pooled + at, weights, minlength=n * BINS)
        return counts.astype(np.float64).reshape(n, BINS)

    n_exits, n_events, n_entries = grid("exit_k"), grid("exit_k", obs["event"].cast(pl.Float64).to_numpy()), grid("entry_k")
    at_risk = n_entries.cumsum(axis=1)
    at_risk[:, 1:] -= n_exits.cumsum(axis=1)[:, :-1]
    pools = groups["pool"].to_list()
    own_pool = np.array([index[p] for p in pools])
    is_pool = np.array([g == p for g, p in zip(groups["groep"].to_list(), pools)], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        pool_h = _forward_fill(np.where(at_risk >= 1, n_events / at_risk, np.nan))
    pool_h = np.nan_to_num(pool_h, nan=0.0)[own_pool]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(at_risk >= 1, (n_events + PRIOR_AT_RISK * pool_h) / (at_risk + PRIOR_AT_RISK), np.nan)
    h[is_pool] = pool_h[is_pool]
    # Past the last age with anyone at risk in the group, its last hazard goes on.
    h = _forward_fill(h)
    h = np.clip(np.where(np.isnan(h), pool_h, h), 0.0, 1.0)
    s_next = np.cumprod(1 - h, axis=1)
    s = np.ones_like(s_next)
    s[:, 1:] = s_next[:, :-1]
    # Ended toewijzingen per pool: the count on the pool's own row.
    events = n_events.sum(axis=1)[own_pool].astype(np.int64)
    # A budget pool that has seen (almost) no ends: its budgets last DEFAULT_TOTAAL_DAYS.
    default = np.array([p == POOL_TOTAAL for p in pools], dtype=bool) & (events < MIN_EVENTS)
    last_k = DEFAULT_TOTAAL_DAYS / BIN_DAYS
    k = np.arange(BINS, dtype=np.float64)
    s[default] = np.clip(last_k - k, 0.0, 1.0)
    s_next[default] = np.clip(last_k - (k + 1), 0.0, 1.0)
    # Ending in bin j (length about (j + 1/2) bins) has chance S_j - S_j+1; what is left after the
    # last bin ends there.
    ends = s - s_next + np.where(np.arange(BINS) == BINS - 1, s_next, 0.0)
    tail = _reverse_cumsum((s + s_next) / 2 * BIN_DAYS)
    c = _reverse_cumsum(ends / ((k + 0.5) * BIN_DAYS))
    c_next = np.zeros_like(c)
    c_next[:, :-1] = c[:, 1:]
    ctail = _reverse_cumsum((c + c_next) / 2 * BIN_DAYS)
    rows = np.repeat(np.arange(n), BINS)
    return groups.select("groep", "pool")[rows].with_columns(
        k=pl.Series(np.tile(np.arange(BINS, dtype=np.int32), n)),
        S=pl.Series(s.ravel()),
        S_next=pl.Series(s_next.ravel()),
        tail=pl.Series(tail.ravel()),
        c=pl.Series(c.ravel()),
        c_next=pl.Series(c_next.ravel()),
        ctail=pl.Series(ctail.ravel()),
        events=pl.Series(events[rows], dtype=pl.Int64),
    )


def _forward_fill(a: np.ndarray) -> np.ndarray:
    """Each row's NaNs replaced by the last value before them in that row (NaN before the first)."""
    cols = np.where(np.isnan(a), 0, np.arange(a.shape[1]))
    np.maximum.accumulate(cols, axis=1, out=cols)
    filled = a[np.arange(a.shape[0])[:, None], cols]
    # A row whose first values are NaN keeps them (index 0 is NaN there).
    return filled


def _reverse_cumsum(a: np.ndarray) -> np.ndarray:
    return np.cumsum(a[:, ::-1], axis=1)[:, ::-1]


# The last curve looked up (a weak reference) and its offsets: a state looks its one curve up
# some ten times. The pair is replaced as a whole, so threads at most make it once more.
_last_offsets: tuple[weakref.ref[pl.DataFrame], dict[str, int] | None] | None = None


def _offsets(curve: pl.DataFrame) -> dict[str, int] | None:
    """The first row of each group in a curve laid out as `curves` makes it (every group's bins
    0..BINS-1 in order, one group after the other), so that bin k of a group is row first + k;
    None for a curve laid out otherwise."""
    global _last_offsets
    last = _last_offsets
    if last is not None and last[0]() is curve:
        return last[1]
    got = _offsets_of(curve)
    _last_offsets = (weakref.ref(curve), got)
    return got


def _offsets_of(curve: pl.DataFrame) -> dict[str, int] | None:
    if curve.height == 0 or curve.height % BINS:
        return None
    k = curve["k"].to_numpy()
    if not np.array_equal(k, np.tile(np.arange(BINS, dtype=k.dtype), curve.height // BINS)):
        return None
    groups = curve["groep"].gather(np.arange(0, curve.height, BINS)).to_list()
    if len(set(groups)) != len(groups):
        return None
    return {g: i * BINS for i, g in enumerate(groups)}


def first_row(curve: pl.DataFrame, groep: str, pool: str) -> pl.Expr | None:
    """The row of bin 0 of each row's group in `curve` (its pool's when the group has none; null
    without either), for the lookups' `first`; None for a curve not laid out as `curves` makes
    it. Made once on the toewijzingen, it spares every lookup after it the strings of the group."""
    offsets = _offsets(curve)
    if offsets is None:
        return None
    known = pl.Series(list(offsets), dtype=pl.String)
    group = pl.when(pl.col(groep).is_in(known.implode())).then(pl.col(groep)).otherwise(pl.col(pool))
    return group.replace_strict(offsets, default=None, return_dtype=pl.Int64)


def _lookup(curve: pl.DataFrame, frame: Frame, groep: str, pool: str, k: pl.Expr, columns: list[str], first: str | None = None) -> Frame:
    """`frame` joined with the curve row of its group (its pool's when the group has none) at bin k.
    Like the lookups below, it takes an eager or a lazy frame and gives the same back, so that a
    state chains several on one query. first: a column of `frame` with `first_row` of this curve, when made already."""
    offsets = _offsets(curve)
    if offsets is not None and first is not None:
        tmp = frame.with_columns(_k=k)
        start = pl.col(first)
    else:
        known = pl.Series(list(offsets), dtype=pl.String) if offsets is not None else curve.select("groep").unique()["groep"]
        tmp = frame.with_columns(_g=pl.when(pl.col(groep).is_in(known.implode())).then(pl.col(groep)).otherwise(pl.col(pool)), _k=k)
        if offsets is None:
            rows = curve.select(pl.col("groep").alias("_g"), pl.col("k").alias("_k"), *columns)
            return tmp.join(rows.lazy() if isinstance(tmp, pl.LazyFrame) else rows, on=["_g", "_k"], how="left", maintain_order="left")
        start = pl.col("_g").replace_strict(offsets, default=None, return_dtype=pl.Int64)
    # A row number and a gather instead of a join on (group, bin): the join hashes the whole
    # curve on every lookup, about ten per forecast state, and was most of a small state's time.
    row = pl.when(pl.col("_k").is_between(0, BINS - 1)).then(start + pl.col("_k").cast(pl.Int64))
    return tmp.with_columns(_row=row).with_columns([pl.lit(curve[c]).gather(pl.col("_row")).alias(c) for c in columns]).drop("_row")


def at(curve: pl.DataFrame, frame: Frame, groep: str, pool: str, age_days: str, out: str, *, stretch: float = 1.0, first: str | None = None) -> Frame:
    """`frame` with column `out`: S at the age in column `age_days` (linear within a bin) for the
    curve of its group. `stretch` > 1 makes every toewijzing last that much longer: S(age / stretch).
    A group without a curve in a pool without one runs on (S = 1)."""
    x = (pl.col(age_days).cast(pl.Float64).clip(lower_bound=0) / (BIN_DAYS * stretch)).clip(upper_bound=BINS - 1e-9)
    got = _lookup(curve, frame.with_columns(_f=x - x.floor()), groep, pool, x.floor().cast(pl.Int32), ["S", "S_next"], first)
    value = (pl.col("S") + (pl.col("S_next") - pl.col("S")) * pl.col("_f")).fill_null(1.0)
    return got.with_columns(value.alias(out)).drop("_g", "_k", "_f", "S", "S_next", strict=False)


def spend(curve: pl.DataFrame, frame: Frame, groep: str, pool: str, age_days: str, out: str, *, stretch: float = 1.0, first: str | None = None) -> Frame:
    """`frame` with column `out`: c at the age in column `age_days`, the expected share of a new
    budget spent on one day at that age (see the module text). With `stretch` s every budget
    lasts s times longer, so the same amount is spent s times slower: c(age / s) / s."""
    x = (pl.col(age_days).cast(pl.Float64).clip(lower_bound=0) / (BIN_DAYS * stretch)).clip(upper_bound=BINS - 1e-9)
    got = _lookup(curve, frame.with_columns(_f=x - x.floor()), groep, pool, x.floor().cast(pl.Int32), ["c", "c_next"], first)
    value = ((pl.col("c") + (pl.col("c_next") - pl.col("c")) * pl.col("_f")) / stretch).fill_null(1.0 / DEFAULT_TOTAAL_DAYS)
    return got.with_columns(value.alias(out)).drop("_g", "_k", "_f", "c", "c_next", strict=False)


def integral(
    curve: pl.DataFrame, frame: Frame, groep: str, pool: str, age_from: str, age_to: str, out: str, *, of: str = "S", first: str | None = None
) -> Frame:
    """`frame` with column `out`: the integral over ages [age_from, age_to) (days) of S (`of="S"`:
    expected days running, unconditionally) or of c (`of="c"`: expected share of a budget spent).
    Exact for the curve as kept (linear within a bin), so a month in which many end is not
    misjudged by its middle day."""
    value, value_next, tail = ("S", "S_next", "tail") if of == "S" else ("c", "c_next", "ctail")

    def remaining(age: str, name: str) -> pl.Expr:
        # Integral from the age to the end: the bin's tail minus the part of the bin already behind.
        f = pl.col(f"_f{name}")
        return pl.col(f"{tail}{name}") - BIN_DAYS * (f * pl.col(f"{value}{name}") + f * f / 2 * (pl.col(f"{value_next}{name}") - pl.col(f"{value}{name}")))

    got = frame
    for age, name in ((age_from, "_a"), (age_to, "_b")):
        x = (pl.col(age).cast(pl.Float64).clip(lower_bound=0) / BIN_DAYS).clip(upper_bound=BINS - 1e-9)
        got = _lookup(curve, got.with_columns(x.alias(f"_x{name}")), groep, pool, pl.col(f"_x{name}").floor().cast(pl.Int32), [value, value_next, tail], first)
        got = got.rename({value: f"{value}{name}", value_next: f"{value_next}{name}", tail: f"{tail}{name}"}).with_columns(
            (pl.col(f"_x{name}") - pl.col(f"_x{name}").floor()).alias(f"_f{name}")
        ).drop("_g", "_k", strict=False)
    result = (remaining(age_from, "_a") - remaining(age_to, "_b")).clip(lower_bound=0.0)
    # No curve at all: runs on (S = 1: the days themselves) or a default budget (1 / DEFAULT per day).
    fallback = (pl.col(age_to) - pl.col(age_from)).cast(pl.Float64) * (1.0 if of == "S" else 1.0 / DEFAULT_TOTAAL_DAYS)
    drop = [c for c in _names(got) if c.endswith(("_a", "_b")) and c not in _names(frame)]
    return got.with_columns(pl.when(pl.col(f"{tail}_a").is_null()).then(fallback).otherwise(result).alias(out)).drop(drop)


def _names(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns


def expected_length(curve: pl.DataFrame, frame: Frame, groep: str, pool: str, age_days: str, out: str) -> Frame:
    """`frame` with column `out`: expected total length in days of a toewijzing that has run
    `age_days` days: age + (days still to run from that age) / S(age)."""
    k = (pl.col(age_days).cast(pl.Float64).clip(lower_bound=0) / BIN_DAYS).floor().cast(pl.Int32).clip(0, BINS - 1)
    got = _lookup(curve, frame, groep, pool, k, ["S", "tail"])
    remaining = pl.when(pl.col("S") > 1e-9).then(pl.col("tail") / pl.col("S")).otherwise(BIN_DAYS)
    value = (pl.col("_k").cast(pl.Float64) * BIN_DAYS + remaining).fill_null(float(DEFAULT_TOTAAL_DAYS))
    return got.with_columns(value.clip(lower_bound=pl.col(age_days).cast(pl.Float64) + 1).alias(out)).drop("_g", "_k", "S", "tail")


def mean_length(curve: pl.DataFrame, groups: Frame) -> Frame:
    """Per (groep, pool) of `groups`: the expected length in days of a new toewijzing (`lengte`)."""
    frame = groups.select("groep", "pool").unique().with_columns(_age=pl.lit(0.0))
    return expected_length(curve, frame, "groep", "pool", "_age", "lengte").drop("_age")


def occupancy(curve: pl.DataFrame, groups: pl.DataFrame, months: int, *, stretch: float = 1.0) -> pl.DataFrame:
    """Per (groep, pool) of `groups` (which has their mean length `lengte`) and k = 0..months-1:
    what a toewijzing starting on a uniformly random day of its start month costs in the k-th
    calendar month after it, as a share of a full month's cost (`bezetting`).

    Periodic: the expected share of the month it runs, (1/M^2) x the integral of S(u) w_k(u) over
    the age u, with M the length of a month and w_k the triangle of width 2M around age kM
    (k = 0: M - u on [0, M]) that the random start day makes of the month; 1/2 for one that runs
    through its start month, 1 later on. Budget: its spend, amount x (1/M) x the integral of
    c(u) w_k(u), divided by a full month's cost amount x M / lengte. Integrated per day. With
    `stretch` s every toewijzing lasts s times longer: S(u / s), and c(u / s) / s (the same budget
    spent more slowly)."""
    m = MONTH_DAYS
    ages = pl.LazyFrame({"u": pl.int_range(0, int(months * m) + 2, eager=True).cast(pl.Float64) + 0.5})
    # One lazy query, collected once: the grid is small, the steps' collects were most of the time.
    grid = groups.lazy().select("groep", "pool", "lengte").unique().join(ages, how="cross")
    grid = at(curve, grid, "groep", "pool", "u", "S_u", stretch=stretch)
    grid = spend(curve, grid, "groep", "pool", "u", "c_u", stretch=stretch)
    value = pl.when(pl.col("pool") == POOL_TOTAAL).then(pl.col("c_u") * pl.col("lengte")).otherwise(pl.col("S_u"))
    ks = pl.LazyFrame({"k": pl.int_range(0, months, eager=True).cast(pl.Int32)})
    lo = (pl.col("k").cast(pl.Float64) - 1) * m
    weight = (
        pl.when(pl.col("k") == 0)
        .then(m - pl.col("u"))
        .otherwise(m - (pl.col("u") - pl.col("k").cast(pl.Float64) * m).abs())
        .clip(lower_bound=0.0)
    )
    return (
        grid.join(ks, how="cross")
        .filter(pl.col("u").is_between(lo.clip(lower_bound=0.0), lo + 2 * m))
        .group_by("groep", "pool", "k")
        .agg(bezetting=(value * weight).sum() / (m * m))
        .sort("groep", "k")
        .collect(engine=maanden.ENGINE)
    )
