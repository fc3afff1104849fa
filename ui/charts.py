"""Charts the Datakompas way: Altair with a calm theme, Dutch number and date formats, and a PNG
download next to every chart.

The Dutch d3 locale comes from vl-convert (which ships the d3 locale files), so axes and
tooltips read 1.234,5 and "maart", not 1,234.5 and "March".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import streamlit as st
import vl_convert as vlc

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
    """The chart as a PNG, rendered by vl-convert with the same theme and locale as on screen."""
    spec = chart.to_dict()
    spec.setdefault("config", {}).setdefault("locale", LOCALE)
    spec.setdefault("background", "white")
    return vlc.vegalite_to_png(spec, scale=2)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "grafiek"


def show(chart: alt.TopLevelMixin, name: str, *, key: str | None = None) -> None:
    """Draw the chart full width, with a 'Download als PNG' button under it."""
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
