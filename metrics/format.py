"""How a value is shown, decided in one place: Dutch notation through babel (nl_NL).

    value(metric, 1234)        -> "1.234"
    value("lasten", 850_000)   -> "€ 850.000";  value("lasten", 1_234_567) -> "€ 1,2 mln"
    value(metric, None, geheim=True) -> "geheim";  value(metric, None) -> "–"
    date(dt.date(2026, 3, 3))  -> "3 mrt 2026"

Pages (tiles, tables) and downloads (CSV, Excel) use this module, so a figure reads the same
everywhere. Spaces are plain spaces (babel's compact forms use no-break spaces, which spreadsheet
users trip over) and the abbreviation point of "mln." is dropped, as in Dutch newspaper style.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
from typing import get_args

import polars as pl
from babel.dates import format_date
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

from metrics import registry
from metrics.declarations import Format, Metric
from metrics.dimensions import DIMENSIONS

LOCALE = "nl_NL"
GEHEIM = "geheim"
MISSING = "–"

_DECIMAL = {"aantal": "#,##0", "decimaal": "#,##0.0", "index": "#,##0", "dagen": "#,##0.0", "werkdagen": "#,##0.0"}
_SUFFIX = {"dagen": " dagen", "werkdagen": " werkdagen"}
_COMPACT_FROM = 1_000_000  # euros from here on read as "€ 1,2 mln"


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def number(value: float, fmt: Format) -> str:
    """A present value in one of the declared formats (see Metric.format)."""
    if fmt in _DECIMAL:
        return format_decimal(value, format=_DECIMAL[fmt], locale=LOCALE) + _SUFFIX.get(fmt, "")
    if fmt == "procent":
        return format_percent(value, format="#,##0.0%", locale=LOCALE)
    if fmt == "percentage":
        return format_percent(value / 100, format="#,##0.0%", locale=LOCALE)
    if fmt == "euro" and abs(value) >= _COMPACT_FROM:
        return _plain(format_compact_currency(value, "EUR", locale=LOCALE, fraction_digits=1)).rstrip(".")
    return format_currency(value, "EUR", format="¤ #,##0", locale=LOCALE, currency_digits=False)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value(metric: str | Metric, value: float | None, *, geheim: bool = False) -> str:
    """A metric's value as the app shows it: formatted, "geheim" when hidden, "–" when missing."""
    if geheim:
        return GEHEIM
    if _missing(value):
        return MISSING
    return number(value, registry.get(metric).format)


def change(fraction: float | None) -> str:
    """A relative change with its sign, e.g. "+12,5%" (for st.metric deltas and tables)."""
    if _missing(fraction):
        return MISSING
    return format_percent(fraction, format="+#,##0.0%;-#,##0.0%", locale=LOCALE)


def signed_euro(value: float) -> str:
    """An amount with its sign, as the app shows euros: "+€ 1,1 mln", "-€ 15.861"."""
    if abs(value) < 0.5:  # rounds to nothing: no sign
        return number(0.0, "euro")
    return ("+" if value > 0 else "-") + number(abs(value), "euro")


def points(fraction: float | None) -> str:
    """A difference between two percentages, in percentage points: 0.012 -> "+1,2 procentpunt"."""
    if _missing(fraction):
        return MISSING
    return format_decimal(fraction * 100, format="+#,##0.0;-#,##0.0", locale=LOCALE) + " procentpunt"


def date(day: _dt.date) -> str:
    return format_date(day, "d MMM y", locale=LOCALE)


def month(year: int, month: int) -> str:
    return format_date(_dt.date(year, month, 1), "MMM y", locale=LOCALE)


def _headers(metric: Metric) -> dict[str, str]:
    population = registry.get(metric.population or "inwoners")
    return {
        "waarde": f"{metric.label} ({metric.unit})",
        # A stock (inwoners on 1 January) has no period: it compares with the previous year's count.
        "vorig_jaar": "Vorig jaar" if getattr(metric.expression, "stock", False) else "Zelfde periode vorig jaar",
        "verschil": "Verschil",
        "verschil_pct": "Verschil (%)",
        "aandeel": "Aandeel van het totaal",
        "per_1000": f"Per 1.000 {population.label.lower()}",
        "index": "Index (gemeente = 100)",
        "bevolking_jaar": "Bevolking op 1 januari van",
    }


def display_frame(metric: str | Metric, frame: pl.DataFrame) -> pl.DataFrame:
    """A query result as users read it: Dutch headers, labels instead of codes, formatted text."""
    mt = registry.get(metric)
    dims = [c for c in frame.columns if c in DIMENSIONS and f"{c}_label" in frame.columns]
    geheim = frame["geheim"].to_list() if "geheim" in frame.columns else [False] * frame.height
    prev_geheim = frame["vorig_jaar_geheim"].to_list() if "vorig_jaar_geheim" in frame.columns else [False] * frame.height
    headers = _headers(mt)
    cells = {"waarde": lambda v, i: value(mt, v, geheim=geheim[i])}
    cells["vorig_jaar"] = lambda v, i: value(mt, v, geheim=bool(prev_geheim[i]))
    cells["verschil"] = lambda v, i: value(mt, v, geheim=geheim[i] or bool(prev_geheim[i]))
    cells["verschil_pct"] = lambda v, i: GEHEIM if geheim[i] or prev_geheim[i] else change(v)
    cells["aandeel"] = lambda v, i: GEHEIM if geheim[i] else (MISSING if _missing(v) else number(v, "procent"))
    cells["per_1000"] = lambda v, i: GEHEIM if geheim[i] else (MISSING if _missing(v) else number(v, "decimaal"))
    cells["index"] = lambda v, i: GEHEIM if geheim[i] else (MISSING if _missing(v) else number(v, "index"))
    cells["bevolking_jaar"] = lambda v, i: MISSING if v is None else str(v)
    out = {DIMENSIONS[d].label: frame[f"{d}_label"].to_list() for d in dims}
    for col, fn in cells.items():
        if col in frame.columns:
            out[headers[col]] = [fn(v, i) for i, v in enumerate(frame[col].to_list())]
    return pl.DataFrame(out, schema={k: pl.String for k in out})


def csv_bytes(metric: str | Metric, frame: pl.DataFrame) -> bytes:
    """CSV for Dutch spreadsheets: semicolons, UTF-8 with BOM, the same text as on screen."""
    return display_frame(metric, frame).write_csv(separator=";", include_bom=True).encode("utf-8")


def excel_bytes(metric: str | Metric, frame: pl.DataFrame) -> bytes:
    return excel_text(display_frame(metric, frame), registry.get(metric).label)


def excel_text(frame: pl.DataFrame, sheet: str) -> bytes:
    """A one-sheet workbook of text cells, written with xlsxwriter from Python lists.

    Not `DataFrame.write_excel`: that formats text columns with a Python callback inside polars
    (map_batches), which can deadlock a server that runs sessions in threads (docs/concurrency.md).
    `write_string` never turns a cell into a formula, whatever it starts with."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31])
    bold = book.add_format({"bold": True})
    widths = [len(c) for c in frame.columns]
    for j, name in enumerate(frame.columns):
        ws.write_string(0, j, name, bold)
        for i, v in enumerate(frame.get_column(name).to_list(), start=1):
            if v is not None:
                ws.write_string(i, j, str(v))
                widths[j] = max(widths[j], len(str(v)))
    for j, w in enumerate(widths):
        ws.set_column(j, j, min(w + 2, 60))
    book.close()
    return buffer.getvalue()


if set(get_args(Format)) != set(_DECIMAL) | {"procent", "percentage", "euro", "euro_exact"}:
    raise RuntimeError("metrics.format kent niet precies de formaten van metrics.declarations.Format")
