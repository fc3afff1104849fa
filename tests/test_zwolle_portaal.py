"""cijfersoverzwolle.nl exports -> bevolking: real exports and the ways a file goes wrong."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from data_sources import zwolle_portaal
from data_sources.demo.zwolle import INWONERS, WONINGEN
from tests.test_buurtnamen import context, zwolle_regios

PORTAAL = Path("zwolle_cijfersoverzwolle")
HEADER_2024 = (
    "\ufeffBuurt-naam;woningen [woonruimten];woonruimten totaal [woonruimten] (1);inwoners op 1 januari [personen] (1);"
    "inwoners in de leeftijd van 0-3 jaar [personen] (1);inwoners in de leeftijd van 4-11 jaar [personen] (1);"
    "inwoners in de leeftijd van 12-17 jaar [personen] (1);inwoners in de leeftijd van 18-24 jaar [personen] (1);"
    "inwoners in de leeftijd van 25-39 jaar [personen] (1);inwoners in de leeftijd van 40-54 jaar [personen] (1);"
    "inwoners in de leeftijd van 55-64 jaar [personen] (1);inwoners in de leeftijd van 65-74 jaar [personen] (1);"
    "inwoners in de leeftijd van 75-84 jaar [personen] (1);inwoners in de leeftijd van 85 jaar en ouder [personen] (1);"
    "inwoners in de leeftijd van 0-17 jaar [personen] (1);inwoners in de leeftijd van 18-64 jaar [personen] (1);"
    "inwoners in de leeftijd van 65 jaar en ouder [personen] (1);gemiddeld gestandaardiseerd inkomen per huishouden [euro];"
    "% huishoudens onder 105% van sociaal minimum [%]"
)
ROWS = (
    "Binnenstad-Zuid;1575;1576;2373;36;54;52;467;1012;335;172;133;87;25;142;1986;245;29200;12",
    "De Tippe;135;135;299;18;28;32;30;113;56;13;8;1;0;78;212;9;-;.",
    "Onbekend;-;-;3;0;0;0;0;0;0;0;0;0;0;0;0;0;-;-",
)
FOOTER = (
    ";;;;;;;;;;;;;;;;;;",
    "Speciale waarden;. Verborgen waarde;;;;;;;;;;;;;;;;;",
    ";- Niet van toepassing;;;;;;;;;;;;;;;;;",
    "Bron;BAG;;;;;;;;;;;;;;;;;",
    "Voetnoot;;;;;;;;;;;;;;;;;;",
    "(1);Cijfers van 2025 zijn voorlopig.;;;;;;;;;;;;;;;;;",
    "Datum export;woensdag 19 maart 2025;;;;;;;;;;;;;;;;;",
)


def export(tmp_path: Path, name: str = "demographics-buurt-2024.csv", header: str = HEADER_2024, rows=ROWS, footer=FOOTER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows, *footer]) + "\n", encoding="utf-8")
    return path


def read(files, ctx=None) -> tuple[pl.DataFrame, list[str], list[str]]:
    ctx = ctx or context(zwolle_regios())
    table = zwolle_portaal.read(files, ctx)["bevolking"]
    return table, ctx.problems.lines(), ctx.messages


@pytest.fixture(scope="module")
def all_years(realdata) -> pl.DataFrame:
    table, problems, _ = read(sorted((realdata / PORTAAL).glob("demographics-buurt-*.csv")))
    assert problems == []
    return table


def test_2024_headline_facts(all_years):
    y = all_years.filter(pl.col("jaar") == 2024)
    assert y.height == 78
    assert (y["inwoners"].sum(), y["woningen"].sum(), y["woonruimten"].sum()) == (133_128, 61_186, 61_488)
    top = y.sort("inwoners", descending=True).head(3)
    assert top.select("buurt_code", "inwoners").rows() == [("BU01932240", 6_899), ("BU01932200", 6_529), ("BU01932230", 5_341)]


@pytest.mark.parametrize("code, woningen, inwoners", [("BU01931000", 1_575, 2_373), ("BU01932280", 20, 52), ("BU01932250", 135, 299)])
def test_2024_single_buurten(all_years, code, woningen, inwoners):
    row = all_years.filter((pl.col("jaar") == 2024) & (pl.col("buurt_code") == code))
    assert row.select("woningen", "inwoners").rows() == [(woningen, inwoners)]


@pytest.mark.parametrize("jaar, inwoners, woningen", [(2023, 132_399, 60_474), (2019, 127_487, 57_727), (2015, 123_856, 54_761)])
def test_published_totals_of_earlier_years(all_years, jaar, inwoners, woningen):
    y = all_years.filter(pl.col("jaar") == jaar)
    assert (y["inwoners"].sum(), y["woningen"].sum()) == (inwoners, woningen)


def test_all_nine_files_make_one_table_keyed_by_year_and_buurt(all_years):
    assert all_years.columns == list(zwolle_portaal.OUTPUT_SCHEMA)
    per_year = dict(all_years.group_by("jaar").len().iter_rows())
    assert per_year == {j: 78 for j in (2015, 2016, 2017, 2018, 2019, 2020, 2021, 2023, 2024)}
    assert not all_years.select(pl.struct("jaar", "buurt_code").is_duplicated().any()).item()
    sums = all_years.group_by("jaar").agg(pl.col("inwoners").sum(), pl.col("woningen").sum()).sort("jaar")
    assert dict(zip(sums["jaar"], sums["inwoners"])) == INWONERS
    assert dict(zip(sums["jaar"], sums["woningen"])) == WONINGEN


def test_age_bands_add_up_to_inwoners(all_years):
    bands = ["inwoners_0_3", "inwoners_4_11", "inwoners_12_17", "inwoners_18_24", "inwoners_25_39", "inwoners_40_54",
             "inwoners_55_64", "inwoners_65_74", "inwoners_75_84", "inwoners_85plus"]
    assert (all_years.select(pl.sum_horizontal(bands) == pl.col("inwoners")).to_series()).all()
    assert (all_years.select(pl.sum_horizontal("inwoners_0_17", "inwoners_18_64", "inwoners_65plus") == pl.col("inwoners")).to_series()).all()


@pytest.mark.parametrize("jaar, first_header", [(2015, "Buurt_naam"), (2024, "Buurt-naam")])
def test_both_header_spellings(realdata, jaar, first_header):
    path = realdata / PORTAAL / f"demographics-buurt-{jaar}.csv"
    assert path.read_text(encoding="utf-8-sig").startswith(first_header + ";")
    table, problems, _ = read([path])
    assert problems == [] and table.height == 78


def test_special_values_become_null_in_2015(all_years):
    y = all_years.filter(pl.col("jaar") == 2015)
    # Stadsbroek 2015: inkomen '-' (niet van toepassing), minima '.' (verborgen)
    stadsbroek = y.filter(pl.col("buurt_code") == "BU01932280")
    assert stadsbroek.select("inwoners", "inkomen_huishouden", "pct_minima").rows() == [(54, None, None)]
    assert y["inkomen_huishouden"].null_count() == 19 and y["pct_minima"].null_count() == 19
    assert y.filter(pl.col("buurt_code") == "BU01931000").select("inkomen_huishouden", "pct_minima").rows() == [(29_200.0, 12.0)]


def test_energy_theme_is_refused_with_a_clear_problem(realdata):
    table, problems, _ = read([realdata / PORTAAL / "energyconsumption-buurt-2023.csv"])
    assert table.height == 0
    assert len(problems) == 1 and "dit is een ander thema van het portaal" in problems[0]


def test_synthetic_export_onbekend_special_values_and_progress(tmp_path):
    table, problems, messages = read([export(tmp_path)])
    assert problems == []
    assert table.select("buurt_code", "inwoners", "inkomen_huishouden", "pct_minima").rows() == [
        ("BU01931000", 2373, 29200.0, 12.0),
        ("BU01932250", 299, None, None),
    ]
    assert "Onbekend): 3" in messages[0] and "woensdag 19 maart 2025" in messages[0]


def test_decimal_comma_in_a_percentage(tmp_path):
    rows = ("Binnenstad-Zuid;1575;1576;2373;36;54;52;467;1012;335;172;133;87;25;142;1986;245;29200;12,5",)
    table, problems, _ = read([export(tmp_path, rows=rows)])
    assert problems == [] and table["pct_minima"].to_list() == [12.5]


def test_unknown_buurt_name(tmp_path):
    rows = (ROWS[0], "Millingen;2871;2874;6899;266;637;638;606;1172;1636;794;599;455;96;1541;4208;1150;;")
    table, problems, _ = read([export(tmp_path, rows=rows)])
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'demographics-buurt-2024.csv'}:3, kolom 'Buurt-naam': buurtnaam komt niet voor")
    assert "'Milligen' (BU01932240)" in problems[0]


def test_alias_from_inputs_toml_fixes_an_unknown_name(tmp_path):
    rows = ("Millingen;2871;2874;6899;266;637;638;606;1172;1636;794;599;455;96;1541;4208;1150;;",)
    table, problems, _ = read([export(tmp_path, rows=rows)], context(zwolle_regios(), aliassen={"Millingen": "BU01932240"}))
    assert problems == [] and table["buurt_code"].to_list() == ["BU01932240"]


def test_renamed_header(tmp_path):
    header = HEADER_2024.replace("inwoners op 1 januari", "inwoners per 1 januari")
    table, problems, _ = read([export(tmp_path, header=header)])
    assert table.height == 0
    assert problems == [
        f"{tmp_path / 'demographics-buurt-2024.csv'}:1: kolom 'inwoners op 1 januari' ontbreekt; lijkt op "
        "'inwoners per 1 januari [personen] (1)': is die kolom hernoemd?; verwacht: een kolom 'inwoners op 1 januari' "
        "(eenheid en voetnootteken erachter mogen)"
    ]


def test_first_column_must_be_the_buurt_name(tmp_path):
    header = HEADER_2024.replace("Buurt-naam", "Wijk")
    _, problems, _ = read([export(tmp_path, header=header)])
    assert len(problems) == 1 and "de eerste kolom is niet de buurtnaam" in problems[0]


def test_text_in_a_count_column(tmp_path):
    rows = (ROWS[0].replace(";2373;", ";veel;"),)
    _, problems, _ = read([export(tmp_path, rows=rows)])
    assert len(problems) == 1
    assert "demographics-buurt-2024.csv:2, kolom 'inwoners op 1 januari [personen] (1)': waarde is geen geheel getal (gevonden: 'veel')" in problems[0]


def test_negative_count(tmp_path):
    _, problems, _ = read([export(tmp_path, rows=(ROWS[0].replace(";1575;", ";-1575;"),))])
    assert len(problems) == 1 and "waarde te klein" in problems[0]


def test_no_year_in_the_file_name(tmp_path):
    table, problems, _ = read([export(tmp_path, name="buurten.csv")])
    assert table.height == 0
    assert problems == [
        f"{tmp_path / 'buurten.csv'}: bestandsnaam bevat geen jaartal; het portaal zet het jaar niet in het bestand "
        "(gevonden: 'buurten.csv'); verwacht: een bestandsnaam met precies een jaartal, bijv. demographics-buurt-2024.csv"
    ]


def test_two_years_in_the_file_name(tmp_path):
    _, problems, _ = read([export(tmp_path, name="buurten-2023-2024.csv")])
    assert "meer dan een jaartal (2023, 2024)" in problems[0]


def test_the_same_year_twice(tmp_path):
    first = export(tmp_path)
    second = export(tmp_path, name="demographics-buurt-2024-opnieuw.csv")
    table, problems, _ = read([first, second])
    assert table.height == 2
    assert len(problems) == 1 and "jaar 2024 staat ook in demographics-buurt-2024.csv" in problems[0]


def test_a_buurt_twice_in_one_file(tmp_path):
    rows = (ROWS[1], ROWS[1].replace("De Tippe", "Tippe bij de IJssel"))
    _, problems, _ = read([export(tmp_path, rows=rows)])
    assert len(problems) == 1 and "buurt BU01932250 (Tippe bij de IJssel) staat er meer dan eens in, ook op regel 2" in problems[0]


def test_file_cut_in_the_middle_of_a_line(tmp_path):
    path = tmp_path / "demographics-buurt-2024.csv"
    path.write_text(HEADER_2024 + "\n" + ROWS[0] + "\n" + ROWS[1][:20], encoding="utf-8")
    _, problems, _ = read([path])
    assert any(p.startswith(f"{path}:3: regel heeft 4 velden, de kopregel 19") for p in problems)
    assert any("voetblok van het portaal" in p and "afgebroken" in p for p in problems)


def test_file_cut_at_a_line_end(tmp_path):
    _, problems, _ = read([export(tmp_path, footer=())])
    assert len(problems) == 1 and "het bestand lijkt afgebroken" in problems[0]


def test_header_only(tmp_path):
    _, problems, _ = read([export(tmp_path, rows=())])
    assert len(problems) == 1 and "geen buurten gevonden" in problems[0]


def test_not_a_portal_export_at_all(tmp_path):
    path = tmp_path / "export-2024.csv"
    path.write_text("code,aantal\nBU01931000,5\n", encoding="utf-8")
    _, problems, _ = read([path])
    assert len(problems) == 1 and "geen buurtexport van het thema bevolking" in problems[0]


def test_file_problems_are_found_even_without_regios(tmp_path):
    ctx = context(None)
    _, problems, _ = read([export(tmp_path, rows=(ROWS[0].replace(";2373;", ";veel;"),))], ctx)
    assert any("cbs_regios" in p for p in problems)
    assert any("waarde is geen geheel getal" in p for p in problems)
