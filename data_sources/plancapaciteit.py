"""Provincial plancapaciteit compilation (one row per gemeente) -> tidy `plancapaciteit`.

The compilation (Data Bewijst / Follow the Money, about 2021) puts every province's figures in
one wide sheet, but provinces deliver differently: Zuid-Holland phases hard and zacht and has
plans of unknown hardheid; Overijssel, Friesland and Groningen give only a total per hardheid;
Drenthe only one total. So a gemeente's phased cells are stored where it has them, and a total
is stored (periode `ongefaseerd`) only for what has no phased cells.

The `onbekend_*` columns are read as their name says: plans of unknown hardheid in that period.
Zuid-Holland's htotaal and ztotaal nevertheless include them (htotaal = hard phases +
onbekend_2021-2024 in most of its rows), so sums per hardheid there differ from the sheet's
totals while the gemeente total agrees.

The totals in the sheet are used to check the stored figures. In the real file 39 gemeenten do
not add up (the Zuid-Holland effect above, and e.g. Voorschoten: hard phases 792, htotaal 325).
That is how the provinces delivered them: the user cannot repair it and the loader cannot know
which figure is right, so it is a warning in the build output, not a problem that would refuse
the official file. The stored rows are the sheet's own figures, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources.buurtnamen import NameIndex
from data_sources.readers import read_csv_strings
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

KEY = "plancapaciteit"
TABLE = "plancapaciteit"

# (column in the sheet, hardheid, periode): the finest cells the sheet has.
CELLS: tuple[tuple[str, str, str], ...] = (
    ("h2020-2024", "hard", "2020-2024"),
    ("h2025-2029", "hard", "2025-2029"),
    ("h2030+", "hard", "2030+"),
    # zacht starts in 2021 in the sheet's header; the periods are the same five-year blocks
    ("z2021-2024", "zacht", "2020-2024"),
    ("z2025-2029", "zacht", "2025-2029"),
    ("z2030+", "zacht", "2030+"),
    ("onbekend_2021-2024", "onbekend", "2020-2024"),
    ("onbekend_2025-2029", "onbekend", "2025-2029"),
)
_HARD = tuple(c for c, h, _ in CELLS if h == "hard")
_ZACHT = tuple(c for c, h, _ in CELLS if h == "zacht")
# (total column, hardheid, the columns that make it redundant): a total is stored, as periode
# `ongefaseerd`, only when none of those columns has a value for the gemeente.
FALLBACKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("htotaal", "hard", _HARD),
    ("ztotaal", "zacht", _ZACHT),
    ("totaal", "onbekend", tuple(c for c, _, _ in CELLS) + ("htotaal", "ztotaal")),
)
# (total column, the hardheid whose stored rows it must equal; None: all rows).
TOTALS: tuple[tuple[str, str | None], ...] = (("htotaal", "hard"), ("ztotaal", "zacht"), ("totaal", None))
UNPHASED = "ongefaseerd"
TOLERANCE = 0.5  # woningen; some provinces spread plans over years in fractions

INPUT = Schema(
    name="plancapaciteit_nl",
    key=("gemeente",),
    columns=(
        Column("provincie", "str", "provincie"),
        Column("gemeente", "str", "gemeentenaam"),
        *(Column(c, "float", f"woningen {h}, {p}", nullable=True) for c, h, p in CELLS),
        *(Column(c, "float", f"totaal {h or 'alle plannen'}", nullable=True) for c, h in TOTALS),
    ),
)
OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "gemeente_code": pl.String(),
    "gemeente_naam": pl.String(),
    "provincie": pl.String(),
    "hardheid": pl.String(),
    "periode": pl.String(),
    "woningen": pl.Float64(),
}


def _tidy(wide: pl.DataFrame) -> pl.DataFrame:
    ids = ("gemeente", "provincie")
    parts = [wide.select(*ids, pl.lit(h).alias("hardheid"), pl.lit(p).alias("periode"), pl.col(c).alias("woningen")) for c, h, p in CELLS]
    for total, hardheid, redundant_if in FALLBACKS:
        unphased = ~pl.any_horizontal(pl.col(c).is_not_null() for c in redundant_if)
        parts.append(
            wide.filter(unphased).select(*ids, pl.lit(hardheid).alias("hardheid"), pl.lit(UNPHASED).alias("periode"), pl.col(total).alias("woningen"))
        )
    return pl.concat(parts).filter(pl.col("woningen").is_not_null())


def _n(woningen: float) -> str:
    return f"{woningen:,.0f}".replace(",", ".")


def _mismatches(wide: pl.DataFrame, tidy: pl.DataFrame) -> list[str]:
    """Gemeenten whose stored rows do not add up to a total in the sheet, as short Dutch lines."""
    sums = tidy.group_by("gemeente").agg(
        pl.col("woningen").filter(pl.col("hardheid") == h).sum().alias(t) if h else pl.col("woningen").sum().alias(t) for t, h in TOTALS
    )
    joined = wide.select("gemeente", *(pl.col(t).alias(f"{t}_bestand") for t, _ in TOTALS)).join(sums, on="gemeente", how="left")
    out = []
    for r in joined.iter_rows(named=True):
        off = [
            f"{total} {_n(r[f'{total}_bestand'])}, opgeteld {_n(r[total] or 0.0)}"
            for total, _ in TOTALS
            if r[f"{total}_bestand"] is not None and abs(r[f"{total}_bestand"] - (r[total] or 0.0)) > TOLERANCE
        ]
        if off:
            out.append(f"{r['gemeente']}: " + ", ".join(off))
    return out


def _read_file(path: Path, ctx: Context, gemeenten: NameIndex | None) -> pl.DataFrame | None:
    raw = read_csv_strings(path, ctx.problems)
    if raw is None:
        return None
    wide = INPUT.coerce(raw, str(path), ctx.problems)
    if wide.height == 0:
        return None
    tidy = _tidy(wide)
    mismatches = _mismatches(wide, tidy)
    ctx.progress(f"    {path.name}: {wide.height} gemeenten, {tidy.height} cellen")
    if mismatches:
        ctx.progress(
            f"    waarschuwing: bij {len(mismatches)} gemeenten tellen de cijfers niet op tot de totalen in het bestand "
            f"(opgeslagen zijn de cijfers zelf), o.a. " + "; ".join(mismatches[:3])
        )
    names = wide["gemeente"].unique().to_list()
    codes = {n: gemeenten.code(n) if gemeenten else None for n in names}
    if gemeenten is not None:
        unknown = sorted(n for n, c in codes.items() if c is None)
        if unknown:
            ctx.progress(f"    {len(unknown)} gemeentenamen niet in de CBS-gemeentelijst (gemeente_code leeg), o.a. {', '.join(unknown[:5])}")
    return tidy.select(
        pl.col("gemeente").replace_strict(codes, return_dtype=pl.String()).alias("gemeente_code"),
        pl.col("gemeente").alias("gemeente_naam"),
        "provincie",
        "hardheid",
        "periode",
        "woningen",
    )


def _check_build_gemeente(files: Sequence[Path], ctx: Context, gemeenten: NameIndex, table: pl.DataFrame) -> None:
    """The build gemeente must be in the files, found by its CBS name."""
    if ctx.gemeente in table["gemeente_code"]:
        return
    shown = ", ".join(p.name for p in files)
    naam = gemeenten.names.get(ctx.gemeente)
    if naam is None:
        ctx.problems.add(shown, f"gemeente {ctx.gemeente} staat niet in de CBS-gemeentelijst, dus de naam is onbekend", value=ctx.gemeente,
                         expected="een gemeentecode uit het CBS-bestand van [cbs_regios]")
        return
    in_files = NameIndex(((n, n) for n in table["gemeente_naam"].unique()), {})
    close = ", ".join(f"'{n}'" for n, _ in in_files.closest(naam))
    ctx.problems.add(shown, f"gemeente {naam} ({ctx.gemeente}) komt niet voor in het bestand", column="gemeente", value=naam,
                     expected=f"een regel met gemeente '{naam}'" + (f"; lijkt op {close}" if close else "; is dit het landelijke overzicht?"))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    regios = ctx.need_regios(KEY, files[0], "gemeentenamen aan CBS-gemeentecodes te koppelen") if files else None
    gemeenten = None
    if regios is not None:
        frame = regios["gemeenten"]
        gemeenten = NameIndex(zip(frame["gemeente_code"], frame["gemeente_naam"]), {})
    frames = [f for f in (_read_file(p, ctx, gemeenten) for p in files) if f is not None]
    table = pl.concat(frames) if frames else pl.DataFrame(schema=OUTPUT_SCHEMA)
    if gemeenten is not None and frames:
        _check_build_gemeente(files, ctx, gemeenten, table)
    dup = table.select(pl.struct("gemeente_naam", "hardheid", "periode").is_duplicated()).to_series()
    for naam in table.filter(dup)["gemeente_naam"].unique().sort():
        ctx.problems.add(", ".join(p.name for p in files), f"gemeente {naam} staat in meer dan een bestand", value=naam,
                         expected="elke gemeente in een bestand")
    return {TABLE: table.cast(OUTPUT_SCHEMA)}


SOURCE = Source(
    key=KEY,
    title="Plancapaciteit woningbouw per gemeente (provincies)",
    description=(
        "Geplande woningen per gemeente naar hardheid (hard, zacht, onbekend) en periode, uit de provinciale "
        "plancapaciteitsmonitors (verzameld door Data Bewijst / Follow the Money). Voor vergelijking met andere gemeenten."
    ),
    publisher="Provincies (verzameld door Data Bewijst / Follow the Money)",
    owner="Wonen en Ruimtelijke Ordening, gemeente {gemeente}",
    steward="Databrigade",
    licence="niet vermeld in de bron (openbare provinciale monitors)",
    refresh="jaarlijks",
    personal_data=False,
    tables=(Table(TABLE, ("gemeente_naam", "hardheid", "periode"), "Geplande woningen van een gemeente met een hardheid in een periode."),),
    read=read,
    needs=("cbs_regios",),
    checks=(
        # Gemeenten merged since the compilation keep their old name and get no code.
        Check(TABLE, "completeness", "Gemeentenamen zijn gekoppeld aan een CBS-gemeentecode", column="gemeente_code", threshold=0.9),
    ),
)
