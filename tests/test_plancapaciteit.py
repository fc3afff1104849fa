"""Provincial plancapaciteit compilation -> tidy plancapaciteit: real facts and bad input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from data_sources import plancapaciteit
from tests.test_buurtnamen import context, realdata_regios, zwolle_regios

SHEET = Path("housing_woningvoorraad_plancapaciteit") / "plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv"
HEADER = "provincie,gemeente,h2020-2024,h2025-2029,h2030+,z2021-2024,z2025-2029,z2030+,htotaal,ztotaal,totaal,onbekend_2021-2024,onbekend_2025-2029"


def read(files, ctx=None):
    ctx = ctx or context(zwolle_regios())
    table = plancapaciteit.read(files, ctx)["plancapaciteit"]
    return table, ctx.problems.lines(), ctx.messages


def sheet(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "plancapaciteit.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real(realdata):
    return read([realdata / SHEET], context(realdata_regios(realdata, "GM0193")))


def totals(table: pl.DataFrame, naam: str) -> dict[str, float]:
    rows = table.filter(pl.col("gemeente_naam") == naam)
    out = dict(rows.group_by("hardheid").agg(pl.col("woningen").sum()).iter_rows())
    out["totaal"] = rows["woningen"].sum()
    return out


@pytest.mark.parametrize(
    "naam, code, hard, zacht, totaal",
    [("Zwolle", "GM0193", 3_329, 8_530, 11_859), ("Deventer", "GM0150", 2_401, 2_382, 4_783), ("Kampen", "GM0166", 1_389, 2_275, 3_664)],
)
def test_overijssel_gemeenten(real, naam, code, hard, zacht, totaal):
    table, problems, _ = real
    assert problems == []
    assert totals(table, naam) == {"hard": hard, "zacht": zacht, "totaal": totaal}
    rows = table.filter(pl.col("gemeente_naam") == naam)
    assert set(rows["gemeente_code"]) == {code}
    # Overijssel delivered totals only: nothing is presented as phased.
    assert set(rows["periode"]) == {"ongefaseerd"} and set(rows["provincie"]) == {"Overijssel"}


@pytest.mark.parametrize("naam, totaal", [("Amersfoort", 6_265), ("Apeldoorn", 5_794)])
def test_phased_gemeenten_outside_the_regios_keep_their_rows(real, naam, totaal):
    table, _, _ = real
    rows = table.filter(pl.col("gemeente_naam") == naam)
    assert totals(table, naam)["totaal"] == totaal
    assert rows["gemeente_code"].is_null().all()
    assert "ongefaseerd" not in set(rows["periode"])


def test_every_gemeente_and_a_unique_key(real):
    table, _, _ = real
    assert table["gemeente_naam"].n_unique() == 353
    assert not table.select(pl.struct("gemeente_naam", "hardheid", "periode").is_duplicated().any()).item()
    assert set(table["hardheid"]) == {"hard", "zacht", "onbekend"}
    assert set(table["periode"]) == {"2020-2024", "2025-2029", "2030+", "ongefaseerd"}
    assert set(table["provincie"]) >= {"Limburg", "Overijssel"}  # 'Limburg  ' padded in the sheet


def test_a_total_without_hardheid_is_stored_as_onbekend(real):
    table, _, _ = real
    assert table.filter(pl.col("gemeente_naam") == "Assen").select("hardheid", "periode", "woningen").rows() == [("onbekend", "ongefaseerd", 4_200.0)]


def test_totals_that_do_not_add_up_are_a_warning_not_a_problem(real):
    table, problems, messages = real
    assert problems == []
    (warning,) = [m for m in messages if "waarschuwing" in m]
    assert "tellen de cijfers niet op tot de totalen" in warning
    # Voorschoten: hard phases 792 against htotaal 325; the phases are what is stored.
    assert totals(table, "Voorschoten")["hard"] == 792


def test_phases_and_totals_synthetic(tmp_path):
    path = sheet(
        tmp_path,
        "Overijssel,Zwolle,,,,,,,30,70,100,,",
        "Utrecht,Fasestad,10,20,,5,,,30,5,35,,",
        "Zuid-Holland,Onbekendstad,1,,,2,,,1,2,6,3,",
        "Drenthe,Totaalstad,,,,,,,,,40,,",
    )
    table, problems, messages = read([path])
    assert problems == []
    assert not [m for m in messages if "waarschuwing" in m]
    got = {(r[1], r[3], r[4]): r[5] for r in table.rows()}
    assert got == {
        ("Zwolle", "hard", "ongefaseerd"): 30.0,
        ("Zwolle", "zacht", "ongefaseerd"): 70.0,
        ("Fasestad", "hard", "2020-2024"): 10.0,
        ("Fasestad", "hard", "2025-2029"): 20.0,
        ("Fasestad", "zacht", "2020-2024"): 5.0,
        ("Onbekendstad", "hard", "2020-2024"): 1.0,
        ("Onbekendstad", "zacht", "2020-2024"): 2.0,
        ("Onbekendstad", "onbekend", "2020-2024"): 3.0,
        ("Totaalstad", "onbekend", "ongefaseerd"): 40.0,
    }
    assert table.filter(pl.col("gemeente_code").is_not_null())["gemeente_naam"].unique().to_list() == ["Zwolle"]


def test_mismatch_warning_names_the_gemeente(tmp_path):
    path = sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,,", "Utrecht,Fasestad,10,10,,,,,30,,30,,")
    _, problems, messages = read([path])
    assert problems == []
    assert any("bij 1 gemeenten" in m and "Fasestad: htotaal 30, opgeteld 20" in m for m in messages)


def test_gemeente_names_are_matched_normalised(tmp_path):
    table, problems, _ = read([sheet(tmp_path, "Overijssel, zwolle ,,,,,,,30,70,100,,")])
    assert problems == [] and set(table["gemeente_code"]) == {"GM0193"}


def test_build_gemeente_missing_from_the_file(tmp_path):
    table, problems, _ = read([sheet(tmp_path, "Overijssel,Zwole,,,,,,,30,70,100,,")])
    assert len(problems) == 1
    assert "gemeente Zwolle (GM0193) komt niet voor in het bestand" in problems[0] and "lijkt op 'Zwole'" in problems[0]


def test_build_gemeente_unknown_in_the_regios(tmp_path):
    _, problems, _ = read([sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,,")], context(zwolle_regios(), gemeente="GM0150"))
    assert len(problems) == 1 and "gemeente GM0150 staat niet in de CBS-gemeentelijst" in problems[0]


def test_text_in_a_number_column(tmp_path):
    _, problems, _ = read([sheet(tmp_path, "Overijssel,Zwolle,,,,,,,veel,70,100,,")])
    assert len(problems) == 1 and ":2, kolom 'htotaal': waarde is geen getal (gevonden: 'veel')" in problems[0]


def test_missing_column(tmp_path):
    _, problems, _ = read([sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,", header=HEADER.replace(",onbekend_2025-2029", ""))])
    assert len(problems) == 1 and "kolom 'onbekend_2025-2029' ontbreekt" in problems[0]


def test_a_gemeente_twice_in_the_file(tmp_path):
    _, problems, _ = read([sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,,", "Overijssel,Zwolle,,,,,,,30,70,100,,")])
    assert any("sleutel komt meer dan eens voor" in p for p in problems)


def test_a_gemeente_in_two_files(tmp_path):
    a = sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,,")
    b = tmp_path / "tweede.csv"
    b.write_text(a.read_text(encoding="utf-8"), encoding="utf-8")
    _, problems, _ = read([a, b])
    assert problems == ["plancapaciteit.csv, tweede.csv: gemeente Zwolle staat in meer dan een bestand (gevonden: 'Zwolle'); verwacht: elke gemeente in een bestand"]


def test_without_regios_the_file_is_still_checked(tmp_path):
    _, problems, _ = read([sheet(tmp_path, "Overijssel,Zwolle,,,,,,,veel,70,100,,")], context(None))
    assert any("cbs_regios" in p for p in problems) and any("waarde is geen getal" in p for p in problems)


def test_build_gemeente_in_one_of_several_files(tmp_path):
    a = sheet(tmp_path, "Overijssel,Zwolle,,,,,,,30,70,100,,")
    b = tmp_path / "utrecht.csv"
    b.write_text(HEADER + "\nUtrecht,Amersfoort,1,,,,,,1,,1,,\n", encoding="utf-8")
    table, problems, _ = read([a, b])
    assert problems == [] and table["gemeente_naam"].n_unique() == 2
