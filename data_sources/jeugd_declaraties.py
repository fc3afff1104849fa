"""Declaraties jeugdhulp: per toewijzing per month of care (iJw JW303), format: FORMATS.md.

Every declaratie must belong to a toewijzing in the toewijzingen export of the same build; the
build hands those over in `ctx.tables` (that source is read first and declared in `needs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import internal_csv as csv
from data_sources import jeugd_reference as ref
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

# Status of a line as the gemeente processed it. A credit line (negative bedrag) reverses an
# earlier approved line and always has status gecrediteerd; see FORMATS.md.
STATUSSEN = ("ingediend", "goedgekeurd", "afgekeurd", "gecrediteerd")
CREDIT = "gecrediteerd"

MAX_AGE_DAYS = 45  # exports come monthly: older data means a missed export

SCHEMA = Schema(
    name="jeugd_declaraties",
    description="Declaratieregels jeugdhulp (iJw JW303), een regel per toewijzing per zorgmaand",
    key=("declaratie_id",),
    columns=(
        Column("declaratie_id", "str", "Nummer van de declaratieregel, uniek"),
        Column("toewijzing_id", "str", "Nummer van de toewijzing waarop gedeclareerd wordt"),
        Column("maand", "date", "Maand van de zorg: JJJJ-MM, of een datum in die maand"),
        Column("bedrag", "float", "Bedrag in euro; negatief voor een creditregel"),
        Column("status", "str", "Status van de regel", allowed=STATUSSEN),
        Column("ingediend_op", "date", "Datum waarop de aanbieder de regel indiende"),
    ),
)

OUTPUT = ("declaratie_id", "toewijzing_id", "maand", "bedrag", "status", "ingediend_op")


def _month_as_date(raw: pl.DataFrame) -> pl.DataFrame:
    """JJJJ-MM becomes the first day of that month so the schema can type it as a date."""
    if "maand" not in raw.columns:
        return raw
    m = pl.col("maand").str.strip_chars()
    return raw.with_columns(pl.when(m.str.contains(r"^\d{4}-\d{2}$")).then(m + "-01").otherwise(m).alias("maand"))


def _read_file(path: Path, ctx: Context) -> pl.DataFrame | None:
    frame = csv.read_typed(path, ctx, SCHEMA, prepare=_month_as_date)
    if frame is None:
        return None
    return frame.with_columns(pl.col("maand").dt.month_start())


def check_rows(frame: pl.DataFrame, ctx: Context) -> None:
    p = ctx.problems
    credit = pl.col("status") == CREDIT
    csv.report(
        p,
        frame,
        credit & (pl.col("bedrag") >= 0),
        "bedrag",
        "creditregel zonder negatief bedrag",
        "een negatief bedrag bij status gecrediteerd",
    )
    csv.report(
        p,
        frame,
        ~credit & (pl.col("bedrag") < 0),
        "status",
        "negatief bedrag bij een regel die geen creditregel is",
        "status gecrediteerd bij een negatief bedrag",
    )
    csv.report(
        p,
        frame,
        pl.col("ingediend_op") < pl.col("maand"),
        "ingediend_op",
        "ingediend voor het begin van de zorgmaand",
        "een indiendatum in of na de maand van de zorg",
    )
    toewijzingen = ctx.tables.get("jeugd_toewijzingen")
    if toewijzingen is not None:
        known = toewijzingen["toewijzing_id"].unique()
        csv.report(
            p,
            frame,
            pl.col("toewijzing_id").is_not_null() & ~pl.col("toewijzing_id").is_in(known.implode()),
            "toewijzing_id",
            "toewijzing niet gevonden in de toewijzingen",
            "een toewijzing_id uit het bestand van [jeugd_toewijzingen]",
        )


# Copied onto each line from its toewijzing (WAREHOUSE.md): a question per jeugdige or per wijk
# then reads the declaraties alone instead of joining some 700,000 toewijzingen on a string key,
# which is most of such a question in a fresh server process (demo scale 30: the jeugdigen of a
# year 0.21-0.35 -> 0.04 s, a wijkmanager's lasten per jeugdige 0.05 -> 0.02 s).
FROM_TOEWIJZING = ("client_key", "wijk_code")


def warehouse_order(frame: pl.DataFrame, toewijzingen: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """The row positions of the declaraties in the order the warehouse stores them (WAREHOUSE.md,
    row order), and for the lines in that order the columns FROM_TOEWIJZING of their toewijzing
    (null when it is not in the export): by year of care, then in the order of the toewijzingen
    (by wijk and id, jeugd_toewijzingen.read), then month.

    A year stays one run of rows, so a question about a period still skips the other years
    (DuckDB's min/max per row group); within a year the lines of one wijk and one toewijzing lie
    together, which about halves the join with the toewijzingen and the count per person (demo
    scale 30, CPU: a wijkmanager's year 0.13 -> 0.07 s, the gemeente's 0.33 -> 0.18 s). Sorted
    here, on one integer key, for about 3.5 s CPU at that scale: DuckDB sorting it while writing
    spills past the build's memory limit (four times the wall time), and a sort on the two
    strings costs twice as much. Stable, so a build of the same files writes the same order."""
    order = toewijzingen.select("toewijzing_id", *FROM_TOEWIJZING).sort("wijk_code", "toewijzing_id", nulls_last=True)
    order = order.with_columns(_plaats=pl.int_range(pl.len(), dtype=pl.UInt64))
    # Only the columns the key needs are joined and sorted, not the frame: each copy of millions
    # of lines is half a gigabyte at scale 30, where the build must stay under 2 GB.
    plaats = frame.select("toewijzing_id").join(order.select("toewijzing_id", "_plaats"), on="toewijzing_id", how="left", maintain_order="left")["_plaats"]
    maand = frame["maand"]
    # year | place of the toewijzing (unknown last) | month, as one number
    key = maand.dt.year().cast(pl.UInt64) * 2**36 + plaats.fill_null(2**31) * 2**4 + maand.dt.month().cast(pl.UInt64)
    index = pl.DataFrame({"key": key}).with_row_index("rij").sort("key", maintain_order=True)["rij"]
    # A gather of string views shares the toewijzingen' buffers: 16 bytes a line, not a copy of the strings.
    return index, order.select(FROM_TOEWIJZING).gather(plaats.gather(index))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    frame = csv.load(files, ctx, SCHEMA, check_rows, read_file=_read_file)
    if frame is None:
        return {}
    frame = frame.select(OUTPUT)
    toewijzingen = ctx.tables.get("jeugd_toewijzingen")
    if toewijzingen is None:  # read on its own, without the build: no toewijzing to copy from
        return {"jeugd_declaraties": frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in FROM_TOEWIJZING), **ref.tables()}
    index, copied = warehouse_order(frame, toewijzingen)
    columns = frame.get_columns()
    del frame
    # Column by column, each original let go once its reordered copy is made: the build holds
    # one column twice at a time, not the whole table.
    frame = pl.DataFrame([columns.pop(0).gather(index) for _ in range(len(columns))]).hstack(copied.get_columns())
    return {"jeugd_declaraties": frame, **ref.tables()}


SOURCE = Source(
    key="jeugd_declaraties",
    title="Declaraties jeugdhulp",
    description=(
        "Declaratieregels jeugdhulp uit het iJw-berichtenverkeer (JW303): per toewijzing per zorgmaand het "
        "bedrag, de status en de indiendatum, inclusief creditregels. Basis voor de realisatie en de "
        "jaareindprognose, die corrigeert voor declaraties die nog niet binnen zijn."
    ),
    publisher="Gemeente {gemeente}",
    owner="Gemeente {gemeente}, beleidsveld Jeugd (budgethouder)",
    steward="Team Financiën Sociaal Domein (declaratieverwerking)",
    licence="Intern; niet openbaar (via toewijzing_id herleidbaar tot een gepseudonimiseerde jeugdige)",
    refresh="maandelijks",
    personal_data=True,
    tables=(
        Table("jeugd_declaraties", ("declaratie_id",), "Een declaratieregel: een bedrag voor een toewijzing in een zorgmaand"),
        *ref.TABLES,
    ),
    read=read,
    needs=("jeugd_toewijzingen",),
    checks=(
        Check("jeugd_declaraties", "freshness", "De nieuwste declaratie is hooguit anderhalve maand oud", column="ingediend_op", threshold=MAX_AGE_DAYS),
    ),
    max_age_days=MAX_AGE_DAYS,
)
