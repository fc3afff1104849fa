"""Issue 16's situations in synthetic worlds whose answer is known by hand.

The world: two aanbieders with toewijzingen per maand (a calendar month costs its price whatever
its length, so amounts are round): Groot (two toewijzingen, 6,000 a month, 40% of the spending)
and Klein (three, 9,000 a month), running since 2015, declared exactly along the lag profile of
test_prognose (55% one month after the month of care, 30% after two, 15% after three). Then one
thing happens in 2023:

- Groot declares every month of care of 2023 four months later than usual;
- tariffs rise 10% for care from 1 July 2023 (lines 10% higher; a toewijzing that starts later
  carries the new tarief), decided on 1 June; an export may overwrite the tarief of running ones.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from metrics.jeugd import prognose
from metrics.jeugd.prognose import backtest, forecast, late_aanbieders
from tests.synthetic import create_declaraties
from tests.test_prognose import DATA_START, add_months, declare, toewijzing, toewijzingen_frame, truth

GROOT, KLEIN = "11111111", "22222222"
STEP_FROM = dt.date(2023, 7, 1)
DECIDED = dt.date(2023, 6, 1)


def base_rows() -> list[dict]:
    groot = [toewijzing(i, DATA_START, frequentie="per maand", volume=1, tarief=3000.0) for i in range(2)]
    klein = [toewijzing(10 + i, DATA_START, frequentie="per maand", volume=1, tarief=3000.0) for i in range(3)]
    return groot + klein


def frame(rows: list[dict]) -> pl.DataFrame:
    return toewijzingen_frame(rows).with_columns(
        aanbieder_agb=pl.when(pl.col("toewijzing_id").is_in(["T0", "T1"])).then(pl.lit(GROOT)).otherwise(pl.lit(KLEIN)),
        aanbieder_naam=pl.when(pl.col("toewijzing_id").is_in(["T0", "T1"])).then(pl.lit("Jeugdzorg Groot")).otherwise(pl.lit("Jeugdhulp Klein")),
        productcategorie=pl.lit("45"),
    )


def late_world() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = base_rows()
    decl = declare(rows)
    shifted = pl.col("toewijzing_id").is_in(["T0", "T1"]) & (pl.col("maand").dt.year() == 2023)
    decl = decl.with_columns(ingediend_op=pl.when(shifted).then(pl.col("ingediend_op").dt.offset_by("4mo")).otherwise(pl.col("ingediend_op")))
    return frame(rows), decl


# --- a late aanbieder -------------------------------------------------------------------------


def test_late_aanbieder_is_filled_in_and_named():
    t, decl = late_world()
    peil = dt.date(2023, 6, 30)
    fc = forecast(t, decl, 2023, peil)
    # Its toewijzingen and own lag say what is missing: the forecast is the true total.
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-9)
    assert fc.late_fill > 0
    assert fc.late.height == 1
    row = fc.late.row(0, named=True)
    assert row["aanbieder_agb"] == GROOT and row["aanbieder_naam"] == "Jeugdzorg Groot"
    # By hand, 6,000 a month: January had 55% in of the 100% it usually has at five months; February
    # to April nothing of 100%, 100% and 85%; May nothing of 55%; June is not due yet.
    assert (row["van"], row["tot"]) == (dt.date(2023, 1, 1), dt.date(2023, 5, 1))
    assert row["tekort"] == pytest.approx(6000 * (0.45 + 1 + 1 + 0.85 + 0.55))
    assert row["verwacht_totaal"] == pytest.approx(6000 * 5)
    text = prognose.late_text(row)
    assert text == "Jeugdzorg Groot: € 23.100 minder gedeclareerd dan verwacht over januari–mei 2023"
    assert text in prognose.describe(fc)


def test_late_aanbieder_signal_on_its_own():
    t, decl = late_world()
    got = late_aanbieders(t, decl.filter(pl.col("ingediend_op") <= dt.date(2023, 6, 30)), dt.date(2023, 6, 30))
    assert got["aanbieder_agb"].to_list() == [GROOT]
    assert got["tekst"][0].startswith("Jeugdzorg Groot: € 23.100 minder gedeclareerd")
    # On time: no signal at all.
    rows = base_rows()
    assert late_aanbieders(frame(rows), declare(rows), dt.date(2023, 6, 30)).is_empty()


def test_the_year_after_a_late_year_expects_the_usual_lag_again():
    """Groot is on time again in 2024; one late half-year among three reference years does not
    make the forecast expect it late (which would add what is already in)."""
    t, decl = late_world()
    for peil in (dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30)):
        fc = forecast(t, decl, 2024, peil)
        assert fc.total == pytest.approx(truth(decl, 2024), rel=1e-9)
    # At the end of March Groot still owes the last months of 2023 (four months late): named for
    # those, not for 2024; by the end of June they are in.
    march = forecast(t, decl, 2024, dt.date(2024, 3, 31)).late
    assert march["aanbieder_agb"].to_list() == [GROOT] and march["tot"][0] == dt.date(2023, 12, 1)
    assert forecast(t, decl, 2024, dt.date(2024, 6, 30)).late.is_empty()


# --- a tariff change ---------------------------------------------------------------------------


def tariff_world(*, overwrite: bool = False, starters: bool = False) -> tuple[pl.DataFrame, pl.DataFrame, list[dict]]:
    """+10% from STEP_FROM. `starters`: also five new toewijzingen a month, each for six months,
    at the tarief of their start. `overwrite`: the export shows the new tarief for every
    toewijzing that ran on STEP_FROM (as some systems do)."""
    rows = base_rows()
    if starters:
        month, i = DATA_START, 100
        while month <= dt.date(2024, 12, 1):
            for j in range(5):
                # Spread over the month, so that a starter runs half its first month on average.
                begin = month + dt.timedelta(days=3 + 6 * j)
                price = 1000.0 * (1.1 if begin >= STEP_FROM else 1.0)
                rows.append(toewijzing(i, begin, end=add_months(begin, 6) - dt.timedelta(days=1), frequentie="per maand", volume=1, tarief=price))
                i += 1
            month = add_months(month, 1)
    decl = declare(rows)
    later = pl.col("maand") >= STEP_FROM
    # A toewijzing that started before the change carries the old tarief; its lines rise anyway.
    old = pl.col("toewijzing_id").is_in([r["toewijzing_id"] for r in rows if r["begindatum"] < STEP_FROM])
    decl = decl.with_columns(bedrag=pl.when(later & old).then(pl.col("bedrag") * 1.1).otherwise(pl.col("bedrag")))
    t = frame(rows)
    if overwrite:
        running = (pl.col("begindatum") < STEP_FROM) & (pl.col("einddatum").is_null() | (pl.col("einddatum") >= STEP_FROM))
        t = t.with_columns(tarief=pl.when(running).then(pl.col("tarief") * 1.1).otherwise(pl.col("tarief")))
    return t, decl, rows


DECLARED = pl.DataFrame({"ingangsdatum": [STEP_FROM], "indexatie": [0.10], "bekend_op": [DECIDED]})


def test_declared_tariff_change_counts_from_its_start():
    t, decl, _ = tariff_world()
    peil = dt.date(2023, 6, 30)
    fc = forecast(t, decl, 2023, peil, tarieven=DECLARED)
    assert fc.total == pytest.approx(truth(decl, 2023), rel=1e-9)
    # Without it, the forecast at the end of June cannot know: it is short by exactly the rise.
    blind = forecast(t, decl, 2023, peil)
    assert blind.total == pytest.approx(truth(decl, 2023) - 0.10 * 15_000 * 6, rel=1e-9)
    assert "10,0% vanaf 1 juli 2023" in prognose.describe(fc)


def test_tariff_change_seen_in_declarations_once_they_are_in():
    """No settings: at the end of September July and August are in at the new price, and the
    forecast prices the rest of the year (and September's lag) at it."""
    t, decl, _ = tariff_world(starters=True)
    fc = forecast(t, decl, 2023, dt.date(2023, 9, 30))
    assert fc.total == pytest.approx(truth(decl, 2023), rel=0.002)
    level = fc.price_level.filter(pl.col("mi").is_between(2023 * 12 + 5, 2023 * 12 + 11)).sort("mi")["niveau"].to_list()
    assert level[1] / level[0] == pytest.approx(1.10, rel=1e-4)  # July against June (a fit: to 1e-4)
    assert level[-1] / level[0] == pytest.approx(1.10, rel=1e-4)  # December keeps July's level


def test_a_change_decided_later_is_not_known_earlier():
    """Backtest at the end of March: the change decided on 1 June did not exist yet."""
    t, decl, _ = tariff_world()
    with_it = backtest(t, decl, years=[2023], checkpoints=(3, 6), tarieven=DECLARED, peildatum=dt.date(2024, 12, 31))
    without = backtest(t, decl, years=[2023], checkpoints=(3, 6), peildatum=dt.date(2024, 12, 31))
    assert with_it["forecast"][0] == pytest.approx(without["forecast"][0], rel=1e-12)
    assert with_it["forecast"][1] > without["forecast"][1]
    assert with_it["error_pct"][1] == pytest.approx(0.0, abs=1e-7)


def test_overwritten_tarief_is_detected_and_tarief_history_removes_the_look_ahead():
    cutoff = dt.date(2024, 12, 31)
    kept, decl, rows = tariff_world(starters=True)
    over, _, _ = tariff_world(starters=True, overwrite=True)
    bt_kept = backtest(kept, decl, years=[2023], checkpoints=(3,), peildatum=cutoff)
    bt_over = backtest(over, decl, years=[2023], checkpoints=(3,), peildatum=cutoff)
    assert bt_kept["tarief_trusted"][0] is True
    assert bt_over["tarief_trusted"][0] is False
    assert "lijkt het tarief van lopende toewijzingen te overschrijven" in prognose.explain(bt_over)
    # The overwritten export lets the March forecast know July's rise: higher than it could know.
    assert bt_over["forecast"][0] > bt_kept["forecast"][0] * 1.02
    # A tarief history (the tarief as each export showed it) gives back what was known in March.
    history = pl.DataFrame(
        [(r["toewijzing_id"], r["begindatum"], r["tarief"]) for r in rows]
        + [
            (r["toewijzing_id"], STEP_FROM, r["tarief"] * 1.1)
            for r in rows
            if r["begindatum"] < STEP_FROM and (r["einddatum"] is None or r["einddatum"] >= STEP_FROM)
        ],
        schema=["toewijzing_id", "geldig_vanaf", "tarief"],
        orient="row",
    )
    bt_hist = backtest(over, decl, years=[2023], checkpoints=(3,), peildatum=cutoff, tarief_historie=history)
    assert bt_hist["forecast"][0] == pytest.approx(bt_kept["forecast"][0], rel=1e-9)
    assert bt_hist["tarief_trusted"][0] is True
    # And today's forecast from it equals the one from an export that kept each start's tarief.
    peil = dt.date(2023, 9, 30)
    assert forecast(over, decl, 2023, peil, tarief_historie=history).total == pytest.approx(forecast(kept, decl, 2023, peil).total, rel=1e-5)


# --- on the page's path: the engine, a scope, the warehouse --------------------------------------


def test_late_signal_through_the_engine(tmp_path):
    """jeugdzorg.late_aanbieders: what the Jeugd page and the Kompas show, from a warehouse."""
    import uuid

    import duckdb

    from metrics.engine import Engine
    from metrics.jeugd import jeugdzorg
    from metrics.roles import Scope
    from metrics.tables import TABLES
    from metrics.warehouse import open_warehouse

    t, decl = late_world()
    peil = dt.date(2023, 6, 30)
    t, decl = prognose.as_known_at(t, decl, peil)[:2]
    path = tmp_path / "late.duckdb"
    con = duckdb.connect(str(path))
    con.register("t_frame", t.with_columns(productcode=pl.lit(None, dtype=pl.String), wijk_code=pl.lit("WK019310")))
    con.register("d_frame", decl)
    con.execute("CREATE TABLE jeugd_toewijzingen AS SELECT * FROM t_frame")
    create_declaraties(con, "d_frame")
    con.execute(f"CREATE TABLE jeugd_begroting ({', '.join(f'{c} {ty}' for c, ty in TABLES['jeugd_begroting'].items())})")
    con.execute(f"CREATE TABLE builds ({', '.join(f'{c} {ty}' for c, ty in TABLES['builds'].items())})")
    con.execute("INSERT INTO builds VALUES (?, TIMESTAMP '2023-07-01 08:00', 1.0, 'GM0193', 'test', false, ?)", [uuid.uuid4().hex, peil])
    con.close()
    engine = Engine(open_warehouse(path))
    keuze = jeugdzorg.Keuze(jaar=2023, tm_maand=12)
    got = jeugdzorg.late_aanbieders(engine, Scope.local(), keuze)
    assert got["aanbieder_agb"].to_list() == [GROOT]
    assert got["tekst"][0] == "Jeugdzorg Groot: € 23.100 minder gedeclareerd dan verwacht over januari–mei 2023"
    # Filtered to the other aanbieder: nobody is late there.
    assert jeugdzorg.late_aanbieders(engine, Scope.local(), jeugdzorg.Keuze(jaar=2023, tm_maand=12, aanbieder=KLEIN)).is_empty()
    assert jeugdzorg.herkomst(engine) is None  # not a demo build
