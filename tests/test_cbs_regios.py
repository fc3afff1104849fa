"""The CBS wijk- en buurtindeling from the real WijkenEnBuurten dimension of 47018NED."""

from __future__ import annotations

import json
from functools import partial

import polars as pl
import pytest

from data_sources import cbs_regios
from tests.helpers import only, read_source

DIMENSION = "cbs_47018NED_misdrijven_buurt_2023/WijkenEnBuurten_subset.csv"

read = partial(read_source, cbs_regios)


def test_zwolle(realdata):
    tables, problems = read([realdata / DIMENSION])
    assert not problems
    wijken, buurten = tables["wijken"], tables["buurten"]
    assert wijken["wijk_code"].to_list()[0] == "WK019310" and wijken["wijk_code"].to_list()[-1] == "WK019352"
    assert wijken.height == 16 and "WK019301" not in wijken["wijk_code"].to_list()
    assert buurten.height == 78
    row = buurten.filter(pl.col("buurt_code") == "BU01931000").row(0, named=True)
    assert row == {"buurt_code": "BU01931000", "buurt_naam": "Binnenstad-Zuid", "wijk_code": "WK019310", "gemeente_code": "GM0193"}
    assert dict(wijken.select("wijk_code", "wijk_naam").iter_rows())["WK019322"] == "Wijk 22 Stadshagen"
    per_wijk = dict(buurten.group_by("wijk_code").len().iter_rows())
    assert per_wijk["WK019313"] == 7 and per_wijk["WK019352"] == 2
    assert tables["gemeenten"].rows() == [("GM0150", "Deventer"), ("GM0166", "Kampen"), ("GM0193", "Zwolle")]


def test_deventer_numbers_its_wijken_from_01(realdata):
    tables, problems = read([realdata / DIMENSION], "GM0150")
    assert not problems
    assert tables["wijken"]["wijk_code"].to_list()[0] == "WK015001"
    assert tables["buurten"].filter(pl.col("buurt_code") == "BU01500101")["wijk_code"].to_list() == ["WK015001"]
    assert tables["buurten"].height == 69 and set(tables["buurten"]["gemeente_code"]) == {"GM0150"}


def test_odata_json_dimension_reads_the_same(realdata, tmp_path):
    rows = pl.read_csv(realdata / DIMENSION, infer_schema=False).to_dicts()
    path = tmp_path / "WijkenEnBuurten.json"
    path.write_text(json.dumps({"odata.metadata": "https://opendata.cbs.nl/ODataApi/OData/47018NED/$metadata#Cbs.OData.WebAPI.WijkenEnBuurten", "value": rows}))
    from_json, problems = read([path])
    assert not problems
    from_csv, _ = read([realdata / DIMENSION])
    assert all(from_json[t].equals(from_csv[t]) for t in from_csv)


def test_buurt_whose_wijk_is_missing(realdata, tmp_path):
    text = (realdata / DIMENSION).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    path = tmp_path / "WijkenEnBuurten.csv"
    path.write_text("".join(ln for ln in lines if not ln.startswith('"WK019352')), encoding="utf-8")
    tables, problems = read([path])
    found = [p for p in problems.items if "WK019352" in p.message]
    assert len(found) == 2  # both buurten of wijk 52
    p = found[0]
    expected_line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if ln.startswith('"BU01935200'))
    assert (p.file, p.line, p.column, p.value) == (str(path), expected_line, "Key", "BU01935200")
    assert "WK019352" in p.expected


def test_gemeente_not_in_the_file(realdata):
    tables, problems = read([realdata / DIMENSION], "GM9999")
    p = only(problems, "komt niet voor")
    assert p.message.endswith("aanwezig: GM0150, GM0166, GM0193") and (p.column, p.value) == ("Key", "GM9999")
    assert tables["wijken"].height == 0


@pytest.mark.parametrize("name", ["cbs_47018NED_misdrijven_buurt_2023/PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv", "cbs_47018NED_misdrijven_buurt_2023/SoortMisdrijf.csv"])
def test_other_files_are_refused(realdata, name):
    tables, problems = read([realdata / name])
    assert tables == {}
    assert len(problems.items) == 1 and "WijkenEnBuurten" in problems.items[0].expected
