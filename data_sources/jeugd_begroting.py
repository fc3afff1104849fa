"""Begroting jeugd per jaar, Iv3-taakveld and productcategoriegroep (format: FORMATS.md).

A taakveld must be valid in the begrotingsjaar: 6.72 and 6.82 up to 2022, their sub-taakvelden
from 2023 (Iv3). Trends across 2023 go through `iv3_taakvelden.reeks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import internal_csv as csv
from data_sources import jeugd_reference as ref
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

SCHEMA = Schema(
    name="jeugd_begroting",
    description="Begroting jeugd per jaar, taakveld en productcategoriegroep",
    key=("jaar", "taakveld", "productcategorie_groep"),
    columns=(
        Column("jaar", "int", "Begrotingsjaar", min=ref.IV3_START),
        Column("taakveld", "str", "Iv3-taakveld", allowed=tuple(t.code for t in ref.TAAKVELDEN)),
        Column("productcategorie_groep", "str", "Groep van productcategorieën", allowed=ref.GROEPEN),
        Column("primitieve_begroting", "float", "Begroting zoals vastgesteld voor het jaar, in euro", min=0),
        Column("actuele_begroting", "float", "Begroting na de laatste begrotingswijziging, in euro", min=0),
    ),
)

OUTPUT = SCHEMA.names


def _valid_years_hint() -> str:
    old = [t.code for t in ref.TAAKVELDEN if t.geldig_tot is not None]
    new = [t.code for t in ref.TAAKVELDEN if t.geldig_tot is None]
    return f"tot en met {ref.IV3_SPLITSING - 1}: {', '.join(old)}; vanaf {ref.IV3_SPLITSING}: {', '.join(new)}"


def check_rows(frame: pl.DataFrame, ctx: Context) -> None:
    taakvelden = ref.tables()["iv3_taakvelden"].select("taakveld", "geldig_vanaf", "geldig_tot")
    joined = frame.join(taakvelden, on="taakveld", how="left", maintain_order="left")
    outside = (pl.col("jaar") < pl.col("geldig_vanaf")) | (pl.col("jaar") > pl.col("geldig_tot"))
    csv.report(ctx.problems, joined, outside, "taakveld", "taakveld geldt niet in dit begrotingsjaar", _valid_years_hint())


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    frame = csv.load(files, ctx, SCHEMA, check_rows)
    if frame is None:
        return {}
    return {"jeugd_begroting": frame.select(OUTPUT).cast({"jaar": pl.Int32}), **ref.tables()}


SOURCE = Source(
    key="jeugd_begroting",
    title="Begroting jeugd",
    description=(
        "Primitieve en actuele begroting jeugd per jaar, Iv3-taakveld en productcategoriegroep, uit de "
        "financiële administratie. Om de realisatie en de jaareindprognose tegen af te zetten."
    ),
    publisher="Gemeente {gemeente}",
    owner="Gemeente {gemeente}, beleidsveld Jeugd (budgethouder)",
    steward="Concerncontrol / team Financiën Sociaal Domein",
    licence="Intern; de vastgestelde begroting is openbaar",
    refresh="bij elke begrotingswijziging",
    personal_data=False,
    tables=(
        Table("jeugd_begroting", ("jaar", "taakveld", "productcategorie_groep"), "Begroting jeugd voor een jaar, taakveld en groep"),
        *ref.TABLES,
    ),
    read=read,
    checks=(Check("jeugd_begroting", "freshness", "De begroting van het lopende jaar is aanwezig", column="jaar", threshold=0),),
)
