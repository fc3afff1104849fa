"""Bad input, case by case: every kind of broken file gets one clear line, never a traceback.

Each row takes one demo file (real format), breaks it the way real exports break, and states
what the message must say. The rest of the inputs are the untouched demo files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from data_sources import inputs
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


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    file: str  # the file to break, relative to the demo folder
    edit: Callable[[bytes], bytes] | None  # None: the file is removed from disk
    expected: tuple[str, ...]  # every one of these must appear in the problem lines


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
def test_bad_input_gets_a_clear_message(demo_inputs, tmp_path, case):
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
