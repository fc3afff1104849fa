"""Shared CBS OData reading: codes, file shapes, values, and the whole build from real CBS files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from data_sources import cbs_odata as cbs
from data_sources import inputs
from data_sources.build import build
from data_sources.problems import InputError, Problems

MISDRIJVEN = "cbs_47018NED_misdrijven_buurt_2023"
WONINGVOORRAAD = "housing_woningvoorraad_plancapaciteit/cbs_woningvoorraad_gemeenten_2012-2020.csv"


def only(problems: Problems, text: str):
    found = [p for p in problems.items if text in p.message]
    assert len(found) == 1, [str(p) for p in problems.items]
    return found[0]


@pytest.mark.parametrize(
    ("title", "key"),
    [("2023", "2023JJ00"), ("2023*", "2023JJ00"), ("2023 januari", "2023MM01"), ("2024 december**", "2024MM12"), ("2023 3e kwartaal", "2023KW03")],
)
def test_period_titles_as_cbsodata_writes_them(title, key):
    assert cbs.period_from_title(title) == key


@pytest.mark.parametrize("value", ["2023X000", "2023MM13", "2023KW05", "2023HJ01", "23JJ00"])
def test_unknown_period_codes_are_not_codes(value):
    assert cbs.period_resolver(cbs.CbsFiles())(value)[0] is None


def test_period_columns():
    frame = cbs.with_period(pl.DataFrame({"p": ["2023JJ00", "2023MM07", "2022KW04"]}), "p")
    assert frame.select("jaar", "maand", "kwartaal").rows() == [(2023, None, None), (2023, 7, None), (2022, None, 4)]


def test_regio_level_and_gemeente_come_from_the_code_prefix():
    codes = ["NL00", "GM0193", "WK019310", "BU01931000", "WK015001", "BU01500101", "WK0363AA", "PV23"]
    frame = cbs.with_regio(pl.DataFrame({"c": codes}), "c")
    assert frame.select("regio_niveau", "gemeente_code").rows() == [
        ("land", None),
        ("gemeente", "GM0193"),
        ("wijk", "GM0193"),
        ("buurt", "GM0193"),
        ("wijk", "GM0150"),
        ("buurt", "GM0150"),
        ("wijk", "GM0363"),
        (None, None),
    ]


def test_metadata_is_recognised_by_shape_not_by_name(realdata, tmp_path):
    source = realdata / MISDRIJVEN
    renamed = {}
    for name in ("DataProperties.csv", "TableInfos.csv", "SoortMisdrijf.csv", "WijkenEnBuurten_subset.csv", "Perioden.csv"):
        renamed[name] = tmp_path / f"bestand_{len(renamed)}.csv"
        renamed[name].write_bytes((source / name).read_bytes())
    (tmp_path / "data.json").write_text(json.dumps({"value": [{"ID": 0, "WijkenEnBuurten": "GM0193    "}]}))
    found = cbs.read_files([*renamed.values(), tmp_path / "data.json"], Problems())
    assert [m.path for m in found.properties] == [renamed["DataProperties.csv"]]
    assert [m.path for m in found.infos] == [renamed["TableInfos.csv"]]
    assert {d.path: d.kind for d in found.dimensions} == {
        renamed["SoortMisdrijf.csv"]: "categorie",
        renamed["WijkenEnBuurten_subset.csv"]: "regio",
        renamed["Perioden.csv"]: "periode",
    }
    assert [d.path for d in found.data] == [tmp_path / "data.json"]
    keys = found.of_kind("categorie")[0].frame["Key"].to_list()
    assert "1.1.1" in keys and "0.0.0" in keys  # padding ("1.1.1 ") stripped


def test_multiline_descriptions_keep_their_first_line_number(realdata):
    found = cbs.read_files([realdata / MISDRIJVEN / "SoortMisdrijf.csv"], Problems())
    lines = dict(found.dimensions[0].frame.select("Key", cbs.LINE).iter_rows())
    assert lines["0.0.0"] == 2 and lines["1.1.1"] == 3 and lines["1.1.2"] == 9


def test_values_secret_markers_and_pandas_floats(tmp_path):
    df = cbs.DataFile(tmp_path / "x.csv", pl.DataFrame({"a": ["1", " . ", "NA", "", "582.0", "abc"], cbs.LINE: [2, 3, 4, 5, 6, 7]}), records=False)
    problems = Problems()
    typed = cbs.numbers(df, df.frame, {"a": "int"}, problems)
    assert typed["a"].to_list() == [1, None, None, None, 582, None]
    p = only(problems, "geen geheel getal")
    assert (p.line, p.column, p.value) == (7, "a", "abc") and "geheim" in p.expected


def test_json_problems_name_the_record(tmp_path):
    df = cbs.DataFile(tmp_path / "x.json", pl.DataFrame({"a": ["1", "x"], cbs.LINE: [1, 2]}), records=True)
    problems = Problems()
    cbs.numbers(df, df.frame, {"a": "float"}, problems)
    p = only(problems, "record 2")
    assert p.line is None and p.column == "a" and p.value == "x"


def test_partial_odata_page_is_refused(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"value": [{"ID": 0}], "odata.nextLink": "https://opendata.cbs.nl/ODataApi/OData/47018NED/TypedDataSet?$skip=10000"}))
    problems = Problems()
    cbs.read_files([path], problems)
    p = only(problems, "maar een deel van de tabel")
    assert p.column == "odata.nextLink" and "skip=10000" in p.value and "alle pagina" in p.expected


def test_unknown_json_shape(tmp_path):
    path = tmp_path / "derived.json"
    path.write_text(json.dumps({"GM0193": {"AantalInwoners_5": 1}}))
    problems = Problems()
    assert not cbs.read_files([path], problems).data
    assert "value" in only(problems, "onbekende JSON-vorm").expected


def _inputs(tmp_path: Path, realdata: Path, gemeente: str) -> inputs.Inputs:
    m = realdata / MISDRIJVEN
    toml = tmp_path / "inputs.toml"
    toml.write_text(
        f'gemeente = "{gemeente}"\npeildatum = 2024-06-01\n\n'
        f'[cbs_regios]\nfiles = ["{m / "WijkenEnBuurten_subset.csv"}"]\n\n'
        f'[politie_misdrijven]\nfiles = ["{m / "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv"}", "{m / "SoortMisdrijf.csv"}"]\n\n'
        f'[cbs_woningvoorraad]\nfiles = ["{realdata / WONINGVOORRAAD}"]\n',
        encoding="utf-8",
    )
    return inputs.load(toml)


@pytest.mark.parametrize(
    ("gemeente", "wijken", "buurten", "misdrijven", "eindstand_2020"),
    [("GM0193", 16, 78, 6827, 59491), ("GM0150", 15, 69, 4787, 46224)],
)
def test_build_from_real_cbs_files(realdata, tmp_path, gemeente, wijken, buurten, misdrijven, eindstand_2020):
    db = tmp_path / "w.duckdb"
    build(_inputs(tmp_path, realdata, gemeente), db, progress=lambda msg: None)
    con = duckdb.connect(str(db), read_only=True)

    def q(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    assert q("SELECT count(*) FROM wijken") == [(wijken,)]
    assert q("SELECT count(*) FROM buurten") == [(buurten,)]
    assert q("SELECT count(*) FROM gemeenten") == [(3,)]
    assert q(f"SELECT sum(aantal) FROM misdrijven WHERE gemeente_code = '{gemeente}'") == [(misdrijven,)]
    # every misdrijven buurt is a buurt of the indeling
    assert q("SELECT count(*) FROM misdrijven m ANTI JOIN buurten b ON m.regio_code = b.buurt_code") == [(0,)]
    assert q(f"SELECT eindstand FROM woningvoorraad WHERE gemeente_code = '{gemeente}' AND jaar = 2020") == [(eindstand_2020,)]
    assert q("SELECT count(DISTINCT gemeente_code) FROM woningvoorraad")[0][0] > 400
    assert q("SELECT count(*) FROM soorten_misdrijf WHERE high_impact") == [(8,)]
    checks = dict(q("SELECT check_name || '@' || table_name, status FROM quality_checks WHERE dataset = 'cbs_woningvoorraad'"))
    assert checks["sum_matches:eindstand@woningvoorraad"] == "pass"
    assert checks["sum_matches:saldo@woningvoorraad"] == "pass"
    con.close()


def test_build_for_a_gemeente_not_in_the_files_writes_nothing(realdata, tmp_path):
    db = tmp_path / "w.duckdb"
    with pytest.raises(InputError) as e:
        build(_inputs(tmp_path, realdata, "GM9999"), db, progress=lambda msg: None)
    assert not db.exists()
    text = "\n".join(e.value.problems.lines())
    assert "gemeente GM9999 komt niet voor in PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv; aanwezig: GM0150, GM0166, GM0193" in text
    assert "gemeente GM9999 komt niet voor in de wijk- en buurtindeling" in text
