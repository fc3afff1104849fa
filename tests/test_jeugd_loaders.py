"""Jeugd loaders (toewijzingen, declaraties, begroting) and their reference tables, on small hand-written files."""

from __future__ import annotations

import datetime as dt
import hmac
from pathlib import Path

import duckdb
import polars as pl
import pytest

from data_sources import inputs, jeugd_begroting, jeugd_declaraties, jeugd_reference, jeugd_toewijzingen
from data_sources.build import build
from data_sources.privacy import ENV_KEY, PERSONAL_COLUMNS, Pseudonymiser
from data_sources.problems import MAX_PER_FILE
from data_sources.source import Context
from tests import helpers
from tests.helpers import messages, write

HEADER = (
    "toewijzing_id,client_id,geboortejaar,buurt_code,productcategorie,productcode,aanbieder_agb,aanbieder_naam,"
    "verwijzer,aanvraagdatum,begindatum,einddatum,volume,eenheid,frequentie,tarief"
)
GOOD = (
    "TW1,100234,2012,BU01931000,45,45A01,98000001,Jeugdhulp De Brug,01,2024-01-08,2024-01-10,2024-06-30,3,04,2,66.50",
    "TW2,100235,2009,BU01932260,54,54001,98000002,Praktijk Noord,huisarts,2024-02-01,2024-02-05,,900,minuut,totaal binnen geldigheidsduur,1.72",
    "TW3,100235,2009,BU01932260,48,48A01,98000003,GI Noordoost,Gecertificeerde instelling,,2024-03-01,,1,84,4,1180",
)
DECL_HEADER = "declaratie_id,toewijzing_id,maand,bedrag,status,ingediend_op"


def context(*, configured: bool = False, with_regios: bool = True) -> Context:
    return helpers.context(with_regios=with_regios, pseudonymiser=Pseudonymiser(b"test-sleutel", configured=configured))


def toewijzingen(tmp_path: Path, ctx: Context, *rows: str, header: str = HEADER) -> pl.DataFrame | None:
    tables = jeugd_toewijzingen.read([write(tmp_path, "toewijzingen.csv", header, *rows)], ctx)
    return tables.get("jeugd_toewijzingen")


# --- toewijzingen: happy path ----------------------------------------------------------------


def test_toewijzingen_read_typed_and_normalised(tmp_path):
    ctx = context()
    frame = jeugd_toewijzingen.read([write(tmp_path, "t.csv", HEADER, *GOOD, bom=True)], ctx)["jeugd_toewijzingen"]
    assert not ctx.problems, messages(ctx)
    assert frame.columns == list(jeugd_toewijzingen.OUTPUT)
    assert frame["verwijzer"].to_list() == ["gemeentelijke toegang", "huisarts", "gecertificeerde instelling"]
    assert frame["eenheid"].to_list() == ["uur", "minuut", "stuks (inspanning)"]
    assert frame["frequentie"].to_list() == ["per week", "totaal binnen geldigheidsduur", "per maand"]
    assert frame["wijk_code"].to_list() == ["WK019310", "WK019322", "WK019322"]
    assert frame["einddatum"].to_list() == [dt.date(2024, 6, 30), None, None]
    assert frame["aanvraagdatum"][2] is None
    assert frame["tarief"].to_list() == [66.5, 1.72, 1180.0]


def test_semicolon_export_is_read_too(tmp_path):
    ctx = context()
    frame = toewijzingen(tmp_path, ctx, *(r.replace(",", ";") for r in GOOD), header=HEADER.replace(",", ";"))
    assert not ctx.problems, messages(ctx)
    assert frame.height == 3


def test_client_number_becomes_a_pseudonym(tmp_path):
    ctx = context()
    frame = toewijzingen(tmp_path, ctx, *GOOD)
    keys = frame["client_key"].to_list()
    assert keys[1] == keys[2] != keys[0]  # same client, same key
    assert all(len(k) == 40 and "100234" not in k and "100235" not in k for k in keys)
    assert "client_id" not in frame.columns


@pytest.mark.parametrize("key", [b"", b"k" * 32, b"k" * 64, b"k" * 65, "sleutel-\u20ac".encode() * 30])
def test_pseudonyms_in_bulk_are_the_hmac_of_each_value(key):
    # The bulk path computes HMAC-SHA256 by hand; a pseudonym that changed would break every
    # client followed across builds with a configured key.
    p = Pseudonymiser(key, configured=True)
    values = ["client:100234", "bsn:123456782", "", "\u00e9" * 100, "x" * 1000]
    assert p.pseudonyms(values) == [hmac.digest(key, v.encode("utf-8"), "sha256").hex()[:40] for v in values]
    series = p.series(pl.Series(["client:1", None, "client:1", "client:2"]))
    assert series.to_list() == [p.pseudonym("client:1"), None, p.pseudonym("client:1"), p.pseudonym("client:2")]


def test_wijk_from_code_structure_without_regios(tmp_path):
    ctx = context(with_regios=False)
    frame = toewijzingen(tmp_path, ctx, *GOOD, GOOD[0].replace("TW1,", "TW9,").replace("BU01931000", "BU03630000"))
    assert frame["wijk_code"][1] == "WK019322"
    assert "begint met BU0193" in messages(ctx)


# --- toewijzingen: bad input -----------------------------------------------------------------


def test_renamed_header_is_named_with_its_fix(tmp_path):
    ctx = context()
    assert toewijzingen(tmp_path, ctx, *GOOD, header=HEADER.replace("begindatum", "begin_datum")) is None
    assert "kolom 'begindatum' ontbreekt; lijkt op 'begin_datum'" in messages(ctx)


# Each case: the rows of the file and the one problem line they give.
ONE_WRONG_VALUE = {
    "impossible-date": ([GOOD[0].replace("2024-01-10", "2023-02-30")], "toewijzingen.csv:2, kolom 'begindatum': waarde is geen datum (gevonden: '2023-02-30')"),
    "text-in-numeric-column": ([*GOOD[:2], GOOD[2].replace(",1180", ",elfhonderd")], ":4, kolom 'tarief': waarde is geen getal (gevonden: 'elfhonderd')"),
    "unknown-buurt-code": ([GOOD[0].replace("BU01931000", "BU01939990")], "kolom 'buurt_code': onbekende buurtcode (gevonden: 'BU01939990')"),
    "unknown-productcategorie": ([GOOD[0].replace(",45,45A01,", ",39,45A01,")], "kolom 'productcategorie': onbekende waarde (gevonden: '39')"),
    "unknown-code-in-code-list": ([GOOD[0].replace(",01,2024", ",09,2024")], "kolom 'verwijzer': onbekende waarde (gevonden: '09')"),
    "einddatum-before-begindatum": ([GOOD[0].replace("2024-06-30", "2023-12-31")], ":2, kolom 'einddatum': einddatum ligt voor de begindatum (gevonden: '2023-12-31')"),
}


@pytest.mark.parametrize(("rows", "expected"), ONE_WRONG_VALUE.values(), ids=ONE_WRONG_VALUE.keys())
def test_one_wrong_value_is_one_problem_line(tmp_path, rows, expected):
    ctx = context()
    toewijzingen(tmp_path, ctx, *rows)
    [line] = ctx.problems.lines()
    assert expected in line


def test_aanvraag_after_begin_and_negative_volume(tmp_path):
    ctx = context()
    toewijzingen(tmp_path, ctx, GOOD[0].replace("2024-01-08", "2024-01-20").replace(",3,04,", ",-3,04,"))
    text = messages(ctx)
    assert "kolom 'aanvraagdatum': aanvraagdatum ligt na de begindatum" in text
    assert "kolom 'volume': waarde te klein (gevonden: '-3')" in text


def test_at_most_twenty_problem_lines_per_file_then_a_count(tmp_path):
    ctx = context()
    rows = [GOOD[0].replace("TW1,", f"TW{i},").replace(",3,04,", ",drie,04,") for i in range(30)]
    toewijzingen(tmp_path, ctx, *rows)
    lines = ctx.problems.lines()
    assert len(lines) == MAX_PER_FILE + 1
    assert lines[-1].endswith("en nog 10 problemen (eerste 20 getoond)")


def test_same_toewijzing_in_two_files(tmp_path):
    ctx = context()
    a = write(tmp_path, "a.csv", HEADER, GOOD[0])
    b = write(tmp_path, "b.csv", HEADER, GOOD[0])
    jeugd_toewijzingen.read([a, b], ctx)
    assert "sleutel komt ook in een ander bestand voor (gevonden: 'TW1')" in messages(ctx)


# --- privacy: personal columns ----------------------------------------------------------------


def test_bsn_column_refused_without_configured_key(tmp_path):
    ctx = context(configured=False)
    rows = [f"{r},12345678{i}" for i, r in enumerate(GOOD)]
    assert toewijzingen(tmp_path, ctx, *rows, header=HEADER + ",BSN") is None
    [line] = ctx.problems.lines()
    assert "kolom 'BSN'" in line and "persoonsgegevens" in line
    assert ENV_KEY in line and "secrets.toml" in line
    assert "123456780" not in line


def test_refused_when_no_pseudonymiser_and_no_key_anywhere(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    ctx = helpers.context()
    assert toewijzingen(tmp_path, ctx, f"{GOOD[0]},Jansen", header=HEADER + ",naam") is None
    assert "kolom 'naam'" in messages(ctx)


def test_with_key_bsn_is_the_basis_and_never_stored(tmp_path):
    ctx = context(configured=True)
    header = HEADER.replace("geboortejaar,", "") + ",bsn,naam,geboortedatum"
    rows = (
        GOOD[0].replace("2012,", "") + ",123456782,Jansen,2012-05-01",
        GOOD[1].replace("2009,", "") + ",,De Vries,2009-11-30",
    )
    frame = toewijzingen(tmp_path, ctx, *rows, header=header)
    assert not ctx.problems, messages(ctx)
    assert not {c.lower() for c in frame.columns} & (PERSONAL_COLUMNS | {"client_id"})
    assert frame["geboortejaar"].to_list() == [2012, 2009]
    key = ctx.pseudonymiser
    assert frame["client_key"].to_list() == [key.pseudonym("bsn:123456782"), key.pseudonym("client:100235")]
    cells = {str(v) for col in frame.columns for v in frame[col].to_list()}
    assert not cells & {"123456782", "Jansen", "De Vries", "2012-05-01", "100234", "100235"}


def test_bad_birth_date_is_reported_without_its_value(tmp_path):
    ctx = context(configured=True)
    header = HEADER.replace("geboortejaar,", "") + ",geboortedatum"
    toewijzingen(tmp_path, ctx, GOOD[0].replace("2012,", "") + ",2012-02-30", header=header)
    [line] = ctx.problems.lines()
    assert ":2, kolom 'geboortedatum'" in line and "2012-02-30" not in line


def test_no_personal_column_or_client_number_reaches_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_KEY, "een-vaste-sleutel-voor-de-test")
    header = HEADER + ",bsn,naam"
    t = write(tmp_path, "toewijzingen.csv", header, GOOD[0] + ",123456782,Jansen", GOOD[1] + ",,De Vries")
    d = write(tmp_path, "declaraties.csv", DECL_HEADER, "D1,TW1,2024-01,640.10,goedgekeurd,2024-02-20", "D2,TW2,2024-02,812.00,ingediend,2024-03-10")
    toml = tmp_path / "inputs.toml"
    toml.write_text(f'gemeente = "GM0193"\n[jeugd_toewijzingen]\nfiles = ["{t.name}"]\n[jeugd_declaraties]\nfiles = ["{d.name}"]\n', encoding="utf-8")
    db = tmp_path / "w.duckdb"
    build(inputs.load(toml), db, progress=lambda msg: None)
    con = duckdb.connect(str(db), read_only=True)
    columns = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    assert not {c.lower() for _, c in columns} & (PERSONAL_COLUMNS | {"client_id"})
    for table in {t for t, _ in columns}:
        cells = {str(v) for row in con.execute(f'SELECT * FROM "{table}"').fetchall() for v in row}
        assert not cells & {"123456782", "Jansen", "De Vries", "100234", "100235"}, table
    assert con.execute("SELECT count(*) FROM jeugd_toewijzingen").fetchone()[0] == 2


# --- declaraties -----------------------------------------------------------------------------


def declaraties(tmp_path: Path, ctx: Context, *rows: str) -> pl.DataFrame | None:
    return jeugd_declaraties.read([write(tmp_path, "declaraties.csv", DECL_HEADER, *rows)], ctx).get("jeugd_declaraties")


def test_declaraties_month_forms_and_credit_lines(tmp_path):
    ctx = context()
    ctx.tables["jeugd_toewijzingen"] = toewijzingen(tmp_path, ctx, *GOOD)
    frame = declaraties(
        tmp_path,
        ctx,
        "D1,TW1,2024-01,640.10,goedgekeurd,2024-02-20",
        "D2,TW1,2024-02-17,652.00,ingediend,2024-03-05",
        "D3,TW1,2024-01,-640.10,gecrediteerd,2024-05-01",
    )
    assert not ctx.problems, messages(ctx)
    # In the warehouse's order (by year, toewijzing, month: jeugd_declaraties.warehouse_order).
    assert frame["declaratie_id"].to_list() == ["D1", "D3", "D2"]
    assert frame["maand"].to_list() == [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    assert frame["bedrag"].sum() == pytest.approx(652.0)


def test_declaratie_for_unknown_toewijzing(tmp_path):
    ctx = context()
    ctx.tables["jeugd_toewijzingen"] = toewijzingen(tmp_path, ctx, *GOOD)
    declaraties(tmp_path, ctx, "D1,TW1,2024-01,640.10,goedgekeurd,2024-02-20", "D2,TW404,2024-01,99.00,goedgekeurd,2024-02-20")
    [line] = ctx.problems.lines()
    assert "declaraties.csv:3, kolom 'toewijzing_id': toewijzing niet gevonden in de toewijzingen (gevonden: 'TW404')" in line


def test_declaratie_sign_status_and_dates(tmp_path):
    ctx = context()
    declaraties(
        tmp_path,
        ctx,
        "D1,TW1,2024-01,640.10,gecrediteerd,2024-02-20",
        "D2,TW1,2024-01,-10.00,goedgekeurd,2024-02-20",
        "D3,TW1,2024-03,10.00,goedgekeurd,2024-02-20",
        "D4,TW1,2024-13,10.00,betaald,2024-02-20",
    )
    text = messages(ctx)
    assert ":2, kolom 'bedrag': creditregel zonder negatief bedrag" in text
    assert ":3, kolom 'status': negatief bedrag bij een regel die geen creditregel is" in text
    assert ":4, kolom 'ingediend_op': ingediend voor het begin van de zorgmaand" in text
    assert ":5, kolom 'maand': waarde is geen datum (gevonden: '2024-13-01')" in text
    assert ":5, kolom 'status': onbekende waarde (gevonden: 'betaald')" in text


def test_declaraties_need_the_toewijzingen_source():
    assert jeugd_declaraties.SOURCE.needs == ("jeugd_toewijzingen",)


# --- begroting -------------------------------------------------------------------------------

BEGROTING_HEADER = "jaar,taakveld,productcategorie_groep,primitieve_begroting,actuele_begroting"


def test_begroting_with_old_and_new_taakvelden(tmp_path):
    ctx = context()
    path = write(
        tmp_path,
        "begroting.csv",
        BEGROTING_HEADER,
        "2022,6.72,jeugdhulp zonder verblijf,9500000,9900000",
        "2022,6.82,jeugdhulp met verblijf,14000000,14500000",
        "2023,6.73a,jeugdhulp met verblijf,4000000,4200000",
        "2023,6.82a,jeugdbescherming,3000000,3000000",
    )
    tables = jeugd_begroting.read([path], ctx)
    assert not ctx.problems, messages(ctx)
    assert tables["jeugd_begroting"].height == 4
    assert set(tables) == {"jeugd_begroting", "jeugd_productcategorieen", "iv3_taakvelden", "jeugd_taakveld_koppeling"}


def test_taakveld_outside_its_years(tmp_path):
    ctx = context()
    path = write(
        tmp_path,
        "begroting.csv",
        BEGROTING_HEADER,
        "2023,6.72,jeugdhulp zonder verblijf,9500000,9900000",
        "2022,6.72a,jeugdhulp zonder verblijf,9500000,9900000",
        "2023,6.99,jeugdhulp zonder verblijf,1,1",
    )
    jeugd_begroting.read([path], ctx)
    text = messages(ctx)
    assert ":2, kolom 'taakveld': taakveld geldt niet in dit begrotingsjaar (gevonden: '6.72')" in text
    assert ":3, kolom 'taakveld': taakveld geldt niet in dit begrotingsjaar (gevonden: '6.72a')" in text
    assert "tot en met 2022: 6.72, 6.82; vanaf 2023: 6.72a" in text
    assert ":4, kolom 'taakveld': onbekende waarde (gevonden: '6.99')" in text


# --- reference tables ------------------------------------------------------------------------


def test_reference_tables_hang_together():
    t = jeugd_reference.tables()
    categorieen = t["jeugd_productcategorieen"]
    taakvelden = t["iv3_taakvelden"]
    koppeling = t["jeugd_taakveld_koppeling"]
    assert categorieen["productcategorie"].is_unique().all() and taakvelden["taakveld"].is_unique().all()
    assert set(categorieen["groep"]) <= set(jeugd_reference.GROEPEN)
    assert set(koppeling["productcategorie"]) <= set(categorieen["productcategorie"])
    assert set(taakvelden["reeks"]) == {"6.72", "6.82"}
    valid = {r["taakveld"]: (r["geldig_vanaf"], r["geldig_tot"] or 9999) for r in taakvelden.iter_rows(named=True)}
    for k in koppeling.iter_rows(named=True):
        low, high = valid[k["taakveld"]]
        assert low <= k["vanaf_jaar"] and (k["tot_jaar"] or 9999) <= high, k


def test_every_current_category_has_one_taakveld_each_year():
    current = [p.code for p in jeugd_reference.PRODUCTCATEGORIEEN if not p.omschrijving.startswith("(2015)")]
    koppeling = jeugd_reference.tables()["jeugd_taakveld_koppeling"].with_columns(pl.col("tot_jaar").fill_null(9999))
    for jaar in range(jeugd_reference.IV3_START, 2031):
        geldig = koppeling.filter((pl.col("vanaf_jaar") <= jaar) & (jaar <= pl.col("tot_jaar")))
        assert geldig["productcategorie"].is_unique().all(), jaar
        assert set(current) <= set(geldig["productcategorie"]), jaar
        old_codes = geldig["taakveld"].str.len_chars() == 4
        assert (old_codes.all() if jaar < jeugd_reference.IV3_SPLITSING else not old_codes.any()), jaar


def test_code_lists_accept_codes_and_labels():
    lookup = jeugd_reference.lookup(jeugd_reference.FREQUENTIES)
    assert lookup["2"] == lookup["02"] == lookup["per week"] == "per week"
    verwijzer = jeugd_reference.lookup(jeugd_reference.VERWIJZERS)
    assert verwijzer["08"] == verwijzer["8"] == verwijzer["rechter/ovj"] == "rechter/OvJ/functionaris JJI"
    assert verwijzer["06"] == verwijzer["geen verwijzer"] == verwijzer["zelfverwijzer"] == "zelfverwijzer/geen verwijzer"
    assert "07" not in verwijzer, "07 (onbekend) is not in iJw 3.x"
    eenheid = jeugd_reference.lookup(jeugd_reference.EENHEDEN)
    assert (eenheid["82"], eenheid["84"]) == ("stuks (output)", "stuks (inspanning)")
    assert "21" not in eenheid and "week" not in eenheid, "WJ756 has no week"
