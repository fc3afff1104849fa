"""Toewijzingen jeugdhulp: the municipality's export of iJw JW301 toewijzingen (format: FORMATS.md).

The client number is replaced by a keyed pseudonym (`client_key`) before anything is stored. A
file with a BSN, a name or a birth date is refused unless a fixed pseudonymisation key is
configured; with one, client_key is derived from the BSN where given, and those columns are
read only to derive client_key and geboortejaar, never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import polars as pl

from data_sources import internal_csv as csv
from data_sources import jeugd_reference as ref
from data_sources.privacy import PERSONAL_COLUMNS, Pseudonymiser
from data_sources.problems import MAX_PER_FILE
from data_sources.schema import Column, Schema
from data_sources.source import Check, Context, Source, Table

BSN_COLUMNS = ("bsn", "burgerservicenummer")

MAX_AGE_DAYS = 45  # exports come monthly: older data means a missed export

SCHEMA = Schema(
    name="jeugd_toewijzingen",
    description="Toewijzingen jeugdhulp (iJw JW301), een regel per toegewezen product",
    key=("toewijzing_id",),
    forbidden=tuple(sorted(PERSONAL_COLUMNS)),
    columns=(
        Column("toewijzing_id", "str", "Nummer van de toewijzing (iJw ToewijzingNummer), uniek"),
        Column("client_id", "str", "Cliëntnummer van de gemeente; wordt gepseudonimiseerd en niet opgeslagen"),
        # Read from geboortedatum when that column is given instead (see _birth_year).
        Column("geboortejaar", "int", "Geboortejaar van de jeugdige", required=False, min=1990),
        Column(
            "buurt_code", "str", "CBS-buurtcode van het woonadres", pattern=r"BU\d{8}", pattern_hint="BU gevolgd door 8 cijfers, bijv. BU01931000"
        ),
        Column("productcategorie", "str", "iJw-productcategorie (2 cijfers)", allowed=tuple(p.code for p in ref.PRODUCTCATEGORIEEN)),
        Column(
            "productcode",
            "str",
            "iJw-productcode (5 tekens); leeg bij een toewijzing op categorie",
            nullable=True,
            pattern=r"[0-9A-Z]{5}",
            pattern_hint="5 cijfers of hoofdletters, bijv. 45A01 of 54001",
        ),
        Column("aanbieder_agb", "str", "AGB-code van de aanbieder", pattern=r"\d{8}", pattern_hint="8 cijfers"),
        Column("aanbieder_naam", "str", "Naam van de aanbieder"),
        Column("verwijzer", "str", "Verwijzer (iJw COD327: 01-06 of 08, of de omschrijving)", allowed=tuple(ref.VERWIJZERS.values())),
        Column("aanvraagdatum", "date", "Datum van de aanvraag bij de toegang; leeg als die niet is vastgelegd", nullable=True),
        Column("begindatum", "date", "Ingangsdatum van de toewijzing"),
        Column("einddatum", "date", "Einddatum; leeg zolang de toewijzing loopt", nullable=True),
        Column("volume", "int", "Toegewezen omvang in eenheden per frequentie", min=0),
        Column("eenheid", "str", "iJw-eenheid (code of omschrijving)", allowed=tuple(ref.EENHEDEN.values())),
        Column("frequentie", "str", "iJw-frequentie (code of omschrijving)", allowed=tuple(ref.FREQUENTIES.values())),
        Column("tarief", "float", "Tarief in euro per eenheid", min=0),
    ),
)

OUTPUT = (
    "toewijzing_id",
    "client_key",
    "geboortejaar",
    "buurt_code",
    "wijk_code",
    "productcategorie",
    "productcode",
    "aanbieder_agb",
    "aanbieder_naam",
    "verwijzer",
    "aanvraagdatum",
    "begindatum",
    "einddatum",
    "volume",
    "eenheid",
    "frequentie",
    "tarief",
)

# Warehouse types where they differ from the schema's (WAREHOUSE.md; metrics/tables.py).
OUTPUT_TYPES = {"geboortejaar": pl.Int32, "volume": pl.Float64}

_CODE_LISTS = {"verwijzer": ref.VERWIJZERS, "eenheid": ref.EENHEDEN, "frequentie": ref.FREQUENTIES}


def _header(raw: pl.DataFrame, names: Sequence[str]) -> str | None:
    return next((c for c in raw.columns if c.strip().lower() in names), None)


def _birth_year(raw: pl.DataFrame, frame: pl.DataFrame, path: Path, ctx: Context) -> pl.DataFrame:
    """geboortejaar as given, or taken from geboortedatum (rows of raw and frame line up)."""
    if "geboortejaar" in raw.columns:
        return frame
    birth = _header(raw, ("geboortedatum",))
    if birth is None:
        ctx.problems.add(
            path,
            "kolom 'geboortejaar' ontbreekt",
            line=1,
            expected="een kolom geboortejaar (of geboortedatum, met een vaste pseudonimiseringssleutel)",
        )
        return frame
    dates = raw[birth].str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    # A birth date is personal data: the message names the line, never the value.
    bad = frame.filter(dates.is_null())["__line"]
    for line in bad.head(MAX_PER_FILE):
        ctx.problems.add(path, "geboortedatum is leeg of geen bestaande datum", line=line, column=birth, expected="JJJJ-MM-DD")
    if bad.len() > MAX_PER_FILE:
        ctx.problems.add(path, "nog meer regels met een onjuiste geboortedatum", column=birth, count=bad.len() - MAX_PER_FILE)
    return frame.with_columns(geboortejaar=dates.dt.year().cast(pl.Int64))


def _client_key(raw: pl.DataFrame, frame: pl.DataFrame, pseudonymiser: Pseudonymiser) -> pl.DataFrame:
    """Pseudonym of the BSN where one is given, else of the client number; prefixes keep them apart."""
    basis = pl.lit("client:") + pl.col("client_id")
    bsn = _header(raw, BSN_COLUMNS)
    source = frame.select("client_id")
    if bsn is not None:
        source = source.with_columns(raw[bsn].str.strip_chars().alias("bsn"))
        given = pl.col("bsn").is_not_null() & (pl.col("bsn") != "")
        basis = pl.when(given).then(pl.lit("bsn:") + pl.col("bsn").str.zfill(9)).otherwise(basis)
    keys = source.select(basis.alias("key")).to_series()
    return frame.with_columns(pseudonymiser.series(keys).alias("client_key"))


def _read_file(path: Path, ctx: Context, pseudonymiser: Pseudonymiser) -> pl.DataFrame | None:
    raw = csv.read(path, ctx)
    if raw is None:
        return None
    for column, codes in _CODE_LISTS.items():
        raw = csv.normalise(raw, column, ref.lookup(codes))
    frame = csv.typed(raw, SCHEMA, path, ctx.problems)
    if frame is None:
        return None
    frame = _birth_year(raw, frame, path, ctx)
    return _client_key(raw, frame, pseudonymiser)


def check_rows(frame: pl.DataFrame, ctx: Context) -> None:
    p = ctx.problems
    csv.report(
        p,
        frame,
        pl.col("einddatum") < pl.col("begindatum"),
        "einddatum",
        "einddatum ligt voor de begindatum",
        "een einddatum op of na de begindatum, of leeg zolang de toewijzing loopt",
    )
    csv.report(
        p,
        frame,
        pl.col("aanvraagdatum") > pl.col("begindatum"),
        "aanvraagdatum",
        "aanvraagdatum ligt na de begindatum",
        "een aanvraagdatum op of voor de begindatum",
    )
    csv.report(
        p,
        frame,
        pl.col("geboortejaar") > pl.col("begindatum").dt.year(),
        "geboortejaar",
        "geboortejaar ligt na het jaar van de begindatum",
        "het geboortejaar van de jeugdige (JJJJ)",
    )


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    # The build hands one over; read on its own, the key comes from the environment or the files.
    pseudonymiser = ctx.pseudonymiser or Pseudonymiser.for_files([Path(f) for f in files if Path(f).is_file()])
    frame = csv.load(files, ctx, SCHEMA, check_rows, read_file=partial(_read_file, pseudonymiser=pseudonymiser))
    if frame is None:
        return {}
    frame = csv.with_wijk(frame, ctx)
    # Wijk by wijk (WAREHOUSE.md, row order): a wijkmanager's question reads the toewijzingen of a
    # few wijken, and the declaraties follow this order (jeugd_declaraties.warehouse_order).
    frame = frame.sort("wijk_code", "toewijzing_id", nulls_last=True, maintain_order=True)
    return {"jeugd_toewijzingen": frame.select(OUTPUT).cast(OUTPUT_TYPES), **ref.tables()}


SOURCE = Source(
    key="jeugd_toewijzingen",
    title="Toewijzingen jeugdhulp",
    description=(
        "Toewijzingen jeugdhulp uit het iJw-berichtenverkeer (JW301), een regel per toegewezen product: "
        "jeugdige (gepseudonimiseerd), buurt, productcategorie en -code, aanbieder, verwijzer, periode, "
        "omvang en tarief. Basis voor het aantal jeugdigen met jeugdhulp, trajecten, doorlooptijden en gebruik per buurt."
    ),
    publisher="Gemeente {gemeente}",
    owner="Gemeente {gemeente}, beleidsveld Jeugd",
    steward="Informatievoorziening Sociaal Domein (functioneel beheer jeugdregistratie)",
    licence="Intern; niet openbaar (gepseudonimiseerde persoonsgegevens)",
    refresh="maandelijks",
    personal_data=True,
    tables=(
        Table("jeugd_toewijzingen", ("toewijzing_id",), "Een toewijzing jeugdhulp: een product voor een jeugdige in een periode"),
        *ref.TABLES,
    ),
    read=read,
    checks=(
        Check("jeugd_toewijzingen", "completeness", "Aanvraagdatum is ingevuld (nodig voor doorlooptijden)", column="aanvraagdatum", threshold=0.9),
        Check("jeugd_toewijzingen", "completeness", "Productcode is ingevuld", column="productcode", threshold=0.9),
        Check("jeugd_toewijzingen", "freshness", "De nieuwste toewijzing is hooguit anderhalve maand oud", column="begindatum", threshold=MAX_AGE_DAYS),
    ),
    max_age_days=MAX_AGE_DAYS,
)
