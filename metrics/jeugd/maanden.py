"""Month arithmetic and Dutch wording shared by the forecast modules. A month is an integer index
year * 12 + month - 1, so ranges, ages and lags are plain integer differences in Python and in
polars alike."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TypeVar

import polars as pl
from babel.numbers import format_decimal

# An eager or a lazy frame: helpers that take either give the same back, so a forecast state
# can chain them on one lazy query.
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

# The engine a forecast state's lazy queries are collected on: a state runs dozens of small to
# mid-sized queries, and starting polars' default (streaming) engine costs more than such a
# query takes on the in-memory one (a third more CPU for the months to come of a wijk).
ENGINE = "in-memory"

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def mi(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(d: dt.date) -> dt.date:
    return month_start(mi(d) + 1) - dt.timedelta(days=1)


def days_in(index: int) -> int:
    return (month_start(index + 1) - month_start(index)).days


def is_month_end(d: dt.date) -> bool:
    return d == month_end(d)


def same_point(peildatum: dt.date, year: int) -> dt.date:
    """The same moment in another year; a month end stays a month end (29 Feb -> 28 Feb)."""
    if is_month_end(peildatum):
        return month_end(dt.date(year, peildatum.month, 1))
    return dt.date(year, peildatum.month, min(peildatum.day, month_end(dt.date(year, peildatum.month, 1)).day))


def day_limit(peildatum: dt.date) -> int:
    """Day up to which a month counts as in: at a month end every day of any month does."""
    return 31 if is_month_end(peildatum) else peildatum.day


def expr(column: str | pl.Expr) -> pl.Expr:
    """The month index of a date column."""
    c = pl.col(column) if isinstance(column, str) else column
    return c.dt.year().cast(pl.Int32) * 12 + c.dt.month().cast(pl.Int32) - 1


# Every month a date can name (years 0 to 10000), by index: a first day, last day or length per
# row is then a positional lookup. Constructing dates per row (pl.date, dt.month_end) costs about
# fifty times as much, and the forecast asks it of millions of toewijzing-months per state.
_CALENDAR_MONTHS = 10_001 * 12


@functools.lru_cache(maxsize=1)
def _calendar() -> pl.DataFrame:
    index = pl.int_range(0, _CALENDAR_MONTHS + 1, eager=True, dtype=pl.Int32)
    starts = pl.select(pl.date(index // 12, index % 12 + 1, 1)).to_series()
    return pl.DataFrame({"start": starts.head(_CALENDAR_MONTHS), "end": starts.tail(_CALENDAR_MONTHS) - dt.timedelta(days=1)}).with_columns(
        days=(pl.col("end") - pl.col("start")).dt.total_days().cast(pl.Int32) + 1
    )


def _lookup(column: str, index: pl.Expr) -> pl.Expr:
    """The calendar's `column` for each month index, named like the index (as pl.date would)."""
    name = index.meta.output_name(raise_if_undetermined=False)
    got = pl.lit(_calendar()[column]).gather(index)
    return got if name is None else got.alias(name)


def start_expr(index: pl.Expr) -> pl.Expr:
    """First day of the month with this index."""
    return _lookup("start", index)


def end_expr(index: pl.Expr) -> pl.Expr:
    """Last day of the month with this index."""
    return _lookup("end", index)


def days_expr(index: pl.Expr) -> pl.Expr:
    """Number of days in the month with this index."""
    return _lookup("days", index)


def name(index: int, year: int | None = None) -> str:
    """Dutch month name, with the year when it differs from `year`."""
    text = MONTHS_NL[index % 12]
    return text if year is not None and index // 12 == year else f"{text} {index // 12}"


def span(first: int, last: int) -> str:
    """'mei–augustus 2024', 'december 2023–februari 2024', or one month: 'mei 2024'."""
    if first == last:
        return f"{MONTHS_NL[first % 12]} {first // 12}"
    if first // 12 == last // 12:
        return f"{MONTHS_NL[first % 12]}–{MONTHS_NL[last % 12]} {last // 12}"
    return f"{MONTHS_NL[first % 12]} {first // 12}–{MONTHS_NL[last % 12]} {last // 12}"


def eur(x: float) -> str:
    """Euro in Dutch: "€ 23.100", "€ 4,1 mln"."""
    if abs(x) >= 1e6:
        return "€ " + format_decimal(x / 1e6, format="#,##0.0", locale="nl_NL") + " mln"
    return "€ " + format_decimal(x, format="#,##0", locale="nl_NL")


def pct(x: float) -> str:
    """A percentage (already x 100) with one decimal: "12,5%"."""
    return format_decimal(x, format="0.0", locale="nl_NL") + "%"


def date(d: dt.date) -> str:
    """"1 juli 2024"."""
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


def listing(items: Sequence[str]) -> str:
    """"a", "a en b", "a, b en c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
