"""Woningvoorraad mutaties (CBS 81955NED) from the real `;`-separated TypedDataSet CSV."""

from __future__ import annotations

import json
from functools import partial

import polars as pl
import pytest

from data_sources import cbs_woningvoorraad
from tests.helpers import only, read_source

FILE = "housing_woningvoorraad_plancapaciteit/cbs_woningvoorraad_gemeenten_2012-2020.csv"

read = partial(read_source, cbs_woningvoorraad)


@pytest.fixture(scope="module")
def voorraad(realdata) -> pl.DataFrame:
    tables, problems = read([realdata / FILE])
    assert not problems
    return tables["woningvoorraad"]


def of(voorraad: pl.DataFrame, gemeente: str, jaar: int) -> dict:
    return voorraad.filter((pl.col("gemeente_code") == gemeente) & (pl.col("jaar") == jaar)).row(0, named=True)


def test_zwolle(voorraad):
    zwolle = voorraad.filter(pl.col("gemeente_code") == "GM0193").sort("jaar")
    assert zwolle["jaar"].to_list() == list(range(2012, 2021))
    assert dict(zwolle.select("jaar", "nieuwbouw").iter_rows())[2018] == 803
    assert zwolle["nieuwbouw"].sum() == 5329
    assert of(voorraad, "GM0193", 2012)["beginstand"] == 53314
    row = of(voorraad, "GM0193", 2020)
    assert (row["nieuwbouw"], row["sloop"], row["overige_toevoeging"], row["saldo"], row["eindstand"]) == (873, 12, 187, 999, 59491)


def test_every_gemeente_is_kept_for_benchmarks(voorraad):
    assert (of(voorraad, "GM0150", 2020)["eindstand"], of(voorraad, "GM0150", 2020)["nieuwbouw"]) == (46224, 153)
    assert (of(voorraad, "GM0166", 2020)["eindstand"], of(voorraad, "GM0166", 2020)["nieuwbouw"]) == (22785, 210)
    assert voorraad["gemeente_code"].n_unique() > 400
    # gemeenten that did not exist in a year (GM0738 merged in 2019) have no row for it
    assert voorraad.filter((pl.col("gemeente_code") == "GM0738") & (pl.col("jaar") >= 2019)).height == 0


def test_the_stock_adds_up_for_zwolle(voorraad):
    z = voorraad.filter(pl.col("gemeente_code") == "GM0193")
    assert (z["beginstand"] + z["saldo"] == z["eindstand"]).all()
    assert (z["nieuwbouw"] + z["overige_toevoeging"] - z["sloop"] - z["overige_onttrekking"] + z["correctie"] == z["saldo"]).all()


def test_only_woningen_are_kept(realdata, tmp_path):
    lines = (realdata / FILE).read_text(encoding="utf-8").splitlines()
    extra = [ln.replace("A045364", "A045365").replace("158923;", "999999;") for ln in lines if ";GM0193;2012JJ00;" in ln]
    path = tmp_path / "mutaties.csv"
    path.write_text("\r\n".join(lines + extra), encoding="utf-8")
    tables, problems = read([path])
    assert not problems
    assert of(tables["woningvoorraad"], "GM0193", 2012)["beginstand"] == 53314


def test_niet_woningen_only_is_a_problem(tmp_path):
    path = tmp_path / "mutaties.json"
    record = {"ID": 1, "Gebruiksfunctie": "A045365", "RegioS": "GM0193    ", "Perioden": "2020JJ00", **{k: 1 for k in ("BeginstandVoorraad_1", "Nieuwbouw_2", "OverigeToevoeging_3", "Sloop_4", "OverigeOnttrekking_5", "Correctie_6", "SaldoVoorraad_7", "EindstandVoorraad_8")}}
    path.write_text(json.dumps([record]))
    tables, problems = read([path])
    p = only(problems, "geen rijen voor gebruiksfunctie A045364")
    assert (p.column, p.value) == ("Gebruiksfunctie", "A045365") and "A045364" in p.expected
    assert tables["woningvoorraad"].height == 0


def test_text_and_unknown_gemeente(realdata, tmp_path):
    text = (realdata / FILE).read_text(encoding="utf-8").replace("158923;A045364;GM0193;2012JJ00;53314;458;", "158923;A045364;GM0193;2012JJ00;53314;vier;")
    path = tmp_path / "mutaties.csv"
    path.write_text(text, encoding="utf-8")
    _, problems = read([path])
    p = only(problems, "geen geheel getal")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("158923;"))
    assert (p.file, p.line, p.column, p.value) == (str(path), line, "Nieuwbouw_2", "vier")
    _, problems = read([realdata / FILE], "GM9999")
    p = only(problems, "gemeente GM9999 komt niet voor")
    assert (p.column, p.value) == ("RegioS", "GM9999") and "aanwezig: GM0003, GM0005" in p.message
