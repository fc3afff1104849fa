"""Rules behind the Sturingsdashboard Jeugd: the decomposition of the change in lasten (metrics.jeugd.drivers)
and the page's rules in metrics.jeugd.jeugdzorg (default period, filters per metric, over-/underspend,
forecast band, top-5 share, comparison with CBS). Hand-worked examples, a property test, the
synthetic warehouse (numbers checkable by hand) and the demo warehouse."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metrics
from metrics.cache import FrameCache
from metrics.engine import Engine
from metrics.jeugd import drivers, jeugdzorg, prognose
from metrics.jeugd.drivers import Product, decompose, decompose_frame, log_mean, log_price_index
from metrics.roles import Scope
from metrics.warehouse import open_warehouse
from tests.synthetic import synthetic_warehouse

LOCAL = Scope.local()


# --- the arithmetic -------------------------------------------------------------------------


def test_log_mean():
    assert log_mean(2.0, 2.0) == 2.0
    assert log_mean(math.e, 1.0) == pytest.approx(math.e - 1)
    assert log_mean(4.0, 1.0) == log_mean(1.0, 4.0)
    with pytest.raises(ValueError):
        log_mean(0.0, 1.0)


def test_more_jeugdigen_only_is_all_jeugdigen_effect():
    d = decompose(lasten_vorig=1000.0, lasten=2000.0, jeugdigen_vorig=10, jeugdigen=20, ln_tarief=0.0)
    assert d.verschil == 1000.0
    assert d.effect_jeugdigen == pytest.approx(1000.0)
    assert d.effect_zorg == pytest.approx(0.0, abs=1e-9)
    assert d.effect_tarief == 0.0
    assert d.jeugdigen_pct == pytest.approx(1.0) and d.kosten_per_jeugdige_pct == pytest.approx(0.0, abs=1e-12)


def test_a_worked_example():
    # 100 -> 110 jeugdigen, tariffs +5%, lasten 1,0 -> 1,2 mln: care per jeugdige is the rest.
    d = decompose(1_000_000.0, 1_200_000.0, 100, 110, math.log(1.05))
    w = (1_200_000 - 1_000_000) / math.log(1.2)
    assert d.effect_jeugdigen == pytest.approx(w * math.log(1.1))
    assert d.effect_tarief == pytest.approx(w * math.log(1.05))
    assert d.effect_zorg == pytest.approx(w * math.log(1.2 / 1.1 / 1.05))
    assert d.effect_jeugdigen + d.effect_zorg + d.effect_tarief == pytest.approx(200_000.0, abs=1e-6)
    assert d.zorg_pct == pytest.approx(1.2 / 1.1 / 1.05 - 1)
    assert d.kosten_per_jeugdige_pct == pytest.approx(1.2 / 1.1 - 1)


@settings(max_examples=200, deadline=None)
@given(
    l0=st.floats(1.0, 1e8),
    l1=st.floats(1.0, 1e8),
    n0=st.integers(8, 100_000),
    n1=st.integers(8, 100_000),
    ln_t=st.floats(-0.5, 0.5),
)
def test_the_three_effects_add_up_to_the_change_exactly(l0, l1, n0, n1, ln_t):
    d = decompose(l0, l1, n0, n1, ln_t)
    assert d.effect_jeugdigen + d.effect_zorg + d.effect_tarief == pytest.approx(l1 - l0, rel=1e-9, abs=1e-6)
    # each effect has the sign of its own ratio
    assert (d.effect_jeugdigen >= 0) == (n1 >= n0) or d.effect_jeugdigen == 0
    assert (d.effect_tarief >= 0) == (ln_t >= 0) or d.effect_tarief == 0


def test_small_or_empty_groups_are_not_split():
    assert decompose(100.0, 120.0, 7, 50, 0.0).effect_jeugdigen is None  # 7 or fewer jeugdigen
    assert decompose(0.0, 120.0, 10, 50, 0.0).effect_zorg is None  # nothing last year
    d = decompose(100.0, -5.0, 10, 10, 0.0)  # credit lines only
    assert d.verschil == -105.0 and d.effect_tarief is None


def test_price_index_compares_the_same_products():
    # One product 100 -> 110 per unit: +10%, whatever the volume.
    vorig = {"A | uur": Product(1000.0, 1000.0, 10.0)}
    nu = {"A | uur": Product(2200.0, 2200.0, 20.0)}
    assert log_price_index(vorig, nu) == pytest.approx(math.log(1.1))
    # A shift to an expensive product at unchanged prices is not a tariff effect.
    vorig = {"A": Product(1000.0, 1000.0, 10.0), "B": Product(1000.0, 1000.0, 1.0)}
    nu = {"A": Product(500.0, 500.0, 5.0), "B": Product(5000.0, 5000.0, 5.0)}
    assert log_price_index(vorig, nu) == pytest.approx(0.0, abs=1e-12)
    # Products in one period only, or without a tarief (no units), carry no price information.
    assert log_price_index({"A": Product(10.0, 10.0, 1.0)}, {"B": Product(10.0, 10.0, 1.0)}) == 0.0
    assert log_price_index({"A": Product(10.0, 0.0, 0.0)}, {"A": Product(20.0, 0.0, 0.0)}) == 0.0
    # Two products +10% and +20%: Sato-Vartia weights, the log-mean of each product's shares.
    vorig = {"A": Product(100.0, 100.0, 1.0), "B": Product(100.0, 100.0, 1.0)}
    nu = {"A": Product(110.0, 110.0, 1.0), "B": Product(120.0, 120.0, 1.0)}
    wa, wb = log_mean(110 / 230, 0.5), log_mean(120 / 230, 0.5)
    assert log_price_index(vorig, nu) == pytest.approx((wa * math.log(1.1) + wb * math.log(1.2)) / (wa + wb))
    assert math.log(1.1) < log_price_index(vorig, nu) < math.log(1.2)


def test_decompose_frame_per_group():
    products = pl.DataFrame(
        {
            "groep": ["x", "x", "x", "x", "y"],
            "nu": [False, True, False, True, True],
            "product": ["A", "A", "B", "B", "A"],
            "lasten": [1000.0, 1100.0, 500.0, 500.0, 300.0],
            "lasten_met_tarief": [1000.0, 1100.0, 500.0, 500.0, 300.0],
            "eenheden": [10.0, 10.0, 5.0, 5.0, 3.0],
        }
    )
    persons = pl.DataFrame({"groep": ["x", "x", "y"], "nu": [False, True, True], "jeugdigen": [20, 22, 9]})
    out = decompose_frame(products, persons, ["groep"])
    x = out.filter(pl.col("groep") == "x").row(0, named=True)
    assert x["lasten_vorig_jaar"] == 1500.0 and x["lasten"] == 1600.0 and x["verschil"] == 100.0
    assert x["effect_jeugdigen"] + x["effect_zorg"] + x["effect_tarief"] == pytest.approx(100.0)
    assert x["tarief_pct"] > 0  # A went from 100 to 110 per unit
    y = out.filter(pl.col("groep") == "y").row(0, named=True)
    assert y["lasten_vorig_jaar"] == 0.0 and y["verschil"] == 300.0 and y["effect_jeugdigen"] is None


def test_describe_in_words():
    row = decompose(1_000_000.0, 1_200_000.0, 100, 110, math.log(1.05))._asdict() | {"geheim": False}
    text = drivers.describe(row, "januari t/m juni 2026", "dezelfde maanden van 2025")
    assert text.startswith("De lasten over januari t/m juni 2026 zijn € 1,2 mln: € 200.000 (+20,0%) meer dan over dezelfde maanden van 2025")
    assert "meer jeugdigen (+10,0%" in text and "hogere tarieven (+5,0%" in text and "meer zorg per jeugdige" in text
    assert "te weinig jeugdigen" in drivers.describe(decompose(10.0, 20.0, 3, 4, 0.0)._asdict() | {"geheim": False}, "x", "y")
    assert "afscherming" in drivers.describe({"geheim": True}, "x", "y")


def test_same_day_last_year():
    assert drivers.same_day_last_year(dt.date(2026, 11, 1)) == dt.date(2025, 11, 1)
    assert drivers.same_day_last_year(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


# --- the derived metric on the synthetic warehouse (Q1 2025 against Q1 2024) -----------------


@pytest.fixture
def synthetic(tmp_path):
    path = synthetic_warehouse(tmp_path / "s.duckdb")
    return path


def _engine(path) -> Engine:
    return Engine(open_warehouse(path), cache=FrameCache())


def test_ontleding_on_the_synthetic_warehouse(synthetic):
    engine = _engine(synthetic)
    where = {"jaar": 2025, "maand": [1, 2, 3]}
    row = engine.query("lasten_ontleding", where=where, scope=LOCAL).row(0, named=True)
    # Q1 2024: 12x3x1000 + 3x3x2000 + 10x2x1000 + 3000 - 500 (credit); the rejected 5000 does not count.
    assert row["lasten_vorig_jaar"] == pytest.approx(76_500.0)
    # Q1 2025: 10x3x1100 + 5x3x1100 + 3x2000
    assert row["lasten"] == pytest.approx(55_500.0)
    assert row["lasten"] == pytest.approx(engine.query("lasten", where=where, scope=LOCAL)["waarde"][0])
    assert row["waarde"] == row["verschil"] == pytest.approx(-21_000.0)
    w = (55_500 - 76_500) / math.log(55_500 / 76_500)
    assert row["effect_jeugdigen"] == pytest.approx(w * math.log(18 / 25))  # K01-K25 -> 18 jeugdigen
    assert row["effect_tarief"] == pytest.approx(0.0, abs=1e-6)  # every toewijzing has tarief 125
    assert row["effect_jeugdigen"] + row["effect_zorg"] + row["effect_tarief"] == pytest.approx(row["verschil"])


def test_ontleding_compares_with_what_was_known_a_year_earlier(synthetic):
    # A declaration for January 2024 that came in after 1 October 2024 (a year before the
    # peildatum) was not known at the same point last year: it must not count.
    con = duckdb.connect(str(synthetic))
    con.execute(
        "INSERT INTO jeugd_declaraties SELECT 'LATE', 'T01', DATE '2024-01-01', 999.0, 'goedgekeurd', DATE '2024-12-01', client_key, wijk_code "
        "FROM jeugd_toewijzingen WHERE toewijzing_id = 'T01'"
    )
    con.close()
    engine = _engine(synthetic)
    where = {"jaar": 2025, "maand": [1, 2, 3]}
    assert engine.query("lasten_ontleding", where=where, scope=LOCAL)["lasten_vorig_jaar"][0] == pytest.approx(76_500.0)
    assert engine.query("lasten", where={"jaar": 2024, "maand": [1, 2, 3]}, scope=LOCAL)["waarde"][0] == pytest.approx(77_499.0)


def test_ontleding_splits_filters_and_scopes(synthetic):
    engine = _engine(synthetic)
    where = {"jaar": 2025, "maand": [1, 2, 3]}
    per_wijk = engine.query("lasten_ontleding", by=["wijk"], where=where, scope=LOCAL)
    assert per_wijk["verschil"].sum() == pytest.approx(-21_000.0)
    binnenstad = per_wijk.filter(pl.col("wijk") == "WK019310").row(0, named=True)
    assert binnenstad["lasten_vorig_jaar"] == pytest.approx(36_000 - 500 + 3000)  # T01-T12, credit, T29
    assert binnenstad["lasten"] == pytest.approx(33_000.0)
    scoped = engine.query("lasten_ontleding", where=where, scope=Scope(role="databrigade", wijken={"WK019310"})).row(0, named=True)
    assert scoped["lasten"] == pytest.approx(33_000.0)
    groep = engine.query("lasten_ontleding", where=where | {"productgroep": "jeugdhulp met verblijf"}, scope=LOCAL).row(0, named=True)
    assert groep["lasten"] == pytest.approx(6000.0) and groep["effect_jeugdigen"] is None  # 3 jeugdigen: too few to split
    # Protected roles: a wijk with few jeugdigen is hidden with the persons behind it.
    protected = engine.query("lasten_ontleding", by=["wijk"], where=where, scope=Scope(role="sociaal_domein"))
    diezerpoort = protected.filter(pl.col("wijk") == "WK019311").row(0, named=True)
    assert diezerpoort["geheim"] and diezerpoort["lasten"] is None and diezerpoort["effect_zorg"] is None
    with pytest.raises(metrics.InvalidQuery):
        engine.query("lasten_ontleding", by=["wijk", "verwijzer"], where=where, scope=LOCAL)
    with pytest.raises(metrics.InvalidQuery):
        engine.query("lasten_ontleding", where={"jaar": [2024, 2025]}, scope=LOCAL)


# --- page rules ------------------------------------------------------------------------------


def test_default_period_is_the_last_complete_month():
    assert jeugdzorg.standaard_periode(dt.date(2026, 11, 1)) == (2026, 10)
    assert jeugdzorg.standaard_periode(dt.date(2026, 11, 17)) == (2026, 10)
    assert jeugdzorg.standaard_periode(dt.date(2026, 10, 31)) == (2026, 10)
    assert jeugdzorg.standaard_periode(dt.date(2027, 1, 1)) == (2026, 12)


def test_keuze_maps_filters_onto_each_metric():
    k = jeugdzorg.Keuze(jaar=2026, tm_maand=10, productgroep="jeugd-GGZ", aanbieder="12345678", wijken=("WK019310",), categorieen=("51", "53", "54"))
    assert k.where("lasten") == {"jaar": 2026, "maand": list(range(1, 11)), "productgroep": "jeugd-GGZ", "aanbieder": "12345678", "wijk": ["WK019310"]}
    # The forecast knows productcategorieën, not groups; it is for the whole year.
    assert k.where("prognose", periode=False) == {"jaar": 2026, "productcategorie": ["51", "53", "54"], "aanbieder": "12345678", "wijk": ["WK019310"]}
    assert k.where("begroting_actueel", periode=False) == {"jaar": 2026, "productgroep": "jeugd-GGZ"}
    assert k.niet_toegepast("begroting_actueel", periode=False) == ["aanbieder", "wijk"]
    assert k.niet_toegepast("jeugdigen_per_1000") == ["periode", "soort jeugdhulp", "aanbieder"]
    assert jeugdzorg.Keuze(jaar=2025, tm_maand=12).where("lasten") == {"jaar": 2025}


def test_aandeel_top():
    frame = pl.DataFrame({"waarde": [50.0, 30.0, None, 20.0], "aandeel": [0.5, 0.3, None, 0.2], "geheim": [False, False, True, False]})
    assert jeugdzorg.aandeel_top(frame, 2) == pytest.approx(0.8)
    assert jeugdzorg.aandeel_top(frame.filter(pl.col("geheim")), 2) is None


def test_relative():
    assert jeugdzorg.relative(110.0, 100.0) == pytest.approx(0.1)
    assert jeugdzorg.relative(None, 100.0) is None and jeugdzorg.relative(1.0, 0.0) is None


# --- on the demo warehouse --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(request):
    with open_warehouse(request.getfixturevalue("demo_db")) as wh:
        yield Engine(wh, cache=FrameCache(maxsize=1024))


def test_demo_ontleding_matches_lasten_and_adds_up(demo):
    jaar, maand = jeugdzorg.standaard_periode(demo.info.peildatum)
    where = metrics.year_to_date(jaar, maand)
    row = demo.query("lasten_ontleding", where=where, scope=LOCAL).row(0, named=True)
    assert row["lasten"] == pytest.approx(demo.query("lasten", where=where, scope=LOCAL)["waarde"][0])
    assert row["effect_jeugdigen"] + row["effect_zorg"] + row["effect_tarief"] == pytest.approx(row["verschil"])
    # The demo raises tariffs every year: the tariff effect is positive and a few percent.
    assert 0.01 < row["tarief_pct"] < 0.10
    per_groep = demo.query("lasten_ontleding", by=["productgroep"], where=where, scope=LOCAL)
    assert per_groep.height == 5 and per_groep["verschil"].sum() == pytest.approx(row["verschil"])
    per_reeks = demo.query("lasten_ontleding", by=["taakveld_reeks"], where={"jaar": 2023}, scope=LOCAL)
    assert set(per_reeks["taakveld_reeks"]) == {"6.72", "6.82"}, "the 2023 split maps onto the old taakvelden"
    assert per_reeks["effect_jeugdigen"].null_count() == 0
    # Old years are complete: then the comparison is the plain one with last year.
    old = demo.query("lasten_ontleding", where={"jaar": 2023}, scope=LOCAL).row(0, named=True)
    assert old["lasten_vorig_jaar"] == pytest.approx(demo.query("lasten", where={"jaar": 2022}, scope=LOCAL)["waarde"][0])


def test_demo_saldo_is_prognose_minus_begroting(demo):
    jaar = demo.info.peildatum.year
    row = demo.query("prognose_saldo", where={"jaar": jaar}, scope=Scope(role="sociaal_domein")).row(0, named=True)
    fc = demo.query("prognose", where={"jaar": jaar}, scope=LOCAL).row(0, named=True)
    bg = demo.query("begroting_actueel", where={"jaar": jaar}, scope=LOCAL)["waarde"][0]
    assert row["waarde"] == pytest.approx(fc["waarde"] - bg)
    assert row["laag"] == pytest.approx(fc["laag"] - bg) and row["pct"] == pytest.approx((fc["waarde"] - bg) / bg)
    ggz = demo.query("prognose_saldo", where={"jaar": jaar, "productgroep": "jeugd-GGZ"}, scope=LOCAL).row(0, named=True)
    cats = jeugdzorg.categorieen(demo, None, ["jeugd-GGZ"])
    assert cats and ggz["prognose"] == pytest.approx(demo.query("prognose", where={"jaar": jaar, "productcategorie": list(cats)}, scope=LOCAL)["waarde"][0])
    with pytest.raises(metrics.AccessDenied):
        demo.query("prognose_saldo", where={"jaar": jaar}, scope=Scope(role="wijkmanager", wijken={"WK019313"}))


def test_demo_forecast_detail_band_and_backtest(demo):
    jaar = demo.info.peildatum.year
    keuze = jeugdzorg.Keuze(jaar=jaar, tm_maand=12)
    fc = jeugdzorg.prognose_detail(demo, LOCAL, keuze)
    assert fc.total == pytest.approx(demo.query("prognose", where={"jaar": jaar}, scope=LOCAL)["waarde"][0])
    band = jeugdzorg.prognose_band(fc, 1_200_000.0)
    december = band.row(-1, named=True)
    assert december["prognose"] == pytest.approx(fc.total)
    assert december["laag"] == pytest.approx(fc.low) and december["hoog"] == pytest.approx(fc.high)
    assert december["begroting"] == pytest.approx(1_200_000.0) and band["begroting"][0] == pytest.approx(100_000.0)
    assert band.filter(pl.col("maand") > demo.info.peildatum)["gedeclareerd"].null_count() == band.filter(pl.col("maand") > demo.info.peildatum).height
    assert (band["laag"] <= band["prognose"] + 1e-6).all() and (band["hoog"] >= band["prognose"] - 1e-6).all()
    bt = jeugdzorg.backtest(demo, LOCAL, keuze)
    assert set(bt["checkpoint"]) == set(jeugdzorg.CHECKPOINTS) and bt.height >= 9
    summary = prognose.summary(bt)
    assert (summary["mape"] < summary["naive_mape"]).all(), "the forecast beats the naive forecast on the demo"
    # Hidden for a future year; a wijkmanager gets the detail for their own wijken only.
    assert jeugdzorg.prognose_detail(demo, LOCAL, jeugdzorg.Keuze(jaar=jaar + 1, tm_maand=12)) is None
    wm = Scope(role="wijkmanager", wijken={"WK019313", "WK019314"})
    fc_wm = jeugdzorg.prognose_detail(demo, wm, keuze)
    assert fc_wm.total == pytest.approx(demo.query("prognose", where={"jaar": jaar}, scope=wm)["waarde"][0])
    assert fc_wm.total < fc.total / 5


def test_demo_wijkvergelijking(demo):
    jaar = demo.info.peildatum.year
    frame, cbs_jaar = jeugdzorg.wijkvergelijking(demo, Scope(role="sociaal_domein"), jaar)
    assert frame.height == 16 and cbs_jaar is not None and cbs_jaar <= jaar
    shown = frame.filter(~pl.col("geheim"))
    assert (shown["pct"] - shown["waarde"] / 10).abs().max() < 1e-9
    assert frame["cbs_pct"].null_count() < frame.height
    wm, _ = jeugdzorg.wijkvergelijking(demo, Scope(role="wijkmanager", wijken={"WK019313", "WK019314"}), jaar)
    assert set(wm["wijk"]) == {"WK019313", "WK019314"}
    assert all(v % 5 == 0 and v > 7 for v in wm.filter(~pl.col("jeugdigen_geheim"))["jeugdigen"].to_list())


def test_taakveld_reeksen(demo):
    reeksen = jeugdzorg.taakveld_reeksen(demo)
    assert reeksen["6.72"][:4] == ["6.72a", "6.72b", "6.72c", "6.72d"] and "6.74a" in reeksen["6.72"]
    # Iv3 2023: 6.72 was split into 6.72a-d, 6.73a-c and 6.74a-c; 6.82 into 6.82a-b.
    assert reeksen["6.72"] == ["6.72a", "6.72b", "6.72c", "6.72d", "6.73a", "6.73b", "6.73c", "6.74a", "6.74b", "6.74c"]
    assert reeksen["6.82"] == ["6.82a", "6.82b"]
