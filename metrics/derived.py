"""Derived metrics: numbers computed by a Python function, such as the year-end forecast.

A metric declares `Derived(function="package.module:function", ...)`; the module is imported
when the metric is first computed (so a module that does not exist yet only makes that metric
unavailable). The function receives a `DerivedContext` and returns a polars frame with one column
per dimension in `ctx.by` (codes) and a Float64 column `waarde`; extra numeric columns (e.g.
`laag`, `hoog` for a range) are kept and hidden together with `waarde`. The engine adds labels,
sorting, disclosure control (via the metric's `group`), caching and comparisons.

The function must honour `ctx.where` and `ctx.wijken`; `ctx.query` does so for metrics, and
`ctx.sql` runs its own parameterised SQL (values as `$name` parameters, never in the text).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from metrics.declarations import Metric
from metrics.errors import Unavailable

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

    def query(self, metric: str, by=(), where: Mapping | None = None) -> pl.DataFrame:
        """Another metric's values before disclosure control, within the same wijken."""
        return self.engine.unprotected(metric, by=by, where=where or {}, wijken=self.wijken)

    def sql(self, sql: str, params: Mapping | None = None) -> pl.DataFrame:
        return self.engine.run_sql(sql, dict(params or {}))


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
