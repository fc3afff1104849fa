"""Meldingen openbare ruimte (MOR): one row per melding, format: FORMATS.md.

`datum` may carry a time (JJJJ-MM-DD UU:MM[:SS], with a space or a T); the warehouse keeps the
date. afgehandeld_op is filled exactly when the status is afgehandeld. The build adds
afhandel_werkdagen (WAREHOUSE.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import internal_csv as csv
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

CATEGORIEEN = (
    "afval",
    "zwerfafval",
    "groen",
    "straatverlichting",
    "bestrating",
    "verkeersborden",
    "riolering",
    "wateroverlast",
    "gladheid",
    "ongedierte",
    "dieren",
    "overlast",
    "graffiti",
    "speelvoorzieningen",
    "overig",
)
STATUSSEN = ("open", "in behandeling", "afgehandeld")
AFGEHANDELD = "afgehandeld"
_DATETIME = r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"

MAX_AGE_DAYS = 14  # exports come weekly: older data means a missed export

SCHEMA = Schema(
    name="meldingen",
    description="Meldingen openbare ruimte, een regel per melding",
    key=("melding_id",),
    columns=(
        Column("melding_id", "str", "Nummer van de melding"),
        Column("datum", "date", "Datum (en eventueel tijd) van de melding"),
        Column("categorie", "str", "Hoofdcategorie van de melding", allowed=CATEGORIEEN),
        Column("buurt_code", "str", "CBS-buurtcode van de locatie", pattern=r"BU\d{8}", pattern_hint="BU gevolgd door 8 cijfers, bijv. BU01931000"),
        Column("status", "str", "Status op het moment van de export", allowed=STATUSSEN),
        Column("afgehandeld_op", "date", "Datum van afhandeling; alleen en verplicht bij status afgehandeld", nullable=True),
    ),
)

OUTPUT = ("melding_id", "datum", "categorie", "buurt_code", "wijk_code", "status", "afgehandeld_op")

# Counted once here (WAREHOUSE.md) so that "binnen termijn" compares a stored number: counted per
# melding in each query it was the slowest question about the meldingen (demo scale 30, cold:
# 0.04-0.05 s, now 0.014-0.02 s, for 0.2 s of this build).
AFHANDEL_WERKDAGEN = "afhandel_werkdagen"


def _date_part(raw: pl.DataFrame, column: str) -> pl.DataFrame:
    """A date-time keeps only its date, so the schema checks the date as any other."""
    if column not in raw.columns:
        return raw
    v = pl.col(column).str.strip_chars()
    # The date is the first ten characters of a match: a slice, not the regex run again to extract it.
    return raw.with_columns(pl.when(v.str.contains(_DATETIME)).then(v.str.slice(0, 10)).otherwise(v).alias(column))


def _dates(raw: pl.DataFrame) -> pl.DataFrame:
    return _date_part(_date_part(raw, "datum"), "afgehandeld_op")


def _read_file(path: Path, ctx: Context) -> pl.DataFrame | None:
    return csv.read_typed(path, ctx, SCHEMA, prepare=_dates)


def check_rows(frame: pl.DataFrame, ctx: Context) -> None:
    p = ctx.problems
    done = pl.col("status") == AFGEHANDELD
    csv.report(
        p,
        frame,
        done & pl.col("afgehandeld_op").is_null(),
        "afgehandeld_op",
        "afgehandelde melding zonder datum van afhandeling",
        "de datum van afhandeling (JJJJ-MM-DD)",
    )
    csv.report(
        p,
        frame,
        pl.col("status").is_not_null() & ~done & pl.col("afgehandeld_op").is_not_null(),
        "afgehandeld_op",
        "datum van afhandeling bij een melding die niet is afgehandeld",
        "leeg, of status afgehandeld",
    )
    csv.report(
        p,
        frame,
        pl.col("afgehandeld_op") < pl.col("datum"),
        "afgehandeld_op",
        "afgehandeld voor de datum van de melding",
        "een datum op of na de meldingsdatum",
    )


def werkdagen(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """The working days from `start` to `end` exactly as the metrics' werkdagen(a, b) counts them
    (metrics.sql.render): Monday to Friday strictly after `start` up to and including `end`, 0
    when `end` is not later, null when either is null."""
    day = pl.duration(days=1)
    # business_day_count counts from its start up to but excluding its end: both a day later.
    counted = pl.business_day_count(start + day, end + day)
    return pl.when(end > start).then(counted).when(end <= start).then(pl.lit(0, dtype=pl.Int32))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    frame = csv.load(files, ctx, SCHEMA, check_rows, read_file=_read_file)
    if frame is None:
        return {}
    frame = csv.with_wijk(frame, ctx)
    return {"meldingen": frame.select(*OUTPUT, werkdagen(pl.col("datum"), pl.col("afgehandeld_op")).alias(AFHANDEL_WERKDAGEN))}


SOURCE = Source(
    key="meldingen",
    title="Meldingen openbare ruimte",
    description=(
        "Meldingen openbare ruimte (MOR) van inwoners: per melding de datum, categorie, buurt, status en "
        "datum van afhandeling. Voor aantallen per wijk, seizoenspatronen en afhandeltijden."
    ),
    publisher="Gemeente {gemeente}",
    owner="Gemeente {gemeente}, beheer openbare ruimte",
    steward="Team Stadsbeheer (meldingensysteem)",
    licence="Intern; geaggregeerd openbaar",
    refresh="wekelijks",
    personal_data=False,
    tables=(Table("meldingen", ("melding_id",), "Een melding openbare ruimte"),),
    read=read,
    checks=(Check("meldingen", "freshness", "De nieuwste melding is hooguit twee weken oud", column="datum", threshold=MAX_AGE_DAYS),),
    max_age_days=MAX_AGE_DAYS,
)
