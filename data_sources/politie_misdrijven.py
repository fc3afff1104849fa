"""Geregistreerde misdrijven per wijk en buurt (CBS/Politie 47018NED yearly, 47022NED monthly).

Files: the data (cbsodataR CSV, TypedDataSet JSON or CSV, or cbsodata output with names) and
optionally the dimension files SoortMisdrijf, WijkenEnBuurten and Perioden, which also let a
names-only export be read. The crime types come from the SoortMisdrijf dimension when it is
listed, else from the `SoortMisdrijf_label` column cbsodataR writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources import politie
from data_sources.source import Check, Context, Source, Table

# Woninginbraak, geweldsmisdrijven, straatroof and overval (WAREHOUSE.md).
HIGH_IMPACT = frozenset({"1.1.1", "1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5", "1.4.6", "1.4.7"})
# Our grouping of the politie classification by its first digit.
HOOFDGROEPEN = {"0": "Totaal", "1": "Veiligheid", "2": "Leefbaarheid", "3": "Integriteit"}
# Yearly figures for year Y appear in January of Y+1; a year later they are due again.
MAX_AGE_DAYS = 430

CUBE = politie.cube("SoortMisdrijf", "soort misdrijf", cbs.Measure("aantal", "GeregistreerdeMisdrijven_1", "Geregistreerde misdrijven"))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    return politie.read(files, ctx, CUBE, "misdrijven", "soorten_misdrijf", soorten)


def soorten(reference: pl.DataFrame) -> pl.DataFrame:
    """The crime types: title without its leading code, hoofdgroep by first digit, high impact."""
    code = pl.col("soort_code")
    return reference.select(
        code,
        pl.col("titel").str.replace(r"^\d+(?:\.\d+)+\s+", "").alias("titel"),
        "omschrijving",
        code.str.slice(0, 1).replace_strict(HOOFDGROEPEN, default=None, return_dtype=pl.String).alias("hoofdgroep"),
        code.is_in(HIGH_IMPACT).alias("high_impact"),
    )


SOURCE = Source(
    key="politie_misdrijven",
    title="Geregistreerde misdrijven per wijk en buurt",
    description=(
        "Door de politie geregistreerde misdrijven per soort, per wijk en buurt, per jaar of maand "
        "(CBS/Politie 47018NED en 47022NED). Gebruikt voor het veiligheidsbeeld van de lokale driehoek."
    ),
    publisher="Politie, via CBS Open Data",
    owner="Team Veiligheid (gemeente {gemeente}); bron CBS/Politie",
    steward="Databrigade",
    licence="CC BY 4.0",
    refresh="jaarlijks (jaarcijfers) of maandelijks (maandcijfers)",
    personal_data=False,
    tables=(
        Table("misdrijven", ("periode_code", "regio_code", "soort_code"), "Aantal geregistreerde misdrijven per periode, regio en soort misdrijf"),
        Table("soorten_misdrijf", ("soort_code",), "De soorten misdrijf van de politie, met hoofdgroep en of het een high-impact crime is"),
    ),
    read=read,
    checks=(
        Check("misdrijven", "freshness", "De nieuwste periode is niet ouder dan een publicatiecyclus", column="jaar", threshold=MAX_AGE_DAYS),
        Check("misdrijven", "completeness", "Aantallen zijn ingevuld (niet geheim)", column="aantal", threshold=0.95),
        cbs.buurt_sum_check("misdrijven", "misdrijven", politie.TOTAAL),
    ),
    max_age_days=MAX_AGE_DAYS,
)
