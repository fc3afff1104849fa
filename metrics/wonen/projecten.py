"""Projects running late against their planned oplevering.

- te laat: not delivered while the planned date lies before the peildatum (the export date);
  how late is counted from the planned date to the peildatum.
- vertraging bij oplevering: for delivered projects, the time between planned and actual delivery
  (woningen-weighted, so a project counts by its size however many segment rows it has), and the
  share of woningen delivered in a later calendar year than planned: what slips out of a year's
  production figures.

The peildatum moves with every build, so these are derived metrics rather than fixed filters.
Projects are internal figures: every query is limited to the user's wijken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from metrics.derived import DerivedContext
from metrics.errors import AccessDenied

# dimension -> the column answering it; jaar is the year of the actual delivery (vertraging only)
_COLUMNS = {"wijk": "p.wijk_code", "buurt": "p.buurt_code", "projectstatus": "p.status", "segment": "p.segment", "jaar": "year(p.werkelijke_oplevering)"}
DAYS_PER_MONTH = 365.25 / 12


def _filters(ctx: DerivedContext, params: dict) -> list[str]:
    conds = []
    for dim, values in ctx.where.items():
        params[f"f_{dim}"] = list(values)
        conds.append(f"list_contains($f_{dim}, {_COLUMNS[dim]})")
    if ctx.wijken is not None:
        params["scope_wijken"] = sorted(ctx.wijken)
        conds.append("list_contains($scope_wijken, p.wijk_code)")
    return conds


def _query(ctx: DerivedContext, measures: str, conds: list[str], params: dict) -> pl.DataFrame:
    keys = [f"{_COLUMNS[d]} AS {d}" for d in ctx.by]
    sql = f"SELECT {', '.join([*keys, measures])}\nFROM woningbouwprojecten AS p\nWHERE " + "\n  AND ".join(conds)
    if ctx.by:
        sql += "\nGROUP BY " + ", ".join(_COLUMNS[d] for d in ctx.by)
    return ctx.sql(sql, params)


def te_laat(ctx: DerivedContext) -> pl.DataFrame:
    """projecten_te_laat (number of projects) and woningen_te_laat (their woningen)."""
    params: dict = {"peildatum": ctx.peildatum}
    conds = ["p.status <> 'opgeleverd'", "p.geplande_oplevering < $peildatum", *_filters(ctx, params)]
    measure = "count(DISTINCT p.project_id)" if ctx.metric.name == "projecten_te_laat" else "sum(p.woningen)"
    frame = _query(ctx, f"coalesce({measure}, 0)::DOUBLE AS waarde", conds, params)
    return frame


def vertraging(ctx: DerivedContext) -> pl.DataFrame:
    """vertraging_oplevering (months, woningen-weighted) and aandeel_later_opgeleverd (share of woningen)."""
    params: dict = {"maand": DAYS_PER_MONTH}
    conds = ["p.status = 'opgeleverd'", "p.werkelijke_oplevering IS NOT NULL", "p.geplande_oplevering IS NOT NULL", *_filters(ctx, params)]
    measures = (
        "sum(p.woningen * date_diff('day', p.geplande_oplevering, p.werkelijke_oplevering)) / sum(p.woningen) / $maand AS maanden, "
        "sum(p.woningen) FILTER (WHERE year(p.werkelijke_oplevering) > year(p.geplande_oplevering)) / sum(p.woningen) AS later, "
        "sum(p.woningen)::DOUBLE AS woningen"
    )
    frame = _query(ctx, measures, conds, params)
    value = "maanden" if ctx.metric.name == "vertraging_oplevering" else "later"
    frame = frame.with_columns(pl.col("later").fill_null(0.0))
    return frame.select(*ctx.by, pl.col(value).cast(pl.Float64).alias("waarde"), "maanden", "later", "woningen")


_LIST = """
SELECT p.project_id, any_value(p.project_naam) AS project_naam, any_value(p.wijk_code) AS wijk, any_value(p.buurt_code) AS buurt,
       any_value(p.status) AS status, sum(p.woningen)::BIGINT AS woningen, any_value(p.geplande_oplevering) AS geplande_oplevering,
       string_agg(p.segment, ', ' ORDER BY p.segment) AS segmenten
FROM woningbouwprojecten AS p
WHERE p.status <> 'opgeleverd' AND p.geplande_oplevering < $peildatum
  AND ($alle_wijken OR list_contains($wijken, p.wijk_code))
  AND ($alle_segmenten OR p.project_id IN (SELECT project_id FROM woningbouwprojecten WHERE list_contains($segmenten, segment)))
GROUP BY p.project_id
ORDER BY geplande_oplevering, p.project_id
"""


def lijst_te_laat(engine, scope, wijken: Sequence[str] = (), segmenten: Sequence[str] = ()) -> pl.DataFrame:
    """Analysis wonen.projecten_te_laat: one row per project over its planned oplevering, within
    the user's wijken (and the chosen ones): naam, wijk and buurt (labels), status, woningen,
    geplande oplevering, months late at the peildatum, segments."""
    if scope.wijken is not None and not set(wijken) <= scope.wijken:
        raise AccessDenied("U heeft geen toegang tot de projecten van die wijk.")
    allowed = set(wijken) or (set(scope.wijken) if scope.wijken is not None else set())
    peil: dt.date = engine.info.peildatum
    frame = engine.run_sql(
        _LIST,
        {
            "peildatum": peil,
            "alle_wijken": not allowed,
            "wijken": sorted(allowed) or [""],
            "alle_segmenten": not segmenten,
            "segmenten": list(segmenten) or [""],
        },
    )
    wijk_names, buurt_names = engine.labels("wijk"), engine.labels("buurt")
    return frame.with_columns(
        pl.col("wijk").replace_strict(wijk_names, default=pl.col("wijk")).alias("wijk_label"),
        pl.col("buurt").replace_strict(buurt_names, default=pl.col("buurt")).alias("buurt_label"),
        (pl.lit(peil) - pl.col("geplande_oplevering")).dt.total_days().truediv(DAYS_PER_MONTH).alias("maanden_te_laat"),
    )
