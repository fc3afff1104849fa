"""What the Kompas home says about each use case: its headline figure (one number, its trend, the
freshness and quality of the data behind it) and the signals that need attention now.

Both work through a ScopedEngine only, so they show what the user's role and wijken allow; a
metric the role may not see or whose data is not loaded is left out (the caller says so).

Signals come from declarations, not from code: every metric with a `norm` (metrics.declarations.Norm)
is checked in its latest year, a norm on the index per wijk against the gemeente; and every loaded
dataset past its refresh date or failing a check (metrics.meta) is a signal of the data page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import polars as pl
from babel.dates import get_month_names

from metrics import catalog, meta, registry
from metrics import format as fmt
from metrics.declarations import Metric
from metrics.errors import MetricError
from metrics.scoped import ScopedEngine

_MAANDEN = get_month_names("wide", locale="nl_NL")
_NORM_PREFIX = re.compile(r"^norm:\s*", re.I)  # labels that start with "norm:" already


@dataclass(frozen=True)
class Period:
    jaar: int
    tm_maand: int | None  # None: the whole year

    @property
    def where(self) -> dict:
        return {"jaar": self.jaar} | ({"maand": list(range(1, self.tm_maand + 1))} if self.tm_maand else {})

    @property
    def text(self) -> str:
        if self.tm_maand is None:
            return str(self.jaar)
        if self.tm_maand == 1:
            return f"januari {self.jaar}"
        return f"januari t/m {_MAANDEN[self.tm_maand]} {self.jaar}"

    @property
    def previous(self) -> str:
        return Period(self.jaar - 1, self.tm_maand).text


def period(engine: ScopedEngine, m: Metric) -> Period | None:
    """The latest period a metric has figures for: its latest year, and in the year of the
    peildatum only the months so far (so a comparison with last year takes the same months)."""
    if "jaar" not in m.dimensions:
        return None
    years = engine.query(m, by=["jaar"])
    years = [y for y, v, g in zip(years["jaar"].to_list(), years["waarde"].to_list(), years["geheim"].to_list()) if y is not None and (v is not None or g)]
    if not years:
        return None
    peil = engine.info.peildatum
    jaar = max(years)
    if m.expression.kind == "per_capita" and jaar >= peil.year and len(years) > 1:
        # Per 1.000 inwoners over a year still running counts part of a year: take the last whole one.
        return Period(max(y for y in years if y < peil.year), None) if any(y < peil.year for y in years) else Period(jaar, None)
    if "maand" not in m.dimensions or jaar < peil.year:
        return Period(jaar, None)
    months = engine.query(m, by=["maand"], where={"jaar": jaar})
    known = [mo for mo, v in zip(months["maand"].to_list(), months["waarde"].to_list()) if mo is not None and v is not None]
    # The month of the peildatum is not over yet: up to the last whole month (as the Jeugd page).
    complete = [mo for mo in known if (jaar, mo) < (peil.year, peil.month)]
    if not complete:
        return Period(jaar, None)
    return Period(jaar, max(complete) if max(complete) < 12 else None)


# ---- badges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """Freshness and quality of the datasets a figure is computed from."""

    datasets: tuple[str, ...]  # titles
    stale: tuple[str, ...]  # titles of datasets past their refresh date or with stale content
    quality: str | None  # worst check status of those datasets: pass / warn / fail; None without checks

    @property
    def freshness_text(self) -> str:
        if not self.datasets:
            return "bron onbekend"
        return "verouderd: " + ", ".join(self.stale) if self.stale else "actueel"

    @property
    def quality_text(self) -> str:
        return {"pass": "kwaliteit goed", "warn": "kwaliteit: waarschuwing", "fail": "kwaliteit: fout"}.get(self.quality or "", "kwaliteit niet gecontroleerd")


def badge(engine: ScopedEngine, m: Metric, today: dt.date | None = None) -> Badge:
    sets = engine.datasets()
    if not sets.height:
        return Badge((), (), None)
    keys = meta.datasets_of_tables(sets, registry.sources(m))
    titles = dict(zip(sets["key"].to_list(), sets["title"].to_list()))
    checks = engine.quality_checks()
    fresh = meta.freshness(sets.filter(pl.col("key").is_in(keys)), checks, today)
    statuses = checks.filter(pl.col("dataset").is_in(keys))["status"].to_list() if checks.height else []
    return Badge(tuple(titles[k] for k in keys), tuple(titles[k] for k in keys if fresh[k].stale), meta.worst_status(statuses))


# ---- headlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    metric: Metric
    period: Period | None
    value: float | None
    geheim: bool
    change: float | None  # against the same period last year (a fraction; for percentages: a difference)
    trend: tuple[tuple[int, float], ...]  # (jaar, value) of the complete years, oldest first
    badge: Badge

    @property
    def value_text(self) -> str:
        return fmt.value(self.metric, self.value, geheim=self.geheim)


def headline(engine: ScopedEngine, metric: str | Metric, *, years: int = 8, today: dt.date | None = None) -> Headline | None:
    """The figure of a use case: its latest period, the change against last year, the yearly trend.
    None when the role may not see it, its data is not loaded, or no year has a figure."""
    m = registry.get(metric)
    if not engine.allowed(m) or not engine.available(m):
        return None
    try:
        p = period(engine, m)
        if p is None and "jaar" in m.dimensions:
            return None  # loaded, but no year has a figure (e.g. only buurt rows without a gemeente total)
        where = p.where if p else {}
        row = engine.query(m, where=where, compare=["vorig_jaar"] if p else []).row(0, named=True)
        trend = engine.query(m, by=["jaar"]) if p else None
    except MetricError:
        return None
    points: tuple[tuple[int, float], ...] = ()
    if trend is not None:
        last = p.jaar if p.tm_maand is None else p.jaar - 1  # a year still running would dip
        points = tuple((y, v) for y, v in zip(trend["jaar"].to_list(), trend["waarde"].to_list()) if y is not None and v is not None and y <= last)[-years:]
    percent = m.format in ("procent", "percentage")
    hidden = bool(row["geheim"]) or bool(row.get("vorig_jaar_geheim"))
    change = None if hidden else row.get("verschil" if percent else "verschil_pct")
    return Headline(m, p, row["waarde"], bool(row["geheim"]), change, points, badge(engine, m, today))


# ---- signals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    level: Literal["fout", "waarschuwing"]
    page: str | None  # the manifest page it belongs to (None: no page for it)
    title: str  # Dutch, short
    text: str  # Dutch, one sentence
    metric: str | None = None


def _norm_value(engine: ScopedEngine, m: Metric) -> float | None:
    if m.norm.setting is None:
        return m.norm.value
    setting = registry.get(m.norm.setting)
    if not engine.allowed(setting) or not engine.available(setting):
        return None
    return engine.query(setting)["waarde"][0]


def norm_signals(engine: ScopedEngine, page_of_domain: dict[str, str]) -> list[Signal]:
    """Every metric with a norm that this scope may see, checked in its latest period."""
    out: list[Signal] = []
    for m in registry.METRICS.values():
        if m.norm is None or not engine.allowed(m) or not engine.available(m):
            continue
        page = page_of_domain.get(m.domain)
        try:
            p = period(engine, m)
            where = p.where if p else {}
            when = f" ({p.text})" if p else ""
            if m.norm.on == "index":
                if "wijk" not in m.dimensions:
                    continue
                frame = engine.query(m, by=["wijk"], where=where, compare=["index"])
                above = [(lb, ix, v) for lb, ix, v, g in zip(frame["wijk_label"].to_list(), frame["index"].to_list(), frame["waarde"].to_list(), frame["geheim"].to_list())
                         if not g and m.norm.broken(ix)]  # fmt: skip
                if not above:
                    continue
                above.sort(key=lambda t: -t[1])
                shown = ", ".join(f"{lb} ({fmt.value(m, v)}, index {fmt.number(ix, 'index')})" for lb, ix, v in above[:3])
                more = f" en nog {len(above) - 3}" if len(above) > 3 else ""
                out.append(Signal("waarschuwing", page, f"{m.label}{when}: {len(above)} wijk(en) ver boven de gemeente", f"{shown}{more}. Norm: {m.norm.label}.", m.name))
                continue
            row = engine.query(m, where=where).row(0, named=True)
            if row["geheim"] or row["waarde"] is None:
                continue
            limit = _norm_value(engine, m)
            if not m.norm.broken(row["waarde"], limit):
                continue
            side = "boven" if m.norm.direction == "max" else "onder"
            limit_text = f" ({fmt.value(m, limit)})" if m.norm.setting else ""
            out.append(
                Signal(
                    "fout" if m.format.startswith("euro") else "waarschuwing",
                    page,
                    f"{m.label}{when}: {fmt.value(m, row['waarde'])}, {side} de norm",
                    f"Norm: {_NORM_PREFIX.sub('', m.norm.label)}{limit_text}.",
                    m.name,
                )
            )
        except MetricError:
            continue  # a figure this scope cannot split or filter this way is not a signal
    return out


def data_signals(engine: ScopedEngine, today: dt.date | None = None) -> list[Signal]:
    """Datasets past their refresh date or with stale content, and quality checks that fail."""
    sets = engine.datasets()
    if not sets.height:
        return []
    checks = engine.quality_checks()
    out = []
    titles = dict(zip(sets["key"].to_list(), sets["title"].to_list()))
    for key, f in meta.freshness(sets, checks, today).items():
        if f.stale:
            out.append(Signal("waarschuwing", "data", f"{titles[key]}: {f.text}", "Laad een nieuwe export (pagina Data & eigenaarschap).", None))
    if checks.height:
        failed = checks.filter(pl.col("status") == "fail")
        for key in dict.fromkeys(failed["dataset"].to_list()):
            n = failed.filter(pl.col("dataset") == key).height
            out.append(Signal("fout", "data", f"{titles.get(key, key)}: {n} kwaliteitscontrole(s) fout", "Bekijk de controles op de pagina Data & eigenaarschap.", None))
    return out


def analysis_signals(engine: ScopedEngine, page_of_domain: dict[str, str]) -> list[Signal]:
    """Declared analyses that are signals (Analysis.signal): one signal when they return rows."""
    out: list[Signal] = []
    for a in registry.ANALYSES.values():
        if a.signal is None or engine.scope.role not in a.roles:
            continue
        try:
            found = engine.analysis(a.name)
        except MetricError:
            continue
        texts = [t for t in (found["tekst"].to_list() if found is not None and "tekst" in found.columns else []) if t]
        if texts:
            shown = "; ".join(texts[:3]) + (f"; en nog {len(texts) - 3}" if len(texts) > 3 else "")
            out.append(Signal("waarschuwing", page_of_domain.get(a.name.split(".")[0]), a.signal, shown + ".", None))
    return out


def signals(engine: ScopedEngine, page_of_domain: dict[str, str], today: dt.date | None = None) -> list[Signal]:
    """Norm signals, analysis signals and data signals, errors first."""
    found = norm_signals(engine, page_of_domain) + analysis_signals(engine, page_of_domain) + data_signals(engine, today)
    return sorted(found, key=lambda s: s.level != "fout")


def pages_using(metric: str) -> tuple[str, ...]:
    return catalog.used_by().get(metric, ())
