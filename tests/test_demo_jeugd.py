"""The jeugd demo generator: deterministic, loads cleanly, and behaves like a real gemeente's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from data_sources import jeugd_begroting, jeugd_declaraties, jeugd_reference, jeugd_toewijzingen
from data_sources.demo import jeugd, zwolle
from data_sources.privacy import Pseudonymiser
from data_sources.problems import Problems
from data_sources.source import Context

PEILDATUM = dt.date(2026, 11, 1)
FULL_YEARS = range(PEILDATUM.year - jeugd.YEARS + 1, PEILDATUM.year)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    out = tmp_path_factory.mktemp("jeugd")
    return out, jeugd.write(out, seed=193, scale=1.0, peildatum=PEILDATUM)


def load(out: Path, files: dict[str, list[str]]) -> tuple[dict[str, pl.DataFrame], Problems]:
    buurten = pl.DataFrame({"buurt_code": [b.code for b in zwolle.BUURTEN], "wijk_code": [b.wijk_code for b in zwolle.BUURTEN]})
    ctx = Context(gemeente="GM0193", problems=Problems(), regios={"buurten": buurten}, pseudonymiser=Pseudonymiser(b"demo", configured=False))
    for module in (jeugd_toewijzingen, jeugd_declaraties, jeugd_begroting):
        ctx.tables.update(module.read([out / p for p in files[module.SOURCE.key]], ctx))
    return ctx.tables, ctx.problems


@pytest.fixture(scope="module")
def tables(demo) -> dict[str, pl.DataFrame]:
    tables, problems = load(*demo)
    assert not problems, "\n".join(problems.lines())
    return tables


def test_same_seed_same_bytes_other_seed_other_data(demo, tmp_path):
    out, files = demo
    again = jeugd.write(tmp_path / "same", seed=193, scale=1.0, peildatum=PEILDATUM)
    assert again == files
    for paths in files.values():
        for p in paths:
            assert (tmp_path / "same" / p).read_bytes() == (out / p).read_bytes(), p
    jeugd.write(tmp_path / "other", seed=7, scale=1.0, peildatum=PEILDATUM)
    for p in ("jeugd/toewijzingen.csv", "jeugd/declaraties_2024.csv", "jeugd/begroting.csv"):
        assert (tmp_path / "other" / p).read_bytes() != (out / p).read_bytes()


def test_files_cover_ten_years_and_load_without_problems(demo, tables):
    _, files = demo
    assert files["jeugd_declaraties"] == [f"jeugd/declaraties_{y}.csv" for y in range(FULL_YEARS.start, PEILDATUM.year + 1)]
    assert tables["jeugd_toewijzingen"].height > 10_000
    assert tables["jeugd_declaraties"].height > 100_000


def test_unique_jeugdigen_per_full_year(tables):
    t = tables["jeugd_toewijzingen"]
    for jaar in FULL_YEARS:
        active = t.filter((pl.col("begindatum") <= dt.date(jaar, 12, 31)) & (pl.col("einddatum").is_null() | (pl.col("einddatum") >= dt.date(jaar, 1, 1))))
        assert 3_000 <= active["client_key"].n_unique() <= 3_600, jaar


def test_only_what_was_submitted_by_the_peildatum(tables):
    d = tables["jeugd_declaraties"]
    assert d["ingediend_op"].max() <= PEILDATUM
    assert tables["jeugd_toewijzingen"]["begindatum"].max() <= PEILDATUM
    # The last months are incomplete: late lines are not in yet.
    per_month = d.group_by("maand").agg(pl.col("bedrag").sum()).sort("maand")
    last_full = per_month.filter(pl.col("maand").dt.year() == PEILDATUM.year - 1)["bedrag"].mean()
    assert per_month["bedrag"][-1] < 0.8 * last_full


def test_credit_lines_rejections_and_submission_lag(tables):
    d = tables["jeugd_declaraties"]
    credit = d.filter(pl.col("status") == "gecrediteerd")
    assert credit.height > 0.005 * d.height and (credit["bedrag"] < 0).all()
    assert (d.filter(pl.col("status") != "gecrediteerd")["bedrag"] >= 0).all()
    assert d.filter(pl.col("status") == "afgekeurd").height > 0
    lag = d.select((pl.col("ingediend_op") - pl.col("maand")).dt.total_days())["ingediend_op"]
    assert 35 < lag.median() < 90
    assert (lag > 180).mean() > 0.01  # a fraction is very late


def test_toewijzingen_look_like_real_ones(tables):
    t = tables["jeugd_toewijzingen"]
    wait = t.select((pl.col("begindatum") - pl.col("aanvraagdatum")).dt.total_days()).to_series().drop_nulls()
    assert wait.median() <= 7 and wait.quantile(0.99) > 20
    aanbieders = t.group_by("aanbieder_agb").len().sort("len", descending=True)
    assert 40 <= aanbieders.height <= 60
    assert aanbieders["len"].head(5).sum() > 0.5 * t.height
    assert t["aanbieder_agb"].str.contains(r"^\d{8}$").all()
    ggz = t.filter(pl.col("productcategorie") == "54")["verwijzer"].value_counts(sort=True)
    assert ggz["verwijzer"][0] == "huisarts"
    jb = t.filter(pl.col("productcategorie").is_in(["47", "48"]))["verwijzer"]
    assert set(jb) == {"gecertificeerde instelling", "rechter/OvJ/functionaris JJI"}
    duur = t.select((pl.col("einddatum") - pl.col("begindatum")).dt.total_days()).to_series().drop_nulls()
    assert duur.min() < 30 and duur.max() > 3 * 365


def test_demo_products_use_the_ijw_units(tables):
    """WJ756: a monthly fee (jeugdbescherming, -reclassering) is 84 stuks (inspanning) per maand; a
    trajectprijs (maatwerkarrangement) 82 stuks (output) for the whole toewijzing."""
    t = tables["jeugd_toewijzingen"]
    units = {pc: set(zip(g["eenheid"], g["frequentie"])) for (pc,), g in t.group_by("productcategorie")}
    assert units["48"] == units["47"] == {("stuks (inspanning)", "per maand")}
    assert units["50"] == {("stuks (output)", "totaal binnen geldigheidsduur")}
    assert set(t["eenheid"]) <= set(jeugd_reference.EENHEDEN.values())
    assert set(t["verwijzer"]) <= set(jeugd_reference.VERWIJZERS.values())


def test_tariffs_are_indexed_every_year(tables):
    t = tables["jeugd_toewijzingen"].filter(pl.col("productcode") == "45A01")
    per_year = t.group_by(pl.col("begindatum").dt.year().alias("jaar")).agg(pl.col("tarief").mean()).sort("jaar")
    per_year = per_year.filter(pl.col("jaar").is_in(list(FULL_YEARS)))
    growth = per_year["tarief"].pct_change().drop_nulls()
    assert (growth > 0.02).all() and (growth < 0.07).all()


def test_begroting_uses_the_taakvelden_of_its_year(tables):
    b = tables["jeugd_begroting"]
    old = {t.code for t in jeugd_reference.TAAKVELDEN if t.geldig_tot is not None}
    assert set(b.filter(pl.col("jaar") < jeugd_reference.IV3_SPLITSING)["taakveld"]) == old
    new = set(b.filter(pl.col("jaar") >= jeugd_reference.IV3_SPLITSING)["taakveld"])
    assert new and not new & old
    assert sorted(b["jaar"].unique()) == list(range(FULL_YEARS.start, PEILDATUM.year + 1))


def test_structural_overspending_in_recent_years(tables):
    d = tables["jeugd_declaraties"].filter(pl.col("status") != "afgekeurd")
    b = tables["jeugd_begroting"]
    for jaar in (PEILDATUM.year - 3, PEILDATUM.year - 2):
        realised = d.filter(pl.col("maand").dt.year() == jaar)["bedrag"].sum()
        year = b.filter(pl.col("jaar") == jaar)
        assert year["primitieve_begroting"].sum() < year["actuele_begroting"].sum() < realised, jaar


def test_scale_two_roughly_doubles_the_lines(demo, tmp_path):
    out, files = demo
    doubled = jeugd.write(tmp_path, seed=193, scale=2.0, peildatum=PEILDATUM)

    def lines(root: Path, paths: list[str]) -> int:
        return sum(pl.scan_csv(root / p).select(pl.len()).collect().item() for p in paths)

    ratio = lines(tmp_path, doubled["jeugd_declaraties"]) / lines(out, files["jeugd_declaraties"])
    assert 1.8 < ratio < 2.2
