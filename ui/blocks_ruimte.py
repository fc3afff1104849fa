"""Blocks of the Monitor ruimtelijke ordening en wonen that draw more than one metric at a time:
the stock account per year (CBS mutaties), plan capacity against the remaining need, the
pipeline per wijk by status, the segments against the beleidsmix, the projects running late, and
the gemeente's settings with their sources. Like every block they ask the engine (bound to the
user's scope) themselves and say plainly what cannot be shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import streamlit as st

from metrics import format as fmt
from metrics import registry
from metrics.declarations import Metric
from metrics.wonen.opgave import Instellingen
from ui import charts
from ui.report import Fig, Report
from ui.table import Column, Table

# The stock account of CBS 81955NED: beginstand + these = eindstand (sign: + adds, - takes away).
MUTATIES: tuple[tuple[str, int, str], ...] = (
    ("nieuwbouw", 1, charts.PALETTE[0]),
    ("overige_toevoeging", 1, charts.PALETTE[5]),
    ("sloop", -1, charts.PALETTE[1]),
    ("overige_onttrekking", -1, charts.PALETTE[4]),
    ("correctie_woningvoorraad", 1, charts.MUTED),
)
STATUS_KLEUR = {"idee": "#C9D6E3", "zacht": charts.PALETTE[5], "hard": charts.PALETTE[0], "in aanbouw": charts.PALETTE[2], "opgeleverd": charts.PALETTE[6]}
ONBEKEND_MIX = "Overige segmenten"


def _by_year(r: Report, metric: str) -> dict[int, float | None]:
    frame = r.ask(Fig(metric, where={}), ["jaar"])
    return dict(zip(frame["jaar"].to_list(), frame["waarde"].to_list()))


def voorraad(r: Report, *, title: str) -> None:
    """Per year the additions (up) and withdrawals (down) of the housing stock, with the saldo, and
    the full stock account as a table (beginstand + mutaties = eindstand)."""
    if r.missing("nieuwbouw"):
        return
    values = {m: _by_year(r, m) for m, _, _ in MUTATIES}
    begin, saldo, eind = _by_year(r, "beginstand_woningvoorraad"), _by_year(r, "saldo_woningvoorraad"), _by_year(r, "woningvoorraad")
    years = sorted(y for y in eind if y is not None)
    labels = {m: registry.get(m).label for m, _, _ in MUTATIES}
    order = [labels[m] for m, _, _ in MUTATIES]
    rows = []
    for m, sign, _ in MUTATIES:
        for y in years:
            v = values[m].get(y)
            if v:
                rows.append({"x": str(y), "kleur": labels[m], "y": sign * v, "tekst": fmt.number(sign * v, "aantal"), "volgorde": order.index(labels[m])})
    points = [{"x": str(y), "y": saldo[y], "tekst": fmt.number(saldo[y], "aantal")} for y in years if saldo.get(y) is not None]
    x = alt.X("x:O", title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("y:Q", title="Woningen per jaar (+ erbij, − eraf)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("kleur:N", title=None, sort=order, scale=alt.Scale(domain=order, range=[c for _, _, c in MUTATIES]), legend=charts.TOP_LEGEND),
            order=alt.Order("volgorde:Q"),
            tooltip=[alt.Tooltip("x:O", title="Jaar"), alt.Tooltip("kleur:N", title="Mutatie"), alt.Tooltip("tekst:N", title="Woningen")],
        )
    )
    line = (
        alt.Chart(alt.Data(values=points))
        .mark_line(color="#1F2933", point=alt.OverlayMarkDef(color="#1F2933", size=40), strokeWidth=1.5)
        .encode(x=x, y=alt.Y("y:Q"), tooltip=[alt.Tooltip("x:O", title="Jaar"), alt.Tooltip("tekst:N", title="Saldo (groei van de voorraad)")])
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color=charts.MUTED).encode(y=alt.Y("y:Q"))
    chart = alt.layer(bars, zero, line).properties(height=400, title=title)
    table = Table(title)
    table.add(Column("Jaar", "text", [str(y) for y in years]))
    table.add(Column("Beginstand (1 januari)", "number", [begin.get(y) for y in years], "aantal"))
    for m, _, _ in MUTATIES:
        table.add(Column(labels[m], "number", [values[m].get(y) for y in years], "aantal"))
    table.add(Column("Saldo", "number", [saldo.get(y) for y in years], "aantal"))
    table.add(Column("Eindstand (31 december)", "number", [eind.get(y) for y in years], "aantal"))
    r.chart(
        chart, title, table,
        description="Balken: nieuwbouw en overige toevoegingen omhoog, sloop en overige onttrekkingen omlaag; lijn: het saldo, de groei van de voorraad in "
        "dat jaar. Bron: CBS 81955NED.",
    )  # fmt: skip


def plancapaciteit(r: Report, jaar: int | None, *, title: str) -> None:
    """Plan capacity (hard, zacht, onbekend) before and after the expected planuitval, beside the
    remaining need and the need under the norm."""
    plan = r.ask(Fig("plancapaciteit", where={}), ["hardheid"])
    after = r.ask(Fig("plancapaciteit_na_uitval", where={}), ["hardheid"])
    need = r.row(Fig("resterende_opgave", where={"jaar": jaar} if jaar else {}))
    norm = r.row(Fig("plancapaciteit_nodig", where={"jaar": jaar} if jaar else {}))
    hard_labels = {"hard": "Hard", "zacht": "Zacht", "onbekend": "Onbekende hardheid"}
    bars: list[tuple[str, str, float | None]] = []
    if need["waarde"] is not None:
        bars.append((f"Resterende opgave na {jaar}", "Resterende opgave", need["waarde"]))
        if norm["waarde"] is not None:
            bars.append((f"Nodig volgens de norm ({fmt.number(norm['norm'], 'procent')})", "Nodig volgens de norm", norm["waarde"]))
    for h, v in zip(plan["hardheid"].to_list(), plan["waarde"].to_list()):
        bars.append(("Plancapaciteit", hard_labels.get(h, h), v))
    for h, v in zip(after["hardheid"].to_list(), after["waarde"].to_list()):
        bars.append(("Na verwachte planuitval", hard_labels.get(h, h), v))
    bars = [b for b in bars if b[2] is not None]
    if not bars:
        r.note("Geen plancapaciteit of opgave om te tonen.")
        return
    groups = list(dict.fromkeys(g for g, _, _ in bars))
    parts = list(dict.fromkeys(p for _, p, _ in bars))
    palette = {"Resterende opgave": charts.MUTED, "Nodig volgens de norm": "#5A6B7B", "Hard": charts.PALETTE[0], "Zacht": charts.PALETTE[5], "Onbekende hardheid": "#C9D6E3"}
    rows = [{"groep": g, "deel": p, "x": v, "tekst": fmt.number(v, "aantal"), "volgorde": parts.index(p)} for g, p, v in bars]
    totals = {}
    for g, _, v in bars:
        totals[g] = totals.get(g, 0.0) + v
    y = alt.Y("groep:N", title=None, sort=groups, axis=alt.Axis(labelLimit=260))
    stacked = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(height=26)
        .encode(
            x=alt.X("x:Q", title="Woningen", axis=alt.Axis(format=",.0f"), stack="zero"),
            y=y,
            color=alt.Color(
                "deel:N",
                title=None,
                sort=parts,
                scale=alt.Scale(domain=parts, range=[palette.get(p, charts.PALETTE[3]) for p in parts]),
                legend=alt.Legend(orient="top", direction="vertical", labelLimit=320, values=[p for p in parts if p in hard_labels.values()]),
            ),
            order=alt.Order("volgorde:Q"),
            tooltip=[alt.Tooltip("groep:N", title="Wat"), alt.Tooltip("deel:N", title="Deel"), alt.Tooltip("tekst:N", title="Woningen")],
        )
    )
    labels = (
        alt.Chart(alt.Data(values=[{"groep": g, "x": v, "tekst": fmt.number(v, "aantal")} for g, v in totals.items()]))
        .mark_text(align="left", dx=4, fontSize=12, color="#1F2933")
        .encode(x=alt.X("x:Q"), y=y, text=alt.Text("tekst:N"))
    )
    chart = alt.layer(stacked, labels).properties(height=60 * len(groups) + 40, title=title)
    table = Table(title)
    table.add(Column("Wat", "text", [g for g, _, _ in bars]))
    table.add(Column("Deel", "text", [p for _, p, _ in bars]))
    table.add(Column("Woningen", "number", [v for _, _, v in bars], "aantal"))
    r.chart(chart, title, table)


def trechter(r: Report, where: dict, *, title: str) -> None:
    """The status funnel: woningen and projects per status, from idee to opgeleverd."""
    if r.missing("projecten_woningen"):
        return
    statuses = list(STATUS_KLEUR)
    woningen = r.ask(Fig("projecten_woningen", where=where, compare=("aandeel",)), ["projectstatus"])
    projecten = r.ask(Fig("projecten", where=where), ["projectstatus"])
    n = dict(zip(projecten["projectstatus"].to_list(), projecten["waarde"].to_list()))
    w = dict(zip(woningen["projectstatus"].to_list(), woningen["waarde"].to_list()))
    share = dict(zip(woningen["projectstatus"].to_list(), woningen["aandeel"].to_list()))
    rows = [
        {
            "status": s,
            "x": w[s],
            "tekst": fmt.number(w[s], "aantal"),
            "projecten": fmt.number(n.get(s) or 0, "aantal"),
            "aandeel": fmt.number(share[s], "procent") if share.get(s) is not None else fmt.MISSING,
        }
        for s in statuses
        if w.get(s)
    ]
    if not rows:
        r.note("Geen projecten in deze selectie.")
        return
    max_x = max(row["x"] for row in rows)
    # Room on the right for the label with the number of woningen.
    x = alt.X("x:Q", title="Woningen", axis=alt.Axis(format=",.0f"), scale=alt.Scale(domain=[0, max_x * 1.25]))
    y = alt.Y("status:N", title=None, sort=statuses, axis=alt.Axis(labelLimit=200, labelFontSize=13))
    tooltip = [
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("tekst:N", title="Woningen"),
        alt.Tooltip("projecten:N", title="Projecten"),
        alt.Tooltip("aandeel:N", title="Aandeel van de woningen"),
    ]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(height=30)
        .encode(x=x, y=y, color=alt.Color("status:N", scale=alt.Scale(domain=statuses, range=[STATUS_KLEUR[s] for s in statuses]), legend=None), tooltip=tooltip)
    )
    labels = alt.Chart(alt.Data(values=rows)).mark_text(align="left", dx=4, fontSize=12, color="#1F2933").encode(x=x, y=y, text=alt.Text("tekst:N"), tooltip=tooltip)
    chart = alt.layer(bars, labels).properties(height=52 * len(rows) + 50, title=title)
    table = Table(title)
    shown = [s for s in statuses if s in w or s in n]
    table.add(Column("Projectstatus", "text", shown))
    table.add(Column("Projecten", "number", [n.get(s) for s in shown], "aantal"))
    table.add(Column("Woningen", "number", [w.get(s) for s in shown], "aantal"))
    table.add(Column("Aandeel van de woningen", "number", [share.get(s) for s in shown], "procent"))
    r.chart(chart, title, table, description="Van idee tot opgeleverd. Opgeleverd: alle opgeleverde projecten in de lijst; de pijplijn is zacht, hard en in aanbouw.")


def opleveringen_per_jaar(r: Report, where: dict, doel_per_jaar: float | None, *, title: str) -> None:
    """The pipeline by planned opleverjaar, stacked by status (in aanbouw at the bottom), with the
    yearly target as a dashed rule when the gemeente has one."""
    if r.missing("woningen_pijplijn"):
        return
    statuses = ["in aanbouw", "hard", "zacht"]
    frame = r.ask(Fig("woningen_pijplijn", where=where), ["jaar", "projectstatus"])
    rows = [
        {"x": str(j), "status": s, "y": v, "tekst": fmt.number(v, "aantal"), "volgorde": statuses.index(s)}
        for j, s, v in zip(frame["jaar"].to_list(), frame["projectstatus"].to_list(), frame["waarde"].to_list())
        if v and j is not None and s in statuses
    ]
    if not rows:
        r.note("Geen projecten in de pijplijn voor deze selectie.")
        return
    x = alt.X("x:O", title=None, axis=alt.Axis(labelAngle=0))
    layers = [
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("y:Q", title="Woningen (geplande oplevering)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("status:N", title=None, sort=statuses, scale=alt.Scale(domain=statuses, range=[STATUS_KLEUR[s] for s in statuses]), legend=charts.TOP_LEGEND),
            order=alt.Order("volgorde:Q"),
            tooltip=[alt.Tooltip("x:O", title="Geplande oplevering"), alt.Tooltip("status:N", title="Status"), alt.Tooltip("tekst:N", title="Woningen")],
        )
    ]
    note = "Woningen in projecten die nog niet zijn opgeleverd (zacht, hard, in aanbouw), naar het jaar van de geplande oplevering."
    if doel_per_jaar:
        rule = {"y": doel_per_jaar, "tekst": f"Doel: {fmt.number(doel_per_jaar, 'aantal')} per jaar"}
        layers.append(alt.Chart(alt.Data(values=[rule])).mark_rule(color=charts.WARN, strokeDash=[4, 3]).encode(y=alt.Y("y:Q"), tooltip=[alt.Tooltip("tekst:N", title="Woningbouwdoel")]))
        note += f" Stippellijn: het woningbouwdoel per jaar ({fmt.number(doel_per_jaar, 'aantal')})."
    chart = alt.layer(*layers).properties(height=320, title=title)
    years = sorted({row["x"] for row in rows})
    lookup = {(row["x"], row["status"]): row["y"] for row in rows}
    table = Table(title)
    table.add(Column("Jaar", "text", years))
    for s in statuses:
        table.add(Column(f"Woningen {s}", "number", [lookup.get((j, s)) for j in years], "aantal"))
    r.chart(chart, title, table, description=note)


def pijplijn_per_wijk(r: Report, where: dict, *, title: str) -> None:
    """Per wijk the woningen in projects not yet delivered, stacked by status (largest wijk first)."""
    if r.missing("projecten_woningen"):
        return
    statuses = ("idee", "zacht", "hard", "in aanbouw")
    frame = r.ask(Fig("projecten_woningen", where=where | {"projectstatus": list(statuses)}), ["wijk", "projectstatus"])
    rows, totals = [], {}
    for w, status, v in zip(frame["wijk_label"].to_list(), frame["projectstatus"].to_list(), frame["waarde"].to_list()):
        if v:
            rows.append({"wijk": w, "status": status, "x": v, "tekst": fmt.number(v, "aantal"), "volgorde": statuses.index(status)})
            totals[w] = totals.get(w, 0.0) + v
    if not rows:
        r.note("Geen projecten in de pijplijn voor deze selectie.")
        return
    order = sorted(totals, key=lambda w: -totals[w])
    y = alt.Y("wijk:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("x:Q", title="Woningen", axis=alt.Axis(format=",.0f")),
            y=y,
            color=alt.Color("status:N", title=None, sort=list(statuses), scale=alt.Scale(domain=list(statuses), range=[STATUS_KLEUR[s] for s in statuses]), legend=charts.TOP_LEGEND),
            order=alt.Order("volgorde:Q"),
            tooltip=[alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("status:N", title="Status"), alt.Tooltip("tekst:N", title="Woningen")],
        )
        .properties(height=28 * len(order) + 60, title=title)
    )
    table = Table(title)
    table.add(Column("Wijk", "text", order))
    for s in statuses:
        lookup = {(w, st_): v for w, st_, v in zip(frame["wijk_label"].to_list(), frame["projectstatus"].to_list(), frame["waarde"].to_list())}
        table.add(Column(f"Woningen {s}", "number", [lookup.get((w, s)) for w in order], "aantal"))
    table.add(Column("Samen", "number", [totals[w] for w in order], "aantal"))
    r.chart(chart, title, table)


def beleidsmix(r: Report, inst: Instellingen, pijplijn: Fig, opgeleverd: Fig, *, opgeleverd_label: str, title: str) -> None:
    """The segments of the pipeline (and of what was delivered) against the beleidsmix: shares per
    doel side by side, and a table with the differences in percentage points."""
    if not inst.mix:
        r.note(
            f"{inst.gemeente or 'De gemeente'} heeft geen beleidsmix in de instellingen: er is niets om de segmenten mee te vergelijken. "
            "Zet doelen onder [wonen.beleidsmix] in het instellingenbestand van de gemeente (zie data_sources/gemeenten/GM0193.toml)."
        )
        return
    goal = r.ask(Fig("beleidsmix_aandeel", where={}), ["beleidsmix"])
    pipe = r.ask(Fig(pijplijn.metric, where=pijplijn.where, compare=("aandeel",)), ["beleidsmix"])
    done = r.ask(Fig(opgeleverd.metric, where=opgeleverd.where, compare=("aandeel",)), ["beleidsmix"])
    target = dict(zip(goal["beleidsmix"].to_list(), goal["waarde"].to_list()))
    share_pipe = dict(zip(pipe["beleidsmix"].to_list(), pipe["aandeel"].to_list()))
    count_pipe = dict(zip(pipe["beleidsmix"].to_list(), pipe["waarde"].to_list()))
    share_done = dict(zip(done["beleidsmix"].to_list(), done["aandeel"].to_list()))
    doelen = list(inst.doelen) + ([None] if None in share_pipe or None in share_done else [])
    segmenten = dict(inst.mix)
    names = {d: (d[0].upper() + d[1:] if d is not None else ONBEKEND_MIX) for d in doelen}
    bronnen = ("Beleidsmix", "Pijplijn", opgeleverd_label)
    points = []
    for d in doelen:
        for bron, found in zip(bronnen, (target, share_pipe, share_done)):
            if found.get(d) is not None:
                points.append((names[d], bron, found[d], fmt.number(found[d], "procent")))
    if not points:
        r.note("Geen projecten in deze selectie om met de beleidsmix te vergelijken.")
        return
    data = [{"label": g, "bron": b, "x": v, "tekst": t} for g, b, v, t in points]
    chart = charts.dots(data, x_title="Aandeel van de woningen", axis=".0%", sources=[b for b in bronnen if any(p[1] == b for p in points)], height=70 * len(doelen) + 110)
    chart = chart.encode(y=alt.Y("label:N", title=None, sort=[names[d] for d in doelen], axis=alt.Axis(labelLimit=200)))
    charts.show(chart.properties(title=title), title, key=f"png-{r.key(title)}")
    table = Table(title)
    table.add(Column("Beleidsmix", "text", [d or ONBEKEND_MIX for d in doelen]))
    table.add(Column("Segmenten", "text", [", ".join(segmenten[d]) if d else "segmenten buiten de mix" for d in doelen]))
    table.add(Column("Beoogd aandeel", "number", [target.get(d) for d in doelen], "procent"))
    table.add(Column("Woningen in de pijplijn", "number", [count_pipe.get(d) for d in doelen], "aantal"))
    table.add(Column("Aandeel in de pijplijn", "number", [share_pipe.get(d) for d in doelen], "procent"))
    table.add(Column("Pijplijn min beleid", "number", [None if share_pipe.get(d) is None or target.get(d) is None else share_pipe[d] - target[d] for d in doelen], "procentpunt"))
    table.add(Column(f"Aandeel {opgeleverd_label.lower()}", "number", [share_done.get(d) for d in doelen], "procent"))
    r.show_table(table)


def te_laat(r: Report, wijken: Sequence[str], segmenten: Sequence[str], *, title: str) -> None:
    """The projects over their planned oplevering, latest first, with how many months."""
    frame = r.engine.analysis("wonen.projecten_te_laat", tuple(wijken), tuple(segmenten))
    if frame.is_empty():
        r.note("Geen projecten over hun geplande oplevering in deze selectie.", icon=":material/check_circle:")
        return
    frame = frame.sort("maanden_te_laat", descending=True)
    table = Table(title)
    table.add(Column("Project", "text", frame["project_naam"].to_list()))
    table.add(Column("Wijk", "text", frame["wijk_label"].to_list()))
    table.add(Column("Buurt", "text", frame["buurt_label"].to_list()))
    table.add(Column("Status", "text", frame["status"].to_list()))
    table.add(Column("Woningen", "number", frame["woningen"].to_list(), "aantal"))
    table.add(Column("Geplande oplevering", "text", [fmt.date(d) for d in frame["geplande_oplevering"].to_list()]))
    table.add(Column("Maanden over de planning", "number", frame["maanden_te_laat"].to_list(), "decimaal"))
    table.add(Column("Segmenten", "text", frame["segmenten"].to_list()))
    r.show_table(table)


def instellingen(r: Report, inst: Instellingen, metrics: Sequence[Metric]) -> None:
    """The settings the figures above depend on, each with its value (a metric) and its source or
    assumption, and where they come from."""
    bron = {
        "woningbouwdoel": inst.doel_bron,
        "plancapaciteit_norm": inst.norm_bron,
        "planuitval_hard": inst.uitval_toelichting,
        "planuitval_zacht": inst.uitval_toelichting,
    }
    lines = []
    for m in metrics:
        row = r.row(Fig(m, where={}))
        if row["waarde"] is None:
            lines.append(f"- **{m.label}: niet ingesteld.** {m.description}")
            continue
        text = fmt.value(m, row["waarde"])
        if m.name == "woningbouwdoel" and inst.heeft_doel:
            text += f" woningen in {inst.doel_van} t/m {inst.doel_tot}"
        source = bron.get(m.name)
        lines.append(f"- **{m.label}: {text}.** " + (f"Bron of aanname: {source}" if source else ""))
    if inst.mix:
        goal = r.ask(Fig("beleidsmix_aandeel", where={}), ["beleidsmix"])
        share = dict(zip(goal["beleidsmix"].to_list(), goal["waarde"].to_list()))
        parts = "; ".join(f"{d} {fmt.number(share.get(d), 'procent') if share.get(d) is not None else fmt.MISSING} ({', '.join(segs)})" for d, segs in inst.mix)
        lines.append(f"- **Beleidsmix: {parts}.** Bron: {inst.mix_bron} {inst.mix_toelichting}")
    else:
        lines.append("- **Beleidsmix: niet ingesteld.**")
    st.markdown("\n".join(lines))
    source = f"het instellingenbestand {inst.bestand}" if inst.bestand else "de standaardinstellingen (data_sources/gemeenten/standaard.toml), want de gemeente heeft geen eigen bestand"
    st.caption(
        f"Deze instellingen komen uit {source}; de build zet ze in het warehouse (tabellen instellingen_wonen en instellingen_beleidsmix). "
        "Wijzig het bestand en bouw opnieuw; een fout erin stopt de build met een duidelijke melding."
    )
