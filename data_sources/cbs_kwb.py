"""CBS Kerncijfers wijken en buurten (85984NED for 2024; other years have other table ids).

Files per KWB table: the data (TypedDataSet JSON or CSV, cbsodataR CSV, or cbsodata output
whose regions are names: the Codering topic then gives the code), its DataProperties (CSV or
JSON) and, for the year, its TableInfos. Several years can be loaded at once when each table is
in its own folder, as cbsodataR writes them.

`onderwerp` is the topic key without its positional suffix, so a topic keeps its name in every
year's table even though the suffix numbers shift. Some titles repeat within a table
(`Nederland_17` under 'Herkomstland', `Nederland_20` under 'Geboren in Nederland'; `Appartement`
under 'Naar woningtype' for both electricity and gas): those get the title of the nearest
topic group where they part, e.g. `Nederland_Herkomstland`, `Appartement_GemiddeldAardgasverbruik`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources.source import Check, Context, Source, Table

REGIO = "WijkenEnBuurten"
SCOPES = frozenset({"alle_gemeenten", "wijken_buurten"})
# KWB of year Y (population on 1 January Y) is complete about a year and a half later.
MAX_AGE_DAYS = 730
COLUMNS = ("jaar", "regio_code", "regio_niveau", "gemeente_code", "onderwerp", "titel", "eenheid", "waarde")


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    found = cbs.read_files(files, ctx.problems)
    parts = []
    for df in found.data:
        part = _read_table(found, df, ctx)
        if part is not None:
            parts.append(part.with_columns(pl.lit(str(df.path)).alias(cbs.FILE)))
    if not parts:
        if not found.data and (found.properties or found.infos):
            ctx.problems.add(
                ", ".join(m.path.name for m in found.properties + found.infos),
                "alleen metadata gevonden, geen gegevensbestand",
                expected="ook het databestand van de KWB-tabel (TypedDataSet of cbsodataR-CSV)",
            )
        return {}
    frame = cbs.report_duplicates(found.data, pl.concat(parts), ("jaar", "regio_code", "onderwerp"), ctx.problems)
    return {"kwb": frame.select(COLUMNS).sort("jaar", "regio_code", "onderwerp")}


def _read_table(found: cbs.CbsFiles, df: cbs.DataFile, ctx: Context) -> pl.DataFrame | None:
    problems = ctx.problems
    props = found.same_table(found.properties, df, "DataProperties", problems)
    if props is None:
        if not found.properties:
            df.add(problems, "DataProperties ontbreekt: zonder die metadata zijn onderwerpen, titels en eenheden onbekend", expected="het bestand DataProperties (.csv of .json) van dezelfde KWB-tabel in files")  # noqa: E501 - one message
        return None
    topics = topic_names(props.frame)
    jaar = _jaar(found, df, ctx)
    taken: set[str] = set()
    regio = cbs.column(df, REGIO, "regio", problems, taken)
    if regio is None:
        return None
    known = set(props.frame["Key"].drop_nulls().to_list())
    unknown = [
        c for c in df.frame.columns
        if c not in known and c != cbs.LINE and c not in cbs.ROW_ID_COLUMNS and not c.endswith(cbs.DERIVED_SUFFIXES)
    ]
    if unknown:
        df.add(
            problems,
            f"{len(unknown)} kolom(men) staan niet in {props.path.name}",
            line=df.header_line,
            column=unknown[0],
            value=", ".join(unknown),
            expected="de DataProperties van dezelfde tabel en hetzelfde jaar als het databestand",
        )
        return None
    numeric = topics.filter(pl.col("numeric") & pl.col("Key").is_in(df.frame.columns))["Key"].to_list()
    frame = cbs.regio_keys(found, df, df.frame, regio, problems)
    frame = cbs.keep(df, cbs.with_regio(frame, regio), regio, ctx.gemeente, SCOPES, problems)
    frame = cbs.numbers(df, frame, dict.fromkeys(numeric, "float"), problems)
    if jaar is None or not numeric:
        return None
    return (
        frame.unpivot(index=["regio_code", "regio_niveau", "gemeente_code", cbs.LINE], on=numeric, variable_name="Key", value_name="waarde")
        .join(topics, on="Key", how="left")
        .with_columns(pl.lit(jaar, dtype=pl.Int64).alias("jaar"))
    )


def _jaar(found: cbs.CbsFiles, df: cbs.DataFile, ctx: Context) -> int | None:
    """The KWB year: from the table's TableInfos, else `jaar = ...` under [cbs_kwb] in inputs.toml."""
    infos = found.same_table(found.infos, df, "TableInfos", ctx.problems)
    from_infos = None
    if infos is not None and infos.frame.height:
        row = infos.frame.row(0, named=True)
        period = (row.get("Period") or "").strip()
        years = re.findall(r"\b(?:19|20)\d{2}\b", row.get("Title") or "")
        from_infos = int(period) if re.fullmatch(r"\d{4}", period) else int(years[-1]) if years else None
    option = ctx.options.get("jaar")
    if option is not None and not re.fullmatch(r"\d{4}", str(option)):
        ctx.problems.add("inputs.toml", "[cbs_kwb] jaar is geen jaartal", column="jaar", value=option, expected="jaar = 2024")
        option = None
    option = None if option is None else int(option)
    if from_infos is not None and option is not None and from_infos != option:
        ctx.problems.add(
            infos.path,
            f"jaar {option} uit inputs.toml wijkt af van het jaar in TableInfos",
            column="Period",
            value=from_infos,
            expected="hetzelfde jaar, of laat jaar weg uit [cbs_kwb] in inputs.toml",
        )
        return None
    jaar = from_infos if from_infos is not None else option
    if jaar is None:
        df.add(
            ctx.problems,
            "jaar van de KWB-tabel onbekend",
            expected="het TableInfos-bestand van de tabel in files, of jaar = 2024 onder [cbs_kwb] in inputs.toml",
        )
    return jaar


def topic_names(props: pl.DataFrame) -> pl.DataFrame:
    """Key, onderwerp, titel, eenheid, numeric for every Topic in a DataProperties frame."""
    rows = list(props.iter_rows(named=True))
    groups = {r["ID"]: r for r in rows if r.get("Type") == "TopicGroup"}
    topics = [r for r in rows if r.get("Type") == "Topic" and r.get("Key")]

    def ancestors(r: dict) -> list[str]:
        chain, parent, seen = [], r.get("ParentID"), set()
        while parent in groups and parent not in seen:
            seen.add(parent)
            chain.append((groups[parent].get("Title") or "").strip())
            parent = groups[parent].get("ParentID")
        return chain

    by_base: dict[str, list[dict]] = defaultdict(list)
    for r in topics:
        by_base[cbs.base_name(r["Key"])].append(r)
    names: dict[str, str] = {}
    for base, members in by_base.items():
        if len(members) == 1:
            names[members[0]["Key"]] = base
            continue
        qualified = [f"{base}_{q}" for q in _qualifiers([ancestors(m) for m in members])]
        if len(set(qualified)) < len(qualified):  # groups with equal titles all the way up
            qualified = [m["Key"] for m in members]
        names.update(zip((m["Key"] for m in members), qualified))
    return pl.DataFrame(
        [
            (
                r["Key"],
                names[r["Key"]],
                (r.get("Title") or "").strip(),
                (r.get("Unit") or "").strip() or None,
                (r.get("Datatype") or "").strip() != "String",
            )
            for r in topics
        ],
        schema={"Key": pl.String, "onderwerp": pl.String, "titel": pl.String, "eenheid": pl.String, "numeric": pl.Boolean},
        orient="row",
    )


def _qualifiers(chains: list[list[str]]) -> list[str]:
    """Per topic, the title of the nearest group level at which all the same-named topics differ."""
    for depth in range(max(len(c) for c in chains)):
        level = [c[depth] if depth < len(c) else None for c in chains]
        if None not in level and len(set(level)) == len(level):
            return [_camel(t) for t in level]
    return ["".join(_camel(t) for t in reversed(c)) for c in chains]


def _camel(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "".join(w[0].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", ascii_title))


SOURCE = Source(
    key="cbs_kwb",
    title="Kerncijfers wijken en buurten (CBS)",
    description=(
        "Kerncijfers van het CBS per gemeente, wijk en buurt: bevolking, huishoudens, wonen, energie, "
        "inkomen, zorg (jeugdzorg, Wmo) en meer (tabel 85984NED voor 2024, andere jaren andere tabellen). "
        "Alle gemeenten voor vergelijking, wijken en buurten van de eigen gemeente."
    ),
    publisher="CBS",
    owner="Team Onderzoek en Statistiek (gemeente {gemeente}); bron CBS",
    steward="Databrigade",
    licence="CC BY 4.0",
    refresh="jaarlijks, met aanvullingen in de loop van het jaar",
    personal_data=False,
    tables=(
        Table("kwb", ("jaar", "regio_code", "onderwerp"), "Een kerncijfer per jaar, regio en onderwerp; NULL als het CBS het cijfer geheim houdt"),
    ),
    read=read,
    checks=(
        Check("kwb", "freshness", "Het nieuwste KWB-jaar is niet ouder dan een publicatiecyclus", column="jaar", threshold=MAX_AGE_DAYS),
        Check(
            "kwb",
            "sum_matches",
            "De inwoners van de wijken tellen op tot het gemeentetotaal (CBS rondt wijken af op 5)",
            column="waarde",
            where="onderwerp = 'AantalInwoners' AND regio_niveau = 'wijk'",
            reference_sql=(
                "SELECT sum(g.waarde) FROM kwb g WHERE g.onderwerp = 'AantalInwoners' AND g.regio_niveau = 'gemeente' "
                "AND EXISTS (SELECT 1 FROM kwb w WHERE w.onderwerp = 'AantalInwoners' AND w.regio_niveau = 'wijk' "
                "AND w.jaar = g.jaar AND w.gemeente_code = g.gemeente_code)"
            ),
            threshold=0.01,
        ),
    ),
    max_age_days=MAX_AGE_DAYS,
)
