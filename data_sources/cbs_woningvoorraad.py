"""Voorraad woningen; mutaties per gemeente (CBS 81955NED, "Voorraad woningen en niet-woningen;
mutaties, gebruiksfunctie, regio").

Dimensions Gebruiksfunctie, RegioS and Perioden; one row per gemeente and year with the stock on
1 January, the additions and withdrawals during the year, and the stock at the end. Every
gemeente is kept: other gemeenten are the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources.source import Check, Context, Source, Table

# Gebruiksfunctie "woningen"; the other codes count niet-woningen.
WONINGEN = "A045364"
# Mutaties of year Y appear in the course of Y+1.
MAX_AGE_DAYS = 550

CUBE = cbs.Cube(
    regio="RegioS",
    categorie="Gebruiksfunctie",
    categorie_what="gebruiksfunctie",
    periode="Perioden",
    measures=(
        cbs.Measure("beginstand", "BeginstandVoorraad_1", "Beginstand voorraad"),
        cbs.Measure("nieuwbouw", "Nieuwbouw_2", "Nieuwbouw"),
        cbs.Measure("overige_toevoeging", "OverigeToevoeging_3", "Overige toevoeging"),
        cbs.Measure("sloop", "Sloop_4", "Sloop"),
        cbs.Measure("overige_onttrekking", "OverigeOnttrekking_5", "Overige onttrekking"),
        cbs.Measure("correctie", "Correctie_6", "Correctie"),
        cbs.Measure("saldo", "SaldoVoorraad_7", "Saldo voorraad"),
        cbs.Measure("eindstand", "EindstandVoorraad_8", "Eindstand voorraad"),
    ),
    scopes=frozenset({"alle_gemeenten"}),
)

MEASURES = tuple(m.column for m in CUBE.measures)
_OWN = "gemeente_code = (SELECT gemeente FROM builds)"


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    found = cbs.read_files(files, ctx.problems)
    data = cbs.read_cube(found, CUBE, ctx)
    if data is None:
        return {}
    woningen = data.filter(pl.col("soort_code") == WONINGEN)
    if data.height and woningen.height == 0:
        shown = ", ".join(sorted(data["soort_code"].unique().to_list())[:10])
        ctx.problems.add(
            ", ".join(str(d.path) for d in found.data),
            f"geen rijen voor gebruiksfunctie {WONINGEN} (woningen); aanwezig: {shown}",
            column=CUBE.categorie,
            value=shown,
            expected=f"een export van 81955NED met Gebruiksfunctie {WONINGEN}",
        )
    # Other periods than years would double the mutaties; gemeenten that did not exist in a year
    # (before a merger, or after it) have no figures at all and no row.
    years = woningen.filter(pl.col("maand").is_null() & pl.col("kwartaal").is_null())
    dropped = woningen.height - years.height
    if dropped:
        ctx.progress(f"  cbs_woningvoorraad: {dropped} rijen met maand- of kwartaalcijfers overgeslagen (alleen jaarcijfers)")
    years = years.filter(pl.any_horizontal(pl.col(MEASURES).is_not_null()))
    return {"woningvoorraad": years.select("jaar", "gemeente_code", *MEASURES).sort("gemeente_code", "jaar")}


SOURCE = Source(
    key="cbs_woningvoorraad",
    title="Woningvoorraad en mutaties per gemeente",
    description=(
        "Woningvoorraad per gemeente op 1 januari en de mutaties in het jaar: nieuwbouw, sloop, "
        "overige toevoegingen en onttrekkingen (CBS 81955NED). Gebruikt om de bouwopgave te volgen "
        "en met andere gemeenten te vergelijken."
    ),
    publisher="CBS",
    owner="Team Wonen (gemeente {gemeente}); bron CBS",
    steward="Databrigade",
    licence="CC BY 4.0",
    refresh="jaarlijks",
    personal_data=False,
    tables=(
        Table("woningvoorraad", ("jaar", "gemeente_code"), "Woningvoorraad op 1 januari, mutaties in het jaar en voorraad aan het eind, per gemeente"),
    ),
    read=read,
    checks=(
        Check("woningvoorraad", "freshness", "Het nieuwste jaar is niet ouder dan een publicatiecyclus", column="jaar", threshold=MAX_AGE_DAYS),
        # CBS itself is a few dwellings off here for some gemeenten in some years, hence only the
        # build gemeente (the one the pages show) and a warning.
        Check(
            "woningvoorraad",
            "sum_matches",
            "Beginstand plus saldo is de eindstand (eigen gemeente)",
            column="eindstand",
            where=f"{_OWN} AND beginstand IS NOT NULL AND saldo IS NOT NULL",
            reference_sql=f"SELECT sum(beginstand + saldo) FROM woningvoorraad WHERE {_OWN} AND eindstand IS NOT NULL",
            threshold=0.0,
        ),
        Check(
            "woningvoorraad",
            "sum_matches",
            "Het saldo is nieuwbouw plus overige toevoeging min sloop min overige onttrekking plus correctie",
            column="saldo",
            where="nieuwbouw IS NOT NULL AND overige_toevoeging IS NOT NULL AND sloop IS NOT NULL AND overige_onttrekking IS NOT NULL AND correctie IS NOT NULL",
            reference_sql=(
                "SELECT sum(nieuwbouw + overige_toevoeging - sloop - overige_onttrekking + correctie) FROM woningvoorraad"
                " WHERE saldo IS NOT NULL"
            ),
            threshold=0.0,
        ),
    ),
    max_age_days=MAX_AGE_DAYS,
)
