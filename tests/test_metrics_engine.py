"""The engine on the synthetic warehouse (tests.synthetic), against numbers worked out by hand.

Synthetic youth care, in short (see metrics/testing.py): Binnenstad (WK019310) has 12 clients
K01-K12 with 1.000 euro a month in Q1 2024, plus a second toewijzing for K01 in March (3.000);
Diezerpoort (WK019311) 3 clients at 2.000 a month in Q1 2024; Stadshagen (WK019322) 10 clients
at 1.000 a month in February and March 2024. One line of 5.000 is afgekeurd, one credit line is
-500. Population on 1 January 2024: 10.000 inwoners, 1.700 of 0-17 (no 2025 figures).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from pydantic import ValidationError

from metrics import registry
from metrics.cache import FrameCache
from metrics.declarations import Derived, Metric
from metrics.engine import Engine
from metrics.errors import AccessDenied, InvalidQuery, Unavailable, UnknownMetric
from metrics.periods import year_to_date
from metrics.roles import Scope
from metrics.warehouse import open_warehouse
from tests.synthetic import synthetic_warehouse

LOCAL = Scope.local()
SOCIAAL = Scope(role="sociaal_domein")
WIJKMANAGER = Scope(role="wijkmanager", wijken={"WK019310", "WK019322"})
GAST = Scope(role="gast")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    wh = open_warehouse(synthetic_warehouse(tmp_path_factory.mktemp("wh") / "synthetisch.duckdb"))
    yield wh
    wh.close()


@pytest.fixture()
def engine(warehouse):
    return Engine(warehouse, cache=FrameCache())


def values(frame: pl.DataFrame, key: str = "wijk") -> dict:
    return dict(zip(frame[key].to_list(), frame["waarde"].to_list()))


def one(frame: pl.DataFrame) -> float:
    assert frame.height == 1
    return frame["waarde"][0]


# ---- every metric ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(registry.METRICS))
def test_every_metric_compiles_and_runs_for_every_role_and_dimension(engine, name):
    metric = registry.METRICS[name]
    if not engine.available(name):
        assert metric.expression.kind == "derived", engine.unavailable_reason(name)
        with pytest.raises(Unavailable):
            engine.query(name, scope=LOCAL)
        return
    where = {"jaar": 2024} if "jaar" in metric.dimensions else {}
    for role in metric.roles:
        scope = Scope(role=role, wijken={"WK019310"} if role == "wijkmanager" else None)
        for by in [()] + [(d,) for d in metric.dimensions]:
            if metric.expression.kind == "derived" and by not in ((), ("jaar",)):
                continue
            frame = engine.query(name, by=by, where=where, scope=scope)
            dims = [c.removesuffix("_label") for c in frame.columns if c.endswith("_label")]
            assert frame.columns[: 2 * len(dims) + 2] == [x for d in dims for x in (d, f"{d}_label")] + ["waarde", "geheim"]
            lifted = metric.disclosure != "none" and scope.spec.finest_area == "wijk" and by == ("buurt",)
            assert dims == (["wijk"] if lifted else list(by))
            assert frame.schema["waarde"] == pl.Float64


# ---- hand-computed values -----------------------------------------------------------------


def test_lasten_by_month_of_care_without_rejected_lines(engine):
    # 12x3x1.000 + 3.000 - 500 (Binnenstad), 3x3x2.000 (Diezerpoort), 10x2x1.000 (Stadshagen)
    assert one(engine.query("lasten", where={"jaar": 2024}, scope=LOCAL)) == 76_500
    by_wijk = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    assert values(by_wijk) == {"WK019310": 38_500, "WK019311": 18_000, "WK019322": 20_000}
    assert by_wijk["wijk_label"].to_list() == ["Wijk 10 Binnenstad", "Wijk 11 Diezerpoort", "Wijk 22 Stadshagen"]


def test_unique_jeugdigen_count_a_client_once(engine):
    # 26 toewijzingen with declarations in 2024, but K01 has two: 25 jeugdigen.
    assert one(engine.query("jeugdigen_gedeclareerd", where={"jaar": 2024}, scope=LOCAL)) == 25
    assert one(engine.query("trajecten_gestart", where={"jaar": 2024}, scope=LOCAL)) == 26
    # Active at any time in 2025: K01-K10, K21-K25 and the three new clients K26-K28.
    assert one(engine.query("jeugdigen", where={"jaar": 2025}, scope=LOCAL)) == 18
    assert one(engine.query("jeugdigen", where={"jaar": 2024}, scope=LOCAL)) == 25


def test_kosten_per_jeugdige(engine):
    assert one(engine.query("kosten_per_jeugdige", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(76_500 / 25)


def test_same_period_last_year_for_year_to_date(engine):
    frame = engine.query("lasten", where=year_to_date(2025, 3), scope=LOCAL, compare=["vorig_jaar"])
    # Q1 2025: 10x3x1.100 + 5x3x1.100 + 3x2.000 = 55.500; Q1 2024: 76.500.
    row = frame.row(0, named=True)
    assert (row["waarde"], row["vorig_jaar"], row["verschil"]) == (55_500, 76_500, -21_000)
    assert row["verschil_pct"] == pytest.approx(-21_000 / 76_500)


def test_same_months_are_compared_not_whole_years(engine):
    # January only: 2025 has 15x1.100, 2024 has 12x1.000 + 3x2.000 (+ the 5.000 afgekeurd, excluded).
    frame = engine.query("lasten", where=year_to_date(2025, 1), scope=LOCAL, compare=["vorig_jaar"])
    assert (frame["waarde"][0], frame["vorig_jaar"][0]) == (16_500, 18_000)


def test_per_1000_with_population_year_and_fallback(engine):
    frame = engine.query("jeugdigen_per_1000", by=["wijk"], where={"jaar": 2024}, scope=LOCAL, compare=["index"])
    got = values(frame)
    # 12 / 300, 3 / 300, 10 / 1.100 per 1.000 inwoners 0-17 on 1 January 2024
    assert got["WK019310"] == pytest.approx(40.0)
    assert got["WK019311"] == pytest.approx(10.0)
    assert got["WK019322"] == pytest.approx(10 / 1100 * 1000)
    assert frame["bevolking_jaar"].to_list() == [2024, 2024, 2024]
    # gemeente: 25 / 1.700 per 1.000, so Binnenstad's index is 40 / 14,7 x 100 = 272
    assert frame["index"][0] == pytest.approx(272.0)
    later = engine.query("jeugdigen_per_1000", where={"jaar": 2025}, scope=LOCAL)
    assert later["bevolking_jaar"][0] == 2024  # no 2025 population: the nearest earlier year
    assert one(later) == pytest.approx(18 / 1700 * 1000)


def test_misdrijven_per_level_and_per_1000(engine):
    # The gemeente row (600) includes crimes not placed in a buurt; the wijken add up to 550.
    assert one(engine.query("misdrijven", where={"jaar": 2024}, scope=LOCAL)) == 600
    # Public figures are not limited to a user's wijken: a wijkmanager compares with the gemeente.
    assert one(engine.query("misdrijven", where={"jaar": 2024}, scope=WIJKMANAGER)) == 600
    frame = engine.query("misdrijven", by=["wijk"], where={"jaar": 2024}, scope=LOCAL, compare=["per_1000", "index"])
    assert values(frame) == {"WK019310": 300, "WK019311": 100, "WK019322": 150}
    assert frame["per_1000"][0] == pytest.approx(100.0)  # 300 per 3.000 inwoners
    assert frame["index"][0] == pytest.approx(100 / 60 * 100)  # gemeente: 600 per 10.000
    assert one(engine.query("misdrijven_per_1000", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(60.0)
    assert one(engine.query("woninginbraken", where={"jaar": 2024}, scope=LOCAL)) == 40
    assert one(engine.query("high_impact_crimes", where={"jaar": 2024}, scope=LOCAL)) == 100
    months = engine.query("misdrijven", by=["maand"], where={"jaar": 2024}, scope=LOCAL)
    assert months["waarde"].to_list() == [50, 45, 55] and months["maand_label"].to_list() == ["jan", "feb", "mrt"]


def test_years_without_yearly_figures_add_up_their_months(engine):
    assert one(engine.query("overlast", where={"jaar": 2024}, scope=LOCAL)) == 80  # the yearly row
    assert one(engine.query("overlast", where={"jaar": 2025}, scope=LOCAL)) == 7 + 9
    years = engine.query("overlast", by=["jaar"], scope=LOCAL)
    assert years.select("jaar", "waarde").rows() == [(2024, 80), (2025, 16)]


def test_soorten_sort_naturally_and_leave_the_total_out(engine):
    frame = engine.query("misdrijven", by=["soort_misdrijf"], where={"jaar": 2024}, scope=LOCAL)
    assert frame["soort_misdrijf"].to_list() == ["1.1.1", "1.4.5", "2.2.1"]
    assert frame["soort_misdrijf_label"][0] == "Diefstal/inbraak woning"


def test_trajecten_duration_and_doorlooptijd(engine):
    assert one(engine.query("trajecten_beeindigd", where={"jaar": 2024}, scope=LOCAL)) == 11
    # 2x361 + 3x167 + 5x330 + 1x30 days over 11 ended trajecten
    assert one(engine.query("gemiddelde_duur", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(2903 / 11)
    # working days: 12x4 (Binnenstad), 3x10 (Diezerpoort), 10x2 (Stadshagen), 1x4 (K01's second)
    assert one(engine.query("doorlooptijd", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(102 / 26)
    assert one(engine.query("aandeel_binnen_norm", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(23 / 26)
    # 2025: Mon 24 Feb -> Mon 3 Mar is 5 working days, exactly the norm
    assert one(engine.query("doorlooptijd", where={"jaar": 2025}, scope=LOCAL)) == 5


def test_lopend_without_period_is_the_peildatum_month(engine):
    # On 1 October 2025 T01-T10, T21-T25 and T26-T28 run.
    assert one(engine.query("trajecten_lopend", scope=LOCAL)) == 18


def test_budget_series_run_across_the_2023_taakveld_change(engine):
    budget = engine.query("begroting_actueel", by=["taakveld_reeks", "jaar"], scope=LOCAL)
    assert budget.select("taakveld_reeks", "jaar", "waarde").rows() == [
        ("6.72", 2022, 50_000),
        ("6.72", 2024, 60_000),
        ("6.82", 2022, 20_000),
        ("6.82", 2024, 25_000),
    ]
    spent = engine.query("budgetuitputting", by=["taakveld_reeks"], where={"jaar": 2024}, scope=LOCAL)
    # 6.72a (ambulant): 36.000 - 500 + 20.000; 6.82a (verblijf): 18.000 + 3.000
    assert values(spent, "taakveld_reeks") == {"6.72": pytest.approx(55_500 / 60_000), "6.82": pytest.approx(21_000 / 25_000)}


def test_stock_reads_the_latest_year_and_gemeente_filter(engine):
    assert one(engine.query("woningvoorraad", scope=LOCAL)) == 58_699  # 2020, Zwolle only
    assert one(engine.query("plancapaciteit_hard", scope=LOCAL)) == 3_329
    bench = engine.query("woningvoorraad", by=["gemeente"], where={"jaar": 2020}, scope=LOCAL)
    assert values(bench, "gemeente") == {"GM0150": 46_224, "GM0193": 58_699}
    assert bench["gemeente_label"].to_list() == ["Deventer", "Zwolle"]
    assert one(engine.query("inwoners", scope=LOCAL)) == 10_000  # 1 January 2024


def test_meldingen(engine):
    assert one(engine.query("meldingen", where={"jaar": 2024}, scope=LOCAL)) == 5
    assert one(engine.query("afhandeltijd", where={"jaar": 2024}, scope=LOCAL)) == 2  # median of 2, 10, 1 days
    assert one(engine.query("pct_binnen_termijn", where={"jaar": 2024}, scope=LOCAL)) == pytest.approx(2 / 3)
    status = engine.query("meldingen", by=["meldingstatus"], where={"jaar": 2024}, scope=LOCAL)
    assert status["meldingstatus"].to_list() == ["open", "in behandeling", "afgehandeld"]  # declared order


def test_share_of_total_per_period(engine):
    frame = engine.query("lasten", by=["jaar", "aanbieder"], scope=LOCAL, compare=["aandeel"])
    y2024 = frame.filter(pl.col("jaar") == 2024)
    assert y2024["aanbieder_label"].to_list() == ["Aanbieder Een", "Aanbieder Twee"]
    assert y2024["aandeel"].to_list() == pytest.approx([55_500 / 76_500, 21_000 / 76_500])


# ---- disclosure control by role ------------------------------------------------------------


def test_persons_are_perturbed_rounded_and_small_groups_hidden(engine):
    # Complementary suppression is gone (it was decided per table, so the same group could be
    # exact in another view; issue 18). Now each cell is protected on its own, consistently: a
    # group of 0-7 is geheim, the others carry cell-key noise of at most 2 and are rounded to 5,
    # so Diezerpoort (3) cannot be recovered as total (25) minus the others: each of those three
    # figures is off by up to 4, and no partner needs to hide.
    frame = engine.query("jeugdigen_gedeclareerd", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL, totals=True)
    assert frame["geheim"].to_list() == [False, True, False, False]
    assert frame["wijk_label"].to_list()[-1] == "Totaal" and frame["totaal"].to_list() == [False, False, False, True]
    for shown, exact in zip(frame["waarde"].to_list(), [12, None, 10, 25]):
        if exact is None:
            assert shown is None
        else:
            assert shown % 5 == 0 and shown >= 10 and abs(shown - exact) <= 4, (shown, exact)
    # The same cell shows the same value whatever query asks for it.
    for wijk, shown in zip(frame["wijk"].to_list()[:3], frame["waarde"].to_list()[:3]):
        alone = engine.query("jeugdigen_gedeclareerd", where={"jaar": 2024, "wijk": wijk}, scope=SOCIAAL)
        assert alone["waarde"].to_list() == [shown]
    assert one(engine.query("jeugdigen_gedeclareerd", where={"jaar": 2024}, scope=SOCIAAL)) == frame["waarde"][-1]
    unrounded = engine.query("jeugdigen_gedeclareerd", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    assert unrounded["waarde"].to_list() == [12, 3, 10]


def test_every_known_category_is_listed_so_zero_looks_like_small(engine):
    # Aanbieder Twee had no declarations in Binnenstad in 2025: a missing row would say "0" where
    # "geheim" says "1-7", so under disclosure control it is listed (geheim) like a small group.
    where = {"jaar": 2025, "wijk": "WK019310"}
    exact = engine.query("jeugdigen_gedeclareerd", by=["aanbieder"], where=where, scope=LOCAL)
    assert exact["aanbieder"].to_list() == ["A001"]
    shown = engine.query("jeugdigen_gedeclareerd", by=["aanbieder"], where=where, scope=SOCIAAL)
    assert shown["aanbieder"].to_list() == ["A001", "A002"] and shown["aanbieder_label"].to_list() == ["Aanbieder Een", "Aanbieder Twee"]
    assert shown["geheim"].to_list() == [False, True]
    months = engine.query("lasten", by=["maand"], where={"jaar": 2025}, scope=SOCIAAL)
    assert months["maand"].to_list() == list(range(1, 13)) and months["geheim"].to_list()[3:] == [True] * 9


def test_amounts_carry_noise_and_rates_use_protected_inputs(engine):
    lasten = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)
    exact = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)["waarde"].to_list()
    assert lasten["geheim"].to_list() == [False, True, False]
    # Noise: at least half, at most 1.5 times max(10% of the largest person's total, € 5.000),
    # then rounded to € 1.000 (the largest totals here are € 6.000 and € 3.000: the floor applies).
    for shown, value in zip(lasten["waarde"].to_list(), exact):
        if shown is not None:
            assert shown % 1000 == 0 and 2500 - 500 <= abs(shown - value) <= 7500 + 500, (shown, value)
    per_kind = engine.query("kosten_per_jeugdige", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)
    counts = engine.query("jeugdigen_gedeclareerd", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)["waarde"].to_list()
    assert per_kind["waarde"].to_list() == [lasten["waarde"][0] / counts[0], None, lasten["waarde"][2] / counts[2]]
    assert per_kind["geheim"].to_list() == [False, True, False]
    # The gemeente as a whole, by period only, is exact (published in the jaarrekening anyway).
    assert one(engine.query("lasten", where={"jaar": 2024}, scope=SOCIAAL)) == 76_500
    assert values(engine.query("lasten", by=["jaar"], scope=SOCIAAL), "jaar")[2024] == 76_500


def test_wijkmanager_sees_own_wijken_and_never_buurten(engine):
    frame = engine.query("jeugdigen", by=["buurt"], where={"jaar": 2024}, scope=WIJKMANAGER)
    assert "buurt" not in frame.columns  # aggregated up to wijk
    assert values(frame) == {"WK019310": 10, "WK019322": 10}
    with pytest.raises(AccessDenied):
        engine.query("jeugdigen", where={"buurt": "BU01931000", "jaar": 2024}, scope=WIJKMANAGER)
    with pytest.raises(AccessDenied):
        engine.query("lasten", where={"wijk": "WK019311"}, scope=WIJKMANAGER)
    # Public figures (CBS, politie) go down to buurt, for every wijk: to compare their own with.
    crimes = engine.query("misdrijven", by=["buurt"], where={"jaar": 2024}, scope=WIJKMANAGER)
    assert crimes["buurt"].to_list() == engine.query("misdrijven", by=["buurt"], where={"jaar": 2024}, scope=LOCAL)["buurt"].to_list()
    assert {"BU01931100", "BU01932200"} <= set(crimes["buurt"].to_list())
    assert engine.query("misdrijven", where={"jaar": 2024, "wijk": "WK019311"}, scope=WIJKMANAGER)["waarde"][0] == 100


def test_a_scope_names_at_least_one_wijk():
    with pytest.raises(ValidationError):
        Scope(role="wijkmanager", wijken=[])
    with pytest.raises(ValidationError):
        Scope(role="wijkmanager", wijken="WK019310")  # a string is not a list of wijken
    with pytest.raises(ValidationError):
        Scope(role="beheerder")


def test_roles_without_access_get_a_dutch_message(engine):
    with pytest.raises(AccessDenied, match="Gast heeft u geen toegang tot 'Lasten jeugdhulp'"):
        engine.query("lasten", scope=GAST)
    assert not engine.allowed("lasten", GAST) and engine.allowed("misdrijven", GAST)
    with pytest.raises(AccessDenied):
        engine.query("begroting_actueel", scope=WIJKMANAGER)
    # Spending in some wijken against the budget of the whole gemeente would mislead.
    with pytest.raises(InvalidQuery, match="gemeente als geheel"):
        engine.query("budgetuitputting", where={"jaar": 2024}, scope=Scope(role="databrigade", wijken={"WK019310"}))


def _test_metric(**changes) -> Metric:
    return Metric(
        name="testprognose",
        label="Testprognose",
        description="Lasten x 2, om het afgeleide soort te testen.",
        unit="euro",
        format="euro",
        owner="test",
        domain="jeugd",
        time_grain="jaar",
        dimensions=("jaar", "wijk"),
        expression=Derived(function="tests.test_metrics_engine:double_lasten", inputs=("lasten",), group="jeugdigen_gedeclareerd"),
        higher_is_better=None,
        disclosure="amount",
        roles=("databrigade", "sociaal_domein"),
    ).model_copy(update=changes)


def test_derived_metrics_are_made_from_protected_inputs_and_hide_with_their_group(engine):
    metric = _test_metric()
    full = engine.query(metric, by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    assert values(full) == {"WK019310": 77_000, "WK019311": 36_000, "WK019322": 40_000}
    hidden = engine.query(metric, by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)
    # ctx.query gives the function lasten as this role sees them: twice the protected values.
    lasten = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)["waarde"].to_list()
    assert hidden["waarde"].to_list() == [2 * lasten[0], None, 2 * lasten[2]]
    assert hidden["hoog"].to_list() == [2 * lasten[0] + 1, None, 2 * lasten[2] + 1]
    missing = metric.model_copy(update={"name": "ontbreekt", "expression": Derived(function="tests.nergens:f")})
    assert not engine.available(missing) and "niet beschikbaar" in engine.unavailable_reason(missing)


def test_derived_estimates_carry_the_noise_of_their_cell(engine):
    # An estimate from exact records (a forecast) declares the metric whose cell keys its noise:
    # value and range move together, then are rounded like that metric.
    metric = _test_metric(
        expression=Derived(function="tests.test_metrics_engine:double_exact", inputs=("lasten",), group="jeugdigen_gedeclareerd", noise="lasten")
    )
    shown = engine.query(metric, by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)
    exact = {"WK019310": 77_000, "WK019322": 40_000}
    assert shown["geheim"].to_list() == [False, True, False]
    for r in shown.filter(~pl.col("geheim")).iter_rows(named=True):
        assert r["waarde"] % 1000 == 0 and 2000 <= abs(r["waarde"] - exact[r["wijk"]]) <= 8000
        assert r["hoog"] - r["waarde"] in (0, 1000)  # moved by the same noise (then rounded)
    again = engine.query(metric, where={"jaar": 2024, "wijk": "WK019310"}, scope=SOCIAAL)
    assert again["waarde"].to_list() == shown["waarde"].to_list()[:1]  # same cell, same value
    assert one(engine.query(metric, where={"jaar": 2024}, scope=SOCIAAL)) == 2 * 76_500  # the gemeente: exact


def double_lasten(ctx) -> pl.DataFrame:
    raw = ctx.query("lasten", by=ctx.by, where=dict(ctx.where))
    return raw.select(*ctx.by, waarde=pl.col("waarde") * 2, hoog=pl.col("waarde") * 2 + 1)


def double_exact(ctx) -> pl.DataFrame:
    scope = "" if ctx.wijken is None else "AND t.wijk_code IN (SELECT unnest($wijken::VARCHAR[]))"
    wijk = "t.wijk_code AS wijk, " if ctx.by else ""
    sql = (
        f"SELECT {wijk}sum(d.bedrag) * 2 AS waarde, sum(d.bedrag) * 2 + 600 AS hoog FROM jeugd_declaraties d "
        f"JOIN jeugd_toewijzingen t USING (toewijzing_id) WHERE d.status <> 'afgekeurd' AND year(d.maand) = 2024 "
        f"AND ($wijk IS NULL OR t.wijk_code = $wijk) {scope}" + (" GROUP BY t.wijk_code" if ctx.by else "")
    )
    wijk_filter = ctx.where.get("wijk")
    return ctx.sql(sql, {"wijk": wijk_filter[0] if wijk_filter else None} | ({"wijken": sorted(ctx.wijken)} if ctx.wijken else {}))


# ---- nothing reaches SQL as text ---------------------------------------------------------

HOSTILE = ["WK019310' OR '1'='1", "x'); DROP TABLE wijken; --", "2024 OR 1=1", "1; SELECT * FROM builds", "wijk_code", "' UNION SELECT 1 --"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_filter_values_are_refused_or_bound(engine, warehouse, text):
    for dim in ("wijk", "jaar", "verwijzer"):
        with pytest.raises(InvalidQuery):
            engine.query("lasten", where={dim: text}, scope=LOCAL)
    with pytest.raises(InvalidQuery):
        engine.query("lasten", by=[text], scope=LOCAL)
    with pytest.raises(InvalidQuery):
        engine.query("lasten", where={text: "1"}, scope=LOCAL)
    # An open text dimension accepts the string, but only as a bound parameter: nothing matches.
    frame = engine.query("meldingen", where={"meldingcategorie": text}, scope=LOCAL)
    assert frame["waarde"].to_list() == [0]
    sql = engine.explain("meldingen", where={"meldingcategorie": text}, scope=LOCAL)[0]
    assert text not in sql[1] and text in sql[2].values()
    assert one(engine.query("meldingen", scope=LOCAL)) == 6  # every table still there


def test_unknown_metric_and_comparison(engine):
    with pytest.raises(UnknownMetric, match="Onbekende metric"):
        engine.query("drop table", scope=LOCAL)
    with pytest.raises(InvalidQuery):
        engine.query("lasten", where={"jaar": 2024}, scope=LOCAL, compare=["; DROP"])


def test_comparisons_say_when_they_do_not_apply(engine):
    with pytest.raises(InvalidQuery, match="jaar"):
        engine.query("lasten", scope=LOCAL, compare=["vorig_jaar"])
    with pytest.raises(InvalidQuery, match="per_1000"):
        engine.query("misdrijven", by=["wijk"], where={"jaar": 2024}, scope=LOCAL, compare=["index"])
    with pytest.raises(InvalidQuery):
        engine.query("kosten_per_jeugdige", by=["wijk"], where={"jaar": 2024}, scope=LOCAL, compare=["aandeel"])
    with pytest.raises(InvalidQuery, match="Kies een jaar"):
        engine.query("misdrijven_per_1000", scope=LOCAL)


def test_explain_shows_parameters_not_values(engine):
    (name, sql, params), = engine.explain("lasten", by=["wijk"], where={"jaar": 2024, "verwijzer": ["huisarts"]}, scope=LOCAL)
    assert name == "lasten" and "$jaar" in sql and "$verwijzer" in sql and "huisarts" not in sql and "2024" not in sql
    assert params["jaar"] == 2024 and params["status"] == "afgekeurd"


# ---- availability and caching ------------------------------------------------------------


def test_missing_tables_make_metrics_unavailable_not_crash(tmp_path):
    path = synthetic_warehouse(tmp_path / "zonder_jeugd.duckdb", omit=("jeugd_declaraties", "buurten"))
    with open_warehouse(path) as wh:
        engine = Engine(wh, cache=FrameCache())
        assert not engine.available("lasten") and engine.available("trajecten_gestart")
        assert "jeugd_declaraties" in engine.unavailable_reason("kosten_per_jeugdige")
        with pytest.raises(Unavailable):
            engine.query("lasten", scope=LOCAL)
        # Without the buurt table, inwoners still has a total, but no split by wijk.
        assert one(engine.query("inwoners", scope=LOCAL)) == 10_000
        with pytest.raises(Unavailable):
            engine.query("inwoners", by=["wijk"], scope=LOCAL)


# A warehouse from before the build derived a column (metrics.tables.BUILT): the metrics that read
# that table say to build again; the others work as before.
@pytest.mark.parametrize(
    ("table", "column", "metric", "other"),
    [
        ("jeugd_declaraties", "client_key", "jeugdigen_gedeclareerd", "trajecten_gestart"),  # the jeugdige on each line
        ("meldingen", "afhandel_werkdagen", "pct_binnen_termijn", "misdrijven"),  # the working days of each melding
    ],
)
def test_a_warehouse_of_an_older_build_asks_to_build_again_not_crash(tmp_path, table, column, metric, other):
    path = synthetic_warehouse(tmp_path / "oud.duckdb")
    con = duckdb.connect(str(path))
    con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.close()
    with open_warehouse(path) as wh:
        engine = Engine(wh, cache=FrameCache())
        assert wh.outdated == {table} and table not in wh.tables
        reason = engine.unavailable_reason(metric)
        assert "oudere versie" in reason and f"{table} mist kolommen" in reason and "Bouw het opnieuw" in reason
        with pytest.raises(Unavailable):
            engine.query(metric, scope=LOCAL)
        assert engine.available(other)


def test_results_are_cached_per_question_and_build_and_bounded(warehouse):
    cache = FrameCache(maxsize=5)
    engine = Engine(warehouse, cache=cache)
    first = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    first[0, "waarde"] = -1.0  # a page changing its copy
    hits = cache.hits
    again = engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    assert cache.hits == hits + 1 and again["waarde"][0] == 38_500
    assert engine.query("lasten", by=["wijk"], where={"jaar": 2024}, scope=SOCIAAL)["waarde"][1] is None  # scope is in the key
    for year in range(2015, 2025):
        engine.query("lasten", where={"jaar": year}, scope=LOCAL)
    assert len(cache) == 5


def test_a_rebuilt_warehouse_is_not_served_from_cache(tmp_path):
    cache = FrameCache()
    path = synthetic_warehouse(tmp_path / "a.duckdb")
    with open_warehouse(path) as wh:
        before = Engine(wh, cache=cache).query("inwoners", scope=LOCAL)
    con = duckdb.connect(str(path))
    con.execute("UPDATE bevolking SET inwoners = inwoners * 2")
    con.execute("UPDATE builds SET build_id = 'nieuw'")
    con.close()
    with open_warehouse(path) as wh:
        after = Engine(wh, cache=cache).query("inwoners", scope=LOCAL)
    assert (before["waarde"][0], after["waarde"][0]) == (10_000, 20_000)


def test_engine_reads_gemeente_and_peildatum_of_the_build(engine):
    assert engine.info.gemeente == "GM0193" and engine.info.peildatum == dt.date(2025, 10, 1)


@pytest.mark.parametrize("scope", [LOCAL, SOCIAAL, WIJKMANAGER], ids=["lokaal", "sociaal_domein", "wijkmanager"])
@pytest.mark.parametrize("metric", ["lasten", "jeugdigen_gedeclareerd"])
def test_a_year_asked_after_the_split_by_year_is_that_cell_without_a_query(warehouse, scope, metric):
    # The engine takes a year's cell from the same question split by year when that is cached
    # (Engine._cached_cells): it must give what the year's own query gives.
    apart = Engine(warehouse, cache=FrameCache())
    own = {y: apart.query(metric, where={"jaar": y}, scope=scope, compare=["vorig_jaar"]) for y in (2023, 2024, 2025)}
    engine = Engine(warehouse, cache=FrameCache())
    engine.query(metric, by=["jaar"], scope=scope)  # the synthetic declaraties: 2024 and 2025
    asked = []
    engine.run_sql = lambda sql, params, run=engine.run_sql: asked.append(sql) or run(sql, params)
    for y in (2024, 2025):
        assert engine.query(metric, where={"jaar": y}, scope=scope).equals(own[y].drop(c for c in own[y].columns if "vorig" in c or "verschil" in c))
    assert asked == []
    # 2025 against 2024 from the cells; 2023 has no rows: its own query says what that is.
    assert engine.query(metric, where={"jaar": 2025}, scope=scope, compare=["vorig_jaar"]).equals(own[2025])
    assert engine.query(metric, where={"jaar": 2024}, scope=scope, compare=["vorig_jaar"]).equals(own[2024])
    assert len(asked) == 1


@pytest.mark.parametrize("scope", [LOCAL, WIJKMANAGER], ids=["lokaal", "wijkmanager"])
def test_some_years_by_year_after_all_years_are_those_rows_without_a_query(warehouse, scope):
    own = Engine(warehouse, cache=FrameCache()).query("lasten", by=["jaar"], where={"jaar": [2023, 2025]}, scope=scope)
    engine = Engine(warehouse, cache=FrameCache())
    engine.query("lasten", by=["jaar"], scope=scope)
    asked = []
    engine.run_sql = lambda sql, params, run=engine.run_sql: asked.append(sql) or run(sql, params)
    assert engine.query("lasten", by=["jaar"], where={"jaar": [2023, 2025]}, scope=scope).equals(own)
    assert asked == []


def _counting(engine: Engine) -> list[str]:
    asked: list[str] = []
    engine.run_sql = lambda sql, params, run=engine.run_sql: asked.append(sql) or run(sql, params)
    return asked


def _direct(warehouse, metric, by=(), where=None, scope=LOCAL) -> pl.DataFrame:
    """The question on a fresh engine, without comparisons: its own query, no cell from another."""
    return Engine(warehouse, cache=FrameCache()).query(metric, by=by, where=where, scope=scope)


# A question asked after a question that splits by what it filters on (a wijk after the table per
# wijk, a soort in a wijk after the soorten per wijk), in public figures (CBS periods), internal
# ones (meldingen) and protected ones (amounts, distinct persons), for roles with and without
# disclosure control.
SPLIT_FIRST = [
    ("misdrijven", ["wijk"], {"jaar": 2024}, [], {"jaar": 2024, "wijk": "WK019310"}, LOCAL),
    ("misdrijven", ["wijk", "jaar"], {}, [], {"jaar": 2023, "wijk": "WK019310"}, GAST),
    ("misdrijven", ["soort_misdrijf", "wijk"], {"jaar": 2024}, ["soort_misdrijf"], {"jaar": 2024, "wijk": "WK019311"}, LOCAL),
    ("meldingen", ["wijk", "jaar"], {"jaar": [2024, 2025]}, [], {"jaar": 2024, "wijk": "WK019322"}, WIJKMANAGER),
    ("lasten", ["wijk"], {"jaar": 2024}, [], {"jaar": 2024, "wijk": "WK019310"}, SOCIAAL),
    ("lasten", ["productcategorie", "wijk"], {"jaar": 2024}, ["productcategorie"], {"jaar": 2024, "wijk": "WK019310"}, WIJKMANAGER),
    ("jeugdigen_gedeclareerd", ["wijk"], {"jaar": 2024}, [], {"jaar": 2024, "wijk": "WK019322"}, SOCIAAL),
]


@pytest.mark.parametrize(("metric", "first_by", "first_where", "by", "where", "scope"), SPLIT_FIRST)
def test_a_cell_asked_after_its_split_is_that_cell_without_a_query(warehouse, metric, first_by, first_where, by, where, scope):
    own = _direct(warehouse, metric, by, where, scope)
    engine = Engine(warehouse, cache=FrameCache())
    engine.query(metric, by=first_by, where=first_where, scope=scope)
    asked = _counting(engine)
    assert engine.query(metric, by=by, where=where, scope=scope).equals(own)
    assert asked == []


def test_a_sum_over_several_values_of_a_split_is_its_own_query(warehouse):
    # Two wijken together are not one cell of the split by wijk (no arithmetic on cells): asked.
    where = {"jaar": 2024, "wijk": ["WK019310", "WK019311"]}
    own = _direct(warehouse, "misdrijven", where=where)
    engine = Engine(warehouse, cache=FrameCache())
    engine.query("misdrijven", by=["wijk"], where={"jaar": 2024}, scope=LOCAL)
    asked = _counting(engine)
    assert engine.query("misdrijven", where=where, scope=LOCAL).equals(own) and len(asked) == 1


# Metrics dated in each way a model can be (CBS periods with a year of months only, a date column,
# a year column for a stock), protected or not.
@pytest.mark.parametrize(
    ("metric", "year", "scope"),
    [("misdrijven", 2024, LOCAL), ("overlast", 2025, GAST), ("meldingen", 2025, WIJKMANAGER), ("pct_binnen_termijn", 2025, LOCAL),
     ("inwoners", 2024, LOCAL), ("lasten", 2025, SOCIAAL), ("jeugdigen_gedeclareerd", 2025, WIJKMANAGER)],
)  # fmt: skip
def test_the_year_before_is_read_with_the_year_and_is_what_its_own_query_gives(warehouse, metric, year, scope):
    now, before = (_direct(warehouse, metric, where={"jaar": y}, scope=scope) for y in (year, year - 1))
    alone = Engine(warehouse, cache=FrameCache())
    asked_alone = _counting(alone)
    alone.query(metric, where={"jaar": year}, scope=scope)
    engine = Engine(warehouse, cache=FrameCache())
    asked = _counting(engine)
    both = engine.query(metric, where={"jaar": year}, scope=scope, compare=["vorig_jaar"])
    assert len(asked) == len(asked_alone)  # the year before came in the same query as the year
    assert both.select("waarde", "geheim").equals(now.select("waarde", "geheim"))
    assert both.select(pl.col("vorig_jaar").alias("waarde"), pl.col("vorig_jaar_geheim").alias("geheim")).equals(before.select("waarde", "geheim"))


def test_a_span_is_not_read_by_year_with_the_year_before(warehouse):
    # Jeugdigen count a toewijzing in every month it runs: without a month split by overlap with
    # the year (metrics.sql), which a split by year does not do; each year is its own query.
    now, before = (_direct(warehouse, "jeugdigen", where={"jaar": y}, scope=SOCIAAL) for y in (2024, 2023))
    engine = Engine(warehouse, cache=FrameCache())
    asked = _counting(engine)
    both = engine.query("jeugdigen", where={"jaar": 2024}, scope=SOCIAAL, compare=["vorig_jaar"])
    assert (both["waarde"][0], both["vorig_jaar"][0]) == (now["waarde"][0], before["waarde"][0])
    assert not any("GROUP BY" in sql and "year(" in sql for sql in asked)


def test_find_looks_in_a_family_only_and_forgets_what_is_pushed_out():
    cache = FrameCache(maxsize=3)
    for i in range(3):
        cache.get_or_compute(("k", i), lambda i=i: pl.DataFrame({"x": [i]}), family="even" if i % 2 == 0 else "odd")
    found = cache.find("odd", lambda key: True)
    assert found[0] == ("k", 1) and found[1]["x"].to_list() == [1]
    assert cache.find("even", lambda key: key == ("k", 1)) is None  # filed under odd: not looked at
    cache.get_or_compute(("k", 3), lambda: pl.DataFrame({"x": [3]}), family="even")  # pushes ("k", 0) out
    assert [k for k in (("k", 0), ("k", 2), ("k", 3)) if cache.find("even", lambda key, k=k: key == k)] == [("k", 2), ("k", 3)]
