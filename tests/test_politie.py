"""Politie misdrijven (47018NED/47022NED) and overlast (47024NED) on the real public files."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from data_sources import politie_misdrijven, politie_overlast
from data_sources.problems import Problems
from data_sources.source import Context

DIR = "cbs_47018NED_misdrijven_buurt_2023"
DATA = "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv"


def read(source, files, gemeente="GM0193"):
    ctx = Context(gemeente=gemeente, problems=Problems())
    return source.read(files, ctx), ctx.problems


def only(problems: Problems, text: str):
    found = [p for p in problems.items if text in p.message]
    assert len(found) == 1, [str(p) for p in problems.items]
    return found[0]


@pytest.fixture
def real(realdata) -> Path:
    return realdata / DIR


def totals(tables) -> dict[str, int]:
    m = tables["misdrijven"].filter(pl.col("soort_code") == "0.0.0")
    return dict(m.select("regio_code", "aantal").iter_rows())


def check_zwolle(tables):
    per_buurt = totals(tables)
    assert len(per_buurt) == 78 and sum(per_buurt.values()) == 6827
    assert per_buurt["BU01931000"] == 741 and per_buurt["BU01931300"] == 576
    per_wijk: dict[str, int] = {}
    for buurt, n in per_buurt.items():
        wijk = "WK" + buurt[2:8]
        per_wijk[wijk] = per_wijk.get(wijk, 0) + n
    assert (per_wijk["WK019313"], per_wijk["WK019310"], per_wijk["WK019352"]) == (1447, 1015, 16)


def test_zwolle_2023_from_cbsodatar_csv(real):
    tables, problems = read(politie_misdrijven, [real / DATA, real / "SoortMisdrijf.csv"])
    assert not problems
    check_zwolle(tables)
    m = tables["misdrijven"]
    assert m.select(pl.col("periode_code").unique()).to_series().to_list() == ["2023JJ00"]
    assert m.select("jaar", "maand", "kwartaal", "regio_niveau", "gemeente_code").unique().rows() == [(2023, None, None, "buurt", "GM0193")]


@pytest.mark.parametrize(("gemeente", "total", "buurt", "largest"), [("GM0150", 4787, "BU01500101", 582), ("GM0166", 1628, None, 303)])
def test_held_out_gemeenten(real, gemeente, total, buurt, largest):
    tables, problems = read(politie_misdrijven, [real / DATA], gemeente)
    assert not problems
    per_buurt = totals(tables)
    assert sum(per_buurt.values()) == total and max(per_buurt.values()) == largest
    assert buurt is None or per_buurt[buurt] == largest
    assert all(k.startswith("BU" + gemeente[2:]) for k in per_buurt)


def test_same_numbers_from_typed_dataset_json(real, tmp_path):
    raw = pl.read_csv(real / DATA, infer_schema=False)
    records = [
        {"ID": int(r[""]), "SoortMisdrijf": r["SoortMisdrijf"], "WijkenEnBuurten": r["WijkenEnBuurten"], "Perioden": r["Perioden"],
         "GeregistreerdeMisdrijven_1": int(r["GeregistreerdeMisdrijven_1"]), "Gemeentenaam_2": r["Gemeentenaam_2"], "SoortRegio_3": r["SoortRegio_3"]}
        for r in raw.iter_rows(named=True)
    ]
    path = tmp_path / "TypedDataSet.json"
    path.write_text(json.dumps({"odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/47018NED/$metadata", "value": records}))
    tables, problems = read(politie_misdrijven, [path])
    assert not problems
    check_zwolle(tables)


def test_same_numbers_from_cbsodata_names_with_the_dimension_files(real, tmp_path):
    raw = pl.read_csv(real / DATA, infer_schema=False)
    names = raw.select(
        pl.col("").alias("ID"),
        pl.col("SoortMisdrijf_label").alias("SoortMisdrijf"),
        pl.col("WijkenEnBuurten_label").alias("WijkenEnBuurten"),
        pl.col("Perioden_label").alias("Perioden"),
        "GeregistreerdeMisdrijven_1", "Gemeentenaam_2", "SoortRegio_3",
    )
    path = tmp_path / "cbsodata.csv"
    names.write_csv(path)
    dims = [real / "SoortMisdrijf.csv", real / "WijkenEnBuurten_subset.csv"]
    tables, problems = read(politie_misdrijven, [path, *dims])
    assert not problems
    check_zwolle(tables)
    # Kampen has wijk and buurt 'Mastenbroek' and Zwolle a buurt of that name; Gemeentenaam settles it
    kampen, problems = read(politie_misdrijven, [path, *dims], "GM0166")
    assert not problems and sum(totals(kampen).values()) == 1628


def test_names_without_dimension_file_say_which_file_to_add(real, tmp_path):
    raw = pl.read_csv(real / DATA, infer_schema=False)
    path = tmp_path / "cbsodata.csv"
    raw.with_columns(pl.col("WijkenEnBuurten_label").alias("WijkenEnBuurten")).drop("WijkenEnBuurten_label").write_csv(path)
    _, problems = read(politie_misdrijven, [path])
    p = only(problems, "regionamen in plaats van CBS-codes")
    assert (p.line, p.column, p.value) == (2, "WijkenEnBuurten", "Centrum")
    assert "WijkenEnBuurten.csv" in p.expected


def test_soorten_from_the_dimension(real):
    tables, _ = read(politie_misdrijven, [real / DATA, real / "SoortMisdrijf.csv"])
    soorten = {r["soort_code"]: r for r in tables["soorten_misdrijf"].iter_rows(named=True)}
    assert len(soorten) == 59
    assert soorten["1.1.1"]["titel"] == "Diefstal/inbraak woning" and soorten["1.1.1"]["high_impact"]
    assert soorten["1.1.1"]["omschrijving"].startswith("A20 Gekwal. Diefstal in/uit woning")
    assert soorten["0.0.0"]["titel"] == "Totaal misdrijven" and not soorten["0.0.0"]["high_impact"]
    assert {k for k, r in soorten.items() if r["high_impact"]} == set(politie_misdrijven.HIGH_IMPACT)
    assert soorten["2.5.2"]["hoofdgroep"] == "Leefbaarheid" and soorten["3.9.1"]["hoofdgroep"] == "Integriteit"


def test_soorten_from_cbsodatar_labels_without_dimension(real):
    tables, _ = read(politie_misdrijven, [real / DATA])
    assert tables["soorten_misdrijf"].rows() == [("0.0.0", "Totaal misdrijven", None, "Totaal", False)]


def test_monthly_table(tmp_path):
    path = tmp_path / "47022NED.csv"
    path.write_text(
        '"","SoortMisdrijf","SoortMisdrijf_label","WijkenEnBuurten","WijkenEnBuurten_label","Perioden","Perioden_Date","Perioden_freq","Perioden_label","GeregistreerdeMisdrijven_1","Gemeentenaam_2","SoortRegio_3"\n'
        '"1","0.0.0 ","Totaal misdrijven","NL00      ","Nederland","2023MM01",2023-01-01,"M","2023 januari",66000,"                              ","Land    "\n'
        '"2","1.1.1 ","1.1.1 Diefstal/inbraak woning","GM0193    ","Zwolle","2023MM01",2023-01-01,"M","2023 januari",30,"Zwolle                        ","Gemeente"\n'
        '"3","1.1.1 ","1.1.1 Diefstal/inbraak woning","WK019310  ","Wijk 10 Binnenstad","2023MM02",2023-02-01,"M","2023 februari",4,"Zwolle                        ","Wijk    "\n'
        '"4","1.1.1 ","1.1.1 Diefstal/inbraak woning","GM0150    ","Deventer","2023MM01",2023-01-01,"M","2023 januari",20,"Deventer                      ","Gemeente"\n'
    )
    tables, problems = read(politie_misdrijven, [path])
    assert not problems
    assert tables["misdrijven"].select("regio_code", "regio_niveau", "gemeente_code", "jaar", "maand", "aantal").rows() == [
        ("GM0193", "gemeente", "GM0193", 2023, 1, 30),
        ("NL00", "land", None, 2023, 1, 66000),
        ("WK019310", "wijk", "GM0193", 2023, 2, 4),
    ]


# --- bad input: every message names file, line, column, value found and what is expected ----------


def edited(real: Path, tmp_path: Path, edit) -> Path:
    lines = (real / DATA).read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / DATA
    path.write_text("".join(edit(lines)), encoding="utf-8")
    return path


def test_padded_and_unpadded_keys_read_the_same(real, tmp_path):
    path = edited(real, tmp_path, lambda ls: [ls[0]] + [ln.replace('"BU01931000"', '"BU01931000  "').replace('"0.0.0 "', '"0.0.0"') for ln in ls[1:]])
    tables, problems = read(politie_misdrijven, [path])
    assert not problems
    check_zwolle(tables)


def test_renamed_topic_column(real, tmp_path):
    path = edited(real, tmp_path, lambda ls: [ls[0].replace("GeregistreerdeMisdrijven_1", "Misdrijven")] + ls[1:])
    tables, problems = read(politie_misdrijven, [path])
    assert tables == {}
    p = only(problems, "ontbreekt")
    assert (p.file, p.line, p.column, p.value) == (str(path), 1, "Misdrijven", "Misdrijven")
    assert "GeregistreerdeMisdrijven_1" in p.message and "hernoem 'Misdrijven' terug naar 'GeregistreerdeMisdrijven_1'" in p.expected


def test_text_in_a_count(real, tmp_path):
    path = edited(real, tmp_path, lambda ls: [ln.replace('"2023",741,', '"2023",zeven,') for ln in ls])
    _, problems = read(politie_misdrijven, [path])
    p = only(problems, "geen geheel getal")
    line = next(i for i, ln in enumerate((real / DATA).read_text().splitlines(), 1) if '"2023",741,' in ln)
    assert (p.file, p.line, p.column, p.value) == (str(path), line, "GeregistreerdeMisdrijven_1", "zeven")
    assert "geheel getal" in p.expected


def test_unknown_period_code(real, tmp_path):
    path = edited(real, tmp_path, lambda ls: ls[:2] + [ls[2].replace('"2023JJ00"', '"2023XX00"')] + ls[3:])
    _, problems = read(politie_misdrijven, [path], "GM0150")
    p = only(problems, "onbekende periodecode")
    assert (p.line, p.column, p.value) == (3, "Perioden", "2023XX00") and "2023MM01" in p.expected


def test_unknown_gemeente(real):
    tables, problems = read(politie_misdrijven, [real / DATA], "GM9999")
    p = only(problems, "komt niet voor")
    assert p.message.endswith("aanwezig: GM0150, GM0166, GM0193")
    assert (p.column, p.value) == ("WijkenEnBuurten", "GM9999") and "inputs.toml" in p.expected
    assert tables["misdrijven"].height == 0


def test_truncated_csv(real, tmp_path):
    text = (real / DATA).read_text(encoding="utf-8")
    path = tmp_path / DATA
    path.write_text(text[: text.rindex("2023-01-01") + len("2023-01")], encoding="utf-8")
    tables, problems = read(politie_misdrijven, [path])
    p = only(problems, "afgebroken")
    assert (p.file, p.line) == (str(path), 184)
    assert p.column == "Perioden_Date" and p.value == "2023-01" and "12 velden" in p.expected
    assert tables["misdrijven"].height == 77  # the complete lines are still read


def test_empty_file(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_text("\n")
    tables, problems = read(politie_misdrijven, [path])
    p = only(problems, "leeg")
    assert p.file == str(path) and p.expected
    assert tables == {}


def test_overlapping_exports_are_reported(real):
    _, problems = read(politie_misdrijven, [real / DATA, real / DATA])
    p = next(p for p in problems.items if "meer dan eens" in p.message)
    assert p.column == "soort_code+periode_code+regio_code" and p.value.startswith("0.0.0/2023JJ00/BU0193")


# --- overlast (47024NED) -------------------------------------------------------------------------


def test_overlast_dimension_is_the_real_one(realdata, tmp_path):
    path = tmp_path / "47024NED.json"
    path.write_text(json.dumps({"value": [
        {"ID": 0, "Overlast": "0.0.0 ", "WijkenEnBuurten": "GM0193    ", "Perioden": "2023MM01", "GeregistreerdeOverlast_1": 900, "Gemeentenaam_2": "Zwolle", "SoortRegio_3": "Gemeente"},
    ]}))
    tables, problems = read(politie_overlast, [path, realdata / "cbs_politie_overlast_codes" / "Overlast.csv"])
    assert not problems
    soorten = {r["soort_code"]: r for r in tables["soorten_overlast"].iter_rows(named=True)}
    assert len(soorten) == 9  # Totaal plus 8 kinds; no more in the real file
    assert soorten["E33"]["titel"] == "Overlast door verward persoon"
    assert soorten["E35"]["omschrijving"].startswith("Iedere melding waarbij wordt geklaagd over jeugd")
    assert soorten["0.0.0"]["titel"] == "Totaal registraties overlast" and soorten["0.0.0"]["omschrijving"] is None
    assert set(soorten) == {"0.0.0", "E33", "E35", "E38", "E41", "F010", "M061", "M062", "M22"}


OVERLAST_HEADER = '"","Overlast","Overlast_label","WijkenEnBuurten","WijkenEnBuurten_label","Perioden","Perioden_Date","Perioden_freq","Perioden_label","GeregistreerdeOverlast_1","Gemeentenaam_2","SoortRegio_3"\n'


def overlast_row(i, soort, regio, periode, n, gemeente, soort_regio):
    return f'"{i}","{soort:<6}","x","{regio:<10}","x","{periode}",2023-01-01,"M","x",{n},"{gemeente:<30}","{soort_regio:<8}"\n'


def test_overlast_reader(tmp_path):
    path = tmp_path / "overlast.csv"
    path.write_text(OVERLAST_HEADER + "".join([
        overlast_row(1, "0.0.0", "NL00", "2023MM01", 37000, "", "Land"),
        overlast_row(2, "E33", "GM0193", "2023MM01", 120, "Zwolle", "Gemeente"),
        overlast_row(3, "E33", "BU01931000", "2023MM01", 15, "Zwolle", "Buurt"),
        overlast_row(4, "E33", "BU01931010", "2023MM01", ".", "Zwolle", "Buurt"),
        overlast_row(5, "E33", "BU01500101", "2023MM01", 9, "Deventer", "Buurt"),
    ]))
    tables, problems = read(politie_overlast, [path])
    assert not problems
    assert tables["overlast"].select("periode_code", "maand", "regio_code", "regio_niveau", "soort_code", "aantal").rows() == [
        ("2023MM01", 1, "BU01931000", "buurt", "E33", 15),
        ("2023MM01", 1, "BU01931010", "buurt", "E33", None),
        ("2023MM01", 1, "GM0193", "gemeente", "E33", 120),
        ("2023MM01", 1, "NL00", "land", "0.0.0", 37000),
    ]


def test_overlast_bad_category_and_count(tmp_path, realdata):
    path = tmp_path / "overlast.csv"
    path.write_text(OVERLAST_HEADER + overlast_row(1, "E99", "GM0193", "2023MM01", 5, "Zwolle", "Gemeente") + overlast_row(2, "E33", "GM0193", "2023MM02", '"5,5"', "Zwolle", "Gemeente"))
    _, problems = read(politie_overlast, [path, realdata / "cbs_politie_overlast_codes" / "Overlast.csv"])
    p = only(problems, "onbekende soort overlast")
    assert (p.line, p.column, p.value) == (2, "Overlast", "E99") and "Overlast.csv" in p.expected
    p = only(problems, "geen geheel getal")
    assert (p.line, p.column, p.value) == (3, "GeregistreerdeOverlast_1", "5,5")
