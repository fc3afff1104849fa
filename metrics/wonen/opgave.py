"""The housing target against what is built and what is in plans.

    doelpad                 the target spread evenly over its years, cumulative
    nieuwbouw_cumulatief    CBS nieuwbouw (81955NED) summed from the target's first year
    resterende_opgave       target minus that nieuwbouw up to the year (at least 0)
    plancapaciteit_*        plan capacity against the remaining need: the norm says how much more
                            than the need should be in plans because plans fail or slip ("de
                            stelregel dat deze [netto plancapaciteit] 130% van de netto bouwopgave
                            zou moeten bedragen", ABF Research, Inventarisatie plancapaciteit
                            november 2020); and after the expected planuitval, hard and zacht each
                            their own share (the settings say which and why)
    prognose                realised through the last CBS year, then the expected deliveries from
                            the project pipeline, year by year

Plan capacity of unknown hardheid (Zuid-Holland delivers some) is counted as zacht for planuitval:
without a vastgesteld plan behind it, that is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.derived import DerivedContext
from metrics.wonen.common import Doel, chosen_years, doel, frame, series

F = pl.Float64()
INT = pl.Int64()


def _doel(ctx: DerivedContext) -> Doel:
    return doel(ctx.sql, ctx.engine.info.tables)


def _by_year(ctx: DerivedContext, metric: str) -> dict[int, float]:
    f = ctx.query(metric, by=("jaar",))
    return {int(y): float(v) for y, v in zip(f["jaar"].to_list(), f["waarde"].to_list()) if y is not None and v is not None}


def _one(ctx: DerivedContext, metric: str, where: dict | None = None) -> float | None:
    f = ctx.query(metric, where=where)
    return None if f.is_empty() else f["waarde"][0]


# ---- the target ---------------------------------------------------------------------------------


def doelpad(ctx: DerivedContext) -> pl.DataFrame:
    d = _doel(ctx)
    values = {y: {"waarde": d.pad(y), "per_jaar": d.woningen / d.jaren} for y in range(d.van, d.tot + 1)} if d.bekend else {}
    years = chosen_years(ctx.where)
    if "jaar" not in ctx.by and years and d.bekend:  # any year has a point on the path (0 before, all after)
        values = {max(years): {"waarde": d.pad(max(years)), "per_jaar": d.woningen / d.jaren}}
    return series(ctx.by, ctx.where, values, d.tot, {"per_jaar": F})


def _start(d: Doel, nieuwbouw: dict[int, float]) -> int | None:
    """Where cumulative nieuwbouw starts: the target's first year, else the first CBS year."""
    if d.bekend:
        return d.van
    return min(nieuwbouw) if nieuwbouw else None


def nieuwbouw_cumulatief(ctx: DerivedContext) -> pl.DataFrame:
    d = _doel(ctx)
    nieuwbouw = _by_year(ctx, "nieuwbouw")
    start = _start(d, nieuwbouw)
    values, total = {}, 0.0
    for y in sorted(nieuwbouw):
        if start is None or y < start:
            continue
        total += nieuwbouw[y]
        pad = d.pad(y)
        values[y] = {
            "waarde": total,
            "doelpad": pad,
            "verschil": None if pad is None else total - pad,
            "aandeel_doel": total / d.woningen if d.bekend else None,
            "startjaar": start,
        }
    extra = {"doelpad": F, "verschil": F, "aandeel_doel": F, "startjaar": INT}
    return series(ctx.by, ctx.where, values, max(nieuwbouw) if nieuwbouw else None, extra)


def _remaining(d: Doel, nieuwbouw: dict[int, float], year: int) -> dict:
    built = sum(v for y, v in nieuwbouw.items() if d.van <= y <= min(year, d.tot))
    left = max(d.woningen - built, 0.0)
    years_left = max(d.tot - year, 0)
    return {
        "waarde": left,
        "gebouwd": built,
        "doel": float(d.woningen),
        "jaren_over": years_left,
        "per_jaar_nodig": left / years_left if years_left else None,
    }


def resterende_opgave(ctx: DerivedContext) -> pl.DataFrame:
    d = _doel(ctx)
    nieuwbouw = _by_year(ctx, "nieuwbouw")
    extra = {"gebouwd": F, "doel": F, "jaren_over": INT, "per_jaar_nodig": F}
    if not d.bekend:
        return series(ctx.by, ctx.where, {}, None, extra)
    # After each CBS year from the year before the target starts (nothing built yet).
    values = {y: _remaining(d, nieuwbouw, y) for y in sorted(nieuwbouw) if y >= d.van - 1}
    years = chosen_years(ctx.where)
    if "jaar" not in ctx.by and years and max(years) in nieuwbouw:
        values[max(years)] = _remaining(d, nieuwbouw, max(years))
    return series(ctx.by, ctx.where, values, max(nieuwbouw) if nieuwbouw else None, extra)


def _need(ctx: DerivedContext) -> pl.DataFrame:
    """The remaining need as asked (per year or one year), with jaar kept for joining."""
    return ctx.query("resterende_opgave", by=ctx.by, where={k: v for k, v in ctx.where.items() if k == "jaar"})


def plancapaciteit_nodig(ctx: DerivedContext) -> pl.DataFrame:
    norm = _one(ctx, "plancapaciteit_norm")
    need = _need(ctx)
    return need.select(
        *ctx.by,
        (pl.col("waarde") * norm if norm is not None else pl.lit(None, F)).alias("waarde"),
        pl.lit(norm, F).alias("norm"),
        pl.col("waarde").alias("resterende_opgave"),
    )


def _coverage(ctx: DerivedContext, plan: float | None, norm: float | None) -> pl.DataFrame:
    need = _need(ctx)
    ratio = pl.when(pl.col("waarde") > 0).then(pl.lit(plan, F) / pl.col("waarde")).otherwise(None) if plan is not None else pl.lit(None, F)
    out = need.select(*ctx.by, ratio.alias("waarde"), pl.lit(plan, F).alias("plancapaciteit"), pl.col("waarde").alias("resterende_opgave"))
    return out.with_columns(pl.lit(norm, F).alias("norm"), (pl.col("waarde") - pl.lit(norm, F)).alias("verschil_norm"))


def plancapaciteit_dekking(ctx: DerivedContext) -> pl.DataFrame:
    return _coverage(ctx, _one(ctx, "plancapaciteit"), _one(ctx, "plancapaciteit_norm"))


def plancapaciteit_na_uitval(ctx: DerivedContext) -> pl.DataFrame:
    hard, zacht = _one(ctx, "planuitval_hard"), _one(ctx, "planuitval_zacht")
    plan = ctx.query("plancapaciteit", by=("hardheid",), where={k: v for k, v in ctx.where.items() if k == "hardheid"})
    if hard is None or zacht is None:
        uitval = pl.lit(None, F)
    else:
        uitval = pl.when(pl.col("hardheid") == "hard").then(pl.lit(hard)).otherwise(pl.lit(zacht))
    rows = (
        plan.filter(pl.col("waarde").is_not_null())
        .select("hardheid", uitval.alias("uitval"), pl.col("waarde").alias("plancapaciteit"))
        .with_columns(waarde=pl.col("plancapaciteit") * (1 - pl.col("uitval")))
    )
    if "hardheid" in ctx.by:
        return rows.select("hardheid", "waarde", "uitval", "plancapaciteit")
    total = rows.select(
        pl.col("waarde").sum().alias("waarde") if hard is not None and zacht is not None else pl.lit(None, F).alias("waarde"),
        (1 - pl.col("waarde").sum() / pl.col("plancapaciteit").sum()).alias("uitval"),
        pl.col("plancapaciteit").sum().alias("plancapaciteit"),
    )
    return total if rows.height else frame((), [{}], {"uitval": F, "plancapaciteit": F})


def plancapaciteit_dekking_na_uitval(ctx: DerivedContext) -> pl.DataFrame:
    return _coverage(ctx, _one(ctx, "plancapaciteit_na_uitval"), 1.0).drop("norm", "verschil_norm")


# ---- projection from the project pipeline --------------------------------------------------------

_EXPECTED = """
SELECT
    CASE
        WHEN p.status = 'opgeleverd' THEN year(p.werkelijke_oplevering)
        WHEN p.geplande_oplevering < $peildatum THEN $te_laat_jaar
        ELSE year(p.geplande_oplevering)
    END AS jaar,
    p.status,
    sum(p.woningen)::DOUBLE AS woningen
FROM woningbouwprojecten AS p
WHERE p.status <> 'idee'
  AND (p.status = 'opgeleverd' AND year(p.werkelijke_oplevering) > $laatste_cbs_jaar
       OR p.status <> 'opgeleverd' AND p.geplande_oplevering IS NOT NULL)
  AND ($alle_wijken OR list_contains($wijken, p.wijk_code))
GROUP BY ALL
"""


def prognose_nieuwbouw_cumulatief(ctx: DerivedContext) -> pl.DataFrame:
    d = _doel(ctx)
    realised = _by_year(ctx, "nieuwbouw_cumulatief")
    extra = {"verwacht": F, "doelpad": F}
    if not realised:
        return series(ctx.by, ctx.where, {}, None, extra)
    last = max(realised)
    hard, zacht = _one(ctx, "planuitval_hard") or 0.0, _one(ctx, "planuitval_zacht") or 0.0
    expected = ctx.sql(
        _EXPECTED,
        {
            "peildatum": ctx.peildatum,
            "te_laat_jaar": max(last + 1, ctx.peildatum.year + 1),
            "laatste_cbs_jaar": last,
            "alle_wijken": ctx.wijken is None,
            "wijken": sorted(ctx.wijken or ()),
        },
    )
    weight = pl.when(pl.col("status") == "hard").then(pl.lit(1 - hard)).when(pl.col("status") == "zacht").then(pl.lit(1 - zacht)).otherwise(pl.lit(1.0))
    per_year = dict(expected.group_by("jaar").agg((pl.col("woningen") * weight).sum().alias("w")).iter_rows())
    end = d.tot if d.bekend else min(max(per_year, default=last), last + 15)
    values, total = {last: {"waarde": realised[last], "verwacht": None, "doelpad": d.pad(last)}}, realised[last]
    for y in range(last + 1, end + 1):
        total += per_year.get(y, 0.0)
        values[y] = {"waarde": total, "verwacht": per_year.get(y, 0.0), "doelpad": d.pad(y)}
    return series(ctx.by, ctx.where, values, end, extra)


# ---- the settings as text, for the page -------------------------------------------------------------


@dataclass(frozen=True)
class Instellingen:
    """Which settings the gemeente has and where they come from (the numbers are metrics)."""

    gemeente: str | None = None
    standaard: bool = True  # the standard settings: no settings file of the gemeente
    bestand: str | None = None
    doel_van: int | None = None
    doel_tot: int | None = None
    doel_bron: str | None = None
    norm_bron: str | None = None
    uitval_toelichting: str | None = None
    mix_bron: str | None = None
    mix_toelichting: str | None = None
    mix: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (doel, its segments), in the file's order

    @property
    def heeft_doel(self) -> bool:
        return self.doel_van is not None and self.doel_tot is not None

    @property
    def doelen(self) -> tuple[str, ...]:
        return tuple(d for d, _ in self.mix)


def instellingen(engine, scope) -> Instellingen:
    """Analysis wonen.instellingen: texts and years of the settings (public, for every role)."""
    tables = engine.info.tables
    if "instellingen_wonen" not in tables or "instellingen" not in tables:
        return Instellingen()
    g = engine.run_sql("SELECT gemeente_naam, standaard, bestand FROM instellingen", {})
    w = engine.run_sql("SELECT doel_van_jaar, doel_tot_jaar, doel_bron, norm_bron, planuitval_toelichting, woningbouwdoel FROM instellingen_wonen", {})
    mix = engine.run_sql("SELECT doel, segmenten, bron, toelichting FROM instellingen_beleidsmix ORDER BY rowid", {}) if "instellingen_beleidsmix" in tables else None
    gr = g.row(0) if g.height else (None, True, None)
    wr = w.row(0) if w.height else (None,) * 6
    has_target = wr[5] is not None
    return Instellingen(
        gemeente=gr[0],
        standaard=bool(gr[1]),
        bestand=gr[2],
        doel_van=wr[0] if has_target else None,
        doel_tot=wr[1] if has_target else None,
        doel_bron=wr[2],
        norm_bron=wr[3],
        uitval_toelichting=wr[4],
        mix_bron=mix["bron"][0] if mix is not None and mix.height else None,
        mix_toelichting=mix["toelichting"][0] if mix is not None and mix.height else None,
        mix=tuple((r[0], tuple(s.strip() for s in r[1].split(","))) for r in mix.iter_rows()) if mix is not None else (),
    )
