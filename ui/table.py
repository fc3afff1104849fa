"""A table as the app shows and exports it: columns that know their kind and format.

Every table block builds one of these from engine results. It is drawn once (Dutch text, "geheim"
where hidden) and exported twice from the same values:
- CSV for Dutch spreadsheets: semicolons, UTF-8 with BOM, numbers in plain Dutch notation
  (1234567,89: no thousands separator, so they read as numbers), "geheim" as text;
- Excel: numbers stay numbers with a number format (shown as 1.234,5 in Dutch Excel), text stays
  text (`write_string`: never a formula), hidden cells read "geheim".
Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are neutralised in both, with a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from metrics import format as fmt

Kind = Literal["text", "number"]
# Number formats: the metric formats (metrics.declarations.Format), plus a signed change
# ("verandering", +3,4%), a difference in percentage points ("procentpunt") and a signed amount
# ("euro_verschil", +€ 1,1 mln).
NumberFormat = str

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Excel number formats per display format: Excel shows them in the user's locale (1.234,5 in Dutch).
_EXCEL_FORMAT = {
    "aantal": "#,##0",
    "decimaal": "#,##0.0",
    "index": "#,##0",
    "dagen": '#,##0.0" dagen"',
    "werkdagen": '#,##0.0" werkdagen"',
    "procent": "0.0%",
    "percentage": '0.0"%"',
    "euro": '"€" #,##0',
    "euro_exact": '"€" #,##0',
    "verandering": "+0.0%;-0.0%;0.0%",
    "euro_verschil": '+"€" #,##0;-"€" #,##0;"€" 0',
    "verandering_100": '+0.0"%";-0.0"%";0.0"%"',
    "procentpunt": '+0.0" pp";-0.0" pp";0.0" pp"',
}


def safe_text(text: str) -> str:
    """Neutralise a text cell a spreadsheet would treat as a formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def show(value: float | None, number_format: NumberFormat, geheim: bool = False) -> str:
    """A number as the app shows it."""
    if geheim:
        return fmt.GEHEIM
    if value is None:
        return fmt.MISSING
    if number_format == "verandering":
        return fmt.change(value)
    if number_format == "procentpunt":
        return fmt.points(value)
    if number_format == "euro_verschil":
        return fmt.signed_euro(value)
    if number_format == "verandering_100":  # a change given in percent (0-100)
        return fmt.change(value / 100)
    return fmt.number(value, number_format)


@dataclass
class Column:
    header: str
    kind: Kind
    values: list
    number_format: NumberFormat | None = None  # for numbers
    geheim: list[bool] | None = None  # hidden cells (numbers only)

    def hidden(self, i: int) -> bool:
        return bool(self.geheim and self.geheim[i])

    def text(self, i: int) -> str:
        v = self.values[i]
        if self.kind == "text":
            return fmt.MISSING if v is None else str(v)
        return show(v, self.number_format, self.hidden(i))


@dataclass
class Table:
    name: str  # for file names and the sheet
    columns: list[Column] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def add(self, column: Column) -> None:
        if self.columns and len(column.values) != self.height:
            raise ValueError(f"kolom {column.header!r} heeft {len(column.values)} waarden, de tabel {self.height}")
        self.columns.append(column)

    def display(self) -> pl.DataFrame:
        """What the user reads: every cell as Dutch text."""
        return pl.DataFrame({c.header: [c.text(i) for i in range(self.height)] for c in self.columns}, schema={c.header: pl.String for c in self.columns})

    def csv(self) -> bytes:
        lines = [";".join(_csv_cell(safe_text(c.header)) for c in self.columns)]
        for i in range(self.height):
            lines.append(";".join(_csv_cell(_csv_value(c, i)) for c in self.columns))
        return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")

    def excel(self) -> bytes:
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        ws = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", self.name)[:31] or "Tabel")
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        formats = {f: book.add_format({"num_format": code}) for f, code in _EXCEL_FORMAT.items()}
        for j, c in enumerate(self.columns):
            ws.write_string(0, j, c.header, bold)
            width = len(c.header)
            for i in range(self.height):
                v = c.values[i]
                if c.kind == "number" and not c.hidden(i) and v is not None:
                    ws.write_number(i + 1, j, float(v), formats.get(c.number_format))
                    width = max(width, len(c.text(i)))
                elif c.kind == "number" and c.hidden(i):
                    ws.write_string(i + 1, j, fmt.GEHEIM)
                elif v is not None:
                    ws.write_string(i + 1, j, safe_text(str(v)))
                    width = max(width, len(str(v)))
            ws.set_column(j, j, min(width + 2, 60))
        ws.freeze_panes(1, 0)
        book.close()
        return buffer.getvalue()


def _csv_value(c: Column, i: int) -> str:
    v = c.values[i]
    if c.kind == "text":
        return "" if v is None else safe_text(str(v))
    if c.hidden(i):
        return fmt.GEHEIM
    if v is None:
        return ""
    number = float(v)
    if c.number_format in ("aantal", "index") and number == int(number):
        return str(int(number))
    return repr(round(number, 6)).replace(".", ",")


def _csv_cell(text: str) -> str:
    if any(ch in text for ch in ';"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
