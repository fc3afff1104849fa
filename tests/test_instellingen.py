"""Settings per gemeente: Zwolle's file, the standard for other gemeenten, bad files, and what the build writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from data_sources import inputs, instellingen
from data_sources.__main__ import main
from data_sources.build import build
from data_sources.problems import InputError, Problems
from metrics.tables import TABLES

ZWOLLE = instellingen.GEMEENTEN / "GM0193.toml"
TEXT = ZWOLLE.read_text(encoding="utf-8")


def _resolve(tmp_path: Path, text: str, gemeente: str = "GM0193", gemeenten=None) -> tuple[instellingen.Resolved | None, list[str]]:
    path = tmp_path / "instellingen.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return instellingen.resolve(gemeente, path, gemeenten, problems), problems.lines()


# --- the files as committed ---------------------------------------------------------------------


def test_zwolles_settings_are_valid_and_sourced():
    problems = Problems()
    resolved = instellingen.resolve("GM0193", None, None, problems)
    assert not problems and resolved.bestand == ZWOLLE and resolved.naam == "Zwolle"
    s = resolved.instellingen
    doel = s.wonen.woningbouwdoel
    assert (doel.woningen, doel.van_jaar, doel.tot_jaar) == (10_000, 2020, 2029) and "Begroting 2020" in doel.bron
    assert s.wonen.plancapaciteit.norm == 1.30 and "ABF" in s.wonen.plancapaciteit.bron
    assert 0 < s.wonen.planuitval.hard < s.wonen.planuitval.zacht < 1 and "Aanname" in s.wonen.planuitval.toelichting
    mix = {d.naam: d.aandeel for d in s.wonen.beleidsmix.doelen}
    assert mix == {"goedkoop": 0.30, "middelduur": 0.40, "duur": 0.30} and "30-40-30" in s.wonen.beleidsmix.bron
    assert all(i.bron for i in s.jeugd.tariefindexatie) and {i.jaar for i in s.jeugd.tariefindexatie if not i.aanname} == {2024, 2025}
    assert s.meldingen.afhandeltermijn_werkdagen == 5 and "Aanname" in s.meldingen.toelichting
    assert set(s.datasets) == set(instellingen.SOURCE_KEYS), "Zwolle names an owner and steward for every source"


def test_the_standard_has_no_gemeente_targets_and_takes_the_cbs_name():
    import polars as pl

    gemeenten = pl.DataFrame({"gemeente_code": ["GM0150", "GM0193"], "gemeente_naam": ["Deventer", "Zwolle"]})
    problems = Problems()
    resolved = instellingen.resolve("GM0150", None, gemeenten, problems)
    assert not problems and resolved.bestand is None and resolved.naam == "Deventer"
    s = resolved.instellingen
    assert s.wonen.woningbouwdoel is None and s.wonen.beleidsmix is None and not s.datasets
    assert s.wonen.plancapaciteit.norm == 1.30
    tables = instellingen.tables(resolved)
    assert tables["instellingen"].row(0) == ("GM0150", "Deventer", None, True)
    assert tables["instellingen_wonen"]["woningbouwdoel"][0] is None and tables["instellingen_beleidsmix"].height == 0
    owner, _ = instellingen.roles(resolved, "jeugd_toewijzingen", "Gemeente {gemeente}, beleidsveld Jeugd", "x")
    assert owner == "Gemeente Deventer, beleidsveld Jeugd"


def test_tables_match_the_warehouse_contract():
    problems = Problems()
    tables = instellingen.tables(instellingen.resolve("GM0193", None, None, problems))
    for name, frame in tables.items():
        assert list(frame.columns) == list(TABLES[name]), name
    assert tables["instellingen_tariefindexatie"].filter(instellingen.pl.col("jaar") == 2025)["indexatie"][0] == pytest.approx(0.0496)


# --- bad files: one Dutch line each, with file, line, key and what was expected ---------------------

BAD = {
    "renamed key": (TEXT.replace("zacht = 0.40", "zachte = 0.40"), (":82, kolom 'wonen.planuitval.zachte': sleutel 'zacht' ontbreekt; 'zachte' lijkt erop", "fractie")),
    "percentage instead of fraction": (TEXT.replace("hard = 0.10", "hard = 10"), (":81, kolom 'wonen.planuitval.hard': waarde is te groot", "0.30 voor 30%")),
    "text for a number": (TEXT.replace("woningen = 10000", 'woningen = "tienduizend"'), ("kolom 'wonen.woningbouwdoel.woningen': geen geheel getal", "tienduizend")),
    "years reversed": (TEXT.replace("tot_jaar = 2029", "tot_jaar = 2019"), ("kolom 'wonen.woningbouwdoel': tot_jaar (2019) ligt voor van_jaar (2020)",)),
    "unknown segment": (TEXT.replace('segmenten = ["dure koop"]', 'segmenten = ["dure huur"]'), ("kolom 'wonen.beleidsmix.doelen[3].segmenten[1]': onbekende waarde", "dure koop")),
    "mix over 100%": (TEXT.replace("aandeel = 0.40", "aandeel = 0.70"), ("kolom 'wonen.beleidsmix': de aandelen tellen op tot 1.30",)),
    "unknown source": (TEXT.replace("[datasets.meldingen]", "[datasets.meldigen]"), ("kolom 'datasets.meldigen': onbekende bron", "'meldingen'?")),
    "missing steward": (TEXT.replace('steward = "Team Stadsbeheer (meldingensysteem)"\n', ""), ("kolom 'datasets.meldingen.steward': sleutel ontbreekt", "data-steward")),
    "two indexations for one year": (TEXT.replace("jaar = 2025", "jaar = 2024"), ("kolom 'jeugd.tariefindexatie': jaar 2024 staat er meer dan eens in",)),
    "not TOML": (TEXT.replace("norm = 1.30", "norm = 1,30"), (":75", "geen geldige TOML")),
    "another gemeente's file": (TEXT.replace('code = "GM0193"', 'code = "GM0150"'), ("kolom 'gemeente.code': instellingen zijn voor GM0150, de build is voor GM0193",)),
}


@pytest.mark.parametrize(("text", "expected"), BAD.values(), ids=BAD.keys())
def test_a_bad_settings_file_is_one_clear_line(tmp_path, text, expected):
    resolved, lines = _resolve(tmp_path, text)
    assert resolved is None and len(lines) == 1, lines
    assert lines[0].startswith(str(tmp_path / "instellingen.toml"))
    for needle in expected:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in lines[0] and "Input should" not in lines[0], "Dutch, not pydantic's English"


def test_name_must_match_the_cbs_indeling(tmp_path):
    import polars as pl

    gemeenten = pl.DataFrame({"gemeente_code": ["GM0193"], "gemeente_naam": ["Zwolle"]})
    _, lines = _resolve(tmp_path, TEXT.replace('naam = "Zwolle"', 'naam = "Zwol"'), gemeenten=gemeenten)
    assert lines == [f"{tmp_path / 'instellingen.toml'}, kolom 'gemeente.naam': naam past niet bij de CBS-naam van GM0193 ('Zwolle') (gevonden: 'Zwol'); verwacht: naam = \"Zwolle\""]


# --- inputs.toml and the build --------------------------------------------------------------------


def _regios(path: Path) -> Path:
    from tests.test_build import _regios_csv

    _regios_csv(path)
    return path


def _toml(tmp_path: Path, extra: str = "") -> Path:
    _regios(tmp_path / "WijkenEnBuurten.csv")
    path = tmp_path / "inputs.toml"
    path.write_text(f'gemeente = "GM0193"\n{extra}\n[cbs_regios]\nfiles = ["WijkenEnBuurten.csv"]\n', encoding="utf-8")
    return path


def test_missing_settings_file_named_in_inputs_is_exit_2(tmp_path, capsys):
    toml = _toml(tmp_path, 'instellingen = "gemeenten/bestaat_niet.toml"')
    with pytest.raises(InputError) as e:
        inputs.load(toml)
    assert "instellingenbestand niet gevonden" in "\n".join(e.value.problems.lines())
    assert main(["check", "--inputs", str(toml)]) == 2
    assert "bestaat_niet.toml" in capsys.readouterr().err


def test_a_settings_file_named_in_inputs_is_used(tmp_path):
    (tmp_path / "mijn.toml").write_text(TEXT.replace("woningen = 10000", "woningen = 12000"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    build(inputs.load(_toml(tmp_path, 'instellingen = "mijn.toml"')), db, progress=lambda m: None)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT gemeente_naam, bestand, standaard FROM instellingen").fetchall() == [("Zwolle", "mijn.toml", False)]
    assert con.execute("SELECT woningbouwdoel FROM instellingen_wonen").fetchall() == [(12000,)]
    con.close()


def test_a_bad_settings_file_stops_the_build_and_leaves_the_warehouse(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert main(["build", "--inputs", str(_toml(tmp_path)), "--db", str(db)]) == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    (tmp_path / "fout.toml").write_text(TEXT.replace("hard = 0.10", "hard = 10"), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--inputs", str(_toml(tmp_path, 'instellingen = "fout.toml"')), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "fout.toml:81, kolom 'wonen.planuitval.hard': waarde is te groot" in err and "Traceback" not in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_the_demo_warehouse_reads_zwolles_settings(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT gemeente_code, gemeente_naam, bestand, standaard FROM instellingen").fetchall() == [("GM0193", "Zwolle", "GM0193.toml", False)]
    assert con.execute("SELECT count(*), sum(aandeel) FROM instellingen_beleidsmix").fetchall() == [(3, pytest.approx(1.0))]
    owners = dict(con.execute("SELECT key, steward FROM datasets").fetchall())
    assert owners["meldingen"] == "Team Stadsbeheer (meldingensysteem)"
    con.close()


def test_a_build_for_deventer_from_the_real_files(realdata, tmp_path):
    """Another gemeente in ../shared/realdata: its own name and figures, no Zwolle anywhere, no Zwolle targets."""
    crime = realdata / "cbs_47018NED_misdrijven_buurt_2023"
    housing = realdata / "housing_woningvoorraad_plancapaciteit"
    toml = tmp_path / "inputs.toml"
    toml.write_text(
        'gemeente = "GM0150"\npeildatum = 2024-03-01\n'
        f'[cbs_regios]\nfiles = ["{crime / "WijkenEnBuurten_subset.csv"}"]\n'
        f'[politie_misdrijven]\nfiles = ["{crime / "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv"}", '
        f'"{crime / "SoortMisdrijf.csv"}", "{crime / "DataProperties.csv"}"]\n'
        f'[cbs_woningvoorraad]\nfiles = ["{housing / "cbs_woningvoorraad_gemeenten_2012-2020.csv"}"]\n'
        f'[plancapaciteit]\nfiles = ["{housing / "plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv"}"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "deventer.duckdb"
    assert main(["build", "--inputs", str(toml), "--db", str(db)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT gemeente_code, gemeente_naam, bestand, standaard FROM instellingen").fetchall() == [("GM0150", "Deventer", None, True)]
    assert con.execute("SELECT woningbouwdoel, plancapaciteit_norm FROM instellingen_wonen").fetchall() == [(None, 1.3)]
    assert con.execute("SELECT count(*) FROM instellingen_beleidsmix").fetchall() == [(0,)]
    meta = con.execute("SELECT owner || steward || publisher FROM datasets").fetchall()
    assert meta and not any("Zwolle" in text for (text,) in meta)
    assert any("Deventer" in text for (text,) in meta)
    # Deventer's own figures (SOURCES.md): eindstand 2020 46.224, plancapaciteit 4.783, misdrijven 2023 4.787.
    assert con.execute("SELECT eindstand FROM woningvoorraad WHERE gemeente_code = 'GM0150' AND jaar = 2020").fetchall() == [(46224,)]
    assert con.execute("SELECT sum(woningen) FROM plancapaciteit WHERE gemeente_code = 'GM0150'").fetchall()[0][0] == pytest.approx(4783)
    assert con.execute("SELECT sum(aantal) FROM misdrijven WHERE regio_niveau = 'buurt' AND jaar = 2023").fetchall() == [(4787,)]
    con.close()
