"""Small helpers shared by the wonen functions: the gemeente's settings row and result frames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from metrics.dimensions import DIMENSIONS


@dataclass(frozen=True)
class Doel:
    """The numbers of instellingen_wonen (None where the gemeente has set nothing)."""

    woningen: int | None = None
    van: int | None = None
    tot: int | None = None  # inclusive
    norm: float | None = None
    uitval_hard: float | None = None
    uitval_zacht: float | None = None

    @property
    def bekend(self) -> bool:
        return self.woningen is not None and self.van is not None and self.tot is not None

    @property
    def jaren(self) -> int:
        return self.tot - self.van + 1

    def pad(self, jaar: int) -> float | None:
        """The target path: what should be built from van through `jaar` (evenly spread)."""
        if not self.bekend:
            return None
        done = min(max(jaar - self.van + 1, 0), self.jaren)
        return self.woningen * done / self.jaren


def doel(run_sql, tables) -> Doel:
    """The settings row; an empty Doel when the table is not in the warehouse (an old build)."""
    if "instellingen_wonen" not in tables:
        return Doel()
    rows = run_sql(
        "SELECT woningbouwdoel, doel_van_jaar, doel_tot_jaar, plancapaciteit_norm, planuitval_hard, planuitval_zacht FROM instellingen_wonen",
        {},
    )
    if not rows.height:
        return Doel()
    r = rows.row(0)
    return Doel(*r)


def chosen_years(where: Mapping[str, tuple]) -> tuple[int, ...]:
    return tuple(where.get("jaar", ()))


def frame(by: tuple[str, ...], rows: list[dict], extra: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """A result frame: the split's columns (typed as declared), waarde and the extra columns."""
    schema: dict[str, pl.DataType] = {d: pl.Int64() if DIMENSIONS[d].type == "int" else pl.String() for d in by}
    schema |= {"waarde": pl.Float64()} | (extra or {})
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)


def series(by: tuple[str, ...], where: Mapping[str, tuple], values: dict[int, dict], default: int | None, extra: dict[str, pl.DataType]) -> pl.DataFrame:
    """A figure per year (`values`: jaar -> columns incl. waarde) as the engine asks for it: split by
    jaar (the chosen years only), or one row for the chosen year, else `default`; a year without
    a figure gives a row of nulls (a tile then reads "–")."""
    years = chosen_years(where)
    if "jaar" in by:
        return frame(by, [{"jaar": y} | v for y, v in sorted(values.items()) if not years or y in years], extra)
    year = max(years) if years else default
    return frame(by, [values.get(year, {}) if year is not None else {}], extra)
