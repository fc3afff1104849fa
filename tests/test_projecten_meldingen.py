"""Woningbouwprojecten and meldingen: loaders on hand-written files, the working days the build
stores per melding, and their demo generators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from data_sources import meldingen, woningbouwprojecten
from data_sources.demo import meldingen as demo_meldingen
from data_sources.demo import projecten as demo_projecten
from data_sources.demo import zwolle
from data_sources.source import Context
from metrics.sql import render
from tests.helpers import context, messages, write
from tests.synthetic import synthetic_warehouse

PEILDATUM = dt.date(2026, 11, 1)
P_HEADER = "project_id,project_naam,buurt_code,status,segment,woningen,geplande_oplevering,werkelijke_oplevering"
M_HEADER = "melding_id,datum,categorie,buurt_code,status,afgehandeld_op"


# --- woningbouwprojecten ---------------------------------------------------------------------


def projecten(tmp_path: Path, ctx: Context, *rows: str) -> pl.DataFrame | None:
    return woningbouwprojecten.read([write(tmp_path, "projecten.csv", P_HEADER, *rows)], ctx).get("woningbouwprojecten")


def test_projecten_happy_path(tmp_path):
    ctx = context()
    frame = projecten(
        tmp_path,
        ctx,
        "WBP1,Breecamp Hof,BU01932260,opgeleverd,sociale huur,40,2024-03-01,2024-09-15",
        "WBP1,Breecamp Hof,BU01932260,opgeleverd,dure koop,25,2024-03-01,2024-09-15",
        "WBP2,Spoorzone Kade,BU01931300,zacht,middenhuur,120,2030-01-01,",
        "WBP3,Stadsbroek Veld,BU01932280,idee,betaalbare koop,80,,",
    )
    assert not ctx.problems, messages(ctx)
    assert frame.columns == list(woningbouwprojecten.OUTPUT)
    assert frame["wijk_code"].to_list() == ["WK019322", "WK019322", "WK019313", "WK019322"]
    assert frame["werkelijke_oplevering"].to_list() == [dt.date(2024, 9, 15)] * 2 + [None, None]


def test_projecten_delivery_dates_follow_the_status(tmp_path):
    ctx = context()
    projecten(
        tmp_path,
        ctx,
        "WBP1,A,BU01932260,opgeleverd,sociale huur,40,2024-03-01,",
        "WBP2,B,BU01932260,hard,sociale huur,40,2027-03-01,2026-01-01",
        "WBP3,C,BU01932260,hard,sociale huur,40,,",
    )
    text = messages(ctx)
    assert ":2, kolom 'werkelijke_oplevering': opgeleverd project zonder werkelijke opleverdatum" in text
    assert ":3, kolom 'werkelijke_oplevering': werkelijke opleverdatum bij een project dat nog niet is opgeleverd" in text
    assert ":4, kolom 'geplande_oplevering': geplande opleverdatum ontbreekt" in text


def test_projecten_fields_must_agree_within_a_project(tmp_path):
    ctx = context()
    projecten(
        tmp_path,
        ctx,
        "WBP1,Breecamp Hof,BU01932260,hard,sociale huur,40,2027-03-01,",
        "WBP1,Breecamp Hof,BU01932270,in aanbouw,dure koop,25,2027-03-01,",
    )
    text = messages(ctx)
    assert "kolom 'buurt_code': verschilt tussen de regels van hetzelfde project" in text
    assert "kolom 'status': verschilt tussen de regels van hetzelfde project" in text


def test_projecten_bad_values(tmp_path):
    ctx = context()
    projecten(
        tmp_path,
        ctx,
        "WBP1,A,BU01939990,hard,vrije sector,veertig,2027-02-30,",
        "WBP1,A,BU01939990,hard,vrije sector,10,2027-02-28,",
    )
    text = messages(ctx)
    assert "kolom 'segment': onbekende waarde (gevonden: 'vrije sector')" in text
    assert "kolom 'woningen': waarde is geen geheel getal (gevonden: 'veertig')" in text
    assert "kolom 'geplande_oplevering': waarde is geen datum (gevonden: '2027-02-30')" in text
    assert "kolom 'buurt_code': onbekende buurtcode (gevonden: 'BU01939990')" in text
    assert "kolom 'project_id+segment': sleutel komt meer dan eens voor" in text


# --- meldingen -------------------------------------------------------------------------------


def read_meldingen(tmp_path: Path, ctx: Context, *rows: str) -> pl.DataFrame | None:
    return meldingen.read([write(tmp_path, "meldingen.csv", M_HEADER, *rows)], ctx).get("meldingen")


def test_meldingen_date_or_datetime(tmp_path):
    ctx = context(with_regios=False)
    frame = read_meldingen(
        tmp_path,
        ctx,
        "M1,2026-01-05 08:14,groen,BU01931000,afgehandeld,2026-01-20",
        "M2,2026-01-06T21:03:10,afval,BU01933110,in behandeling,",
        "M3,2026-01-07,overlast,BU01935000,open,",
    )
    assert not ctx.problems, messages(ctx)
    assert frame["datum"].to_list() == [dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2026, 1, 7)]
    assert frame["wijk_code"].to_list() == ["WK019310", "WK019331", "WK019350"]


def test_meldingen_afhandeling_follows_the_status(tmp_path):
    ctx = context()
    read_meldingen(
        tmp_path,
        ctx,
        "M1,2026-01-05,groen,BU01931000,afgehandeld,",
        "M2,2026-01-05,groen,BU01931000,open,2026-01-08",
        "M3,2026-01-05,groen,BU01931000,afgehandeld,2026-01-04",
        "M4,2026-01-05,vuurwerk,BU01931000,gesloten,",
        "M5,2026-02-30 10:00,groen,BU01939990,open,",
    )
    text = messages(ctx)
    assert ":2, kolom 'afgehandeld_op': afgehandelde melding zonder datum van afhandeling" in text
    assert ":3, kolom 'afgehandeld_op': datum van afhandeling bij een melding die niet is afgehandeld" in text
    assert ":4, kolom 'afgehandeld_op': afgehandeld voor de datum van de melding" in text
    assert ":5, kolom 'categorie': onbekende waarde (gevonden: 'vuurwerk')" in text
    assert ":5, kolom 'status': onbekende waarde (gevonden: 'gesloten')" in text
    assert ":6, kolom 'datum': waarde is geen datum (gevonden: '2026-02-30')" in text
    assert ":6, kolom 'buurt_code': onbekende buurtcode" in text


def test_meldingen_with_a_melder_name_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("DATAKOMPAS_PSEUDO_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    ctx = context()
    path = write(tmp_path, "m.csv", M_HEADER + ",naam", "M1,2026-01-05,groen,BU01931000,open,,Jansen")
    assert meldingen.read([path], ctx) == {}
    assert "kolom 'naam'" in messages(ctx)


# The metrics' own definition of the working days of a melding, which the stored column must equal.
WERKDAGEN_SQL = render("werkdagen(me.datum, me.afgehandeld_op)")


def test_werkdagen_counts_as_the_metrics_do():
    # Every pair of dates in six weeks (each weekday as start and as end; ends before, on and after
    # the start) and with a null on either side.
    days = [dt.date(2025, 12, 15) + dt.timedelta(days=i) for i in range(42)] + [None]
    pairs = pl.DataFrame({"datum": [a for a in days for _ in days], "afgehandeld_op": days * len(days)}, schema={"datum": pl.Date, "afgehandeld_op": pl.Date})
    counted = pairs.with_columns(meldingen.werkdagen(pl.col("datum"), pl.col("afgehandeld_op")).alias("n"))
    con = duckdb.connect()
    con.register("me", counted.to_arrow())
    assert con.execute(f"SELECT count(*) FROM me WHERE n IS DISTINCT FROM {WERKDAGEN_SQL}").fetchone() == (0,)

    def n(start: dt.date, end: dt.date | None) -> int | None:
        return counted.filter((pl.col("datum") == start) & pl.col("afgehandeld_op").eq_missing(end))["n"].item()

    friday, saturday, monday = dt.date(2025, 12, 19), dt.date(2025, 12, 20), dt.date(2025, 12, 22)
    assert (n(friday, friday), n(friday, saturday), n(friday, monday), n(saturday, monday)) == (0, 0, 1, 1)
    assert (n(monday, dt.date(2025, 12, 29)), n(monday, friday), n(monday, None)) == (5, 0, None)


def stored_against_sql(path: Path) -> tuple[int, int, int, int]:
    """Of the meldingen in a warehouse: those whose stored werkdagen differ from the metrics' count,
    the open ones, those made in a weekend and handled, and those handled in a weekend."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            f"""SELECT count(*) FILTER (WHERE afhandel_werkdagen IS DISTINCT FROM {WERKDAGEN_SQL}),
                count(*) FILTER (WHERE afhandel_werkdagen IS NULL),
                count(*) FILTER (WHERE isodow(datum) > 5 AND afgehandeld_op IS NOT NULL),
                count(*) FILTER (WHERE isodow(afgehandeld_op) > 5)
            FROM meldingen me"""
        ).fetchone()
    finally:
        con.close()


def test_the_build_stores_the_werkdagen_of_every_melding(demo_db, tmp_path):
    wrong, open_, weekend_start, weekend_end = stored_against_sql(demo_db)
    assert wrong == 0
    # The demo has what an off-by-one would show in: open meldingen, and starts and ends in a weekend.
    assert min(open_, weekend_start, weekend_end) > 1000
    # The hand-written test warehouse (tests.synthetic) counts them as the build does.
    assert stored_against_sql(synthetic_warehouse(tmp_path / "synthetisch.duckdb"))[0] == 0


# --- demo generators -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo_projecten.write(out, seed=193, scale=1.0, peildatum=PEILDATUM)
    demo_meldingen.write(out, seed=193, scale=1.0, peildatum=PEILDATUM)
    return out


@pytest.fixture(scope="module")
def loaded(demo) -> dict[str, pl.DataFrame]:
    ctx = context()
    tables = {
        **woningbouwprojecten.read([demo / "projecten/woningbouwprojecten.csv"], ctx),
        **meldingen.read([demo / "meldingen/meldingen.csv"], ctx),
    }
    assert not ctx.problems, messages(ctx)
    return tables


@pytest.mark.parametrize("module", [demo_projecten, demo_meldingen])
def test_demo_is_deterministic(module, demo, tmp_path):
    files = module.write(tmp_path / "same", seed=193, scale=1.0, peildatum=PEILDATUM)
    other = module.write(tmp_path / "other", seed=194, scale=1.0, peildatum=PEILDATUM)
    for paths in files.values():
        for p in paths:
            assert (tmp_path / "same" / p).read_bytes() == (demo / p).read_bytes()
    for paths in other.values():
        for p in paths:
            assert (tmp_path / "other" / p).read_bytes() != (demo / p).read_bytes()


def test_demo_projecten_calibrated_on_zwolle(loaded):
    p = loaded["woningbouwprojecten"]
    assert 120 <= p["project_id"].n_unique() <= 200
    per_status = dict(p.group_by("status").agg(pl.col("woningen").sum()).iter_rows())
    assert per_status["hard"] == zwolle.PLANCAPACITEIT_HARD
    assert per_status["zacht"] == zwolle.PLANCAPACITEIT_ZACHT
    delivered = p.filter(pl.col("status") == "opgeleverd").group_by(pl.col("werkelijke_oplevering").dt.year().alias("jaar")).agg(pl.col("woningen").sum())
    full_years = delivered.filter(pl.col("jaar") < PEILDATUM.year)
    assert full_years.height >= 5
    assert full_years["woningen"].is_between(400, 1000).all()
    assert full_years.filter(pl.col("jaar") == 2020)["woningen"].item() == pytest.approx(zwolle.NIEUWBOUW[2020], abs=5)
    assert set(p["segment"]) == set(woningbouwprojecten.SEGMENTEN)


def test_demo_meldingen_volume_season_and_backlog(loaded):
    m = loaded["meldingen"]
    per_year = m.filter(pl.col("datum").dt.year() < PEILDATUM.year).group_by(pl.col("datum").dt.year()).len()["len"]
    assert per_year.is_between(20_000, 50_000).all()
    assert set(m["categorie"]) == set(meldingen.CATEGORIEEN)

    def count(categorie: str, months: list[int]) -> int:
        return m.filter((pl.col("categorie") == categorie) & pl.col("datum").dt.month().is_in(months)).height

    assert count("groen", [6, 7, 8]) > 2 * count("groen", [12, 1, 2])
    assert count("straatverlichting", [11, 12, 1]) > 2 * count("straatverlichting", [5, 6, 7])
    recent = m.filter(pl.col("datum") >= PEILDATUM - dt.timedelta(days=7))
    old = m.filter(pl.col("datum").dt.year() == PEILDATUM.year - 2)
    assert (recent["status"] != "afgehandeld").mean() > 0.3
    assert (old["status"] == "afgehandeld").mean() > 0.99
    assert m.filter(pl.col("datum") >= PEILDATUM).height == 0


def test_demo_meldingen_scale_multiplies_volume(tmp_path, loaded):
    demo_meldingen.write(tmp_path, seed=193, scale=2.0, peildatum=PEILDATUM)
    doubled = pl.read_csv(tmp_path / "meldingen/meldingen.csv").height
    assert 1.9 < doubled / loaded["meldingen"].height < 2.1
