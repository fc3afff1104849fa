"""Reading raw files safely: every way a file can be unreadable becomes a problem, not a traceback.

Loaders use `read_text`, `read_csv_strings` and `read_json` instead of opening files themselves:
they check for a missing, empty, binary, truncated or wrongly encoded file and say what to do.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources.problems import Problems
from data_sources.source import Context, Source

BOM = "\ufeff"


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text (UTF-8, BOM removed), or None with a problem recorded."""
    if not path.is_file():
        problems.add(path, "bestand niet gevonden", expected="een bestaand bestand")
        return None
    data = path.read_bytes()
    if not data.strip():
        problems.add(path, "bestand is leeg", expected="een export met een kopregel en gegevens")
        return None
    if b"\x00" in data[:4096]:
        problems.add(
            path,
            "bestand is binair, geen tekst (is het een Excel- of zip-bestand?)",
            expected="een CSV- of JSON-tekstbestand; sla Excel op als 'CSV UTF-8'",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.add(
            path,
            f"tekst is geen UTF-8 (byte 0x{data[e.start]:02x})",
            line=line,
            expected="UTF-8; sla het bestand opnieuw op als 'CSV UTF-8' of converteer het (bijv. van Windows-1252)",
        )
        return None
    return text[1:] if text.startswith(BOM) else text


def sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get)


def read_csv_strings(
    path: Path,
    problems: Problems,
    *,
    separator: str | None = None,
    text: str | None = None,
) -> pl.DataFrame | None:
    """All columns as strings, header names stripped; None with a problem when unreadable.

    Row i of the result is on line i + 2 of the file, unless quoted fields span lines.
    """
    if text is None:
        text = read_text(path, problems)
    if text is None:
        return None
    header = text.split("\n", 1)[0]
    sep = separator or sniff_separator(header)
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=sep,
            infer_schema=False,
            has_header=True,
            empty_string_is_null=True,
        )
    except pl.exceptions.NoDataError:
        problems.add(path, "bestand bevat geen gegevens", expected="een kopregel en ten minste een regel gegevens")
        return None
    except pl.exceptions.ComputeError as e:
        msg = str(e).splitlines()[0]
        m = re.search(r"(?:line|row) (\d+)", str(e))
        problems.add(
            path,
            f"CSV is onleesbaar of afgebroken: {msg}",
            line=int(m.group(1)) if m else None,
            expected=f"elke regel evenveel velden als de kopregel, gescheiden door '{sep}'",
        )
        return None
    frame = frame.rename({c: c.strip().lstrip(BOM) for c in frame.columns})
    if frame.height == 0:
        problems.add(path, "bestand heeft een kopregel maar geen gegevens", expected="ten minste een regel gegevens")
    return frame


def read_json(path: Path, problems: Problems) -> object | None:
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        problems.add(
            path,
            f"geen geldige JSON: {e.msg}",
            line=e.lineno,
            column=f"teken {e.colno}",
            expected="een volledig JSON-bestand (is het afgebroken?)",
        )
        return None


def read_guarded(source: Source, files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    """Run a source's reader; a file the reader could not make sense of becomes a problem.

    Only errors that come from file content are turned into problems. Anything else is a bug in
    our code and is raised, so the CLI exits 1 with the traceback in a log.
    """
    try:
        return source.read(files, ctx)
    except (UnicodeDecodeError, json.JSONDecodeError, pl.exceptions.ComputeError, pl.exceptions.NoDataError) as e:
        shown = ", ".join(str(f) for f in files)
        ctx.problems.add(shown, f"{source.key}: bestand kon niet gelezen worden: {str(e).splitlines()[0]}", expected=source.description.split(".")[0])
        return {}
