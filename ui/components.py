"""The building blocks pages are made of: a metric tile, a table with downloads, a notice.

Every value is shown through `metrics.format` and carries its definition and unit in the help
text, so a number on screen can always be traced to its declaration.
"""

from __future__ import annotations

import io
import re

import polars as pl
import streamlit as st

import metrics
from metrics import format as fmt
from metrics.declarations import Metric
from ui import frames


def definition(m: Metric) -> str:
    return f"{m.description} Eenheid: {m.unit}. Eigenaar: {m.owner}."


def tile(
    m: Metric,
    value: float | None,
    *,
    geheim: bool = False,
    change: float | None = None,
    change_text: str | None = None,
    label: str | None = None,
    note: str | None = None,
    delta_description: str | None = None,
) -> None:
    """One st.metric: formatted value, relative change (coloured by whether higher is better);
    `delta_description` says what the change is against (e.g. "t.o.v. jan-okt 2025")."""
    delta = change_text if change_text is not None else (fmt.change(change) if change is not None and not geheim else None)
    colour = {True: "normal", False: "inverse", None: "off"}[m.higher_is_better]
    st.metric(
        label or m.label,
        fmt.value(m, value, geheim=geheim),
        delta=delta if delta != fmt.MISSING else None,
        delta_color=colour,
        help=definition(m) + (f" {note}" if note else ""),
        border=True,
        delta_description=delta_description if delta not in (None, fmt.MISSING) else None,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def table(m: Metric, frame: pl.DataFrame, name: str, *, key: str | None = None, height: int | str = "auto") -> None:
    """A query result as a table in Dutch notation, with CSV and Excel downloads of the same text."""
    shown = fmt.display_frame(m, frame)
    st.dataframe(frames.arrow(shown), hide_index=True, width="stretch", height=height)
    key = key or _slug(name)
    left, right, _ = st.columns([1, 1, 6])
    with left:
        st.download_button("CSV", data=lambda: fmt.csv_bytes(m, frame), file_name=f"{key}.csv", mime="text/csv", icon=":material/download:", on_click="ignore", key=f"csv-{key}")
    with right:
        st.download_button(
            "Excel",
            data=lambda: fmt.excel_bytes(m, frame),
            file_name=f"{key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table:",
            on_click="ignore",
            key=f"xlsx-{key}",
        )


def text_table(frame: pl.DataFrame, name: str, *, key: str | None = None, height: int | str = "auto") -> None:
    """A table already in display form (Dutch headers, formatted text), with CSV and Excel downloads
    of the same text: for tables that combine several metrics. Format the cells with metrics.format."""
    shown = frame.with_columns(pl.all().cast(pl.String))
    st.dataframe(frames.arrow(shown), hide_index=True, width="stretch", height=height)
    key = key or _slug(name)
    left, right, _ = st.columns([1, 1, 6])
    with left:
        st.download_button(
            "CSV",
            data=lambda: shown.write_csv(separator=";", include_bom=True).encode("utf-8"),
            file_name=f"{key}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"csv-{key}",
        )
    with right:
        st.download_button(
            "Excel",
            data=lambda: fmt.excel_text(shown, name),
            file_name=f"{key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table:",
            on_click="ignore",
            key=f"xlsx-{key}",
        )


def unavailable(engine: metrics.Engine, *ms: Metric) -> bool:
    """Say plainly which figures cannot be shown (missing data); True when any is missing."""
    reasons = [r for m in ms if (r := engine.unavailable_reason(m))]
    for r in dict.fromkeys(reasons):
        st.info(r, icon=":material/info:")
    return bool(reasons)
