"""The remaining housing target: the gemeente's woningbouwdoel (settings) minus what CBS counts as
built (nieuwbouw) in the years of the target so far. A derived metric (metrics.derived), so that
plancapaciteit can be held against it with the norm from the same settings (Kompas signals)."""

from __future__ import annotations

import polars as pl

from metrics.derived import DerivedContext
from metrics.errors import InvalidQuery


def resterende_opgave(ctx: DerivedContext) -> pl.DataFrame:
    """waarde: woningbouwdoel minus CBS-nieuwbouw from doel_van_jaar up to the latest CBS year
    within the target (never below 0); doel, gebouwd, van_jaar and t/m_jaar alongside. NULL when the
    gemeente's settings have no target. Contract: metrics.derived."""
    if ctx.by or ctx.where:
        raise InvalidQuery("De resterende woningbouwopgave geldt voor de gemeente als geheel en de hele doelperiode.")
    target = ctx.sql("SELECT woningbouwdoel AS doel, doel_van_jaar AS van, doel_tot_jaar AS tot FROM instellingen_wonen")
    empty = pl.DataFrame(schema={"waarde": pl.Float64, "doel": pl.Float64, "gebouwd": pl.Float64, "van_jaar": pl.Float64, "tm_jaar": pl.Float64})
    if not target.height or target["doel"][0] is None:
        return pl.DataFrame({"waarde": [None]}, schema={"waarde": pl.Float64}).hstack(empty.clear(1).drop("waarde"))
    doel, van, tot = float(target["doel"][0]), int(target["van"][0]), int(target["tot"][0])
    built = ctx.query("nieuwbouw", by=["jaar"], where={"jaar": list(range(van, tot + 1))}).filter(pl.col("waarde").is_not_null())
    gebouwd = float(built["waarde"].sum()) if built.height else 0.0
    last = float(built["jaar"].max()) if built.height else None
    return pl.DataFrame(
        {"waarde": [max(doel - gebouwd, 0.0)], "doel": [doel], "gebouwd": [gebouwd], "van_jaar": [float(van)], "tm_jaar": [last]},
        schema=empty.schema,
    )
