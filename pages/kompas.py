"""Kompas: Zwolle at a glance, where every use case starts, and what data the app stands on."""

import altair as alt
import polars as pl
import streamlit as st

import metrics
from metrics import format as fmt
from metrics import meta
from ui import charts, components, frames, layout, maps, router

inwoners, woningen, inwoners_0_17, misdrijven_per_1000 = metrics.uses("kompas", "inwoners", "woningen", "inwoners_0_17", "misdrijven_per_1000")

p = layout.page("Kompas", "Zwolle in één oogopslag: inwoners en woningen per wijk, de use cases van de Databrigade, en de gegevens waar ze op draaien.")

# --- headline -------------------------------------------------------------------------------
if components.unavailable(p.engine, inwoners):
    jaar = None
else:
    jaren = p.engine.query(inwoners, by=["jaar"], scope=p.scope)
    jaar = int(jaren["jaar"].max())
    st.subheader(f"{p.area[0].upper()}{p.area[1:]} op 1 januari {jaar}")
    cols = st.columns(4)
    for col, m in zip(cols, (inwoners, woningen, inwoners_0_17)):
        with col:
            if p.engine.available(m):
                row = p.engine.query(m, where={"jaar": jaar}, scope=p.scope, compare=["vorig_jaar"]).row(0, named=True)
                components.tile(m, row["waarde"], geheim=row["geheim"], change=row["verschil_pct"], note=f"Verschil met 1 januari {jaar - 1}.")
    with cols[3]:
        if p.engine.available(misdrijven_per_1000):
            peiljaar = p.engine.info.peildatum.year
            per_jaar = p.engine.query(misdrijven_per_1000, by=["jaar"], where={"jaar": list(range(peiljaar - 6, peiljaar))}, scope=p.scope)
            laatste = per_jaar.filter(pl.col("waarde").is_not_null()).tail(2)
            if laatste.height:
                now = laatste.row(-1, named=True)
                before = laatste.row(0, named=True) if laatste.height == 2 else None
                change = (now["waarde"] / before["waarde"] - 1) if before and before["waarde"] else None
                components.tile(
                    misdrijven_per_1000,
                    now["waarde"],
                    change=change,
                    label="Misdrijven per 1.000 inw.",
                    note=f"Laatste volledige jaar: {now['jaar']}." + (f" Verschil met {before['jaar']}." if before else ""),
                )

# --- inwoners per wijk ----------------------------------------------------------------------
if jaar is not None:
    st.subheader("Inwoners per wijk")
    per_wijk = p.engine.query(inwoners, by=["wijk"], where={"jaar": jaar}, scope=p.scope, compare=["vorig_jaar", "aandeel"])
    left, right = st.columns([3, 2])
    with left:
        shown = frames.column(per_wijk, "inwoners_tekst", "waarde", lambda v: fmt.value(inwoners, v))
        shown = frames.column(shown, "aandeel_tekst", "aandeel", lambda v: fmt.number(v, "procent"))
        bars = (
            alt.Chart(shown)
            .mark_bar()
            .encode(
                x=alt.X("waarde:Q", title=f"Inwoners op 1 januari {jaar}", axis=alt.Axis(format=",.0f")),
                y=alt.Y("wijk_label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
                tooltip=[
                    alt.Tooltip("wijk_label:N", title="Wijk"),
                    alt.Tooltip("inwoners_tekst:N", title="Inwoners"),
                    alt.Tooltip("aandeel_tekst:N", title="Aandeel van de gemeente"),
                ],
            )
            .properties(height=420)
        )
        charts.show(bars, f"Inwoners per wijk {jaar}")
    with right:
        drawn = maps.choropleth(p.warehouse, inwoners, per_wijk, "wijk", title=f"Inwoners per wijk, {jaar}")
        if drawn is None:
            st.info("Geen kaart geladen (bron geo_buurten ontbreekt).", icon=":material/map:")
        else:
            chart, schematic = drawn
            charts.show(chart, f"Kaart inwoners per wijk {jaar}")
            if schematic:
                st.caption(maps.SCHEMATIC_NOTE)
    components.table(inwoners, per_wijk, f"Inwoners per wijk {jaar}", key="inwoners-per-wijk", height=300)

# --- use cases ------------------------------------------------------------------------------
others = [spec for spec in router.visible(p.user) if spec.url_path]
if others:
    st.subheader("Use cases")
    cols = st.columns(max(len(others), 3))
    for col, spec in zip(cols, others):
        with col.container(border=True):
            st.page_link(str(spec.path), label=spec.title, icon=spec.icon)
            st.caption(spec.summary)

# --- data -----------------------------------------------------------------------------------
st.subheader("Geladen gegevens")
if p.build is not None:
    st.caption(
        f"Peildatum {fmt.date(p.build.peildatum)} · warehouse gebouwd op {fmt.date(p.build.started.date())} "
        f"om {p.build.started:%H:%M}" + (" · demodata" if p.build.demo else "")
    )
sets = meta.datasets(p.warehouse)
if not sets.height:
    st.info("Er zijn nog geen datasets geladen.", icon=":material/database:")
else:
    overzicht = pl.DataFrame(
        {
            "Dataset": sets["title"],
            "Eigenaar": sets["owner"],
            "Rijen": [fmt.number(n, "aantal") for n in sets["rows"].to_list()],
            "Geladen": [fmt.date(t.date()) for t in sets["loaded_at"].to_list()],
            "Kwaliteit": [
                " · ".join(part for part in (f"{g} goed" if g else "", f"{w} waarschuwing" if w else "", f"{f} fout" if f else "") if part)
                for g, w, f in zip(sets["goed"].to_list(), sets["waarschuwing"].to_list(), sets["fout"].to_list())
            ],
        }
    )
    st.dataframe(frames.arrow(overzicht), hide_index=True, width="stretch", height=38 + 35 * overzicht.height)
