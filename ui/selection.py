"""One selection for every page: a filter bar made from the dimension declarations, in the url.

    sel = selection.bar(engine, [Filter("jaar"), Filter("periode", url="tm"), Filter("productgroep", url="soort"),
                                 Filter("aanbieder", options_from="lasten"), Filter("wijk", multi=True)],
                        main="lasten", default_period=last_complete_month(peildatum))
    engine.query(lasten, where=sel.where(lasten))           # jaar, months, and every filter lasten knows
    sel.not_applied(begroting)                               # ["aanbieder"]: say so beside the figure

Every filter is bound to a url query parameter, so a view can be shared as a link. A filter
applies to a metric that has the dimension, or a dimension that rolls up into it (a soort
jeugdhulp filter on figures per productcategorie: `Dimension.parent`); the engine does the
roll-up. What a metric cannot take is named, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import streamlit as st
from babel.dates import get_month_names

from metrics import registry
from metrics.dimensions import DIMENSIONS
from metrics.scoped import ScopedEngine
from ui import audit

MAANDEN = get_month_names("wide", locale="nl_NL")
# Characters with a meaning in Streamlit's Markdown (CommonMark, tables, strikethrough, LaTeX `$`,
# colour and icon directives `:red[...]`, `:material/x:`, raw HTML `<...>`, entities `&...;`).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~$:&])")
_AUTOLINK = re.compile(r"(\\:|@|(?<=www)\\?\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"
PERIODE = "periode"  # the pseudo-dimension "januari t/m <maand>" of the chosen year


@dataclass(frozen=True)
class Filter:
    dimension: str  # a declared dimension, or "periode"
    url: str | None = None  # the query parameter (default: the dimension's name)
    label: str | None = None  # default: the dimension's label
    multi: bool = False
    options_from: str | None = None  # metric whose values of this dimension are the choices
    all_label: str | None = None  # the "no choice" option, e.g. "Alle aanbieders"

    @property
    def key(self) -> str:
        return self.url or self.dimension


@dataclass(frozen=True)
class Selection:
    """What the user chose; hashable (it keys caches). Codes, never labels."""

    jaar: int | None = None
    tm_maand: int = 12
    chosen: tuple[tuple[str, tuple], ...] = ()  # dimension -> chosen codes (only dimensions with a choice)
    labels: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)
    years: tuple[int, ...] = field(default=(), compare=False)  # the years the bar offered, newest first

    def value(self, dimension: str):
        """The chosen code (single-choice filters), codes (multi), or None."""
        for d, values in self.chosen:
            if d == dimension:
                return values if len(values) != 1 else values[0]
        return None

    def codes(self, dimension: str) -> tuple:
        return next((v for d, v in self.chosen if d == dimension), ())

    @property
    def months(self) -> list[int]:
        return list(range(1, self.tm_maand + 1))

    def _parts(self, metric, periode: bool) -> tuple[dict, list[str]]:
        mt = registry.get(metric)
        where: dict[str, object] = {}
        skipped: list[str] = []
        if self.jaar is not None and "jaar" in mt.dimensions:
            where["jaar"] = self.jaar
        if periode and self.jaar is not None and self.tm_maand < 12:
            if "maand" in mt.dimensions:
                where["maand"] = self.months
            else:
                skipped.append("periode")
        for d, values in self.chosen:
            if d in mt.dimensions or any(DIMENSIONS[c].parent == d for c in mt.dimensions):
                where[d] = list(values)
            else:
                skipped.append(DIMENSIONS[d].label.lower())
        return where, skipped

    def where(self, metric, *, periode: bool = True, **overrides) -> dict:
        """The engine filter for `metric`: the year, its months up to tm_maand (when `periode`),
        and every chosen filter the metric can take; `overrides` replace or drop (None) a part."""
        where = self._parts(metric, periode)[0]
        for k, v in overrides.items():
            if v is None:
                where.pop(k, None)
            else:
                where[k] = v
        return where

    def not_applied(self, metric, *, periode: bool = True) -> list[str]:
        """Dutch names of the chosen filters that `metric` cannot take."""
        return self._parts(metric, periode)[1]

    @property
    def periode(self) -> str:
        """The period in words: "januari t/m oktober 2026", "heel 2025", "januari 2026"."""
        return _periode(self.jaar, self.tm_maand)

    @property
    def vorige_periode(self) -> str:
        return _periode(self.jaar - 1, self.tm_maand) if self.jaar is not None else ""

    @property
    def text(self) -> str:
        """The chosen filters in words, for headings ("jeugd-GGZ · Zorggroep X · Assendorp").
        Markdown-escaped: the names come from the data (an aanbieder's name) and headings, captions
        and prose are Markdown."""
        return " · ".join(", ".join(md_text(n) for n in names) for _, names in self.labels)


def _periode(jaar: int | None, tm: int) -> str:
    if jaar is None:
        return ""
    if tm == 12:
        return f"heel {jaar}"
    return f"{MAANDEN[1]} {jaar}" if tm == 1 else f"{MAANDEN[1]} t/m {MAANDEN[tm]} {jaar}"


def md_text(text) -> str:
    """Text from the data (a name, a label) made safe to put inside Markdown: shown literally.

    Everything Streamlit draws with st.markdown, st.caption, st.title/subheader, st.info and widget
    labels is Markdown. A name such as `<script>...`, `[klik](https://...)`, `![](https://...)`
    (an image the browser would fetch) or `:red[...]` must read as itself, not act."""
    escaped = _MARKDOWN.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")
    # Streamlit also turns bare addresses into links after the Markdown is parsed (http://..., www.x,
    # a@b), whatever the escapes: an invisible word joiner (U+2060) before ":" and "@" and after
    # "www" keeps them plain text (checked in a browser: tests/e2e/test_hosted_data.py).
    return _AUTOLINK.sub("\u2060\\1", escaped)


def own_wijken(engine: ScopedEngine) -> tuple[str, ...]:
    """The user's own wijken (codes, sorted); () when the user sees all wijken."""
    wijken = engine.scope.wijken
    return tuple(sorted(wijken)) if wijken else ()


def _wijk_of(dimension: str, code) -> str | None:
    """The wijk a wijk or buurt code belongs to: CBS codes nest, BU0193WWBB lies in WK0193WW."""
    text = str(code)
    if dimension == "wijk":
        return text
    if dimension == "buurt" and text.startswith("BU") and len(text) >= 8:
        return "WK" + text[2:8]
    return None


def own_first(engine: ScopedEngine, codes: Iterable, dimension: str = "wijk") -> list:
    """Wijk (or buurt) codes with the user's own wijken first, each part in its given order.

    "Own wijken first" for wijkmanagers: every wijk choice and table per wijk lists theirs first,
    while public figures still show every wijk to compare with. For other users: unchanged."""
    codes = list(codes)
    own = set(own_wijken(engine))
    if not own:
        return codes
    return [c for c in codes if _wijk_of(dimension, c) in own] + [c for c in codes if _wijk_of(dimension, c) not in own]


def options(engine: ScopedEngine, f: Filter, main: str | None) -> dict:
    """code -> label of the choices for a filter: declared members, the data's values of
    `options_from`, or the label table; wijken limited to the user's own for internal figures."""
    dim = DIMENSIONS[f.dimension]
    if f.options_from:
        found = dict(sorted(engine.values(f.options_from, f.dimension).items(), key=lambda kv: (str(kv[1] or kv[0])).casefold()))
        return {c: found[c] for c in own_first(engine, found, f.dimension)}
    if dim.members:
        return {m.code: m.label for m in dim.members}
    labels = engine.labels(f.dimension)
    wijken = engine.scope.wijken
    if f.dimension == "wijk" and wijken is not None and (main is None or engine.internal(main)):
        labels = {c: n for c, n in labels.items() if c in wijken}
    labels = dict(sorted(labels.items()))
    return {c: labels[c] for c in own_first(engine, labels, f.dimension)}


def bar(
    engine: ScopedEngine,
    filters: Sequence[Filter],
    *,
    main: str | None = None,
    years: Sequence[int] = (),
    max_year: int | None = None,
    default_year: int | None = None,
    default_period: tuple[int, int] | None = None,
) -> Selection:
    """Draw the filter bar (bound to the url) and return the Selection.

    main: the page's main metric (years come from it when `years` is empty, up to `max_year`; wijk
    choices follow its scope). default_period: (jaar, maand) shown when the url says nothing."""
    if not years and main is not None and any(f.dimension == "jaar" for f in filters):
        years = sorted({int(y) for y in engine.query(main, by=["jaar"])["jaar"].drop_nulls().to_list()}, reverse=True)
    years = [y for y in years if max_year is None or y <= max_year]
    if default_period and default_period[0] not in years:
        years.insert(0, default_period[0])
    if default_year is None:
        default_year = default_period[0] if default_period else (years[0] if years else None)
    jaar, tm = default_year, 12
    chosen: list[tuple[str, tuple]] = []
    named: list[tuple[str, tuple[str, ...]]] = []
    # One wrapping row rather than columns: columns share the width out whatever the screen, so at
    # 768 px the month ("oktober") was cut off; here a filter that does not fit moves to a next line.
    row = st.container(border=True, horizontal=True, gap="medium", vertical_alignment="bottom")  # boxes in line when a label wraps
    with row:
        for f in filters:
            if f.dimension == "jaar":
                if years:
                    jaar = int(row.selectbox(f.label or "Jaar", years, index=years.index(default_year) if default_year in years else 0, key=f.key, bind="query-params"))
                continue
            if f.dimension == PERIODE:
                default_tm = default_period[1] if default_period else 12
                tm = int(
                    row.selectbox(
                        f.label or "Periode: januari t/m",
                        list(range(1, 13)),
                        index=default_tm - 1,
                        format_func=lambda m: MAANDEN[m],
                        key=f.key,
                        bind="query-params",
                    )
                )
                continue
            dim = DIMENSIONS[f.dimension]
            choices = options(engine, f, main)
            label = f.label or dim.label
            own_wijken_only = f.dimension == "wijk" and engine.scope.wijken is not None and (main is None or engine.internal(main))
            if f.multi:
                picked = row.multiselect(
                    label, list(choices), format_func=lambda c, ch=choices: ch.get(c, c), key=f.key, bind="query-params",
                    placeholder=f.all_label or ("Uw wijken" if own_wijken_only else "Alle"),
                )  # fmt: skip
                values = tuple(picked)
            else:
                everything = f.all_label or f"Alle ({label.lower()})"
                # A wijk choice on public figures opens on the user's own (first) wijk.
                own = [c for c in own_wijken(engine) if c in choices] if f.dimension == "wijk" and not own_wijken_only else []
                pick = row.selectbox(
                    label, [None, *choices], index=1 + list(choices).index(own[0]) if own else 0,
                    format_func=lambda c, ch=choices, a=everything: a if c is None else ch.get(c, c), key=f.key, bind="query-params",
                )  # fmt: skip
                values = () if pick is None else (pick,)
            if values:
                chosen.append((f.dimension, values))
                named.append((f.dimension, tuple(str(choices.get(v, v)) for v in values)))
    by_key = {f.dimension: f.key for f in filters}
    audit.note_filters(
        {by_key.get("jaar", "jaar"): jaar if "jaar" in by_key else None, by_key.get(PERIODE, PERIODE): tm if PERIODE in by_key else None}
        | {by_key[d]: list(v) if len(v) > 1 else v[0] for d, v in chosen}
    )
    return Selection(jaar=jaar, tm_maand=tm, chosen=tuple(chosen), labels=tuple(named), years=tuple(years))


def fixed(*, jaar: int | None = None, tm_maand: int = 12, **chosen) -> Selection:
    """A selection without a bar (a section about one year, a test)."""
    items = tuple((d, tuple(v) if isinstance(v, (list, tuple)) else (v,)) for d, v in chosen.items() if v not in (None, (), []))
    return Selection(jaar=jaar, tm_maand=tm_maand, chosen=items, labels=tuple((d, tuple(map(str, v))) for d, v in items))


def today_year(engine: ScopedEngine) -> int:
    return engine.info.peildatum.year if engine.info.peildatum else dt.date.today().year
