"""Registraties overlast per wijk en buurt (CBS/Politie 47024NED, "Registraties overlast; soort
overlast, wijk, buurt", monthly).

The table has the layout of the misdrijven tables: dimensions Overlast, WijkenEnBuurten and
Perioden, topic GeregistreerdeOverlast_1 beside Gemeentenaam_2 and SoortRegio_3. Any export
shape cbs_odata reads is accepted; the Overlast dimension file gives titles and definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources import politie
from data_sources.source import Check, Context, Source, Table

# Freshness is judged on `jaar` (current until 31 December): January's figures appear about two
# months later, so a year without any month by the end of April is overdue.
MAX_AGE_DAYS = 120

CUBE = politie.cube("Overlast", "soort overlast", cbs.Measure("aantal", "GeregistreerdeOverlast_1", "Registraties overlast"))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    return politie.read(files, ctx, CUBE, "overlast", "soorten_overlast")


SOURCE = Source(
    key="politie_overlast",
    title="Registraties overlast per wijk en buurt",
    description=(
        "Door de politie geregistreerde meldingen van overlast per soort (verward persoon, jeugd, "
        "alcohol/drugs, geluid, ...), per wijk en buurt en per maand (CBS/Politie 47024NED). "
        "Gebruikt voor het veiligheidsbeeld van de lokale driehoek."
    ),
    publisher="Politie, via CBS Open Data",
    owner="Team Veiligheid (gemeente {gemeente}); bron CBS/Politie",
    steward="Databrigade",
    licence="CC BY 4.0",
    refresh="maandelijks",
    personal_data=False,
    tables=(
        Table("overlast", ("periode_code", "regio_code", "soort_code"), "Aantal registraties overlast per periode, regio en soort overlast"),
        Table("soorten_overlast", ("soort_code",), "De soorten overlast van de politie, met hun definitie"),
    ),
    read=read,
    checks=(
        Check("overlast", "freshness", "Er zijn recente maandcijfers", column="jaar", threshold=MAX_AGE_DAYS),
        Check("overlast", "completeness", "Aantallen zijn ingevuld (niet geheim)", column="aantal", threshold=0.95),
        cbs.buurt_sum_check("overlast", "registraties overlast", politie.TOTAAL),
    ),
    max_age_days=MAX_AGE_DAYS,
)
