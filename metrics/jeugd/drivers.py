"""Why youth-care spending changed: the change vs last year split into jeugdigen, care per jeugdige and tariffs.

Lasten = jeugdigen x zorg per jeugdige x tarief, where

- jeugdigen: distinct jeugdigen (pseudonymised clients) with declarations in the period;
- tarief: a price index over products (iJw productcode, or productcategorie when the code is
  missing, per eenheid). The price of a product in a period is its declared amount divided by the
  units behind it, and the units of a declaration line are its amount divided by the tarief per
  eenheid of the toewijzing it belongs to (the tarief agreed when the care was granted). The index
  compares the prices of the products declared in both periods, weighted by their share of the
  spending in both (Sato-Vartia weights: the logarithmic mean of the two shares);
- zorg per jeugdige: what is left, lasten / (jeugdigen x tarief): the volume of care per jeugdige
  at constant tariffs. A shift to more expensive kinds of care (more verblijf) counts here, as more
  care, not as a higher tariff.

The split is additive and exact (logarithmic mean Divisia index, LMDI-I):

    effect_x = L(lasten, lasten_vorig) x ln(x / x_vorig),   L(a, b) = (a - b) / (ln a - ln b)

and because ln(lasten / lasten_vorig) = ln(jeugdigen ratio) + ln(zorg ratio) + ln(tarief ratio),
the three effects add up to exactly lasten - lasten_vorig.

Late declarations: the current year is compared with what was declared for the same months of the
previous year *as known on the same day a year earlier* (ingediend_op up to the peildatum minus one
year). Both periods then miss the same share of late declarations, so the lag does not show up as
a fall in care. For years long past both are complete and the comparison equals the plain one.

Groups with `MIN_JEUGDIGEN` or fewer jeugdigen in either period, or without positive spending in
both, are not split (too small to say anything; the effects are null, the total change is kept).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from metrics import format as fmt
from metrics.disclosure import THRESHOLD
from metrics.errors import InvalidQuery
from metrics.periods import same_day_last_year

if TYPE_CHECKING:
    from metrics.derived import DerivedContext

MIN_JEUGDIGEN = THRESHOLD  # groups of at most this many jeugdigen (in either year) are not split

EFFECTS = ("effect_jeugdigen", "effect_zorg", "effect_tarief")
LABELS = {
    "lasten_vorig_jaar": "Lasten vorig jaar (zelfde moment)",
    "effect_jeugdigen": "Meer of minder jeugdigen",
    "effect_zorg": "Meer of minder zorg per jeugdige",
    "effect_tarief": "Hogere of lagere tarieven",
    "lasten": "Lasten dit jaar",
}

METHOD = (
    "De verandering van de lasten ten opzichte van dezelfde maanden vorig jaar is gesplitst in drie delen die precies "
    "optellen tot het totale verschil (log-mean Divisia-methode, LMDI): (a) meer of minder jeugdigen met declaraties; "
    "(b) meer of minder zorg per jeugdige, tegen gelijke tarieven (ook een verschuiving naar duurdere soorten zorg, "
    "zoals verblijf, telt hier); (c) hogere of lagere tarieven: de prijs per eenheid van dezelfde producten "
    "(iJw-productcode en eenheid), uit het tarief van de toewijzingen achter de declaraties, gewogen naar hun aandeel "
    "in de lasten. Vorig jaar telt zoals het op dezelfde dag een jaar eerder bekend was, zodat declaraties die nog "
    f"moeten komen beide jaren even zwaar drukken. Groepen met {MIN_JEUGDIGEN} of minder jeugdigen splitsen we niet."
)


# --- the arithmetic (pure) ------------------------------------------------------------------


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean of two positive numbers (a when they are equal)."""
    if a <= 0 or b <= 0:
        raise ValueError("het logaritmisch gemiddelde bestaat alleen voor positieve getallen")
    if math.isclose(a, b, rel_tol=1e-12):
        return (a + b) / 2
    return (a - b) / (math.log(a) - math.log(b))


class Product(NamedTuple):
    """Spending on one product in one period: all of it, and the part with a known tarief and its units."""

    lasten: float
    lasten_met_tarief: float
    eenheden: float


def log_price_index(vorig: Mapping[str, Product], nu: Mapping[str, Product]) -> float:
    """ln of the Sato-Vartia price index over the products with a price in both periods (0 if none)."""
    common = [
        p
        for p in vorig.keys() & nu.keys()
        if min(vorig[p].lasten_met_tarief, nu[p].lasten_met_tarief, vorig[p].eenheden, nu[p].eenheden) > 0
    ]
    if not common:
        return 0.0
    total0 = sum(vorig[p].lasten_met_tarief for p in common)
    total1 = sum(nu[p].lasten_met_tarief for p in common)
    weights, logs = [], []
    for p in sorted(common):
        s0, s1 = vorig[p].lasten_met_tarief / total0, nu[p].lasten_met_tarief / total1
        price0 = vorig[p].lasten_met_tarief / vorig[p].eenheden
        price1 = nu[p].lasten_met_tarief / nu[p].eenheden
        weights.append(log_mean(s1, s0))
        logs.append(math.log(price1 / price0))
    return sum(w * x for w, x in zip(weights, logs)) / sum(weights)


class Decomposition(NamedTuple):
    lasten_vorig_jaar: float
    lasten: float
    verschil: float
    effect_jeugdigen: float | None
    effect_zorg: float | None
    effect_tarief: float | None
    jeugdigen_pct: float | None  # relative changes, e.g. 0.05 for +5%
    zorg_pct: float | None
    tarief_pct: float | None
    kosten_per_jeugdige_pct: float | None


def decompose(lasten_vorig: float, lasten: float, jeugdigen_vorig: int, jeugdigen: int, ln_tarief: float) -> Decomposition:
    """The LMDI split of lasten - lasten_vorig (see the module docstring); effects None when not splittable."""
    diff = lasten - lasten_vorig
    if min(jeugdigen_vorig, jeugdigen) <= MIN_JEUGDIGEN or lasten_vorig <= 0 or lasten <= 0:
        return Decomposition(lasten_vorig, lasten, diff, None, None, None, None, None, None, None)
    weight = log_mean(lasten, lasten_vorig)
    ln_total = math.log(lasten / lasten_vorig)
    ln_n = math.log(jeugdigen / jeugdigen_vorig)
    ln_zorg = ln_total - ln_n - ln_tarief
    e_n, e_t = weight * ln_n, weight * ln_tarief
    e_z = diff - e_n - e_t  # = weight x ln_zorg, written so the three add up to the cent
    return Decomposition(
        lasten_vorig,
        lasten,
        diff,
        e_n,
        e_z,
        e_t,
        math.expm1(ln_n),
        math.expm1(ln_zorg),
        math.expm1(ln_tarief),
        math.expm1(ln_total - ln_n),
    )


_SCHEMA = {
    "lasten_vorig_jaar": pl.Float64,
    "lasten": pl.Float64,
    "verschil": pl.Float64,
    "effect_jeugdigen": pl.Float64,
    "effect_zorg": pl.Float64,
    "effect_tarief": pl.Float64,
    "jeugdigen_pct": pl.Float64,
    "zorg_pct": pl.Float64,
    "tarief_pct": pl.Float64,
    "kosten_per_jeugdige_pct": pl.Float64,
}


def decompose_frame(products: pl.DataFrame, persons: pl.DataFrame, keys: Iterable[str] = ()) -> pl.DataFrame:
    """Decompose per group.

    products: keys..., `nu` (True for this period, False for last year), product, lasten,
    lasten_met_tarief, eenheden. persons: keys..., nu, jeugdigen. Returns keys... plus the
    columns of `Decomposition`, one row per group present in either period.
    """
    keys = list(keys)
    groups: dict[tuple, dict[bool, dict[str, Product]]] = {}
    for row in products.iter_rows(named=True):
        g = tuple(row[k] for k in keys)
        groups.setdefault(g, {True: {}, False: {}})[bool(row["nu"])][row["product"]] = Product(
            float(row["lasten"] or 0.0), float(row["lasten_met_tarief"] or 0.0), float(row["eenheden"] or 0.0)
        )
    counts: dict[tuple, dict[bool, int]] = {}
    for row in persons.iter_rows(named=True):
        counts.setdefault(tuple(row[k] for k in keys), {})[bool(row["nu"])] = int(row["jeugdigen"] or 0)
    rows = []
    for g in sorted(groups.keys() | counts.keys(), key=lambda t: tuple((v is None, str(v)) for v in t)):
        by_period = groups.get(g, {True: {}, False: {}})
        l0 = sum(p.lasten for p in by_period[False].values())
        l1 = sum(p.lasten for p in by_period[True].values())
        n = counts.get(g, {})
        d = decompose(l0, l1, n.get(False, 0), n.get(True, 0), log_price_index(by_period[False], by_period[True]))
        rows.append(dict(zip(keys, g)) | d._asdict())
    schema = {k: products.schema.get(k, pl.String) for k in keys} | _SCHEMA
    return pl.DataFrame(rows, schema=schema, orient="row")


# --- the derived metric `lasten_ontleding` --------------------------------------------------

# Dimension -> SQL column (all declared identifiers; values are always parameters). The wijk is
# copied onto each declaration line by the build (WAREHOUSE.md); the rest is the toewijzing's.
_COLUMNS = {
    "wijk": "d.wijk_code",
    "productcategorie": "t.productcategorie",
    "productgroep": "pc.groep",
    "aanbieder": "t.aanbieder_agb",
    "verwijzer": "t.verwijzer",
    "taakveld": "kt.taakveld",
    "taakveld_reeks": "tv.reeks",
}
SPLITS = ("jaar", *_COLUMNS)
_ON_LINE = frozenset(k for k, column in _COLUMNS.items() if column.startswith("d."))  # the declaration line's own


def _conditions(where: Mapping[str, tuple], wijken: frozenset[str] | None, period: str) -> tuple[list[str], list[str], dict]:
    """The conditions for declarations in `period` (a condition on d) matching the filters and the
    scope: those on the declaration line itself, those on its toewijzing (and the tables joined to
    it), and their parameters."""
    params: dict[str, object] = {}
    on_line = ["d.status IS DISTINCT FROM 'afgekeurd'", period]
    on_toewijzing = []
    if "maand" in where:
        on_line.append("list_contains($maanden::INTEGER[], month(d.maand)::INTEGER)")
        params["maanden"] = [int(m) for m in where["maand"]]
    for dim, column in _COLUMNS.items():
        if dim in where:
            (on_line if dim in _ON_LINE else on_toewijzing).append(f"list_contains($f_{dim}::VARCHAR[], {column})")
            params[f"f_{dim}"] = [str(v) for v in where[dim]]
    if wijken is not None:
        on_line.append("list_contains($scope_wijken::VARCHAR[], d.wijk_code)")
        params["scope_wijken"] = sorted(wijken)
    return on_line, on_toewijzing, params


def _joins(used: set[str], year: str) -> str:
    """The tables joined to the toewijzing t for the dimensions `used`; `year`: the declaration's year."""
    joins = ""
    if "productgroep" in used:
        joins += " LEFT JOIN jeugd_productcategorieen pc ON pc.productcategorie = t.productcategorie"
    if used & {"taakveld", "taakveld_reeks"}:
        joins += (
            f" LEFT JOIN jeugd_taakveld_koppeling kt ON kt.productcategorie = t.productcategorie"
            f" AND {year} >= kt.vanaf_jaar AND (kt.tot_jaar IS NULL OR {year} <= kt.tot_jaar)"
            " LEFT JOIN iv3_taakvelden tv ON tv.taakveld = kt.taakveld"
        )
    return joins


def _lines(keys: list[str], where: Mapping[str, tuple], wijken: frozenset[str] | None, period: str) -> tuple[str, dict]:
    """FROM ... WHERE for the declaration lines in `period` matching the filters and the scope. The
    toewijzingen are joined only for a split or filter on their columns (LEFT, as the metrics'
    model reads them)."""
    on_line, on_toewijzing, params = _conditions(where, wijken, period)
    used = set(keys) | set(where)
    joins = ""
    if (used & _COLUMNS.keys()) - _ON_LINE:
        joins = "LEFT JOIN jeugd_toewijzingen t ON t.toewijzing_id = d.toewijzing_id" + _joins(used, "year(d.maand)")
    return f"FROM jeugd_declaraties d {joins} WHERE {' AND '.join(on_line + on_toewijzing)}", params


def _per_toewijzing(keys: list[str], where: Mapping[str, tuple], wijken: frozenset[str] | None, period: str) -> tuple[str, dict]:
    """FROM ... for the declarations in `period` matching the filters and the scope, summed per
    toewijzing and year (d: toewijzing_id, jaar, bedrag and the line's own columns among `keys`)
    before they are joined to their toewijzing t: one row per toewijzing and year instead of one per
    line goes into the join (demo scale 30, a fresh connection: the Jeugd page's query 0.21-0.33 ->
    0.14-0.20 s)."""
    on_line, on_toewijzing, params = _conditions(where, wijken, period)
    own = "".join(f"{_COLUMNS[k]}, " for k in keys if k in _ON_LINE)
    summed = (
        f"SELECT d.toewijzing_id, year(d.maand) AS jaar, {own}sum(d.bedrag) AS bedrag "
        f"FROM jeugd_declaraties d WHERE {' AND '.join(on_line)} GROUP BY ALL"
    )
    joins = "JOIN jeugd_toewijzingen t ON t.toewijzing_id = d.toewijzing_id" + _joins(set(keys) | set(where), "d.jaar")
    return f"FROM ({summed}) d {joins}" + (f" WHERE {' AND '.join(on_toewijzing)}" if on_toewijzing else ""), params


# Each period also as a range on d.maand itself: implied by the year() conditions, it lets DuckDB
# skip the row groups of other years (zonemaps) instead of reading every declaration.
_BOTH_YEARS = (
    "d.maand >= make_date($jaar - 1, 1, 1) AND d.maand < make_date($jaar + 1, 1, 1) "
    "AND ((year(d.maand) = $jaar AND d.ingediend_op <= $peil) OR (year(d.maand) = $jaar - 1 AND d.ingediend_op <= $peil_vorig))"
)
_LAST_YEAR = "d.maand >= make_date($jaar - 1, 1, 1) AND d.maand < make_date($jaar, 1, 1) AND year(d.maand) = $jaar - 1 AND d.ingediend_op <= $peil_vorig"


def _sql(keys: list[str], where: Mapping[str, tuple], wijken: frozenset[str] | None, *, total: bool = False) -> tuple[str, dict]:
    """One query for one year and its predecessor, with its parameters: per group and period the
    spending per product (rows with `personen` false) and the jeugdigen (rows with `personen`
    true). One pass over the declarations and their toewijzingen for both (summed per jeugdige and
    product first), where two queries read and joined them twice. total: the whole selection too,
    in the same pass (GROUPING SETS), as rows with `_alle` true and the group null."""
    base, params = _per_toewijzing(keys, where, wijken, _BOTH_YEARS)
    select = "".join(f"{_COLUMNS[k]} AS {k}, " for k in keys)
    cols = "".join(f"{k}, " for k in keys)
    products, persons, alle = f"GROUP BY {cols}nu, product", f"GROUP BY {cols}nu", ""
    if total:
        products = f"GROUP BY GROUPING SETS (({cols}nu, product), (nu, product))"
        persons = f"GROUP BY GROUPING SETS (({cols}nu), (nu))"
        alle = f", grouping({keys[0]}) = 1 AS _alle"
    sql = (
        f"WITH r AS MATERIALIZED (SELECT {select}d.jaar = $jaar AS nu, "
        "coalesce(t.productcode, t.productcategorie) || ' | ' || t.eenheid AS product, t.client_key, "
        "sum(d.bedrag)::DOUBLE AS lasten, "
        "sum(CASE WHEN t.tarief > 0 THEN d.bedrag END)::DOUBLE AS lasten_met_tarief, "
        "sum(CASE WHEN t.tarief > 0 THEN d.bedrag / t.tarief END)::DOUBLE AS eenheden "
        f"{base} GROUP BY ALL) "
        f"SELECT {cols}nu, false AS personen, product, sum(lasten) AS lasten, sum(lasten_met_tarief) AS lasten_met_tarief, "
        f"sum(eenheden) AS eenheden, NULL::BIGINT AS jeugdigen{alle} FROM r {products} "
        f"UNION ALL SELECT {cols}nu, true, NULL, NULL, NULL, NULL, count(DISTINCT client_key){alle} FROM r {persons}"
    )
    return sql, params


# The Jeugd page shows the ontleding of the whole selection and, beside it, per productgroep: both
# come from one pass over the declarations, kept per build, filter, scope and year.
_SHARED = "productgroep"


def _periods(ctx: DerivedContext, keys: list[str], year: int) -> pl.DataFrame:
    """The rows of `_sql` for `keys` and `year` (this year's and last year's, per product and in persons)."""

    def run(split: list[str], total: bool) -> pl.DataFrame:
        sql, params = _sql(split, ctx.where, ctx.wijken, total=total)
        return ctx.sql(sql, params | {"jaar": int(year), "peil": ctx.peildatum, "peil_vorig": same_day_last_year(ctx.peildatum)})

    if keys not in ([], [_SHARED]):
        return run(keys, False)
    key = ("ontleding", ctx.engine.info.build_id, tuple(sorted(ctx.where.items())), ctx.wijken, int(year), ctx.peildatum)
    both = ctx.engine.cache.get_or_compute(key, lambda: run([_SHARED], True))
    if keys:
        return both.filter(~pl.col("_alle")).drop("_alle")
    return both.filter(pl.col("_alle")).drop("_alle", _SHARED)


def _protected(ctx: DerivedContext, keys: list[str], year: int, products: pl.DataFrame) -> pl.DataFrame:
    """The split from protected inputs (roles with disclosure control): this year's lasten and
    jeugdigen are the cells of the metrics `lasten` and `jeugdigen_gedeclareerd` (the same values
    as in every other table); last year's, as known a year earlier, are protected cells of their
    own. Only the price index comes from exact amounts: it is a weighted mean of tariff changes,
    not an amount of anyone. A group is geheim when any of the four cells is."""
    where = dict(ctx.where) | {"jaar": (year,)}
    nu = ctx.query("lasten", by=keys, where=where).select(*keys, pl.col("waarde").alias("l1"), pl.col("geheim").alias("g1"))
    n1 = ctx.query("jeugdigen_gedeclareerd", by=keys, where=where).select(*keys, pl.col("waarde").alias("n1"), pl.col("geheim").alias("h1"))
    # Last year's lines as the metric `lasten` counts this year's: its model joins the toewijzingen
    # LEFT, so a line is counted whether or not its toewijzing is in the export (the build refuses
    # one that is not), and the jeugdige comes with the line (WAREHOUSE.md).
    base, params = _lines(keys, ctx.where, ctx.wijken, _LAST_YEAR)
    params |= {"jaar": int(year), "peil_vorig": same_day_last_year(ctx.peildatum)}
    cols = "".join(f"{_COLUMNS[k]} AS {k}, " for k in keys)
    person = "d.client_key"
    lines = f"SELECT {cols}{person} AS _persoon, d.bedrag AS _x, {ctx.record_key(person, 'd.declaratie_id')} AS _sleutel {base}"
    persons = f"SELECT {cols}{person} AS _persoon, {person} AS _x, {ctx.person_key(person)} AS _sleutel {base}"
    l0 = ctx.cells(lines, params, keys, "sum", euro=True).rename({"waarde": "l0", "geheim": "g0"})
    n0 = ctx.cells(persons, params, keys, "count_distinct", euro=False).rename({"waarde": "n0", "geheim": "h0"})
    frame = nu
    for part in (n1, l0, n0):
        frame = frame.join(part, on=keys, how="full", coalesce=True, nulls_equal=True) if keys else frame.join(part, how="cross")
    groups: dict[tuple, dict[bool, dict[str, Product]]] = {}
    for row in products.iter_rows(named=True):
        g = tuple(row[k] for k in keys)
        groups.setdefault(g, {True: {}, False: {}})[bool(row["nu"])][row["product"]] = Product(
            float(row["lasten"] or 0.0), float(row["lasten_met_tarief"] or 0.0), float(row["eenheden"] or 0.0)
        )
    rows = []
    for r in frame.iter_rows(named=True):
        g = tuple(r[k] for k in keys)
        hidden = any(r[c] is None or r[c] for c in ("g1", "h1", "g0", "h0"))
        if hidden:
            rows.append(dict(zip(keys, g)) | dict.fromkeys(_SCHEMA) | {"geheim": True})
            continue
        by_period = groups.get(g, {True: {}, False: {}})
        d = decompose(r["l0"], r["l1"], int(r["n0"]), int(r["n1"]), log_price_index(by_period[False], by_period[True]))
        rows.append(dict(zip(keys, g)) | d._asdict() | {"geheim": False})
    schema = {k: pl.String for k in keys} | _SCHEMA | {"geheim": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")


def ontleding(ctx: DerivedContext) -> pl.DataFrame:
    """The derived metric `lasten_ontleding` (contract: metrics.derived): per group the change in
    lasten vs the same months of the previous year as known a year earlier (waarde), with the
    three effects and the relative changes. Needs one jaar, or a split by jaar. Under disclosure
    control every amount and count in it is a protected cell (see `_protected`)."""
    keys = [d for d in ctx.by if d != "jaar"]
    unknown = sorted({*ctx.by, *ctx.where} - {*SPLITS, "maand"})
    if unknown:
        raise InvalidQuery(f"De ontleding van de lasten is niet uit te splitsen of te filteren naar {', '.join(unknown)}.")
    if len(keys) > 1:
        raise InvalidQuery("De ontleding van de lasten splitst naar hoogstens één kenmerk tegelijk (naast jaar).")
    years = ctx.where.get("jaar")
    if years is None:
        years = (ctx.peildatum.year,)
    if "jaar" not in ctx.by and len(years) > 1:
        raise InvalidQuery("De ontleding vergelijkt één jaar met het jaar ervoor: kies één jaar of splits naar jaar.")
    frames = []
    for year in years:
        both = _periods(ctx, keys, int(year))
        products = both.filter(~pl.col("personen")).drop("personen", "jeugdigen")
        if ctx.protected:
            frame = _protected(ctx, keys, int(year), products)
        else:
            frame = decompose_frame(products, both.filter(pl.col("personen")).select(*keys, "nu", "jeugdigen"), keys)
        frames.append(frame.with_columns(jaar=pl.lit(int(year), dtype=pl.Int64)))
    frame = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
    frame = frame.with_columns(waarde=pl.col("verschil"))
    if not keys and frame.height == 0:
        frame = pl.DataFrame([{"jaar": int(years[0])} | dict.fromkeys(_SCHEMA, 0.0)], schema={"jaar": pl.Int64} | _SCHEMA)
    cols = [*ctx.by, "waarde", *_SCHEMA, *(["geheim"] if "geheim" in frame.columns else [])]
    return frame.select(cols)


# --- in words --------------------------------------------------------------------------------

_WORDS = {
    "effect_jeugdigen": ("jeugdigen_pct", "meer jeugdigen", "minder jeugdigen", "ongeveer evenveel jeugdigen"),
    "effect_zorg": ("zorg_pct", "meer zorg per jeugdige", "minder zorg per jeugdige", "ongeveer evenveel zorg per jeugdige"),
    "effect_tarief": ("tarief_pct", "hogere tarieven", "lagere tarieven", "ongeveer gelijke tarieven"),
}
STEADY = 0.005  # changes smaller than half a percent read as "ongeveer gelijk"


signed_euro = fmt.signed_euro  # kept for callers of the drivers module


def describe(row: Mapping, periode: str, vorig: str) -> str:
    """One Dutch paragraph for a row of `lasten_ontleding`: the change and its three parts.

    periode: what this period is ("januari t/m oktober 2026"); vorig: what it is compared with
    ("dezelfde maanden van 2025, zoals bekend op 1 nov 2025")."""
    from metrics import format as fmt

    if row.get("geheim"):
        return "De ontleding is voor deze selectie niet te tonen: er zijn te weinig jeugdigen (afscherming)."
    l0, l1, diff = row["lasten_vorig_jaar"], row["lasten"], row["verschil"]
    rel = f" ({fmt.change(diff / l0)})" if l0 and l0 > 0 else ""
    more = "meer" if diff >= 0 else "minder"
    text = (
        f"De lasten over {periode} zijn {fmt.number(l1, 'euro')}: {fmt.number(abs(diff), 'euro')}{rel} {more} dan over "
        f"{vorig} ({fmt.number(l0, 'euro')})."
    )
    if row["effect_jeugdigen"] is None:
        return text + f" Een splitsing naar oorzaken kan hier niet: te weinig jeugdigen (hooguit {MIN_JEUGDIGEN}) of geen lasten in een van beide jaren."
    parts = []
    for effect, (pct, up, down, same) in _WORDS.items():
        change = row[pct] if abs(row[pct]) >= 5e-5 else 0.0  # no "-0,0%"
        words = same if abs(change) < STEADY else (up if change > 0 else down)
        parts.append(f"{words} ({fmt.change(change)}: {signed_euro(row[effect])})")
    return text + " Dat komt door " + ", ".join(parts[:-1]) + " en " + parts[-1] + "."
