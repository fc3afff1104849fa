"""Every value a metric ever had per open dimension (jaar, aanbieder), gemeente-wide: made once per build.

Disclosure control lists every known category of a split, so that a group of 0 and one of 1-7
both read "geheim" (metrics.engine, `_complete`); for a dimension without declared members or a
table of its own (the years, the aanbieders) the known categories are the values the metric has
in the whole gemeente, whoever asks. The filter bar offers the same values (an aanbieder filter).
Finding them means reading every record (at scale 30: the 7.6 million declarations joined to
their toewijzingen, a second), and it does not depend on anything a user chooses: the build does
it once and stores the answer as `metriek_waarden` (data_sources/WAREHOUSE.md). A warehouse
without that table, or without a row for a metric, gets the values computed the same way when
first asked (`values_sql`).
"""

from __future__ import annotations

import datetime as dt
import time

import polars as pl

from metrics import registry
from metrics.declarations import Aggregate, Metric
from metrics.dimensions import DIMENSIONS
from metrics.sql import Compiled, Request, compile_aggregate

TABLE = "metriek_waarden"
SCHEMA = {"metriek": pl.String, "dimensie": pl.String, "code": pl.String, "label": pl.String}


def values_sql(metric: Metric, dimension: str, gemeente: str, peildatum: dt.date) -> Compiled | None:
    """The query for the values of `dimension` that `metric` has: its rows counted per value (the
    same groups as the metric itself, without counting distinct persons or joining what only its
    measure needs). None for a metric that is not one aggregate over its records, or a stock
    (its values are those of its latest year: the engine computes those itself)."""
    agg = metric.expression
    if not isinstance(agg, Aggregate) or agg.stock:
        return None
    rows = agg.model_copy(update={"kind": "count", "column": None})
    return compile_aggregate(registry.MODELS[agg.model], rows, Request(by=(dimension,)), gemeente, peildatum)


def labelled(metric: Metric, dimension: str) -> bool:
    """Does the metric's model carry a label for the dimension (aanbieder: the name in the record)?"""
    model = registry.MODELS[metric.expression.model]
    return any(d.dimension == dimension and d.label for d in model.dimensions)


def stored(table: pl.DataFrame, metric: Metric, dimension: str) -> pl.DataFrame | None:
    """The values the build stored for (metric, dimension) in the shape the engine uses (codes as
    text: the engine casts them; `<dimension>_label` when the model has labels), or None when the
    build stored none."""
    rows = table.filter((pl.col("metriek") == metric.name) & (pl.col("dimensie") == dimension))
    if rows.is_empty():
        return None
    rows = rows.select(pl.col("code").alias(dimension), pl.col("label").alias(f"{dimension}_label"))
    return rows if labelled(metric, dimension) else rows.drop(f"{dimension}_label")


def _asked(metric: Metric) -> list[str]:
    """The open dimensions of a protected metric: those whose known categories are its values."""
    if metric.disclosure == "none" or not isinstance(metric.expression, Aggregate):
        return []
    return [
        d
        for d in metric.dimensions
        if not DIMENSIONS[d].members and d not in ("wijk", "buurt") and (d == "jaar" or DIMENSIONS[d].labels is None)
    ]


def tables(cursor, peildatum: dt.date, available: set[str] | frozenset[str], progress=lambda message: None) -> dict[str, pl.DataFrame]:
    """The build's part (data_sources.build DERIVED): `metriek_waarden` for every protected metric
    whose tables are loaded. Metrics over the same records share one query."""
    t0 = time.perf_counter()
    answers: dict[tuple, pl.DataFrame] = {}
    parts = []
    for metric in registry.METRICS.values():
        dims = _asked(metric)
        if dims and registry.MODELS[metric.expression.model].gemeente:
            continue  # no gemeente is known here, so no model that filters on it (published figures)
        for d in dims:
            compiled = values_sql(metric, d, "", peildatum)
            if compiled is None or not set(compiled.tables) <= set(available):
                continue
            key = (compiled.sql, tuple(sorted(compiled.params.items())))
            if key not in answers:
                answers[key] = cursor.sql(compiled.sql, params=compiled.params or None).pl()
            found = answers[key].filter(pl.col(d).is_not_null())
            label = found[f"{d}_label"] if f"{d}_label" in found.columns else pl.Series([None] * found.height, dtype=pl.String)
            parts.append(
                pl.DataFrame(
                    {"metriek": metric.name, "dimensie": d, "code": found[d].cast(pl.String), "label": label.cast(pl.String)},
                    schema=SCHEMA,
                )
            )
    if not parts:
        return {}
    progress(f"  waarden per metriek ({len(answers)} queries): {time.perf_counter() - t0:.1f} s")
    return {TABLE: pl.concat(parts)}
