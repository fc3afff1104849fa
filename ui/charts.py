"""Charts the Datakompas way: Altair with a calm theme, Dutch number and date formats, and a PNG
download next to every chart.

The Dutch d3 locale comes from vl-convert (which ships the d3 locale files), so axes and
tooltips read 1.234,5 and "maart", not 1,234.5 and "March".
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys

import altair as alt
import polars as pl
import streamlit as st
import vl_convert as vlc

from ui import frames

# Colour-blind-safe categorical palette (Okabe-Ito, darkened where needed for contrast on white).
PALETTE = ["#1D5C8C", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#5A6B7B"]
PRIMARY = PALETTE[0]
MUTED = "#9AA8B5"
WARN = "#B3261E"
GOOD = "#1E7B45"

LOCALE = {"number": vlc.get_format_locale("nl-NL"), "time": vlc.get_time_format_locale("nl-NL")}


@alt.theme.register("datakompas", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "locale": LOCALE,
            "font": "Source Sans Pro, sans-serif",
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            "axis": {"labelColor": "#1F2933", "titleColor": "#1F2933", "gridColor": "#E3E8EE", "domainColor": "#9AA8B5", "labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal"},
            "legend": {"labelColor": "#1F2933", "titleColor": "#1F2933", "labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "title": {"color": "#1F2933", "fontSize": 14, "anchor": "start", "fontWeight": "normal"},
            "bar": {"color": PRIMARY},
            "line": {"color": PRIMARY, "strokeWidth": 2},
            "point": {"color": PRIMARY},
            "area": {"color": PRIMARY},
        }
    }


def png(chart: alt.TopLevelMixin) -> bytes:
    """The chart as a PNG, rendered by vl-convert with the same theme and locale as on screen.

    Rendered in a child process: vl-convert holds the GIL for the whole render (0.2 s and more),
    which would freeze every other session of the server, health check included."""
    spec = chart.to_dict()
    spec.setdefault("config", {}).setdefault("locale", LOCALE)
    spec.setdefault("background", "white")
    done = subprocess.run(
        [sys.executable, "-c", _RENDER],
        input=json.dumps(spec).encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError("PNG maken mislukt: " + done.stderr.decode("utf-8", "replace")[-500:])
    return done.stdout


_RENDER = "import json, sys, vl_convert; sys.stdout.buffer.write(vl_convert.vegalite_to_png(json.load(sys.stdin), scale=2))"


def condition(channel: str, test: str, if_true, if_false):
    """alt.condition(test, if_true, if_false) for the encoding `channel` ("color", "fillOpacity"),
    as that channel's own Altair object: the same Vega-Lite. Given the plain dict alt.condition
    returns, Altair looks for its class by hashing every schema it knows, on every call (25 ms
    each, most of a rerun of /veiligheid)."""
    spec = alt.condition(test, if_true, if_false)
    name = channel[0].upper() + channel[1:]
    return getattr(alt, f"{name}Value" if "value" in spec else name)(**spec)


def _plain_data(chart) -> None:
    """Replace polars data anywhere in the chart by a pyarrow Table (see ui.frames: why)."""
    if isinstance(getattr(chart, "data", None), pl.DataFrame):
        chart.data = frames.arrow(chart.data)
    for part in ("layer", "hconcat", "vconcat", "concat"):
        subs = getattr(chart, part, None)
        for sub in subs if isinstance(subs, list) else ():
            _plain_data(sub)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "grafiek"


# Streamlit turns a chart into Vega-Lite with chart.to_dict(), which by default checks the whole
# spec, data included, against the Vega-Lite JSON schema: about half of the time of drawing a
# chart, on every rerun, and inside a lock Streamlit holds for Altair's global settings, so one
# session's charts wait for another's. Our charts come from this module's builders and do not
# change from run to run; the test suite keeps the check on (tests/conftest.py sets this).
VALIDATE = os.environ.get("DATAKOMPAS_VALIDATE_CHARTS") == "1"
if not VALIDATE:
    # Altair runs the same check each time it builds a part of a chart (every layer, encoding and
    # property, with the data below it: a map's outlines several times over): most of the time
    # of a rerun of /ruimte. Process-wide, like the check it replaces; charts are still checked
    # wherever the test suite draws them.
    alt.utils.schemapi.disable_debug_mode()


def show(chart: alt.TopLevelMixin, name: str, *, key: str | None = None) -> None:
    """Draw the chart full width, with a 'Download als PNG' button under it."""
    _plain_data(chart)
    if chart.description is alt.Undefined:
        # Vega puts the description in the chart's aria-label: its text alternative for a screen reader.
        chart.description = f"Grafiek: {name}"
    if not VALIDATE:
        # On this chart object only, and past Altair's own attribute handling (its parameters).
        object.__setattr__(chart, "to_dict", functools.partial(type(chart).to_dict, chart, validate=False))
    st.altair_chart(chart, width="stretch")
    def render() -> bytes:  # rendered only when clicked
        return png(chart)

    st.download_button(
        "PNG",
        data=render,
        file_name=f"{_slug(name)}.png",
        mime="image/png",
        icon=":material/image:",
        on_click="ignore",
        key=key or f"png-{_slug(name)}",
        help=f"Download '{name}' als afbeelding",
    )


def waterfall(
    steps: list[tuple[str, float, str]],
    *,
    total: tuple[str, str],
    axis_title: str,
    axis_format: str = ",.1f",
    higher_is_better: bool | None = False,
    height: int = 320,
) -> alt.LayerChart:
    """A bridge from zero: each step (label, value, formatted text) starts where the previous one
    ended, and a final bar (label, formatted text) shows their sum from zero. Rises are coloured
    as bad when `higher_is_better` is False (spending), as good when True, neutral when None."""
    rows, level = [], 0.0
    up, down = {False: (WARN, GOOD), True: (GOOD, WARN), None: (MUTED, MUTED)}[higher_is_better]
    for label, value, text in steps:
        rows.append({"stap": label, "begin": level, "eind": level + value, "tekst": text, "kleur": up if value >= 0 else down})
        level += value
    rows.append({"stap": total[0], "begin": 0.0, "eind": level, "tekst": total[1], "kleur": PRIMARY})
    data = alt.Data(values=rows)
    order = [r["stap"] for r in rows]
    base = alt.Chart(data).encode(
        x=alt.X("stap:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelExpr=WRAP_WORDS, labelLimit=200)),
        tooltip=[alt.Tooltip("stap:N", title="Onderdeel"), alt.Tooltip("tekst:N", title="Bedrag")],
    )
    bars = base.mark_bar(size=60).encode(
        y=alt.Y("begin:Q", title=axis_title, axis=alt.Axis(format=axis_format)),
        y2=alt.Y2("eind:Q"),
        color=alt.Color("kleur:N", scale=None),
    )
    labels = base.mark_text(dy=-8, fontSize=12, color="#1F2933").encode(
        y=alt.Y("top:Q"),
        text=alt.Text("tekst:N"),
    ).transform_calculate(top="max(datum.begin, datum.eind)")
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color=MUTED).encode(y=alt.Y("y:Q"))
    return alt.layer(bars, labels, zero).properties(height=height)


# Legends above the chart, one entry per line: a row of long Dutch labels runs off a phone's screen.
TOP_LEGEND = alt.Legend(orient="top", direction="vertical", labelLimit=320)
# Axis labels of a few words, one word per line, so that they fit side by side on a phone.
WRAP_WORDS = "split(datum.label, ' ')"


# ---- axes ------------------------------------------------------------------------------------


def axis_for(number_format: str, values) -> tuple[float, str, str]:
    """(divide by, unit text for the axis title, d3 axis format) for values in a metric format:
    euros in € mln from 2 mln up, else in € duizend, so that ticks stay distinct (12,5 not
    12.500.000); fractions as percentages; counts without decimals."""
    present = [abs(v) for v in values if v is not None]
    if number_format in ("euro", "euro_exact"):
        return (1e6, "€ mln", ",.2~f") if present and max(present) >= 2e6 else (1e3, "€ duizend", ",.2~f")
    if number_format == "procent":
        return 1.0, "%", ".0%"
    if number_format in ("aantal", "index"):
        return 1.0, "", ",.0f"
    return 1.0, "", ",.1~f"


def _title(text: str, unit: str) -> str:
    return f"{text} ({unit})" if unit and unit != "%" else text


# ---- chart builders (data: lists of dicts with a formatted `tekst` for the tooltip) ---------------


def lines(rows: list[dict], *, x: str, x_type: str, x_title: str | None, y_title: str, axis: str, series: list[str],
          dashes: bool = False, band: list[dict] | None = None, rule: dict | None = None, height: int = 320,
          tooltip_extra: tuple[tuple[str, str], ...] = ()) -> alt.LayerChart:  # fmt: skip
    """Lines per series (`reeks`, the y value in `y`), with points, a Dutch tooltip (`x_tekst`, `reeks`,
    `tekst`), an optional band (rows with `laag`/`hoog`) and a horizontal rule (`y`, `tekst`). Series
    differ by colour and, when `dashes`, by dash pattern too (never by colour alone)."""
    xenc = alt.X(f"{x}:{x_type}", title=x_title, axis=alt.Axis(labelAngle=0) if x_type == "O" else alt.Axis(format="%b %Y" if x_type == "T" else None))
    tooltip = [alt.Tooltip("x_tekst:N", title=x_title or "Periode"), alt.Tooltip("reeks:N", title="Reeks"), alt.Tooltip("tekst:N", title="Waarde")]
    tooltip += [alt.Tooltip(f"{c}:N", title=t) for c, t in tooltip_extra]
    colours = alt.Scale(domain=series, range=PALETTE[: len(series)])
    enc = {
        "x": xenc,
        "y": alt.Y("y:Q", title=y_title, axis=alt.Axis(format=axis)),
        "color": alt.Color("reeks:N", title=None, scale=colours, legend=TOP_LEGEND),
        "tooltip": tooltip,
    }
    if dashes:
        enc["strokeDash"] = alt.StrokeDash("reeks:N", title=None, scale=alt.Scale(domain=series, range=[[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]][: len(series)]))
    layers = []
    if band:
        layers.append(
            alt.Chart(alt.Data(values=band))
            .mark_area(opacity=0.18, color=PALETTE[1])
            .encode(x=xenc, y=alt.Y("laag:Q"), y2=alt.Y2("hoog:Q"), tooltip=[alt.Tooltip("x_tekst:N", title=x_title or "Periode"), alt.Tooltip("marge:N", title="80%-marge")])
        )
    layers.append(alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(**enc))
    if rule:
        layers.append(alt.Chart(alt.Data(values=[rule])).mark_rule(color=WARN, strokeDash=[4, 3]).encode(y=alt.Y("y:Q"), tooltip=[alt.Tooltip("tekst:N", title="Norm")]))
    return alt.layer(*layers).properties(height=height)


def ranked(rows: list[dict], *, y_title: str | None, x_title: str, axis: str, sort: list[str] | None, height: int | None = None, tooltip_extra: tuple[tuple[str, str], ...] = ()) -> alt.Chart:
    """Horizontal bars (`label`, `x`) in the given order (None: largest first), value text in the tooltip."""
    tooltip = [alt.Tooltip("label:N", title=y_title or "Groep"), alt.Tooltip("tekst:N", title="Waarde")] + [alt.Tooltip(f"{c}:N", title=t) for c, t in tooltip_extra]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=axis)),
            y=alt.Y("label:N", title=None, sort=sort if sort is not None else "-x", axis=alt.Axis(labelLimit=320)),
            tooltip=tooltip,
        )
        .properties(height=height or 30 * max(len(rows), 1) + 40)
    )


def stacked(rows: list[dict], *, x_title: str | None, y_title: str, axis: str, colour_order: list[str], colours: list[str], height: int = 380) -> alt.Chart:
    """Stacked bars (`x` ordinal, `y`, `kleur` category) with a Dutch tooltip (`tekst`)."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("x:O", title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(y):Q", title=y_title, axis=alt.Axis(format=axis)),
            color=alt.Color("kleur:N", title=None, sort=colour_order, scale=alt.Scale(domain=colour_order, range=colours), legend=alt.Legend(orient="bottom", columns=1, labelLimit=420)),
            order=alt.Order("volgorde:Q"),
            tooltip=[alt.Tooltip("x:O", title=x_title or "Jaar"), alt.Tooltip("kleur:N", title="Onderdeel"), alt.Tooltip("tekst:N", title="Waarde")],
        )
        .properties(height=height)
    )


def parts(rows: list[dict], totals: list[dict], *, order: list[str], part_order: list[str], x_title: str, axis: str) -> alt.LayerChart:
    """Per group, stacked parts (`groep`, `deel`, `x`, `tekst`) with a tick at their total (`groep`, `x`, `tekst`)."""
    y = alt.Y("groep:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=axis)),
            y=y,
            color=alt.Color("deel:N", title=None, sort=part_order, scale=alt.Scale(domain=part_order, range=PALETTE[: len(part_order)]), legend=TOP_LEGEND),
            tooltip=[alt.Tooltip("groep:N", title="Groep"), alt.Tooltip("deel:N", title="Oorzaak"), alt.Tooltip("tekst:N", title="Bedrag")],
        )
    )
    ticks = (
        alt.Chart(alt.Data(values=totals))
        .mark_tick(color="#1F2933", thickness=3, size=26)
        .encode(x=alt.X("x:Q"), y=y, tooltip=[alt.Tooltip("groep:N", title="Groep"), alt.Tooltip("tekst:N", title="Totaal")])
    )
    # Streamlit fits a full-width chart's legend and axes inside its height: the legend on top
    # (one line per part) and the x axis come on top of 48 px per group, or the bars squash.
    return alt.layer(bars, ticks).properties(height=48 * len(order) + 22 * len(part_order) + 60)


def dots(rows: list[dict], *, x_title: str, axis: str, sources: list[str], height: int) -> alt.Chart:
    """Per group (`label`), one dot per source (`bron`, `x`, `tekst`): shape and colour both differ."""
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=axis)),
            y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("bron:N", title=None, scale=alt.Scale(domain=sources, range=PALETTE[: len(sources)]), legend=TOP_LEGEND),
            shape=alt.Shape("bron:N", title=None, scale=alt.Scale(domain=sources)),
            tooltip=[alt.Tooltip("label:N", title="Groep"), alt.Tooltip("bron:N", title="Bron"), alt.Tooltip("tekst:N", title="Waarde")],
        )
        .properties(height=height)
    )
