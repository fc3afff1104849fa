"""Growth of woningen and inwoners per wijk and buurt since a base year.

The base year is the first year of the woningbouwdoel (1 January of that year: the start of the
target period), so a map of growth shows where the target is being built; when the gemeente has
no target, or the data start later, it is the first year with figures. The result says which
(column basisjaar). The stock itself (woningen, inwoners, or their CBS counterparts) is the
metric named first in the declaration's inputs, queried through the engine as the user may see it.
"""

from __future__ import annotations

import polars as pl

from metrics.derived import DerivedContext
from metrics.wonen.common import chosen_years, doel, frame

AREA = ("wijk", "buurt")


def groei(ctx: DerivedContext) -> pl.DataFrame:
    stock = ctx.metric.expression.inputs[0]
    area = [d for d in ctx.by if d in AREA]
    extra = {"basis": pl.Float64(), "groei_pct": pl.Float64(), "basisjaar": pl.Int64()}
    found = ctx.query(stock, by=(*area, "jaar"), where={k: v for k, v in ctx.where.items() if k != "jaar"})
    found = found.filter(pl.col("waarde").is_not_null() & pl.col("jaar").is_not_null())
    years = sorted(set(found["jaar"].to_list()))
    if not years:
        return frame(ctx.by, [] if ctx.by else [{}], extra)
    d = doel(ctx.sql, ctx.engine.info.tables)
    base_year = d.van if d.bekend and d.van in years else years[0]
    base = found.filter(pl.col("jaar") == base_year).select(*area, pl.col("waarde").alias("basis"))
    joined = found.join(base, on=area, how="left", nulls_equal=True) if area else found.join(base, how="cross")
    out = joined.select(
        *area,
        pl.col("jaar").cast(pl.Int64),
        (pl.col("waarde") - pl.col("basis")).alias("waarde"),
        "basis",
        pl.when(pl.col("basis") > 0).then((pl.col("waarde") - pl.col("basis")) / pl.col("basis")).otherwise(None).alias("groei_pct"),
        pl.lit(base_year, pl.Int64).alias("basisjaar"),
    )
    chosen = chosen_years(ctx.where)
    if "jaar" in ctx.by:
        out = out.filter(pl.col("jaar") >= base_year)
        return out.filter(pl.col("jaar").is_in(list(chosen))) if chosen else out
    year = max(chosen) if chosen else years[-1]
    out = out.filter(pl.col("jaar") == year).drop("jaar")
    if year < base_year:  # no growth "since" a year that is still to come
        out = out.with_columns(pl.lit(None, pl.Float64).alias("waarde"), pl.lit(None, pl.Float64).alias("groei_pct"))
    if not area and out.is_empty():
        return frame((), [{"basisjaar": base_year}], extra)
    return out
