"""The one engine every number goes through: check the question, compile, run, protect, label.

    engine = Engine(open_warehouse("data/datakompas.duckdb"))
    engine.query("lasten", by=["wijk"], where={"jaar": 2025}, scope=Scope(role="wijkmanager", wijken={"WK019310"}),
                 compare=["vorig_jaar"])

returns a polars frame: per dimension its code column and `<dim>_label` (Dutch), sorted in the
declared order; `waarde` (Float64, null when hidden or missing) and `geheim` (True when hidden by
disclosure control); then the comparison columns asked for. Nothing a caller passes reaches SQL
as text: dimension names must be declared for the metric, values are checked against the
dimension (type, pattern, members) and bound as parameters.

For a role with disclosure control, every figure about persons is protected cell by cell with the
cell-key method (metrics.disclosure): the same cell shows the same value in every query, and
every known category of a dimension is listed, so a group of 0 and a group of 1-7 both read
"geheim". Comparisons, ratios and derived metrics are computed from the protected cells.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from metrics import registry, waarden
from metrics.cache import CACHE, FrameCache
from metrics.declarations import TIME_DIMENSIONS, Aggregate, Dimension, Metric
from metrics.derived import DerivedContext, resolve
from metrics.dimensions import DIMENSIONS
from metrics.disclosure import PARAMETERS, CellKey, perturb, protect
from metrics.errors import AccessDenied, InvalidQuery, Unavailable
from metrics.periods import same_day_last_year
from metrics.roles import Scope
from metrics.sql import Compiled, Request, compile_aggregate
from metrics.tables import TABLES
from metrics.warehouse import BuildInfo, Warehouse, build_info, run

# Comparisons a query can add, in the order they are computed (index may use per_1000).
COMPARISONS = ("vorig_jaar", "zelfde_moment", "aandeel", "per_1000", "index")
AREA = ("wijk", "buurt")
_ADDITIVE = ("sum", "count", "count_distinct")


@dataclass(frozen=True)
class _Ask:
    """A validated question; hashable, so it keys the cache."""

    metric: Metric
    by: tuple[str, ...]
    where: tuple[tuple[str, tuple], ...]
    scope: Scope
    totals: bool = False
    known_by: dt.date | None = None  # only what was known by this date (same moment last year)
    # Years to read in the same query as the years asked (the year before, when the question
    # compares with it): how the cells are fetched, not which cells, so not part of the key.
    read_too: tuple[int, ...] = ()

    @property
    def key(self) -> tuple:
        return (self.metric.name, self.by, self.where, self.scope, self.totals, self.known_by)

    @property
    def filters(self) -> dict[str, tuple]:
        return dict(self.where)

    @property
    def flags(self) -> list[str]:
        return [f"_totaal_{d}" for d in self.by] if self.totals else []

    @property
    def protected(self) -> bool:
        return self.scope.spec.disclosure_control and self.metric.disclosure != "none"


class Engine:
    def __init__(self, warehouse: Warehouse, cache: FrameCache = CACHE, params: CellKey = PARAMETERS) -> None:
        self.warehouse = warehouse
        self.cache = cache
        self.params = params  # disclosure control (metrics.disclosure); part of every cache key
        self._info: BuildInfo | None = None

    # ---- what the app asks -------------------------------------------------------------

    @property
    def info(self) -> BuildInfo:
        if self._info is None or self._info.build_id != self.warehouse.build_id:
            self._info = build_info(self.warehouse)
        return self._info

    def allowed(self, metric: str | Metric, scope: Scope) -> bool:
        return scope.role in registry.get(metric).roles

    def unavailable_reason(self, metric: str | Metric) -> str | None:
        """None when the metric can be computed on this warehouse, else a Dutch sentence why not."""
        mt = registry.get(metric)
        missing = [t for t in registry.required_tables(mt) if t not in self.info.tables]
        if outdated := [t for t in missing if t in self.info.outdated]:
            return (
                f"'{mt.label}' is niet beschikbaar: het warehouse is gemaakt met een oudere versie van Datakompas "
                f"({', '.join(outdated)} {'mist' if len(outdated) == 1 else 'missen'} kolommen). Bouw het opnieuw, bijvoorbeeld met `python -m data_sources build --demo` of met uw eigen inputs.toml."
            )
        if missing:
            return f"'{mt.label}' is niet beschikbaar: de gegevens ontbreken ({', '.join(missing)} is niet geladen)."
        for part in [mt, *(registry.get(p) for p in registry.components(mt))]:
            if part.expression.kind == "derived":
                try:
                    resolve(part.expression.function)
                except Unavailable as exc:
                    return f"'{mt.label}' is niet beschikbaar: {exc}"
            elif part is not mt and (reason := self.unavailable_reason(part)):
                return reason
        return None

    def available(self, metric: str | Metric) -> bool:
        return self.unavailable_reason(metric) is None

    def query(
        self,
        metric: str | Metric,
        by=(),
        where: dict | None = None,
        *,
        scope: Scope,
        compare=(),
        totals: bool = False,
    ) -> pl.DataFrame:
        """The metric split by `by`, filtered by `where`, as `scope` may see it.

        compare: any of "vorig_jaar" (same period last year: needs a jaar filter or split; a
        filter on months compares the same months), "aandeel" (share of the total of the same
        period), "per_1000" (per 1.000 of the metric's population on 1 January of the same
        year, column bevolking_jaar says which year), "index" (gemeente = 100).
        totals: also return the subtotal rows (code null, label "Totaal", column `totaal`),
        each protected as a cell of its own.
        """
        ask = self._ask(metric, by, where, scope, totals)
        wanted = self._comparisons(compare)
        key = ("query", self.info.build_id, self.params, ask.key, wanted)
        return self.cache.get_or_compute(key, lambda: self._answer(ask, wanted))

    def explain(self, metric: str | Metric, by=(), where: dict | None = None, *, scope: Scope) -> list[tuple[str, str, dict]]:
        """(metric name, SQL, parameters) of every query behind a figure: lineage for the data page."""
        ask = self._ask(metric, by, where, scope, False)
        out: list[tuple[str, str, dict]] = []
        self._explain(ask, out)
        return out

    def labels(self, dimension: str) -> dict[Any, str]:
        """Code -> Dutch label for a dimension (declared members, or its label table when loaded)."""
        dim = DIMENSIONS[dimension]
        if dim.members:
            return {m.code: m.label for m in dim.members}
        if dim.labels is None or dim.labels.table not in self.info.tables:
            return {}
        lt = dim.labels
        key = ("labels", self.info.build_id, dimension)
        frame = self.cache.get_or_compute(key, lambda: self.run_sql(f"SELECT {lt.key} AS code, {lt.label} AS label FROM {lt.table}", {}))
        return dict(zip(frame["code"].to_list(), frame["label"].to_list()))

    def values(self, metric: str | Metric, dimension: str, *, scope: Scope) -> dict[Any, str]:
        """Code -> Dutch label of every value of `dimension` that `metric` has in the gemeente (the
        values of the metric split by it, as anyone with access may list them): the choices of a
        filter. Categories only, no figure; cached per build."""
        ask = self._ask(metric, (dimension,), None, scope, False)
        key = ("values", self.info.build_id, ask.metric.name, dimension)
        frame = self.cache.get_or_compute(key, lambda: self._values(ask.metric, dimension))
        codes = frame[dimension].cast(pl.Int64 if DIMENSIONS[dimension].type == "int" else pl.String).to_list()
        names = frame[f"{dimension}_label"].to_list() if f"{dimension}_label" in frame.columns else [None] * len(codes)
        mapping = self.labels(dimension)
        return {c: n if n is not None else mapping.get(c, str(c)) for c, n in zip(codes, names)}

    def exact(self, metric: str, *, where: dict, scope: Scope) -> bool:
        """Does `scope` see the amounts of this selection of `metric` as they are? (A role without
        disclosure control, or the gemeente as a whole split by period only.)"""
        ask = self._ask(metric, (), where, scope, False)
        return not ask.protected or (_euro(ask.metric) and bool(pl.select(self._exempt(ask))[0, 0]))

    def _perturbed(self, metric: str, frame: pl.DataFrame, columns: list[str], *, where: dict, scope: Scope, tag: str) -> pl.DataFrame:
        """Estimates made from the records of one cell of `metric` (filters `where`, within `scope`),
        such as the forecast of that selection per month, as `scope` may see them: with noise keyed
        by that cell and `tag` (one tag per kind of estimate, so each gets noise of its own), and
        rounded like the metric. Unchanged for roles without disclosure control, and for amounts
        about the gemeente as a whole.

        For the library (metrics.jeugd), never for pages: given a known value it returns the
        noise of that tag, so it must never be given the cell's own (empty) tag or be reachable
        from a page."""
        if not tag:
            raise ValueError("een schatting krijgt ruis onder een eigen label, nooit de ruis van de cel zelf")
        ask = self._ask(metric, (), where, scope, False)
        if not ask.protected:
            return frame
        stats = self._stats(ask).select("sleutel", "grootste")
        euro = _euro(ask.metric)
        out = perturb(frame.join(stats, how="cross"), columns, tag=tag, euro=euro, exempt=self._exempt(ask) if euro else False, params=self.params)
        return out.drop("sleutel", "grootste")

    def run_sql(self, sql: str, params: dict) -> pl.DataFrame:
        return run(self.warehouse, sql, params)

    # ---- validation --------------------------------------------------------------------

    def _ask(self, metric, by, where, scope, totals) -> _Ask:
        mt = registry.get(metric)
        if not isinstance(scope, Scope):
            raise TypeError("scope moet een metrics.Scope zijn")
        if scope.role not in mt.roles:
            raise AccessDenied(f"Met de rol {scope.spec.label} heeft u geen toegang tot '{mt.label}'.")
        if scope.wijken is not None and not registry.internal(mt):
            scope = Scope(role=scope.role)  # public figures (CBS, politie): every wijk, to compare with
        if reason := self.unavailable_reason(mt):
            raise Unavailable(reason)
        if isinstance(by, str):
            by = (by,)
        by = tuple(by)
        for d in by:
            if not isinstance(d, str) or d not in mt.dimensions:
                raise InvalidQuery(f"'{mt.label}' is niet uit te splitsen naar die dimensie; wel naar: {', '.join(mt.dimensions)}.")
        if len(set(by)) != len(by):
            raise InvalidQuery("Een dimensie staat twee keer in de splitsing.")
        filters: dict[str, tuple] = {}
        for d, raw in (where or {}).items():
            child = d if d in mt.dimensions else self.rollup_child(mt, d)
            if child is None:
                raise InvalidQuery(f"'{mt.label}' is niet te filteren op die dimensie; wel op: {', '.join(mt.dimensions)}.")
            values = _values(DIMENSIONS[d], raw)
            if d == "wijk" and scope.wijken is not None and not set(values) <= scope.wijken:
                raise AccessDenied("U heeft geen toegang tot de cijfers van die wijk.")
            if child != d:  # a filter on the parent (productgroep) of a dimension of the metric (productcategorie)
                values = self._children(child, values)
            filters[child] = tuple(sorted(set(filters[child]) & set(values))) if child in filters else values
        if mt.disclosure != "none" and scope.spec.finest_area == "wijk":
            if "buurt" in filters:
                raise AccessDenied(f"Cijfers over personen zijn voor de rol {scope.spec.label} alleen per wijk beschikbaar.")
            by = tuple(dict.fromkeys("wijk" if d == "buurt" else d for d in by))
        return _Ask(mt, by, tuple(sorted(filters.items())), scope, bool(totals))

    @staticmethod
    def rollup_child(metric: Metric, dimension: str) -> str | None:
        """The dimension of `metric` that rolls up into `dimension` (productcategorie for a
        productgroep filter), or None: a filter on `dimension` then cannot apply to the metric."""
        return next((c for c in metric.dimensions if DIMENSIONS[c].parent == dimension), None)

    def _children(self, child: str, parents: tuple) -> tuple:
        """The codes of `child` whose parent is one of `parents`, from the declared roll-up table."""
        r = DIMENSIONS[child].rollup
        if r.table not in self.info.tables:
            raise Unavailable(f"De indeling van {DIMENSIONS[child].label.lower()} ({r.table}) is niet geladen.")
        key = ("rollup", self.info.build_id, child)
        frame = self.cache.get_or_compute(key, lambda: self.run_sql(f"SELECT {r.key} AS code, {r.parent} AS parent FROM {r.table}", {}))
        wanted = set(parents)
        return tuple(sorted({c for c, p in zip(frame["code"].to_list(), frame["parent"].to_list()) if p in wanted and c is not None}))

    def _comparisons(self, compare) -> tuple[str, ...]:
        compare = (compare,) if isinstance(compare, str) else tuple(compare)
        unknown = [c for c in compare if c not in COMPARISONS]
        if unknown:
            raise InvalidQuery(f"Onbekende vergelijking; kies uit {', '.join(COMPARISONS)}.")
        return tuple(c for c in COMPARISONS if c in compare)

    def _sub(self, ask: _Ask, **changes) -> _Ask:
        """A related question (a part, the population, last year) after the same availability check."""
        sub = replace(ask, **changes)
        if sub.metric is not ask.metric and (reason := self.unavailable_reason(sub.metric)):
            raise Unavailable(reason)
        return sub

    # ---- computing ---------------------------------------------------------------------

    def _answer(self, ask: _Ask, wanted: tuple[str, ...]) -> pl.DataFrame:
        years = ask.filters.get("jaar")
        # The year before is read in the same query as the year asked: its cells are then taken
        # from that query (Engine._stats) instead of a query of their own.
        read_too = tuple(y - 1 for y in years) if years and "vorig_jaar" in wanted else ()
        frame = self._compute(replace(ask, read_too=read_too))
        for c in wanted:
            frame = getattr(self, f"_compare_{c}")(ask, frame)
        return self._present(ask, frame)

    def _compute(self, ask: _Ask) -> pl.DataFrame:
        """Codes, waarde, geheim (and _totaal_ flags with totals); cached per question and build."""
        kind = ask.metric.expression.kind
        compute = {"ratio": self._ratio, "per_capita": self._per_capita, "derived": self._derived}.get(kind, self._aggregate)
        return self.cache.get_or_compute(("compute", self.info.build_id, self.params, ask.key), lambda: compute(ask))

    def _request(self, ask: _Ask) -> tuple[Compiled, Request]:
        agg: Aggregate = ask.metric.expression
        model = registry.MODELS[agg.model]
        req = Request(
            by=ask.by,
            where=ask.where,
            wijken=ask.scope.wijken,
            cube=ask.totals,
            protect=ask.protected,
            salt=self.params.salt,
            latest_year=self._latest_year(ask) if agg.stock and "jaar" not in ask.by and "jaar" not in ask.filters else None,
            known_by=ask.known_by,
        )
        compiled = compile_aggregate(model, agg, req, self.info.gemeente, self.info.peildatum)
        missing = [t for t in compiled.tables if t not in self.info.tables]
        if missing:
            raise Unavailable(f"'{ask.metric.label}' is zo niet uit te splitsen: {', '.join(missing)} is niet geladen.")
        return compiled, req

    def _latest_year(self, ask: _Ask) -> int | None:
        years = self._compute(replace(ask, by=("jaar",), totals=False)).filter(pl.col("waarde").is_not_null())["jaar"]
        return int(years.max()) if len(years) else None

    def _stats(self, ask: _Ask) -> pl.DataFrame:
        """The cells as the warehouse gives them; under disclosure control with the persons, cell
        key and largest contribution per cell (never shown: protect() turns them into values)."""

        def run_query() -> pl.DataFrame:
            if (found := self._cached_cells(ask)) is not None:
                return found
            if (wider := self._reading_too(ask)) is not None and (found := _cells(self._stats(wider), wider.by, ask)) is not None:
                return found
            compiled, _ = self._request(ask)
            frame = _typed(self.run_sql(compiled.sql, compiled.params), ask.by)
            return frame.with_columns(pl.col(f"_totaal_{d}").cast(pl.Boolean) for d in ask.by if ask.totals)

        return self.cache.get_or_compute(("stats", self.info.build_id, self.params, ask.key), run_query, family=self._family(ask))

    def _family(self, ask: _Ask) -> tuple:
        """The cached questions one question's cells can come from are about the same metric for the same scope."""
        return ("stats", self.info.build_id, self.params, ask.metric.name, ask.scope)

    def _cached_cells(self, ask: _Ask) -> pl.DataFrame | None:
        """The cells of a question taken from a cached question that splits by what this one
        filters on (None when none is cached). A page asks a metric for a year or a wijk after
        asking it by year or by wijk (a tile after the trend, the wijkprofiel after the table per
        wijk, the year before with the year): the cell of a year or a wijk is the same rows either
        way, and a query of its own reads the table again (3-50 ms at scale 30; a tenth of a
        second for a wijkmanager's declaraties)."""
        def wider(key) -> bool:  # a key of the family: the same metric and scope
            _, by, where, _, totals, known_by = key[3]
            return (totals, known_by) == (False, ask.known_by) and (by, where) != (ask.by, ask.where) and self._stands_in(ask, by, dict(where))

        found = self.cache.find(self._family(ask), wider) if ask.where else None
        return None if found is None else _cells(found[1], found[0][3][1], ask)

    def _reading_too(self, ask: _Ask) -> _Ask | None:
        """The question split by year over the years asked and those to read too (_Ask.read_too),
        or None when there are none or its cells cannot stand in for this question's."""
        years = ask.filters.get("jaar")
        if not ask.read_too or years is None:
            return None
        by = ask.by if "jaar" in ask.by else (*ask.by, "jaar")
        where = ask.filters | {"jaar": tuple(sorted(set(years) | set(ask.read_too)))}
        if not self._stands_in(ask, by, where):
            return None
        return replace(ask, by=by, where=tuple(sorted(where.items())), read_too=())

    def _stands_in(self, ask: _Ask, by: tuple[str, ...], where: dict[str, tuple]) -> bool:
        """Are the cells of `ask` among those of the same question split by `by` and filtered by
        `where`? That question may split by a dimension `ask` filters to one value (added), or
        split by one it filters and filter it more widely or not at all (widened); every other
        filter must be the same. Moving a dimension from the filter to the split leaves what the
        compiled query uses the same (metrics.sql: region level, total row, the year of a stock),
        so the rows of each cell are the same, for a plain aggregate without subtotals, except:
        a period span is counted by overlap when no month is split out (compile_aggregate), so
        its time is never added or widened; and a label carried by the fact row would add its
        join to the query (added dimensions only: the others are split in both)."""
        agg = ask.metric.expression
        if ask.totals or agg.kind not in ("sum", "count", "count_distinct", "mean"):
            return False
        filters = ask.filters
        added = {d for d in by if d not in ask.by}
        widened = {d for d in by if d in filters and where.get(d) != filters[d]}
        if not set(ask.by) <= set(by) or any(len(filters.get(d, ())) != 1 for d in added):
            return False
        if any(d not in filters or (d not in widened and where[d] != filters[d]) for d in where):
            return False
        if any(d not in where and d not in by for d in filters) or any(not set(filters[d]) <= set(where.get(d, filters[d])) for d in widened):
            return False
        model = registry.MODELS[agg.model]
        time = agg.time or model.time
        if time is not None and time.kind == "span" and (added | widened) & set(TIME_DIMENSIONS):
            return False
        return not added & {d.dimension for d in model.dimensions if d.label}

    def _aggregate(self, ask: _Ask) -> pl.DataFrame:
        frame = self._stats(ask)
        if not ask.protected:
            if not ask.by and ask.metric.expression.kind == "sum":  # nothing selected sums to 0, not to "unknown"
                frame = frame.with_columns(pl.col("waarde").fill_null(0.0))
            return frame.with_columns(geheim=pl.lit(False))
        frame = self._complete(ask, frame, {"personen": 0, "sleutel": 0, "grootste": 0.0, "n": 0})
        kind = {"count": "count", "count_distinct": "count", "sum": "amount", "mean": "mean"}[ask.metric.expression.kind]
        exempt = self._exempt(ask) if _euro(ask.metric) else False
        return protect(frame, kind, euro=_euro(ask.metric), exempt=exempt, params=self.params)

    def _exempt(self, ask: _Ask) -> pl.Expr:
        """Cells about the gemeente as a whole, split by period only: their euro amounts are exact."""
        if ask.scope.wijken is not None or any(d not in TIME_DIMENSIONS for d in ask.filters):
            return pl.lit(False)
        others = [d for d in ask.by if d not in TIME_DIMENSIONS]
        if not others:
            return pl.lit(True)
        if not ask.totals:
            return pl.lit(False)
        return pl.all_horizontal([pl.col(f"_totaal_{d}") for d in others])

    # ---- every category, so that zero and small look the same ----------------------------

    def _complete(self, ask: _Ask, frame: pl.DataFrame, defaults: dict) -> pl.DataFrame:
        """Add a row for every known member of each dimension in the split that has none (no
        records: zero), so that a missing row never tells a reader "0" where "geheim" means 1-7."""
        if not ask.by:
            return frame
        flags = ask.flags
        grid = None
        for d in ask.by:
            members = self._members(ask, d)
            codes = members.select(d)
            if ask.totals:
                codes = codes.with_columns(pl.lit(False).alias(f"_totaal_{d}"))
                total = pl.DataFrame({d: [None], f"_totaal_{d}": [True]}, schema=codes.schema)
                codes = pl.concat([codes, total])
            present = frame.select(d, *([f"_totaal_{d}"] if ask.totals else []))
            codes = pl.concat([codes, present.cast(codes.schema)]).unique(maintain_order=True)
            grid = codes if grid is None else grid.join(codes, how="cross")
        keys = list(ask.by) + flags
        out = grid.join(frame, on=keys, how="left", nulls_equal=True)
        fills = [pl.col(c).fill_null(v) for c, v in defaults.items() if c in out.columns]
        for d in ask.by:
            label = f"{d}_label"
            if label in frame.columns:
                names = self._members(ask, d)
                if label in names.columns:
                    out = out.join(names.rename({label: "_naam"}), on=d, how="left", nulls_equal=False)
                    fills.append(pl.coalesce(label, "_naam").alias(label))
        out = out.with_columns(fills)
        return out.drop([c for c in out.columns if c == "_naam"]) if "_naam" in out.columns else out

    def _members(self, ask: _Ask, d: str) -> pl.DataFrame:
        """The known members of dimension `d` for this question: the filter's values; else the
        declared members; else the reference table (wijken and buurten of the gemeente within the
        scope; Iv3 taakvelden valid in the years asked); else every value the metric ever had in
        the gemeente (aanbieders), with its label. Never anything narrower than the gemeente: a
        member list must not itself depend on the persons in the cell."""
        dim = DIMENSIONS[d]
        dtype = pl.Int64 if dim.type == "int" else pl.String
        if d in ask.filters:
            return pl.DataFrame({d: list(ask.filters[d])}, schema={d: dtype})
        if dim.members:
            return pl.DataFrame({d: [m.code for m in dim.members]}, schema={d: dtype})
        years = ask.filters.get("jaar")
        key = ("members", self.info.build_id, ask.metric.name, d, years)
        frame = self.cache.get_or_compute(key, lambda: self._find_members(ask, d, years)).cast({d: dtype})
        if ask.scope.wijken is not None and "_wijk" in frame.columns:
            frame = frame.filter(pl.col("_wijk").is_in(sorted(ask.scope.wijken)))
        return frame.drop([c for c in frame.columns if c == "_wijk"])

    def _find_members(self, ask: _Ask, d: str, years: tuple | None) -> pl.DataFrame:
        g = {"gemeente": self.info.gemeente}
        if d == "wijk" and "wijken" in self.info.tables:
            return self.run_sql("SELECT wijk_code AS wijk, wijk_code AS _wijk FROM wijken WHERE gemeente_code = $gemeente", g)
        if d == "buurt" and "buurten" in self.info.tables:
            return self.run_sql("SELECT buurt_code AS buurt, wijk_code AS _wijk FROM buurten WHERE gemeente_code = $gemeente", g)
        lt = DIMENSIONS[d].labels
        if d != "jaar" and lt is not None and lt.table in self.info.tables:
            sql = f"SELECT DISTINCT {lt.key} AS {d} FROM {lt.table}"
            if years and {"vanaf_jaar", "tot_jaar"} <= set(TABLES[lt.table]):
                # A reference row valid in none of the years asked is structurally empty there.
                sql += " WHERE list_has_any($jaren::INTEGER[], range(vanaf_jaar, coalesce(tot_jaar, 9999) + 1)::INTEGER[])"
                return self.run_sql(sql, {"jaren": [int(y) for y in years]})
            return self.run_sql(sql, {})
        return self._values(ask.metric, d)

    def _values(self, metric: Metric, d: str) -> pl.DataFrame:
        """Every value of `d` the metric (or the persons behind a derived metric) ever had,
        gemeente-wide, whoever asks: codes (never null), with `<d>_label` when the records carry
        labels. Stored by the build (metrics.waarden), else found the same way here."""
        e = metric.expression
        source = registry.get(e.group) if e.kind == "derived" else metric
        if waarden.TABLE in self.info.tables:
            table = self.cache.get_or_compute(("waarden", self.info.build_id), lambda: self.run_sql(f"SELECT * FROM {waarden.TABLE}", {}))
            if (found := waarden.stored(table, source, d)) is not None:
                return found
        compiled = waarden.values_sql(source, d, self.info.gemeente, self.info.peildatum)
        if compiled is not None and set(compiled.tables) <= self.info.tables:
            found = _typed(self.run_sql(compiled.sql, compiled.params), (d,))
        else:
            found = self._compute(_Ask(source, (d,), (), Scope(role="databrigade"), False))
        cols = [d] + ([f"{d}_label"] if f"{d}_label" in found.columns else [])
        return found.filter(pl.col(d).is_not_null()).select(cols)

    def _ratio(self, ask: _Ask) -> pl.DataFrame:
        e = ask.metric.expression
        if ask.scope.wijken is not None and len({"wijk" in registry.get(p).dimensions for p in (e.numerator, e.denominator)}) == 2:
            raise InvalidQuery(f"'{ask.metric.label}' bestaat alleen voor de gemeente als geheel, niet voor een selectie van wijken.")
        num_ask = self._sub(ask, metric=registry.get(e.numerator))
        num = self._compute(num_ask).rename({"waarde": "_teller", "geheim": "_teller_geheim"})
        den = self._compute(self._sub(ask, metric=registry.get(e.denominator))).rename({"waarde": "_noemer", "geheim": "_noemer_geheim"})
        keys = list(ask.by) + ask.flags
        num = num.drop([c for c in num.columns if c in den.columns and c not in keys])
        frame = den.join(num, on=keys, how="left", nulls_equal=True) if keys else den.join(num, how="cross")
        # No numerator row means zero; under protection a zero count is itself "geheim".
        absent = pl.col("_teller_geheim").is_null()
        geheim = pl.when(absent).then(pl.lit(num_ask.protected)).otherwise(pl.col("_teller_geheim")) | pl.col("_noemer_geheim")
        value = pl.col("_teller").fill_null(0) / pl.col("_noemer") * e.factor
        return frame.with_columns(
            waarde=pl.when(geheim | (pl.col("_noemer") == 0) | pl.col("_noemer").is_null()).then(None).otherwise(value),
            geheim=geheim,
        ).drop("_teller", "_teller_geheim", "_noemer", "_noemer_geheim")

    def _per_capita(self, ask: _Ask) -> pl.DataFrame:
        e = ask.metric.expression
        frame = self._compute(self._sub(ask, metric=registry.get(e.metric)))
        frame = self._with_population(ask, frame, e.population, e.per)
        return frame.with_columns(waarde=pl.when(pl.col("geheim")).then(None).otherwise(pl.col("_per"))).drop("_per")

    def _with_population(self, ask: _Ask, frame: pl.DataFrame, population: str, per: int) -> pl.DataFrame:
        """Add `_per` (value per `per` inhabitants) and `bevolking_jaar` (1 January of that year, or the nearest earlier)."""
        if "gemeente" in ask.by:
            raise InvalidQuery("Per 1.000 inwoners kan niet per gemeente: de bevolking is alleen per buurt van deze gemeente geladen.")
        counted = registry.get(ask.metric.expression.metric) if ask.metric.expression.kind == "per_capita" else ask.metric
        flow = counted.time_grain != "geen" and not getattr(counted.expression, "stock", False)
        if flow and "jaar" not in ask.by and "jaar" not in ask.filters:
            raise InvalidQuery(f"Kies een jaar: '{counted.label}' per 1.000 inwoners telt de gebeurtenissen in een jaar.")
        area = tuple(d for d in ask.by if d in AREA)
        pop_ask = self._sub(
            ask,
            metric=registry.get(population),
            by=area + ("jaar",),
            where=tuple((d, v) for d, v in ask.where if d in AREA),
        )
        pop = self._compute(pop_ask)
        if ask.totals:
            pop = pop.filter(~pl.col("_totaal_jaar")).drop("_totaal_jaar")
        years = sorted(pop["jaar"].drop_nulls().unique().to_list())
        chosen_years = ask.filters.get("jaar")

        def pick(year):
            target = year if year is not None else (max(chosen_years) if chosen_years else None)
            earlier = [y for y in years if target is None or y <= target]
            return max(earlier) if earlier else None

        if "jaar" in ask.by:
            mapping = {y: pick(y) for y in frame["jaar"].unique().to_list()}
            frame = frame.with_columns(bevolking_jaar=pl.col("jaar").replace_strict(mapping, return_dtype=pl.Int64))
        else:
            frame = frame.with_columns(bevolking_jaar=pl.lit(pick(None), dtype=pl.Int64))
        keys = list(area) + [f"_totaal_{d}" for d in area if ask.totals]
        pop = pop.select(*keys, pl.col("jaar").cast(pl.Int64).alias("bevolking_jaar"), pl.col("waarde").alias("_bevolking"))
        frame = frame.join(pop, on=keys + ["bevolking_jaar"], how="left", nulls_equal=True)
        per_value = pl.col("waarde") / pl.col("_bevolking") * per
        return frame.with_columns(_per=pl.when(pl.col("_bevolking") > 0).then(per_value).otherwise(None)).drop("_bevolking")

    def _derived(self, ask: _Ask) -> pl.DataFrame:
        e = ask.metric.expression
        if ask.totals:
            raise InvalidQuery(f"Voor '{ask.metric.label}' zijn geen subtotalen beschikbaar.")
        fn = resolve(e.function)
        ctx = DerivedContext(
            metric=ask.metric,
            by=ask.by,
            where=ask.filters,
            wijken=ask.scope.wijken,
            gemeente=self.info.gemeente,
            peildatum=self.info.peildatum,
            engine=self,
            scope=ask.scope,
        )
        frame = fn(ctx)
        missing = [c for c in (*ask.by, "waarde") if c not in frame.columns]
        if missing:
            raise TypeError(f"{e.function} gaf geen kolom(men) {missing}")
        frame = _typed(frame, ask.by)
        if not ask.protected:
            return frame.with_columns(geheim=pl.lit(False))
        numeric = [c for c, t in frame.schema.items() if t.is_numeric() and c not in ask.by]
        keys = list(ask.by)
        if e.noise is not None:
            # An estimate made from the records of a cell (a forecast) gets that cell's noise,
            # under the metric's own tag; its range moves with it.
            stats = self._stats(self._sub(ask, metric=registry.get(e.noise))).select(*keys, "sleutel", "grootste")
            frame = frame.join(stats, on=keys, how="left", nulls_equal=True) if keys else frame.join(stats, how="cross")
            euro = _euro(ask.metric)
            frame = perturb(frame, numeric, tag=ask.metric.name, euro=euro, exempt=self._exempt(ask) if euro else False, params=self.params)
            frame = frame.drop("sleutel", "grootste")
        group = self._compute(self._sub(ask, metric=registry.get(e.group))).select(*keys, pl.col("geheim").alias("_groep_geheim"))
        frame = frame.join(group, on=keys, how="left", nulls_equal=True) if keys else frame.join(group, how="cross")
        geheim = pl.col("_groep_geheim").fill_null(True)  # no persons behind it: nothing to show
        if "geheim" in frame.columns:  # the function protected its own figures and hid some itself
            geheim = geheim | pl.col("geheim").fill_null(True)
        frame = frame.with_columns(
            *(pl.when(geheim).then(None).otherwise(pl.col(c)).alias(c) for c in numeric),
            geheim=geheim,
        ).drop("_groep_geheim")
        return self._complete(ask, frame, {"geheim": True})

    # ---- comparisons -------------------------------------------------------------------

    def _compare_vorig_jaar(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        return self._previous_year(ask, frame, ask, ("vorig_jaar", "vorig_jaar_geheim", "verschil", "verschil_pct"))

    def _compare_zelfde_moment(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        """Last year as it was known on the same day a year before the peildatum: late
        declarations then weigh on both years alike (columns zelfde_moment, ..._verschil, ..._verschil_pct)."""
        if not any(registry.MODELS[m].known_at for m in registry.models_of(ask.metric)):
            raise InvalidQuery(f"Voor '{ask.metric.label}' is niet bekend wanneer een gegeven binnenkwam: vergelijk met vorig jaar.")
        earlier = replace(ask, known_by=same_day_last_year(self.info.peildatum))
        return self._previous_year(
            ask, frame, earlier, ("zelfde_moment", "zelfde_moment_geheim", "zelfde_moment_verschil", "zelfde_moment_verschil_pct")
        )

    def _previous_year(self, ask: _Ask, frame: pl.DataFrame, base: _Ask, names: tuple[str, str, str, str]) -> pl.DataFrame:
        value, hidden, diff_name, pct_name = names
        filters = base.filters
        if "jaar" not in ask.by and "jaar" not in filters:
            raise InvalidQuery("Voor de vergelijking met vorig jaar is een jaar nodig (als filter of als splitsing).")
        if "jaar" in filters:
            filters["jaar"] = tuple(y - 1 for y in filters["jaar"])
        prev = self._compute(replace(base, where=tuple(sorted(filters.items()))))
        if "jaar" in ask.by:
            prev = prev.with_columns(pl.col("jaar") + 1)
        keys = list(ask.by) + ask.flags
        prev = prev.select(*keys, pl.col("waarde").alias(value), pl.col("geheim").alias(hidden))
        frame = frame.join(prev, on=keys, how="left", nulls_equal=True) if keys else frame.join(prev, how="cross")
        diff = pl.col("waarde") - pl.col(value)
        return frame.with_columns(
            diff.alias(diff_name),
            pl.when(pl.col(value) != 0).then(diff / pl.col(value).abs()).otherwise(None).alias(pct_name),
        )

    def _compare_aandeel(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        if ask.metric.expression.kind not in _ADDITIVE:
            raise InvalidQuery(f"Een aandeel van het totaal kan alleen bij aantallen en bedragen, niet bij '{ask.metric.label}'.")
        period = tuple(d for d in ask.by if d in TIME_DIMENSIONS)
        total = self._compute(replace(ask, by=period, totals=False))
        total = total.select(*period, pl.col("waarde").alias("_totaal"), pl.col("geheim").alias("_totaal_geheim"))
        frame = frame.join(total, on=list(period), how="left", nulls_equal=True) if period else frame.join(total, how="cross")
        hidden = pl.col("geheim") | pl.col("_totaal_geheim").fill_null(True)
        share = pl.col("waarde") / pl.col("_totaal")
        return frame.with_columns(aandeel=pl.when(hidden | (pl.col("_totaal") == 0)).then(None).otherwise(share)).drop(
            "_totaal", "_totaal_geheim"
        )

    def _compare_per_1000(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        if ask.metric.expression.kind not in _ADDITIVE:
            raise InvalidQuery(f"Per 1.000 inwoners kan alleen bij aantallen en bedragen, niet bij '{ask.metric.label}'.")
        frame = self._with_population(ask, frame, ask.metric.population or "inwoners", 1000)
        return frame.rename({"_per": "per_1000"})

    def _compare_index(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        if not set(ask.by) & set(AREA):
            raise InvalidQuery("Een index ten opzichte van de gemeente vraagt om een splitsing naar wijk of buurt.")
        base = "per_1000" if "per_1000" in frame.columns else "waarde"
        if base == "waarde" and ask.metric.expression.kind in _ADDITIVE:
            raise InvalidQuery("Een index van een aantal zegt niets: vraag de index samen met per_1000.")
        ref_ask = replace(
            ask,
            by=tuple(d for d in ask.by if d not in AREA),
            where=tuple((d, v) for d, v in ask.where if d not in AREA),
            scope=Scope(role=ask.scope.role),  # the gemeente as a whole is the reference
            totals=False,
        )
        ref = self._compute(ref_ask)
        if base == "per_1000":
            ref = self._with_population(ref_ask, ref, ask.metric.population or "inwoners", 1000).with_columns(waarde=pl.col("_per"))
        ref = ref.select(*ref_ask.by, pl.when(pl.col("geheim")).then(None).otherwise(pl.col("waarde")).alias("_ref"))
        keys = list(ref_ask.by)
        frame = frame.join(ref, on=keys, how="left", nulls_equal=True) if keys else frame.join(ref, how="cross")
        index = 100 * pl.col(base) / pl.col("_ref")
        return frame.with_columns(index=pl.when(pl.col("_ref") != 0).then(index).otherwise(None)).drop("_ref")

    # ---- presenting --------------------------------------------------------------------

    def _present(self, ask: _Ask, frame: pl.DataFrame) -> pl.DataFrame:
        flags = ask.flags
        labelled = []
        for d in ask.by:
            flag = pl.col(f"_totaal_{d}") if ask.totals else pl.lit(False)
            if f"{d}_label" in frame.columns:
                label = pl.coalesce(pl.col(f"{d}_label"), pl.col(d).cast(pl.String))
            elif mapping := self.labels(d):
                label = pl.col(d).replace_strict(mapping, default=pl.col(d).cast(pl.String), return_dtype=pl.String)
            else:
                label = pl.col(d).cast(pl.String)
            label = pl.when(flag).then(pl.lit("Totaal")).when(pl.col(d).is_null()).then(pl.lit("Onbekend")).otherwise(label)
            labelled.append(label.alias(f"{d}_label"))
        frame = frame.with_columns(labelled)
        if ask.totals:
            frame = frame.with_columns(totaal=pl.any_horizontal(flags) if flags else pl.lit(True))
        frame = _sort(frame, ask)
        front = [c for d in ask.by for c in (d, f"{d}_label")] + ["waarde", "geheim"]
        rest = [c for c in frame.columns if c not in front and c not in flags and c != "totaal"]
        return frame.select(*front, *rest, *(["totaal"] if ask.totals else []))

    def _explain(self, ask: _Ask, out: list) -> None:
        e = ask.metric.expression
        if isinstance(e, Aggregate):
            compiled, _ = self._request(ask)
            out.append((ask.metric.name, compiled.sql, compiled.params))
            return
        if e.kind == "derived":
            out.append((ask.metric.name, f"-- berekend door {e.function}", {}))
        for part in registry.components(ask.metric):
            sub = replace(ask, metric=registry.get(part))
            if part == getattr(e, "population", None):
                sub = replace(sub, by=tuple(d for d in ask.by if d in AREA) + ("jaar",), where=tuple((d, v) for d, v in ask.where if d in AREA))
            self._explain(sub, out)


def _euro(metric: Metric) -> bool:
    return metric.format in ("euro", "euro_exact")


def _typed(frame: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    """One dtype per dimension whatever table it came from, so results join across models."""
    ints = [d for d in by if DIMENSIONS[d].type == "int"]
    return frame.with_columns(pl.col("waarde").cast(pl.Float64), *(pl.col(d).cast(pl.Int64) for d in ints))


def _cells(frame: pl.DataFrame, by: tuple[str, ...], ask: _Ask) -> pl.DataFrame | None:
    """The cells of `ask` among those of the same question split by `by` (Engine._stands_in):
    the rows of its filter values, without the dimensions it does not split by. None for a
    question without a split whose cell has no row there: its own query says what nothing gives."""
    filters = ask.filters
    kept = [pl.col(d).is_in(list(filters[d])) for d in by if d in filters]
    rows = frame.filter(*kept) if kept else frame
    if not ask.by and rows.height != 1:
        return None
    split = set(by) | {f"{d}_label" for d in by}
    return rows.select(*ask.by, *(c for c in (f"{d}_label" for d in ask.by) if c in rows.columns), *(c for c in rows.columns if c not in split))


def _values(dim: Dimension, raw) -> tuple:
    """Filter values for one dimension, checked against its declaration; never trusted as text."""
    if isinstance(raw, (str, int)):
        raw = (raw,)
    elif isinstance(raw, (list, tuple, set, frozenset, range)):
        raw = tuple(raw)
    else:
        raise InvalidQuery(f"Ongeldige filterwaarde voor {dim.label}.")
    if not raw:
        raise InvalidQuery(f"Geen waarde gekozen voor {dim.label}.")
    members = {m.code for m in dim.members}
    out = set()
    for v in raw:
        if isinstance(v, bool):
            raise InvalidQuery(f"Ongeldige waarde voor {dim.label}.")
        if dim.type == "int" and isinstance(v, str) and re.fullmatch(r"[0-9]{1,9}", v):
            v = int(v)
        if (dim.type == "int") != isinstance(v, int) or (dim.type == "str" and not isinstance(v, str)):
            raise InvalidQuery(f"Ongeldige waarde voor {dim.label}.")
        if members and v not in members:
            raise InvalidQuery(f"Onbekende waarde voor {dim.label}.")
        if not members and dim.pattern and not re.fullmatch(dim.pattern, str(v)):
            raise InvalidQuery(f"Ongeldige waarde voor {dim.label}.")
        out.add(v)
    return tuple(sorted(out))


def _sort_key(dim: Dimension):
    members = [m.code for m in dim.members]

    def natural(code: str):
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]", code))

    def key(code, label, total):
        if total:
            return (2,)
        if code is None:
            return (1,)
        if dim.order == "declared":
            return (0, members.index(code) if code in members else len(members), str(code))
        if dim.order == "natural":
            return (0, natural(str(code)))
        if dim.order == "label":
            return (0, (label or "").casefold(), str(code))
        return (0, code)

    return key


def _sort(frame: pl.DataFrame, ask: _Ask) -> pl.DataFrame:
    if not ask.by or frame.height == 0:
        return frame
    keys = [_sort_key(DIMENSIONS[d]) for d in ask.by]
    cols = [frame[d].to_list() for d in ask.by]
    labels = [frame[f"{d}_label"].to_list() for d in ask.by]
    totals = [frame[f"_totaal_{d}"].to_list() if ask.totals else [False] * frame.height for d in ask.by]
    order = sorted(range(frame.height), key=lambda i: tuple(k(c[i], lb[i], t[i]) for k, c, lb, t in zip(keys, cols, labels, totals)))
    return frame.select(pl.all().gather(order))
