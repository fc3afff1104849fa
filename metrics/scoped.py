"""What a page computes with: the engine bound to one user's scope, and nothing else.

    engine = metrics.ScopedEngine(metrics.Engine(warehouse), metrics.Scope(role="wijkmanager", wijken={"WK019313"}))
    engine.query("lasten", by=["wijk"], where={"jaar": 2026})      # protected for this scope
    engine.analysis("jeugd.prognose_detail", keuze)                  # a declared analysis, same scope

This is the security boundary for hosting. A page gets this object only: no warehouse, cursor,
SQL or unprotected value is reachable through its public API, and every answer goes through the
engine's role check, scope and disclosure control. (Python hides nothing from code that goes
looking; tests/test_security_boundary.py checks that page code does not: no underscore attributes,
no imports of the warehouse, the engine internals or duckdb.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import polars as pl

from metrics import geo, meta, registry
from metrics.cache import SingleFlight
from metrics.derived import resolve
from metrics.engine import Engine
from metrics.errors import AccessDenied
from metrics.roles import Scope
from metrics.warehouse import BuildInfo


class _Results(SingleFlight):
    """A small thread-safe LRU for analysis results (forecasts and backtests are slow to make);
    a result another session is making is waited for, not made twice (metrics.cache.SingleFlight)."""

    def __init__(self, maxsize: int = 64) -> None:
        super().__init__()
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def _get(self, key: Hashable) -> tuple[bool, Any]:
        if key in self._data:
            self._data.move_to_end(key)
            return True, self._data[key]
        return False, None

    def _put(self, key: Hashable, value: Any) -> None:
        self._data[key] = value
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute):
        return self._once(key, compute)[0]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


ANALYSIS_RESULTS = _Results()
# Facts about a build (its meta tables, the map outlines): the same for every user and every run
# of a page, so read once per build instead of on every rerun. Shared objects: never changed.
FACTS = _Results(maxsize=32)


class ScopedEngine:
    __slots__ = ("__engine", "__scope")

    def __init__(self, engine: Engine, scope: Scope) -> None:
        if not isinstance(scope, Scope):
            raise TypeError("scope moet een metrics.Scope zijn")
        self.__engine = engine
        self.__scope = scope

    # ---- who and what ------------------------------------------------------------------------

    @property
    def scope(self) -> Scope:
        return self.__scope

    @property
    def info(self) -> BuildInfo:
        """Gemeente, peildatum, build id and the tables present (facts about the build)."""
        return self.__engine.info

    def allowed(self, metric) -> bool:
        return self.__engine.allowed(metric, self.__scope)

    def unavailable_reason(self, metric) -> str | None:
        return self.__engine.unavailable_reason(metric)

    def available(self, metric) -> bool:
        return self.__engine.available(metric)

    def internal(self, metric) -> bool:
        """Whether the user's wijken limit this metric (internal data) or not (public figures)."""
        return registry.internal(metric)

    # ---- figures -------------------------------------------------------------------------------

    def query(self, metric, by=(), where: dict | None = None, *, compare=(), totals: bool = False) -> pl.DataFrame:
        """The metric as this scope may see it (metrics.Engine.query)."""
        return self.__engine.query(metric, by, where, scope=self.__scope, compare=compare, totals=totals)

    def labels(self, dimension: str) -> dict:
        return self.__engine.labels(dimension)

    def values(self, metric, dimension: str) -> dict:
        """Code -> label of every value of `dimension` that `metric` has (metrics.Engine.values)."""
        return self.__engine.values(metric, dimension, scope=self.__scope)

    def explain(self, metric, by=(), where: dict | None = None) -> list[tuple[str, str, dict]]:
        """The queries behind a figure (lineage): metric name, SQL text, parameters."""
        return self.__engine.explain(metric, by, where, scope=self.__scope)

    def analysis(self, name: str, *args):
        """Run a declared analysis (metrics.definitions, ANALYSES) for this scope; cached per build."""
        spec = registry.ANALYSES.get(name)
        if spec is None:
            raise KeyError(f"geen analyse {name!r} gedeclareerd")
        if self.__scope.role not in spec.roles:
            raise AccessDenied(f"Met de rol {self.__scope.spec.label} heeft u geen toegang tot '{spec.label}'.")
        fn = resolve(spec.function)
        key = (self.__engine.info.build_id, name, self.__scope, args)
        return ANALYSIS_RESULTS.get_or_compute(key, lambda: fn(self.__engine, self.__scope, *args))

    # ---- facts about the data --------------------------------------------------------------------

    def _fact(self, name: str, compute):
        return FACTS.get_or_compute((self.__engine.info.build_id, name), compute)

    def build(self) -> meta.Build | None:
        return self._fact("build", lambda: meta.build(self.__engine.warehouse))

    def datasets(self) -> pl.DataFrame:
        return self._fact("datasets", lambda: meta.datasets(self.__engine.warehouse))

    def quality_checks(self) -> pl.DataFrame:
        return self._fact("quality_checks", lambda: meta.quality_checks(self.__engine.warehouse))

    def quality_history(self) -> pl.DataFrame:
        """Every quality check of every build the warehouse remembers (metrics.meta)."""
        return meta.quality_history(self.__engine.warehouse)

    def builds(self) -> pl.DataFrame:
        """The builds the warehouse remembers, newest first."""
        return meta.builds(self.__engine.warehouse)

    def shapes(self, level: str) -> tuple[dict, bool] | None:
        """Outlines of wijken or buurten (GeoJSON) and whether they are schematic; None without a map.
        Shared by every session: copy before changing (as metrics' callers in ui/ do)."""
        return self._fact(f"shapes:{level}", lambda: geo.shapes(self.__engine.warehouse, level))
