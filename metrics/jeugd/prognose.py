"""Year-end forecast (prognose) of youth-care spending that does not wait for late declarations.

Providers declare a month of care weeks or months after it; a forecast that only adds up what is
in runs behind, which is how overspending came as a surprise. The forecast of year J at
peildatum P is the sum, per month of care, of:

1. realised: declarations for months of care in J that are in (ingediend_op <= P);
2. expected_lag, for months up to the peildatum (its own month included): what is still to be
   declared, per aanbieder: (1 - share(age)) x expected amount, where share(age) is which part of
   a month's eventual amount this aanbieder usually has in at that age (`vertraging`: its own
   completion shares, robust to one odd year, mixed with everyone's for small aanbieders) and the
   expected amount is what its toewijzingen that ran that month price, times its utilisation
   (what its complete months cost / what they priced). This is the Bornhuetter-Ferguson form of
   the chain ladder: stable for the last month, where almost nothing is in yet. When an
   aanbieder has clearly declared less than its toewijzingen and own lag imply (`vertraging.late`),
   the missing part is added as well (`late_fill`): a late aanbieder's months count at what its
   toewijzingen imply, and `Forecast.late` names it;
3. expected_active, for months still to come, in two parts:
   - expected_known: toewijzingen known at the peildatum, volume x tarief per day (per week / 7,
     per maand over the days of the month), times the aanbieder's utilisation, for the days it is
     expected to still run (`looptijd`: Kaplan-Meier per product, given its age); a budget
     (totaal binnen geldigheidsduur) at the expected daily spend of budgets of its age. A known
     einddatum is used as given;
   - expected_new: toewijzingen that start after the peildatum: per product the number that
     started per month in the last year (with the calendar pattern of the last three years), minus
     those already known, times what a recent new toewijzing costs per month, times the share of
     each month it is expected to run.
   Months up to the peildatum are covered by 1 and 2, later months by 3 (and new toewijzingen
   starting in the rest of the peildatum's own month, when it is not a month end), so nothing is
   counted twice.

Prices (`tarieven`): a toewijzing carries the tarief of its start; its cost in month m is that
tarief x level(m) / level(start). The level comes from the declared tariff changes known at the
peildatum (a settings table; see `tarieven` for the shape) and, where declarations are in, from
what the same toewijzingen declared before and after a change. Months to come keep the last level
seen, plus declared changes.

The range is an 80% interval from the backtest: the forecast is made again for every earlier
complete year at the same point of that year, with only what was known then, and compared with
the final outcome. Errors of neighbouring years are correlated (a stock that runs long, a slow
year for declarations), so they are worth fewer independent years than there are: the range uses
the root mean square error with a Student-t quantile for the effective number of years
n (1 - r) / (1 + r), r the lag-one correlation of the errors. At least `MIN_RANGE_YEARS` earlier
years are needed, else the range is None. The backtest itself says, per row, whether the outcome
fell in the range its own earlier years gave (`in_range`), so the range can be checked.

What was known at a date P: declarations with ingediend_op <= P; toewijzingen with aanvraagdatum
(else begindatum) <= P; tariff changes with bekend_op <= P. The warehouse keeps only a
toewijzing's last einddatum, so when the past is reconstructed (backtest) an einddatum after P
counts as unknown. It also keeps only the last tarief: an export that overwrites the tarief of
running toewijzingen at a change lets the backtest know a later change too early.
`tarief_historie` (toewijzing_id, geldig_vanaf, tarief) repairs that; without it `tarief_check`
tests the export for the pattern, and `Forecast.tarief_check` and the backtest carry the verdict.

Public API
    inputs = load(cursor, peildatum, productcategorie=["43"], wijk_code=None, aanbieder_agb=None)
    fc = forecast(inputs.toewijzingen, inputs.declaraties, 2024, date(2024, 6, 30),
                  tarieven=inputs.tarieven, tarief_historie=inputs.tarief_historie)
    fc.total, fc.low, fc.high, fc.months   # months: one row per month of care, for a chart
    fc.late                                # late aanbieders (vertraging.SIGNAL_SCHEMA)
    describe(fc); late_text(row)           # Dutch paragraph; one Dutch line per late aanbieder
    bt = backtest(inputs.toewijzingen, inputs.declaraties, checkpoints=(3, 6, 9), tarieven=...)
    summary(bt); explain(bt, herkomst="demodata, zaad 193")
    late_aanbieders(inputs.toewijzingen, inputs.declaraties, peildatum)   # the signal, with `tekst`
    as_known_at(toewijzingen, declaraties, date(2024, 6, 30))             # the data as they were then
    metrics.jeugd.wat_als.wat_als(fc, Scenario(...))                      # the what-if (issue 13)
    CompletionFactors.estimate(inputs.declaraties, date(2024, 6, 30)).frame()
    jaareinde(ctx)                         # the derived metric `prognose` (metrics.derived)

Frames: toewijzingen need toewijzing_id, aanvraagdatum, begindatum, einddatum, volume,
frequentie, tarief (aanbieder_agb, aanbieder_naam, productcategorie, productcode used when present);
declaraties need toewijzing_id, maand, ingediend_op, bedrag (status optional). Both may be the
full tables or what `load` returns. Filters (productcategorie, aanbieder, wijk) are applied by `load`.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import polars as pl
from babel.numbers import format_decimal

from metrics.errors import InvalidQuery
from metrics.jeugd import looptijd, maanden, tarieven, vertraging
from metrics.jeugd.maanden import Frame

if TYPE_CHECKING:
    from metrics.derived import DerivedContext

MAX_LAG = 12  # months after which a month of care counts as complete
HISTORY = 36  # complete months the completion shares and utilisation are estimated on
MIN_REFERENCE_MONTHS = 12
MIN_RANGE_YEARS = 3
LEVEL_WINDOW = MAX_LAG + HISTORY  # months of declarations the price level is read from
FE_ROWS = 200_000  # toewijzing-months the month effect of the price level is fitted on, at most
SEASON_YEARS = 3  # years of starts the calendar pattern of new toewijzingen is taken from
NEW_YEARS = 1  # years of starts the number and cost of new toewijzingen per month are taken from
Z80 = 1.2815515655446004  # 10% in each tail of a normal distribution
# Student-t 90% quantiles (80% two-sided) by degrees of freedom; between them linear, beyond 30 normal.
T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397, 9: 1.383, 10: 1.372,
       12: 1.356, 15: 1.341, 20: 1.325, 30: 1.310}  # fmt: skip

# frequentie as stored in the warehouse -> how the price runs: per day (dag, week: 1/7 per day),
# per calendar month, or a total spread over the toewijzing's days.
PER_DAY = {"per dag": 1.0, "per week": 1 / 7}
PER_MAAND = "per maand"
TOTAAL = "totaal binnen geldigheidsduur"
FREQUENTIES = (*PER_DAY, PER_MAAND, TOTAAL)
# A rejected line is never paid; credit lines (gecrediteerd, negative) reverse paid ones and count.
REJECTED_STATUS = ("afgekeurd",)
UNKNOWN = "onbekend"

LABELS = {
    "month": "Zorgmaand",
    "realised": "Gedeclareerd",
    "expected_lag": "Nog te declareren (maanden t/m peildatum)",
    "late_fill": "Waarvan achterstand late aanbieders",
    "expected_active": "Verwacht (nog te leveren zorg)",
    "expected_known": "Waarvan lopende toewijzingen",
    "expected_new": "Waarvan nieuwe toewijzingen",
    "total": "Prognose per maand",
    "cumulative": "Prognose cumulatief",
}


class InsufficientHistory(ValueError):
    """Too little complete history before the peildatum to estimate how declarations come in."""


_eur, _pct, _date, _listing = maanden.eur, maanden.pct, maanden.date, maanden.listing


# --- inputs ---------------------------------------------------------------------------------


def _toewijzingen(toewijzingen: pl.DataFrame) -> pl.DataFrame:
    """Per toewijzing: an integer id, aanbieder, group, when it was known, when it runs, its price."""
    unknown = sorted(set(toewijzingen["frequentie"].unique().to_list()) - set(FREQUENTIES), key=str)
    if unknown:
        raise ValueError(f"onbekende frequentie in toewijzingen: {unknown}; verwacht een van {list(FREQUENTIES)}")
    cols = toewijzingen.columns
    agb = pl.col("aanbieder_agb").cast(pl.String).fill_null(UNKNOWN) if "aanbieder_agb" in cols else pl.lit(UNKNOWN)
    naam = pl.col("aanbieder_naam").cast(pl.String) if "aanbieder_naam" in cols else pl.lit(None, dtype=pl.String)
    # Products differ most in how long they run (a crisis placement, pleegzorg): group by product
    # where the export has it, else by productcategorie.
    groep = pl.col("productcategorie").cast(pl.String) if "productcategorie" in cols else pl.lit(None, dtype=pl.String)
    if "productcode" in cols:
        groep = pl.coalesce(pl.col("productcode").cast(pl.String), groep)
    total = pl.col("frequentie") == TOTAAL
    # A budget runs out, a periodic toewijzing runs on: their lengths are learnt apart.
    groep = pl.when(total).then(groep.fill_null(UNKNOWN) + " (totaal)").otherwise(groep.fill_null(UNKNOWN))
    ident = pl.col("toewijzing_id").cast(pl.String) if "toewijzing_id" in cols else pl.int_range(pl.len()).cast(pl.String)
    return toewijzingen.select(
        toewijzing_id=ident,
        aanbieder=agb,
        naam=naam,
        groep=groep,
        pool=pl.when(total).then(pl.lit(looptijd.POOL_TOTAAL)).otherwise(pl.lit(looptijd.POOL_PERIODIC)),
        known_on=pl.coalesce("aanvraagdatum", "begindatum"),
        begin=pl.col("begindatum"),
        end=pl.col("einddatum"),
        freq=pl.col("frequentie"),
        volume=pl.col("volume").cast(pl.Float64),
        amount=pl.col("volume").cast(pl.Float64) * pl.col("tarief").cast(pl.Float64),
        # The day the tarief was set: its start, unless a tarief history says otherwise.
        tau=pl.col("begindatum"),
    ).with_row_index("tid")


HISTORY_SCHEMA = {"toewijzing_id": pl.String, "geldig_vanaf": pl.Date, "tarief": pl.Float64}


def _history(tarief_historie: pl.DataFrame | None) -> pl.DataFrame | None:
    """A tarief history (toewijzing_id, geldig_vanaf, tarief: the tarief a toewijzing had from
    that day, as successive exports showed it), checked and sorted; None when absent."""
    if tarief_historie is None:
        return None
    missing = [c for c in HISTORY_SCHEMA if c not in tarief_historie.columns]
    if missing:
        raise ValueError(f"tariefhistorie mist kolom(men) {missing}; verwacht toewijzing_id, geldig_vanaf, tarief")
    return tarief_historie.select([pl.col(c).cast(t) for c, t in HISTORY_SCHEMA.items()]).drop_nulls().sort("toewijzing_id", "geldig_vanaf")


def _declarations(declaraties: pl.DataFrame, t: pl.DataFrame, per_maand: bool = False) -> pl.DataFrame:
    """Declared amounts per (toewijzing, month of care, submission date), with the aanbieder,
    sorted by month of care, toewijzing and submission date: the lines of a few months are a
    slice, and a toewijzing-month's lines follow each other, the first first (vertraging.Summed).
    per_maand: the declaraties are at that grain already (`load` sums them in the warehouse), so
    millions of lines are not grouped again."""
    if "toewijzing_id" not in declaraties.columns:
        raise ValueError("declaraties missen kolom toewijzing_id: de prognose rekent per aanbieder en per toewijzing")
    d = declaraties.lazy()
    if "status" in declaraties.columns:
        d = d.filter(~pl.col("status").is_in(list(REJECTED_STATUS)).fill_null(False))
    # The aanbieder per line as a category: four bytes for each of millions of lines, not a string.
    keys = t.lazy().select("toewijzing_id", "tid", pl.col("aanbieder").cast(pl.Categorical))
    grain = {"toewijzing_id": pl.col("toewijzing_id").cast(pl.String), "maand": pl.col("maand").dt.month_start(), "ingediend_op": pl.col("ingediend_op")}
    bedrag = pl.col("bedrag").cast(pl.Float64)
    d = d.select(**grain, bedrag=bedrag) if per_maand else d.group_by(**grain).agg(bedrag=bedrag.sum())
    lines = (
        d.join(keys, on="toewijzing_id", how="left")
        .with_columns(
            aanbieder=pl.col("aanbieder").fill_null(UNKNOWN),
            mi=maanden.expr("maand"),
        )
        .drop("toewijzing_id", "maand")
        .collect()
    )
    return _sorted(lines)


def _sorted(lines: pl.DataFrame) -> pl.DataFrame:
    """`lines` sorted by mi, tid and ingediend_op, nulls last. Where they fit, the three packed
    into one integer (16 bits of month, 32 of tid, 16 of day; a null as its field's largest
    value): sorting on three columns was most of making a model (1.8 s of 2.2 for 7.6 million
    lines), on one integer it takes 0.4 s, in the same order."""
    day = pl.col("ingediend_op").cast(pl.Int32)  # a Date: the warehouse column and every caller's
    mi_lo, mi_hi, day_lo, day_hi, tid_hi = lines.select(
        m0=pl.col("mi").min(), m1=pl.col("mi").max(), d0=day.min(), d1=day.max(), t1=pl.col("tid").max()
    ).row(0)
    if None in (mi_lo, day_lo) or mi_hi - mi_lo >= 0xFFFF or day_hi - day_lo >= 0xFFFF or (tid_hi or 0) >= 0xFFFFFFFF:
        return lines.sort("mi", "tid", "ingediend_op", nulls_last=True)
    key = (
        (pl.col("mi") - mi_lo).cast(pl.UInt64).fill_null(0xFFFF) * (1 << 48)
        + pl.col("tid").cast(pl.UInt64).fill_null(0xFFFFFFFF) * (1 << 16)
        + (day - day_lo).cast(pl.UInt64).fill_null(0xFFFF)
    )
    return lines.sort(key)


# --- completion factors (all aanbieders together) ---------------------------------------------


@dataclass(frozen=True)
class CompletionFactors:
    """Which share of a month of care's eventual amount is declared k months after that month,
    for all aanbieders together (the forecast itself uses each aanbieder's own, `vertraging`).

    shares[k] is the share in at the same point k months later (k = 0: at the peildatum in the
    month of care itself), the median over yearly blocks of the complete months (at least
    `max_lag` months old) of the last `HISTORY` months before the peildatum.
    """

    peildatum: dt.date
    shares: tuple[float, ...]
    reference_months: int

    @classmethod
    def estimate(cls, declaraties: pl.DataFrame, peildatum: dt.date, *, max_lag: int = MAX_LAG) -> CompletionFactors:
        t = pl.DataFrame({"toewijzing_id": declaraties["toewijzing_id"].cast(pl.String).unique()}) if "toewijzing_id" in declaraties.columns else None
        if t is None:
            raise ValueError("declaraties missen kolom toewijzing_id")
        keys = t.with_row_index("tid").with_columns(aanbieder=pl.lit(UNKNOWN))
        d = _declarations(declaraties, keys).filter(pl.col("ingediend_op") <= peildatum)
        return _pooled(vertraging.Summed.of(d), peildatum, max_lag)[0]

    def share(self, age: int) -> float:
        """Share in for a month of care `age` months before the peildatum's month."""
        if age < 0:
            return 0.0
        return self.shares[age] if age < len(self.shares) else 1.0

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {"maanden_na_zorgmaand": list(range(len(self.shares))), "aandeel_binnen": list(self.shares)},
            schema={"maanden_na_zorgmaand": pl.Int32, "aandeel_binnen": pl.Float64},
        )


def _pooled(summed: vertraging.Summed, peildatum: dt.date, max_lag: int) -> tuple[CompletionFactors, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Everyone's completion factors, the per-aanbieder shares, the reference months' amounts and
    how complete a toewijzing-month with lines in is by age (vertraging.shares), from the lines
    in by the peildatum (`vertraging.Summed`)."""
    shares, eventual, cc = vertraging.shares(summed, peildatum, max_lag, HISTORY)
    ref = eventual.filter((pl.col("aanbieder") == vertraging.POOLED) & (pl.col("bedrag") != 0))
    total = float(ref["bedrag"].sum()) if ref.height else 0.0
    if ref.height < MIN_REFERENCE_MONTHS or total <= 0:
        raise InsufficientHistory(
            f"te weinig afgeronde maanden vóór {peildatum.isoformat()} om te schatten hoe declaraties binnenkomen: "
            f"{ref.height} gevonden, minstens {MIN_REFERENCE_MONTHS} nodig "
            f"(een maand telt als afgerond na {max_lag} maanden)"
        )
    pooled = shares.filter(pl.col("aanbieder") == vertraging.POOLED).sort("k")
    got = dict(zip(pooled["k"].to_list(), pooled["s"].to_list()))
    factors = CompletionFactors(peildatum, tuple(float(got.get(k, 1.0)) for k in range(max_lag)), ref.height)
    return factors, shares, eventual, cc


# --- the forecast --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Year-end forecast of jaar `year` made at `peildatum`; amounts in euro.

    The sums: realised + expected_lag + expected_active = total; late_fill is the part of
    expected_lag added for late aanbieders; expected_known + expected_new = expected_active.
    low, high: the 80% range (None with too few earlier years), effective_years the number of
    independent years its errors were worth. months: one row per month of care (month, realised,
    expected_lag, late_fill, expected_active, expected_known, expected_new, total, cumulative);
    `LABELS` has their Dutch names. late: the late aanbieders at the peildatum
    (vertraging.SIGNAL_SCHEMA). backtest: the earlier years at the same point of the year the
    range comes from (columns as `backtest`). price_level: per month index (mi) the tariff level
    used (niveau = gedeclareerd x residu: declared changes x what declarations showed).
    tarieven: the declared changes known at the peildatum. tarief_check: can the tarief column
    be taken as each start's (see `tarief_check`). parts: what the what-if
    (`metrics.jeugd.wat_als`) recomputes, see `_Parts`.
    """

    year: int
    peildatum: dt.date
    realised: float
    expected_lag: float
    late_fill: float
    expected_active: float
    expected_known: float
    expected_new: float
    total: float
    low: float | None
    high: float | None
    naive: float
    utilisation: float
    completion: CompletionFactors
    months: pl.DataFrame
    late: pl.DataFrame
    backtest: pl.DataFrame
    effective_years: float | None
    price_level: pl.DataFrame
    tarieven: pl.DataFrame
    tarief_check: TariefCheck
    parts: _Parts


class TariefCheck(NamedTuple):
    """Whether the tarief of toewijzingen can be taken as it was at an earlier date.

    trusted: True when the tarief comes from a tarief history, or the export shows toewijzingen
    keep the tarief of their start; False when running toewijzingen look re-priced (overwritten);
    None when the data cannot tell (no price change seen). reason: one Dutch sentence."""

    trusted: bool | None
    reason: str


class _Parts(NamedTuple):
    """The forecast's own parts, per month of care (mi), for the what-if.

    known: per month after the peildatum, what known toewijzingen are expected to cost (mi, bedrag).
    new: per group (groep, pool), start month and month (start, mi, k = mi - start): expected
    starts not known yet (aantal), cost of a running toewijzing in a full month at that month's
    tariff level and its aanbieder's utilisation (kosten), the share of the month that counts
    (deel: the rest of the peildatum's month for its starters, else 1) and the expected share of
    the month a starter runs (bezetting, `looptijd.occupancy`); amount = product of the four.
    curves: the survival curves (looptijd.curves). starts: per group the starts per month over
    the last year (per_month) and the mean length in days of a new toewijzing (lengte)."""

    known: pl.DataFrame
    new: pl.DataFrame
    curves: pl.DataFrame
    starts: pl.DataFrame


class _State(NamedTuple):
    """Everything the forecast knows at one peildatum, for any year."""

    peildatum: dt.date
    known: pl.DataFrame  # toewijzingen known, with end as known, rates and level at start
    curves: pl.DataFrame
    level: pl.DataFrame  # mi, niveau (declared x residual), for every month needed
    declared_level: pl.DataFrame
    residual: pl.DataFrame
    past: pl.DataFrame  # tid, a (aanbieder code, _Model.aanbieders), mi, cost0, cost (priced at level) for months <= p
    shares: pl.DataFrame
    completion: CompletionFactors
    utilisation: pl.DataFrame  # aanbieder, u
    pooled_utilisation: float
    changes: pl.DataFrame


class _Point(NamedTuple):
    months: pl.DataFrame
    late: pl.DataFrame
    utilisation: float
    completion: CompletionFactors
    parts: _Parts
    price_level: pl.DataFrame
    changes: pl.DataFrame

    @property
    def total(self) -> float:
        return float(self.months["total"].sum())


def _cost() -> pl.Expr:
    """Cost of `days` running days in month `mi` at the toewijzing's own price."""
    return pl.col("per_day") * pl.col("days") + pl.col("per_month") * pl.col("days") / maanden.days_expr(pl.col("mi"))


def _new_amount() -> pl.Expr:
    """Expected cost of new toewijzingen in a row of `_Parts.new`."""
    return pl.col("aantal") * pl.col("kosten") * pl.col("deel") * pl.col("bezetting")


def _at_month(months: pl.DataFrame, column: str, first: int) -> pl.Expr:
    """`column` of `months` (one row per month from `first` on, in order) for each row's month `mi`."""
    mi = months["mi"]
    if mi.len() and (mi[0] != first or mi[-1] != first + mi.len() - 1):
        raise AssertionError(f"months {mi[0]}..{mi[-1]} ({mi.len()}) are not every month from {first} on")
    return pl.lit(months[column]).gather(pl.col("mi") - first)


def _running_sum(lines: pl.DataFrame) -> pl.Series:
    """Per line (sorted by mi, tid, ingediend_op) the sum of its toewijzing-month's bedrag up to
    and including it, added in line order. In numpy on the lines after a toewijzing-month's
    first, which are few (most months come in one line): a window sum over the lines hashes all
    of them, over a second per million lines."""
    first = pl.col("tid").ne_missing(pl.col("tid").shift(1)) | pl.col("mi").ne_missing(pl.col("mi").shift(1))
    later = np.flatnonzero(~lines.select(first.fill_null(True)).to_series().to_numpy())
    x = lines["bedrag"].fill_null(0.0).to_numpy().astype(np.float64, copy=True)
    # Each pass adds the line before to the lines whose line before is final already.
    while later.size:
        waits = np.zeros(later.size, dtype=bool)
        waits[1:] = later[1:] - 1 == later[:-1]
        ready = later[~waits]
        x[ready] += x[ready - 1]
        later = later[waits]
    return pl.Series("cum", x, dtype=pl.Float64)


def _explode(known: Frame, lo: int, hi: int) -> Frame:
    """One row per toewijzing and month in [lo, hi] that it runs in, with its running days.
    A toewijzing without an einddatum runs through month `hi`."""
    first = pl.max_horizontal(maanden.expr("begin"), pl.lit(lo, dtype=pl.Int32))
    last = pl.min_horizontal(pl.coalesce(maanden.expr("end"), pl.lit(hi, dtype=pl.Int32)), pl.lit(hi, dtype=pl.Int32))
    rows = known.filter(first <= last).with_columns(mi=pl.int_ranges(first, last + 1, dtype=pl.Int32), end_mi=maanden.expr("end")).explode("mi")
    m_end = maanden.end_expr(pl.col("mi"))
    run_from = pl.max_horizontal(pl.col("begin"), maanden.start_expr(pl.col("mi")))
    run_to = pl.min_horizontal(pl.coalesce(pl.col("end"), m_end), m_end)
    return rows.with_columns(days=((run_to - run_from).dt.total_days() + 1).cast(pl.Float64))


class _Model:
    """Prepared inputs plus the caches that make a backtest over many years cheap."""

    def __init__(
        self,
        toewijzingen: pl.DataFrame,
        declaraties: pl.DataFrame,
        max_lag: int,
        changes: Any = None,
        tarief_historie: pl.DataFrame | None = None,
        per_maand: bool = False,
    ) -> None:
        self.t = _toewijzingen(toewijzingen)
        # Each aanbieder as a number (a: its position in `aanbieders`): the millions of
        # toewijzing-months a state prices are gathered and grouped by it, not by a string.
        self.aanbieders = self.t["aanbieder"].unique(maintain_order=True)
        codes = pl.Series(range(self.aanbieders.len()), dtype=pl.UInt32)
        self.t = self.t.with_columns(a=pl.col("aanbieder").replace_strict(self.aanbieders, codes, return_dtype=pl.UInt32))
        self.history = _history(tarief_historie)
        lines = _declarations(declaraties, self.t, per_maand)
        self.summed = vertraging.Summed.of(lines)
        # Past the summing, a state reads the lines of a few months of care (the level window, the
        # starters around a tariff step): by month, those are a slice.
        # cum: what a toewijzing-month had in up to and including each line (its lines follow each
        # other, by submission date): what it had in by a cut is then one line's value, not a
        # group-by per state (`declared_by`).
        self.d = lines.select("tid", "mi", "ingediend_op", "bedrag").with_columns(cum=_running_sum(lines))
        # An aanbieder's name, from its first toewijzing: looked up per aanbieder, not carried on
        # each of millions of lines and toewijzing-months.
        self.names = self.t.group_by("aanbieder", maintain_order=True).agg(naam=pl.col("naam").first())
        self.max_lag = max_lag
        self.changes = tarieven.wijzigingen(changes)
        first = self.d["mi"].min() if self.d.height else None
        self.data_start = maanden.month_start(int(first)) if first is not None else dt.date(1900, 1, 1)
        self._states: dict[tuple[dt.date, bool], _State] = {}
        self._rows: dict[tuple[int, dt.date, dt.date], dict[str, Any]] = {}
        self._checks: dict[dt.date, TariefCheck] = {}
        self._in: dict[tuple[int, dt.date], list[float]] = {}
        self._months: pl.DataFrame | None = None
        self._months_first = self._months_last = 0
        # One model may serve several analyses of one selection (metrics.jeugd.selectie): its
        # caches are filled under this lock, so two sessions never make the same state twice.
        self._lock = threading.RLock()

    # -- what is in ----------------------------------------------------------------------------

    def _aanbieder(self) -> pl.Expr:
        """The aanbieder of the code in column `a`."""
        return pl.lit(self.aanbieders).gather(pl.col("a")).alias("aanbieder")

    def lines_in(self, first: int, last: int, cut: dt.date) -> pl.DataFrame:
        """The declaration lines (tid, mi, ingediend_op, bedrag) of the months of care first..last in by `cut`."""
        mi = self.d["mi"].head(self.d.height - self.d["mi"].null_count())
        a, b = int(mi.search_sorted(first, side="left")), int(mi.search_sorted(last, side="right"))
        return self.d.slice(a, b - a).filter(pl.col("ingediend_op") <= cut).drop("cum")

    def declared_by(self, first: int, last: int, cut: dt.date, keep: pl.Expr | None = None) -> pl.LazyFrame:
        """Per toewijzing-month of the months of care first..last with lines in by `cut`: what was
        in (tid, mi, declared). The last line in by the cut of each toewijzing-month carries its
        sum (cum). keep: which toewijzingen (an expression on tid)."""
        mi = self.d["mi"].head(self.d.height - self.d["mi"].null_count())
        a, b = int(mi.search_sorted(first, side="left")), int(mi.search_sorted(last, side="right"))
        cut_in = pl.col("ingediend_op") <= cut
        same = (pl.col("tid").shift(-1) == pl.col("tid")) & (pl.col("mi").shift(-1) == pl.col("mi"))
        next_in = (same & (pl.col("ingediend_op").shift(-1) <= cut)).fill_null(False)
        last_in = cut_in & ~next_in & pl.col("tid").is_not_null()
        lines = self.d.slice(a, b - a).lazy()
        # The toewijzingen kept first: a toewijzing-month's lines stay together, so which line is
        # its last in is the same, and the shifts run on the kept lines only.
        if keep is not None:
            lines = lines.filter(keep)
        return lines.with_columns(_last=last_in).filter(pl.col("_last")).select("tid", "mi", declared="cum")

    def summed_by(self, cut: dt.date) -> vertraging.Summed:
        """The lines in by `cut`, summed per aanbieder, month and submission day (vertraging.Summed)."""
        return self.summed.by(cut)

    def in_by(self, year: int, cut: dt.date) -> list[float]:
        """Declared per month of care of `year` with ingediend_op <= cut; kept, because the rows of
        a backtest ask for the same year's outcome at the same cut once per checkpoint."""
        key = (year, cut)
        with self._lock:
            if key not in self._in:
                self._in[key] = self._in_by(year, cut)
            return list(self._in[key])

    def _in_by(self, year: int, cut: dt.date) -> list[float]:
        first = year * 12
        got = dict(
            self.summed_by(cut).days.filter(pl.col("mi").is_between(first, first + 11))
            .group_by("mi")
            .agg(pl.col("bedrag").sum())
            .iter_rows()
        )
        return [float(got.get(first + i, 0.0)) for i in range(12)]

    def complete(self, year: int, peildatum: dt.date) -> bool:
        return maanden.mi(peildatum) - (year * 12 + 11) >= self.max_lag

    def years(self) -> range:
        """The years with months of care in the declarations."""
        if self.d.is_empty():
            return range(0)
        return range(int(self.d["mi"].min()) // 12, int(self.d["mi"].max()) // 12 + 1)

    def _running(self, known: pl.DataFrame, lo: int, p: int, peildatum: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The toewijzing-months in [lo, p] of the known toewijzingen, priced at their own tarief
        (tid, mi, a, cost0), and per tid (row of self.t, null when not known) level_start and
        tau_mi: read by tid where needed, not carried on every month. Cut from one table of every
        toewijzing's months, made once: a month up to the peildatum's ran as it ran, except that a
        toewijzing whose einddatum is not known yet (after the peildatum) runs through the
        peildatum's month."""
        if self._months is None or p > self._months_last or lo < self._months_first:
            last = max(p, int(self.d["mi"].max()) if self.d.height else p)
            first = min(lo, maanden.mi(self.data_start) - LEVEL_WINDOW)
            months = _explode(self.t.select("tid", "begin", "end"), first, last).select("tid", "mi", "days", "end_mi").sort("mi")
            self._months, self._months_first, self._months_last = months, first, last
        # Sorted by month: the window is a slice, not a scan.
        mi = self._months["mi"]
        a, b = int(mi.search_sorted(lo, side="left")), int(mi.search_sorted(p, side="right"))
        # tid is the row number of self.t: a take by position instead of a hash join.
        columns = ["a", "per_day", "per_month"]
        full = self.t.select("tid").join(
            known.select("tid", "begin", "end", *columns, "level_start", "tau_mi"), on="tid", how="left", maintain_order="left"
        )
        taken = [pl.lit(full[c]).gather(pl.col("tid")).alias(c) for c in columns]
        # Only a toewijzing-month of the peildatum's own month can run longer than its known
        # einddatum says: the dates are read for that month's rows alone, not for all 48.
        c = int(mi.search_sorted(p, side="left"))
        before = self._months.slice(a, c - a).lazy().with_columns(taken)
        at_p = self._months.slice(c, b - c).lazy().with_columns(*taken, *(pl.lit(full[x]).gather(pl.col("tid")).alias(x) for x in ("begin", "end")))
        unknown_end = pl.col("end").is_null() & (pl.col("mi") == p) & (pl.col("end_mi") == p)
        through = (maanden.end_expr(pl.col("mi")) - pl.max_horizontal(pl.col("begin"), maanden.start_expr(pl.col("mi")))).dt.total_days() + 1
        at_p = at_p.with_columns(days=pl.when(unknown_end).then(through.cast(pl.Float64)).otherwise(pl.col("days")))
        # Only what the state reads on: millions of rows at national scale, copied by every join.
        past = (
            pl.concat([before.select("tid", "mi", "days", *columns), at_p.select("tid", "mi", "days", *columns)])
            .filter(pl.col("per_day").is_not_null())
            .select("tid", "mi", "a", cost0=_cost())
            .collect(engine=maanden.ENGINE)
        )
        return past, full.select("level_start", "tau_mi")

    def _tarief_at(self, known: pl.DataFrame, peildatum: dt.date) -> pl.DataFrame:
        """The tarief each toewijzing had at the peildatum according to the tarief history (its
        latest row on or before it; the earliest row when the history starts later), and the day
        that tarief was set (`tau`: its row's geldig_vanaf, not before the start)."""
        rows = self.history.join(known.select("toewijzing_id", "tid"), on="toewijzing_id", how="inner")
        at = rows.filter(pl.col("geldig_vanaf") <= peildatum).group_by("tid").agg(pl.all().sort_by("geldig_vanaf").last())
        first = rows.group_by("tid").agg(pl.all().sort_by("geldig_vanaf").first())
        chosen = pl.concat([at, first.join(at.select("tid"), on="tid", how="anti")]).select("tid", "geldig_vanaf", h_tarief="tarief")
        return (
            known.join(chosen, on="tid", how="left")
            .with_columns(
                amount=pl.when(pl.col("h_tarief").is_not_null()).then(pl.col("volume") * pl.col("h_tarief")).otherwise(pl.col("amount")),
                tau=pl.when(pl.col("h_tarief").is_not_null()).then(pl.max_horizontal("begin", "geldig_vanaf")).otherwise(pl.col("tau")),
            )
            .drop("geldig_vanaf", "h_tarief")
        )

    # -- the state at a peildatum ----------------------------------------------------------------

    def state(self, peildatum: dt.date, *, reconstruct: bool) -> _State:
        key = (peildatum, reconstruct)
        with self._lock:
            got = self._states.get(key)
            if got is None:
                got = self._state(peildatum, reconstruct)
                # A reconstructed state serves one backtest row, which is kept (`backtest_row`);
                # the state itself is not: at national scale one holds hundreds of megabytes.
                if not reconstruct:
                    self._states[key] = got
            return got

    def _state(self, peildatum: dt.date, reconstruct: bool) -> _State:
        p = maanden.mi(peildatum)
        completion, shares, eventual, cc = _pooled(self.summed_by(peildatum), peildatum, self.max_lag)

        # Only the columns a state reads: every filter of the known toewijzingen copies what it carries.
        unread = {"naam", "known_on"} | ({"toewijzing_id", "volume"} if self.history is None else set())
        known = self.t.lazy().filter(pl.col("known_on") <= peildatum).select([c for c in self.t.columns if c not in unread])
        if reconstruct:
            known = known.with_columns(end=pl.when(pl.col("end") > peildatum).then(None).otherwise(pl.col("end")))
        known = known.collect(engine=maanden.ENGINE)
        if self.history is not None:
            known = self._tarief_at(known, peildatum)
        curves = looptijd.curves(known, peildatum, self.data_start)
        changes = tarieven.known(self.changes, peildatum)
        level_start = tarieven.level_on(changes, known["tau"]).alias("level_start")
        # The steps on the known toewijzingen as one lazy query: a collect each costs more than the
        # work on a wijk's toewijzingen.
        lazy = known.lazy().with_columns(age=(pl.lit(peildatum) - pl.col("begin")).dt.total_days().clip(lower_bound=0).cast(pl.Float64))
        # Each toewijzing's place in the curves, from its group's string once: every lookup of
        # this state (here, and on its months to come) reads it.
        curve_row = looptijd.first_row(curves, "groep", "pool")
        first = None if curve_row is None else "curve_row"
        if curve_row is not None:
            lazy = lazy.with_columns(curve_row=curve_row)
        lazy = looptijd.at(curves, lazy, "groep", "pool", "age", "s_now", first=first)
        lazy = looptijd.spend(curves, lazy, "groep", "pool", "age", "c_now", first=first)
        total = pl.col("freq") == TOTAAL
        # A budget with an einddatum is spent evenly over its days; a running one at the expected
        # daily spend of budgets of its age that are still running (looptijd.spend).
        known = lazy.with_columns(
            per_day=pl.when(total & pl.col("end").is_not_null())
            .then(pl.col("amount") / ((pl.col("end") - pl.col("begin")).dt.total_days() + 1).cast(pl.Float64))
            .when(total)
            .then(pl.col("amount") * pl.col("c_now") / pl.col("s_now").clip(lower_bound=1e-9))
            .otherwise(pl.col("amount") * pl.col("freq").replace_strict(PER_DAY, default=0.0, return_dtype=pl.Float64)),
            per_month=pl.when(pl.col("freq") == PER_MAAND).then(pl.col("amount")).otherwise(0.0),
        ).with_columns(pl.lit(level_start), tau_mi=maanden.expr("tau")).collect(engine=maanden.ENGINE)

        # Months older than the level window are complete (nothing left to declare): not priced.
        lo = p - LEVEL_WINDOW + 1
        past, by_tid = self._running(known, lo, p, peildatum)
        declared_level = tarieven.month_levels(changes, lo, p + 12)
        # Every month lo..p+12 in order: a month's level is a position, read without a join over
        # the millions of toewijzing-months.
        priced = pl.col("cost0") * _at_month(declared_level, "niveau", lo) / pl.lit(by_tid["level_start"]).gather(pl.col("tid"))
        # The residual level from the toewijzing-months with lines in, over the level window.
        window = p - LEVEL_WINDOW + 1
        # A toewijzing-month with lines in may not be complete yet (an aanbieder that splits a
        # month over submissions): scale it up by how complete such months usually are at that age.
        cc = cc.rename({"k": "age"})
        # The month effect needs many toewijzingen, not all: above FE_ROWS toewijzing-months a
        # fixed subset (every step-th toewijzing) carries it, so a large gemeente is not slower.
        step = max(1, math.ceil(past.height / FE_ROWS))  # the priced months are the window's (lo = window)
        sample = (pl.col("tid") % step) == 0
        # Priced only for the sample, which both queries below read (planned once).
        in_window = past.lazy().filter(sample).select("tid", "mi", priced=priced)
        # One lazy query: its filters and joins planned together take about half the time of eager steps.
        # A toewijzing-month as one integer (tid, month in the window): a join on one integer key
        # instead of two hashes far less.
        month_key = (pl.col("tid").cast(pl.Int64) * LEVEL_WINDOW + (pl.col("mi") - window)).alias("_key")
        lines = (
            self.declared_by(window, p, peildatum, sample)
            .with_columns(age=(pl.lit(p) - pl.col("mi")).cast(pl.Int32))
            .join(cc.lazy(), on="age", how="left")
            .with_columns(month_key, declared=pl.col("declared") / pl.col("cc").fill_null(1.0))
            .join(in_window.select(month_key, "priced"), on="_key", how="inner")
            .drop("_key")
        )
        running = in_window.group_by("mi").agg(priced_all=pl.col("priced").sum())
        lines, running = pl.collect_all([lines, running], engine=maanden.ENGINE)
        residual = tarieven.residual_level(lines, running)
        level = self._level(declared_level, residual, lo, p)
        # The residual level at a toewijzing's tarief date: by its month, so a join on a few months,
        # not on the toewijzingen.
        first_r = residual["mi"].min() if residual.height else p
        b = pl.col("tau_mi").clip(first_r, p)
        # The residual of every month first_r..p by position (null where it has none).
        r_months = pl.DataFrame({"mi": pl.int_range(first_r, p + 1, eager=True, dtype=pl.Int32)}).join(
            residual.select(pl.col("mi").cast(pl.Int32), "niveau"), on="mi", how="left", maintain_order="left"
        )
        r_start = pl.lit(r_months["niveau"]).gather(b - first_r)
        known = known.with_columns(r_start=r_start.fill_null(1.0)).drop("tau_mi")
        full = _at_month(level.sort("mi"), "niveau", lo)
        # Per toewijzing, read by tid on its months.
        start_level = by_tid.select(pl.col("level_start") * r_start.fill_null(1.0)).to_series()
        past = past.select("tid", "a", "mi", "cost0", cost=pl.col("cost0") * full / pl.lit(start_level).gather(pl.col("tid")))

        # Utilisation per aanbieder: what complete months cost / what they priced.
        ref_lo, ref_hi = p - self.max_lag - HISTORY + 1, p - self.max_lag
        # Only months with declarations: before the first month of the export nothing was declared.
        with_lines = eventual.filter((pl.col("aanbieder") == vertraging.POOLED) & (pl.col("bedrag") != 0))["mi"]
        # One lazy query to the utilisation per aanbieder, collected once.
        priced_ref = past.lazy().filter(pl.col("mi").is_between(ref_lo, ref_hi) & pl.col("mi").is_in(with_lines.implode()))
        priced_ref = priced_ref.group_by("a").agg(priced=pl.col("cost").sum(), n=pl.len()).select(aanbieder=self._aanbieder(), priced="priced", n="n")
        priced_ref = pl.concat([priced_ref, priced_ref.select(pl.lit(vertraging.POOLED).alias("aanbieder"), pl.col("priced").sum(), pl.col("n").sum())])
        cost_ref = eventual.lazy().group_by("aanbieder").agg(bedrag=pl.col("bedrag").sum())
        util = (
            priced_ref.join(cost_ref, on="aanbieder", how="left")
            .with_columns(own=pl.when(pl.col("priced") > 0).then(pl.col("bedrag").fill_null(0.0) / pl.col("priced")))
            .collect(engine=maanden.ENGINE)
        )
        pooled_row = util.filter(pl.col("aanbieder") == vertraging.POOLED)
        if pooled_row.is_empty() or not pooled_row["priced"][0] > 0:
            raise InsufficientHistory(
                f"geen toewijzingen bekend voor de afgeronde maanden vóór {peildatum.isoformat()}: "
                "de benutting van toewijzingen is niet te schatten"
            )
        pooled_u = float(pooled_row["own"][0])
        util = util.with_columns(
            u=(pl.col("n") * pl.col("own") + vertraging.PRIOR_MONTHS * pooled_u) / (pl.col("n") + vertraging.PRIOR_MONTHS)
        ).select("aanbieder", "u")
        return _State(peildatum, known, curves, level, declared_level, residual, past, shares, completion, util, pooled_u, changes)

    @staticmethod
    def _level(declared: pl.DataFrame, residual: pl.DataFrame, lo: int, p: int) -> pl.DataFrame:
        """The full level per month: declared x residual; the residual of the window's first month
        before it, of the peildatum's month after it."""
        first = residual["mi"].min() if residual.height else p
        r = residual.select("mi", "niveau")
        edge_lo = float(r.filter(pl.col("mi") == first)["niveau"][0]) if r.height else 1.0
        edge_hi = float(r.filter(pl.col("mi") == p)["niveau"][0]) if r.filter(pl.col("mi") == p).height else 1.0
        return (
            declared.join(r.rename({"niveau": "residu"}), on="mi", how="left")
            .with_columns(
                residu=pl.when(pl.col("mi") < first).then(edge_lo).when(pl.col("mi") > p).then(edge_hi).otherwise(pl.col("residu")).fill_null(1.0)
            )
            .select("mi", niveau=pl.col("niveau") * pl.col("residu"), gedeclareerd="niveau", residu="residu")
        )

    # -- the forecast of one year ----------------------------------------------------------------

    def point(self, year: int, peildatum: dt.date, *, reconstruct: bool) -> _Point:
        st = self.state(peildatum, reconstruct=reconstruct)
        p = maanden.mi(peildatum)
        first, last = year * 12, year * 12 + 11
        utilisation = st.utilisation

        # Months up to the peildatum: per aanbieder what is in, what is expected, and the lag.
        lo = min(first, p - vertraging.LATE_WINDOW + 1)
        hi = min(p, last)
        # One lazy query up to the completion shares, collected once.
        expected = (
            st.past.lazy().filter(pl.col("mi").is_between(lo, hi))
            .group_by("a", "mi")
            .agg(priced=pl.col("cost").sum())
            .select(aanbieder=self._aanbieder(), mi="mi", priced="priced")
            .join(utilisation.lazy(), on="aanbieder", how="left")
            .with_columns(expected=pl.col("priced") * pl.col("u").fill_null(st.pooled_utilisation))
        )
        declared = (
            self.summed_by(peildatum).days.lazy().filter(pl.col("mi").is_between(lo, hi))
            .group_by("aanbieder", "mi")
            .agg(declared=pl.col("bedrag").sum())
        )
        per_month = (
            expected.join(declared, on=["aanbieder", "mi"], how="full", coalesce=True)
            .with_columns(
                expected=pl.col("expected").fill_null(0.0),
                declared=pl.col("declared").fill_null(0.0),
                age=(pl.lit(p, dtype=pl.Int32) - pl.col("mi")),
            )
            .drop("priced", "u")
            .join(self.names.lazy(), on="aanbieder", how="left")
        )
        per_month = vertraging.share_of(st.shares, per_month, self.max_lag).collect(engine=maanden.ENGINE)
        checked = vertraging.late(per_month.filter(pl.col("mi") >= p - vertraging.LATE_WINDOW + 1))
        per_month = per_month.join(checked.select("aanbieder", "mi", "fill"), on=["aanbieder", "mi"], how="left").with_columns(
            fill=pl.col("fill").fill_null(0.0)
        )
        past = (
            per_month.filter(pl.col("mi").is_between(first, last))
            .group_by("mi")
            .agg(
                realised=pl.col("declared").sum(),
                expected_lag=((1 - pl.col("s")) * pl.col("expected")).sum() + pl.col("fill").sum(),
                late_fill=pl.col("fill").sum(),
            )
        )

        # Months to come: known toewijzingen and new ones.
        known_future, new, starts = self._future(st, year)
        months = (
            pl.DataFrame({"mi": pl.int_range(first, last + 1, eager=True).cast(pl.Int32)})
            .join(past, on="mi", how="left")
            .join(known_future.rename({"bedrag": "expected_known"}), on="mi", how="left")
            .join(new.group_by("mi").agg(expected_new=_new_amount().sum()), on="mi", how="left")
            .with_columns(pl.exclude("mi").fill_null(0.0))
            .with_columns(expected_active=pl.col("expected_known") + pl.col("expected_new"))
            .with_columns(total=pl.col("realised") + pl.col("expected_lag") + pl.col("expected_active"))
            .sort("mi")
            .with_columns(cumulative=pl.col("total").cum_sum(), month=maanden.start_expr(pl.col("mi")))
            .select("mi", "month", "realised", "expected_lag", "late_fill", "expected_active", "expected_known", "expected_new", "total", "cumulative")
        )
        parts = _Parts(known_future, new, st.curves, starts)
        return _Point(months, vertraging.signals(checked), st.pooled_utilisation, st.completion, parts, st.level, st.changes)

    def _future(self, st: _State, year: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """Expected cost of the months after the peildatum in `year`: of known toewijzingen
        (mi, bedrag), of new ones (per group, start month and month) and the start rates used."""
        peildatum, p = st.peildatum, maanden.mi(st.peildatum)
        first, last = max(year * 12, p + 1), year * 12 + 11
        empty_known = pl.DataFrame(schema={"mi": pl.Int32, "bedrag": pl.Float64})
        new_schema = {"groep": pl.String, "pool": pl.String, "start": pl.Int32, "mi": pl.Int32, "k": pl.Int32,
                      "aantal": pl.Float64, "kosten": pl.Float64, "deel": pl.Float64, "bezetting": pl.Float64}  # fmt: skip
        starts = self._starts(st)
        rest = (maanden.days_in(p) - peildatum.day) / maanden.days_in(p) if not maanden.is_month_end(peildatum) else 0.0
        if first > last and not (rest > 0 and year * 12 <= p <= last):
            return empty_known, pl.DataFrame(schema=new_schema), starts
        level = st.level.select("mi", "niveau")

        # Known toewijzingen that may still run after the peildatum.
        if first <= last:
            # Only what prices a month: a row per toewijzing and month is millions of rows at
            # national scale, and every survival lookup below copies them.
            priced = ("a", "groep", "pool", "begin", "end", "freq", "amount", "per_day", "per_month", "s_now", "level_start", "r_start")
            # One lazy query from the running toewijzingen to the sum per month: collected once.
            curve_row = "curve_row" if "curve_row" in st.known.columns else None
            running = st.known.lazy().select(*priced, *([curve_row] if curve_row else [])).filter(pl.col("end").is_null() | (pl.col("end") > peildatum))
            rows = _explode(running, first, last)
            start_day = pl.max_horizontal(pl.col("begin"), maanden.start_expr(pl.col("mi")))
            age_from = (start_day - pl.col("begin")).dt.total_days().cast(pl.Float64)
            rows = rows.with_columns(cost0=_cost(), age_from=age_from, age_to=age_from + pl.col("days"))
            rows = looptijd.integral(st.curves, rows, "groep", "pool", "age_from", "age_to", "s_days", of="S", first=curve_row)
            rows = looptijd.integral(st.curves, rows, "groep", "pool", "age_from", "age_to", "c_share", of="c", first=curve_row)
            # Without an einddatum: a periodic toewijzing costs its price for the days it is
            # expected to still run (given that it runs now); a budget its expected spend then.
            open_ended = pl.col("end").is_null()
            s_now = pl.col("s_now").clip(lower_bound=1e-9)
            own = (
                pl.when(open_ended & (pl.col("freq") == TOTAAL))
                .then(pl.col("amount") * pl.col("c_share") / s_now)
                .when(open_ended)
                .then(pl.col("cost0") * (pl.col("s_days") / s_now / pl.col("days")).clip(0.0, 1.0))
                .otherwise(pl.col("cost0"))
            )
            # Utilisation per aanbieder code: a gather, not a join on the aanbieder over every row.
            u = pl.DataFrame({"aanbieder": self.aanbieders}).join(st.utilisation, on="aanbieder", how="left", maintain_order="left")["u"]
            rows = (
                rows.join(level.lazy(), on="mi", how="left")
                .with_columns(u=pl.lit(u).gather(pl.col("a")).fill_null(st.pooled_utilisation))
                .with_columns(bedrag=own * pl.col("niveau") / (pl.col("level_start") * pl.col("r_start")) * pl.col("u"))
            )
            known_future = rows.group_by("mi").agg(pl.col("bedrag").sum()).sort("mi").collect(engine=maanden.ENGINE)
        else:
            known_future = empty_known

        # New toewijzingen: starts per month and group, what one costs per month, how long it runs.
        start_months = [m for m in range(max(year * 12, p), last + 1) if m > p or rest > 0]
        if not start_months or starts.is_empty():
            return known_future, pl.DataFrame(schema=new_schema), starts
        # The new toewijzingen as one lazy query, collected once.
        season = self._season(st)
        known_starts = (
            st.known.lazy().select("groep", "begin").filter(pl.col("begin") > peildatum)
            .group_by("groep", start=maanden.expr("begin"))
            .agg(known=pl.len().cast(pl.Float64))
        )
        grid = (
            starts.lazy().join(pl.LazyFrame({"start": pl.Series(start_months, dtype=pl.Int32)}), how="cross")
            .with_columns(cm=pl.col("start") % 12)
            .join(season.lazy(), on="cm", how="left")
            .join(known_starts, on=["groep", "start"], how="left")
            .with_columns(
                aantal=(
                    pl.col("per_month") * pl.col("seizoen").fill_null(1.0) * pl.when(pl.col("start") == p).then(rest).otherwise(1.0)
                    - pl.col("known").fill_null(0.0)
                ).clip(lower_bound=0.0)
            )
        )
        months = pl.DataFrame({"mi": pl.int_range(max(year * 12, p), last + 1, eager=True).cast(pl.Int32)})
        new = grid.join(months.lazy(), how="cross").filter(pl.col("mi") >= pl.col("start"))
        cost = self._new_cost(st, [int(m) for m in months["mi"]], starts)
        occupancy = looptijd.occupancy(st.curves, starts, last - max(year * 12, p) + 1).drop("lengte", strict=False)
        # Starters in the rest of the peildatum's month run (on average) in that rest only.
        new = (
            new.join(cost.lazy(), on=["groep", "mi"], how="left")
            .with_columns(
                kosten=pl.col("kosten").fill_null(0.0),
                k=(pl.col("mi") - pl.col("start")).cast(pl.Int32),
                deel=pl.when((pl.col("start") == p) & (pl.col("mi") == p)).then(rest).otherwise(1.0),
            )
            .join(occupancy.lazy(), on=["groep", "pool", "k"], how="left")
            .with_columns(bezetting=pl.col("bezetting").fill_null(0.0))
            .select(list(new_schema))
            .cast(new_schema)
            # A lazy join keeps no order: the rows in the order of the eager steps, by group, start and month.
            .sort("groep", "start", "mi")
            .collect(engine=maanden.ENGINE)
        )
        return known_future, new, starts

    def _starts(self, st: _State) -> pl.DataFrame:
        """Per group: toewijzingen that started per month over the last year, and a new one's mean length."""
        peildatum = st.peildatum
        since = peildatum - dt.timedelta(days=round(NEW_YEARS * 365.25))
        recent = st.known.lazy().select("groep", "pool", "begin").filter((pl.col("begin") > since) & (pl.col("begin") <= peildatum))
        out = recent.group_by("groep", "pool").agg(per_month=pl.len().cast(pl.Float64) / (12 * NEW_YEARS)).collect(engine=maanden.ENGINE)
        if out.is_empty():
            return pl.DataFrame(schema={"groep": pl.String, "pool": pl.String, "per_month": pl.Float64, "lengte": pl.Float64})
        return out.lazy().join(looptijd.mean_length(st.curves, out.lazy()), on=["groep", "pool"], how="left").sort("groep").collect(engine=maanden.ENGINE)

    def _season(self, st: _State) -> pl.DataFrame:
        """Starts per calendar month relative to the mean over the last SEASON_YEARS years (1 with
        less than two years of starts)."""
        peildatum = st.peildatum
        since = peildatum - dt.timedelta(days=round(365.25 * SEASON_YEARS))
        if since < self.data_start - dt.timedelta(days=365):
            return pl.DataFrame({"cm": list(range(12)), "seizoen": [1.0] * 12}, schema={"cm": pl.Int32, "seizoen": pl.Float64})
        counts = (
            st.known.lazy().select("begin").filter((pl.col("begin") > since) & (pl.col("begin") <= peildatum))
            .group_by(cm=pl.col("begin").dt.month().cast(pl.Int32) - 1)
            .agg(n=pl.len().cast(pl.Float64))
        )
        full = pl.LazyFrame({"cm": pl.int_range(0, 12, eager=True).cast(pl.Int32)}).join(counts, on="cm", how="left").with_columns(pl.col("n").fill_null(0.0))
        mean = pl.col("n").mean()
        return full.select("cm", seizoen=pl.when(mean > 0).then(pl.col("n") / mean).otherwise(1.0)).collect(engine=maanden.ENGINE)

    def _new_cost(self, st: _State, months: list[int], starts: pl.DataFrame) -> pl.DataFrame:
        """Per group and month: what a toewijzing like those started in the last year costs in a
        full month, at the tariff level of that month, times its aanbieder's utilisation.
        starts: `_starts` of the state, whose groups are those of the same toewijzingen, with
        their mean length (lengte)."""
        peildatum = st.peildatum
        since = peildatum - dt.timedelta(days=round(NEW_YEARS * 365.25))
        columns = ("aanbieder", "groep", "pool", "freq", "amount", "per_day", "per_month", "level_start", "r_start")
        # One lazy query, collected once.
        recent = st.known.lazy().select(*columns, "begin").filter((pl.col("begin") > since) & (pl.col("begin") <= peildatum))
        recent = recent.join(starts.lazy().select("groep", "pool", "lengte"), on=["groep", "pool"], how="left").with_columns(
            per_day=pl.when(pl.col("freq") == TOTAAL).then(pl.col("amount") / pl.col("lengte")).otherwise(pl.col("per_day"))
        ).join(st.utilisation.lazy(), on="aanbieder", how="left")
        m = pl.LazyFrame({"mi": pl.Series(months, dtype=pl.Int32)}).join(st.level.lazy().select("mi", "niveau"), on="mi", how="left")
        # The mean over a group's toewijzingen of (per_day x days + per_month) x niveau x weight is
        # (days x sum(per_day x weight) + sum(per_month x weight)) x niveau / n: summed once per
        # group, not once per group and month over every recent toewijzing.
        weight = pl.col("u").fill_null(st.pooled_utilisation) / (pl.col("level_start") * pl.col("r_start"))
        valid = pl.col("per_day").is_not_null() & pl.col("per_month").is_not_null() & weight.is_not_null()
        per_group = recent.filter(valid).group_by("groep").agg(a=(pl.col("per_day") * weight).sum(), b=(pl.col("per_month") * weight).sum(), n=pl.len())
        return per_group.join(m, how="cross").select(
            "groep", "mi", kosten=(maanden.days_expr(pl.col("mi")) * pl.col("a") + pl.col("b")) * pl.col("niveau") / pl.col("n")
        ).collect(engine=maanden.ENGINE)

    # -- backtest ----------------------------------------------------------------------------------

    def backtest_row(self, year: int, checkpoint: dt.date, cutoff: dt.date) -> dict[str, Any]:
        """The forecast of `year` made again at `checkpoint` with what was known then, against the
        outcome as known at `cutoff`; kept, so the forecasts of several years and the backtest on
        one model make each row once."""
        key = (year, checkpoint, cutoff)
        with self._lock:
            if key not in self._rows:
                self._rows[key] = self._backtest_row(year, checkpoint, cutoff)
            return dict(self._rows[key])

    def _backtest_row(self, year: int, checkpoint: dt.date, cutoff: dt.date) -> dict[str, Any]:
        pt = self.point(year, checkpoint, reconstruct=True)
        actual = sum(self.in_by(year, cutoff))
        realised = pt.months["realised"].to_list()
        naive = sum(realised[: checkpoint.month]) / _months_elapsed(year, checkpoint) * 12
        baseline = self.baseline(year, checkpoint)
        return {
            "year": year,
            "checkpoint": checkpoint.month,
            "peildatum": checkpoint,
            "actual": actual,
            "forecast": pt.total,
            "naive": naive,
            "baseline": baseline,
            "error_pct": _error_pct(pt.total, actual),
            "naive_error_pct": _error_pct(naive, actual),
            "baseline_error_pct": None if baseline is None else _error_pct(baseline, actual),
            "late_aanbieders": pt.late.height,
            "uitkomst_op": cutoff,
        }

    def baseline(self, year: int, peildatum: dt.date) -> float | None:
        """Lag-aware baseline: last year's amount as known at the peildatum x this year's declared
        by now / last year's declared by the same point of last year (None without last year)."""
        before = _same_point(peildatum, year - 1)
        if self.d.is_empty() or (year - 1) * 12 < int(self.d["mi"].min()):
            return None
        now = sum(self.in_by(year, peildatum))
        then = sum(self.in_by(year - 1, before))
        if then <= 0:
            return None
        return sum(self.in_by(year - 1, peildatum)) * now / then


def _same_point(peildatum: dt.date, year: int) -> dt.date:
    return maanden.same_point(peildatum, year)


def _months_elapsed(year: int, peildatum: dt.date) -> float:
    """Months of `year` behind us at the peildatum, counting the current month pro rata."""
    months = (peildatum.year - year) * 12 + peildatum.month - 1 + peildatum.day / maanden.month_end(peildatum).day
    return min(months, 12.0)


def _error_pct(forecast: float, actual: float) -> float | None:
    return (forecast - actual) / actual * 100 if actual > 0 else None


_BACKTEST_SCHEMA = {
    "year": pl.Int32,
    "checkpoint": pl.Int32,
    "peildatum": pl.Date,
    "actual": pl.Float64,
    "forecast": pl.Float64,
    "naive": pl.Float64,
    "baseline": pl.Float64,
    "error_pct": pl.Float64,
    "naive_error_pct": pl.Float64,
    "baseline_error_pct": pl.Float64,
    "late_aanbieders": pl.Int32,
    "uitkomst_op": pl.Date,
}


def _t90(dof: float) -> float:
    """Student-t 90% quantile for (possibly fractional) degrees of freedom, from the table."""
    if dof > 30:
        return Z80
    keys = sorted(T90)
    if dof <= keys[0]:
        return T90[keys[0]]
    for a, b in zip(keys, keys[1:]):
        if a <= dof <= b:
            return T90[a] + (T90[b] - T90[a]) * (dof - a) / (b - a)
    return Z80


def spread(errors: Sequence[float]) -> tuple[float, float] | None:
    """Relative half-width of the 80% range from earlier years' relative errors (in year order),
    and the effective number of independent years; None with fewer than MIN_RANGE_YEARS.

    The root mean square error (around zero: a bias repeats, so it belongs in the range) times
    the Student-t quantile for n_eff = n (1 - r) / (1 + r) degrees of freedom, where r is the
    lag-one autocorrelation of the errors (0 when negative): correlated years are worth fewer."""
    n = len(errors)
    if n < MIN_RANGE_YEARS:
        return None
    square = sum(e * e for e in errors)
    rms = math.sqrt(square / n)
    r = sum(a * b for a, b in zip(errors, errors[1:])) / square if square > 0 else 0.0
    r = min(max(r, 0.0), 0.95)
    n_eff = max(1.0, n * (1 - r) / (1 + r))
    return _t90(n_eff) * rms, n_eff


def forecast(
    toewijzingen: pl.DataFrame,
    declaraties: pl.DataFrame,
    jaar: int,
    peildatum: dt.date,
    *,
    tarieven: Any = None,
    tarief_historie: pl.DataFrame | None = None,
    max_lag: int = MAX_LAG,
) -> Forecast:
    """Forecast of the spending on months of care in `jaar`, with what is known at `peildatum`.

    tarieven: declared tariff changes (`metrics.jeugd.tarieven`: a frame ingangsdatum, indexatie,
    bekend_op, or {jaar: indexatie}). tarief_historie: the tarief of toewijzingen as successive
    exports showed it (toewijzing_id, geldig_vanaf, tarief), for an export that overwrites it.
    Raises InsufficientHistory when fewer than `MIN_REFERENCE_MONTHS` complete months precede it.
    """
    if peildatum < dt.date(jaar, 1, 1):
        raise ValueError(f"peildatum {peildatum.isoformat()} ligt vóór het begin van {jaar}")
    return _forecast(_Model(toewijzingen, declaraties, max_lag, tarieven, tarief_historie), jaar, peildatum)


def _forecast(model: _Model, jaar: int, peildatum: dt.date) -> Forecast:
    pt = model.point(jaar, peildatum, reconstruct=False)

    rows = []
    for y in model.years():
        if y >= jaar or not model.complete(y, peildatum):
            continue
        try:
            rows.append(model.backtest_row(y, _same_point(peildatum, y), peildatum))
        except InsufficientHistory:
            continue
    earlier = pl.DataFrame(rows, schema=_BACKTEST_SCHEMA, orient="row")
    total = pt.total
    low = high = n_eff = None
    got = spread([e / 100 for e in earlier.sort("year")["error_pct"].drop_nulls()])
    if got is not None:
        half, n_eff = got
        low, high = total * (1 - half), total * (1 + half)

    m = pt.months
    p = maanden.mi(peildatum)
    naive = float(m.filter(pl.col("mi") <= p)["realised"].sum()) / _months_elapsed(jaar, peildatum) * 12
    sums = {c: float(m[c].sum()) for c in ("realised", "expected_lag", "late_fill", "expected_active", "expected_known", "expected_new")}
    return Forecast(
        year=jaar,
        peildatum=peildatum,
        **sums,
        total=total,
        low=low,
        high=high,
        naive=naive,
        utilisation=pt.utilisation,
        completion=pt.completion,
        months=m.drop("mi"),
        late=pt.late,
        backtest=earlier,
        effective_years=n_eff,
        price_level=pt.price_level,
        tarieven=pt.changes,
        tarief_check=tarief_check(model, peildatum),
        parts=pt.parts,
    )


# --- the late-aanbieder signal on its own -------------------------------------------------------


def late_aanbieders(
    toewijzingen: pl.DataFrame, declaraties: pl.DataFrame, peildatum: dt.date, *, tarieven: Any = None, tarief_historie: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Aanbieders that declared clearly less than their toewijzingen and own usual lag imply over
    the last LATE_WINDOW months of care up to the peildatum (vertraging.SIGNAL_SCHEMA, plus
    `tekst`: one Dutch line per aanbieder). Empty when none, or with too little history."""
    return late_on(_Model(toewijzingen, declaraties, MAX_LAG, tarieven, tarief_historie), peildatum)


def late_on(model: _Model, peildatum: dt.date) -> pl.DataFrame:
    """`late_aanbieders` on a prepared model (`model_of`)."""
    try:
        late = model.point(peildatum.year, peildatum, reconstruct=False).late
    except InsufficientHistory:
        late = pl.DataFrame(schema=vertraging.SIGNAL_SCHEMA)
    return with_text(late)


def model_of(inputs: Inputs, *, max_lag: int = MAX_LAG) -> _Model:
    """A prepared model of `load`'s inputs, for `forecast_on`, `backtest_on` and `late_on`: one
    model for several of them makes each state and backtest row once."""
    return _Model(inputs.toewijzingen, inputs.declaraties, max_lag, inputs.tarieven, inputs.tarief_historie, inputs.per_maand)


def forecast_on(model: _Model, jaar: int, peildatum: dt.date) -> Forecast:
    """`forecast` on a prepared model (`model_of`)."""
    if peildatum < dt.date(jaar, 1, 1):
        raise ValueError(f"peildatum {peildatum.isoformat()} ligt vóór het begin van {jaar}")
    return _forecast(model, jaar, peildatum)


def as_known_at(toewijzingen: pl.DataFrame, declaraties: pl.DataFrame, peildatum: dt.date) -> Inputs:
    """The data as an export on `peildatum` would have had it: declarations submitted by then,
    toewijzingen known by then, an einddatum only once it has passed. For checking what a past
    forecast or signal could have said (the backtest does the same internally)."""
    known = pl.coalesce("aanvraagdatum", "begindatum") <= peildatum
    t = toewijzingen.filter(known).with_columns(einddatum=pl.when(pl.col("einddatum") <= peildatum).then(pl.col("einddatum")))
    return Inputs(t, declaraties.filter(pl.col("ingediend_op") <= peildatum))


def with_text(late: pl.DataFrame) -> pl.DataFrame:
    """The signal frame with `tekst`: "Aanbieder X: € … minder gedeclareerd dan verwacht over mei–augustus 2024"."""
    texts = [late_text(r) for r in late.iter_rows(named=True)]
    return late.with_columns(tekst=pl.Series(texts, dtype=pl.String))


def late_text(row: dict[str, Any]) -> str:
    """One Dutch line for one late aanbieder (a row of the signal frame)."""
    van, tot = maanden.mi(row["van"]), maanden.mi(row["tot"])
    return f"{row['aanbieder_naam']}: {_eur(row['tekort'])} minder gedeclareerd dan verwacht over {maanden.span(van, tot)}"


# --- tarief as it was --------------------------------------------------------------------------


# An export that overwrites the tarief of running toewijzingen at a price change shows it in the
# first month of toewijzingen that started before the change: they declared at the old price, but
# carry the new tarief, so relative to their tarief they declared less than those that started
# after it. A gap of more than this share of the change counts as overwritten.
OVERWRITE_SHARE = 0.5
MIN_STEP = 0.02


def tarief_check(model: _Model, peildatum: dt.date) -> TariefCheck:
    """Whether the tarief column can be taken as the tarief at the start of each toewijzing (see
    `_tarief_check`); made once per model and peildatum (every forecast and the backtest ask)."""
    with model._lock:
        if peildatum not in model._checks:
            model._checks[peildatum] = _tarief_check(model, peildatum)
        return model._checks[peildatum]


def _tarief_check(model: _Model, peildatum: dt.date) -> TariefCheck:
    """Whether the tarief column can be taken as the tarief at the start of each toewijzing.

    Takes the largest month-on-month step in the price level over the level window (declared or
    seen in declarations) and compares, per group, what toewijzingen declared in their first full
    month relative to their own tarief, for those that started (and had that month) before the
    step and still ran at it, with those that started after it. Kept tarief: alike (both at the
    price of their start). Overwritten: the earlier ones declared less, by about the step."""
    if model.history is not None:
        return TariefCheck(True, "Tarieven komen uit de tariefhistorie: elke toets gebruikt het tarief zoals het toen was.")
    try:
        st = model.state(peildatum, reconstruct=False)
    except InsufficientHistory:
        return TariefCheck(None, "Te weinig gegevens om te toetsen of tarieven in de export zijn overschreven.")
    p = maanden.mi(peildatum)
    full = st.level.sort("mi").with_columns(step=pl.col("niveau") / pl.col("niveau").shift(1) - 1)
    candidates = full.filter(pl.col("mi").is_between(p - LEVEL_WINDOW + 14, p - 8) & (pl.col("step") >= MIN_STEP)).sort("step", descending=True)
    if candidates.is_empty():
        return TariefCheck(None, "In de periode van de gegevens is geen tariefstap te zien; of tarieven worden overschreven is niet te toetsen.")
    step_mi, step = int(candidates["mi"][0]), float(candidates["step"][0])
    begin = maanden.expr("begin")
    # Only toewijzingen still running at the step can have been re-priced by it.
    running = pl.col("end").is_null() | (maanden.expr("end") >= step_mi)
    starters = st.known.filter(begin.is_between(step_mi - 12, step_mi + 6)).select(
        "tid", "groep", mi=begin + 1, before=(begin + 1 < step_mi) & running, after=begin >= step_mi
    ).filter(pl.col("before") | pl.col("after"))
    # Only the starters' lines in their first full months: the rest of millions of lines would be joined away below.
    lines = model.lines_in(step_mi - 11, step_mi + 7, peildatum)
    declared = lines.filter(pl.col("tid").is_in(starters["tid"].implode())).group_by("tid", "mi").agg(declared=pl.col("bedrag").sum())
    rows = starters.join(st.past.select("tid", "mi", "cost0"), on=["tid", "mi"]).join(declared, on=["tid", "mi"])
    per = rows.filter(pl.col("cost0") > 0).group_by("groep", "before").agg(
        ratio=pl.col("declared").sum() / pl.col("cost0").sum(), n=pl.len(), weight=pl.col("cost0").sum()
    )
    pairs = per.filter(pl.col("before")).join(per.filter(~pl.col("before")), on="groep", suffix="_after").filter(
        (pl.col("n") >= 5) & (pl.col("n_after") >= 5)
    )
    if pairs.is_empty() or int(pairs["n"].sum()) < tarieven.MIN_TOEWIJZINGEN or int(pairs["n_after"].sum()) < tarieven.MIN_TOEWIJZINGEN:
        return TariefCheck(None, "Te weinig nieuwe toewijzingen rond de laatste tariefstap om te toetsen of tarieven zijn overschreven.")
    gap = float((pairs["weight"] * (pairs["ratio"] / pairs["ratio_after"] - 1)).sum() / pairs["weight"].sum())
    month = maanden.name(step_mi)
    if gap < -OVERWRITE_SHARE * step:
        return TariefCheck(
            False,
            f"Toewijzingen die vóór de tariefstap van {month} begonnen, declareerden in hun eerste maand minder dan hun tarief in "
            "de export: de export lijkt het tarief van lopende toewijzingen te overschrijven. De toets op eerdere jaren kent "
            "tariefstijgingen daardoor te vroeg en is te gunstig; lever een tariefhistorie aan.",
        )
    return TariefCheck(True, f"Toewijzingen houden in de export het tarief van hun start (getoetst rond de tariefstap van {month}).")


# --- backtest -------------------------------------------------------------------------------


def backtest(
    toewijzingen: pl.DataFrame,
    declaraties: pl.DataFrame,
    years: Iterable[int] | None = None,
    checkpoints: Sequence[int] = (3, 6, 9),
    *,
    peildatum: dt.date | None = None,
    tarieven: Any = None,
    tarief_historie: pl.DataFrame | None = None,
    max_lag: int = MAX_LAG,
) -> pl.DataFrame:
    """Forecast each complete year again at the end of each checkpoint month, knowing only what
    was known then, and compare with the final outcome (declared by `peildatum`, default the
    last ingediend_op).

    years: default every year that is complete (`max_lag` months after its end) and has enough
    history at all checkpoints. One row per year and checkpoint: actual, forecast, naive
    (declared so far / months x 12), baseline (lag-aware: last year's amount as known then x the
    growth of what was declared by the same point), their errors ((x - actual) / actual, in %),
    late_aanbieders (how many were signalled then), uitkomst_op (the date of the outcome), low
    and high (the 80% range the forecast had from the years before, at the same checkpoint; null
    with too few), in_range, and tarief_trusted (`tarief_check` on the data: False when the
    export seems to overwrite tarieven, so that the backtest knew later tariff rises too early).
    """
    return backtest_on(_Model(toewijzingen, declaraties, max_lag, tarieven, tarief_historie), years, checkpoints, peildatum=peildatum)


def backtest_on(model: _Model, years: Iterable[int] | None = None, checkpoints: Sequence[int] = (3, 6, 9), *, peildatum: dt.date | None = None) -> pl.DataFrame:
    """`backtest` on a prepared model (`model_of`), sharing its states and rows with forecasts made on it."""
    max_lag = model.max_lag
    rows: list[dict[str, Any]] = []
    if model.d.is_empty():
        return _with_ranges(pl.DataFrame(rows, schema=_BACKTEST_SCHEMA, orient="row"), None)
    cutoff = peildatum or model.d["ingediend_op"].max()
    explicit = years is not None
    for y in years if explicit else model.years():
        if not model.complete(y, cutoff):
            if explicit:
                raise ValueError(f"jaar {y} is op {cutoff.isoformat()} nog niet afgerond ({max_lag} maanden na jaareinde)")
            continue
        try:
            rows.extend(model.backtest_row(y, maanden.month_end(dt.date(y, c, 1)), cutoff) for c in checkpoints)
        except InsufficientHistory:
            if explicit:
                raise
    check = tarief_check(model, cutoff) if rows else None
    return _with_ranges(pl.DataFrame(rows, schema=_BACKTEST_SCHEMA, orient="row"), check)


def _with_ranges(bt: pl.DataFrame, check: TariefCheck | None) -> pl.DataFrame:
    """Per row the 80% range from the rows of earlier years at the same checkpoint."""
    lows, highs = [], []
    for row in bt.iter_rows(named=True):
        earlier = bt.filter((pl.col("checkpoint") == row["checkpoint"]) & (pl.col("year") < row["year"])).sort("year")
        got = spread([e / 100 for e in earlier["error_pct"].drop_nulls()])
        if got is None:
            lows.append(None)
            highs.append(None)
        else:
            lows.append(row["forecast"] * (1 - got[0]))
            highs.append(row["forecast"] * (1 + got[0]))
    return bt.with_columns(low=pl.Series(lows, dtype=pl.Float64), high=pl.Series(highs, dtype=pl.Float64)).with_columns(
        in_range=pl.when(pl.col("low").is_not_null()).then(pl.col("actual").is_between(pl.col("low"), pl.col("high"))),
        tarief_trusted=pl.lit(None if check is None else check.trusted, dtype=pl.Boolean),
    )


def summary(bt: pl.DataFrame) -> pl.DataFrame:
    """Per checkpoint: number of years, mean absolute % error of the forecast, of the naive
    forecast and of the lag-aware baseline, mean (signed) error, the largest absolute error, and
    how often the outcome fell in the range made from earlier years (coverage, of covered_years)."""
    return (
        bt.group_by("checkpoint")
        .agg(
            years=pl.len().cast(pl.Int32),
            first_year=pl.col("year").min(),
            last_year=pl.col("year").max(),
            mape=pl.col("error_pct").abs().mean(),
            naive_mape=pl.col("naive_error_pct").abs().mean(),
            baseline_mape=pl.col("baseline_error_pct").abs().mean(),
            bias=pl.col("error_pct").mean(),
            max_abs_error=pl.col("error_pct").abs().max(),
            covered_years=pl.col("in_range").is_not_null().sum().cast(pl.Int32),
            coverage=pl.col("in_range").cast(pl.Float64).mean(),
        )
        .sort("checkpoint")
    )


# --- Dutch text -----------------------------------------------------------------------------


def explain(bt: pl.DataFrame, herkomst: str | None = None) -> str:
    """One Dutch paragraph: how far the forecast, the naive forecast and the lag-aware baseline
    were off, per checkpoint; and, so the figures can be reproduced, on which data (`herkomst`,
    e.g. "demodata, zaad 193") as known on which date."""
    s = summary(bt)
    if s.is_empty():
        return (
            "Er zijn nog geen afgeronde eerdere jaren met genoeg historie om de prognose achteraf te toetsen; "
            "hoe nauwkeurig de prognose is, is daarom nog niet bekend."
        )
    first, last = int(s["first_year"].min()), int(s["last_year"].max())
    years = f"{first}" if first == last else f"{first}–{last}"
    moments = [f"eind {maanden.MONTHS_NL[c - 1]}" for c in s["checkpoint"]]
    ours = [f"{_pct(v)} {m}" for v, m in zip(s["mape"], moments)]
    naive = [_pct(v) for v in s["naive_mape"]]
    better = [m for m, a, b in zip(moments, s["mape"], s["naive_mape"]) if a < b]
    if len(better) == len(moments):
        verdict = "De prognose was op elk van deze momenten nauwkeuriger dan die doortrekking."
    elif not better:
        verdict = "De prognose was op geen van deze momenten nauwkeuriger dan die doortrekking."
    else:
        verdict = f"De prognose was alleen {_listing(better)} nauwkeuriger dan die doortrekking."
    text = (
        f"Hoe goed is de prognose? We hebben hem achteraf opnieuw gemaakt voor de afgeronde jaren {years}, "
        "telkens met alleen de declaraties en toewijzingen die op dat moment bekend waren, en vergeleken met "
        f"wat die jaren uiteindelijk kostten. De prognose week gemiddeld {_listing(ours)} af van de uitkomst. "
        "Een eenvoudige doortrekking (gedeclareerd tot dan, gedeeld door het aantal maanden, keer 12) week op "
        f"dezelfde momenten gemiddeld {_listing(naive)} af: die houdt geen rekening met declaraties die nog "
        f"moeten komen of met lopende toewijzingen. {verdict}"
    )
    base = s.filter(pl.col("baseline_mape").is_not_null())
    if base.height:
        moments_b = [f"eind {maanden.MONTHS_NL[c - 1]}" for c in base["checkpoint"]]
        text += (
            " Een vergelijking die wél rekening houdt met late declaraties (vorig jaar zoals toen bekend, maal de groei van "
            "wat tot hetzelfde moment was gedeclareerd) week gemiddeld "
            f"{_listing([f'{_pct(v)} {m}' for v, m in zip(base['baseline_mape'], moments_b)])} af."
        )
        wins = int((base["mape"] < base["baseline_mape"]).sum())
        text += (
            " De prognose was op elk moment nauwkeuriger dan die vergelijking."
            if wins == base.height
            else f" De prognose was op {wins} van de {base.height} momenten nauwkeuriger dan die vergelijking."
        )
    covered = s.filter(pl.col("covered_years") > 0)
    if covered.height:
        hits = int(bt["in_range"].sum())
        n = int(bt["in_range"].is_not_null().sum())
        text += (
            f" De 80%-marge, telkens gemaakt uit de jaren ervoor, bevatte de uitkomst in {hits} van de {n} toetsen "
            "(bij een eerlijke marge ongeveer 8 van de 10)."
        )
    if "tarief_trusted" in bt.columns and bt.height and bt["tarief_trusted"][0] is False:
        text += (
            " Let op: de export lijkt het tarief van lopende toewijzingen te overschrijven, zodat deze toets latere "
            "tariefstijgingen te vroeg kent en te gunstig uitvalt; met een tariefhistorie is dat te herstellen."
        )
    if "uitkomst_op" in bt.columns and bt.height:
        source = f"{herkomst}; " if herkomst else ""
        text += f" (Bron: {source}uitkomsten zoals bekend op {_date(bt['uitkomst_op'][0])}.)"
    return text


def describe(fc: Forecast) -> str:
    """One Dutch paragraph: the forecast, its parts, late aanbieders and where its range comes from."""
    p, last = maanden.mi(fc.peildatum), fc.year * 12 + 11
    text = (
        f"Prognose {fc.year} op {_date(fc.peildatum)}: {_eur(fc.total)}. Daarvan is {_eur(fc.realised)} al "
        f"gedeclareerd. Over de zorgmaanden tot en met {maanden.MONTHS_NL[min(p, last) % 12]} komt naar verwachting nog "
        f"{_eur(fc.expected_lag)} aan declaraties binnen, omdat aanbieders later declareren"
    )
    # Two examples a controller can check: the latest month with something in, and three months before it.
    latest = next((m for m in range(p, p - len(fc.completion.shares), -1) if fc.completion.share(p - m) > 0), None)
    examples = [
        f"van {maanden.name(m, fc.year)} {_pct(fc.completion.share(p - m) * 100)}"
        for m in (latest, None if latest is None else latest - 3)
        if m is not None and fc.completion.share(p - m) < 1
    ]
    if examples:
        text += f" (in eerdere jaren was op dit moment van het jaar {_listing(examples)} binnen)"
    text += "."
    if fc.late.height:
        names = [late_text(r) for r in fc.late.iter_rows(named=True)]
        text += (
            f" Niet elke aanbieder declareert zoals gewoonlijk. {'; '.join(names)}. Voor die maanden rekent de prognose met "
            f"wat hun toewijzingen inhouden ({_eur(fc.late_fill)} extra)."
        )
    if p < last:
        months = f"{maanden.MONTHS_NL[(p + 1) % 12]} tot en met december" if p + 1 < last else "december"
        text += (
            f" Voor {months} verwachten we {_eur(fc.expected_active)}: {_eur(fc.expected_known)} uit de lopende toewijzingen "
            "(volume × tarief, zolang ze naar verwachting lopen, maal wat aanbieders gewoonlijk declareren van wat is "
            f"toegewezen) en {_eur(fc.expected_new)} uit nieuwe toewijzingen (zoveel als er het afgelopen jaar per maand bijkwamen)."
        )
    elif fc.expected_active > 0:
        text += f" Daarnaast verwachten we {_eur(fc.expected_active)} voor toewijzingen die na de peildatum nog in december beginnen."
    changes = fc.tarieven.filter(pl.col("ingangsdatum") > fc.peildatum - dt.timedelta(days=366))
    if changes.height:
        listed = [f"{_pct(r['indexatie'] * 100)} vanaf {_date(r['ingangsdatum'])}" for r in changes.iter_rows(named=True)]
        text += f" Opgegeven tariefwijzigingen: {_listing(listed)}."
    n = fc.backtest.height
    if fc.low is not None and fc.high is not None:
        errors = [abs(e) for e in fc.backtest["error_pct"].drop_nulls()]
        eff = format_decimal(fc.effective_years or 0, format="0.#", locale="nl_NL")
        text += (
            f" Met 80% zekerheid komen de uitgaven uit tussen {_eur(fc.low)} en {_eur(fc.high)}. Die marge volgt uit "
            f"hoeveel de prognose op hetzelfde moment in {n} eerdere jaren afweek van de uitkomst (gemiddeld "
            f"{_pct(sum(errors) / len(errors))}). Omdat afwijkingen van opeenvolgende jaren op elkaar lijken, tellen die "
            f"jaren als {eff} onafhankelijke jaren en is de marge daarnaar verbreed."
        )
    else:
        text += f" Voor een marge zijn te weinig eerdere jaren te toetsen ({n}, minstens {MIN_RANGE_YEARS} nodig)."
    return text


# --- warehouse ------------------------------------------------------------------------------


class Inputs(NamedTuple):
    toewijzingen: pl.DataFrame
    declaraties: pl.DataFrame
    tarieven: pl.DataFrame | None = None  # the gemeente's tariff indexation (instellingen_tariefindexatie), when present
    tarief_historie: pl.DataFrame | None = None  # jeugd_tarief_historie, when the build keeps one
    per_maand: bool = False  # declaraties summed per (toewijzing_id, first day of maand, ingediend_op) already, as `load` does


Runner = Callable[[str, dict[str, Any]], pl.DataFrame]
# The settings per gemeente (data_sources/instellingen.py): jaar, indexatie (fraction), aanname,
# bron; a yearly indexation counts from 1 January. Optional columns `vanaf` (DATE, for a change
# that does not start on 1 January) and `bekend_op` (DATE, when it was decided) are used when the
# settings ever carry them.
TARIEF_TABLE = "instellingen_tariefindexatie"
# Proposed, not yet written by the build: the tarief of each toewijzing as successive exports
# showed it (toewijzing_id, geldig_vanaf: the first export that showed it, tarief).
HISTORIE_TABLE = "jeugd_tarief_historie"


def load(
    cursor: Any,
    peildatum: dt.date | None = None,
    *,
    productcategorie: Sequence[str] | None = None,
    aanbieder_agb: Sequence[str] | None = None,
    wijk_code: Sequence[str] | None = None,
) -> Inputs:
    """What the forecast needs from the warehouse (a DuckDB connection or cursor), known at
    `peildatum`, for the toewijzingen matching every given filter. Declarations come summed per
    (toewijzing, month of maand, ingediend_op); the tariff indexation of the gemeente's settings
    (`instellingen_tariefindexatie`) and a tarief history (`jeugd_tarief_historie`) when present."""
    run: Runner = lambda sql, params: cursor.sql(sql, params=params).pl()  # noqa: E731
    tables = set(run("SELECT table_name FROM information_schema.tables", {})["table_name"].to_list())
    return _fetch(run, peildatum, productcategorie=productcategorie, aanbieder_agb=aanbieder_agb, wijk_code=wijk_code, tables=tables)


def _fetch(
    run: Runner,
    peildatum: dt.date | None,
    *,
    productcategorie: Sequence[str] | None,
    aanbieder_agb: Sequence[str] | None,
    wijk_code: Sequence[str] | None,
    tables: set[str] | frozenset[str] = frozenset(),
) -> Inputs:
    filters, params = [], {}
    for column, values in (
        ("productcategorie", productcategorie),
        ("aanbieder_agb", aanbieder_agb),
        ("wijk_code", wijk_code),
    ):
        if values is not None:
            filters.append(f"list_contains(${column}::VARCHAR[], {column})")
            params[column] = [str(v) for v in values]
    known = ["coalesce(aanvraagdatum, begindatum) <= $peildatum"] if peildatum is not None else []
    dated = {"peildatum": peildatum} if peildatum is not None else {}
    toewijzingen = run(
        "SELECT toewijzing_id, aanbieder_agb, aanbieder_naam, productcategorie, productcode, aanvraagdatum, begindatum, einddatum, "
        "volume::DOUBLE AS volume, frequentie, tarief::DOUBLE AS tarief "
        f"FROM jeugd_toewijzingen WHERE {' AND '.join(['TRUE', *filters, *known])}",
        params | dated,
    )
    where = ["NOT list_contains($rejected::VARCHAR[], coalesce(status, ''))"]
    if filters:
        # Declarations reach a subset only through their toewijzing.
        where.append(f"toewijzing_id IN (SELECT toewijzing_id FROM jeugd_toewijzingen WHERE {' AND '.join(filters)})")
    if peildatum is not None:
        where.append("ingediend_op <= $peildatum")
    declaraties = run(
        "SELECT toewijzing_id, date_trunc('month', maand)::DATE AS maand, ingediend_op, sum(bedrag)::DOUBLE AS bedrag FROM jeugd_declaraties "
        f"WHERE {' AND '.join(where)} GROUP BY ALL",
        params | dated | {"rejected": list(REJECTED_STATUS)},
    )
    changes = history = None
    if TARIEF_TABLE in tables:
        settings = run(f"SELECT * FROM {TARIEF_TABLE}", {})
        changes = settings.select(
            ingangsdatum=pl.col("vanaf").cast(pl.Date) if "vanaf" in settings.columns else pl.date(pl.col("jaar"), 1, 1),
            indexatie=pl.col("indexatie").cast(pl.Float64),
            bekend_op=pl.col("bekend_op").cast(pl.Date) if "bekend_op" in settings.columns else pl.lit(None, dtype=pl.Date),
        )
    if HISTORIE_TABLE in tables:
        # Only what was seen by the peildatum: a later export's tarief was not known then.
        seen = "WHERE geldig_vanaf <= $peildatum" if peildatum is not None else ""
        history = run(
            f"SELECT toewijzing_id, geldig_vanaf, tarief::DOUBLE AS tarief FROM {HISTORIE_TABLE} {seen}".strip(), dated
        )
    return Inputs(toewijzingen, declaraties, changes, history, per_maand=True)


# Filters of the derived metric -> warehouse column of jeugd_toewijzingen.
_METRIC_FILTERS = {"productcategorie": "productcategorie", "aanbieder": "aanbieder_agb", "wijk": "wijk_code"}


def jaareinde(ctx: DerivedContext) -> pl.DataFrame:
    """The derived metric `prognose` (contract: metrics.derived): per jaar the forecast at the
    build's peildatum (waarde) with its 80% range (laag, hoog), for the toewijzingen matching
    ctx.where, within the user's wijken. Without a jaar filter: the peildatum's year, or every
    year in the data when split by jaar. waarde is null for a year that cannot be forecast
    (after the peildatum's year, or too little history before it)."""
    unknown = sorted({*ctx.by, *ctx.where} - {"jaar", *_METRIC_FILTERS})
    if unknown or set(ctx.by) - {"jaar"}:
        raise InvalidQuery(f"De prognose is niet uit te splitsen of te filteren naar {', '.join(unknown or ctx.by)}.")
    years = ctx.where.get("jaar")
    if "jaar" not in ctx.by and years is not None and len(years) > 1:
        raise InvalidQuery("Een prognose geldt voor één jaar: kies één jaar of splits naar jaar.")
    from metrics.jeugd import selectie  # the results per selection, shared with the page's analyses

    wijken = ctx.where.get("wijk") or (sorted(ctx.wijken) if ctx.wijken is not None else None)
    sel = selectie.Selectie.of(ctx.where.get("productcategorie"), ctx.where.get("aanbieder"), wijken)
    if years is None:
        years = selectie.years(ctx.engine, sel) if "jaar" in ctx.by else (ctx.peildatum.year,)
    rows = []
    for year in years:
        fc = selectie.forecast(ctx.engine, sel, year) if year <= ctx.peildatum.year else None
        rows.append({"jaar": year, "waarde": fc and fc.total, "laag": fc and fc.low, "hoog": fc and fc.high})
    frame = pl.DataFrame(rows, schema={"jaar": pl.Int64, "waarde": pl.Float64, "laag": pl.Float64, "hoog": pl.Float64})
    return frame if "jaar" in ctx.by else frame.drop("jaar")
