"""Charts the Datakompas way: Altair with a calm theme, Dutch number and date formats, and a PNG
download next to every chart.

The Dutch d3 locale comes from vl-convert (which ships the d3 locale files), so axes and
tooltips read 1.234,5 and "maart", not 1,234.5 and "March".
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable

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


def show(chart: alt.TopLevelMixin, name: str, *, key: str | None = None) -> None:
    """Draw the chart full width, with a 'Download als PNG' button under it."""
    _plain_data(chart)
    st.altair_chart(chart, width="stretch")
    render: Callable[[], bytes] = lambda: png(chart)  # rendered only when clicked
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
        x=alt.X("stap:N", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=220)),
        tooltip=[alt.Tooltip("stap:N", title="Onderdeel"), alt.Tooltip("tekst:N", title="Bedrag")],
    )
    bars = base.mark_bar(size=60).encode(
        y=alt.Y("begin:Q", title=axis_title, axis=alt.Axis(format=axis_format)),
        y2="eind:Q",
        color=alt.Color("kleur:N", scale=None),
    )
    labels = base.mark_text(dy=-8, fontSize=12, color="#1F2933").encode(
        y=alt.Y("top:Q"),
        text="tekst:N",
    ).transform_calculate(top="max(datum.begin, datum.eind)")
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color=MUTED).encode(y="y:Q")
    return alt.layer(bars, labels, zero).properties(height=height)
