"""Report blocks: a page is a list of sections, each a heading, a sentence and blocks.

    r = report.page("jeugd", "Grip op de uitgaven jeugdzorg ...")
    sel = r.filters([Filter("jaar"), Filter("periode", url="tm")], main="lasten")
    r.section("Lasten", "Wat er tot nu toe gedeclareerd is.")
    r.tiles([Tile(lasten, compare="zelfde_moment"), Tile(jeugdigen, compare="vorig_jaar")])
    r.trend([Fig(lasten)], by=("jaar",))
    r.table("aanbieder", [Col(lasten, compare=("aandeel", "zelfde_moment"))], largest_first=True)

A block is given metrics and asks the engine itself, bound to the user's scope (r.engine is a
metrics.ScopedEngine: nothing else is in reach). Once for every page, the blocks handle: a source
that is not loaded and a figure the role may not see (a plain notice), "geheim" cells, euro
scaling on axes, Dutch numbers and tooltips, a table one click from every chart, and downloads
(CSV, Excel with numbers as numbers, PNG for charts). Pages hold no Altair, no polars arithmetic
and no "geheim" handling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl
import streamlit as st

from metrics import format as fmt
from metrics import registry
from metrics.declarations import Metric
from metrics.dimensions import DIMENSIONS
from metrics.errors import InvalidQuery
from metrics.scoped import ScopedEngine
from ui import audit, charts, layout, maps, router, selection
from ui.selection import Filter, Selection
from ui.table import Column, Table

MetricRef = str | Metric


@dataclass(frozen=True)
class Fig:
    """A figure to ask the engine for: a metric, its filter (default: the page selection's), comparisons."""

    metric: MetricRef
    where: dict | None = None
    compare: tuple[str, ...] = ()
    label: str | None = None
    periode: bool = True  # the selection's months apply (False: the whole year)

    @property
    def m(self) -> Metric:
        return registry.get(self.metric)


@dataclass(frozen=True)
class Tile:
    metric: MetricRef
    compare: str | None = "vorig_jaar"  # "vorig_jaar", "zelfde_moment" or None
    label: str | Callable[[dict], str] | None = None
    note: str | None = None
    where: dict | None = None
    periode: bool = True
    change: str | None = None  # a column holding the change (a fraction), instead of the comparison's
    change_text: Callable[[dict], str | None] | None = None  # the delta as text, from the row
    delta_description: str | None = None


@dataclass(frozen=True)
class Col:
    """A column group of a table: a metric's value and the comparisons asked for."""

    metric: MetricRef
    compare: tuple[str, ...] = ()
    where: dict | None = None
    header: str | None = None
    periode: bool = True
    # Instead of the value: these result columns (column, header, number format), e.g. the parts
    # of a decomposition; hidden with the row.
    columns: tuple[tuple[str, str, str], ...] = ()


# comparison -> its columns: (column, header, number format (None: the metric's own), hidden when:
# "self" the cell itself is hidden, "prev" last year's is, "both" either is)
_COMPARE = {
    "vorig_jaar": (("vorig_jaar", "Vorig jaar", None, "prev"), ("verschil", "Verschil", None, "both"), ("verschil_pct", "Verschil (%)", "verandering", "both")),
    "zelfde_moment": (
        ("zelfde_moment", "Vorig jaar, zelfde moment", None, "prev"),
        ("zelfde_moment_verschil", "Verschil", None, "both"),
        ("zelfde_moment_verschil_pct", "Verschil (%)", "verandering", "both"),
    ),
    "aandeel": (("aandeel", "Aandeel", "procent", "self"),),
    "per_1000": (("per_1000", "Per 1.000 inwoners", "decimaal", "self"),),
    "index": (("index", "Index (gemeente = 100)", "index", "self"),),
}
_PREVIOUS = {"vorig_jaar": "vorig_jaar_geheim", "zelfde_moment": "zelfde_moment_geheim"}


def definition(m: Metric) -> str:
    return f"{m.description} Eenheid: {m.unit}. Eigenaar: {m.owner}."


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tabel"


def _scale_format(m: Metric, column: str) -> str:
    """The number format of a result column: the metric's own, or the comparison's."""
    for parts in _COMPARE.values():
        for col, _, number_format, _ in parts:
            if col == column:
                if number_format is None:
                    return m.format
                if number_format == "verandering" and m.format in ("procent", "percentage"):
                    return "procentpunt"
                return number_format
    return m.format


def _table_format(number_format: str, column: str = "waarde") -> str:
    """Tables show exact euros (tiles and text the compact "€ 1,2 mln"); differences with a sign."""
    if number_format in ("euro", "euro_exact"):
        return "euro_verschil" if column.endswith("verschil") else "euro_exact"
    return number_format


class Report:
    """The page being drawn: its engine (scoped to the user), its selection, and the blocks."""

    def __init__(self, frame: layout.Page) -> None:
        self.page = frame
        self.engine: ScopedEngine = frame.engine
        self.sel: Selection = selection.fixed()
        self._keys: set[str] = set()

    def key(self, name: str) -> str:
        """A widget key from a name, unique within this run (two blocks may share a title)."""
        base = _slug(name)
        key, n = base, 1
        while key in self._keys:
            n += 1
            key = f"{base}-{n}"
        self._keys.add(key)
        return key

    # ---- structure -----------------------------------------------------------------------------

    def filters(self, filters: Sequence[Filter], **kwargs) -> Selection:
        self.sel = selection.bar(self.engine, filters, **kwargs)
        return self.sel

    def at(self, **chosen) -> Selection:
        """A fixed selection for the rest of the page (no filter bar): at(jaar=2026)."""
        self.sel = selection.fixed(**chosen)
        return self.sel

    def latest_year(self, metric: MetricRef, *, before: int | None = None) -> int | None:
        """The latest year with a figure (before `before`, when given), or None (also when the
        metric is not loaded or not for this role: the block that shows it says why)."""
        if self.why_not(metric):
            return None
        frame = self.engine.query(metric, by=["jaar"])
        years = [int(y) for y, v in zip(frame["jaar"].to_list(), frame["waarde"].to_list()) if y is not None and v is not None and (before is None or y < before)]
        return max(years) if years else None

    def columns(self, spec):
        return st.columns(spec)

    def expander(self, label: str):
        return st.expander(label)

    def caption(self, text: str) -> None:
        st.caption(text)

    def stop(self) -> None:
        st.stop()

    def tabs(self, sections: dict[str, Callable[[], None]], *, key: str) -> None:
        """Tabs whose contents are drawn only when open; the open tab is in the url too."""
        for (label, draw), tab in zip(sections.items(), st.tabs(list(sections), key=key, bind="query-params")):
            if tab.open:
                audit.note_filters({key: label})
                with tab:
                    draw()

    def section(self, title: str, text: str | None = None) -> None:
        st.subheader(title)
        if text:
            st.caption(text)

    def note(self, text: str, *, icon: str = ":material/info:") -> None:
        st.info(text, icon=icon)

    def prose(self, text: str) -> None:
        st.markdown(text)

    # ---- notices -------------------------------------------------------------------------------

    def missing(self, *metrics: MetricRef) -> bool:
        """Say plainly why figures cannot be shown (source not loaded, not for this role); True
        when any of them cannot."""
        shown = False
        for m in dict.fromkeys(registry.get(x) for x in metrics):
            reason = self.why_not(m)
            if reason:
                st.info(reason, icon=":material/lock:" if not self.engine.allowed(m) else ":material/info:")
                shown = True
        return shown

    def why_not(self, m: MetricRef) -> str | None:
        m = registry.get(m)
        if not self.engine.allowed(m):
            role = self.engine.scope.spec.label
            if m.access_note:
                return f"{m.label}: {m.access_note[0].lower()}{m.access_note[1:]} en is niet zichtbaar voor de rol {role}."
            return f"'{m.label}' is niet zichtbaar voor de rol {role}."
        return self.engine.unavailable_reason(m)

    def skipped(self, m: MetricRef, *, periode: bool = True) -> None:
        left_out = self.sel.not_applied(m, periode=periode)
        if left_out:
            st.caption(f"Filter op {', '.join(left_out)} geldt hier niet: '{registry.get(m).label}' is daar niet naar uit te splitsen.")

    # ---- asking --------------------------------------------------------------------------------

    def ask(self, fig: Fig, by: Sequence[str] = ()) -> pl.DataFrame:
        where = fig.where if fig.where is not None else self.sel.where(fig.metric, periode=fig.periode)
        return self.engine.query(fig.metric, by=list(by), where=where, compare=list(fig.compare))

    def row(self, fig: Fig) -> dict:
        return self.ask(fig).row(0, named=True)

    def value(self, fig: Fig) -> str:
        """One figure as text ("€ 1,2 mln", "geheim", "–"), for prose."""
        r = self.row(fig)
        return fmt.value(fig.m, r["waarde"], geheim=r["geheim"])

    # ---- blocks: tiles -------------------------------------------------------------------------

    def tiles(self, tiles: Sequence[Tile], *, columns: int = 3) -> None:
        for start in range(0, len(tiles), columns):
            for col, t in zip(st.columns(columns), tiles[start : start + columns]):
                with col:
                    self._tile(t)

    def _tile(self, t: Tile) -> None:
        m = registry.get(t.metric)
        if reason := self.why_not(m):
            st.info(reason, icon=":material/lock:" if not self.engine.allowed(m) else ":material/info:")
            return
        compare = (t.compare,) if t.compare else ()
        try:
            r = self.row(Fig(m, where=t.where, compare=compare, periode=t.periode))
        except InvalidQuery as e:
            st.info(str(e), icon=":material/info:")
            return
        geheim = bool(r["geheim"])
        if t.change_text is not None:
            delta = None if geheim else t.change_text(r)
        else:
            column = t.change or {"vorig_jaar": "verschil_pct", "zelfde_moment": "zelfde_moment_verschil_pct"}.get(t.compare or "", "")
            if t.change is None and m.format in ("procent", "percentage") and t.compare:
                column = "verschil" if t.compare == "vorig_jaar" else "zelfde_moment_verschil"
                delta = None if geheim or r.get(column) is None else fmt.points(r[column] / (100 if m.format == "percentage" else 1))
            else:
                hidden_prev = r.get(f"{t.compare}_geheim") if t.compare == "vorig_jaar" else r.get("zelfde_moment_geheim")
                delta = None if geheim or hidden_prev or r.get(column) is None else fmt.change(r[column])
        label = t.label(r) if callable(t.label) else (t.label or m.label)
        described = t.delta_description
        if described is None and t.compare and self.sel.jaar is not None:
            described = f"t.o.v. {self.sel.jaar - 1}" + (", zelfde moment" if t.compare == "zelfde_moment" else "")
        st.metric(
            label,
            fmt.value(m, r["waarde"], geheim=geheim),
            delta=delta,
            delta_color={True: "normal", False: "inverse", None: "off"}[m.higher_is_better],
            help=definition(m) + (f" {t.note}" if t.note else ""),
            border=True,
            delta_description=described if delta else None,
        )
        if not geheim and r.get("laag") is not None and r.get("hoog") is not None:
            st.caption(f"80%-marge: {fmt.value(m, r['laag'])} – {fmt.value(m, r['hoog'])}")

    # ---- blocks: text ----------------------------------------------------------------------------

    def text(self, template: str, **figures: Fig) -> None:
        """Markdown with figures from the engine: text("**{n} aanbieders** declareerden.", n=Fig(aanbieders))."""
        st.markdown(template.format(**{k: self.value(f) for k, f in figures.items()}))

    # ---- blocks: tables --------------------------------------------------------------------------

    def table(self, by: str | Sequence[str], columns: Sequence[Col], *, name: str | None = None, largest_first: bool = False,
              with_code: bool = False, height: int | str = "auto", expander: str | None = None) -> Table | None:  # fmt: skip
        """A comparison table: the metrics (with their comparisons) per value of `by`."""
        by = [by] if isinstance(by, str) else list(by)
        usable = [c for c in columns if not self.why_not(c.metric)]
        if not usable:
            self.missing(*(c.metric for c in columns))
            return None
        keys = None
        frames = []
        for c in usable:
            frame = self.ask(Fig(c.metric, where=c.where, compare=c.compare, periode=c.periode), by)
            frames.append((c, frame))
            codes = frame.select(*by, *(f"{d}_label" for d in by))
            keys = codes if keys is None else pl.concat([keys, codes]).unique(subset=by, keep="first", maintain_order=True)
        first = frames[0][1]
        if largest_first and not first.is_empty():
            order = first.sort("waarde", descending=True, nulls_last=True).select(*by)
            keys = order.join(keys, on=by, how="left", nulls_equal=True).unique(subset=by, keep="first", maintain_order=True)
        elif len(by) == 1 and by[0] in ("wijk", "buurt") and selection.own_wijken(self.engine):
            # Own wijken first (wijkmanagers), the other wijken after them to compare with.
            codes = keys[by[0]].to_list()
            rank = {c: i for i, c in enumerate(selection.own_first(self.engine, codes, by[0]))}
            keys = keys[sorted(range(len(codes)), key=lambda i: rank[codes[i]])]
        main = registry.get(usable[0].metric)
        table = Table(name or f"{main.label} per {' en '.join(DIMENSIONS[d].label.lower() for d in by)}")
        for d in by:
            codes, labels = keys[d].to_list(), keys[f"{d}_label"].to_list()
            shown = [f"{c} {lb}" if with_code and c is not None else lb for c, lb in zip(codes, labels)]
            table.add(Column(DIMENSIONS[d].label, "text", shown))
        for c, frame in frames:
            m = registry.get(c.metric)
            aligned = keys.select(by).join(frame, on=by, how="left", nulls_equal=True)
            hidden = [bool(g) for g in aligned["geheim"].fill_null(False).to_list()]
            for col, head, number_format in c.columns:
                table.add(Column(head, "number", aligned[col].to_list(), number_format, hidden))
            if not c.columns:
                table.add(Column(c.header or f"{m.label} ({m.unit})", "number", aligned["waarde"].to_list(), _table_format(m.format), hidden))
            for comp in c.compare:
                prev = [bool(g) for g in aligned[_PREVIOUS[comp]].fill_null(False).to_list()] if comp in _PREVIOUS else hidden
                for col, head, _, hidden_when in _COMPARE[comp]:
                    cells = {"self": hidden, "prev": prev, "both": [a or b for a, b in zip(hidden, prev)]}[hidden_when]
                    table.add(Column(head if len(usable) == 1 else f"{head} ({m.label.lower()})", "number", aligned[col].to_list(), _table_format(_scale_format(m, col), col), cells))
        if expander:
            self.details(expander, lambda: self.show_table(table, height=height), key=self.key(f"details {table.name}"))
        else:
            self.show_table(table, height=height)
        return table

    def show_table(self, table: Table, *, height: int | str = "auto") -> None:
        """Draw a Table with its CSV and Excel downloads."""
        from ui import frames

        st.dataframe(frames.arrow(table.display()), hide_index=True, width="stretch", height=height)
        key = self.key(table.name)
        # One row of buttons in one block: a row of columns is four blocks more per table, and the
        # browser redraws the page's whole tree for every element that arrives.
        row = st.container(horizontal=True, gap="small")
        row.download_button("CSV", data=table.csv, file_name=f"{key}.csv", mime="text/csv", icon=":material/download:", on_click="ignore", key=f"csv-{key}")
        row.download_button(
            "Excel", data=table.excel, file_name=f"{key}.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table:", on_click="ignore", key=f"xlsx-{key}",
        )  # fmt: skip

    def frame_table(self, frame: pl.DataFrame, name: str, columns: Sequence[tuple[str, str, str | None]], *, expander: str | None = None) -> Table:
        """A table of an analysis result (already protected by the analysis): (column, header,
        number format or None for text); a column `<col>_geheim` marks hidden cells."""
        table = Table(name)
        for col, header, number_format in columns:
            values = frame[col].to_list()
            if number_format is None:
                table.add(Column(header, "text", [None if v is None else str(v) for v in values]))
            else:
                hidden = frame[f"{col}_geheim"].to_list() if f"{col}_geheim" in frame.columns else None
                table.add(Column(header, "number", values, number_format, hidden))
        if expander:
            self.details(expander, lambda: self.show_table(table), key=self.key(f"details {name}"))
        else:
            self.show_table(table)
        return table

    # ---- blocks: charts ------------------------------------------------------------------------

    def _chart(self, chart, name: str, table: Table | None, *, description: str | None = None) -> None:
        key = self.key(name)
        charts.show(chart, name, key=f"png-{key}")
        if description:
            st.caption(description)
        if table is not None:
            self.chart_table(table, name, key)

    def details(self, label: str, draw: Callable[[], None], *, key: str) -> None:
        """Detail under the story of a page, in an expander whose contents are drawn only once it is
        opened (opening reruns the page). The browser redraws the whole page for every element that
        arrives, so what few people open should not be drawn on every visit."""
        expander = st.expander(label, key=key, on_change="rerun")
        if expander.open:
            with expander:
                draw()

    def chart_table(self, table: Table, name: str, key: str) -> None:
        """The table behind a chart (its text alternative), one click away."""
        # A chart title may hold a name from the data.
        self.details(f"Tabel bij '{selection.md_text(name)}'", lambda: self.show_table(table), key=f"tabel-{key}")

    def trend(self, figs: Sequence[Fig], *, by: str = "jaar", title: str, norm: bool = True, years: Sequence[int] | None = None,
              until: tuple[int, int] | None = None, description: str | None = None, height: int = 320) -> None:  # fmt: skip
        """Lines over the years (`by="jaar"`) or months (`by="maand"`: jaar x maand), one per figure;
        `until` (jaar, maand) leaves out the months after it (not over yet)."""
        usable = [f for f in figs if not self.why_not(f.metric)]
        if not usable:
            self.missing(*(f.metric for f in figs))
            return
        split = ["jaar"] if by == "jaar" else ["jaar", "maand"]
        main = usable[0].m
        rows, table_rows, hidden = [], [], 0
        for f in usable:
            frame = self.ask(f, split)
            if years is not None:
                frame = frame.filter(pl.col("jaar").is_in(list(years)))
            if until is not None and by != "jaar":
                frame = frame.filter((pl.col("jaar") < until[0]) | ((pl.col("jaar") == until[0]) & (pl.col("maand") <= until[1])))
            series = f.label or f.m.label
            for r in frame.iter_rows(named=True):
                if r["jaar"] is None or (by != "jaar" and r["maand"] is None):
                    continue
                if r["geheim"] or r["waarde"] is None:
                    hidden += bool(r["geheim"])
                    continue
                x = r["jaar"] if by == "jaar" else f"{r['jaar']:04d}-{r['maand']:02d}-01"
                x_text = str(r["jaar"]) if by == "jaar" else fmt.month(r["jaar"], r["maand"])
                rows.append({"x": x, "x_tekst": x_text, "reeks": series, "waarde": r["waarde"], "tekst": fmt.value(f.m, r["waarde"])})
            table_rows.append((series, f.m, frame))
        factor, unit, axis = charts.axis_for(main.format, [r["waarde"] for r in rows])
        for r in rows:
            r["y"] = r["waarde"] / factor
        rule = None
        if norm and main.norm is not None and main.norm.on == "waarde" and main.norm.value is not None:
            rule = {"y": main.norm.value / factor, "tekst": main.norm.label}
        chart = charts.lines(
            rows, x="x", x_type="O" if by == "jaar" else "T", x_title=None, y_title=charts._title(main.unit.capitalize(), unit), axis=axis,
            series=[f.label or f.m.label for f in usable], dashes=len(usable) > 1, rule=rule, height=height,
        ).properties(title=title)  # fmt: skip
        table = Table(title)
        periods = sorted({(r["x"], r["x_tekst"]) for r in rows})
        table.add(Column("Jaar" if by == "jaar" else "Maand", "text", [t for _, t in periods]))
        for series, m, frame in table_rows:
            lookup = {}
            for r in frame.iter_rows(named=True):
                key = r["jaar"] if by == "jaar" else f"{r['jaar']:04d}-{r['maand']:02d}-01" if r["maand"] is not None else None
                lookup[key] = (r["waarde"], bool(r["geheim"]))
            table.add(Column(f"{series} ({m.unit})", "number", [lookup.get(x, (None, False))[0] for x, _ in periods], m.format, [lookup.get(x, (None, False))[1] for x, _ in periods]))
        note = description
        if hidden:
            note = ((note + " ") if note else "") + f"{hidden} punt(en) afgeschermd (geheim): weinig personen."
        self._chart(chart, title, table, description=note)

    def bars(self, fig: Fig, by: str, *, title: str, top: int | None = None, share_top: int | None = None, order: str = "value",
             description: str | None = None) -> None:  # fmt: skip
        """Ranked bars of a metric per value of `by` (largest first, or in the declared `order`),
        optionally the top N only and a sentence on the share of the largest `share_top`."""
        if self.missing(fig.metric):
            return
        compare = tuple(dict.fromkeys((*fig.compare, "aandeel"))) if share_top else fig.compare
        frame = self.ask(Fig(fig.metric, where=fig.where, compare=compare, periode=fig.periode), [by])
        m = fig.m
        shown = frame.filter(~pl.col("geheim") & pl.col("waarde").is_not_null())
        if order == "value":
            shown = shown.sort("waarde", descending=True)
        if share_top and shown.height:
            share = sum(v for v in shown.head(share_top)["aandeel"].to_list() if v is not None)
            st.markdown(f"De {share_top} grootste hebben samen **{fmt.number(share, 'procent')}** van het totaal.")
        if top:
            shown = shown.head(top)
        factor, unit, axis = charts.axis_for(m.format, shown["waarde"].to_list())
        rows = [
            {"label": lb, "x": v / factor, "tekst": fmt.value(m, v), "aandeel": fmt.number(a, "procent") if a is not None else fmt.MISSING}
            for lb, v, a in zip(shown[f"{by}_label"].to_list(), shown["waarde"].to_list(), shown["aandeel"].to_list() if "aandeel" in shown.columns else [None] * shown.height)
        ]
        chart = charts.ranked(
            rows, y_title=DIMENSIONS[by].label, x_title=charts._title(fig.label or m.label, unit), axis=axis,
            sort=None if order == "value" else [r["label"] for r in rows], tooltip_extra=(("aandeel", "Aandeel"),) if "aandeel" in shown.columns else (),
        ).properties(title=title)  # fmt: skip
        hidden = int(frame["geheim"].sum())
        table = Table(title)
        table.add(Column(DIMENSIONS[by].label, "text", frame[f"{by}_label"].to_list()))
        table.add(Column(f"{m.label} ({m.unit})", "number", frame["waarde"].to_list(), m.format, frame["geheim"].to_list()))
        note = description
        if hidden:
            note = ((note + " ") if note else "") + f"{hidden} groep(en) afgeschermd (geheim): weinig personen."
        self._chart(chart, title, table, description=note)

    def stacked(self, fig: Fig, *, x: str, colour: str, title: str, grey: Sequence[str] = (), height: int = 380, description: str | None = None) -> None:
        """Stacked bars of a metric: `x` (a year) against the parts by `colour`; codes in `grey`
        (e.g. the taakveld before a split) are drawn grey, the others in the palette."""
        if self.missing(fig.metric):
            return
        frame = self.ask(fig, [x, colour]).filter(~pl.col("geheim") & pl.col("waarde").is_not_null())
        m = fig.m
        totals: dict = {}
        for xv, v in zip(frame[x].to_list(), frame["waarde"].to_list()):
            totals[xv] = totals.get(xv, 0.0) + v
        factor, unit, axis = charts.axis_for(m.format, list(totals.values()))
        coded = DIMENSIONS[colour].kind == "categorie"
        names = {c: f"{c} {lb}" if coded and c is not None and not str(lb).startswith(str(c)) else lb for c, lb in zip(frame[colour].to_list(), frame[f"{colour}_label"].to_list())}
        order = sorted(names, key=lambda c: (c not in grey, str(c)))
        colours = [charts.MUTED if c in grey else charts.PALETTE[i % len(charts.PALETTE)] for i, c in enumerate(c for c in order)]
        rows = [
            {"x": xv, "kleur": names[c], "y": v / factor, "tekst": fmt.value(m, v), "volgorde": order.index(c)}
            for xv, c, v in zip(frame[x].to_list(), frame[colour].to_list(), frame["waarde"].to_list())
        ]
        chart = charts.stacked(
            rows, x_title=None, y_title=charts._title(fig.label or m.label, unit), axis=axis, colour_order=[names[c] for c in order], colours=colours, height=height
        ).properties(title=title)
        table = Table(title)
        table.add(Column(DIMENSIONS[x].label, "text", [str(v) for v in frame[x].to_list()]))
        table.add(Column(DIMENSIONS[colour].label, "text", [names[c] for c in frame[colour].to_list()]))
        table.add(Column(f"{m.label} ({m.unit})", "number", frame["waarde"].to_list(), m.format))
        self._chart(chart, title, table, description=description)

    def map(self, fig: Fig, *, level: str = "wijk", title: str, value: str = "waarde", description: str | None = None) -> None:
        """A choropleth of a metric (or one of its comparisons, `value`) per wijk or buurt, on
        the real boundaries when loaded (the schematic map says so)."""
        if self.missing(fig.metric):
            return
        found = self.engine.shapes(level)
        if found is None:
            st.info("Geen kaart geladen (bron geo_buurten ontbreekt).", icon=":material/map:")
            return
        frame = self.ask(fig, [level])
        m = fig.m
        number_format = _scale_format(m, value)
        chart = maps.choropleth(found[0], frame, level, value=value, legend=m.unit if value == "waarde" else "per 1.000", number_format=number_format, label=fig.label or m.label)
        chart = chart.properties(title=title + (" (schematische kaart)" if found[1] else ""))
        table = Table(title)
        table.add(Column(DIMENSIONS[level].label, "text", frame[f"{level}_label"].to_list()))
        table.add(Column(fig.label or m.label, "number", frame[value].to_list(), number_format, frame["geheim"].to_list()))
        self._chart(chart, title, table, description=" ".join(t for t in (maps.SCHEMATIC_NOTE if found[1] else "", self._map_source(), description or "") if t))

    def _map_source(self) -> str:
        sets = self.engine.datasets()
        found = [p for k, p in zip(sets["key"].to_list(), sets["publisher"].to_list()) if k == "geo_buurten"] if sets.height else []
        return f"Grenzen: {selection.md_text(found[0])}." if found and found[0] else ""

    def parts(self, fig: Fig, by: str | None, *, parts: dict[str, str], total: str, title: str) -> None:
        """How a change splits into parts: per value of `by`, stacked parts with a tick at the
        total; without `by`, a bridge (waterfall) from 0 to the total. Columns of `fig`'s metric."""
        frame = self.ask(fig, [by] if by else [])
        usable = frame.filter(~pl.col("geheim") & pl.col(next(iter(parts))).is_not_null())
        if usable.is_empty():
            return
        m = fig.m
        if by is None:
            r = usable.row(0, named=True)
            values = [r[c] for c in parts]
            cumulative = [sum(values[: i + 1]) for i in range(len(values))]
            factor, unit, axis = charts.axis_for(m.format, values + cumulative)
            steps = [(label, r[c] / factor, fmt.signed_euro(r[c])) for c, label in parts.items()]
            chart = charts.waterfall(steps, total=("Totaal", fmt.signed_euro(r[total])), axis_title=charts._title(title, unit), axis_format=axis)
            table = Table(title)
            table.add(Column("Onderdeel", "text", [*parts.values(), "Totaal"]))
            table.add(Column(f"Bedrag ({m.unit})", "number", [*values, r[total]], "euro_exact"))
            self._chart(chart, title, table)
            return
        labels = usable[f"{by}_label"].to_list()
        ups = [sum(max(usable[c][i], 0) for c in parts) for i in range(usable.height)]
        downs = [sum(min(usable[c][i], 0) for c in parts) for i in range(usable.height)]
        factor, unit, axis = charts.axis_for(m.format, ups + downs)
        rows = [{"groep": lb, "deel": name, "x": v / factor, "tekst": fmt.signed_euro(v)} for c, name in parts.items() for lb, v in zip(labels, usable[c].to_list())]
        totals = [{"groep": lb, "x": v / factor, "tekst": fmt.signed_euro(v)} for lb, v in zip(labels, usable[total].to_list())]
        chart = charts.parts(rows, totals, order=labels, part_order=list(parts.values()), x_title=charts._title(title, unit) + "; streep = totaal", axis=axis)
        self._chart(chart, title, None)

    def dots(self, rows: list[tuple[str, str, float | None, str]], *, title: str, x_title: str, number_format: str) -> None:
        """Per group, a dot per source: (group label, source, value, text)."""
        data = [{"label": g, "bron": b, "x": v, "tekst": t} for g, b, v, t in rows if v is not None]
        if not data:
            return
        _, _, axis = charts.axis_for(number_format, [d["x"] for d in data])
        sources = list(dict.fromkeys(d["bron"] for d in data))
        groups = len({d["label"] for d in data})
        charts.show(charts.dots(data, x_title=x_title, axis=axis, sources=sources, height=max(200, 26 * groups + 60)).properties(title=title), title, key=f"png-{self.key(title)}")

    def lines_with_band(self, rows: list[dict], band: list[dict], *, title: str, y_title: str, number_format: str, series: list[str],
                        table: Table | None, description: str | None = None) -> None:  # fmt: skip
        """A cumulative line chart of an analysis (rows: x date, x_tekst, reeks, waarde, tekst; band:
        x, x_tekst, laag, hoog, marge), euro-scaled, with its table."""
        factor, unit, axis = charts.axis_for(number_format, [r["waarde"] for r in rows] + [b["hoog"] for b in band])
        rows = [r | {"y": r["waarde"] / factor} for r in rows]
        band = [b | {"laag": b["laag"] / factor, "hoog": b["hoog"] / factor} for b in band]
        chart = charts.lines(rows, x="x", x_type="T", x_title=None, y_title=charts._title(y_title, unit), axis=axis, series=series, dashes=True, band=band, height=360)
        self._chart(chart.properties(title=title), title, table, description=description)


    # ---- blocks: about the app and its data --------------------------------------------------------

    def use_cases(self) -> None:
        """A card per page this user may open (besides this one), from the manifest."""
        others = [spec for spec in router.visible(self.page.user) if spec.key != self.page.spec.key and spec.url_path]
        if not others:
            return
        st.subheader("Use cases")
        for col, spec in zip(st.columns(max(len(others), 3)), others):
            with col.container(border=True):
                st.page_link(str(spec.path), label=spec.title, icon=spec.icon)
                st.caption(spec.summary)

    def datasets(self) -> None:
        """The datasets in the warehouse: owner, rows, when loaded, quality checks."""
        b = self.page.build
        if b is not None:
            st.caption(f"Peildatum {fmt.date(b.peildatum)} · warehouse gebouwd op {fmt.date(b.started.date())} om {b.started:%H:%M}" + (" · demodata" if b.demo else ""))
        sets = self.engine.datasets()
        if not sets.height:
            st.info("Er zijn nog geen datasets geladen.", icon=":material/database:")
            return
        checks = [
            " · ".join(t for t in (f"{g} goed" if g else "", f"{w} waarschuwing" if w else "", f"{f} fout" if f else "") if t)
            for g, w, f in zip(sets["goed"].to_list(), sets["waarschuwing"].to_list(), sets["fout"].to_list())
        ]
        table = Table("Geladen gegevens")
        table.add(Column("Dataset", "text", sets["title"].to_list()))
        table.add(Column("Eigenaar", "text", sets["owner"].to_list()))
        table.add(Column("Rijen", "number", sets["rows"].to_list(), "aantal"))
        table.add(Column("Geladen", "text", [fmt.date(t.date()) for t in sets["loaded_at"].to_list()]))
        table.add(Column("Kwaliteit", "text", checks))
        self.show_table(table, height=38 + 35 * table.height)

    # ---- added for the page blocks modules (ui/blocks_*.py) ----------------------------------------

    def chart(self, chart, name: str, table: Table | None, *, description: str | None = None) -> None:
        """Draw a chart a page-blocks module made (Altair, data as plain values), the same way as
        every block: full width, a PNG download, the sentence under it, and its table one click away."""
        self._chart(chart, name, table, description=description)

    def years(self, metric: MetricRef) -> list[int]:
        """The years with a figure of `metric`, newest first (empty when it is not loaded or not for
        this role): the choices of a jaar filter that another metric than the page's main one sets."""
        m = registry.get(metric)
        if self.why_not(m):
            return []
        frame = self.engine.query(m, by=["jaar"])
        return sorted({int(y) for y, v in zip(frame["jaar"].to_list(), frame["waarde"].to_list()) if y is not None and v is not None}, reverse=True)


def page(key: str, intro: str) -> Report:
    """Open the page `key` of manifest.toml: header, demo notice, and the report to draw on."""
    return Report(layout.page(key, intro))


__all__ = ["Col", "Fig", "Filter", "Report", "Tile", "page"]
