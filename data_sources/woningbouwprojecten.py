"""Woningbouwprojecten: the municipality's housing programme, one row per project per segment.

Format: FORMATS.md (long: a project with three segments has three rows). The project fields
(naam, buurt, status, dates) must be the same on every row of a project.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import internal_csv as csv
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

STATUSSEN = ("idee", "zacht", "hard", "in aanbouw", "opgeleverd")
OPGELEVERD = "opgeleverd"
ZONDER_PLANNING = ("idee",)  # statuses that may lack a geplande_oplevering
SEGMENTEN = ("sociale huur", "middenhuur", "betaalbare koop", "dure koop")
PROJECT_FIELDS = ("project_naam", "buurt_code", "status", "geplande_oplevering", "werkelijke_oplevering")

SCHEMA = Schema(
    name="woningbouwprojecten",
    description="Woningbouwprojecten, een regel per project per segment",
    key=("project_id", "segment"),
    columns=(
        Column("project_id", "str", "Projectnummer"),
        Column("project_naam", "str", "Naam van het project"),
        Column(
            "buurt_code", "str", "CBS-buurtcode van de projectlocatie", pattern=r"BU\d{8}", pattern_hint="BU gevolgd door 8 cijfers, bijv. BU01932260"
        ),
        Column("status", "str", "Planstatus", allowed=STATUSSEN),
        Column("segment", "str", "Woningmarktsegment", allowed=SEGMENTEN),
        Column("woningen", "int", "Aantal woningen in dit segment", min=1),
        Column("geplande_oplevering", "date", "Geplande opleverdatum; mag leeg bij status idee", nullable=True),
        Column("werkelijke_oplevering", "date", "Werkelijke opleverdatum; alleen en verplicht bij status opgeleverd", nullable=True),
    ),
)

OUTPUT = (
    "project_id",
    "project_naam",
    "buurt_code",
    "wijk_code",
    "status",
    "segment",
    "woningen",
    "geplande_oplevering",
    "werkelijke_oplevering",
)


def check_rows(frame: pl.DataFrame, ctx: Context) -> None:
    p = ctx.problems
    delivered = pl.col("status") == OPGELEVERD
    csv.report(
        p,
        frame,
        delivered & pl.col("werkelijke_oplevering").is_null(),
        "werkelijke_oplevering",
        "opgeleverd project zonder werkelijke opleverdatum",
        "de datum van oplevering (JJJJ-MM-DD)",
    )
    csv.report(
        p,
        frame,
        pl.col("status").is_not_null() & ~delivered & pl.col("werkelijke_oplevering").is_not_null(),
        "werkelijke_oplevering",
        "werkelijke opleverdatum bij een project dat nog niet is opgeleverd",
        "leeg, of status opgeleverd",
    )
    csv.report(
        p,
        frame,
        pl.col("status").is_not_null() & ~pl.col("status").is_in(ZONDER_PLANNING) & pl.col("geplande_oplevering").is_null(),
        "geplande_oplevering",
        "geplande opleverdatum ontbreekt",
        "een datum (alleen bij status idee mag dit leeg zijn)",
    )
    for field in PROJECT_FIELDS:
        csv.report(
            p,
            frame,
            pl.col(field).n_unique().over("project_id") > 1,
            field,
            "verschilt tussen de regels van hetzelfde project",
            f"dezelfde {field} op elke regel van een project_id",
        )


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    frame = csv.load(files, ctx, SCHEMA, check_rows)
    if frame is None:
        return {}
    frame = csv.with_wijk(frame, ctx)
    return {"woningbouwprojecten": frame.select(OUTPUT)}


SOURCE = Source(
    key="woningbouwprojecten",
    title="Woningbouwprojecten",
    description=(
        "Het woningbouwprogramma van de gemeente: per project en segment (sociale huur, middenhuur, "
        "betaalbare en dure koop) het aantal woningen, de planstatus van idee tot opgeleverd en de "
        "geplande en werkelijke oplevering. Voor de woningbouwopgave per wijk en buurt."
    ),
    publisher="Gemeente {gemeente}",
    owner="Gemeente {gemeente}, programma Wonen",
    steward="Team Ruimtelijke Ontwikkeling (woningbouwmonitor)",
    licence="Intern; geaggregeerd openbaar",
    refresh="per kwartaal",
    personal_data=False,
    tables=(Table("woningbouwprojecten", ("project_id", "segment"), "Een segment van een woningbouwproject met het aantal woningen"),),
    read=read,
    checks=(
        Check(
            "woningbouwprojecten",
            "completeness",
            "Geplande oplevering is ingevuld",
            column="geplande_oplevering",
            threshold=0.9,
        ),
    ),
)
