"""Files as CBS's clients write them: R's write.csv (cbsodataR) cells and lines, and the save itself.

The demo writers build their text in memory and save it as UTF-8 bytes, so the line ends they
choose (LF from cbsodataR, CRLF in the dimension files and the bulk feed) reach the file as chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path


def pad(text: str, width: int) -> str:
    return text.ljust(width)


def _cell(v) -> str:
    """A value as R's write.csv writes it: text quoted, numbers, dates and logicals bare, NA empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def r_line(values: Iterable) -> str:
    return ",".join(_cell(v) for v in values)


def r_csv(header: Sequence[str], rows: Iterable[Sequence], newline: str = "\n") -> str:
    lines = [r_line(header), *(r_line(row) for row in rows)]
    return newline.join(lines) + newline


def save(out: Path, relative: str, text: str) -> str:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return relative
