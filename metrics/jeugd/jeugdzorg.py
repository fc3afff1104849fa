"""Rules of the Sturingsdashboard Jeugd that are not a single metric: which period is shown by
default, how the page's filters map onto each metric, the expected over- or underspend (a
derived metric), the forecast per month with its band, the share of the largest aanbieders and
the comparison with CBS per wijk. No Streamlit here: the page only draws what these return.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import polars as pl

from metrics import registry
from metrics.dimensions import DIMENSIONS
from metrics.errors import InvalidQuery
from metrics.jeugd import prognose, selectie, wat_als
from metrics.periods import last_complete_month
from metrics.roles import Scope

if TYPE_CHECKING:
    from metrics.derived import DerivedContext
    from metrics.engine import Engine

CHECKPOINTS = selectie.CHECKPOINTS  # months at whose end the backtest makes the forecast again


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


def _selectie(scope: Scope, keuze: Keuze) -> selectie.Selectie:
    """The toewijzingen the forecast of this choice is made on: its filters, within the user's wijken."""
    wijken = list(keuze.wijken) if keuze.wijken else (sorted(scope.wijken) if scope.wijken is not None else None)
    return selectie.Selectie.of(
        productcategorie=list(keuze.categorieen) if keuze.productgroep else None,
        aanbieder_agb=[keuze.aanbieder] if keuze.aanbieder else None,
        wijk_code=wijken,
    )


def _allowed(engine: Engine, scope: Scope, keuze: Keuze) -> dict | None:
    """The forecast as the engine gives it to this scope (role, wijken, disclosure): its row, or
    None when hidden. Raises AccessDenied or Unavailable like the metric does, so the detail is
    never more than the figure."""
    row = engine.query("prognose", where=keuze.where("prognose", periode=False), scope=scope).row(0, named=True)
    return None if row["geheim"] or row["waarde"] is None else row


def prognose_detail(engine: Engine, scope: Scope, keuze: Keuze) -> prognose.Forecast | None:
    """The forecast of keuze.jaar per month (the same figure as the metric `prognose`), or None when
    it cannot be made (future year, too little history) or is hidden for this scope.

    Under disclosure control every amount in it is protected like any other figure (see
    `_protect_forecast`): the year total and range are the metric's protected values, the amounts
    declared per month are the cells of `lasten` per maand, and the estimates carry noise."""
    keuze = keuze.met_categorieen(engine)
    if keuze.jaar > engine.info.peildatum.year:
        return None
    row = _allowed(engine, scope, keuze)
    if row is None:
        return None
    fc = selectie.forecast(engine, _selectie(scope, keuze), keuze.jaar)
    if fc is None:  # too little history
        return None
    if engine.exact("lasten", where=keuze.where("prognose", periode=False), scope=scope):
        return fc  # the gemeente as a whole (sociaal domein): the budget holder's forecast is exact
    return _protect_forecast(engine, scope, keuze, fc, row)


def backtest(engine: Engine, scope: Scope, keuze: Keuze) -> pl.DataFrame | None:
    """The backtest (forecast made again at the end of March, June and September of every complete
    earlier year, vs the outcome and vs the naive forecast) for the same selection; None when
    hidden. Under disclosure control the outcomes are the protected `lasten` of those years and
    the forecasts carry noise (`_protect_backtest`)."""
    keuze = replace(keuze.met_categorieen(engine), jaar=min(keuze.jaar, engine.info.peildatum.year))
    if _allowed(engine, scope, keuze) is None:
        return None
    bt = selectie.backtest(engine, _selectie(scope, keuze))
    if engine.exact("lasten", where=keuze.where("prognose", periode=False), scope=scope):
        return bt
    return _protect_backtest(engine, scope, keuze, bt)


# --- the forecast in detail, as a role with disclosure control sees it ----------------------
#
# The forecast is made from the exact records of the selection; what leaves this module is
# built from protected figures only. Amounts that are cells of `lasten` (declared in a month, the
# outcome of a year) are taken from the engine, so they equal those cells everywhere else; the
# model's estimates (still to be declared, expected from running toewijzingen, a forecast made
# in an earlier year) get the noise of the selection's `lasten` cell of that year, each under a
# tag of its own. Ratios the model estimated (completion shares, factors) are kept: they are not
# amounts of anyone.


def _estimate(engine: Engine, scope: Scope, where: dict, value: float | None, tag: str) -> float | None:
    """An estimate about the selection `where`, with the noise of its lasten cell under `tag`. The
    estimates here cannot be negative: noise that takes one below zero is cut off at zero (what
    is done with a protected value afterwards cannot make it less safe)."""
    if value is None:
        return None
    frame = engine._perturbed("lasten", pl.DataFrame({"x": [float(value)]}), ["x"], where=where, scope=scope, tag=tag)
    return max(frame["x"][0], 0.0) if value >= 0 else frame["x"][0]


def _protect_forecast(engine: Engine, scope: Scope, keuze: Keuze, fc: prognose.Forecast, row: dict) -> prognose.Forecast:
    where = keuze.where("prognose", periode=False)
    peil = engine.info.peildatum
    last_month = 12 if fc.year < peil.year else peil.month  # months that can have declarations
    declared = engine.query("lasten", by=["maand"], where=where, scope=scope).select("maand", "waarde", "geheim")
    shown = {m: (None if g else v) for m, v, g in declared.iter_rows()}
    rows = []
    for r in fc.months.sort("month").iter_rows(named=True):
        m = r["month"].month
        realised = shown.get(m) if m <= last_month else 0.0
        if m <= last_month and realised is None:
            # Declared amount geheim: show only the month's forecast as a whole, with noise.
            total = _estimate(engine, scope, where, r["total"], f"prognose:maand:{m}")
            rows.append({"month": r["month"], "realised": None, "expected_lag": None, "expected_active": None, "total": total})
            continue
        lag = _estimate(engine, scope, where, r["expected_lag"], f"prognose:vertraging:{m}") if r["expected_lag"] else 0.0
        active = _estimate(engine, scope, where, r["expected_active"], f"prognose:lopend:{m}") if r["expected_active"] else 0.0
        rows.append({"month": r["month"], "realised": realised, "expected_lag": lag, "expected_active": active, "total": realised + lag + active})
    months = pl.DataFrame(rows, schema=fc.months.select("month", "realised", "expected_lag", "expected_active", "total").schema, orient="row")
    months = months.with_columns(cumulative=pl.col("total").cum_sum())
    year = engine.query("lasten", where=where, scope=scope)["waarde"][0]
    k = last_month if fc.year == peil.year else 12
    so_far = engine.query("lasten", where=where | ({"maand": list(range(1, k + 1))} if k < 12 else {}), scope=scope)["waarde"][0]
    exact_so_far = float(fc.months.sort("month")["realised"].head(k).sum())
    naive = so_far * (fc.naive / exact_so_far) if so_far is not None and exact_so_far else None  # x 12 / months elapsed
    lag = _estimate(engine, scope, where, fc.expected_lag, "prognose:vertraging")
    active = _estimate(engine, scope, where, fc.expected_active, "prognose:lopend")
    # The parts of a protected amount follow from it by the model's own ratios (not amounts of anyone).
    known = active * fc.expected_known / fc.expected_active if fc.expected_active else 0.0
    return dataclasses.replace(
        fc,
        realised=year,
        expected_lag=lag,
        late_fill=lag * fc.late_fill / fc.expected_lag if fc.expected_lag else 0.0,
        expected_active=active,
        expected_known=known,
        expected_new=active - known,
        total=row["waarde"],
        low=row["laag"],
        high=row["hoog"],
        naive=naive,
        months=months,
        late=_protect_late(engine, scope, keuze, fc.late),
        backtest=_protect_backtest(engine, scope, keuze, fc.backtest),
        parts=_protect_parts(fc.parts, active / fc.expected_active if fc.expected_active else 0.0),
    )


def _protect_late(engine: Engine, scope: Scope, keuze: Keuze, late: pl.DataFrame) -> pl.DataFrame:
    """The late-aanbieder signal as a role with disclosure control sees it: only for an aanbieder
    whose `lasten` in the selection are shown, with its shortfall (a model estimate) under the
    noise of that cell; the amounts the sentence does not need are left out."""
    if late.is_empty():
        return late
    where = keuze.where("prognose", periode=False)
    rows = []
    for r in late.iter_rows(named=True):
        cell = where | {"aanbieder": r["aanbieder_agb"]}
        shown = engine.query("lasten", where=cell, scope=scope).row(0, named=True)
        if shown["geheim"] or shown["waarde"] is None:
            continue
        tekort = _estimate(engine, scope, cell, r["tekort"], f"prognose:achterstand:{r['van']}:{r['tot']}")
        rows.append(r | {"tekort": tekort, "verwacht_tot_nu": None, "gedeclareerd": None, "verwacht_totaal": None})
    return pl.DataFrame(rows, schema=late.schema, orient="row")


def _protect_parts(parts, ratio: float):
    """The forecast's parts for the what-if, scaled to the protected expected amount (ratio =
    protected / exact): a what-if on a protected forecast moves protected figures by the model's
    own proportions. Starts per month (counts of toewijzingen) rounded to fives, 0-7 a year hidden."""
    yearly = (pl.col("per_month") * 12).round()
    return parts._replace(
        known=parts.known.with_columns(bedrag=pl.col("bedrag") * ratio),
        new=parts.new.with_columns(kosten=pl.col("kosten") * ratio),
        starts=parts.starts.with_columns(per_month=pl.when(yearly > 7).then((yearly / 5).round() * 5 / 12)),
    )


def _protect_backtest(engine: Engine, scope: Scope, keuze: Keuze, bt: pl.DataFrame) -> pl.DataFrame:
    """The backtest with the protected outcome of each year and perturbed forecasts; errors from those."""
    if bt.is_empty():
        return bt
    where = {k: v for k, v in keuze.where("prognose", periode=False).items() if k != "jaar"}
    outcome = engine.query("lasten", by=["jaar"], where=where | {"jaar": sorted(set(bt["year"].to_list()))}, scope=scope)
    actual = {y: (None if g else v) for y, v, g in outcome.select("jaar", "waarde", "geheim").iter_rows()}
    rows = []
    for r in bt.iter_rows(named=True):
        y, point = r["year"], f"{r['checkpoint']}:{r['peildatum']}"
        year_where = where | {"jaar": y}
        a = actual.get(y)
        f = _estimate(engine, scope, year_where, r["forecast"], f"backtest:prognose:{point}") if a is not None else None
        n = _estimate(engine, scope, year_where, r["naive"], f"backtest:doortrekking:{point}") if a is not None else None
        extra = {}
        if "baseline" in r:
            b = _estimate(engine, scope, year_where, r["baseline"], f"backtest:vergelijking:{point}") if a is not None else None
            extra = {"baseline": b, "baseline_error_pct": (b - a) / a * 100 if a and b is not None else None}
        if "low" in r:
            # The range is the forecast's own ratio; whether the outcome fell in it, on what is shown.
            low = f * r["low"] / r["forecast"] if f is not None and r["low"] is not None and r["forecast"] else None
            high = f * r["high"] / r["forecast"] if f is not None and r["high"] is not None and r["forecast"] else None
            extra |= {"low": low, "high": high, "in_range": low <= a <= high if low is not None and a is not None else None}
        rows.append(
            r
            | {
                "actual": a,
                "forecast": f,
                "naive": n,
                "error_pct": (f - a) / a * 100 if a and f is not None else None,
                "naive_error_pct": (n - a) / a * 100 if a and n is not None else None,
            }
            | extra
        )
    return pl.DataFrame(rows, schema=bt.schema, orient="row")


def late_aanbieders(engine: Engine, scope: Scope, keuze: Keuze) -> pl.DataFrame | None:
    """Aanbieders that declared clearly less than their toewijzingen and own lag imply, at the
    build's peildatum, for the selection (the Jeugd page) or everything (the Kompas signal: a
    Keuze without filters). One row per aanbieder, largest shortfall first: aanbieder_agb,
    aanbieder_naam, van, tot (first days of the first and last month of care short), verwacht_tot_nu,
    gedeclareerd, tekort (euro), verwacht_totaal, tekst ("Aanbieder X: € … minder gedeclareerd dan
    verwacht over mei–augustus 2026"). Empty when none; None when the forecast is hidden for this
    scope (the signal is never more than the figure)."""
    current = replace(keuze, jaar=engine.info.peildatum.year).met_categorieen(engine)
    if _allowed(engine, scope, current) is None:
        return None
    late = selectie.late(engine, _selectie(scope, current))
    if engine.exact("lasten", where=current.where("prognose", periode=False), scope=scope):
        return late
    return prognose.with_text(_protect_late(engine, scope, current, late.drop("tekst")))


def late_signaal(engine: Engine, scope: Scope) -> pl.DataFrame | None:
    """The late-aanbieder check for the current year without filters: the Kompas signal."""
    return late_aanbieders(engine, scope, Keuze(jaar=engine.info.peildatum.year, tm_maand=12))


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
    # Under disclosure control a month's declared amount can be geheim (None): the cumulative
    # declared amount is then unknown from that month on, and counts as not in for the band.
    unknown = pl.col("realised").is_null().cast(pl.Int8).cum_max().cast(pl.Boolean)
    m = m.with_columns(
        gedeclareerd=pl.when((month_index <= p) & ~unknown).then(pl.col("realised").cum_sum()).otherwise(None),
        onzeker=pl.col("cumulative") - pl.col("realised").fill_null(0.0).cum_sum(),
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
