"""Rules of the Sturingsdashboard Jeugd that are not a single metric: which period is shown by
default, how the page's filters map onto each metric, the expected over- or underspend (a
derived metric), the forecast per month with its band, the share of the largest aanbieders and
the comparison with CBS per wijk. No Streamlit here: the page only draws what these return.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import polars as pl

from metrics import registry
from metrics.dimensions import DIMENSIONS
from metrics.errors import InvalidQuery
from metrics.jeugd import prognose, wat_als
from metrics.periods import last_complete_month
from metrics.roles import Scope

if TYPE_CHECKING:
    from metrics.derived import DerivedContext
    from metrics.engine import Engine

CHECKPOINTS = (3, 6, 9)  # months at whose end the backtest makes the forecast again


standaard_periode = last_complete_month  # the Jeugd page's default period


def categorieen(engine: Engine, scope: Scope | None, groepen: Sequence[str]) -> tuple[str, ...]:
    """The iJw productcategorieën in these productgroepen (jeugd_productcategorieen)."""
    if "jeugd_productcategorieen" not in engine.info.tables or not groepen:
        return ()
    frame = engine.run_sql(
        "SELECT productcategorie FROM jeugd_productcategorieen WHERE list_contains($groepen::VARCHAR[], groep) ORDER BY 1",
        {"groepen": [str(g) for g in groepen]},
    )
    return tuple(frame["productcategorie"].to_list())


@dataclass(frozen=True)
class Keuze:
    """What the user chose on the page. `where(metric)` turns it into that metric's filter: each
    filter is applied where the metric has the dimension; `niet_toegepast` says which were not.
    A productgroep becomes its productcategorieën for metrics that only know those (prognose)."""

    jaar: int
    tm_maand: int
    productgroep: str | None = None
    aanbieder: str | None = None
    wijken: tuple[str, ...] = ()
    categorieen: tuple[str, ...] = field(default=(), compare=True)

    def met_categorieen(self, engine: Engine) -> Keuze:
        return replace(self, categorieen=categorieen(engine, None, [self.productgroep]) if self.productgroep else ())

    @property
    def maanden(self) -> list[int]:
        return list(range(1, self.tm_maand + 1))

    def _parts(self, metric, periode: bool) -> tuple[dict, list[str]]:
        dims = registry.get(metric).dimensions
        where: dict[str, object] = {}
        skipped: list[str] = []
        if "jaar" in dims:
            where["jaar"] = self.jaar
        if periode and self.tm_maand < 12:
            if "maand" in dims:
                where["maand"] = self.maanden
            else:
                skipped.append("periode")
        if self.productgroep:
            if "productgroep" in dims:
                where["productgroep"] = self.productgroep
            elif "productcategorie" in dims and self.categorieen:
                where["productcategorie"] = list(self.categorieen)
            else:
                skipped.append(DIMENSIONS["productgroep"].label.lower())
        if self.aanbieder:
            if "aanbieder" in dims:
                where["aanbieder"] = self.aanbieder
            else:
                skipped.append("aanbieder")
        if self.wijken:
            if "wijk" in dims:
                where["wijk"] = list(self.wijken)
            else:
                skipped.append("wijk")
        return where, skipped

    def where(self, metric, *, periode: bool = True) -> dict:
        """The engine filter for `metric`: jaar, t/m maand (when `periode`), and the other choices it can take."""
        return self._parts(metric, periode)[0]

    def niet_toegepast(self, metric, *, periode: bool = True) -> list[str]:
        """Dutch names of the chosen filters that `metric` cannot take (to say so beside the figure)."""
        return self._parts(metric, periode)[1]


# --- the derived metric `prognose_saldo` ----------------------------------------------------


def saldo(ctx: DerivedContext) -> pl.DataFrame:
    """Expected over- (positive) or underspend (negative): prognose minus actuele begroting of the
    same year (and productgroep), with the forecast's 80% range (laag, hoog), the two parts, and
    `pct`: the saldo as a fraction of the begroting. Contract: metrics.derived."""
    unknown = sorted({*ctx.by, *ctx.where} - {"jaar", "productgroep"})
    if unknown or set(ctx.by) - {"jaar"}:
        raise InvalidQuery(f"De over- of onderschrijding is niet uit te splitsen of te filteren naar {', '.join(unknown or ctx.by)}.")
    if ctx.wijken is not None:
        raise InvalidQuery("De begroting geldt voor de gemeente als geheel, niet voor een selectie van wijken.")
    years = ctx.where.get("jaar") or (ctx.peildatum.year,)
    if "jaar" not in ctx.by and len(years) > 1:
        raise InvalidQuery("Een over- of onderschrijding geldt voor één jaar: kies één jaar of splits naar jaar.")
    groepen = ctx.where.get("productgroep")
    rows = []
    for year in years:
        prog_where: dict[str, object] = {"jaar": year}
        bg_where: dict[str, object] = {"jaar": year}
        empty = False
        if groepen:
            cats = categorieen(ctx.engine, None, groepen)
            empty = not cats
            prog_where["productcategorie"] = list(cats)
            bg_where["productgroep"] = list(groepen)
        fc = None if empty else ctx.query("prognose", where=prog_where).row(0, named=True)
        bg = ctx.query("begroting_actueel", where=bg_where)["waarde"][0]
        value = fc and fc["waarde"]
        usable = value is not None and bg is not None and bg > 0
        rows.append(
            {
                "jaar": year,
                "waarde": value - bg if usable else None,
                "laag": fc["laag"] - bg if usable and fc["laag"] is not None else None,
                "hoog": fc["hoog"] - bg if usable and fc["hoog"] is not None else None,
                "prognose": value,
                "begroting": bg,
                "pct": (value - bg) / bg if usable else None,
            }
        )
    schema = {"jaar": pl.Int64} | {k: pl.Float64 for k in ("waarde", "laag", "hoog", "prognose", "begroting", "pct")}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame if "jaar" in ctx.by else frame.drop("jaar")


# --- the forecast in detail (per month, and its backtest) -----------------------------------


def _inputs(engine: Engine, scope: Scope, keuze: Keuze) -> prognose.Inputs:
    wijken = list(keuze.wijken) if keuze.wijken else (sorted(scope.wijken) if scope.wijken is not None else None)
    cursor = engine.warehouse.cursor()
    try:
        return prognose.load(
            cursor,
            engine.info.peildatum,
            productcategorie=list(keuze.categorieen) if keuze.productgroep else None,
            aanbieder_agb=[keuze.aanbieder] if keuze.aanbieder else None,
            wijk_code=wijken,
        )
    finally:
        cursor.close()


def _allowed(engine: Engine, scope: Scope, keuze: Keuze) -> bool:
    """The forecast as the engine gives it to this scope (role, wijken, disclosure): False when hidden.

    Raises AccessDenied or Unavailable like the metric does, so the detail is never more than the figure."""
    row = engine.query("prognose", where=keuze.where("prognose", periode=False), scope=scope).row(0, named=True)
    return not row["geheim"] and row["waarde"] is not None


def prognose_detail(engine: Engine, scope: Scope, keuze: Keuze) -> prognose.Forecast | None:
    """The forecast of keuze.jaar per month (the same figure as the metric `prognose`), or None when
    it cannot be made (future year, too little history) or is hidden for this scope."""
    keuze = keuze.met_categorieen(engine)
    if keuze.jaar > engine.info.peildatum.year or not _allowed(engine, scope, keuze):
        return None
    inputs = _inputs(engine, scope, keuze)
    try:
        return prognose.forecast(
            inputs.toewijzingen, inputs.declaraties, keuze.jaar, engine.info.peildatum, tarieven=inputs.tarieven, tarief_historie=inputs.tarief_historie
        )
    except prognose.InsufficientHistory:
        return None


def backtest(engine: Engine, scope: Scope, keuze: Keuze) -> pl.DataFrame | None:
    """The backtest (forecast made again at the end of March, June and September of every complete
    earlier year, vs the outcome and vs the naive forecast) for the same selection; None when hidden."""
    keuze = keuze.met_categorieen(engine)
    if not _allowed(engine, scope, replace(keuze, jaar=min(keuze.jaar, engine.info.peildatum.year))):
        return None
    inputs = _inputs(engine, scope, keuze)
    return prognose.backtest(
        inputs.toewijzingen,
        inputs.declaraties,
        checkpoints=CHECKPOINTS,
        peildatum=engine.info.peildatum,
        tarieven=inputs.tarieven,
        tarief_historie=inputs.tarief_historie,
    )


def late_aanbieders(engine: Engine, scope: Scope, keuze: Keuze) -> pl.DataFrame | None:
    """Aanbieders that declared clearly less than their toewijzingen and own lag imply, at the
    build's peildatum, for the selection (the Jeugd page) or everything (the Kompas signal: a
    Keuze without filters). One row per aanbieder, largest shortfall first: aanbieder_agb,
    aanbieder_naam, van, tot (first days of the first and last month of care short), verwacht_tot_nu,
    gedeclareerd, tekort (euro), verwacht_totaal, tekst ("Aanbieder X: € … minder gedeclareerd dan
    verwacht over mei–augustus 2026"). Empty when none; None when the forecast is hidden for this
    scope (the signal is never more than the figure)."""
    current = replace(keuze, jaar=engine.info.peildatum.year).met_categorieen(engine)
    if not _allowed(engine, scope, current):
        return None
    inputs = _inputs(engine, scope, current)
    return prognose.late_aanbieders(
        inputs.toewijzingen, inputs.declaraties, engine.info.peildatum, tarieven=inputs.tarieven, tarief_historie=inputs.tarief_historie
    )


def wat_als_detail(
    engine: Engine, scope: Scope, keuze: Keuze, aannames: wat_als.Scenario, begroting: float | None = None
) -> wat_als.WatAls | None:
    """The what-if (issue 13) on the forecast of `prognose_detail` for the same selection, next to
    the unchanged one, with the over- or underspend against `begroting` when given (the page asks
    the metric begroting_actueel). None when the forecast cannot be made or is hidden. The
    forecast itself is taken from the analysis cache when the page already made it, so moving a
    slider only redoes the what-if (a calculation on the forecast's parts)."""
    from metrics.scoped import ANALYSIS_RESULTS  # the cache ScopedEngine.analysis fills

    key = (engine.info.build_id, "jeugd.prognose_detail", scope, (keuze,))
    fc = ANALYSIS_RESULTS.get_or_compute(key, lambda: prognose_detail(engine, scope, keuze))
    return None if fc is None else wat_als.wat_als(fc, aannames, begroting)


def herkomst(engine: Engine, scope: Scope | None = None) -> str | None:
    """Where a quoted backtest's data come from, for `prognose.explain`: "demodata, zaad 193" for a
    demo build (the seed once the build records it in builds.seed), None for real exports (the
    peildatum of the outcome is always quoted)."""
    if "builds" not in engine.info.tables:
        return None
    columns = set(engine.run_sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'builds'", {})["column_name"].to_list())
    if "demo" not in columns:
        return None
    seed = ", seed" if "seed" in columns else ""
    row = engine.run_sql(f"SELECT demo{seed} FROM builds ORDER BY started DESC LIMIT 1", {})
    if row.is_empty() or not row["demo"][0]:
        return None
    return f"demodata, zaad {row['seed'][0]}" if seed and row["seed"][0] is not None else "demodata"


def prognose_band(fc: prognose.Forecast, begroting: float | None = None) -> pl.DataFrame:
    """Per month of care: declared so far (cumulative, up to the peildatum's month), the forecast
    (cumulative), its 80% band and, when given, the begroting pro rata (begroting x maand / 12).

    The band is the year-end range spread over the months in proportion to the part of the
    cumulative forecast that is not declared yet: nil where everything is in, the full range in
    December."""
    m = fc.months.sort("month")
    p = fc.peildatum.year * 12 + fc.peildatum.month - 1
    month_index = pl.col("month").dt.year() * 12 + pl.col("month").dt.month() - 1
    m = m.with_columns(
        gedeclareerd=pl.when(month_index <= p).then(pl.col("realised").cum_sum()).otherwise(None),
        onzeker=pl.col("cumulative") - pl.col("realised").cum_sum(),
    )
    open_total = fc.total - fc.realised
    low_gap = (fc.total - fc.low) if fc.low is not None else None
    high_gap = (fc.high - fc.total) if fc.high is not None else None

    def spread(gap):
        if gap is None:
            return pl.lit(None, dtype=pl.Float64)
        if open_total <= 0:
            return pl.lit(0.0)
        return pl.col("onzeker") / open_total * gap

    out = m.select(
        maand=pl.col("month"),
        gedeclareerd=pl.col("gedeclareerd"),
        prognose=pl.col("cumulative"),
        laag=pl.col("cumulative") - spread(low_gap),
        hoog=pl.col("cumulative") + spread(high_gap),
    )
    if begroting is not None:
        out = out.with_columns(begroting=pl.col("maand").dt.month().cast(pl.Float64) / 12 * begroting)
    return out


# --- Iv3 taakvelden ------------------------------------------------------------------------


def taakveld_reeksen(engine: Engine, scope: Scope | None = None) -> dict[str, list[str]]:
    """Per pre-2023 taakveld (6.72, 6.82) the taakvelden from 2023 that continue it (iv3_taakvelden.reeks)."""
    if "iv3_taakvelden" not in engine.info.tables:
        return {}
    frame = engine.run_sql("SELECT taakveld, reeks FROM iv3_taakvelden WHERE taakveld <> reeks ORDER BY reeks, taakveld", {})
    out: dict[str, list[str]] = {}
    for code, reeks in frame.iter_rows():
        out.setdefault(reeks, []).append(code)
    return out


# --- aanbieders, wijken ----------------------------------------------------------------------


def aandeel_top(frame: pl.DataFrame, n: int = 5) -> float | None:
    """Share of the total taken by the n largest rows of an engine result with compare=["aandeel"]
    (hidden rows do not count; None when nothing is shown)."""
    shown = frame.filter(~pl.col("geheim") & pl.col("aandeel").is_not_null()).sort("waarde", descending=True)
    if shown.is_empty():
        return None
    return float(shown.head(n)["aandeel"].sum())


CBS_VERSCHIL = (
    "Waarom verschillen de cijfers? CBS telt jongeren tot 18 jaar met jeugdzorg in natura over een heel kalenderjaar, "
    "naar woonadres, zonder pgb, en publiceert pas na ruim een jaar. Wij tellen jeugdigen met een lopende toewijzing "
    "op enig moment in het gekozen jaar (het lopende jaar tot de peildatum), ook jongvolwassenen met verlengde "
    "jeugdhulp, per 1.000 inwoners van 0-17 jaar. Beide hebben een ander jaar, een andere bron en een andere afbakening: "
    "vergelijk de verhoudingen tussen wijken, niet de precieze waarden."
)


def wijkvergelijking(engine: Engine, scope: Scope, jaar: int, wijken: Sequence[str] = ()) -> tuple[pl.DataFrame, int | None]:
    """Per wijk: jeugdigen with jeugdhulp in `jaar` (count, per 1.000 inwoners 0-17, and that as a
    percentage) beside the CBS percentage of the most recent CBS year up to `jaar` (None when CBS
    is not loaded). Returns the frame and the CBS year."""
    where: dict[str, object] = {"jaar": jaar}
    if wijken:
        where["wijk"] = list(wijken)
    per_1000 = engine.query("jeugdigen_per_1000", by=["wijk"], where=where, scope=scope)
    count = engine.query("jeugdigen", by=["wijk"], where=where, scope=scope).select(
        "wijk", pl.col("waarde").alias("jeugdigen"), pl.col("geheim").alias("jeugdigen_geheim")
    )
    frame = per_1000.join(count, on="wijk", how="left").with_columns(pct=pl.col("waarde") / 10)
    cbs_year = None
    if engine.available("cbs_pct_jongeren_jeugdzorg"):
        cbs_where = {k: v for k, v in where.items() if k != "jaar"}
        cbs = engine.query("cbs_pct_jongeren_jeugdzorg", by=["jaar", "wijk"], where=cbs_where or None, scope=scope)
        cbs = cbs.filter((pl.col("jaar") <= jaar) & pl.col("waarde").is_not_null())
        if cbs.height:
            cbs_year = int(cbs["jaar"].max())
            cbs = cbs.filter(pl.col("jaar") == cbs_year).select("wijk", pl.col("waarde").alias("cbs_pct"))
            frame = frame.join(cbs, on="wijk", how="left")
    if "cbs_pct" not in frame.columns:
        frame = frame.with_columns(cbs_pct=pl.lit(None, dtype=pl.Float64))
    frame = frame.with_columns(verschil_pp=pl.col("pct") - pl.col("cbs_pct"))
    return frame, cbs_year


def relative(value: float | None, base: float | None) -> float | None:
    """value / base - 1, or None when either is missing or the base is not positive."""
    if value is None or base is None or base <= 0 or (isinstance(value, float) and math.isnan(value)):
        return None
    return value / base - 1
