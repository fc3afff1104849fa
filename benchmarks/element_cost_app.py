"""A page of n elements of one kind, for what one element of that kind costs the browser
(python -m benchmarks.browser_cost --kinds ...): /?kind=chart&n=20. The elements are the app's own
(ui.charts builders, its theme and .streamlit/config.toml), with typical sizes."""

import streamlit as st

from ui import charts

kind = st.query_params.get("kind", "")
n = int(st.query_params.get("n", "0"))
rows = [{"label": f"Wijk {i:02d} Stadshagen", "x": 100 + 13 * i, "tekst": str(100 + 13 * i)} for i in range(12)]
table = {h: [f"Wijk {i:02d}" if h == "Wijk" else f"{1234 * i:,}".replace(",", ".") for i in range(12)] for h in ("Wijk", "Woningen", "Vorig jaar", "Verschil", "Aandeel")}
for i in range(n):
    if kind == "chart":
        st.altair_chart(charts.ranked(rows, y_title="Wijk", x_title="Woningen", axis=",.0f", sort=None).properties(title=f"Grafiek {i}"), width="stretch")
    elif kind == "dataframe":
        st.dataframe(table, hide_index=True, width="stretch")
    elif kind == "table":
        st.table(table, hide_index=True)
    elif kind == "download":
        st.download_button("CSV", data=lambda: b"", file_name="tabel.csv", mime="text/csv", icon=":material/download:", on_click="ignore", key=f"csv-{i}")
    elif kind == "metric":
        st.metric("Lasten", "€ 1,2 mln", delta="+3,4%", help="Wat er gedeclareerd is.", border=True, delta_description="t.o.v. 2025")
    elif kind == "caption":
        st.caption("Wat er tot nu toe gedeclareerd is, per maand en per soort jeugdhulp, tegen vorig jaar.")
    elif kind == "expander":
        st.expander(f"Tabel bij 'Grafiek {i}'", key=f"tabel-{i}", on_change="rerun")
