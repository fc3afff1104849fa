"""Choropleth maps of a figure per wijk or buurt; a schematic map is labelled as such."""

from __future__ import annotations

import copy

import altair as alt
import polars as pl

from ui.table import show

SCHEMATIC_NOTE = "Schematische kaart: vlakken rond de echte buurtmiddelpunten, geen echte grenzen."


def choropleth(collection: dict, frame: pl.DataFrame, level: str, *, value: str, legend: str, number_format: str, label: str) -> alt.LayerChart:
    """`frame[value]` per `level` code on the outlines in `collection` (GeoJSON, property `code`);
    hidden cells grey with "geheim" in the tooltip, areas without a figure grey with "–"."""
    values = {
        code: (None if g else v, lab, show(v, number_format, bool(g)))
        for code, v, lab, g in zip(frame[level].to_list(), frame[value].to_list(), frame[f"{level}_label"].to_list(), frame["geheim"].to_list())
    }
    features = copy.deepcopy(collection["features"])  # the shapes are cached: never change them in place
    for f in features:
        v, lab, shown = values.get(f["properties"]["code"], (None, f["properties"]["code"], show(None, number_format)))
        f["properties"].update({"waarde": v, "naam": lab, "getoond": shown})
    tooltip = [alt.Tooltip("properties.naam:N", title=level.capitalize()), alt.Tooltip("properties.getoond:N", title=label)]
    # Two layers: every area in grey, then the areas with a figure in colour. (One layer with a
    # condition on the colour drops the areas without a figure: Vega-Lite filters null values of a
    # quantitative field, so a selection of one wijk drew that wijk alone.) The outlines are the
    # data of the whole chart, not of each layer: Altair copies a layer's data every time it
    # builds the chart around it, a tenth of a second per map on every rerun.
    base = alt.Chart().mark_geoshape(stroke="white", strokeWidth=0.8, color="#D5DCE3").encode(tooltip=tooltip)
    shaded = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.8)
        .transform_filter("datum.properties.waarde != null")
        .encode(
            color=alt.Color("properties.waarde:Q", title=legend, scale=alt.Scale(scheme="blues"), legend=alt.Legend(orient="right", format=",.0f")),
            tooltip=tooltip,
        )
    )
    return alt.layer(base, shaded, data=alt.Data(values=features)).project(type="mercator").properties(height=420)
