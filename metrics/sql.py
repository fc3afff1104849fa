"""Compile one aggregate over a semantic model to readable, parameterised DuckDB SQL.

Only declared identifiers are written into the SQL text (every one was checked against the
warehouse schema when the declarations loaded); every value, whether from a declaration, a
filter or the user's scope, is a named parameter. The SQL is kept readable because the data page
shows it as lineage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics.declarations import Aggregate, Filter, SemanticModel, parse_expr

Value = str | int | float | bool


@dataclass(frozen=True)
class Request:
    """A validated question for one aggregate: split, filters, scope, and what disclosure needs."""

    by: tuple[str, ...]
    where: tuple[tuple[str, tuple[Value, ...]], ...] = ()
    wijken: frozenset[str] | None = None  # scope: only these wijken (None = all)
    cube: bool = False  # all subtotals too (GROUP BY CUBE), for complementary suppression
    persons: bool = False  # also count the distinct persons per cell (amounts hide with them)
    latest_year: int | None = None  # stock without a year in the question: this year
    known_by: dt.date | None = None  # only rows known by this date (model.known_at)

    @property
    def used(self) -> set[str]:
        return set(self.by) | {d for d, _ in self.where}


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: dict[str, object]
    tables: tuple[str, ...]  # every warehouse table the query reads


@dataclass
class _Params:
    values: dict[str, object] = field(default_factory=dict)

    def add(self, hint: str, value: object) -> str:
        name = hint
        n = 1
        while name in self.values:
            n += 1
            name = f"{hint}_{n}"
        self.values[name] = value
        return "$" + name


def render(text: str) -> str:
    e = parse_expr(text)
    refs = [f"{a}.{c}" for a, c in e.refs]
    if e.func is None:
        return refs[0]
    if e.func == "dagen":
        return f"date_diff('day', {refs[0]}, {refs[1]})"
    # werkdagen: Monday-Friday strictly after the first date up to and including the second.
    return f"len(list_filter(generate_series({refs[0]} + INTERVAL 1 DAY, {refs[1]}, INTERVAL 1 DAY), lambda d: isodow(d) <= 5))"


_OPS = {"=": "=", "!=": "IS DISTINCT FROM", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _condition(expr: str, op: str, value, params: _Params, hint: str) -> str:
    if op == "is null":
        return f"{expr} IS NULL"
    if op == "is not null":
        return f"{expr} IS NOT NULL"
    if op in ("in", "not in"):
        names = ", ".join(params.add(hint, v) for v in value)
        return f"{expr} {op.upper()} ({names})"
    return f"{expr} {_OPS[op]} {params.add(hint, value)}"


def _in(expr: str, values, params: _Params, hint: str) -> str:
    values = tuple(values)
    if len(values) == 1:
        return f"{expr} = {params.add(hint, values[0])}"
    return _condition(expr, "in", values, params, hint)


def _hint(text: str) -> str:
    return parse_expr(text).refs[-1][1]


def _touches_total(model: SemanticModel, filters: tuple[Filter, ...]) -> bool:
    """Does a fixed filter select categories itself (then the total row must be left out)?"""
    tm = model.total_member
    col = parse_expr(tm.column).refs[0]
    via = {j.alias for j in model.joins if any(col in parse_expr(x).refs for pair in j.on for x in pair)}
    for f in filters:
        e = parse_expr(f.column)
        if col in e.refs or e.aliases & via:
            return True
    return False


def region_level(model: SemanticModel, agg: Aggregate, req: Request) -> str:
    """Which CBS level rows to read: the finest asked for; wijken when a scope must be summed."""
    if "buurt" in req.used:
        return "buurt"
    if "wijk" in req.used or (req.wijken is not None and agg.additive):
        return "wijk"
    return "gemeente"


class _Builder:
    """Renders declared expressions and remembers which join aliases they need."""

    def __init__(self) -> None:
        self.params = _Params()
        self.aliases: set[str] = set()

    def col(self, text: str) -> str:
        self.aliases |= parse_expr(text).aliases
        return render(text)


def compile_aggregate(model: SemanticModel, agg: Aggregate, req: Request, gemeente: str, peildatum: dt.date) -> Compiled:
    b = _Builder()
    p = b.params
    conds: list[str] = []
    time = agg.time or model.time
    used = req.used

    # Dimension -> a function rendering its SQL (so only what is used adds joins).
    exprs: dict = {d.dimension: (lambda c=d.column: b.col(c)) for d in model.dimensions}
    labels = {d.dimension: d.label for d in model.dimensions if d.label}

    span_from = ""
    if time is not None:
        if time.kind == "span":
            span_from = (
                f"\nCROSS JOIN unnest(generate_series(date_trunc('month', {b.col(time.start)}), "
                f"date_trunc('month', coalesce({b.col(time.end)}, {p.add('peildatum', peildatum)})), INTERVAL 1 MONTH)) AS periode(maand)"
            )
            exprs |= {
                "jaar": lambda: "year(periode.maand)",
                "kwartaal": lambda: "quarter(periode.maand)",
                "maand": lambda: "month(periode.maand)",
            }
            if not used & {"jaar", "kwartaal", "maand"}:
                conds.append(f"periode.maand = date_trunc('month', {p.add('peildatum', peildatum)})")
        elif time.kind == "date":
            exprs |= {
                "jaar": lambda c=time.column: f"year({b.col(c)})",
                "kwartaal": lambda c=time.column: f"quarter({b.col(c)})",
                "maand": lambda c=time.column: f"month({b.col(c)})",
            }
        elif time.kind == "year":
            exprs["jaar"] = lambda c=time.column: b.col(c)
        else:
            exprs |= {
                "jaar": lambda: b.col(time.year),
                "maand": lambda: b.col(time.month),
                "kwartaal": lambda: f"(({b.col(time.month)} + 2) // 3)",
            }
            if used & {"maand", "kwartaal"}:
                conds.append(f"{b.col(time.month)} IS NOT NULL")
            else:
                # Yearly rows where the year has them (published figures), else the sum of its months.
                y, mo, q = (parse_expr(x).refs[0][1] for x in (time.year, time.month, time.quarter))
                yearly = f"SELECT p.{y} FROM {model.table} AS p WHERE p.{mo} IS NULL AND p.{q} IS NULL"
                conds.append(
                    f"CASE WHEN {b.col(time.year)} IN ({yearly}) THEN {b.col(time.month)} IS NULL AND {b.col(time.quarter)} IS NULL "
                    f"ELSE {b.col(time.month)} IS NOT NULL END"
                )
        if agg.stock and "jaar" not in used and req.latest_year is not None:
            conds.append(f"{exprs['jaar']()} = {p.add('laatste_jaar', req.latest_year)}")

    if model.regions:
        r = model.regions
        level = region_level(model, agg, req)
        conds.append(f"{b.col(r.level)} = {p.add('niveau', level)}")
        exprs["gemeente"] = (lambda: b.col(r.code)) if level == "gemeente" else (lambda: b.col(model.gemeente))
        if level == "wijk":
            exprs["wijk"] = lambda: b.col(r.code)
        elif level == "buurt":
            exprs |= {"buurt": lambda: b.col(r.code), "wijk": lambda: b.col(r.wijk_of_buurt)}
    if model.gemeente and "gemeente" not in used:
        conds.append(f"{b.col(model.gemeente)} = {p.add('gemeente', gemeente)}")

    if model.total_member:
        tm = model.total_member
        detail = bool(used & set(tm.dimensions)) or _touches_total(model, agg.filters)
        conds.append(f"{b.col(tm.column)} {'<>' if detail else '='} {p.add('totaal', tm.code)}")

    for f in agg.filters:
        conds.append(_condition(b.col(f.column), f.op, f.value, p, _hint(f.column)))
    for dim, values in req.where:
        conds.append(_in(exprs[dim](), values, p, dim))
    if req.known_by is not None and model.known_at:
        conds.append(f"{b.col(model.known_at)} <= {p.add('bekend_op', req.known_by)}")
    if req.wijken is not None and "wijk" in exprs:
        conds.append(_in(exprs["wijk"](), sorted(req.wijken), p, "scope_wijk"))

    column = b.col(agg.column) if agg.column else None
    measure = {
        "sum": lambda: f"sum({column})",
        "count": lambda: f"count({column or '*'})",
        "count_distinct": lambda: f"count(DISTINCT {column})",
        "mean": lambda: f"avg({column})",
        "median": lambda: f"median({column})",
    }[agg.kind]()

    keys = {d: exprs[d]() for d in req.by}
    select = [f"{keys[d]} AS {d}" for d in req.by]
    select += [f"max({b.col(labels[d])}) AS {d}_label" for d in req.by if d in labels]
    select.append(f"{measure} AS waarde")
    if req.persons:
        select.append(f"count(DISTINCT {b.col(model.person)}) AS personen")
    if req.cube:
        select += [f"grouping({keys[d]}) AS _totaal_{d}" for d in req.by]

    joins = model.joins_for(b.aliases)
    lines = ["SELECT", ",\n".join("    " + s for s in select), f"FROM {model.table} AS {model.alias}{span_from}"]
    for j in joins:
        on = [f"{render(x)} = {render(y)}" for x, y in j.on]
        if j.during:
            year = exprs["jaar"]()
            on.append(f"{year} BETWEEN {render(j.during[0])} AND coalesce({render(j.during[1])}, {year})")
        lines.append(f"LEFT JOIN {j.table} AS {j.alias} ON " + " AND ".join(on))
    if conds:
        lines.append("WHERE " + "\n  AND ".join(conds))
    if req.by:
        group = ", ".join(keys.values())
        lines.append(f"GROUP BY CUBE ({group})" if req.cube else f"GROUP BY {group}")
    tables = tuple(dict.fromkeys((model.table,) + tuple(j.table for j in joins)))
    return Compiled("\n".join(lines), p.values, tables)
