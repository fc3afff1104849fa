"""Year-end forecast (prognose) of youth-care spending that does not wait for late declarations.

Providers declare a month of care weeks or months after it; a forecast that only adds up what is
in runs behind, which is how overspending came as a surprise. The forecast of year J at
peildatum P is the sum of three parts, computed per month of care:

1. realised: declarations for months of care in J that are in (ingediend_op <= P);
2. expected_lag, for months up to the peildatum (its own month included): what is still to be
   declared. From earlier, complete
   months we know which share of a month's eventual amount is in after k months (the completion
   shares of a chain ladder, `CompletionFactors`). A month of care that is k months old is
   expected to receive (1 - share(k)) x its expected amount, where the expected amount is the
   cost of the toewijzingen that ran in that month times the utilisation (what complete months
   actually cost / what their toewijzingen priced). That is the Bornhuetter-Ferguson form of the
   chain ladder: it stays stable for the last month, where almost nothing is in yet and scaling
   up what is in (pure chain ladder) would divide by nearly zero;
3. expected_active, for months still to come: volume x tarief of each known toewijzing, per
   month (per week x 52/12, per dag x 365/12, per maand x 1, totaal binnen geldigheidsduur spread
   over the toewijzing's days), pro rata for the days it runs in the month and never past its
   einddatum, times the active factor: how the same calculation at the same point of earlier
   years compared with what those months finally cost (it covers partial use of toewijzingen,
   new clients and clients leaving). Without an earlier complete year the utilisation is used.

Months up to the peildatum are covered by part 2 only and later months by part 3 only, so
nothing is counted twice (a declaration cannot precede its month of care: the loader refuses it).

The range is an 80% interval from the backtest: the forecast is made again for every earlier
complete year at the same point of that year with only what was known then, and compared with
the final outcome. If those errors repeat, the outcome falls within +-1.28 x their root mean
square in 8 years out of 10 (normal approximation). It covers every source of error, not only
the lag. At least `MIN_RANGE_YEARS` earlier years are needed, else the range is None.

What was known at a date P: declarations with ingediend_op <= P; toewijzingen with
aanvraagdatum (else begindatum) <= P. The warehouse keeps only a toewijzing's last einddatum, so
when the past is reconstructed (backtest, active factor) an einddatum after P counts as unknown.
`forecast` itself uses einddatum as given: in a live warehouse an einddatum after the peildatum
is a planned end. A toewijzing with frequentie totaal but no einddatum (still running) is
assumed to last as long as the median totaal toewijzing that ended in the last `HISTORY` months.

Public API
    inputs = load(cursor, peildatum, productcategorie=["43"], wijk_code=None, aanbieder_agb=None)
    fc = forecast(inputs.toewijzingen, inputs.declaraties, 2024, date(2024, 6, 30))
    fc.total, fc.low, fc.high, fc.months   # months: one row per month of care, for a chart
    describe(fc)                           # Dutch paragraph with the numbers
    bt = backtest(inputs.toewijzingen, inputs.declaraties, checkpoints=(3, 6, 9))
    summary(bt); explain(bt)               # error per checkpoint vs the naive forecast, in Dutch
    CompletionFactors.estimate(inputs.declaraties, date(2024, 6, 30)).frame()
    jaareinde(ctx)                         # the derived metric `prognose` (metrics.derived)

Frames: toewijzingen need aanvraagdatum, begindatum, einddatum, volume, frequentie, tarief;
declaraties need maand, ingediend_op, bedrag (status optional). Both may be the full tables or
the aggregates `load` returns. Filters (productcategorie, aanbieder, wijk) are applied by `load`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl
from babel.numbers import format_decimal

from metrics.errors import InvalidQuery

if TYPE_CHECKING:
    from metrics.derived import DerivedContext

MAX_LAG = 12  # months after which a month of care counts as complete
HISTORY = 36  # complete months the completion shares and utilisation are estimated on
MIN_REFERENCE_MONTHS = 12
CALIBRATION_YEARS = 3  # earlier years the active factor uses: recent behaviour matters most
MIN_RANGE_YEARS = 3
Z80 = 1.2815515655446004  # 10% in each tail of a normal distribution

# frequentie as stored in the warehouse -> months' worth per unit of frequency: 52 weeks and
# 365 days spread over 12 months, as controllers budget them.
MONTHLY_FACTOR = {"per dag": 365 / 12, "per week": 52 / 12, "per maand": 1.0}
# Spread evenly over the days from begindatum to einddatum.
TOTAAL = "totaal binnen geldigheidsduur"
# Length assumed for a total budget without einddatum when no such toewijzing has ended recently:
# a toewijzing is commonly granted for at most a year.
DEFAULT_TOTAAL_DAYS = 365
# A rejected line is never paid; credit lines (gecrediteerd, negative) reverse paid ones and count.
REJECTED_STATUS = ("afgekeurd",)

LABELS = {
    "month": "Zorgmaand",
    "realised": "Gedeclareerd",
    "expected_lag": "Nog te declareren (maanden t/m peildatum)",
    "expected_active": "Verwacht (lopende toewijzingen)",
    "total": "Prognose per maand",
    "cumulative": "Prognose cumulatief",
}

_MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


class InsufficientHistory(ValueError):
    """Too little complete history before the peildatum to estimate how declarations come in."""


def _mi(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(mi: int) -> dt.date:
    return dt.date(mi // 12, mi % 12 + 1, 1)


def _month_end(d: dt.date) -> dt.date:
    nxt = _month_start(_mi(d) + 1)
    return nxt - dt.timedelta(days=1)


def _is_month_end(d: dt.date) -> bool:
    return d == _month_end(d)


def _day_limit(peildatum: dt.date) -> int:
    """Day up to which a month counts as in: at a month end every day of any month does."""
    return 31 if _is_month_end(peildatum) else peildatum.day


def _same_point(peildatum: dt.date, year: int) -> dt.date:
    """The same moment in another year; a month end stays a month end (29 Feb -> 28 Feb)."""
    if _is_month_end(peildatum):
        return _month_end(dt.date(year, peildatum.month, 1))
    return dt.date(year, peildatum.month, min(peildatum.day, _month_end(dt.date(year, peildatum.month, 1)).day))


def _months_elapsed(year: int, peildatum: dt.date) -> float:
    """Months of `year` behind us at the peildatum, counting the current month pro rata."""
    months = (peildatum.year - year) * 12 + peildatum.month - 1 + peildatum.day / _month_end(peildatum).day
    return min(months, 12.0)


# --- inputs ---------------------------------------------------------------------------------


def _declarations(declaraties: pl.DataFrame) -> pl.DataFrame:
    """Declared amounts per (month of care, submission date): all the forecast needs."""
    d = declaraties.lazy()
    if "status" in declaraties.columns:
        d = d.filter(~pl.col("status").is_in(list(REJECTED_STATUS)).fill_null(True))
    return (
        d.group_by(maand=pl.col("maand").dt.month_start(), ingediend_op=pl.col("ingediend_op"))
        .agg(bedrag=pl.col("bedrag").cast(pl.Float64).sum())
        .with_columns(
            mi=pl.col("maand").dt.year().cast(pl.Int32) * 12 + pl.col("maand").dt.month().cast(pl.Int32) - 1,
            sub_mi=pl.col("ingediend_op").dt.year().cast(pl.Int32) * 12
            + pl.col("ingediend_op").dt.month().cast(pl.Int32)
            - 1,
            sub_day=pl.col("ingediend_op").dt.day().cast(pl.Int32),
        )
        .collect()
    )


def _toewijzingen(toewijzingen: pl.DataFrame) -> pl.DataFrame:
    """Per toewijzing: when it was known, when it runs, and what it costs (per month if periodic)."""
    known = [*MONTHLY_FACTOR, TOTAAL]
    unknown = sorted(set(toewijzingen["frequentie"].unique().to_list()) - set(known), key=str)
    if unknown:
        raise ValueError(f"onbekende frequentie in toewijzingen: {unknown}; verwacht een van {known}")
    amount = pl.col("volume").cast(pl.Float64) * pl.col("tarief").cast(pl.Float64)
    return toewijzingen.select(
        known_on=pl.coalesce("aanvraagdatum", "begindatum"),
        begin=pl.col("begindatum"),
        end=pl.col("einddatum"),
        total=pl.col("frequentie") == TOTAAL,
        amount=amount,
        monthly=amount * pl.col("frequentie").replace_strict(MONTHLY_FACTOR, default=None, return_dtype=pl.Float64),
    )


def _typical_days(t: pl.DataFrame, peildatum: dt.date) -> int:
    """Median length of the totaal toewijzingen that ended in the `HISTORY` months before the peildatum."""
    ended = t.filter(
        pl.col("total") & pl.col("end").is_between(_month_start(_mi(peildatum) - HISTORY), peildatum)
    ).select(((pl.col("end") - pl.col("begin")).dt.total_days() + 1).median())
    median = ended.item()
    return DEFAULT_TOTAAL_DAYS if median is None else max(1, round(median))


def _known_at(t: pl.DataFrame, peildatum: dt.date, *, reconstruct: bool) -> pl.DataFrame:
    """The toewijzingen known at the peildatum, with a daily cost for those with a total budget."""
    known = t.filter(pl.col("known_on") <= peildatum)
    if reconstruct:
        known = known.with_columns(end=pl.when(pl.col("end") > peildatum).then(None).otherwise(pl.col("end")))
    # A total budget without an einddatum is assumed to run the usual length of such toewijzingen.
    days = _typical_days(known, peildatum)
    open_total = pl.col("total") & pl.col("end").is_null()
    known = known.with_columns(end=pl.when(open_total).then(pl.col("begin").dt.offset_by(f"{days - 1}d")).otherwise(pl.col("end")))
    return known.with_columns(
        daily_total=pl.when(pl.col("total")).then(pl.col("amount") / ((pl.col("end") - pl.col("begin")).dt.total_days() + 1))
    )


def _expected(t: pl.DataFrame, months: Sequence[int]) -> list[float]:
    """Cost of the toewijzingen in `t` per month (month indexes), pro rata for the days running.

    Built as a running total over days (+rate on begindatum, -rate the day after einddatum),
    so the cost grows with the number of toewijzingen once, not once per month.
    """
    if not months:
        return []
    first, last = _month_start(min(months)), _month_end(_month_start(max(months)))
    starts = t.select(
        day=pl.max_horizontal(pl.col("begin"), pl.lit(first)),
        periodic=pl.col("monthly").fill_null(0.0),
        total=pl.col("daily_total").fill_null(0.0),
    )
    stops = t.filter(pl.col("end").is_not_null()).select(
        day=pl.max_horizontal(pl.col("end").dt.offset_by("1d"), pl.lit(first)),
        periodic=-pl.col("monthly").fill_null(0.0),
        total=-pl.col("daily_total").fill_null(0.0),
    )
    events = pl.concat([starts, stops]).filter(pl.col("day") <= last).group_by("day").agg(pl.all().sum())
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    per_month = (
        days.join(events, on="day", how="left")
        .sort("day")
        .select(
            mi=pl.col("day").dt.year().cast(pl.Int32) * 12 + pl.col("day").dt.month().cast(pl.Int32) - 1,
            # A periodic toewijzing costs its monthly amount spread over the days of each month.
            cost=pl.col("periodic").fill_null(0.0).cum_sum() / pl.col("day").dt.month_end().dt.day()
            + pl.col("total").fill_null(0.0).cum_sum(),
        )
        .group_by("mi")
        .agg(pl.col("cost").sum())
    )
    got = dict(per_month.iter_rows())
    return [float(got[mi]) for mi in months]


# --- completion factors ---------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionFactors:
    """Which share of a month of care's eventual amount is declared k months after that month.

    shares[k] is the share in at the same point k months later (k = 0: at the peildatum in the
    month of care itself), estimated over the complete months (at least `max_lag` months old)
    of the last `HISTORY` months before the peildatum, weighted by amount.
    """

    peildatum: dt.date
    shares: tuple[float, ...]
    reference_months: int

    @classmethod
    def estimate(cls, declaraties: pl.DataFrame, peildatum: dt.date, *, max_lag: int = MAX_LAG) -> CompletionFactors:
        return _completion(_declarations(declaraties), peildatum, max_lag)[0]

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


def _completion(d: pl.DataFrame, peildatum: dt.date, max_lag: int) -> tuple[CompletionFactors, dict[int, float]]:
    """Completion shares and the eventual amount of each reference month (month index -> euro)."""
    p = _mi(peildatum)
    ref = d.filter(
        (pl.col("ingediend_op") <= peildatum) & pl.col("mi").is_between(p - max_lag - HISTORY + 1, p - max_lag)
    )
    eventual = {mi: v for mi, v in ref.group_by("mi").agg(pl.col("bedrag").sum()).iter_rows() if v != 0}
    ref = ref.filter(pl.col("mi").is_in(list(eventual)))
    total = sum(eventual.values())
    if len(eventual) < MIN_REFERENCE_MONTHS or total <= 0:
        raise InsufficientHistory(
            f"te weinig afgeronde maanden vóór {peildatum.isoformat()} om te schatten hoe declaraties binnenkomen: "
            f"{len(eventual)} gevonden, minstens {MIN_REFERENCE_MONTHS} nodig "
            f"(een maand telt als afgerond na {max_lag} maanden)"
        )
    # The age at which a line counts as in: its lag in months, one more if it came later in
    # that month than the peildatum's day.
    age_in = (pl.col("sub_mi") - pl.col("mi") + (pl.col("sub_day") > _day_limit(peildatum)).cast(pl.Int32)).clip(
        lower_bound=0
    )
    by_age = dict(ref.group_by(age=age_in).agg(pl.col("bedrag").sum()).iter_rows())
    shares, cum = [], 0.0
    for age in range(max_lag):
        cum += by_age.get(age, 0.0)
        shares.append(cum / total)
    return CompletionFactors(peildatum, tuple(shares), len(eventual)), eventual


# --- forecast -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Year-end forecast of jaar `year` made at `peildatum`; amounts in euro.

    months: one row per month of care (month, realised, expected_lag, expected_active, total,
    cumulative); `LABELS` has their Dutch names. backtest: the earlier years at the same point
    of the year that the range comes from (columns as `backtest`).
    """

    year: int
    peildatum: dt.date
    realised: float
    expected_lag: float
    expected_active: float
    total: float
    low: float | None
    high: float | None
    naive: float
    utilisation: float
    active_factor: float
    active_factor_years: tuple[int, ...]
    completion: CompletionFactors
    months: pl.DataFrame
    backtest: pl.DataFrame


class _Point(NamedTuple):
    realised: list[float]
    expected_lag: list[float]
    expected_active: list[float]
    utilisation: float
    active_factor: float
    active_factor_years: tuple[int, ...]
    completion: CompletionFactors

    @property
    def total(self) -> float:
        return sum(self.realised) + sum(self.expected_lag) + sum(self.expected_active)


class _Model:
    """Prepared inputs plus the caches that make a backtest over many years cheap."""

    def __init__(self, toewijzingen: pl.DataFrame, declaraties: pl.DataFrame, max_lag: int) -> None:
        self.d = _declarations(declaraties)
        self.t = _toewijzingen(toewijzingen)
        self.max_lag = max_lag
        self._raw_future: dict[dt.date, float] = {}

    def in_by(self, year: int, cut: dt.date) -> list[float]:
        """Declared per month of care of `year` with ingediend_op <= cut."""
        first = year * 12
        got = dict(
            self.d.filter((pl.col("ingediend_op") <= cut) & pl.col("mi").is_between(first, first + 11))
            .group_by("mi")
            .agg(pl.col("bedrag").sum())
            .iter_rows()
        )
        return [got.get(first + i, 0.0) for i in range(12)]

    def complete(self, year: int, peildatum: dt.date) -> bool:
        return _mi(peildatum) - (year * 12 + 11) >= self.max_lag

    def raw_future(self, checkpoint: dt.date) -> float:
        """Priced cost of the months after `checkpoint` in its year, as known at the checkpoint."""
        if checkpoint not in self._raw_future:
            months = list(range(_mi(checkpoint) + 1, checkpoint.year * 12 + 12))
            t = _known_at(self.t, checkpoint, reconstruct=True)
            self._raw_future[checkpoint] = sum(_expected(t, months))
        return self._raw_future[checkpoint]

    def active_factor(self, year: int, peildatum: dt.date, utilisation: float) -> tuple[float, tuple[int, ...]]:
        """Final cost / priced cost of the remaining months, at this point of earlier years."""
        actual = priced = 0.0
        used: list[int] = []
        y = year - 1
        while len(used) < CALIBRATION_YEARS and y >= self.years().start:
            if self.complete(y, peildatum):
                point = _same_point(peildatum, y)
                raw = self.raw_future(point)
                if raw > 0:
                    actual += sum(self.in_by(y, peildatum)[point.month :])
                    priced += raw
                    used.append(y)
            y -= 1
        if not used:
            return utilisation, ()
        return actual / priced, tuple(sorted(used))

    def point(self, year: int, peildatum: dt.date, *, reconstruct: bool) -> _Point:
        completion, eventual = _completion(self.d, peildatum, self.max_lag)
        t = _known_at(self.t, peildatum, reconstruct=reconstruct)
        ref_months = sorted(eventual)
        ref_priced = _expected(t, ref_months)
        priced_total = sum(ref_priced)
        if priced_total <= 0:
            raise InsufficientHistory(
                f"geen toewijzingen bekend voor de afgeronde maanden vóór {peildatum.isoformat()}: "
                "de benutting van toewijzingen is niet te schatten"
            )
        utilisation = sum(eventual.values()) / priced_total
        factor, factor_years = self.active_factor(year, peildatum, utilisation)

        months = [year * 12 + i for i in range(12)]
        priced = _expected(t, months)
        realised = self.in_by(year, peildatum)
        p = _mi(peildatum)
        lag = [utilisation * e * (1 - completion.share(p - m)) if m <= p else 0.0 for m, e in zip(months, priced)]
        active = [factor * e if m > p else 0.0 for m, e in zip(months, priced)]
        return _Point(realised, lag, active, utilisation, factor, factor_years, completion)

    def backtest_row(self, year: int, checkpoint: dt.date, cutoff: dt.date) -> dict[str, Any]:
        pt = self.point(year, checkpoint, reconstruct=True)
        actual = sum(self.in_by(year, cutoff))
        naive = sum(pt.realised[: checkpoint.month]) / _months_elapsed(year, checkpoint) * 12
        return {
            "year": year,
            "checkpoint": checkpoint.month,
            "peildatum": checkpoint,
            "actual": actual,
            "forecast": pt.total,
            "naive": naive,
            "error_pct": _error_pct(pt.total, actual),
            "naive_error_pct": _error_pct(naive, actual),
        }

    def years(self) -> range:
        """The years with months of care in the declarations."""
        if self.d.is_empty():
            return range(0)
        return range(int(self.d["mi"].min()) // 12, int(self.d["mi"].max()) // 12 + 1)


def _error_pct(forecast: float, actual: float) -> float | None:
    return (forecast - actual) / actual * 100 if actual > 0 else None


_BACKTEST_SCHEMA = {
    "year": pl.Int32,
    "checkpoint": pl.Int32,
    "peildatum": pl.Date,
    "actual": pl.Float64,
    "forecast": pl.Float64,
    "naive": pl.Float64,
    "error_pct": pl.Float64,
    "naive_error_pct": pl.Float64,
}


def forecast(
    toewijzingen: pl.DataFrame,
    declaraties: pl.DataFrame,
    jaar: int,
    peildatum: dt.date,
    *,
    max_lag: int = MAX_LAG,
) -> Forecast:
    """Forecast of the spending on months of care in `jaar`, with what is known at `peildatum`.

    Raises InsufficientHistory when fewer than `MIN_REFERENCE_MONTHS` complete months precede it.
    """
    if peildatum < dt.date(jaar, 1, 1):
        raise ValueError(f"peildatum {peildatum.isoformat()} ligt vóór het begin van {jaar}")
    return _forecast(_Model(toewijzingen, declaraties, max_lag), jaar, peildatum)


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
    errors = [e / 100 for e in earlier["error_pct"].drop_nulls()]
    low = high = None
    if len(errors) >= MIN_RANGE_YEARS:
        spread = Z80 * math.sqrt(sum(e * e for e in errors) / len(errors))
        low, high = pt.total * (1 - spread), pt.total * (1 + spread)

    monthly = pl.DataFrame(
        {
            "month": [dt.date(jaar, m, 1) for m in range(1, 13)],
            "realised": pt.realised,
            "expected_lag": pt.expected_lag,
            "expected_active": pt.expected_active,
        }
    ).with_columns(total=pl.col("realised") + pl.col("expected_lag") + pl.col("expected_active"))
    monthly = monthly.with_columns(cumulative=pl.col("total").cum_sum())
    naive = sum(pt.realised[: _mi(peildatum) - jaar * 12 + 1]) / _months_elapsed(jaar, peildatum) * 12
    return Forecast(
        year=jaar,
        peildatum=peildatum,
        realised=sum(pt.realised),
        expected_lag=sum(pt.expected_lag),
        expected_active=sum(pt.expected_active),
        total=pt.total,
        low=low,
        high=high,
        naive=naive,
        utilisation=pt.utilisation,
        active_factor=pt.active_factor,
        active_factor_years=pt.active_factor_years,
        completion=pt.completion,
        months=monthly,
        backtest=earlier,
    )


# --- backtest -------------------------------------------------------------------------------


def backtest(
    toewijzingen: pl.DataFrame,
    declaraties: pl.DataFrame,
    years: Iterable[int] | None = None,
    checkpoints: Sequence[int] = (3, 6, 9),
    *,
    peildatum: dt.date | None = None,
    max_lag: int = MAX_LAG,
) -> pl.DataFrame:
    """Forecast each complete year again at the end of each checkpoint month, knowing only what
    was known then, and compare with the final outcome (declared by `peildatum`, default the
    last ingediend_op).

    years: default every year that is complete (`max_lag` months after its end) and has enough
    history at all checkpoints. One row per year and checkpoint: actual, forecast, naive
    (declared so far / months x 12), error_pct and naive_error_pct ((forecast - actual) / actual).
    """
    model = _Model(toewijzingen, declaraties, max_lag)
    rows: list[dict[str, Any]] = []
    if model.d.is_empty():
        return pl.DataFrame(rows, schema=_BACKTEST_SCHEMA, orient="row")
    cutoff = peildatum or model.d["ingediend_op"].max()
    explicit = years is not None
    for y in years if explicit else model.years():
        if not model.complete(y, cutoff):
            if explicit:
                raise ValueError(f"jaar {y} is op {cutoff.isoformat()} nog niet afgerond ({max_lag} maanden na jaareinde)")
            continue
        try:
            rows.extend(model.backtest_row(y, _month_end(dt.date(y, c, 1)), cutoff) for c in checkpoints)
        except InsufficientHistory:
            if explicit:
                raise
    return pl.DataFrame(rows, schema=_BACKTEST_SCHEMA, orient="row")


def summary(bt: pl.DataFrame) -> pl.DataFrame:
    """Per checkpoint: number of years, mean absolute % error of the forecast and of the naive
    forecast, mean (signed) error and the largest absolute error."""
    return (
        bt.group_by("checkpoint")
        .agg(
            years=pl.len().cast(pl.Int32),
            first_year=pl.col("year").min(),
            last_year=pl.col("year").max(),
            mape=pl.col("error_pct").abs().mean(),
            naive_mape=pl.col("naive_error_pct").abs().mean(),
            bias=pl.col("error_pct").mean(),
            max_abs_error=pl.col("error_pct").abs().max(),
        )
        .sort("checkpoint")
    )


# --- Dutch text -----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return format_decimal(x, format="0.0", locale="nl_NL") + "%"


def _eur(x: float) -> str:
    if abs(x) >= 1e6:
        return "€ " + format_decimal(x / 1e6, format="#,##0.0", locale="nl_NL") + " mln"
    return "€ " + format_decimal(x, format="#,##0", locale="nl_NL")


def _date(d: dt.date) -> str:
    return f"{d.day} {_MONTHS_NL[d.month - 1]} {d.year}"


def _listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def explain(bt: pl.DataFrame) -> str:
    """One Dutch paragraph: how far the forecast and the naive forecast were off, per checkpoint."""
    s = summary(bt)
    if s.is_empty():
        return (
            "Er zijn nog geen afgeronde eerdere jaren met genoeg historie om de prognose achteraf te toetsen; "
            "hoe nauwkeurig de prognose is, is daarom nog niet bekend."
        )
    first, last = int(s["first_year"].min()), int(s["last_year"].max())
    years = f"{first}" if first == last else f"{first}–{last}"
    moments = [f"eind {_MONTHS_NL[c - 1]}" for c in s["checkpoint"]]
    ours = [f"{_pct(v)} {m}" for v, m in zip(s["mape"], moments)]
    naive = [_pct(v) for v in s["naive_mape"]]
    better = [m for m, a, b in zip(moments, s["mape"], s["naive_mape"]) if a < b]
    if len(better) == len(moments):
        verdict = "De prognose was op elk van deze momenten nauwkeuriger dan die doortrekking."
    elif not better:
        verdict = "De prognose was op geen van deze momenten nauwkeuriger dan die doortrekking."
    else:
        verdict = f"De prognose was alleen {_listing(better)} nauwkeuriger dan die doortrekking."
    return (
        f"Hoe goed is de prognose? We hebben hem achteraf opnieuw gemaakt voor de afgeronde jaren {years}, "
        "telkens met alleen de declaraties en toewijzingen die op dat moment bekend waren, en vergeleken met "
        f"wat die jaren uiteindelijk kostten. De prognose week gemiddeld {_listing(ours)} af van de uitkomst. "
        "Een eenvoudige doortrekking (gedeclareerd tot dan, gedeeld door het aantal maanden, keer 12) week op "
        f"dezelfde momenten gemiddeld {_listing(naive)} af: die houdt geen rekening met declaraties die nog "
        f"moeten komen of met lopende toewijzingen. {verdict}"
    )


def _month_name(mi: int, year: int) -> str:
    name = _MONTHS_NL[mi % 12]
    return name if mi // 12 == year else f"{name} {mi // 12}"


def describe(fc: Forecast) -> str:
    """One Dutch paragraph: the forecast, its parts, and where its range comes from."""
    p, last = _mi(fc.peildatum), fc.year * 12 + 11
    text = (
        f"Prognose {fc.year} op {_date(fc.peildatum)}: {_eur(fc.total)}. Daarvan is {_eur(fc.realised)} al "
        f"gedeclareerd. Over de zorgmaanden tot en met {_MONTHS_NL[min(p, last) % 12]} komt naar verwachting nog "
        f"{_eur(fc.expected_lag)} aan declaraties binnen, omdat aanbieders later declareren"
    )
    # Two examples a controller can check: the latest month with something in, and three months before it.
    latest = next((m for m in range(p, p - len(fc.completion.shares), -1) if fc.completion.share(p - m) > 0), None)
    examples = [
        f"van {_month_name(m, fc.year)} {_pct(fc.completion.share(p - m) * 100)}"
        for m in (latest, None if latest is None else latest - 3)
        if m is not None and fc.completion.share(p - m) < 1
    ]
    if examples:
        text += f" (in eerdere jaren was op dit moment van het jaar {_listing(examples)} binnen)"
    text += "."
    if p < last:
        months = f"{_MONTHS_NL[(p + 1) % 12]} tot en met december" if p + 1 < last else "december"
        factor = format_decimal(fc.active_factor, format="0.00", locale="nl_NL")
        text += (
            f" Voor {months} verwachten we {_eur(fc.expected_active)} uit de lopende toewijzingen: volume × tarief "
            f"per maand, bijgesteld met hoe toewijzingen in eerdere jaren werkelijk werden gedeclareerd (factor {factor})."
        )
    n = fc.backtest.height
    if fc.low is not None and fc.high is not None:
        errors = [abs(e) for e in fc.backtest["error_pct"].drop_nulls()]
        text += (
            f" Met 80% zekerheid komen de uitgaven uit tussen {_eur(fc.low)} en {_eur(fc.high)}. Die marge volgt uit "
            f"hoeveel de prognose op hetzelfde moment in {n} eerdere jaren afweek van de uitkomst (gemiddeld "
            f"{_pct(sum(errors) / len(errors))}): als zulke afwijkingen zich herhalen, valt de uitkomst in 8 van de "
            "10 jaren binnen deze marge."
        )
    else:
        text += f" Voor een marge zijn te weinig eerdere jaren te toetsen ({n}, minstens {MIN_RANGE_YEARS} nodig)."
    return text


# --- warehouse ------------------------------------------------------------------------------


class Inputs(NamedTuple):
    toewijzingen: pl.DataFrame
    declaraties: pl.DataFrame


Runner = Callable[[str, dict[str, Any]], pl.DataFrame]


def load(
    cursor: Any,
    peildatum: dt.date | None = None,
    *,
    productcategorie: Sequence[str] | None = None,
    aanbieder_agb: Sequence[str] | None = None,
    wijk_code: Sequence[str] | None = None,
) -> Inputs:
    """What the forecast needs from the warehouse (a DuckDB connection or cursor), known at
    `peildatum`, for the toewijzingen matching every given filter. Declarations come aggregated
    per (maand, ingediend_op), so the frames stay small on a large warehouse."""
    return _fetch(
        lambda sql, params: cursor.sql(sql, params=params).pl(),
        peildatum,
        productcategorie=productcategorie,
        aanbieder_agb=aanbieder_agb,
        wijk_code=wijk_code,
    )


def _fetch(
    run: Runner,
    peildatum: dt.date | None,
    *,
    productcategorie: Sequence[str] | None,
    aanbieder_agb: Sequence[str] | None,
    wijk_code: Sequence[str] | None,
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
        "SELECT toewijzing_id, aanvraagdatum, begindatum, einddatum, volume::DOUBLE AS volume, frequentie, "
        f"tarief::DOUBLE AS tarief FROM jeugd_toewijzingen WHERE {' AND '.join(['TRUE', *filters, *known])}",
        params | dated,
    )
    where = ["NOT list_contains($rejected::VARCHAR[], coalesce(status, ''))"]
    if filters:
        # Declarations reach a subset only through their toewijzing.
        where.append(f"toewijzing_id IN (SELECT toewijzing_id FROM jeugd_toewijzingen WHERE {' AND '.join(filters)})")
    if peildatum is not None:
        where.append("ingediend_op <= $peildatum")
    declaraties = run(
        "SELECT maand, ingediend_op, sum(bedrag)::DOUBLE AS bedrag FROM jeugd_declaraties "
        f"WHERE {' AND '.join(where)} GROUP BY maand, ingediend_op",
        params | dated | {"rejected": list(REJECTED_STATUS)},
    )
    return Inputs(toewijzingen, declaraties)


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
    wijken = ctx.where.get("wijk") or (sorted(ctx.wijken) if ctx.wijken is not None else None)
    inputs = _fetch(
        ctx.sql,
        ctx.peildatum,
        productcategorie=ctx.where.get("productcategorie"),
        aanbieder_agb=ctx.where.get("aanbieder"),
        wijk_code=wijken,
    )
    model = _Model(inputs.toewijzingen, inputs.declaraties, MAX_LAG)
    if years is None:
        years = tuple(model.years()) if "jaar" in ctx.by else (ctx.peildatum.year,)
    rows = []
    for year in years:
        fc = None
        if year <= ctx.peildatum.year:
            try:
                fc = _forecast(model, year, ctx.peildatum)
            except InsufficientHistory:
                pass
        rows.append({"jaar": year, "waarde": fc and fc.total, "laag": fc and fc.low, "hoog": fc and fc.high})
    frame = pl.DataFrame(rows, schema={"jaar": pl.Int64, "waarde": pl.Float64, "laag": pl.Float64, "hoog": pl.Float64})
    return frame if "jaar" in ctx.by else frame.drop("jaar")
