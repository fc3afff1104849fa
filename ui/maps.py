"""Choropleth maps of a metric per wijk or buurt, with the schematic map labelled as such."""

from __future__ import annotations

import altair as alt
import polars as pl

import metrics
from metrics import format as fmt
from metrics.declarations import Metric
from metrics.geo import shapes

SCHEMATIC_NOTE = "Schematische kaart: vlakken rond de echte buurtmiddelpunten, geen echte grenzen."


def choropleth(wh: metrics.Warehouse, m: Metric, frame: pl.DataFrame, level: str, *, value: str = "waarde", title: str = "") -> tuple[alt.Chart, bool] | None:
    """A map of `frame[value]` per `level` code; None when no shapes are loaded."""
    found = shapes(wh, level)
    if found is None:
        return None
    collection, schematic = found
    label_col = f"{level}_label"
    values = {
        code: (v, lab, fmt.value(m, v, geheim=bool(g)) if value == "waarde" else fmt.number(v, "decimaal") if v is not None else fmt.MISSING)
        for code, v, lab, g in zip(
            frame[level].to_list(),
            frame[value].to_list(),
            frame[label_col].to_list(),
            frame["geheim"].to_list() if "geheim" in frame.columns else [False] * frame.height,
        )
    }
    for f in collection["features"]:
        v, lab, shown = values.get(f["properties"]["code"], (None, f["properties"]["code"], fmt.MISSING))
        f["properties"].update({"waarde": v, "naam": lab, "getoond": shown})
    chart = (
        alt.Chart(alt.Data(values=collection["features"]))
        .mark_geoshape(stroke="white", strokeWidth=0.8)
        .encode(
            color=alt.Color("properties.waarde:Q", title=m.unit, scale=alt.Scale(scheme="blues"), legend=alt.Legend(orient="right", format=",.0f")),
            tooltip=[alt.Tooltip("properties.naam:N", title=level.capitalize()), alt.Tooltip("properties.getoond:N", title=m.label)],
        )
        .project(type="mercator")
        .properties(height=420, title=title + (" (schematische kaart)" if schematic else ""))
    )
    return chart, schematic
