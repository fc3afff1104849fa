"""Compile one aggregate over a semantic model to readable, parameterised DuckDB SQL.

Only declared identifiers are written into the SQL text (every one was checked against the
warehouse schema when the declarations loaded); every value, whether from a declaration, a
filter or the user's scope, is a named parameter. The SQL is kept readable because the data page
shows it as lineage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics.declarations import TIME_DIMENSIONS, Aggregate, Filter, SemanticModel, parse_expr

Value = str | int | float | bool


@dataclass(frozen=True)
class Request:
    """A validated question for one aggregate: split, filters, scope, and what disclosure needs."""

    by: tuple[str, ...]
    where: tuple[tuple[str, tuple[Value, ...]], ...] = ()
    wijken: frozenset[str] | None = None  # scope: only these wijken (None = all)
    cube: bool = False  # all subtotals too (GROUP BY CUBE)
    # Disclosure control: per cell also the persons, the cell key and the largest contribution
    # (metrics.disclosure), from the records' keys; salt: see disclosure.CellKey.
    protect: bool = False
    salt: str = ""
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


# ---- record keys (metrics.disclosure) --------------------------------------------------------
#
# A person's key is the leading 48 bits of the pseudonymised client key: an HMAC output, so
# uniform and as secret as the HMAC key, and stable from build to build. Anything else that is
# counted or summed (a declaration line, a toewijzing) gets a hash of the client key and its own
# id: as secret, uniform, and stable as long as DuckDB's hash() is (an upgrade of DuckDB draws the
# noise of amounts once more). A client key that is not a hex pseudonym (tests) is hashed too.

MODULUS = 2**48


def person_key(person: str, salt: str) -> str:
    return (
        f"coalesce(CASE WHEN {salt} = '' AND length({person}) >= 12 THEN TRY_CAST('0x' || left({person}, 12) AS BIGINT) END, "
        f"(hash({salt} || '|' || {person}) >> 16)::BIGINT)"
    )


def record_key(person: str, record: str, salt: str) -> str:
    return f"(hash({salt} || '|' || {person} || '|' || {record}) >> 16)::BIGINT"


def cells_sql(records: str, keys: list[str], labels: list[str], kind: str, *, cube: bool = False) -> str:
    """Aggregate record rows to protected cells. `records` is a SELECT with the columns `keys`,
    `labels`, `_persoon`, `_x` (the value, or what is counted) and `_sleutel` (its record key).

    kind: count_distinct / count (cells of counts: waarde, personen, sleutel) or sum / mean
    (cells of amounts: waarde is the sum, with n, personen, sleutel and grootste, the largest
    total of one person in the cell, which needs a first pass per person). With `cube`, all
    subtotals too and a flag `_totaal_<key>` per key.
    """
    group = ", ".join(keys)
    flags = [f"grouping({k}) AS _totaal_{k}" for k in keys] if cube else []
    if kind in ("count", "count_distinct"):
        counted = "count(DISTINCT _x)" if kind == "count_distinct" else "count(_x)"
        select = [*keys, *(f"max({lb}) AS {lb}" for lb in labels), f"{counted} AS waarde"]
        select += [
            "count(DISTINCT _persoon) FILTER (WHERE _x IS NOT NULL) AS personen",
            f"(coalesce(sum(DISTINCT _sleutel) FILTER (WHERE _x IS NOT NULL), 0) % {MODULUS})::BIGINT AS sleutel",
            *flags,
        ]
        grouping = (f"\nGROUP BY CUBE ({group})" if cube else f"\nGROUP BY {group}") if keys else ""
        return f"WITH r AS (\n{records}\n)\nSELECT\n    " + ",\n    ".join(select) + "\nFROM r" + grouping
    inner = [*keys, *(f"max({lb}) AS {lb}" for lb in labels), *flags, "_persoon"]
    inner += ["sum(_x) AS _x", "count(_x) AS _n", "sum(_sleutel) FILTER (WHERE _x IS NOT NULL) AS _sleutel"]
    if keys:
        inner_group = f"CUBE ({group}), _persoon" if cube else f"{group}, _persoon"
    else:
        inner_group = "_persoon"
    outer_keys = keys + ([f"_totaal_{k}" for k in keys] if cube else [])
    outer = [*outer_keys, *(f"max({lb}) AS {lb}" for lb in labels), "sum(_x) AS waarde", "sum(_n) AS n"]
    outer += [
        "count(*) FILTER (WHERE _n > 0) AS personen",
        f"(coalesce(sum(_sleutel), 0) % {MODULUS})::BIGINT AS sleutel",
        "max(abs(_x)) AS grootste",
    ]
    return (
        f"WITH r AS (\n{records}\n),\np AS (\nSELECT {', '.join(inner)}\nFROM r GROUP BY {inner_group}\n)\n"
        "SELECT\n    " + ",\n    ".join(outer) + "\nFROM p" + (f"\nGROUP BY {', '.join(outer_keys)}" if outer_keys else "")
    )


def render(text: str) -> str:
    e = parse_expr(text)
    refs = [f"{a}.{c}" for a, c in e.refs]
    if e.func is None:
        return refs[0]
    if e.func == "dagen":
        return f"date_diff('day', {refs[0]}, {refs[1]})"
    # werkdagen: Monday-Friday strictly after the first date up to and including the second, 0 when
    # the second is not later; NULL when either is. Counted, not listed day by day: a list of every
    # day per row cost a third of a second per query over the meldingen.
    a, b = refs
    return f"(CASE WHEN {b} > {a} THEN {_weekdays_until(b)} - {_weekdays_until(a)} WHEN {b} <= {a} THEN 0 END)"


def _weekdays_until(date: str) -> str:
    """SQL: the number of Mondays to Fridays from 1 January of the year 1 (a Monday) up to and
    including `date`: 5 per whole week, plus the weekdays of the last, partial week."""
    days = f"(date_diff('day', DATE '0001-01-01', {date}) + 1)"
    return f"(5 * ({days} // 7) + least({days} % 7, 5))"


def months_asked(where: dict[str, tuple], peildatum: dt.date | None = None) -> list[dt.date] | None:
    """First days of the months a filter on jaar (with maand or kwartaal) selects, in order; None
    without a jaar filter. Without any time filter but with `peildatum`: its month (what a span
    counts then)."""
    years = where.get("jaar")
    if not years:
        if peildatum is None or where.keys() & set(TIME_DIMENSIONS):
            return None
        return [peildatum.replace(day=1)]
    months = set(range(1, 13))
    if "maand" in where:
        months &= set(where["maand"])
    if "kwartaal" in where:
        months &= {m for q in where["kwartaal"] for m in range(3 * q - 2, 3 * q + 1)}
    return [dt.date(y, m, 1) for y in sorted(years) for m in sorted(months)] or None


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _range(months: list[dt.date]) -> tuple[dt.date, dt.date]:
    """[first day, first day after) of the months: written beside the exact conditions as a range
    on the stored date, which DuckDB checks against each row group's minimum and maximum and so
    skips most of a table."""
    return months[0], _next_month(months[-1])


def _contiguous(months: list[dt.date]) -> bool:
    first, last = months[0], months[-1]
    return len(months) == (last.year - first.year) * 12 + last.month - first.month + 1


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


def _level_rows(model: SemanticModel, time, niveau: str) -> str:
    """A subquery finding rows of the level `niveau` for the same gemeente and CBS period as the
    outer row (model columns only: every name in it was declared and checked)."""
    own = {c: parse_expr(x).refs[0][1] for c, x in (("gemeente", model.gemeente), ("jaar", time.year), ("maand", time.month), ("kwartaal", time.quarter))}
    level = parse_expr(model.regions.level).refs[0][1]
    a = model.alias
    same = " AND ".join(
        [f"h.{level} = {niveau}", f"h.{own['gemeente']} = {a}.{own['gemeente']}", f"h.{own['jaar']} = {a}.{own['jaar']}"]
        + [f"h.{own[c]} IS NOT DISTINCT FROM {a}.{own[c]}" for c in ("maand", "kwartaal")]
    )
    return f"SELECT 1 FROM {model.table} AS h WHERE {same}"


class _Builder:
    """Renders declared expressions and remembers which join aliases they need."""

    def __init__(self) -> None:
        self.params = _Params()
        self.aliases: set[str] = set()

    def col(self, text: str) -> str:
        self.aliases |= parse_expr(text).aliases
        return render(text)


def compile_aggregate(model: SemanticModel, agg: Aggregate, req: Request, gemeente: str, peildatum: dt.date) -> Compiled:
    time = agg.time or model.time
    # Counting distinct things (jeugdigen, trajecten) that are active in a period; a sum or a plain
    # count over a span counts each month.
    if time is not None and time.kind == "span" and agg.kind == "count_distinct" and not agg.stock and not set(req.by) & set(TIME_DIMENSIONS):
        months = months_asked(dict(req.where), None if req.used & set(TIME_DIMENSIONS) else peildatum)
        if months and _contiguous(months):
            # One unbroken run of months and none split out: a row counts when it overlaps the run,
            # no need to spread it over its months first (a tenth of the work at scale 30). Not
            # when a join needs the year of each month (a coupling valid during some years).
            compiled = _compile(model, agg, req, gemeente, peildatum, overlap=_range(months))
            if compiled is not None:
                return compiled
    compiled = _compile(model, agg, req, gemeente, peildatum, overlap=None)
    assert compiled is not None
    return compiled


def _compile(
    model: SemanticModel, agg: Aggregate, req: Request, gemeente: str, peildatum: dt.date, overlap: tuple[dt.date, dt.date] | None
) -> Compiled | None:
    b = _Builder()
    p = b.params
    conds: list[str] = []
    time = agg.time or model.time
    used = req.used

    # Dimension -> a function rendering its SQL (so only what is used adds joins).
    exprs: dict = {d.dimension: (lambda c=d.column: b.col(c)) for d in model.dimensions}
    labels = {d.dimension: d.label for d in model.dimensions if d.label}

    span_from = ""
    filters = dict(req.where)
    if time is not None:
        if time.kind == "span":
            peil = p.add("peildatum", peildatum)
            start, end = f"date_trunc('month', {b.col(time.start)})", f"coalesce({b.col(time.end)}, {peil})"
            months = months_asked(filters, None if used & set(TIME_DIMENSIONS) else peildatum)
            if bounds := overlap or (months and _range(months)):
                # Rows that overlap the months asked for (of the rest, only these are spread over
                # their months: most rows of a long history end before them).
                conds.append(f"{b.col(time.start)} < {p.add('tot', bounds[1])}")
                conds.append(f"{end} >= {p.add('van', bounds[0])}")
            if overlap:
                conds.append(f"{start} <= date_trunc('month', {end})")  # a row ending before it starts covers no month
            else:
                span_from = f"\nCROSS JOIN unnest(generate_series({start}, date_trunc('month', {end}), INTERVAL 1 MONTH)) AS periode(maand)"
            exprs |= {
                "jaar": lambda: "year(periode.maand)",
                "kwartaal": lambda: "quarter(periode.maand)",
                "maand": lambda: "month(periode.maand)",
            }
            if not used & set(TIME_DIMENSIONS) and not overlap:
                conds.append(f"periode.maand = date_trunc('month', {peil})")
        elif time.kind == "date":
            if months := months_asked(filters):
                # Implied by the conditions on year() and month() below; as a range on the column
                # itself it lets DuckDB skip the row groups outside it (zonemaps).
                bounds = _range(months)
                conds.append(f"{b.col(time.column)} >= {p.add('van', bounds[0])} AND {b.col(time.column)} < {p.add('tot', bounds[1])}")
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
        niveau = p.add("niveau", level)
        if r.buurten_when_missing and agg.additive and level != "buurt" and model.gemeente and time is not None and time.kind == "cbs_period":
            # The level's own rows where the files have them for that period; else its buurten.
            conds.append(f"({b.col(r.level)} = {niveau} OR ({b.col(r.level)} = {p.add('buurt', 'buurt')} AND NOT EXISTS ({_level_rows(model, time, niveau)})))")
            exprs["gemeente"] = lambda: b.col(model.gemeente)
            if level == "wijk":
                exprs["wijk"] = lambda: f"CASE WHEN {b.col(r.level)} = {niveau} THEN {b.col(r.code)} ELSE {b.col(r.wijk_of_buurt)} END"
        else:
            conds.append(f"{b.col(r.level)} = {niveau}")
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
        if f.other is not None:
            conds.append(f"{b.col(f.column)} {_OPS[f.op]} {b.col(f.other)}")
        else:
            conds.append(_condition(b.col(f.column), f.op, f.value, p, _hint(f.column)))
    for dim, values in req.where:
        if overlap and dim in TIME_DIMENSIONS:
            continue  # the overlap with the months asked for is the condition
        conds.append(_in(exprs[dim](), values, p, dim))
    if req.known_by is not None and model.known_at:
        conds.append(f"{b.col(model.known_at)} <= {p.add('bekend_op', req.known_by)}")
    if req.wijken is not None and "wijk" in exprs:
        conds.append(_in(exprs["wijk"](), sorted(req.wijken), p, "scope_wijk"))

    column = b.col(agg.column) if agg.column else None
    keys = {d: exprs[d]() for d in req.by}
    if req.protect:
        if model.person is None or (agg.kind in ("sum", "count", "mean", "median") and model.record is None):
            raise ValueError(f"model {model.name}: afscherming vraagt om een persoon en een record-id")
        if agg.kind == "median":
            raise ValueError("een mediaan is niet af te schermen met de celsleutelmethode; gebruik een gemiddelde")
        person = b.col(model.person)
        salt = p.add("zout", req.salt)
        if agg.kind == "count_distinct":
            key = person_key(person, salt) if agg.column == model.person else record_key(person, column, salt)
        else:
            key = record_key(person, b.col(model.record), salt)
        select = [f"{keys[d]} AS {d}" for d in req.by]
        select += [f"{b.col(labels[d])} AS {d}_label" for d in req.by if d in labels]
        select += [f"{person} AS _persoon", f"{column or 1} AS _x", f"{key} AS _sleutel"]
    else:
        measure = {
            "sum": lambda: f"sum({column})",
            "count": lambda: f"count({column or '*'})",
            "count_distinct": lambda: f"count(DISTINCT {column})",
            "mean": lambda: f"avg({column})",
            "median": lambda: f"median({column})",
        }[agg.kind]()
        select = [f"{keys[d]} AS {d}" for d in req.by]
        select += [f"max({b.col(labels[d])}) AS {d}_label" for d in req.by if d in labels]
        select.append(f"{measure} AS waarde")
        if req.cube:
            select += [f"grouping({keys[d]}) AS _totaal_{d}" for d in req.by]

    joins = model.joins_for(b.aliases)
    if overlap and any(j.during for j in joins):
        return None
    lines = ["SELECT", ",\n".join("    " + s for s in select), f"FROM {model.table} AS {model.alias}{span_from}"]
    for j in joins:
        on = [f"{render(x)} = {render(y)}" for x, y in j.on]
        if j.during:
            year = exprs["jaar"]()
            on.append(f"{year} BETWEEN {render(j.during[0])} AND coalesce({render(j.during[1])}, {year})")
        lines.append(f"LEFT JOIN {j.table} AS {j.alias} ON " + (" AND ".join(on) or "true"))
    if conds:
        lines.append("WHERE " + "\n  AND ".join(conds))
    tables = tuple(dict.fromkeys((model.table,) + tuple(j.table for j in joins)))
    if req.protect:
        sql = cells_sql("\n".join(lines), list(req.by), [f"{d}_label" for d in req.by if d in labels], agg.kind, cube=req.cube)
        return Compiled(sql, p.values, tables)
    if req.by:
        group = ", ".join(keys.values())
        lines.append(f"GROUP BY CUBE ({group})" if req.cube else f"GROUP BY {group}")
    return Compiled("\n".join(lines), p.values, tables)
