"""Derived metrics: numbers computed by a Python function, such as the year-end forecast.

A metric declares `Derived(function="package.module:function", ...)`; the module is imported
when the metric is first computed (so a module that does not exist yet only makes that metric
unavailable). The function receives a `DerivedContext` and returns a polars frame with one column
per dimension in `ctx.by` (codes) and a Float64 column `waarde`; extra numeric columns (e.g.
`laag`, `hoog` for a range) are kept and hidden together with `waarde`. The engine adds labels,
sorting, caching, comparisons and disclosure control: hidden with the metric's `group` (0-7
persons), every known category listed, and, when the declaration names a `noise` metric, the
noise of that metric's cell on `waarde` and the other amounts (metrics.disclosure).

The function must honour `ctx.where` and `ctx.wijken`; `ctx.query` does so for metrics, and
`ctx.sql` runs its own parameterised SQL (values as `$name` parameters, never in the text).
Under disclosure control a function without `noise` must build what it returns from protected
inputs: `ctx.query` returns other metrics as the user's role sees them, and `ctx.cells`
protects cells of its own records (e.g. what was known a year ago).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from metrics.declarations import TIME_DIMENSIONS, Metric
from metrics.disclosure import protect
from metrics.errors import Unavailable
from metrics.roles import Scope
from metrics.sql import cells_sql, person_key, record_key

if TYPE_CHECKING:
    from metrics.engine import Engine


@dataclass(frozen=True)
class DerivedContext:
    metric: Metric
    by: tuple[str, ...]
    where: Mapping[str, tuple]  # validated filter values per dimension
    wijken: frozenset[str] | None  # the user's scope: only these wijken (None = all)
    gemeente: str
    peildatum: dt.date
    engine: "Engine"
    # Who asks: role (disclosure control) and wijken. None (a function called outside the
    # engine, as in tests): the Databrigade within `wijken`, without disclosure control.
    scope: Scope | None = None

    def __post_init__(self) -> None:
        if self.scope is None:
            object.__setattr__(self, "scope", Scope(role="databrigade", wijken=self.wijken))

    @property
    def protected(self) -> bool:
        """Does disclosure control apply to what this function returns?"""
        return self.scope.spec.disclosure_control and self.metric.disclosure != "none"

    def query(self, metric: str, by=(), where: Mapping | None = None) -> pl.DataFrame:
        """Another metric as the user's role sees it (protected under disclosure control), within
        the same wijken: codes, `waarde` (null when hidden), `geheim`."""
        engine = self.engine
        return engine._compute(engine._ask(metric, by, dict(where or {}), self.scope, False))

    def sql(self, sql: str, params: Mapping | None = None) -> pl.DataFrame:
        return self.engine.run_sql(sql, dict(params or {}))

    # ---- cells of the function's own records ----------------------------------------------

    def person_key(self, person: str) -> str:
        """SQL for a person's record key (metrics.sql), for the `_sleutel` column of `cells`."""
        return person_key(person, "$zout")

    def record_key(self, person: str, record: str) -> str:
        """SQL for the record key of a row (a declaration line) of a person."""
        return record_key(person, record, "$zout")

    def cells(self, records: str, params: Mapping, keys: list[str], kind: str, *, euro: bool) -> pl.DataFrame:
        """Cells of the function's own records, protected as the engine protects a metric's cells.

        records: a SELECT with the columns `keys`, `_persoon`, `_x` and `_sleutel` (from
        person_key or record_key); kind: count_distinct (of persons), sum or mean of `_x`. Returns
        keys, `waarde` (null when hidden) and `geheim`. Without disclosure control: exact."""
        frame = self.sql(cells_sql(records, keys, [], kind), dict(params) | {"zout": self.engine.params.salt})
        if not self.protected:
            value = pl.col("waarde") / pl.col("n") if kind == "mean" else pl.col("waarde")
            return frame.select(*keys, value.cast(pl.Float64).alias("waarde"), geheim=pl.lit(False))
        exempt = euro and kind == "sum" and self.scope.wijken is None and all(d in TIME_DIMENSIONS for d in (*self.where, *keys))
        protected = protect(frame, {"count_distinct": "count", "sum": "amount", "mean": "mean"}[kind], euro=euro, exempt=exempt, params=self.engine.params)
        return protected.select(*keys, "waarde", "geheim")


def resolve(function: str) -> Callable[[DerivedContext], pl.DataFrame]:
    module, _, name = function.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the module exists but is broken: that is a bug, not absence
            raise
        raise Unavailable(f"De berekening {function} is (nog) niet beschikbaar.") from exc
    fn = getattr(mod, name, None)
    if not callable(fn):
        raise Unavailable(f"De berekening {function} is (nog) niet beschikbaar.")
    return fn
