"""The vocabulary in which every number of the app is declared (pydantic, frozen, no extra keys).

Modelled on dbt's semantic layer: a *semantic model* says how one warehouse table is read (its
joins, its time column, which column answers which dimension, whose person it counts); a
*metric* says what is computed from it (sum, count, count distinct, mean, median), or combines
other metrics (ratio, per 1.000 inwoners) or names a Python function (derived). Pages never see
SQL: the engine compiles these declarations, and only identifiers that are declared here and
checked against the warehouse schema (metrics.tables) can reach a query.

Column expressions are tiny on purpose: `alias.column`, or `dagen(a.x, a.y)` /
`werkdagen(a.x, a.y)` over two such references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from metrics.manifest import ROLE_NAMES
from metrics.tables import TABLES

Role = Literal[ROLE_NAMES]  # the roles of manifest.toml
Format = Literal["aantal", "decimaal", "euro", "euro_exact", "procent", "percentage", "dagen", "werkdagen", "index"]
Disclosure = Literal["persons", "amount", "none"]
Domain = Literal["algemeen", "jeugd", "wonen", "veiligheid"]
TimeGrain = Literal["maand", "jaar", "geen"]

TIME_DIMENSIONS = ("jaar", "kwartaal", "maand")
REGION_DIMENSIONS = ("gemeente", "wijk", "buurt")

_NAME = r"^[a-z][a-z0-9_]*$"
Name = Annotated[str, Field(pattern=_NAME)]
_REF = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")
_CALL = re.compile(r"^([a-z_]+)\((.*)\)$")
# Functions a column expression may use, with their number of arguments (all column references).
FUNCTIONS = {"dagen": 2, "werkdagen": 2}


class _Decl(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class Expr:
    """A parsed column expression: a function (or None for a plain column) over alias.column refs."""

    func: str | None
    refs: tuple[tuple[str, str], ...]  # (alias, column)

    @property
    def aliases(self) -> set[str]:
        return {a for a, _ in self.refs}


def parse_expr(text: str) -> Expr:
    text = text.strip()
    if m := _REF.match(text):
        return Expr(None, ((m[1], m[2]),))
    if (m := _CALL.match(text)) and m[1] in FUNCTIONS:
        args = [a.strip() for a in m[2].split(",")]
        refs = [_REF.match(a) for a in args]
        if len(args) == FUNCTIONS[m[1]] and all(refs):
            return Expr(m[1], tuple((r[1], r[2]) for r in refs))
    raise ValueError(f"geen geldige kolomexpressie: {text!r} (verwacht alias.kolom of {', '.join(FUNCTIONS)}(a.x, b.y))")


def _check_expr(text: str) -> str:
    parse_expr(text)
    return text


ColumnExpr = Annotated[str, AfterValidator(_check_expr)]


class Member(_Decl):
    """One declared value of a closed dimension: its code as stored, and the Dutch label."""

    code: str | int
    label: str


class LabelTable(_Decl):
    """Where the Dutch label of a dimension code is looked up."""

    table: str
    key: str
    label: str

    @model_validator(mode="after")
    def _columns_exist(self):
        for col in (self.key, self.label):
            if self.table not in TABLES or col not in TABLES[self.table]:
                raise ValueError(f"labeltabel {self.table}.{col} staat niet in WAREHOUSE.md")
        return self


class RollUp(_Decl):
    """Where a dimension's code is mapped to its parent's code (buurt -> wijk): lets a filter on
    the parent apply to a metric that only knows the child (a wijk filter on buurt figures)."""

    table: str
    key: str
    parent: str

    @model_validator(mode="after")
    def _columns_exist(self):
        for col in (self.key, self.parent):
            if self.table not in TABLES or col not in TABLES[self.table]:
                raise ValueError(f"roll-up-tabel {self.table}.{col} staat niet in WAREHOUSE.md")
        return self


class Dimension(_Decl):
    name: Name
    label: str  # Dutch column header
    description: str
    kind: Literal["regio", "tijd", "categorie"]
    type: Literal["str", "int"] = "str"
    # code: by code; natural: dotted codes by their numbers (2.6.9 before 2.6.10);
    # label: alphabetical by label; declared: the order of `members`.
    order: Literal["code", "natural", "label", "declared"] = "code"
    members: tuple[Member, ...] = ()  # a closed set: filter values must be one of these
    labels: LabelTable | None = None
    pattern: str | None = None  # regex a filter value must match in full (open sets)
    parent: str | None = None  # the coarser dimension this one rolls up into (buurt -> wijk)
    rollup: RollUp | None = None  # where the parent of each code is found

    @model_validator(mode="after")
    def _consistent(self):
        if (self.parent is None) != (self.rollup is None):
            raise ValueError(f"dimensie {self.name}: parent en rollup horen samen")
        if self.order == "declared" and not self.members:
            raise ValueError(f"dimensie {self.name}: volgorde 'declared' vraagt om members")
        want = int if self.type == "int" else str
        for m in self.members:
            if not isinstance(m.code, want):
                raise ValueError(f"dimensie {self.name}: code {m.code!r} is geen {self.type}")
        return self


class Filter(_Decl):
    """A fixed condition of a measure; its value is always bound as a query parameter.

    `other` compares with a declared column instead of a value (a setting of the gemeente read
    from a one-row settings table, e.g. the afhandeltermijn of meldingen)."""

    column: ColumnExpr
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null"]
    value: str | int | float | bool | tuple[str | int | float, ...] | None = None
    other: ColumnExpr | None = None

    @model_validator(mode="after")
    def _value_fits_op(self):
        if self.other is not None:
            if self.value is not None or self.op not in ("=", "!=", "<", "<=", ">", ">="):
                raise ValueError(f"filter {self.column} {self.op} {self.other}: een kolomvergelijking heeft geen waarde en een vergelijkingsoperator")
            return self
        if self.op in ("is null", "is not null"):
            ok = self.value is None
        elif self.op in ("in", "not in"):
            ok = isinstance(self.value, tuple) and len(self.value) > 0
        else:
            ok = self.value is not None and not isinstance(self.value, tuple)
        if not ok:
            raise ValueError(f"filter {self.column} {self.op}: waarde {self.value!r} past niet bij de operator")
        return self


class Join(_Decl):
    """A declared join path (always a LEFT JOIN: a fact never disappears because a lookup misses).

    Without `on`, the joined table is a one-row settings table (instellingen_*) that applies to
    every row."""

    table: str
    alias: Name
    on: tuple[tuple[ColumnExpr, ColumnExpr], ...]  # (column of this join, column it equals)
    # The joined row applies to the fact's year when from <= jaar <= to (to NULL = still valid).
    during: tuple[ColumnExpr, ColumnExpr] | None = None


class OnDate(_Decl):
    """Time from a date column: jaar, kwartaal and maand of that date."""

    kind: Literal["date"] = "date"
    column: ColumnExpr


class InYear(_Decl):
    """Time from a year column only (e.g. counts on 1 January of `jaar`)."""

    kind: Literal["year"] = "year"
    column: ColumnExpr


class CbsPeriod(_Decl):
    """CBS/politie periods: yearly rows (month NULL) and monthly rows in one table.

    A question about months or quarters reads the monthly rows; any other reads the yearly rows
    of years that have them and the months of years that do not (yet), so a year is never
    counted twice. The columns must belong to the model's own table.
    """

    kind: Literal["cbs_period"] = "cbs_period"
    year: ColumnExpr
    month: ColumnExpr
    quarter: ColumnExpr


class Span(_Decl):
    """A row that lasts from start to end (NULL = ongoing): it counts in every month it covers."""

    kind: Literal["span"] = "span"
    start: ColumnExpr
    end: ColumnExpr


Time = Annotated[Union[OnDate, InYear, CbsPeriod, Span], Field(discriminator="kind")]


class RegionLevels(_Decl):
    """CBS tables with one row per region at each level (gemeente, wijk, buurt).

    The engine reads the rows of the finest level asked for, so a gemeente total is the
    published gemeente figure (including what could not be placed in a buurt).

    `buurten_when_missing` (counts only): for a period in which the loaded files have no row of
    the level asked for (a CBS extract with buurten only), the engine sums that period's buurten
    instead, so wijken and the gemeente are never empty when their buurten are there.
    """

    code: ColumnExpr
    level: ColumnExpr
    wijk_of_buurt: ColumnExpr  # through a declared join to `buurten`
    buurten_when_missing: bool = False


class TotalMember(_Decl):
    """A category column whose table also stores the total (CBS `0.0.0`).

    Without a split or filter on `dimensions`, the engine reads the total row; with one, it
    reads the detail rows and leaves the total out, so nothing is counted twice.
    """

    column: ColumnExpr
    code: str
    dimensions: tuple[str, ...]


class DimensionColumn(_Decl):
    dimension: str
    column: ColumnExpr
    label: ColumnExpr | None = None  # a label carried by the fact row itself (aanbieder_naam)


class SemanticModel(_Decl):
    name: Name
    description: str
    table: str
    alias: Name
    joins: tuple[Join, ...] = ()
    time: Time | None = None
    dimensions: tuple[DimensionColumn, ...] = ()
    regions: RegionLevels | None = None
    person: ColumnExpr | None = None  # whose person a row is about (disclosure control)
    # The row's own identifier (declaratie_id, toewijzing_id): with the person it gives each row
    # the fixed random record key that disclosure control builds its cell keys from.
    record: ColumnExpr | None = None
    gemeente: ColumnExpr | None = None  # tables with every gemeente: read the build gemeente's rows
    total_member: TotalMember | None = None
    # Internal municipal data (youth care, meldingen, projects): a user with wijken sees it for
    # those wijken only. Public data (CBS, politie open data) is shown for every wijk.
    internal: bool = False
    # The date a row became known (declaraties.ingediend_op): makes "the same moment last year"
    # comparisons possible, which count only what was known by the same date a year earlier.
    known_at: ColumnExpr | None = None

    @model_validator(mode="after")
    def _references_exist(self):
        if self.table not in TABLES:
            raise ValueError(f"model {self.name}: tabel {self.table!r} staat niet in WAREHOUSE.md")
        tables = {self.alias: self.table}
        for j in self.joins:
            if j.table not in TABLES:
                raise ValueError(f"model {self.name}: join-tabel {j.table!r} staat niet in WAREHOUSE.md")
            if j.alias in tables:
                raise ValueError(f"model {self.name}: alias {j.alias!r} komt twee keer voor")
            tables[j.alias] = j.table
        for text in self.expressions():
            for alias, column in parse_expr(text).refs:
                if alias not in tables:
                    raise ValueError(f"model {self.name}: onbekende alias {alias!r} in {text!r}")
                if column not in TABLES[tables[alias]]:
                    raise ValueError(f"model {self.name}: kolom {tables[alias]}.{column} staat niet in WAREHOUSE.md")
        if self.time is None and any(j.during for j in self.joins):
            raise ValueError(f"model {self.name}: een join met geldigheidsjaren vraagt om een tijdkolom")
        if self.time is not None and self.time.kind == "cbs_period":
            if any(a != self.alias for x in time_expressions(self.time) for a in parse_expr(x).aliases):
                raise ValueError(f"model {self.name}: CBS-perioden moeten kolommen van {self.table} zelf zijn")
        names = [d.dimension for d in self.dimensions]
        if len(names) != len(set(names)):
            raise ValueError(f"model {self.name}: een dimensie staat er twee keer in")
        return self

    def expressions(self) -> list[str]:
        out: list[str] = []
        for j in self.joins:
            out += [x for pair in j.on for x in pair]
            out += list(j.during or ())
        if self.time is not None:
            out += time_expressions(self.time)
        for d in self.dimensions:
            out += [d.column] + ([d.label] if d.label else [])
        if self.regions:
            out += [self.regions.code, self.regions.level, self.regions.wijk_of_buurt]
        out += [x for x in (self.person, self.record, self.gemeente, self.known_at) if x]
        if self.total_member:
            out.append(self.total_member.column)
        return out

    def tables_by_alias(self) -> dict[str, str]:
        return {self.alias: self.table, **{j.alias: j.table for j in self.joins}}

    def joins_for(self, aliases: set[str]) -> tuple[Join, ...]:
        """The joins that reach `aliases`, plus the joins those go through, in declared order."""
        by_alias = {j.alias: j for j in self.joins}
        needed: set[str] = set()
        todo = [a for a in aliases if a != self.alias]
        while todo:
            a = todo.pop()
            if a in needed:
                continue
            needed.add(a)
            for pair in by_alias[a].on:
                todo += [b for x in pair for b in parse_expr(x).aliases if b not in (a, self.alias)]
        return tuple(j for j in self.joins if j.alias in needed)


def time_expressions(time) -> list[str]:
    return {
        "date": lambda t: [t.column],
        "year": lambda t: [t.column],
        "cbs_period": lambda t: [t.year, t.month, t.quarter],
        "span": lambda t: [t.start, t.end],
    }[time.kind](time)


def time_dimensions(time) -> tuple[str, ...]:
    if time is None:
        return ()
    return ("jaar",) if time.kind == "year" else TIME_DIMENSIONS


class Aggregate(_Decl):
    """An aggregate over one semantic model."""

    kind: Literal["sum", "count", "count_distinct", "mean", "median"]
    model: str
    column: ColumnExpr | None = None  # None: count rows
    filters: tuple[Filter, ...] = ()
    time: Time | None = None  # overrides the model's time (e.g. count by einddatum)
    # A level on a date (inwoners on 1 January): never summed over years; without a year in
    # the question the latest year is read.
    stock: bool = False

    @model_validator(mode="after")
    def _column_needed(self):
        if self.column is None and self.kind != "count":
            raise ValueError(f"aggregaat {self.kind} over {self.model} heeft een kolom nodig")
        return self

    @property
    def additive(self) -> bool:
        return self.kind in ("sum", "count")


class Ratio(_Decl):
    """numerator / denominator x factor, from the two metrics as shown (after rounding)."""

    kind: Literal["ratio"] = "ratio"
    numerator: str
    denominator: str
    factor: float = 1.0


class PerCapita(_Decl):
    """A metric per N inwoners, with the population on 1 January of the same year."""

    kind: Literal["per_capita"] = "per_capita"
    metric: str
    population: str  # a metric over bevolking, e.g. inwoners or inwoners_0_17
    per: int = 1000


class Derived(_Decl):
    """Computed by a Python function `module:function` (see metrics.derived for its contract)."""

    kind: Literal["derived"] = "derived"
    function: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_.]*:[a-z_][a-z0-9_]*$")]
    inputs: tuple[str, ...] = ()  # metrics the function reads (lineage, availability)
    sources: tuple[str, ...] = ()  # warehouse tables it reads directly
    group: str | None = None  # persons metric whose hidden cells hide this value too
    # A metric (same split and filters) whose cell keys and scales the noise that disclosure
    # control adds to `waarde` and the function's other amounts (a range); None when the function
    # computes its figures from protected inputs itself (DerivedContext.query).
    noise: str | None = None


Expression = Annotated[Union[Aggregate, Ratio, PerCapita, Derived], Field(discriminator="kind")]


class Norm(_Decl):
    """What counts as good for a metric; the Kompas signals (metrics.signals) report what breaks it.

    The norm is a fixed `value`, or the value of another metric (`setting`, e.g. a norm from the
    gemeente's settings in the warehouse). `on="index"` holds each wijk against the gemeente
    (= 100) instead of the value itself: "far above the gemeente"."""

    value: float | None = None
    setting: str | None = None  # a metric whose value is the norm (same unit as this metric)
    label: str  # Dutch, e.g. "wettelijke termijn: 5 werkdagen"
    direction: Literal["max", "min"]  # max: at or below the norm is good
    on: Literal["waarde", "index"] = "waarde"

    @model_validator(mode="after")
    def _one_source(self):
        if (self.value is None) == (self.setting is None):
            raise ValueError(f"norm {self.label!r}: geef een waarde of een setting (een metric), niet allebei en niet geen van beide")
        if self.on == "index" and self.setting is not None:
            raise ValueError(f"norm {self.label!r}: een norm op de index is een vast getal (gemeente = 100)")
        return self

    def broken(self, value: float | None, norm: float | None = None) -> bool:
        """Is `value` on the wrong side of the norm (`norm`: the setting's value, when it has one)?"""
        limit = self.value if norm is None else norm
        if value is None or limit is None:
            return False
        return value > limit if self.direction == "max" else value < limit


class Metric(_Decl):
    name: Name
    label: str  # Dutch
    description: str  # Dutch, how it is computed, for a controller
    unit: str  # Dutch, e.g. "euro", "jeugdigen", "werkdagen"
    format: Format
    owner: str
    domain: Domain
    time_grain: TimeGrain
    dimensions: tuple[str, ...]
    expression: Expression
    higher_is_better: bool | None  # None: neither (inwoners)
    norm: Norm | None = None
    disclosure: Disclosure
    roles: tuple[Role, ...]
    # The population for "per 1.000" comparisons (a public metric over bevolking); None: inwoners.
    population: str | None = None
    # Why some roles do not see it, as the start of a Dutch sentence ("De begroting geldt voor de
    # gemeente als geheel"): pages add "en is niet zichtbaar voor de rol X".
    access_note: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        dims = set(self.dimensions)
        if len(dims) != len(self.dimensions):
            raise ValueError(f"metric {self.name}: een dimensie staat er twee keer in")
        if self.time_grain == "geen" and dims & set(TIME_DIMENSIONS):
            raise ValueError(f"metric {self.name}: tijdsgranulariteit 'geen' maar wel tijdsdimensies")
        if self.time_grain == "jaar" and dims & {"kwartaal", "maand"}:
            raise ValueError(f"metric {self.name}: per jaar, maar met maand of kwartaal als dimensie")
        if self.time_grain != "geen" and "jaar" not in dims:
            raise ValueError(f"metric {self.name}: tijdsgranulariteit {self.time_grain} zonder dimensie jaar")
        if "databrigade" not in self.roles:
            raise ValueError(f"metric {self.name}: de rol databrigade moet elke metric kunnen zien")
        kind = self.expression.kind
        if kind == "derived" and self.disclosure == "persons":
            raise ValueError(f"metric {self.name}: een afgeleide metric kan geen personen tellen; gebruik amount met group")
        if kind == "derived" and self.disclosure == "amount" and self.expression.group is None:
            raise ValueError(f"metric {self.name}: afscherming 'amount' vraagt om group")
        if kind in ("ratio", "per_capita") and self.disclosure == "persons":
            raise ValueError(f"metric {self.name}: een verhouding is geen telling van personen; gebruik amount")
        return self


class Analysis(_Decl):
    """A domain analysis that is not one metric (the forecast per month, its backtest): a Python
    function `module:function(engine, scope, *args)` that pages reach only through
    `ScopedEngine.analysis`, for the roles listed; the function protects what it returns."""

    name: Annotated[str, Field(pattern=r"^[a-z]+\.[a-z][a-z0-9_]*$")]  # domain.name
    label: str  # Dutch
    description: str  # Dutch
    function: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_.]*:[a-z_][a-z0-9_]*$")]
    roles: tuple[Role, ...]
    # A Kompas signal: the title shown when the function, called without arguments, returns rows
    # (one Dutch sentence each in column `tekst`). None: not a signal.
    signal: str | None = None
