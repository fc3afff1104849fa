"""Sturingsdashboard Jeugd: grip on youth-care spending, with a forecast that does not wait for late declarations."""

import itertools

import altair as alt
import polars as pl
import streamlit as st
from babel.dates import get_month_names

import metrics
from metrics.jeugd import drivers, jeugdzorg, prognose
from metrics import format as fmt
from ui import charts, components, frames, layout, maps

(
    lasten,
    begroting,
    prognose_m,
    saldo,
    ontleding,
    jeugdigen,
    jeugdigen_gedeclareerd,
    kosten,
    gestart,
    beeindigd,
    duur,
    doorlooptijd,
    binnen_norm,
    per_1000,
    cbs,
) = metrics.uses(
    "jeugd",
    "lasten",
    "begroting_actueel",
    "prognose",
    "prognose_saldo",
    "lasten_ontleding",
    "jeugdigen",
    "jeugdigen_gedeclareerd",
    "kosten_per_jeugdige",
    "trajecten_gestart",
    "trajecten_beeindigd",
    "gemiddelde_duur",
    "doorlooptijd",
    "aandeel_binnen_norm",
    "jeugdigen_per_1000",
    "cbs_pct_jongeren_jeugdzorg",
)

p = layout.page(
    "Sturingsdashboard Jeugd",
    "Grip op de uitgaven jeugdzorg: lasten tegen de begroting, een prognose die niet wacht op late declaraties, "
    "en wat de verandering verklaart.",
)
if components.unavailable(p.engine, lasten, jeugdigen):
    st.stop()

MAANDEN = get_month_names("wide", locale="nl_NL")
AREA = p.area[0].upper() + p.area[1:]
BUDGET = p.engine.allowed(begroting, p.scope) and p.engine.available(begroting)
NO_BUDGET = (
    f"De begroting geldt voor de gemeente als geheel en is niet zichtbaar voor de rol {p.scope.spec.label}."
    if not p.engine.allowed(begroting, p.scope)
    else "De begroting is niet beschikbaar: de bron jeugd_begroting is niet geladen."
)
peil = p.engine.info.peildatum
AXIS = ",.2~f"  # euro axes: Dutch notation, no trailing zeros (0,5 · 1 · 12,5)


def euro(value) -> str:
    """Exact euros for tables (tiles and text use the compact form of the metric)."""
    return fmt.MISSING if value is None else fmt.number(value, "euro_exact")


def pct(value) -> str:
    return fmt.MISSING if value is None else fmt.change(value)


def unit(values) -> tuple[float, str]:
    """Euros on an axis: in € mln from 2 mln up, else in € duizend, so that ticks stay distinct."""
    present = [abs(v) for v in values if v is not None]
    return (1e6, "€ mln") if present and max(present) >= 2e6 else (1e3, "€ duizend")


def scaled(frame: pl.DataFrame, factor: float, *cols: str) -> pl.DataFrame:
    """Chart columns divided by `factor` (axes read 12,5 instead of 12.500.000)."""
    return frame.with_columns(*(pl.col(c) / factor for c in cols))


def skipped_note(metric, *, periode: bool = True) -> None:
    left_out = keuze.niet_toegepast(metric, periode=periode)
    if left_out:
        st.caption(f"Filter op {', '.join(left_out)} geldt hier niet: '{metric.label}' is daar niet naar uit te splitsen.")


# --- filters (state in the url, so a view can be shared) ------------------------------------
std_jaar, std_maand = jeugdzorg.standaard_periode(peil)
jaren = sorted((j for j in p.engine.query(lasten, by=["jaar"], scope=p.scope)["jaar"].to_list() if j <= peil.year), reverse=True)
if std_jaar not in jaren:
    jaren.insert(0, std_jaar)
groepen = [m.code for m in metrics.DIMENSIONS["productgroep"].members]
per_aanbieder_alle = p.engine.query(lasten, by=["aanbieder"], scope=p.scope)
aanbieder_namen = dict(zip(per_aanbieder_alle["aanbieder"].to_list(), per_aanbieder_alle["aanbieder_label"].to_list()))
wijk_namen = {code: naam for code, naam in p.engine.labels("wijk").items() if p.scope.wijken is None or code in p.scope.wijken}

with st.container(border=True):
    c1, c2, c3, c4, c5 = st.columns([1, 1.2, 1.6, 2, 2])
    jaar = c1.selectbox("Jaar", jaren, index=jaren.index(std_jaar), key="jaar", bind="query-params")
    tm = c2.selectbox(
        "Periode: januari t/m",
        list(range(1, 13)),
        index=std_maand - 1,
        format_func=lambda m: MAANDEN[m],
        key="tm",
        bind="query-params",
        help=f"Standaard de laatste volledige maand zorg vóór de peildatum ({fmt.date(peil)}).",
    )
    groep = c3.selectbox(
        "Soort jeugdhulp", [None, *groepen], format_func=lambda g: "Alle soorten" if g is None else g, key="soort", bind="query-params"
    )
    aanbieder = c4.selectbox(
        "Aanbieder",
        [None, *sorted(aanbieder_namen, key=lambda a: (aanbieder_namen[a] or "").casefold())],
        format_func=lambda a: "Alle aanbieders" if a is None else aanbieder_namen.get(a, a),
        key="aanbieder",
        bind="query-params",
    )
    wijken = c5.multiselect(
        "Wijk",
        sorted(wijk_namen),
        format_func=lambda w: wijk_namen.get(w, w),
        key="wijk",
        bind="query-params",
        placeholder="Alle wijken" if p.scope.wijken is None else "Uw wijken",
    )

keuze = jeugdzorg.Keuze(jaar=int(jaar), tm_maand=int(tm), productgroep=groep, aanbieder=aanbieder, wijken=tuple(wijken)).met_categorieen(p.engine)
periode = f"{MAANDEN[1]} {jaar}" if tm == 1 else (f"heel {jaar}" if tm == 12 else f"{MAANDEN[1]} t/m {MAANDEN[tm]} {jaar}")
vorige = f"{MAANDEN[1]} {jaar - 1}" if tm == 1 else (f"heel {jaar - 1}" if tm == 12 else f"{MAANDEN[1]} t/m {MAANDEN[tm]} {jaar - 1}")
vorig_peil = drivers.same_day_last_year(peil)
keuze_tekst = " · ".join(
    t for t in (groep, aanbieder_namen.get(aanbieder) if aanbieder else None, ", ".join(wijk_namen.get(w, w) for w in wijken) if wijken else None) if t
)
is_default = (jaar, tm) == (std_jaar, std_maand)
st.caption(
    f"Peildatum {fmt.date(peil)}. "
    + (
        f"Standaard tonen we januari t/m {MAANDEN[tm]}: de laatste volledige maand zorg vóór de peildatum, want de lopende maand is nog niet voorbij. "
        if is_default
        else ""
    )
    + "Recente maanden zijn nog niet volledig gedeclareerd (aanbieders declareren weken tot maanden later); de prognose vult dat aan."
)

# --- headline -------------------------------------------------------------------------------
WAT = AREA + (f" · {keuze_tekst}" if keuze_tekst else "")  # the area and the chosen selection, for headings
st.subheader(f"{AREA}: {periode}" + (f" · {keuze_tekst}" if keuze_tekst else ""))
where = keuze.where(lasten)
now = p.engine.query(lasten, where=where, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)
ont = p.engine.query(ontleding, where=keuze.where(ontleding), scope=p.scope).row(0, named=True)
gelijk = f"t.o.v. {jaar - 1}, zelfde moment"
prog_where = keuze.where(prognose_m, periode=False)
prog = p.engine.query(prognose_m, where=prog_where, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)

row1 = st.columns(3)
with row1[0]:
    components.tile(
        lasten,
        now["waarde"],
        geheim=now["geheim"],
        change=None if ont["geheim"] else jeugdzorg.relative(ont["lasten"], ont["lasten_vorig_jaar"]),
        label=f"Lasten {periode}",
        delta_description=gelijk,
        note=(
            f"Vergeleken met wat voor {vorige} op {fmt.date(vorig_peil)} gedeclareerd was, zodat late declaraties beide jaren even "
            f"zwaar drukken. Tegen de inmiddels (bijna) volledige declaraties van {vorige}: {pct(now['verschil_pct'])}."
        ),
    )
with row1[1]:
    components.tile(
        prognose_m,
        prog["waarde"],
        geheim=prog["geheim"],
        change=prog["verschil_pct"],
        label=f"Prognose jaareinde {jaar}",
        delta_description=f"t.o.v. heel {jaar - 1}",
        note=f"Vergeleken met de lasten over heel {jaar - 1} volgens dezelfde methode (daar is vrijwel alles gedeclareerd).",
    )
    if prog["laag"] is not None and not prog["geheim"]:
        st.caption(f"80%-marge: {fmt.value(prognose_m, prog['laag'])} – {fmt.value(prognose_m, prog['hoog'])}")
with row1[2]:
    if BUDGET:
        bg_where = keuze.where(begroting, periode=False)
        bg = p.engine.query(begroting, where=bg_where, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)
        components.tile(
            begroting,
            bg["waarde"],
            change=bg["verschil_pct"],
            label=f"Actuele begroting {jaar}",
            delta_description=f"t.o.v. {jaar - 1}",
        )
        skipped_note(begroting, periode=False)
    else:
        st.info(NO_BUDGET, icon=":material/lock:" if not p.engine.allowed(begroting, p.scope) else ":material/info:")

row2 = st.columns(3)
with row2[0]:
    if BUDGET:
        left_out = keuze.niet_toegepast(saldo, periode=False)
        if left_out:
            st.info(f"Over- of onderschrijding: alleen zonder filter op {' en '.join(left_out)} (de begroting is niet zo ingedeeld).", icon=":material/info:")
        else:
            sal = p.engine.query(saldo, where=keuze.where(saldo, periode=False), scope=p.scope).row(0, named=True)
            components.tile(
                saldo,
                sal["waarde"],
                geheim=sal["geheim"],
                change_text=None if sal["pct"] is None else f"{fmt.change(sal['pct'])} van de begroting",
                label="Verwachte overschrijding" if (sal["waarde"] or 0) > 0 else "Verwachte onderschrijding",
                note="Positief: de prognose ligt boven de actuele begroting.",
            )
            if sal["laag"] is not None and not sal["geheim"]:
                st.caption(f"80%-marge: {drivers.signed_euro(sal['laag'])} tot {drivers.signed_euro(sal['hoog'])}")
    else:
        st.info("Verwachte over- of onderschrijding: " + NO_BUDGET[0].lower() + NO_BUDGET[1:], icon=":material/lock:" if not p.engine.allowed(begroting, p.scope) else ":material/info:")
with row2[1]:
    jg = p.engine.query(jeugdigen, where=where, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)
    components.tile(
        jeugdigen, jg["waarde"], geheim=jg["geheim"], change=jg["verschil_pct"], delta_description=f"t.o.v. {jaar - 1}", note=f"Periode: {periode}; vergeleken met {vorige}."
    )
with row2[2]:
    kp = p.engine.query(kosten, where=where, scope=p.scope).row(0, named=True)
    components.tile(
        kosten,
        kp["waarde"],
        geheim=kp["geheim"],
        change=None if ont["geheim"] else ont["kosten_per_jeugdige_pct"],
        delta_description=gelijk,
        note="Verandering zoals bij de lasten: tegen wat vorig jaar op hetzelfde moment gedeclareerd was.",
    )


# --- prognose -------------------------------------------------------------------------------
@st.cache_data(show_spinner="Prognose berekenen…", max_entries=64)
def _forecast(build_id: str, role: str, wijken: tuple | None, choice: jeugdzorg.Keuze, _engine: metrics.Engine):
    return jeugdzorg.prognose_detail(_engine, metrics.Scope(role=role, wijken=wijken), choice)


@st.cache_data(show_spinner="Prognose toetsen op eerdere jaren…", max_entries=64)
def _backtest(build_id: str, role: str, wijken: tuple | None, choice: jeugdzorg.Keuze, _engine: metrics.Engine):
    return jeugdzorg.backtest(_engine, metrics.Scope(role=role, wijken=wijken), choice)


scope_key = (p.warehouse.build_id, p.scope.role, tuple(sorted(p.scope.wijken)) if p.scope.wijken is not None else None)
# The forecast is for the whole year: the period filter does not apply, the others do.
prog_keuze = jeugdzorg.Keuze(jaar=keuze.jaar, tm_maand=12, productgroep=groep, aanbieder=aanbieder, wijken=keuze.wijken, categorieen=keuze.categorieen)

st.subheader(f"Prognose {jaar} · {WAT}: waar komen de uitgaven uit?")
fc = _forecast(*scope_key, prog_keuze, p.engine)
if fc is None:
    st.info(
        f"Voor {jaar} is geen prognose te maken met deze selectie (te weinig eerdere gegevens, of afgeschermd omdat het om weinig jeugdigen gaat).",
        icon=":material/info:",
    )
else:
    bg_total = None
    if BUDGET and not keuze.niet_toegepast(begroting, periode=False):
        bg_total = p.engine.query(begroting, where=keuze.where(begroting, periode=False), scope=p.scope)["waarde"][0]
    band = jeugdzorg.prognose_band(fc, bg_total)
    factor, eenheid = unit(band["hoog"].to_list() + band["prognose"].to_list())
    shown = frames.column(band, "maand_tekst", "maand", lambda d: fmt.month(d.year, d.month))
    shown = frames.column(shown, "gedeclareerd_tekst", "gedeclareerd", lambda v: fmt.value(lasten, v))
    shown = frames.column(shown, "prognose_tekst", "prognose", lambda v: fmt.value(lasten, v))
    shown = frames.column(
        shown, "marge_tekst", ["laag", "hoog"], lambda lo, hi: f"{fmt.value(lasten, lo)} – {fmt.value(lasten, hi)}" if lo is not None else fmt.MISSING
    )
    shown = scaled(shown, factor, *(c for c in ("gedeclareerd", "prognose", "laag", "hoog", "begroting") if c in band.columns))
    long = []
    series = [("gedeclareerd", "Gedeclareerd (cumulatief)"), ("prognose", "Prognose (cumulatief)")]
    if "begroting" in shown.columns:
        series.append(("begroting", "Begroting naar rato"))
    for col, name in series:
        long.append(shown.select("maand", "maand_tekst", "gedeclareerd_tekst", "prognose_tekst", "marge_tekst", pl.col(col).alias("bedrag"), pl.lit(name).alias("reeks")))
    lines_frame = pl.concat(long).filter(pl.col("bedrag").is_not_null())
    tooltip = [
        alt.Tooltip("maand_tekst:N", title="Zorgmaand"),
        alt.Tooltip("gedeclareerd_tekst:N", title="Gedeclareerd t/m deze maand"),
        alt.Tooltip("prognose_tekst:N", title="Prognose t/m deze maand"),
        alt.Tooltip("marge_tekst:N", title="80%-marge"),
    ]
    x = alt.X("maand:T", title=None, axis=alt.Axis(format="%b", tickCount=12))
    colours = alt.Scale(domain=[n for _, n in series], range=[charts.PRIMARY, charts.PALETTE[1], charts.MUTED][: len(series)])
    band_chart = alt.Chart(shown).mark_area(opacity=0.18, color=charts.PALETTE[1]).encode(x=x, y=alt.Y("laag:Q"), y2="hoog:Q", tooltip=tooltip)
    line_chart = (
        alt.Chart(lines_frame)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("bedrag:Q", title=f"Cumulatief ({eenheid})", axis=alt.Axis(format=AXIS)),
            color=alt.Color("reeks:N", title=None, scale=colours, legend=alt.Legend(orient="top", labelLimit=300)),
            strokeDash=alt.StrokeDash("reeks:N", title=None, scale=alt.Scale(domain=[n for _, n in series], range=[[1, 0], [6, 3], [2, 2]][: len(series)])),
            tooltip=tooltip,
        )
    )
    charts.show(alt.layer(band_chart, line_chart).properties(height=360), f"Prognose {jaar} cumulatief")
    st.caption(
        "Band: de 80%-marge van de jaareindprognose, over de maanden verdeeld naar het deel dat nog niet gedeclareerd is."
        + (" De begroting naar rato is de actuele begroting × maand / 12." if "begroting" in shown.columns else "")
    )
    st.markdown(prognose.describe(fc))
    per_maand = frames.column(fc.months, prognose.LABELS["month"], "month", lambda d: fmt.month(d.year, d.month))
    for c in ("realised", "expected_lag", "expected_active", "total", "cumulative"):
        per_maand = frames.column(per_maand, prognose.LABELS[c], c, euro)
    per_maand = per_maand.select(prognose.LABELS[c] for c in ("month", "realised", "expected_lag", "expected_active", "total", "cumulative"))
    with st.expander("Prognose per zorgmaand (tabel)"):
        components.text_table(per_maand, f"Prognose {jaar} per zorgmaand", key="prognose-per-maand")

    st.markdown("**Hoe goed is de prognose?**")
    bt = _backtest(*scope_key, prog_keuze, p.engine)
    if bt is None:
        st.info("De toets op eerdere jaren is voor deze selectie afgeschermd: het gaat om weinig jeugdigen.", icon=":material/lock:")
    elif bt.is_empty():
        st.info(prognose.explain(bt), icon=":material/info:")
    else:
        samenvatting = prognose.summary(bt)
        moment = lambda c: f"eind {MAANDEN[c]}"  # noqa: E731
        tabel = frames.column(samenvatting, "Prognose gemaakt", "checkpoint", moment).with_columns(pl.format("{}–{}", "first_year", "last_year").alias("Getoetste jaren"))
        for c, naam in (("mape", "Gemiddelde afwijking prognose"), ("naive_mape", "Gemiddelde afwijking doortrekking"), ("max_abs_error", "Grootste afwijking prognose")):
            tabel = frames.column(tabel, naam, c, lambda v: fmt.number(v / 100, "procent"))
        tabel = tabel.select("Prognose gemaakt", "Getoetste jaren", "Gemiddelde afwijking prognose", "Gemiddelde afwijking doortrekking", "Grootste afwijking prognose")
        cols = st.columns(len(samenvatting))
        for col, r in zip(cols, samenvatting.iter_rows(named=True)):
            col.metric(
                f"Afwijking prognose {moment(r['checkpoint'])}",
                fmt.number(r["mape"] / 100, "procent"),
                delta=f"doortrekking {fmt.number(r['naive_mape'] / 100, 'procent')}",
                delta_color="off",
                delta_arrow="off",
                help="Gemiddelde absolute afwijking van de uitkomst, over de getoetste jaren (backtest op deze gegevens).",
                border=True,
            )
        st.markdown(prognose.explain(bt))
        components.text_table(tabel, "Backtest prognose samenvatting", key="backtest-samenvatting")
        detail = frames.column(bt.sort("year", "checkpoint"), "Jaar", "year", str)
        detail = frames.column(detail, "Prognose gemaakt", "checkpoint", moment)
        for c, naam in (("actual", "Uitkomst"), ("forecast", "Prognose"), ("naive", "Doortrekking")):
            detail = frames.column(detail, naam, c, euro)
        for c, naam in (("error_pct", "Afwijking prognose"), ("naive_error_pct", "Afwijking doortrekking")):
            detail = frames.column(detail, naam, c, lambda v: pct(v / 100))
        detail = detail.select("Jaar", "Prognose gemaakt", "Uitkomst", "Prognose", "Afwijking prognose", "Doortrekking", "Afwijking doortrekking")
        with st.expander("Backtest per jaar (tabel)"):
            components.text_table(detail, "Backtest prognose per jaar", key="backtest-per-jaar")

# --- drivers --------------------------------------------------------------------------------
st.subheader(f"Wat verklaart het verschil met vorig jaar? {WAT}, {periode}")
vergeleken = f"dezelfde maanden van {jaar - 1}, zoals bekend op {fmt.date(vorig_peil)}"
st.markdown(drivers.describe(ont, periode, vergeleken))
if not ont["geheim"] and ont["effect_jeugdigen"] is not None:
    effects = [ont[e] for e in drivers.EFFECTS]
    factor, eenheid = unit(effects + list(itertools.accumulate(effects)))
    steps = [(drivers.LABELS[e], ont[e] / factor, drivers.signed_euro(ont[e])) for e in drivers.EFFECTS]
    bridge = charts.waterfall(steps, total=("Totaal verschil", drivers.signed_euro(ont["verschil"])), axis_title=f"Verschil met vorig jaar ({eenheid})", axis_format=AXIS)
    charts.show(bridge, f"Verschil lasten {periode} ontleed")
with st.expander("Hoe is dit berekend?"):
    st.markdown(drivers.METHOD)


def effect(r, name: str) -> str:
    if r["geheim"]:
        return fmt.GEHEIM
    return fmt.MISSING if r[name] is None else drivers.signed_euro(r[name])


ONTLEDING_UITLEG = (
    f"Lasten over {periode} en over dezelfde maanden van {jaar - 1} zoals bekend op {fmt.date(vorig_peil)}. De kolommen Jeugdigen, "
    "Zorg per jeugdige en Tarieven tellen op tot het verschil; '–' betekent te weinig jeugdigen om te splitsen."
)


VERGELIJKING_UITLEG = (
    f"Vorig jaar: dezelfde maanden van {jaar - 1}, zoals die op {fmt.date(vorig_peil)} gedeclareerd waren (late declaraties drukken "
    "zo beide jaren even zwaar)."
)


def lasten_tabel(dim: str, header: str, *, with_code: bool = False, largest_first: bool = False) -> pl.DataFrame:
    """Lasten per group with their share, beside the same months last year as known a year earlier."""
    nu = p.engine.query(lasten, by=[dim], where=where, scope=p.scope, compare=["aandeel"])
    vorig = p.engine.query(ontleding, by=[dim], where=keuze.where(ontleding), scope=p.scope).select(
        dim, pl.col(f"{dim}_label").alias("_label"), "lasten_vorig_jaar", "verschil", pl.col("geheim").alias("_geheim")
    )
    frame = nu.join(vorig, on=dim, how="full", coalesce=True).with_columns(
        pl.coalesce(f"{dim}_label", "_label").alias(f"{dim}_label"),
        pl.col("geheim").fill_null(False),
        pl.col("_geheim").fill_null(False),
    )
    if largest_first:
        frame = frame.sort("waarde", descending=True, nulls_last=True)
    rows = []
    for r in frame.iter_rows(named=True):
        label = f"{r[dim]} {r[f'{dim}_label']}" if with_code and r[dim] else r[f"{dim}_label"]
        hidden = r["geheim"] or r["_geheim"]
        l0 = r["lasten_vorig_jaar"]
        rows.append(
            {
                header: label,
                f"Lasten {jaar}": fmt.GEHEIM if r["geheim"] else euro(r["waarde"] or 0.0),
                "Aandeel": fmt.GEHEIM if r["geheim"] else (fmt.MISSING if r["aandeel"] is None else fmt.number(r["aandeel"], "procent")),
                f"Lasten {jaar - 1} (zelfde moment)": fmt.GEHEIM if r["_geheim"] else euro(l0 or 0.0),
                "Verschil": fmt.GEHEIM if hidden else drivers.signed_euro(r["verschil"] or 0.0),
                "Verschil (%)": fmt.GEHEIM if hidden else pct(jeugdzorg.relative(r["waarde"], l0)),
            }
        )
    return pl.DataFrame(rows, schema={k: pl.String for k in rows[0]} if rows else None)


def ontleding_tabel(frame: pl.DataFrame, dim: str, header: str) -> pl.DataFrame:
    rows = []
    for r in frame.iter_rows(named=True):
        hidden = r["geheim"]
        rows.append(
            {
                header: r[f"{dim}_label"],
                f"Lasten {jaar - 1}": fmt.GEHEIM if hidden else euro(r["lasten_vorig_jaar"]),
                f"Lasten {jaar}": fmt.GEHEIM if hidden else euro(r["lasten"]),
                "Verschil": fmt.GEHEIM if hidden else drivers.signed_euro(r["verschil"]),
                "Jeugdigen": effect(r, "effect_jeugdigen"),
                "Zorg per jeugdige": effect(r, "effect_zorg"),
                "Tarieven": effect(r, "effect_tarief"),
                "Tarieven (%)": fmt.GEHEIM if hidden else pct(r["tarief_pct"]),
            }
        )
    return pl.DataFrame(rows)


def effecten_chart(frame: pl.DataFrame, dim: str, title: str) -> alt.LayerChart | None:
    usable = frame.filter(~pl.col("geheim") & pl.col("effect_jeugdigen").is_not_null())
    if usable.is_empty():
        return None
    order = usable[f"{dim}_label"].to_list()
    factor, eenheid = unit(
        usable.select(pl.sum_horizontal(pl.col(e).clip(lower_bound=0) for e in drivers.EFFECTS)).to_series().to_list()
        + usable.select(pl.sum_horizontal(pl.col(e).clip(upper_bound=0) for e in drivers.EFFECTS)).to_series().to_list()
    )
    long = pl.concat(
        [
            frames.column(usable, "tekst", e, drivers.signed_euro).select(
                pl.col(f"{dim}_label").alias("groep"),
                pl.lit(drivers.LABELS[e]).alias("oorzaak"),
                (pl.col(e) / factor).alias("bedrag"),
                "tekst",
            )
            for e in drivers.EFFECTS
        ]
    )
    totals = frames.column(usable, "tekst", "verschil", drivers.signed_euro).select(
        pl.col(f"{dim}_label").alias("groep"),
        (pl.col("verschil") / factor).alias("bedrag"),
        "tekst",
    )
    y = alt.Y("groep:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("bedrag:Q", title=f"{title} ({eenheid}); streep = totaal", axis=alt.Axis(format=AXIS)),
            y=y,
            color=alt.Color("oorzaak:N", title=None, sort=[drivers.LABELS[e] for e in drivers.EFFECTS], legend=alt.Legend(orient="top", labelLimit=320)),
            tooltip=[alt.Tooltip("groep:N", title="Groep"), alt.Tooltip("oorzaak:N", title="Oorzaak"), alt.Tooltip("tekst:N", title="Bedrag")],
        )
    )
    ticks = (
        alt.Chart(totals)
        .mark_tick(color="#1F2933", thickness=3, size=26)
        .encode(x="bedrag:Q", y=y, tooltip=[alt.Tooltip("groep:N", title="Groep"), alt.Tooltip("tekst:N", title="Totaal verschil")])
    )
    return alt.layer(bars, ticks).properties(height=max(160, 48 * len(order)))


def soort_tab() -> None:
    per_groep = p.engine.query(ontleding, by=["productgroep"], where=keuze.where(ontleding), scope=p.scope)
    chart = effecten_chart(per_groep, "productgroep", "Verschil met vorig jaar")
    if chart is not None:
        charts.show(chart, f"Verschil lasten per soort jeugdhulp {periode}")
    components.text_table(ontleding_tabel(per_groep, "productgroep", "Soort jeugdhulp"), f"Verschil lasten per soort jeugdhulp {periode}", key="ontleding-per-soort")
    st.caption(ONTLEDING_UITLEG)


def taakveld_tab() -> None:
    reeksen = jeugdzorg.taakveld_reeksen(p.engine)
    if reeksen:
        delen = "; ".join(f"{oud} loopt door in {', '.join(nieuw[:-1])} en {nieuw[-1]}" if len(nieuw) > 1 else f"{oud} in {nieuw[0]}" for oud, nieuw in reeksen.items())
        st.markdown(f"Vanaf 2023 zijn de Iv3-taakvelden jeugd fijner ingedeeld: {delen}. Per reeks lopen de jaren daardoor door, ook over 2023 heen.")
    laatste_vol = min(jaar, peil.year - 1)
    trend = p.engine.query(lasten, by=["jaar", "taakveld"], where={k: v for k, v in keuze.where(lasten, periode=False).items() if k != "jaar"}, scope=p.scope)
    reeks_van = {r["taakveld"]: r["taakveld_reeks"] for r in p.engine.query(lasten, by=["taakveld", "taakveld_reeks"], scope=p.scope).iter_rows(named=True)}
    trend = trend.filter((pl.col("jaar") <= laatste_vol) & ~pl.col("geheim")).with_columns(
        reeks=pl.col("taakveld").replace_strict(reeks_van, default=None, return_dtype=pl.String),
        naam=pl.format("{} {}", "taakveld", "taakveld_label"),
    )
    trend = frames.column(trend, "tekst", "waarde", lambda v: fmt.value(lasten, v))
    reeks_labels = {m.code: m.label for m in metrics.DIMENSIONS["taakveld_reeks"].members}
    cols = st.columns(2)
    for col, reeks in zip(cols, ("6.72", "6.82")):
        part = trend.filter(pl.col("reeks") == reeks)
        factor, eenheid = unit(part.group_by("jaar").agg(pl.col("waarde").sum())["waarde"].to_list())
        part = scaled(part, factor, "waarde")
        with col:
            if part.is_empty():
                st.caption(f"Geen lasten in reeks {reeks_labels[reeks]}.")
                continue
            # The code before 2023 in grey, the sub-taakvelden that continue it in colour.
            names = sorted(set(part["naam"].to_list()), key=lambda n: (not n.startswith(reeks + " "), n))
            palette = [charts.MUTED] + charts.PALETTE if names and names[0].startswith(reeks + " ") else charts.PALETTE
            bars = (
                alt.Chart(part)
                .mark_bar()
                .encode(
                    x=alt.X("jaar:O", title=None, axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("sum(waarde):Q", title=f"Lasten ({eenheid})", axis=alt.Axis(format=AXIS)),
                    color=alt.Color(
                        "naam:N", title=None, sort=names, scale=alt.Scale(domain=names, range=palette[: len(names)]), legend=alt.Legend(orient="bottom", columns=1, labelLimit=420)
                    ),
                    order=alt.Order("taakveld:N"),
                    tooltip=[alt.Tooltip("jaar:O", title="Jaar"), alt.Tooltip("naam:N", title="Taakveld"), alt.Tooltip("tekst:N", title="Lasten")],
                )
                .properties(height=420, title=f"Reeks {reeks}, hele jaren t/m {laatste_vol}")
            )
            charts.show(bars, f"Lasten reeks {reeks} per jaar")
    per_reeks = p.engine.query(ontleding, by=["taakveld_reeks"], where=keuze.where(ontleding), scope=p.scope)
    st.markdown(f"**Verschil met vorig jaar per reeks, {periode}**")
    components.text_table(ontleding_tabel(per_reeks, "taakveld_reeks", "Taakveld (reeks)"), f"Verschil lasten per taakveldreeks {periode}", key="ontleding-per-reeks")
    st.caption(ONTLEDING_UITLEG)
    st.markdown(f"**Lasten per taakveld, {periode}**")
    components.text_table(lasten_tabel("taakveld", "Taakveld (Iv3)", with_code=True), f"Lasten per taakveld {periode}", key="lasten-per-taakveld")
    st.caption(VERGELIJKING_UITLEG)
    if jaar == 2023:
        st.caption("2023 is het eerste jaar van de nieuwe taakvelden: per taakveld is er geen vorig jaar; vergelijk per reeks (hierboven).")
    if BUDGET:
        st.markdown(f"**Actuele begroting per taakveld, {jaar}**")
        per_taakveld_bg = p.engine.query(begroting, by=["taakveld"], where=keuze.where(begroting, periode=False), scope=p.scope, compare=["vorig_jaar"])
        components.table(begroting, per_taakveld_bg, f"Begroting per taakveld {jaar}", key="begroting-per-taakveld")
    else:
        st.info(NO_BUDGET, icon=":material/lock:" if not p.engine.allowed(begroting, p.scope) else ":material/info:")


def aanbieder_tab() -> None:
    per_aanbieder = p.engine.query(lasten, by=["aanbieder"], where=where, scope=p.scope, compare=["aandeel"])
    top5 = jeugdzorg.aandeel_top(per_aanbieder, 5)
    n_aanbieders = per_aanbieder.height
    if top5 is not None:
        st.markdown(
            f"**{n_aanbieders} aanbieders** declareerden over {periode}. De 5 grootste hebben samen "
            f"**{fmt.number(top5, 'procent')}** van de lasten."
        )
    top10 = per_aanbieder.filter(~pl.col("geheim")).sort("waarde", descending=True).head(10)
    if top10.height:
        factor, eenheid = unit(top10["waarde"].to_list())
        top10 = frames.column(top10, "tekst", "waarde", lambda v: fmt.value(lasten, v))
        top10 = frames.column(top10, "aandeel_tekst", "aandeel", lambda v: fmt.number(v, "procent") if v is not None else fmt.MISSING)
        bars = (
            alt.Chart(scaled(top10, factor, "waarde"))
            .mark_bar()
            .encode(
                x=alt.X("waarde:Q", title=f"Lasten {periode} ({eenheid})", axis=alt.Axis(format=AXIS)),
                y=alt.Y("aanbieder_label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
                tooltip=[
                    alt.Tooltip("aanbieder_label:N", title="Aanbieder"),
                    alt.Tooltip("tekst:N", title="Lasten"),
                    alt.Tooltip("aandeel_tekst:N", title="Aandeel"),
                ],
            )
            .properties(height=34 * top10.height + 40, title="Top 10 aanbieders")
        )
        charts.show(bars, f"Top 10 aanbieders {periode}")
    components.text_table(lasten_tabel("aanbieder", "Aanbieder", largest_first=True), f"Lasten per aanbieder {periode}", key="lasten-per-aanbieder", height=360)
    st.caption(VERGELIJKING_UITLEG)


def verwijzer_tab() -> None:
    per_verwijzer = p.engine.query(lasten, by=["verwijzer"], where=where, scope=p.scope, compare=["aandeel"])
    shown_v = frames.column(per_verwijzer.filter(~pl.col("geheim")), "tekst", "waarde", lambda v: fmt.value(lasten, v))
    shown_v = frames.column(shown_v, "aandeel_tekst", "aandeel", lambda v: fmt.number(v, "procent") if v is not None else fmt.MISSING)
    if shown_v.height:
        factor, eenheid = unit(shown_v["waarde"].to_list())
        bars = (
            alt.Chart(scaled(shown_v, factor, "waarde"))
            .mark_bar()
            .encode(
                x=alt.X("waarde:Q", title=f"Lasten {periode} ({eenheid})", axis=alt.Axis(format=AXIS)),
                y=alt.Y("verwijzer_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
                tooltip=[alt.Tooltip("verwijzer_label:N", title="Verwijzer"), alt.Tooltip("tekst:N", title="Lasten"), alt.Tooltip("aandeel_tekst:N", title="Aandeel")],
            )
            .properties(height=280)
        )
        charts.show(bars, f"Lasten per verwijzer {periode}")
    components.text_table(lasten_tabel("verwijzer", "Verwijzer"), f"Lasten per verwijzer {periode}", key="lasten-per-verwijzer")
    st.caption(VERGELIJKING_UITLEG)
    st.markdown(f"**Instroom per verwijzer, {periode}**")
    instroom_v = p.engine.query(gestart, by=["verwijzer"], where=where, scope=p.scope, compare=["vorig_jaar", "aandeel"])
    components.table(gestart, instroom_v, f"Instroom per verwijzer {periode}", key="instroom-per-verwijzer")


# Only the open tab is computed (lazy tabs); the open tab is part of the url too.
tab_soort, tab_taakveld, tab_aanbieder, tab_verwijzer = st.tabs(
    ["Per soort jeugdhulp", "Per taakveld (Iv3)", "Per aanbieder", "Per verwijzer"], key="tab", bind="query-params"
)
for tab, draw in ((tab_soort, soort_tab), (tab_taakveld, taakveld_tab), (tab_aanbieder, aanbieder_tab), (tab_verwijzer, verwijzer_tab)):
    if tab.open:
        with tab:
            draw()

# --- flow -----------------------------------------------------------------------------------
st.subheader(f"Instroom, uitstroom en doorlooptijd: {WAT}, {periode}")
flow_tiles = (
    (gestart, "Instroom: gestarte trajecten"),
    (beeindigd, "Uitstroom: beëindigde trajecten"),
    (duur, "Gemiddelde duur beëindigde trajecten"),
    (doorlooptijd, "Doorlooptijd aanvraag tot toewijzing"),
    (binnen_norm, f"Binnen de norm ({doorlooptijd.norm.value:.0f} werkdagen)"),
)
for row_tiles in (flow_tiles[:3], flow_tiles[3:]):
    for col, (m, label) in zip(st.columns(3), row_tiles):
        with col:
            r = p.engine.query(m, where=where, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)
            note = f"Norm: {m.norm.label}." if m.norm else None
            components.tile(m, r["waarde"], geheim=r["geheim"], change=r["verschil_pct"], label=label, delta_description=f"t.o.v. {jaar - 1}", note=note)
stroom_where = {k: v for k, v in where.items() if k not in ("jaar", "maand")} | {"jaar": [jaar - 1, jaar]}
stromen = []
for m, naam in ((gestart, "Instroom (gestart)"), (beeindigd, "Uitstroom (beëindigd)")):
    f = p.engine.query(m, by=["jaar", "maand"], where=stroom_where, scope=p.scope)
    stromen.append(f.with_columns(reeks=pl.lit(naam)))
stroom = pl.concat(stromen).filter((pl.col("jaar") < jaar) | (pl.col("maand") <= tm))
stroom = stroom.with_columns(datum=pl.date(pl.col("jaar"), pl.col("maand"), 1))
stroom = frames.column(stroom, "maand_tekst", ["jaar", "maand"], fmt.month)
stroom = frames.column(stroom, "tekst", ["waarde", "geheim"], lambda v, g: fmt.value(gestart, v, geheim=g))
left, right = st.columns(2)
with left:
    flow_chart = (
        alt.Chart(stroom)
        .mark_line(point=True)
        .encode(
            x=alt.X("datum:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=-45, tickCount="month")),
            y=alt.Y("waarde:Q", title="Trajecten per maand", axis=alt.Axis(format=",.0f", tickMinStep=1)),
            color=alt.Color("reeks:N", title=None),
            tooltip=[alt.Tooltip("maand_tekst:N", title="Maand"), alt.Tooltip("reeks:N", title="Stroom"), alt.Tooltip("tekst:N", title="Trajecten")],
        )
        .properties(height=300, title=f"Instroom en uitstroom per maand, {jaar - 1} en {jaar}")
    )
    charts.show(flow_chart, f"Instroom en uitstroom per maand {jaar}")
with right:
    per_maand_dt = p.engine.query(doorlooptijd, by=["maand"], where=where, scope=p.scope).filter(~pl.col("geheim") & pl.col("waarde").is_not_null())
    per_maand_dt = frames.column(per_maand_dt.with_columns(datum=pl.date(pl.lit(jaar), pl.col("maand"), 1)), "tekst", "waarde", lambda v: fmt.value(doorlooptijd, v))
    dt_line = (
        alt.Chart(per_maand_dt)
        .mark_line(point=True)
        .encode(
            x=alt.X("datum:T", title=None, axis=alt.Axis(format="%b", tickCount="month")),
            y=alt.Y("waarde:Q", title="Gemiddelde doorlooptijd (werkdagen)", axis=alt.Axis(format=",.1~f")),
            tooltip=[alt.Tooltip("maand_label:N", title="Maand"), alt.Tooltip("tekst:N", title="Doorlooptijd")],
        )
    )
    norm_rule = alt.Chart(alt.Data(values=[{"norm": doorlooptijd.norm.value, "tekst": doorlooptijd.norm.label}])).mark_rule(color=charts.WARN, strokeDash=[4, 3]).encode(
        y="norm:Q", tooltip=[alt.Tooltip("tekst:N", title="Norm")]
    )
    charts.show(alt.layer(dt_line, norm_rule).properties(height=300, title=f"Doorlooptijd aanvraag tot toewijzing, {jaar} (stippellijn: norm)"), f"Doorlooptijd per maand {jaar}")
norm_per_maand = p.engine.query(binnen_norm, by=["maand"], where=where, scope=p.scope, compare=["vorig_jaar"])
with st.expander(f"Aandeel binnen de norm per maand, {jaar} (tabel)"):
    components.table(binnen_norm, norm_per_maand, f"Aandeel binnen de norm per maand {jaar}", key="binnen-norm-per-maand")
st.markdown(f"**Duur van beëindigde trajecten per soort jeugdhulp, {periode}**")
duur_groep = p.engine.query(duur, by=["productgroep"], where=where, scope=p.scope, compare=["vorig_jaar"])
components.table(duur, duur_groep, f"Duur trajecten per soort jeugdhulp {periode}", key="duur-per-soort")

# --- per wijk -------------------------------------------------------------------------------
st.subheader(f"Per wijk: jeugdigen met jeugdhulp per 1.000 jongeren, {jaar} · {AREA}")
if not components.unavailable(p.engine, per_1000):
    left_out = [f for f in keuze.niet_toegepast(per_1000) if f != "periode"]
    st.caption(
        f"Jeugdigen met een lopende toewijzing op enig moment in {jaar}"
        + (f" (tot de peildatum {fmt.date(peil)})" if jaar == peil.year else "")
        + ", per 1.000 inwoners van 0-17 jaar op 1 januari. Het hele jaar, alle soorten jeugdhulp en aanbieders"
        + (f": het filter op {', '.join(left_out)} geldt hier niet." if left_out else ".")
    )
    vergelijking, cbs_jaar = jeugdzorg.wijkvergelijking(p.engine, p.scope, jaar, keuze.wijken)
    left, right = st.columns(2)
    with left:
        drawn = maps.choropleth(p.warehouse, per_1000, vergelijking, "wijk", title=f"Per 1.000 jongeren 0-17, {jaar}")
        if drawn is None:
            st.info("Geen kaart geladen (bron geo_buurten ontbreekt).", icon=":material/map:")
        else:
            chart, schematic = drawn
            charts.show(chart, f"Kaart jeugdigen per 1000 jongeren {jaar}")
            if schematic:
                st.caption(maps.SCHEMATIC_NOTE)
    with right:
        punten = []
        for r in vergelijking.iter_rows(named=True):
            if not r["geheim"] and r["pct"] is not None:
                punten.append({"wijk": r["wijk_label"], "bron": f"Datakompas {jaar}", "pct": r["pct"], "tekst": fmt.number(r["pct"], "percentage")})
            if r.get("cbs_pct") is not None:
                punten.append({"wijk": r["wijk_label"], "bron": f"CBS {cbs_jaar}", "pct": r["cbs_pct"], "tekst": fmt.number(r["cbs_pct"], "percentage")})
        if punten:
            dots = (
                alt.Chart(pl.DataFrame(punten))
                .mark_point(filled=True, size=90)
                .encode(
                    x=alt.X("pct:Q", title="% van de jongeren 0-17", axis=alt.Axis(format=",.1~f")),
                    y=alt.Y("wijk:N", title=None, axis=alt.Axis(labelLimit=260)),
                    color=alt.Color("bron:N", title=None, legend=alt.Legend(orient="top")),
                    shape=alt.Shape("bron:N", title=None),
                    tooltip=[alt.Tooltip("wijk:N", title="Wijk"), alt.Tooltip("bron:N", title="Bron"), alt.Tooltip("tekst:N", title="Percentage")],
                )
                .properties(height=max(200, 26 * vergelijking.height + 60), title="Wij en CBS naast elkaar")
            )
            charts.show(dots, f"Jeugdzorg per wijk Datakompas en CBS {jaar}")
    wijk_tabel = pl.DataFrame(
        [
            {
                "Wijk": r["wijk_label"],
                f"Jeugdigen met jeugdhulp {jaar}": fmt.value(jeugdigen, r["jeugdigen"], geheim=bool(r["jeugdigen_geheim"])),
                "Per 1.000 jongeren 0-17": fmt.value(per_1000, r["waarde"], geheim=r["geheim"]),
                f"Datakompas {jaar} (%)": fmt.GEHEIM if r["geheim"] else (fmt.MISSING if r["pct"] is None else fmt.number(r["pct"], "percentage")),
                f"CBS {cbs_jaar} (%)" if cbs_jaar else "CBS (%)": fmt.value(cbs, r["cbs_pct"]),
                "Verschil (procentpunt)": fmt.MISSING if r["geheim"] or r["verschil_pp"] is None else fmt.number(r["verschil_pp"], "decimaal"),
            }
            for r in vergelijking.iter_rows(named=True)
        ]
    )
    components.text_table(wijk_tabel, f"Jeugdhulp per wijk {jaar}", key="jeugdhulp-per-wijk")
    if cbs_jaar is None:
        st.info(
            "Het CBS-cijfer (percentage jongeren met jeugdzorg, Kerncijfers wijken en buurten) is niet geladen of heeft geen jaar tot en met "
            f"{jaar}; laad de bron cbs_kwb om het ernaast te zien.",
            icon=":material/info:",
        )
    else:
        st.markdown(f"**CBS {cbs_jaar} tegenover Datakompas {jaar}.** {jeugdzorg.CBS_VERSCHIL}")
