"""Blocks of the page Veiligheid in wijken that draw a declared analysis rather than one metric:
the wijk and buurt table and map with each rate's exact Poisson interval and reliability, the
seasonal pattern, the wijkprofiel and its one-page PDF wijkrapport for the lokale driehoek.

Like every block they ask the engine (bound to the user's scope) themselves; the analyses in
metrics.veiligheid protect what they return for that scope.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor

import altair as alt
import streamlit as st
from babel.dates import get_month_names

from metrics import format as fmt
from metrics import registry
from metrics import veiligheid as vg
from ui import charts, maps, selection, wijkrapport
from ui.report import Report
from ui.table import Column, Table

log = logging.getLogger(__name__)
NIVEAUS = {"wijk": "Wijken", "buurt": "Buurten"}
MAAND_KORT = get_month_names("abbreviated", locale="nl_NL")  # jan., feb., ...
MAAND_LANG = get_month_names("wide", locale="nl_NL")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---- choices: the wijk of the profile and the level of the map ------------------------------------


def keuzes(r: Report) -> tuple[str | None, str]:
    """The wijk for the profile and the trend (a wijkmanager starts on their own first wijk) and
    the level of map and table; both in the url (`wijk`, `niveau`)."""
    labels = r.engine.labels("wijk")
    if not labels:
        return None, "wijk"
    own = r.engine.scope.wijken
    codes = selection.own_first(r.engine, sorted(labels))  # a wijkmanager's own wijken first
    default = min(own) if own and min(own) in labels else codes[0]
    with st.container(border=True):
        left, right = st.columns([2, 1])
        wijk = left.selectbox(
            "Wijk (wijkprofiel, trend en soorten)", codes, index=codes.index(default),
            format_func=lambda c: labels.get(c, c), key="wijk", bind="query-params",
            help="Kies een wijk om die naast de gemeente te zien. De kaart en de tabel tonen altijd alle wijken of buurten."
            + (f" Uw wijken: {', '.join(selection.md_text(labels.get(w, w)) for w in sorted(own))}." if own else ""),
        )  # fmt: skip
        niveau = right.radio("Kaart en tabel per", list(NIVEAUS), format_func=NIVEAUS.get, key="niveau", bind="query-params", horizontal=True)
    return wijk, niveau or "wijk"


# ---- per wijk or buurt, with the Poisson interval ------------------------------------------------------


def gebieden(r: Report, metric: str, level: str, jaar: int, soort: str | None = None, *, title: str) -> None:
    """A choropleth and a table of `metric` per wijk or buurt: count, change, inwoners, per 1.000
    inwoners with its exact 95% interval, index (gemeente = 100) and whether the rate is reliable.
    Unreliable rates are drawn pale with a dashed edge; the tooltip gives the interval."""
    if r.missing(metric):
        return
    frame, gemeente = r.engine.analysis("veiligheid.per_gebied", metric, level, jaar, soort)
    m = registry.get(metric)
    has_rate = frame["per_1000"].null_count() < frame.height
    level_label = "Wijk" if level == "wijk" else "Buurt"
    found = r.engine.shapes(level)
    if found is None:
        st.info("Geen kaart geladen (bron geo_buurten ontbreekt): de tabel hieronder geeft de cijfers.", icon=":material/map:")
    else:
        chart = _choropleth(found[0], frame, level, has_rate, m.label).properties(title=title + (" (schematische kaart)" if found[1] else ""))
        charts.show(chart, title, key=f"png-{r.key(title)}")
        notes = [maps.SCHEMATIC_NOTE if found[1] else "", _map_source(r)]
        if has_rate:
            notes.append(
                "Bleek met stippelrand: onbetrouwbaar cijfer (zie de tabel). De kleur loopt tot het hoogste betrouwbare cijfer; wat daarboven ligt, "
                "krijgt de donkerste kleur. De tooltip geeft het 95%-interval."
            )
        else:
            notes.append("Aantallen: per 1.000 inwoners kan niet, want de bevolking per buurt is niet geladen.")
        st.caption(" ".join(n for n in notes if n))
    names = frame[f"{level}_label"].to_list()
    table = Table(f"{title} (tabel)")
    table.add(Column(level_label, "text", [f"{r.page.build.gemeente_naam if r.page.build else 'Gemeente'} (gemeente)", *names]))
    table.add(Column(f"{m.label} {jaar}", "number", [gemeente["aantal"], *frame["aantal"].to_list()], "aantal"))
    table.add(Column(f"Verschil met {jaar - 1} (%)", "number", [gemeente["verschil_pct"], *frame["verschil_pct"].to_list()], "verandering"))
    if has_rate:
        table.add(Column("Inwoners (1 januari)", "number", [gemeente["inwoners"], *frame["inwoners"].to_list()], "aantal"))
        table.add(Column("Per 1.000 inwoners", "number", [gemeente["per_1000"], *frame["per_1000"].to_list()], "decimaal"))
        table.add(Column("95%-interval, laag", "number", [gemeente["laag"], *frame["laag"].to_list()], "decimaal"))
        table.add(Column("95%-interval, hoog", "number", [gemeente["hoog"], *frame["hoog"].to_list()], "decimaal"))
        table.add(Column("Index (gemeente = 100)", "number", [100.0 if gemeente["per_1000"] else None, *frame["index"].to_list()], "index"))
        flags = [f"onbetrouwbaar: {x}" if x else "betrouwbaar" for x in frame["onbetrouwbaar"].to_list()]
        table.add(Column("Betrouwbaarheid", "text", [reden(gemeente["aantal"], gemeente["inwoners"]), *flags]))
    r.show_table(table, height=min(38 + 35 * table.height, 420))
    if has_rate:
        flagged = sum(1 for x in frame["onbetrouwbaar"].to_list() if x)
        bits = [vg.UITLEG]
        if flagged:
            bits.insert(0, f"{flagged} van de {frame.height} {NIVEAUS[level].lower()} hebben een onbetrouwbaar cijfer.")
        st.caption(" ".join(bits))


def verschil(row: dict) -> str | None:
    """A tile's change: in percent, or for small counts (under 20 either year) in events, since
    "+500%" from 1 to 6 says more about chance than about the wijk."""
    now, before = row.get("waarde"), row.get("vorig_jaar")
    if now is None or before is None or row.get("geheim"):
        return None
    if min(now, before) < vg.MIN_GEBEURTENISSEN:
        return f"{now - before:+,.0f}".replace(",", ".") + f" (van {fmt.number(before, 'aantal')} naar {fmt.number(now, 'aantal')})"
    return fmt.change(row.get("verschil_pct"))


def reden(count, population) -> str:
    why = vg.reliability(count, population)
    return f"onbetrouwbaar: {why}" if why else "betrouwbaar"


def _choropleth(collection: dict, frame, level: str, has_rate: bool, label: str) -> alt.Chart:
    value = "per_1000" if has_rate else "aantal"
    rows = {}
    for row in frame.iter_rows(named=True):
        interval = fmt.MISSING if row["laag"] is None else f"{fmt.number(row['laag'], 'decimaal')} – {fmt.number(row['hoog'], 'decimaal')}"
        rows[row[level]] = {
            "waarde": row[value],
            "naam": row[f"{level}_label"],
            "getoond": fmt.MISSING if row[value] is None else fmt.number(row[value], "decimaal" if has_rate else "aantal"),
            "aantal": fmt.MISSING if row["aantal"] is None else fmt.number(row["aantal"], "aantal"),
            "inwoners": fmt.MISSING if row["inwoners"] is None else fmt.number(row["inwoners"], "aantal"),
            "interval": interval,
            "index": fmt.MISSING if row["index"] is None else fmt.number(row["index"], "index"),
            "betrouwbaar": reden(row["aantal"], row["inwoners"]) if has_rate else "–",
            "onbetrouwbaar": bool(row["onbetrouwbaar"]),
        }
    features = copy.deepcopy(collection["features"])  # cached shapes: never change them in place
    for f in features:
        code = f["properties"]["code"]
        f["properties"].update(rows.get(code, {"waarde": None, "naam": code, "getoond": fmt.MISSING, "aantal": fmt.MISSING, "inwoners": fmt.MISSING,
                                               "interval": fmt.MISSING, "index": fmt.MISSING, "betrouwbaar": "–", "onbetrouwbaar": False}))  # fmt: skip
    title = "Per 1.000 inwoners" if has_rate else label
    # A buurt with a handful of inwoners can have a rate of thousands: the colours run up to the
    # highest reliable rate, so the rest of the map is not washed out; higher ones get the darkest.
    reliable = [row["per_1000"] for row in frame.iter_rows(named=True) if has_rate and row["per_1000"] is not None and not row["onbetrouwbaar"]]
    scale = alt.Scale(scheme="blues", domain=[0, max(reliable)], clamp=True) if reliable else alt.Scale(scheme="blues")
    tooltip = [alt.Tooltip("properties.naam:N", title=level.capitalize()), alt.Tooltip("properties.getoond:N", title=title)]
    if has_rate:
        tooltip += [
            alt.Tooltip("properties.interval:N", title="95%-interval"),
            alt.Tooltip("properties.index:N", title="Index (gemeente = 100)"),
            alt.Tooltip("properties.aantal:N", title="Aantal"),
            alt.Tooltip("properties.inwoners:N", title="Inwoners"),
            alt.Tooltip("properties.betrouwbaar:N", title="Betrouwbaarheid"),
        ]
    return (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(stroke="#5A6B7B", strokeWidth=0.6)
        .encode(
            color=charts.condition(
                "color",
                "datum.properties.waarde !== null",
                alt.Color("properties.waarde:Q", title=title, scale=scale, legend=alt.Legend(orient="right", format=",.0f")),
                alt.value("#D5DCE3"),
            ),
            fillOpacity=charts.condition("fillOpacity", "datum.properties.onbetrouwbaar", alt.value(0.35), alt.value(1.0)),
            strokeDash=charts.condition("strokeDash", "datum.properties.onbetrouwbaar", alt.value([3, 2]), alt.value([1, 0])),
            tooltip=tooltip,
        )
        .project(type="mercator")
        .properties(height=440)
    )


def _map_source(r: Report) -> str:
    sets = r.engine.datasets()
    found = [p for k, p in zip(sets["key"].to_list(), sets["publisher"].to_list()) if k == "geo_buurten"] if sets.height else []
    return f"Grenzen: {found[0]}." if found and found[0] else ""


# ---- what the totals hold -------------------------------------------------------------------------------


def optelling(r: Report, d: "vg.Dekking") -> None:
    """Say why the gemeente figure and the sum of the wijken or buurten differ (or why they are
    equal), from what the loaded politie files cover (analysis veiligheid.dekking)."""
    jaar = d.jaar
    if d.gemeente is None or d.buurten is None:
        return
    if not d.gepubliceerd:
        r.note(
            f"De geladen politiebestanden hebben voor {jaar} geen gemeentecijfer, alleen buurten: het totaal ({fmt.number(d.gemeente, 'aantal')}) en de "
            "wijken zijn hier de som van de buurten. Misdrijven die de politie niet aan een buurt kon toewijzen (landelijk 'buurt onbekend') "
            "tellen daardoor niet mee; het gepubliceerde gemeentecijfer van CBS/Politie ligt daarom iets hoger."
        )
    elif d.niet_geplaatst:
        r.caption(
            f"Waarom tellen de buurten niet op tot het gemeentecijfer? De politie publiceert voor de gemeente {fmt.number(d.gemeente, 'aantal')} "
            f"misdrijven in {jaar}; daarvan kon zij er {fmt.number(d.niet_geplaatst, 'aantal')} niet aan een buurt toewijzen (geen of een onvolledig "
            f"adres). De buurten tellen daarom op tot {fmt.number(d.buurten, 'aantal')}."
        )


# ---- seasonality ------------------------------------------------------------------------------------------


def seizoen(r: Report, metric: str, *, title: str, wijken: tuple[str, ...] = (), soort: str | None = None) -> None:
    """The seasonal pattern: per calendar month the average over the complete years with monthly
    figures, as an index (average month = 100), with its table."""
    if r.missing(metric):
        return
    found = r.engine.analysis("veiligheid.seizoen", metric, tuple(wijken), soort)
    if found is None:
        r.note(f"Geen seizoenspatroon: er zijn voor '{registry.get(metric).label}' minder dan twee volledige jaren maandcijfers geladen (CBS/Politie maandtabel).")
        return
    rows = [
        {"maand": MAAND_KORT[mnd].rstrip("."), "naam": MAAND_LANG[mnd], "index": ix, "tekst": fmt.number(ix, "index"), "gemiddeld": fmt.number(avg, "decimaal")}
        for mnd, ix, avg in zip(found["maand"].to_list(), found["index"].to_list(), found["gemiddeld"].to_list())
    ]
    years = f"{found['van'][0]}–{found['tot'][0]}"
    order = [row["maand"] for row in rows]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("maand:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("index:Q", title="Index (gemiddeld = 100)", axis=alt.Axis(format=",.0f")),
            color=charts.condition("color", "datum.index >= 100", alt.value(charts.PALETTE[1]), alt.value(charts.PALETTE[0])),
            tooltip=[alt.Tooltip("naam:N", title="Maand"), alt.Tooltip("tekst:N", title="Index"), alt.Tooltip("gemiddeld:N", title=f"Gemiddeld per maand, {years}")],
        )
    )
    rule = alt.Chart(alt.Data(values=[{"y": 100}])).mark_rule(color=charts.MUTED, strokeDash=[4, 3]).encode(y=alt.Y("y:Q"))
    chart = alt.layer(bars, rule).properties(height=280, title=title)
    key = r.key(title)
    charts.show(chart, title, key=f"png-{key}")
    st.caption(f"Gemiddelde per kalendermaand over {found['jaren'][0]} volledige jaren ({years}); 100 is een gemiddelde maand. Oranje: drukker dan gemiddeld.")
    table = Table(title)
    table.add(Column("Maand", "text", [row["naam"] for row in rows]))
    table.add(Column(f"Gemiddeld per maand ({years})", "number", found["gemiddeld"].to_list(), "decimaal"))
    table.add(Column("Index (gemiddelde maand = 100)", "number", found["index"].to_list(), "index"))
    r.chart_table(table, title, key)


# ---- the wijkprofiel and its PDF ---------------------------------------------------------------------------


def wijkprofiel(r: Report, wijk: str, jaar: int) -> None:
    """One wijk against the gemeente on one screen: safety, openbare ruimte, inwoners and housing,
    and youth care as the role may see it; two charts; the one-page PDF wijkrapport to download."""
    p = r.engine.analysis("veiligheid.wijkprofiel", wijk, jaar)
    table = Table(f"Wijkprofiel {p.wijk_naam} {jaar}")
    table.add(Column("Onderwerp", "text", [x.groep for x in p.regels]))
    table.add(Column("Kerncijfer", "text", [x.onderwerp for x in p.regels]))
    table.add(Column(p.wijk_naam, "text", [x.wijk for x in p.regels]))
    table.add(Column("Gemeente", "text", [x.gemeente for x in p.regels]))
    table.add(Column("Vergelijking", "text", [x.vergelijking for x in p.regels]))
    table.add(Column(f"t.o.v. {jaar - 1}", "text", [x.verandering for x in p.regels]))
    table.add(Column("Toelichting", "text", [x.opmerking or "" for x in p.regels]))
    r.show_table(table, height=38 + 35 * table.height)
    for note in p.notities:
        r.note(note, icon=":material/lock:" if "eigen wijken" in note else ":material/info:")
    if r.engine.scope.spec.disclosure_control and any(x.groep == "Jeugd" for x in p.regels):
        r.caption("Jeugdhulp gaat over personen: afgerond op vijftallen, 0-7 als 'geheim' (afscherming), op het scherm en in het wijkrapport.")
    # On screen the soorten only: the wijk's series per year beside the gemeente's is the trend
    # chart higher up on this page (the same numbers); the PDF, a page on its own, has both.
    chart = _soorten_chart(p)
    if chart is not None:
        charts.show(chart, chart.title, key=f"png-{r.key('profiel-soorten')}")
    else:
        r.note("Geen uitsplitsing naar soort misdrijf geladen.")
    rol = r.engine.scope.spec.label
    demo = bool(r.page.build and r.page.build.demo)

    def make() -> bytes:  # runs only when the button is clicked
        return rapport(p, rol=rol, demo=demo)

    st.download_button(
        f"Wijkrapport {p.wijk_naam} (PDF)", data=make, file_name=f"wijkrapport-{_slug(p.wijk_naam)}-{jaar}.pdf", mime="application/pdf",
        icon=":material/picture_as_pdf:", on_click="ignore", key=f"pdf-{wijk}-{jaar}", type="primary",
        help="Eén pagina voor de lokale driehoek: kerncijfers met verandering, twee grafieken, bronnen en peildatum.",
    )  # fmt: skip


def _trend_chart(p) -> alt.LayerChart | None:
    """The wijk's misdrijven per 1.000 inwoners per year beside the gemeente's (the PDF only)."""
    if not p.trend.height:
        return None
    series = list(dict.fromkeys(p.trend["reeks"].to_list()))
    rows = [
        {"x": j, "x_tekst": str(j), "reeks": s, "y": v, "waarde": v, "tekst": fmt.number(v, "decimaal")}
        for j, s, v in zip(p.trend["jaar"].to_list(), p.trend["reeks"].to_list(), p.trend["waarde"].to_list())
    ]
    trend = charts.lines(rows, x="x", x_type="O", x_title=None, y_title="Per 1.000 inwoners", axis=",.0f", series=series, dashes=True, height=300)
    return trend.properties(title=f"Misdrijven per 1.000 inwoners: {p.wijk_naam} en gemeente")


def _soorten_chart(p) -> alt.Chart | None:
    """The wijk's most frequent soorten misdrijf per 1.000 inwoners beside the gemeente's."""
    if not p.soorten.height:
        return None
    rows = []
    for label, w, g in zip(p.soorten["soort_label"].to_list(), p.soorten["wijk"].to_list(), p.soorten["gemeente"].to_list()):
        rows.append({"label": label, "bron": p.wijk_naam, "x": w, "tekst": fmt.number(w, "decimaal")})
        if g is not None:
            rows.append({"label": label, "bron": "Gemeente", "x": g, "tekst": fmt.number(g, "decimaal")})
    chart = _paired_bars(rows, sources=[p.wijk_naam, "Gemeente"], order=p.soorten["soort_label"].to_list(), x_title="Per 1.000 inwoners")
    return chart.properties(title=f"Meest voorkomende soorten in {p.wijk_naam}, {p.jaar}")


def _paired_bars(rows: list[dict], *, sources: list[str], order: list[str], x_title: str) -> alt.Chart:
    """Per group (`label`) a bar per source (`bron`, `x`, `tekst`), side by side; colour and the
    legend tell the sources apart, the tooltip gives the value."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=190)),
            yOffset=alt.YOffset("bron:N", sort=sources),
            x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color("bron:N", title=None, sort=sources, scale=alt.Scale(domain=sources, range=charts.PALETTE[: len(sources)]), legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("label:N", title="Soort"), alt.Tooltip("bron:N", title="Gebied"), alt.Tooltip("tekst:N", title=x_title)],
        )
        .properties(height=26 * len(order) + 140)  # Streamlit fits title, legend and axis inside this height
    )


def soorten(r: Report, wijk: str, naam: str, jaar: int) -> None:
    """Per soort misdrijf in the wijk (code and label of 47018NED): count, change, per 1.000
    inwoners with its interval, the gemeente's rate and the index."""
    frame = r.engine.analysis("veiligheid.per_soort", wijk, jaar)
    if frame.is_empty():
        r.note("Geen uitsplitsing naar soort misdrijf geladen.")
        return
    r.frame_table(
        frame,
        f"Misdrijven per soort {naam} {jaar}",
        [
            ("soort", "Soort misdrijf (code CBS/Politie)", None),
            ("aantal", f"Aantal {jaar}", "aantal"),
            ("vorig_jaar", f"Aantal {jaar - 1}", "aantal"),
            ("verschil_pct", "Verschil (%)", "verandering"),
            ("per_1000", f"Per 1.000 inwoners, {naam}", "decimaal"),
            ("laag", "95%-interval, laag", "decimaal"),
            ("hoog", "95%-interval, hoog", "decimaal"),
            ("gemeente", "Per 1.000 inwoners, gemeente", "decimaal"),
            ("index", "Index (gemeente = 100)", "index"),
            ("onbetrouwbaar", "Onbetrouwbaar", None),
        ],
    )


def rapport(p, *, rol: str, demo: bool) -> bytes:
    """The wijkrapport PDF: the two charts rendered to PNG in child processes (side by side, off
    this process's GIL), then the page laid out with fpdf2. Logs how long each part took."""
    start = time.perf_counter()
    wanted = [(c.title if c is not None else t, c) for c, t in ((_trend_chart(p), "Misdrijven per 1.000 inwoners"), (_soorten_chart(p), "Soorten misdrijf"))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The PDF sets the title itself; the chart in the PDF goes without.
        pngs = list(pool.map(lambda c: charts.png(c.properties(width=330, height=260, title="")) if c is not None else None, [c for _, c in wanted]))
    rendered = time.perf_counter()
    data = wijkrapport.pdf(p, rol=rol, charts=tuple((str(t), png) for (t, _), png in zip(wanted, pngs)), demo=demo)
    done = time.perf_counter()
    log.info("wijkrapport %s %s: grafieken %.2f s (eigen processen), PDF %.3f s (in proces)", p.wijk, p.jaar, rendered - start, done - rendered)
    return data
