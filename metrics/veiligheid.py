"""Veiligheid in wijken: honest small numbers and the analyses behind the page /veiligheid.

Registered crime in a buurt is a count of events; a rate per 1.000 inwoners made from a handful of
events, or from a buurt where hardly anyone lives, jumps from year to year by chance alone. This
module gives every rate its exact (Garwood) Poisson interval and says when a rate is unreliable:

- fewer than MIN_GEBEURTENISSEN events: with fewer than 20 events the relative standard error of
  a rate (1/sqrt(n) for a Poisson count) exceeds 22%, the threshold at which the US National
  Center for Health Statistics does not publish a rate and which health statistics offices flag as
  unreliable (NY State Department of Health, "Rates based on small numbers");
- fewer than MIN_INWONERS inwoners: an assumption of ours. In a buurt with few residents (a
  bedrijventerrein, the station area) most crime happens to visitors, firms and passers-by, so a
  figure per 1.000 inwoners says little even when the count itself is large.

The analyses (declared in metrics.definitions.veiligheid, reached with ScopedEngine.analysis) take
their figures from the engine for the caller's scope: the wijkprofiel's youth-care figures are the
disclosure-controlled cells the role may see, on screen and in the PDF alike.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist

import polars as pl

from metrics import format as fmt
from metrics import meta, registry
from metrics.errors import AccessDenied, InvalidQuery, Unavailable
from metrics.roles import Scope

MIN_GEBEURTENISSEN = 20
MIN_INWONERS = 500
BETROUWBAARHEID = 0.95  # the interval shown: 95%

# ---- the exact Poisson interval ------------------------------------------------------------------


def gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma function P(a, x) (series below a + 1, Lentz's
    continued fraction for the upper tail above; Numerical Recipes 6.2)."""
    if a <= 0:
        raise ValueError("a moet positief zijn")
    if x <= 0:
        return 0.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        for _ in range(100_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def gamma_ppf(p: float, a: float) -> float:
    """The p-quantile of the Gamma(a, 1) distribution: x with P(a, x) = p. Equal to half the
    p-quantile of chi-square with 2a degrees of freedom. Newton steps inside a bisection bracket,
    started from the Wilson-Hilferty approximation."""
    if not 0 < p < 1:
        raise ValueError("p ligt tussen 0 en 1")
    z = NormalDist().inv_cdf(p)
    x = max(a * (1 - 1 / (9 * a) + z * math.sqrt(1 / (9 * a))) ** 3, 1e-8)
    lo, hi = 0.0, max(2 * x, a + 10 * math.sqrt(a) + 10)
    while gamma_p(a, hi) < p:
        lo, hi = hi, hi * 2
    for _ in range(200):
        f = gamma_p(a, x) - p
        if f > 0:
            hi = min(hi, x)
        else:
            lo = max(lo, x)
        density = math.exp(-x + (a - 1) * math.log(x) - math.lgamma(a)) if x > 0 else 0.0
        step = f / density if density > 0 else math.inf
        new = x - step
        if not lo < new < hi:
            new = (lo + hi) / 2
        if abs(new - x) <= 1e-14 * max(1.0, abs(x)) or hi - lo <= 1e-14 * max(1.0, hi):
            return new
        x = new
    return x


@lru_cache(maxsize=8192)
def poisson_interval(count: int, confidence: float = BETROUWBAARHEID) -> tuple[float, float]:
    """The exact (Garwood) interval for the mean of a Poisson count, from the chi-square relation:
    lower = chi2(alpha/2; 2k)/2 = Gamma^-1(alpha/2; k), upper = chi2(1-alpha/2; 2k+2)/2 =
    Gamma^-1(1-alpha/2; k+1); the lower limit of 0 events is 0."""
    if count < 0 or int(count) != count:
        raise ValueError("een aantal gebeurtenissen is een geheel getal van 0 of meer")
    k = int(count)
    alpha = 1 - confidence
    lower = 0.0 if k == 0 else gamma_ppf(alpha / 2, k)
    return lower, gamma_ppf(1 - alpha / 2, k + 1)


def rate_interval(count: float | None, population: float | None, per: int = 1000) -> tuple[float | None, float | None]:
    """The interval of a rate per `per` inwoners: the count's Poisson interval over the population."""
    if count is None or population is None or population <= 0:
        return None, None
    low, high = poisson_interval(int(round(count)))
    return low / population * per, high / population * per


def reliability(count: float | None, population: float | None) -> str | None:
    """Why a rate per 1.000 inwoners is unreliable (Dutch), or None when it is not."""
    reasons = []
    if count is not None and count < MIN_GEBEURTENISSEN:
        reasons.append(f"minder dan {MIN_GEBEURTENISSEN} gebeurtenissen")
    if population is not None and population < MIN_INWONERS:
        reasons.append(f"minder dan {MIN_INWONERS} inwoners")
    return " en ".join(reasons) if reasons else None


UITLEG = (
    f"Een cijfer per 1.000 inwoners heet hier onbetrouwbaar bij minder dan {MIN_GEBEURTENISSEN} gebeurtenissen (dan is de toevalsmarge "
    f"meer dan 22% van het cijfer; de grens die statistiekbureaus voor gezondheidscijfers aanhouden) of bij minder dan {MIN_INWONERS} "
    "inwoners (daar gebeuren misdrijven vooral bij bezoekers, bedrijven en passanten; onze aanname). Het interval is het exacte "
    "95%-interval van Poisson: bij een even groot risico kan het aantal door toeval zoveel verschillen."
)

# ---- per wijk or buurt ----------------------------------------------------------------------------

RATE_METRICS = ("misdrijven", "high_impact_crimes", "overlast")


def per_gebied(engine, scope: Scope, metric: str, level: str, jaar: int, soort: str | None = None) -> tuple[pl.DataFrame, dict]:
    """Per wijk or buurt: the count, inwoners, per 1.000 inwoners with its 95% interval, the index
    (gemeente = 100) and why a rate is unreliable; and the same for the gemeente as a dict. Public
    figures only (misdrijven, high-impact crimes, overlast)."""
    if metric not in RATE_METRICS or level not in ("wijk", "buurt"):
        raise InvalidQuery("Kies misdrijven, high-impact crimes of overlast, per wijk of per buurt.")
    m = registry.get(metric)
    where: dict = {"jaar": jaar}
    if soort and "soort_misdrijf" in m.dimensions:
        where["soort_misdrijf"] = soort
    try:
        frame = engine.query(metric, by=[level], where=where, scope=scope, compare=("vorig_jaar", "per_1000", "index"))
        whole = engine.query(metric, where=where, scope=scope, compare=("vorig_jaar", "per_1000"))
        pop_year = whole["bevolking_jaar"][0]
        inwoners = engine.query("inwoners", by=[level], where={"jaar": pop_year}, scope=scope) if pop_year is not None else None
        totaal_inwoners = engine.query("inwoners", where={"jaar": pop_year}, scope=scope)["waarde"][0] if pop_year is not None else None
    except Unavailable:
        frame = engine.query(metric, by=[level], where=where, scope=scope, compare=("vorig_jaar",))
        frame = frame.with_columns(bevolking_jaar=pl.lit(None, pl.Int64), per_1000=pl.lit(None, pl.Float64), index=pl.lit(None, pl.Float64))
        whole = engine.query(metric, where=where, scope=scope, compare=("vorig_jaar",)).with_columns(
            bevolking_jaar=pl.lit(None, pl.Int64), per_1000=pl.lit(None, pl.Float64)
        )
        inwoners, totaal_inwoners = None, None
    if inwoners is not None:
        frame = frame.join(inwoners.select(level, pl.col("waarde").alias("inwoners")), on=level, how="left")
    else:
        frame = frame.with_columns(inwoners=pl.lit(None, pl.Float64))
    rows = []
    for r in frame.iter_rows(named=True):
        low, high = rate_interval(r["waarde"], r["inwoners"])
        reden = reliability(r["waarde"], r["inwoners"]) if r["per_1000"] is not None else None
        rows.append((low, high, reden))
    out = frame.select(
        level,
        f"{level}_label",
        pl.col("waarde").alias("aantal"),
        "vorig_jaar",
        "verschil_pct",
        "inwoners",
        "bevolking_jaar",
        "per_1000",
        pl.Series("laag", [x[0] for x in rows], dtype=pl.Float64),
        pl.Series("hoog", [x[1] for x in rows], dtype=pl.Float64),
        "index",
        pl.Series("onbetrouwbaar", [x[2] for x in rows], dtype=pl.String),
    )
    g = whole.row(0, named=True)
    low, high = rate_interval(g["waarde"], totaal_inwoners)
    gemeente = {
        "aantal": g["waarde"],
        "vorig_jaar": g["vorig_jaar"],
        "verschil_pct": g["verschil_pct"],
        "inwoners": totaal_inwoners,
        "bevolking_jaar": g["bevolking_jaar"],
        "per_1000": g["per_1000"],
        "laag": low,
        "hoog": high,
    }
    return out, gemeente


# ---- what the loaded files cover ------------------------------------------------------------------


@dataclass(frozen=True)
class Dekking:
    """What the loaded politie files hold for a year, so the page can say why sums differ."""

    jaar: int
    gemeente: float | None  # the gemeente figure the page shows
    gepubliceerd: bool  # the gemeente figure is the published one (else: the sum of its buurten)
    buurten: float | None  # the sum over the gemeente's buurten
    soorten: bool  # split by soort misdrijf (else only the total is loaded)
    maandjaren: tuple[int, ...] = ()  # complete years with monthly figures

    @property
    def niet_geplaatst(self) -> float | None:
        if self.gemeente is None or self.buurten is None or not self.gepubliceerd:
            return None
        return self.gemeente - self.buurten


def dekking(engine, scope: Scope, jaar: int) -> Dekking:
    """The gemeente figure, the sum of the buurten, and whether the gemeente row, the split by soort
    and monthly figures are in the loaded files (misdrijven, the year asked)."""
    g = engine.info.gemeente
    published = engine.run_sql(
        "SELECT count(*) AS n FROM misdrijven WHERE regio_niveau = 'gemeente' AND gemeente_code = $g AND jaar = $j", {"g": g, "j": jaar}
    )["n"][0]
    split = engine.run_sql(
        "SELECT count(*) AS n FROM misdrijven WHERE gemeente_code = $g AND jaar = $j AND soort_code <> '0.0.0'", {"g": g, "j": jaar}
    )["n"][0]
    total = engine.query("misdrijven", where={"jaar": jaar}, scope=scope)["waarde"][0]
    buurten = engine.query("misdrijven", by=["buurt"], where={"jaar": jaar}, scope=scope)["waarde"]
    months = engine.query("misdrijven", by=["jaar", "maand"], scope=scope)
    complete = months.filter(pl.col("waarde").is_not_null()).group_by("jaar").len().filter(pl.col("len") == 12)["jaar"].sort().to_list()
    return Dekking(
        jaar=jaar,
        gemeente=total,
        gepubliceerd=bool(published),
        buurten=float(buurten.sum()) if buurten.len() and buurten.null_count() < buurten.len() else None,
        soorten=bool(split),
        maandjaren=tuple(int(y) for y in complete),
    )


# ---- seasonality ------------------------------------------------------------------------------------


def seizoen(engine, scope: Scope, metric: str, wijken: tuple[str, ...] = (), soort: str | None = None) -> pl.DataFrame | None:
    """Per calendar month the average count over the complete years with monthly figures, and its
    index (average month = 100); None with fewer than two complete years. Columns maand, gemiddeld,
    index, jaren (how many years)."""
    m = registry.get(metric)
    where: dict = {}
    if wijken:
        where["wijk"] = list(wijken)
    if soort and "soort_misdrijf" in m.dimensions:
        where["soort_misdrijf"] = soort
    frame = engine.query(metric, by=["jaar", "maand"], where=where, scope=scope)
    usable = frame.filter(pl.col("waarde").is_not_null() & ~pl.col("geheim"))
    full = usable.group_by("jaar").len().filter(pl.col("len") == 12)["jaar"]
    usable = usable.filter(pl.col("jaar").is_in(full.implode()))
    if full.len() < 2:
        return None
    per_month = usable.group_by("maand").agg(pl.col("waarde").mean().alias("gemiddeld")).sort("maand")
    mean = per_month["gemiddeld"].mean()
    return per_month.with_columns(
        index=pl.when(pl.lit(mean) > 0).then(pl.col("gemiddeld") / mean * 100).otherwise(None),
        jaren=pl.lit(full.len(), pl.Int64),
        van=pl.lit(int(full.min()), pl.Int64),
        tot=pl.lit(int(full.max()), pl.Int64),
    )


# ---- the wijkprofiel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    """One key figure of the wijkprofiel: the wijk against the gemeente, with its change."""

    groep: str  # Veiligheid, Inwoners en wonen, Jeugd
    onderwerp: str
    wijk: str  # as shown ("1.015", "geheim", "–")
    gemeente: str
    vergelijking: str  # index or share against the gemeente, or a note
    verandering: str  # change against the year before, as shown
    waarde: float | None = None  # the wijk's value (None when hidden or missing)
    opmerking: str | None = None  # unreliable, not for this role, ...


@dataclass(frozen=True)
class Profiel:
    wijk: str
    wijk_naam: str
    gemeente_naam: str
    jaar: int
    peildatum: dt.date
    regels: tuple[Regel, ...]
    trend: pl.DataFrame  # jaar, reeks (wijk naam / gemeente), waarde: misdrijven per 1.000 inwoners
    soorten: pl.DataFrame  # soort, soort_label, wijk, gemeente: per 1.000 inwoners, largest first
    bronnen: tuple[str, ...]
    notities: tuple[str, ...] = field(default=())


def _one(engine, scope, metric, where, compare=()) -> dict | None:
    try:
        return engine.query(metric, where=where, scope=scope, compare=compare).row(0, named=True)
    except (Unavailable, AccessDenied, InvalidQuery):
        return None


def _text(metric: str, row: dict | None, column: str = "waarde") -> str:
    if row is None:
        return fmt.MISSING
    return fmt.value(metric, row.get(column), geheim=bool(row.get("geheim")))


def _change(row: dict | None, metric: str) -> str:
    if row is None or row.get("geheim") or row.get("vorig_jaar_geheim") or row.get("verschil_pct") is None:
        return fmt.MISSING
    if registry.get(metric).format in ("procent", "percentage"):
        return fmt.points(row["verschil"])
    return fmt.change(row["verschil_pct"])


def wijkprofiel(engine, scope: Scope, wijk: str, jaar: int) -> Profiel:
    """Safety, inwoners, housing and (disclosure-controlled) youth care of one wijk against the
    gemeente, in the year asked, for the caller's scope: the same figures on screen and in the PDF."""
    names = engine.labels("wijk")
    if wijk not in names:
        raise InvalidQuery("Onbekende wijk.")
    b = meta.build(engine.warehouse)
    gemeente_naam = b.gemeente_naam if b else engine.info.gemeente
    in_wijk = {"jaar": jaar, "wijk": wijk}
    heel = {"jaar": jaar}
    regels: list[Regel] = []
    notities: list[str] = []

    def allowed(metric: str) -> bool:
        return engine.allowed(metric, scope) and engine.available(metric)

    # Safety: counts and rates, the wijk with its interval and reliability.
    for metric, groep in (("misdrijven", "Veiligheid"), ("high_impact_crimes", "Veiligheid"), ("overlast", "Veiligheid")):
        if not allowed(metric):
            continue
        # The table per wijk first: the wijk's own count and change below are then its cells
        # (metrics.engine takes a wijk's cell from the split by wijk instead of reading it again).
        try:
            rates, whole = per_gebied(engine, scope, metric, "wijk", jaar)
            r = next(rates.filter(pl.col("wijk") == wijk).iter_rows(named=True), None)  # none: a wijk without figures
        except (Unavailable, InvalidQuery):
            r, whole = None, None
        w = _one(engine, scope, metric, in_wijk, ("vorig_jaar",))
        g = _one(engine, scope, metric, heel, ("vorig_jaar",))
        if w is None or w["waarde"] in (None, 0) and (g is None or not g["waarde"]):
            continue
        label = registry.get(metric).label
        regels.append(Regel(groep, label, _text(metric, w), _text(metric, g), "", _change(w, metric), w["waarde"]))
        if r is not None and r["per_1000"] is not None:
            interval = f"95%-interval {fmt.number(r['laag'], 'decimaal')}–{fmt.number(r['hoog'], 'decimaal')}"
            regels.append(
                Regel(
                    groep,
                    f"{label} per 1.000 inwoners",
                    fmt.number(r["per_1000"], "decimaal"),
                    fmt.number(whole["per_1000"], "decimaal") if whole["per_1000"] is not None else fmt.MISSING,
                    f"index {fmt.number(r['index'], 'index')}" if r["index"] is not None else fmt.MISSING,
                    fmt.MISSING,
                    r["per_1000"],
                    interval + (f"; onbetrouwbaar: {r['onbetrouwbaar']}" if r["onbetrouwbaar"] else ""),
                )
            )
    if allowed("meldingen"):
        if scope.wijken is not None and wijk not in scope.wijken:
            notities.append("Meldingen openbare ruimte: alleen voor uw eigen wijken.")
        else:
            w = _one(engine, scope, "meldingen", in_wijk, ("vorig_jaar",))
            g = _one(engine, Scope(role=scope.role), "meldingen", heel, ("vorig_jaar",)) if scope.wijken is None else None
            pct = _one(engine, scope, "pct_binnen_termijn", in_wijk, ("vorig_jaar",))
            regels.append(Regel("Openbare ruimte", "Meldingen openbare ruimte", _text("meldingen", w), _text("meldingen", g), "", _change(w, "meldingen"),
                                w["waarde"] if w else None))  # fmt: skip
            if pct is not None and pct["waarde"] is not None:
                gp = _one(engine, scope, "pct_binnen_termijn", heel) if scope.wijken is None else None
                regels.append(Regel("Openbare ruimte", "Afgehandeld binnen termijn", _text("pct_binnen_termijn", pct), _text("pct_binnen_termijn", gp), "",
                                    _change(pct, "pct_binnen_termijn"), pct["waarde"]))  # fmt: skip
    # Inwoners and housing (1 January of the year).
    for metric in ("inwoners", "inwoners_0_17", "inwoners_65plus", "woningen"):
        if not allowed(metric):
            continue
        w = _one(engine, scope, metric, in_wijk, ("vorig_jaar",))
        g = _one(engine, scope, metric, heel, ("vorig_jaar",))
        if w is None or w["waarde"] is None:
            continue
        share = f"aandeel {fmt.number(w['waarde'] / g['waarde'], 'procent')}" if g and g["waarde"] else ""
        regels.append(Regel("Inwoners en wonen", f"{registry.get(metric).label} (1 januari)", _text(metric, w), _text(metric, g), share, _change(w, metric), w["waarde"]))
    # Youth care: protected cells as the role sees them; own wijken only for wijkmanagers.
    if engine.allowed("jeugdigen", scope) and engine.available("jeugdigen"):
        if scope.wijken is not None and wijk not in scope.wijken:
            notities.append("Jeugdhulp: cijfers alleen voor uw eigen wijken.")
        else:
            w = _one(engine, scope, "jeugdigen", in_wijk, ("vorig_jaar",))
            g = _one(engine, scope, "jeugdigen", heel, ("vorig_jaar",)) if scope.wijken is None else None
            regels.append(Regel("Jeugd", "Jeugdigen met jeugdhulp", _text("jeugdigen", w), _text("jeugdigen", g), "", _change(w, "jeugdigen"),
                                None if w is None or w["geheim"] else w["waarde"]))  # fmt: skip
            try:
                p = engine.query("jeugdigen_per_1000", by=["wijk"], where=in_wijk, scope=scope, compare=("index",)).row(0, named=True)
                gp = _one(engine, scope, "jeugdigen_per_1000", heel) if scope.wijken is None else None
                regels.append(
                    Regel("Jeugd", "Jeugdigen met jeugdhulp per 1.000 jongeren", _text("jeugdigen_per_1000", p), _text("jeugdigen_per_1000", gp),
                          f"index {fmt.number(p['index'], 'index')}" if p["index"] is not None and not p["geheim"] else fmt.MISSING, fmt.MISSING,
                          None if p["geheim"] else p["waarde"])  # fmt: skip
                )
            except (Unavailable, InvalidQuery):
                pass

    if allowed("misdrijven"):
        d = dekking(engine, scope, jaar)
        if d.gemeente is not None and not d.gepubliceerd:
            notities.append(f"Misdrijven: de geladen politiebestanden hebben voor {jaar} geen gemeentecijfer; het gemeentecijfer is de som van de buurten.")
        elif d.niet_geplaatst:
            notities.append(f"Misdrijven: het gemeentecijfer bevat {fmt.number(d.niet_geplaatst, 'aantal')} misdrijven die niet aan een buurt zijn toe te wijzen.")
    if scope.wijken is not None and any(x.groep in ("Openbare ruimte", "Jeugd") for x in regels):
        notities.append(
            "Meldingen en jeugdhulp zijn interne gegevens: u ziet ze alleen voor uw eigen wijken, dus zonder gemeentecijfer ernaast "
            "(de index vergelijkt wel met de hele gemeente)."
        )
    trend = _trend(engine, scope, wijk, names[wijk], jaar)
    soorten = _soorten(engine, scope, wijk, jaar)
    sets = meta.datasets(engine.warehouse)
    bronnen = tuple(
        f"{t} ({p})" if p else t
        for t, p, k in zip(sets["title"].to_list(), sets["publisher"].to_list(), sets["key"].to_list())
        if k in _SOURCES and all(engine.allowed(m, scope) for m in _SOURCES[k])
    )
    return Profiel(wijk, names[wijk], gemeente_naam, jaar, engine.info.peildatum, tuple(regels), trend, soorten, bronnen, tuple(notities))


# The datasets a profile names as its sources, with a metric each that the role must be allowed to see.
_SOURCES = {
    "politie_misdrijven": ("misdrijven",),
    "politie_overlast": ("overlast",),
    "zwolle_portaal": ("inwoners",),
    "cbs_regios": ("misdrijven",),
    "meldingen": ("meldingen",),
    "jeugd_toewijzingen": ("jeugdigen",),
}


def _trend(engine, scope, wijk: str, naam: str, jaar: int) -> pl.DataFrame:
    """Misdrijven per 1.000 inwoners per year up to `jaar`, the wijk and the gemeente."""
    schema = {"jaar": pl.Int64, "reeks": pl.String, "waarde": pl.Float64}
    try:
        w = engine.query("misdrijven_per_1000", by=["jaar"], where={"wijk": wijk}, scope=scope)
        g = engine.query("misdrijven_per_1000", by=["jaar"], scope=scope)
    except (Unavailable, InvalidQuery):
        return pl.DataFrame(schema=schema)
    parts = [f.filter(pl.col("jaar") <= jaar).select("jaar", pl.lit(label).alias("reeks"), "waarde") for f, label in ((w, naam), (g, "Gemeente"))]
    return pl.concat(parts).filter(pl.col("waarde").is_not_null()).cast(schema)


def per_soort(engine, scope: Scope, wijk: str, jaar: int) -> pl.DataFrame:
    """Per soort misdrijf (47018NED code and label) in one wijk: the count and its change, per
    1.000 inwoners beside the gemeente's, the index (gemeente = 100) and the 95% interval; the most
    frequent first. Empty when the loaded files hold the total only."""
    schema = {
        "soort_misdrijf": pl.String, "soort": pl.String, "aantal": pl.Float64, "vorig_jaar": pl.Float64, "verschil_pct": pl.Float64,
        "per_1000": pl.Float64, "laag": pl.Float64, "hoog": pl.Float64, "gemeente": pl.Float64, "index": pl.Float64, "onbetrouwbaar": pl.String,
    }  # fmt: skip
    try:
        w = engine.query("misdrijven", by=["soort_misdrijf", "wijk"], where={"jaar": jaar, "wijk": wijk}, scope=scope, compare=("vorig_jaar", "per_1000", "index"))
        g = engine.query("misdrijven", by=["soort_misdrijf"], where={"jaar": jaar}, scope=scope, compare=("per_1000",))
        inwoners = engine.query("inwoners", where={"jaar": w["bevolking_jaar"].drop_nulls().max(), "wijk": wijk}, scope=scope)["waarde"][0] if w.height else None
    except (Unavailable, InvalidQuery):
        return pl.DataFrame(schema=schema)
    both = w.join(g.select("soort_misdrijf", pl.col("per_1000").alias("gemeente")), on="soort_misdrijf", how="left")
    both = both.filter(pl.col("waarde").is_not_null() & ((pl.col("waarde") > 0) | (pl.col("vorig_jaar").fill_null(0) > 0)))
    both = both.sort("waarde", descending=True)
    bounds = [rate_interval(n, inwoners) for n in both["waarde"].to_list()]
    return both.select(
        "soort_misdrijf",
        pl.concat_str(pl.col("soort_misdrijf"), pl.lit(" "), pl.col("soort_misdrijf_label")).alias("soort"),
        pl.col("waarde").alias("aantal"),
        "vorig_jaar",
        "verschil_pct",
        "per_1000",
        pl.Series("laag", [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series("hoog", [b[1] for b in bounds], dtype=pl.Float64),
        "gemeente",
        "index",
        pl.Series("onbetrouwbaar", [reliability(n, None) for n in both["waarde"].to_list()], dtype=pl.String),
    ).cast(schema)


def _soorten(engine, scope, wijk: str, jaar: int, top: int = 8) -> pl.DataFrame:
    """The most frequent soorten misdrijf in the wijk per 1.000 inwoners, beside the gemeente."""
    schema = {"soort_misdrijf": pl.String, "soort_label": pl.String, "wijk": pl.Float64, "gemeente": pl.Float64}
    found = per_soort(engine, scope, wijk, jaar)
    return found.filter(pl.col("aantal") > 0).head(top).select("soort_misdrijf", pl.col("soort").alias("soort_label"), pl.col("per_1000").alias("wijk"), "gemeente").cast(schema)
