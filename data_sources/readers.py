"""Reading raw files safely: every way a file can be unreadable becomes a problem, not a traceback.

Loaders use `read_bytes`, `read_text`, `read_csv_strings`, `csv_rows`, `read_json` and `read_toml` instead of
opening files themselves: they check for a missing, empty, binary, truncated or wrongly encoded
file, and for files that would exhaust the parser (a field of megabytes, a million columns, JSON
nested a hundred thousand deep, a number of thousands of digits, a JSON file of gigabytes), and
say what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from data_sources.problems import MAX_PER_FILE, Problems
from data_sources.source import Context, Source

BOM = "\ufeff"
# A CSV field longer than this is an error (an unclosed quote swallows the rest of a file);
# it stays below the csv module's own limit (131,072) so every reader reports the same way.
MAX_FIELD_CHARS = 100_000
# More columns than this is a wrong separator or a broken export; parsing it would exhaust memory.
MAX_COLUMNS = 2_000
# JSON is parsed into Python objects of about ten times its size: larger files are refused.
MAX_JSON_BYTES = 512 * 1024 * 1024
_LONG_NUMBER = re.compile(r"\d{4000,}")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    """The file's bytes, checked to be UTF-8 text (BOM kept), or None with a problem recorded.

    The CSV readers parse these bytes directly: a file of hundreds of megabytes is not copied
    into a Python string and back."""
    if not path.is_file():
        problems.add(path, "bestand niet gevonden", expected="een bestaand bestand")
        return None
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.add(path, f"bestand kan niet gelezen worden ({e.strerror or e})", expected="een leesbaar bestand (rechten, niet in gebruik)")
        return None
    if not data or data.isspace():  # not `data.strip()`: that copies the whole file first
        problems.add(path, "bestand is leeg", expected="een export met een kopregel en gegevens")
        return None
    if data[:2] in _UTF16_BOMS:
        problems.add(path, "tekst is UTF-16, geen UTF-8", line=1, expected="UTF-8; sla het bestand opnieuw op als 'CSV UTF-8' of converteer het")
        return None
    nul = data.find(b"\x00")
    if 0 <= nul < 4096:
        problems.add(
            path,
            "bestand is binair, geen tekst (is het een Excel- of zip-bestand?)",
            expected="een CSV- of JSON-tekstbestand; sla Excel op als 'CSV UTF-8'",
        )
        return None
    if nul >= 0:
        problems.add(
            path,
            "bestand bevat een NUL-teken (byte 0x00): het is beschadigd of deels geen tekst",
            line=data.count(b"\n", 0, nul) + 1,
            expected="een tekstbestand zonder NUL-tekens; exporteer of download het bestand opnieuw",
        )
        return None
    try:
        _check_utf8(data)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.add(
            path,
            f"tekst is geen UTF-8 (byte 0x{data[e.start]:02x})",
            line=line,
            expected="UTF-8; sla het bestand opnieuw op als 'CSV UTF-8' of converteer het (bijv. van Windows-1252)",
        )
        return None
    return data


_CHUNK = 1 << 24


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError (positions in `data`) unless `data` is UTF-8. Decoded in chunks
    and thrown away: a file of hundreds of megabytes is not held twice."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(data), _CHUNK):
            # ASCII is UTF-8, and `isascii` is some thirty times faster than decoding; only a chunk
            # with other bytes, or one that continues a character cut at the chunk edge, is decoded.
            if not decoder.getstate()[0] and data[at : at + _CHUNK].isascii():
                continue
            decoder.decode(view[at : at + _CHUNK], final=at + _CHUNK >= len(data))
    except UnicodeDecodeError:
        data.decode("utf-8")  # the whole text once more, for the position in the file
        raise


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text (UTF-8, BOM removed), or None with a problem recorded."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    text = data.decode("utf-8")
    return text[1:] if text.startswith(BOM) else text


def _fields(line: str, sep: str) -> list[str]:
    """A line split on `sep` outside quotes; good enough to name the column of an oversized field."""
    return next(csv.reader([line], delimiter=sep), []) if len(line) < MAX_FIELD_CHARS else line.split(sep)


def check_csv_text(path: Path, text: str | bytes, sep: str, problems: Problems) -> bool:
    """Whether `text` (a str, or the file's UTF-8 bytes) can be parsed as CSV safely: not too many
    columns, no field longer than MAX_FIELD_CHARS.

    Long lines are found on the bytes (fast for files of hundreds of megabytes); only those are
    split into fields to name the column. A long field inside quotes that span several lines is
    found after parsing (`read_csv_strings`, `csv_rows`).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    end = data.find(b"\n")
    header_line = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    header = [h.strip().lstrip(BOM) for h in _fields(header_line, sep)]
    if len(header) > MAX_COLUMNS:
        problems.add(
            path,
            f"kopregel heeft {_n(len(header))} kolommen",
            line=1,
            expected=f"hooguit {_n(MAX_COLUMNS)} kolommen, gescheiden door '{sep}'; is het scheidingsteken juist en is de kopregel niet beschadigd?",
        )
        return False
    if not _may_have_long_line(data):
        return True
    buffer = np.frombuffer(data, dtype=np.uint8)  # a view on the bytes, no copy
    # Newlines found per chunk: a comparison over the whole file would take as much memory again.
    ends = np.concatenate([np.flatnonzero(buffer[at : at + _CHUNK] == 10) + at for at in range(0, buffer.size, _CHUNK)] or [np.zeros(0, dtype=np.int64)])
    starts = np.concatenate(([0], ends + 1))
    lengths = np.concatenate((ends, [buffer.size])) - starts
    long_lines = np.flatnonzero(lengths > MAX_FIELD_CHARS)
    reported = 0
    for i in long_lines:
        line = bytes(buffer[starts[i] : starts[i] + lengths[i]]).decode("utf-8", errors="replace").rstrip("\r")
        fields = _fields(line, sep)
        j = max(range(len(fields)), key=lambda k: len(fields[k]))
        if len(fields[j]) <= MAX_FIELD_CHARS:
            continue  # long because of many short fields: the parser reports a wrong field count
        reported += 1
        if reported <= MAX_PER_FILE:
            column = header[j] if j < len(header) and header[j] else f"veld {j + 1}"
            _report_long_field(path, problems, int(i) + 1, column, len(fields[j]), fields[j][:60])
    if reported > MAX_PER_FILE:
        problems.add(path, "nog meer regels met een te lang veld", count=reported - MAX_PER_FILE)
    return reported == 0


_BLOCK = MAX_FIELD_CHARS // 2


def _may_have_long_line(data: bytes) -> bool:
    """False when no line is longer than MAX_FIELD_CHARS bytes, at the cost of one short search
    per 50,000 bytes instead of finding every newline (millions of them in a large export).

    A line of more than MAX_FIELD_CHARS bytes covers at least one whole block of half that
    length, so if every whole block holds a newline no line is that long."""
    return any(data.find(b"\n", at, at + _BLOCK) < 0 for at in range(0, len(data) - _BLOCK + 1, _BLOCK))


def _report_long_field(path: Path, problems: Problems, line: int | None, column: str | None, length: int | None, value: str | None) -> None:
    size = f"{_n(length)} tekens" if length else f"meer dan {_n(csv.field_size_limit())} tekens"
    problems.add(
        path,
        f"veld is te lang ({size})",
        line=line,
        column=column,
        value=value,
        expected=f"hooguit {_n(MAX_FIELD_CHARS)} tekens per veld; staat er een aanhalingsteken (\") dat niet wordt gesloten?",
    )


class CsvRows:
    """The records of a CSV text as (line where the record ends, fields).

    A record the csv module cannot read (a field over its limit inside quotes, ...) becomes one
    problem and ends the iteration; `failed` then tells the caller that rows are missing.
    """

    def __init__(self, path: Path, text: str, sep: str, problems: Problems):
        self.path, self.text, self.sep, self.problems = path, text, sep, problems
        self.failed = False

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(self.text), delimiter=self.sep)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                self.failed = True
                line = reader.line_num + 1
                if "field larger than field limit" in str(e):
                    _report_long_field(self.path, self.problems, start, None, None, None)
                else:
                    self.problems.add(self.path, f"CSV is onleesbaar: {e}", line=line,
                                      expected=f"velden gescheiden door '{self.sep}', aanhalingstekens in paren")
                return
            yield reader.line_num, row


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

    Row i of the result is on line i + 2 of the file, unless quoted fields span lines. Without
    `text` the file is parsed from its bytes (no copy into a Python string).
    """
    if text is None:
        data = read_bytes(path, problems)
        if data is None:
            return None
        if data.startswith(BOM.encode("utf-8")):
            data = data[3:]
    else:
        data = text.encode("utf-8")
    end = data.find(b"\n")
    header = (data if end < 0 else data[:end]).decode("utf-8")
    sep = separator or sniff_separator(header)
    if not check_csv_text(path, data, sep, problems):
        return None
    try:
        frame = pl.read_csv(
            data,
            separator=sep,
            infer_schema=False,
            has_header=True,
            empty_string_is_null=True,
        )
    except pl.exceptions.NoDataError:
        problems.add(path, "bestand bevat geen gegevens", expected="een kopregel en ten minste een regel gegevens")
        return None
    except pl.exceptions.PolarsError as e:  # ComputeError and kin: all about the file's content here
        msg = str(e).splitlines()[0]
        msg = msg if len(msg) <= 200 else msg[:197] + "..."
        m = re.search(r"(?:line|row) (\d+)", str(e))
        problems.add(
            path,
            f"CSV is onleesbaar of afgebroken: {msg}",
            line=int(m.group(1)) if m else None,
            expected=f"elke regel evenveel velden als de kopregel, gescheiden door '{sep}'",
        )
        return None
    frame = frame.rename({c: c.strip().lstrip(BOM) for c in frame.columns})
    if not _no_long_values(path, data, frame, problems):
        return None
    if frame.height == 0:
        problems.add(path, "bestand heeft een kopregel maar geen gegevens", expected="ten minste een regel gegevens")
    return frame


def _no_long_values(path: Path, data: bytes, frame: pl.DataFrame, problems: Problems) -> bool:
    """No value longer than MAX_FIELD_CHARS (one inside quotes that span lines passes `check_csv_text`)."""
    if frame.height == 0:
        return True
    # Bytes first (no decoding): a value is never longer in characters than in bytes.
    if all(n is None or n <= MAX_FIELD_CHARS for n in frame.select(pl.all().str.len_bytes().max()).row(0)):
        return True
    longest = frame.select(pl.all().str.len_chars().max()).row(0)
    ok = True
    for column, length in zip(frame.columns, longest):
        if length is not None and length > MAX_FIELD_CHARS:
            value = frame[column][frame.select(pl.col(column).str.len_chars().arg_max()).item()]
            # The field spans lines: its line is where its text starts.
            start = data.find(value[:1000].encode("utf-8"))
            line = data.count(b"\n", 0, start) + 1 if start >= 0 else None
            _report_long_field(path, problems, line, column, length, value[:60])
            ok = False
    return ok


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> object:
    """Python's json accepts NaN and Infinity; JSON does not, and a shape or figure with them is broken."""
    raise _NotJson(name)


def _line_of(text: str, token: str) -> int | None:
    at = re.search(rf"(?<![\w\"]){re.escape(token)}(?![\w\"])", text)
    return text.count("\n", 0, at.start()) + 1 if at else None


def read_json(path: Path, problems: Problems) -> object | None:
    if path.is_file() and path.stat().st_size > MAX_JSON_BYTES:
        problems.add(
            path,
            f"JSON-bestand is te groot ({_n(path.stat().st_size // 1_000_000)} MB)",
            expected=f"hooguit {_n(MAX_JSON_BYTES // 1_000_000)} MB; lever alleen de eigen gemeente "
            "(bijv. ogr2ogr -where \"gemeentecode = 'GM0193'\" voor een kaart, of een CBS-selectie op regio)",
        )
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _NotJson as e:
        problems.add(path, f"JSON bevat {e.args[0]}; dat is geen geldige JSON", line=_line_of(text, e.args[0]),
                     value=e.args[0], expected="een getal of null")
    except json.JSONDecodeError as e:
        problems.add(
            path,
            f"geen geldige JSON: {e.msg}",
            line=e.lineno,
            column=f"teken {e.colno}",
            expected="een volledig JSON-bestand (is het afgebroken?)",
        )
    except RecursionError:
        problems.add(path, "JSON is te diep genest (lijsten of objecten in elkaar, duizenden niveaus diep)",
                     expected="een OData- of GeoJSON-bestand; is het bestand beschadigd?")
    except ValueError as e:  # Python's limit on integer digits: a number of thousands of digits
        m = _LONG_NUMBER.search(text)
        line = text.count("\n", 0, m.start()) + 1 if m else None
        problems.add(path, f"getal met te veel cijfers ({_digits(e)})", line=line, value=m.group(0)[:20] if m else None,
                     expected="getallen van hooguit enkele tientallen cijfers; is het bestand beschadigd?")
    return None


def _digits(e: ValueError) -> str:
    m = re.search(r"\((\d+) digits\)", str(e))
    return f"meer dan {_n(int(m.group(1)))} cijfers" if m else "te lang"


def read_toml(path: Path, problems: Problems, expected: str) -> dict | None:
    """A TOML file as a dict; None with a problem (line and column where TOML says) when unreadable."""
    if not path.is_file():
        problems.add(path, "bestand niet gevonden", expected=expected)
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as e:
        problems.add(path, f"bestand kan niet gelezen worden ({e.strerror or e})", expected=expected)
        return None
    except UnicodeDecodeError as e:
        problems.add(path, f"geen UTF-8-tekst (byte {e.start})", expected=f"een TOML-bestand in UTF-8: {expected}")
        return None
    try:
        return tomllib.loads(text[1:] if text.startswith(BOM) else text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        problems.add(path, f"geen geldige TOML: {msg}", line=int(m.group(1)) if m else None,
                     column=f"teken {m.group(2)}" if m else None, expected=expected)
    except RecursionError:
        problems.add(path, "TOML is te diep genest", expected=expected)
    except ValueError as e:
        problems.add(path, f"geen geldige TOML: getal met te veel cijfers ({_digits(e)})", expected=expected)
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
