"""Bad input, case by case: every kind of broken file gets one clear line, never a traceback.

Each row takes one demo file (real format), breaks it the way real exports break, and states
what the message must say. The rest of the inputs are the untouched demo files.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from data_sources import inputs
from data_sources.__main__ import main
from data_sources.build import read_all


def _replace_line(n: int, old: str, new: str) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\n")
        assert old in lines[n - 1], f"line {n} has no {old!r}: {lines[n - 1]!r}"
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        return "\n".join(lines).encode("utf-8")

    return edit


def _truncate(data: bytes) -> bytes:
    # Cut in the middle of a line, as an interrupted download or copy does.
    return data[: len(data) // 2]


def _cp1252(data: bytes) -> bytes:
    text = data.decode("utf-8-sig")
    return text.replace("Binnenstad-Zuid", "Binnenstad-Zuïd", 1).encode("cp1252")


def _renamed_header(old: str, new: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old.encode(), new.encode(), 1)


BIG = 2_000_000  # characters: "2 MB in a cell"


def _big_cell(line: int, sep: bytes) -> Callable[[bytes], bytes]:
    """2 MB of text in the first cell after the first separator of `line`, as a pasted blob would be."""

    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[line - 1] = lines[line - 1].replace(sep, sep + b"x" * BIG, 1)
        return b"\n".join(lines)

    return edit


def _big_quoted_cell(line: int, sep: bytes) -> Callable[[bytes], bytes]:
    """The first cell of `line` replaced by 2 MB in quotes that span lines (as an unclosed quote does)."""

    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        rest = lines[line - 1][lines[line - 1].index(sep) :]
        lines[line - 1] = b'"' + (b"x" * 999 + b"\n") * (BIG // 1000) + b'"' + rest
        return b"\n".join(lines)

    return edit


def _insert_at(offset: int, blob: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data[:offset] + blob + data[offset:]


def _first_number(replacement: bytes) -> Callable[[bytes], bytes]:
    """The first number value in a JSON file replaced (not the one in odata.metadata)."""
    return lambda data: re.sub(rb"(:\s*)-?\d+(?:\.\d+)?(?=\s*[,}])", lambda m: m.group(1) + replacement, data, count=1)


def _nested(depth: int) -> Callable[[bytes], bytes]:
    return lambda data: b'{"value": ' + b"[" * depth + b"]" * depth + b"}"


def _first_coordinate_nan(data: bytes) -> bytes:
    return re.sub(rb"\[(\d+\.\d+),", b"[NaN,", data, count=1)


def _buurt_with_points(n: int) -> Callable[[bytes], bytes]:
    """The first buurt drawn with n points on a small ellipse around its own centre."""

    def edit(data: bytes) -> bytes:
        doc = json.loads(data)
        feature = doc["features"][0]
        cx, cy = np.array(feature["geometry"]["coordinates"][0][0])
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        ring = np.round(np.column_stack([cx + 0.002 * np.cos(t), cy + 0.0013 * np.sin(t)]), 7).tolist()
        feature["geometry"] = {"type": "Polygon", "coordinates": [ring + ring[:1]]}
        return json.dumps(doc).encode()

    return edit


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    file: str  # the file to break, relative to the demo folder
    edit: Callable[[bytes], bytes] | None  # None: the file is removed from disk
    expected: tuple[str, ...]  # every one of these must appear in the problem lines
    limits: dict[str, int] = field(default_factory=dict)  # module constants lowered for this case


CASES = [
    Case("empty", "jeugd_begroting", "jeugd/begroting.csv", lambda d: b"", ("begroting.csv", "leeg")),
    Case("truncated", "politie_misdrijven", "politie/47018NED/PolRegCrime47018_2023.csv", _truncate, ("PolRegCrime47018_2023.csv", "afgebroken")),
    Case("binary", "meldingen", "meldingen/meldingen.csv", lambda d: b"PK\x03\x04\x00\x00" + d[:200], ("meldingen.csv", "binair", "CSV UTF-8")),
    Case("wrong encoding", "zwolle_portaal", "zwolle/demographics-buurt-2024.csv", _cp1252, ("demographics-buurt-2024.csv:2", "geen UTF-8", "0xef")),
    Case("renamed header", "jeugd_declaraties", "jeugd/declaraties_2025.csv", _renamed_header("bedrag", "bedrag_eur"), ("declaraties_2025.csv:1", "'bedrag' ontbreekt", "bedrag_eur")),
    Case("impossible date", "jeugd_toewijzingen", "jeugd/toewijzingen.csv", _replace_line(2, "2009-05-19", "2009-02-30"), ("toewijzingen.csv:2", "begindatum", "2009-02-30", "JJJJ-MM-DD")),
    Case("text in a number", "cbs_woningvoorraad", "cbs/81955NED/cbs_woningvoorraad_gemeenten.csv", lambda d: re.sub(rb";GM0193;2020JJ00;(\d+);", rb";GM0193;2020JJ00;veel;", d, count=1), ("cbs_woningvoorraad_gemeenten.csv", "BeginstandVoorraad", "veel")),
    Case("unknown buurt code", "meldingen", "meldingen/meldingen.csv", lambda d: re.sub(rb"BU0193\d{4}", b"BU01939990", d, count=1), ("meldingen.csv:2", "buurt_code", "onbekende buurtcode", "BU01939990")),
    Case("missing file", "woningbouwprojecten", "projecten/woningbouwprojecten.csv", None, ("woningbouwprojecten.csv", "niet gevonden")),
    # Files that would exhaust a parser: a field of megabytes, a million columns, NUL bytes, JSON
    # nested or numbered beyond Python's limits, NaN, a JSON file of gigabytes.
    Case("2 MB in a cell (portaal, csv module)", "zwolle_portaal", "zwolle/demographics-buurt-2024.csv", _big_cell(4, b";"),
         ("demographics-buurt-2024.csv:4", "kolom 'woningen [woonruimten]'", "veld is te lang (2.000.0", "aanhalingsteken")),
    Case("2 MB in quotes over lines (portaal, csv module)", "zwolle_portaal", "zwolle/demographics-buurt-2024.csv", _big_quoted_cell(3, b";"),
         ("demographics-buurt-2024.csv:3", "veld is te lang")),
    Case("2 MB in a cell (own format, polars)", "meldingen", "meldingen/meldingen.csv", _big_cell(4, b","),
         ("meldingen.csv:4", "kolom 'datum'", "veld is te lang (2.000.0")),
    Case("2 MB in quotes over lines (own format, polars)", "meldingen", "meldingen/meldingen.csv", _big_quoted_cell(5, b","),
         ("meldingen.csv:5", "kolom 'melding_id'", "veld is te lang")),
    Case("2 MB in a cell (CBS data)", "cbs_woningvoorraad", "cbs/81955NED/cbs_woningvoorraad_gemeenten.csv", _big_cell(3, b";"),
         ("cbs_woningvoorraad_gemeenten.csv:3", "kolom 'Gebruiksfunctie'", "veld is te lang")),
    Case("2 MB in quotes over lines (CBS metadata)", "politie_misdrijven", "politie/47018NED/SoortMisdrijf.csv", _big_quoted_cell(2, b","),
         ("SoortMisdrijf.csv:2", "veld is te lang")),
    Case("2 MB in a cell (plancapaciteit)", "plancapaciteit", "plancapaciteit/plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv", _big_cell(2, b","),
         ("plancapaciteit_nl.csv:2", "kolom 'gemeente'", "veld is te lang")),
    Case("a million columns", "meldingen", "meldingen/meldingen.csv", lambda d: d.replace(b"\n", b"," * 1_000_000 + b"\n", 1),
         ("meldingen.csv:1", "kopregel heeft 1.000.00", "hooguit 2.000 kolommen")),
    Case("NUL byte after the first 4 KB", "jeugd_toewijzingen", "jeugd/toewijzingen.csv", _insert_at(50_000, b"\x00"),
         ("toewijzingen.csv:", "NUL-teken", "opnieuw")),
    Case("UTF-16 export", "jeugd_begroting", "jeugd/begroting.csv", lambda d: d.decode("utf-8").encode("utf-16"),
         ("begroting.csv:1", "UTF-16", "UTF-8")),
    Case("JSON nested 100.000 deep", "cbs_kwb", "cbs/kwb/85984NED/TypedDataSet.json", _nested(100_000),
         ("TypedDataSet.json", "te diep genest")),
    Case("a number of 5.000 digits", "cbs_kwb", "cbs/kwb/85984NED/TypedDataSet.json", _first_number(b"9" * 5000),
         ("TypedDataSet.json:", "getal met te veel cijfers")),
    Case("NaN in a GeoJSON", "geo_buurten", "geo/buurten_zwolle.geojson", _first_coordinate_nan,
         ("buurten_zwolle.geojson:", "NaN", "geen geldige JSON")),
    Case("GeoJSON with millions of coordinates, over the size limit", "geo_buurten", "geo/buurten_zwolle.geojson", _buurt_with_points(50_000),
         ("buurten_zwolle.geojson", "JSON-bestand is te groot", "ogr2ogr"), limits={"data_sources.readers.MAX_JSON_BYTES": 1_000_000}),
]


def _setup(demo_inputs: Path, tmp_path: Path, case: Case) -> Path:
    demo = demo_inputs.parent
    config = tomllib.loads(demo_inputs.read_text(encoding="utf-8"))
    keep = ["cbs_regios", case.source, *(["jeugd_toewijzingen"] if case.source == "jeugd_declaraties" else [])]
    broken = tmp_path / Path(case.file).name
    lines = ['gemeente = "GM0193"', "peildatum = 2026-11-01", ""]
    for key in dict.fromkeys(keep):
        files = []
        for f in config[key]["files"]:
            if f == case.file:
                if case.edit is not None:
                    broken.write_bytes(case.edit((demo / f).read_bytes()))
                files.append(str(broken))
            else:
                files.append(str(demo / f))
        lines += [f"[{key}]", "files = [" + ", ".join(f'"{f}"' for f in files) + "]", ""]
    path = tmp_path / "inputs.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_gets_a_clear_message(demo_inputs, tmp_path, monkeypatch, case):
    for name, value in case.limits.items():
        monkeypatch.setattr(name, value)
    toml = _setup(demo_inputs, tmp_path, case)
    try:
        loaded = inputs.load(toml)
    except inputs.InputError as e:  # problems found in inputs.toml itself (the missing file)
        lines = e.problems.lines()
    else:
        _, problems = read_all(loaded, progress=lambda m: None)
        lines = problems.lines()
    text = "\n".join(lines)
    assert lines, f"{case.name}: no problem reported"
    for needle in case.expected:
        assert needle in text, f"{case.name}: {needle!r} not in:\n{text}"
    assert "Traceback" not in text
    assert len(lines) <= 25, "one line per problem, at most 20 per file plus a count"


def test_every_case_breaks_a_real_demo_file(demo_inputs):
    demo = demo_inputs.parent
    for case in CASES:
        assert (demo / case.file).is_file(), case.file


def test_a_2mb_cell_is_exit_2_with_one_line_not_a_traceback(demo_inputs, tmp_path, capsys):
    """Issue 13: the CLI said 'field larger than field limit' with a traceback and exit 1."""
    case = next(c for c in CASES if c.name.startswith("2 MB in a cell (portaal"))
    assert main(["check", "--inputs", str(_setup(demo_inputs, tmp_path, case))]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "field larger" not in err
    assert "demographics-buurt-2024.csv:4, kolom 'woningen [woonruimten]': veld is te lang" in err


TOML_CASES = {
    "nested 100.000 deep": ("a = " + "[" * 100_000 + "]" * 100_000, "te diep genest"),
    "a number of 5.000 digits": ("a = " + "9" * 5000, "te veel cijfers"),
    "not UTF-8": (b"gemeente = '\xe9'", "geen UTF-8"),
    "syntax": ('gemeente = "GM0193', "geen geldige TOML"),
}


@pytest.mark.parametrize(("text", "expected"), TOML_CASES.values(), ids=TOML_CASES.keys())
def test_bad_inputs_toml_is_exit_2(tmp_path, capsys, text, expected):
    path = tmp_path / "inputs.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert main(["check", "--inputs", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_a_buurt_of_hundreds_of_thousands_of_points_is_read_and_stored_small(demo_inputs, tmp_path):
    """Millions of coordinates are not bad input as such: within the size limit the shape is simplified."""
    case = Case("detailed buurt", "geo_buurten", "geo/buurten_zwolle.geojson", _buurt_with_points(300_000), ())
    toml = _setup(demo_inputs, tmp_path, case)
    loaded, problems = read_all(inputs.load(toml), progress=lambda m: None)
    assert not problems, problems.lines()
    geo = next(item.tables for item in loaded if item.key == "geo_buurten")["geo_buurten"]
    assert geo.height == 78
    assert geo["geometry"].str.len_bytes().max() < 50_000


def test_utf8_and_long_lines_are_found_past_the_fast_paths(tmp_path):
    # The reader skips ASCII chunks and lines it can prove short: a broken byte or a long field
    # deep in a large file, and a character cut at a chunk edge, must still come out right.
    from data_sources import readers
    from data_sources.problems import Problems

    chunk = readers._CHUNK
    cut = b"a" * (chunk - 1) + "é".encode("utf-8") + b"\nb\n"  # é straddles the chunk edge
    readers._check_utf8(cut)
    broken = b"x;y\n" + b"1;2\n" * (chunk // 4 + 10) + b"3;\xe9\n"
    path = tmp_path / "groot.csv"
    path.write_bytes(broken)
    problems = Problems()
    assert readers.read_bytes(path, problems) is None
    assert f"groot.csv:{chunk // 4 + 12}" in "\n".join(problems.lines()) and "0xe9" in "\n".join(problems.lines())
    long = b"x;y\n" + b"1;2\n" * 100_000 + b"3;" + b"z" * (readers.MAX_FIELD_CHARS + 1) + b"\n4;5\n"
    problems = Problems()
    assert not readers.check_csv_text(path, long, ";", problems)
    assert ":100002" in "\n".join(problems.lines()) and "y" in "\n".join(problems.lines())
    assert readers.check_csv_text(path, b"x;y\n" + b"1;2\n" * 100_000 + b"3;" + b"z" * readers.MAX_FIELD_CHARS + b"\n", ";", Problems())
    assert readers.read_bytes(tmp_path / "leeg.csv", problems) is None
    (tmp_path / "wit.csv").write_bytes(b" \r\n\t\n")
    problems = Problems()
    assert readers.read_bytes(tmp_path / "wit.csv", problems) is None and "leeg" in "\n".join(problems.lines())


def test_keys_in_order_skip_the_duplicate_search_but_nothing_else():
    # A key column in strictly increasing order proves itself unique; anything else (a repeat
    # next to itself, a repeat out of order, an empty key) still goes through the full search.
    import polars as pl

    from data_sources.problems import Problems
    from data_sources.schema import Column, Schema, unique_by_order

    assert unique_by_order(pl.Series(["A1", "A2", "B1"])) and unique_by_order(pl.Series([], dtype=pl.String))
    assert not unique_by_order(pl.Series(["A1", "A1", "B1"]))
    assert not unique_by_order(pl.Series(["A1", None, "B1"]))
    schema = Schema("t", (Column("id", "str", "id", nullable=True),), key=("id",))
    for ids, line in ((["A1", "A2", "A2", "B1"], 4), (["B1", "A1", "C1", "A1"], 3), (["A1", None, None], 3)):
        problems = Problems()
        schema.coerce(pl.DataFrame({"id": ids}), "f.csv", problems)
        assert any("sleutel komt meer dan eens voor" in p and f"f.csv:{line}" in p for p in problems.lines()), (ids, problems.lines())
