"""CBS Kerncijfers wijken en buurten 2024 (85984NED): real metadata, real values in a real format.

The only real values are a derived dict {code: {8 CBS keys}}; each test turns it back into the
TypedDataSet the OData API gives (padded WijkenEnBuurten keys, ID, topic keys) in tmp_path.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from data_sources import cbs_kwb
from data_sources.cbs_odata import read_files
from data_sources.problems import Problems
from tests.helpers import only, read_source

DIR = "cbs_kwb_2024_85984NED"

read = partial(read_source, cbs_kwb)


@pytest.fixture(scope="module")
def derived(realdata) -> dict:
    return json.loads((realdata / DIR / "stripped_filtered_data_2024.json").read_text())


def typed_dataset(derived: dict, folder: Path, edit=lambda code, values: values) -> Path:
    records = [{"ID": i, "WijkenEnBuurten": code.ljust(10), **edit(code, dict(values))} for i, (code, values) in enumerate(derived.items())]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "TypedDataSet.json"
    path.write_text(json.dumps({"odata.metadata": "https://opendata.cbs.nl/ODataApi/OData/85984NED/$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": records}))
    return path


def value(kwb: pl.DataFrame, regio: str, onderwerp: str) -> float:
    return kwb.filter((pl.col("regio_code") == regio) & (pl.col("onderwerp") == onderwerp))["waarde"].item()


def test_kwb_2024_facts(realdata, derived, tmp_path):
    data = typed_dataset(derived, tmp_path)
    tables, problems = read([data, realdata / DIR / "DataProperties.json", realdata / DIR / "TableInfos.json"])
    assert not problems
    kwb = tables["kwb"]
    assert set(kwb["jaar"]) == {2024}
    assert (value(kwb, "GM0193", "AantalInwoners"), value(kwb, "GM0193", "Woningvoorraad"), value(kwb, "GM0193", "Mannen")) == (133141, 61187, 65595)
    row = kwb.filter((pl.col("regio_code") == "GM0193") & (pl.col("onderwerp") == "Bevolkingsdichtheid")).row(0, named=True)
    assert (row["titel"], row["eenheid"], row["regio_niveau"], row["waarde"]) == ("Bevolkingsdichtheid", "aantal inwoners per km²", "gemeente", 1203)
    wijken = kwb.filter((pl.col("regio_niveau") == "wijk") & (pl.col("onderwerp") == "AantalInwoners"))
    assert wijken.height == 16 and wijken["waarde"].sum() == 133135
    assert wijken.sort("waarde")["regio_code"].to_list()[-1] == "WK019322" and wijken["waarde"].max() == 28125
    assert set(wijken["gemeente_code"]) == {"GM0193"}
    # every gemeente for comparison, wijken of the build gemeente only
    assert kwb.filter(pl.col("regio_niveau") == "gemeente")["regio_code"].n_unique() == 342
    assert (value(kwb, "GM0150", "AantalInwoners"), value(kwb, "GM0150", "Woningvoorraad")) == (103405, 47516)
    assert (value(kwb, "GM0166", "AantalInwoners"), value(kwb, "GM0166", "Woningvoorraad")) == (56177, 23530)


def test_build_for_deventer_keeps_its_wijken(realdata, derived, tmp_path):
    data = typed_dataset(derived, tmp_path)
    tables, problems = read([data, realdata / DIR / "DataProperties.json", realdata / DIR / "TableInfos.json"], "GM0150")
    assert not problems
    wijken = tables["kwb"].filter(pl.col("regio_niveau") == "wijk")
    assert set(wijken["gemeente_code"]) == {"GM0150"} and "WK015001" in set(wijken["regio_code"])


def test_dataproperties_csv_and_json_name_topics_alike(realdata):
    found = read_files([realdata / DIR / "DataProperties.json", realdata / DIR / "DataProperties.csv"], Problems())
    from_json, from_csv = (cbs_kwb.topic_names(m.frame) for m in found.properties)
    # the CSV is an earlier release of 85984NED: fewer topics, other suffixes, same names
    assert (from_json.height, from_csv.height) == (128, 118)
    assert from_json["onderwerp"].n_unique() == 128
    both = from_json.join(from_csv, on="onderwerp", suffix="_csv")
    assert both.height == 110
    assert both.filter((pl.col("titel") != pl.col("titel_csv")) | (pl.col("eenheid") != pl.col("eenheid_csv"))).height == 0
    keys = dict(both.select("onderwerp", "Key_csv").iter_rows())
    assert keys["Appartement_GemiddeldAardgasverbruik"] == "Appartement_57"  # Appartement_62 in the JSON release
    names = dict(from_json.select("Key", "onderwerp").iter_rows())
    assert names["AantalInwoners_5"] == "AantalInwoners"
    assert names["PercentageJongerenMetJeugdzorg_99"] == "PercentageJongerenMetJeugdzorg"
    assert names["JongerenMetJeugdzorgInNatura_98"] == "JongerenMetJeugdzorgInNatura"
    assert (names["Nederland_17"], names["Nederland_20"]) == ("Nederland_Herkomstland", "Nederland_GeborenInNederland")
    assert (names["Appartement_54"], names["Appartement_62"]) == ("Appartement_GemiddeldeElektriciteitslevering", "Appartement_GemiddeldAardgasverbruik")
    units = dict(from_json.select("onderwerp", "eenheid").iter_rows())
    assert units["PercentageJongerenMetJeugdzorg"] == "%" and units["WmoClienten"] == "aantal"
    text_topics = set(from_json.filter(~pl.col("numeric"))["onderwerp"])
    assert {"Gemeentenaam", "SoortRegio", "Codering", "MeestVoorkomendePostcode"} <= text_topics


def test_secret_values_become_null_and_youth_care_is_loaded(realdata, derived, tmp_path):
    def edit(code, values):
        values["PercentageJongerenMetJeugdzorg_99"] = 10.5 if code == "GM0193" else None
        values["JongerenMetJeugdzorgInNatura_98"] = "       ." if code == "WK019310" else 1000
        return values

    data = typed_dataset(derived, tmp_path, edit)
    tables, problems = read([data, realdata / DIR / "DataProperties.json", realdata / DIR / "TableInfos.json"])
    assert not problems
    kwb = tables["kwb"]
    assert value(kwb, "GM0193", "PercentageJongerenMetJeugdzorg") == 10.5
    assert value(kwb, "GM0150", "PercentageJongerenMetJeugdzorg") is None
    assert value(kwb, "WK019310", "JongerenMetJeugdzorgInNatura") is None


def test_cbsodata_output_with_names_uses_codering(realdata, derived, tmp_path):
    names = {"GM0193": "Zwolle", "GM0150": "Deventer", "WK019322": "Wijk 22 Stadshagen"}
    rows = [
        {"ID": i, "WijkenEnBuurten": names.get(code, code), "Codering_3": code.ljust(10), **values}
        for i, (code, values) in enumerate(derived.items())
    ]
    path = tmp_path / "cbsodata.csv"
    pl.DataFrame(rows).with_row_index("").write_csv(path)  # pandas-style leading index column
    tables, problems = read([path, realdata / DIR / "DataProperties.json"], jaar=2024)
    assert not problems
    assert value(tables["kwb"], "GM0193", "AantalInwoners") == 133141
    assert value(tables["kwb"], "WK019322", "AantalInwoners") == 28125


def test_text_in_a_value(realdata, derived, tmp_path):
    data = typed_dataset(derived, tmp_path, lambda code, v: {**v, "Woningvoorraad_35": "veel"} if code == "WK019313" else v)
    _, problems = read([data, realdata / DIR / "DataProperties.json", realdata / DIR / "TableInfos.json"])
    p = only(problems, "geen getal")
    record = list(derived).index("WK019313") + 1
    assert (p.file, p.line, p.column, p.value) == (str(data), None, "Woningvoorraad_35", "veel")
    assert p.message.startswith(f"record {record}:") and "geheim" in p.expected


def test_jaar_from_option_and_missing(realdata, derived, tmp_path):
    data = typed_dataset(derived, tmp_path)
    tables, problems = read([data, realdata / DIR / "DataProperties.json"], jaar=2024)
    assert not problems and set(tables["kwb"]["jaar"]) == {2024}
    tables, problems = read([data, realdata / DIR / "DataProperties.json"])
    p = only(problems, "jaar van de KWB-tabel onbekend")
    assert p.file == str(data) and "TableInfos" in p.expected and "jaar = 2024" in p.expected
    _, problems = read([data, realdata / DIR / "DataProperties.json", realdata / DIR / "TableInfos.json"], jaar=2023)
    p = only(problems, "wijkt af")
    assert (p.column, p.value) == ("Period", "2024")


def test_dataproperties_of_another_release(realdata, derived, tmp_path):
    data = typed_dataset(derived, tmp_path)
    tables, problems = read([data, realdata / DIR / "DataProperties.csv", realdata / DIR / "TableInfos.json"])
    p = only(problems, "staan niet in DataProperties.csv")
    assert (p.line, p.column) == (None, "OppervlakteTotaal_122") and "OppervlakteWater_124" in p.value
    assert "zelfde tabel" in p.expected
    assert tables == {}


def test_two_years_in_their_own_folders(realdata, derived, tmp_path):
    meta = realdata / DIR
    y2024 = typed_dataset(derived, tmp_path / "85984NED")
    y2023 = typed_dataset({k: {**v, "AantalInwoners_5": v["AantalInwoners_5"] - 100} for k, v in derived.items()}, tmp_path / "andere_jaar")
    infos_2023 = tmp_path / "andere_jaar" / "TableInfos.json"
    infos_2023.write_text(json.dumps([{"ID": 0, "Title": "Kerncijfers wijken en buurten 2023", "Identifier": "85618NED", "Period": "2023"}]))
    props = [tmp_path / d / "DataProperties.json" for d in ("85984NED", "andere_jaar")]
    for p in props:
        p.write_bytes((meta / "DataProperties.json").read_bytes())
    (tmp_path / "85984NED" / "TableInfos.json").write_bytes((meta / "TableInfos.json").read_bytes())
    tables, problems = read([y2024, y2023, *props, infos_2023, tmp_path / "85984NED" / "TableInfos.json"])
    assert not problems
    inwoners = tables["kwb"].filter((pl.col("regio_code") == "GM0193") & (pl.col("onderwerp") == "AantalInwoners"))
    assert dict(inwoners.select("jaar", "waarde").iter_rows()) == {2023: 133041, 2024: 133141}


def test_missing_dataproperties(derived, tmp_path):
    data = typed_dataset(derived, tmp_path)
    tables, problems = read([data], jaar=2024)
    assert tables == {}
    assert "DataProperties" in only(problems, "DataProperties ontbreekt").expected
