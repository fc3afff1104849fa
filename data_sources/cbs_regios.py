"""CBS wijk- en buurtindeling: the WijkenEnBuurten dimension of a CBS table.

Files: one or more dimension files `Key, Title, Description, Municipality, DetailRegionCode`
(CSV as cbsodataR writes it, or JSON from the OData API). Every gemeente is kept (for
comparisons); wijken and buurten only for the build gemeente. The wijk of a buurt follows from
the CBS code itself, BU + gemeente (4) + wijk (2) + buurt (2) -> WK + gemeente + wijk, so no
numbering of any one gemeente is assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources.problems import MAX_PER_FILE
from data_sources.source import Check, Context, Source, Table


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    found = cbs.read_files(files, ctx.problems)
    for df in found.data:
        ctx.problems.add(
            df.path,
            "dit is geen dimensiebestand (kolommen Key en Title ontbreken)",
            line=df.header_line,
            value=", ".join(c for c in df.frame.columns if c != cbs.LINE)[:200],
            expected="het CBS-dimensiebestand WijkenEnBuurten (kolommen Key, Title, Description, Municipality)",
        )
    for d in found.dimensions:
        if d.kind != "regio":
            ctx.problems.add(
                d.path,
                "dit dimensiebestand bevat geen regiocodes",
                line=d.frame[cbs.LINE][0],
                column="Key",
                value=d.frame["Key"][0],
                expected="het dimensiebestand WijkenEnBuurten, met codes als GM0193, WK019310 en BU01931000 in kolom Key",
            )
    dims = found.of_kind("regio")
    if not dims:
        return {}
    regios = (
        pl.concat([d.frame.select("Key", "Title", cbs.LINE, pl.lit(str(d.path)).alias(cbs.FILE)) for d in dims])
        .unique("Key", keep="first", maintain_order=True)
        .rename({"Key": "code", "Title": "naam"})
    )
    regios = cbs.with_regio(regios, "code")
    gemeente = ctx.gemeente
    if regios.filter(pl.col("gemeente_code") == gemeente).height == 0:
        present = sorted(regios.filter(pl.col("regio_niveau") == "gemeente")["code"].to_list())
        ctx.problems.add(
            ", ".join(str(d.path) for d in dims),
            f"gemeente {gemeente} komt niet voor in de wijk- en buurtindeling; aanwezig: {', '.join(present[:12])}{', ...' if len(present) > 12 else ''}",
            column="Key",
            value=gemeente,
            expected=f"het WijkenEnBuurten-bestand met {gemeente}, of de juiste gemeente in inputs.toml",
        )
    own = regios.filter(pl.col("gemeente_code") == gemeente)
    wijken = own.filter(pl.col("regio_niveau") == "wijk")
    buurten = own.filter(pl.col("regio_niveau") == "buurt").with_columns(
        (pl.lit("WK") + pl.col("code").str.slice(2, 6)).alias("wijk_code")
    )
    orphans = buurten.filter(~pl.col("wijk_code").is_in(wijken["code"].implode()))
    for r in orphans.head(MAX_PER_FILE).iter_rows(named=True):
        ctx.problems.add(
            r[cbs.FILE],
            f"buurt {r['code']} ({r['naam']}) hoort volgens haar code bij wijk {r['wijk_code']}, maar die wijk staat niet in het bestand",
            line=r[cbs.LINE],
            column="Key",
            value=r["code"],
            expected=f"een regel voor wijk {r['wijk_code']}: gebruik het volledige WijkenEnBuurten-bestand",
        )
    if orphans.height > MAX_PER_FILE:
        ctx.problems.add(orphans[cbs.FILE][0], "nog meer buurten zonder wijk", column="Key", count=orphans.height - MAX_PER_FILE)
    return {
        "gemeenten": regios.filter(pl.col("regio_niveau") == "gemeente").select(
            pl.col("code").alias("gemeente_code"), pl.col("naam").alias("gemeente_naam")
        ).sort("gemeente_code"),
        "wijken": wijken.select(pl.col("code").alias("wijk_code"), pl.col("naam").alias("wijk_naam"), "gemeente_code").sort("wijk_code"),
        "buurten": buurten.select(
            pl.col("code").alias("buurt_code"), pl.col("naam").alias("buurt_naam"), "wijk_code", "gemeente_code"
        ).sort("buurt_code"),
    }


SOURCE = Source(
    key="cbs_regios",
    title="Wijk- en buurtindeling (CBS)",
    description=(
        "De gemeenten, en de wijken en buurten van de gemeente, met CBS-codes en namen (dimensie "
        "WijkenEnBuurten van een CBS-tabel). Hiermee worden alle cijfers per wijk en buurt gekoppeld."
    ),
    publisher="CBS",
    owner="Team Onderzoek en Statistiek (gemeente {gemeente}); bron CBS",
    steward="Databrigade",
    licence="CC BY 4.0",
    refresh="jaarlijks (nieuwe indeling per 1 januari)",
    personal_data=False,
    tables=(
        Table("gemeenten", ("gemeente_code",), "Alle gemeenten in het bestand, voor vergelijkingen"),
        Table("wijken", ("wijk_code",), "De wijken van de gemeente"),
        Table("buurten", ("buurt_code",), "De buurten van de gemeente, met hun wijk"),
    ),
    read=read,
    checks=(
        Check("wijken", "completeness", "Elke wijk heeft een naam", column="wijk_naam", threshold=1.0),
        Check("buurten", "completeness", "Elke buurt heeft een naam", column="buurt_naam", threshold=1.0),
    ),
)
