"""The wonen figures behind /ruimte, checked against independent sums over the warehouse tables:
the target path and remaining need, plan capacity against it before and after planuitval, the
projection from the pipeline, projects running late, growth per wijk. Targets, norms and
planuitval come from the settings tables: a build with other settings gives other figures."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

import metrics
from metrics.errors import AccessDenied
from tests.realbuild import housing_warehouse

GEMEENTE = metrics.Scope(role="databrigade")
WIJKMANAGER = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019322"})


@pytest.fixture(scope="module")
def engine(demo_db):
    return metrics.Engine(metrics.open_warehouse(demo_db))


def q(engine, metric, scope=GEMEENTE, **kw) -> pl.DataFrame:
    return engine.query(metric, scope=scope, **kw)


def one(engine, metric, scope=GEMEENTE, **kw) -> dict:
    return q(engine, metric, scope, **kw).row(0, named=True)


def sql(db, text: str) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(text).pl()
    finally:
        con.close()


def per_year(frame: pl.DataFrame, column: str = "waarde") -> dict[int, float]:
    return dict(zip(frame["jaar"].to_list(), frame[column].to_list()))


# ---- settings ---------------------------------------------------------------------------------


def test_settings_are_metrics_over_the_warehouse(engine):
    assert one(engine, "woningbouwdoel")["waarde"] == 10_000
    assert one(engine, "plancapaciteit_norm")["waarde"] == pytest.approx(1.30)
    assert (one(engine, "planuitval_hard")["waarde"], one(engine, "planuitval_zacht")["waarde"]) == pytest.approx((0.10, 0.40))
    mix = q(engine, "beleidsmix_aandeel", by=["beleidsmix"])
    assert dict(zip(mix["beleidsmix"], mix["waarde"])) == pytest.approx({"goedkoop": 0.30, "middelduur": 0.40, "duur": 0.30})
    inst = metrics.ScopedEngine(engine, metrics.Scope(role="gast")).analysis("wonen.instellingen")
    assert (inst.doel_van, inst.doel_tot, inst.bestand) == (2020, 2029, "GM0193.toml")
    assert inst.mix == (("goedkoop", ("sociale huur",)), ("middelduur", ("middenhuur", "betaalbare koop")), ("duur", ("dure koop",)))
    assert "ABF Research" in inst.norm_bron and inst.uitval_toelichting.startswith("Aanname")


OWN_SETTINGS = """
[gemeente]
code = "GM0193"
naam = "Zwolle"

[wonen.woningbouwdoel]
woningen = 12000
van_jaar = 2022
tot_jaar = 2031
bron = "Test: een ander doel."

[wonen.plancapaciteit]
norm = 1.50
bron = "Test: een andere norm."

[wonen.planuitval]
hard = 0.20
zacht = 0.50
toelichting = "Test: andere uitval."

[wonen.beleidsmix]
bron = "Test."
toelichting = "Test."

[[wonen.beleidsmix.doelen]]
naam = "sociaal"
segmenten = ["sociale huur"]
aandeel = 0.40
"""


@pytest.fixture(scope="module")
def own(demo_inputs, tmp_path_factory):
    """The demo with other settings (instellingen = "..." in inputs.toml)."""
    from data_sources import inputs
    from data_sources.build import build

    settings = tmp_path_factory.mktemp("eigen") / "eigen.toml"
    settings.write_text(OWN_SETTINGS, encoding="utf-8")
    text = demo_inputs.read_text(encoding="utf-8").replace("demo = true", f'demo = true\ninstellingen = "{settings}"')
    # Beside the demo's inputs.toml, for its relative file paths; removed again, because the demo
    # folder is shared (tests/test_demo.py checks that it holds exactly what the demo writes).
    toml = demo_inputs.parent / "inputs_eigen.toml"
    toml.write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("eigen-db") / "w.duckdb"
    try:
        build(inputs.load(toml), db, progress=lambda m: None)
    finally:
        toml.unlink()
    return metrics.Engine(metrics.open_warehouse(db))


def test_other_settings_give_other_figures_without_code_changes(engine, own):
    nieuwbouw = per_year(q(own, "nieuwbouw", by=["jaar"]))
    built = sum(v for y, v in nieuwbouw.items() if 2022 <= y <= 2025)
    assert one(own, "woningbouwdoel")["waarde"] == 12_000
    assert per_year(q(own, "doelpad", by=["jaar"])) == pytest.approx({y: 1200 * (y - 2021) for y in range(2022, 2032)})
    rest = one(own, "resterende_opgave", where={"jaar": 2025})
    assert rest["waarde"] == pytest.approx(12_000 - built) and rest["jaren_over"] == 6
    assert one(own, "plancapaciteit_nodig", where={"jaar": 2025})["waarde"] == pytest.approx(1.5 * (12_000 - built))
    assert one(own, "plancapaciteit_na_uitval")["waarde"] == pytest.approx(3329 * 0.8 + 8530 * 0.5)
    mix = q(own, "woningen_pijplijn", by=["beleidsmix"])
    assert set(mix["beleidsmix_label"]) == {"sociaal", "Onbekend"}, "segments outside the mix are not dropped"
    assert mix["waarde"].sum() == one(own, "woningen_pijplijn")["waarde"]
    # Growth per wijk starts at the target's first year.
    assert one(own, "woningen_groei", where={"jaar": 2026})["basisjaar"] == 2022
    # The Zwolle settings give Zwolle's figures on the same data.
    assert one(engine, "plancapaciteit_na_uitval")["waarde"] == pytest.approx(3329 * 0.9 + 8530 * 0.6)


# ---- target, need, plan capacity ----------------------------------------------------------------------


def test_target_path_realisation_and_remaining_need(engine):
    nieuwbouw = per_year(q(engine, "nieuwbouw", by=["jaar"]))
    last = max(nieuwbouw)
    cum = q(engine, "nieuwbouw_cumulatief", by=["jaar"])
    expected = {y: sum(v for x, v in nieuwbouw.items() if 2020 <= x <= y) for y in nieuwbouw if y >= 2020}
    assert per_year(cum) == pytest.approx(expected)
    assert per_year(cum, "verschil") == pytest.approx({y: v - 1000 * (y - 2019) for y, v in expected.items()})
    rest = q(engine, "resterende_opgave", by=["jaar"])
    assert per_year(rest)[last] == pytest.approx(10_000 - expected[last])
    assert per_year(rest)[2019] == 10_000, "before the target starts nothing counts yet"
    assert one(engine, "resterende_opgave")["waarde"] == per_year(rest)[last], "without a year: after the latest CBS year"
    assert one(engine, "resterende_opgave")["per_jaar_nodig"] == pytest.approx((10_000 - expected[last]) / (2029 - last))
    nodig = one(engine, "plancapaciteit_nodig", where={"jaar": last})
    assert nodig["waarde"] == pytest.approx(1.3 * (10_000 - expected[last]))
    dekking = one(engine, "plancapaciteit_dekking", where={"jaar": last})
    assert dekking["waarde"] == pytest.approx(11_859 / (10_000 - expected[last]))
    assert dekking["verschil_norm"] == pytest.approx(dekking["waarde"] - 1.3)
    assert one(engine, "plancapaciteit_dekking_na_uitval", where={"jaar": last})["waarde"] == pytest.approx((3329 * 0.9 + 8530 * 0.6) / (10_000 - expected[last]))
    per_hard = q(engine, "plancapaciteit_na_uitval", by=["hardheid"])
    assert dict(zip(per_hard["hardheid"], per_hard["uitval"])) == pytest.approx({"hard": 0.1, "zacht": 0.4})


def test_projection_continues_from_the_last_cbs_year_with_the_pipeline(engine, demo_db):
    cum = per_year(q(engine, "nieuwbouw_cumulatief", by=["jaar"]))
    last = max(cum)
    prognose = q(engine, "prognose_nieuwbouw_cumulatief", by=["jaar"])
    values = per_year(prognose)
    assert min(values) == last and values[last] == cum[last]
    assert max(values) == 2029, "up to the end of the target period"
    # Independently: delivered after the last CBS year in their year; open plans in their planned
    # year, weighted by 1 - planuitval; plans past their date the year after the peildatum.
    peil = engine.info.peildatum
    p = sql(demo_db, "SELECT status, woningen, geplande_oplevering, werkelijke_oplevering FROM woningbouwprojecten WHERE status <> 'idee'")
    weight = {"opgeleverd": 1.0, "in aanbouw": 1.0, "hard": 0.9, "zacht": 0.6}
    expected: dict[int, float] = {}
    for status, n, gepland, werkelijk in p.iter_rows():
        if status == "opgeleverd":
            year = werkelijk.year if werkelijk.year > last else None
        else:
            year = max(last + 1, peil.year + 1) if gepland < peil else gepland.year
        if year is not None:
            expected[year] = expected.get(year, 0.0) + weight[status] * n
    assert per_year(prognose, "verwacht") == pytest.approx({last: None} | {y: expected.get(y, 0.0) for y in range(last + 1, 2030)}, nan_ok=True)
    assert values[2029] == pytest.approx(cum[last] + sum(expected.get(y, 0.0) for y in range(last + 1, 2030)))


# ---- projects running late -----------------------------------------------------------------------


def test_projects_running_late_and_the_scope(engine, demo_db):
    peil = engine.info.peildatum
    late = sql(demo_db, f"SELECT * FROM woningbouwprojecten WHERE status <> 'opgeleverd' AND geplande_oplevering < DATE '{peil}'")
    assert late["project_id"].n_unique() >= 2, "the demo has projects past their planned date"
    assert one(engine, "projecten_te_laat")["waarde"] == late["project_id"].n_unique()
    assert one(engine, "woningen_te_laat")["waarde"] == late["woningen"].sum()
    per_wijk = q(engine, "projecten_te_laat", by=["wijk"])
    expected = late.group_by("wijk_code").agg(pl.col("project_id").n_unique())
    assert dict(zip(per_wijk["wijk"], per_wijk["waarde"])) == dict(expected.iter_rows())
    # A wijkmanager sees the projects of their own wijken only, in the metric and in the list.
    own = late.filter(pl.col("wijk_code").is_in(list(WIJKMANAGER.wijken)))
    assert one(engine, "projecten_te_laat", WIJKMANAGER)["waarde"] == own["project_id"].n_unique()
    scoped = metrics.ScopedEngine(engine, WIJKMANAGER)
    lijst = scoped.analysis("wonen.projecten_te_laat", (), ())
    assert set(lijst["project_id"]) == set(own["project_id"])
    assert (lijst["maanden_te_laat"] > 0).all()
    with pytest.raises(AccessDenied):
        scoped.analysis("wonen.projecten_te_laat", ("WK019310",), ())
    with pytest.raises(AccessDenied):
        metrics.ScopedEngine(engine, metrics.Scope(role="gast")).analysis("wonen.projecten_te_laat", (), ())
    with pytest.raises(AccessDenied):
        q(engine, "projecten_te_laat", metrics.Scope(role="gast"))
    everyone = metrics.ScopedEngine(engine, GEMEENTE).analysis("wonen.projecten_te_laat", (), ())
    assert everyone.height == late["project_id"].n_unique()
    assert everyone["woningen"].sum() == late["woningen"].sum()


def test_delay_at_delivery_is_weighted_by_woningen(engine, demo_db):
    done = sql(demo_db, "SELECT * FROM woningbouwprojecten WHERE status = 'opgeleverd'")
    days = (done["werkelijke_oplevering"] - done["geplande_oplevering"]).dt.total_days()
    months = (days * done["woningen"]).sum() / done["woningen"].sum() / (365.25 / 12)
    later = done.filter(pl.col("werkelijke_oplevering").dt.year() > pl.col("geplande_oplevering").dt.year())["woningen"].sum() / done["woningen"].sum()
    assert one(engine, "vertraging_oplevering")["waarde"] == pytest.approx(months)
    assert one(engine, "aandeel_later_opgeleverd")["waarde"] == pytest.approx(later)


# ---- growth per wijk -------------------------------------------------------------------------------


def test_growth_per_wijk_since_the_start_of_the_target(engine):
    now = q(engine, "woningen", by=["wijk"], where={"jaar": 2026})
    base = q(engine, "woningen", by=["wijk"], where={"jaar": 2020})
    groei = q(engine, "woningen_groei", by=["wijk"], where={"jaar": 2026})
    expected = {w: a - b for w, a, b in zip(now["wijk"], now["waarde"], base["waarde"])}
    assert dict(zip(groei["wijk"], groei["waarde"])) == pytest.approx(expected)
    assert set(groei["basisjaar"]) == {2020}
    total = one(engine, "woningen_groei", where={"jaar": 2026})
    assert total["waarde"] == pytest.approx(sum(expected.values()))
    before = one(engine, "woningen_groei", where={"jaar": 2016})
    assert before["waarde"] is None and before["basisjaar"] == 2020, "no growth since a year still to come"
    # Public figures: a wijkmanager sees every wijk.
    assert q(engine, "woningen_groei", WIJKMANAGER, by=["wijk"], where={"jaar": 2026}).height == 16


# ---- the real public files --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zwolle(realdata, tmp_path_factory):
    return metrics.Engine(metrics.open_warehouse(housing_warehouse(tmp_path_factory.mktemp("zwolle"), realdata, "GM0193", zwolle_extras=True)))


@pytest.fixture(scope="module")
def deventer(realdata, tmp_path_factory):
    return metrics.Engine(metrics.open_warehouse(housing_warehouse(tmp_path_factory.mktemp("deventer"), realdata, "GM0150")))


def test_real_zwolle(zwolle):
    assert one(zwolle, "nieuwbouw", where={"jaar": 2020})["waarde"] == 873
    assert one(zwolle, "woningvoorraad", where={"jaar": 2020})["waarde"] == 59_491
    assert (one(zwolle, "plancapaciteit")["waarde"], one(zwolle, "plancapaciteit_hard")["waarde"], one(zwolle, "plancapaciteit_zacht")["waarde"]) == (11_859, 3_329, 8_530)
    assert one(zwolle, "resterende_opgave")["waarde"] == 10_000 - 873
    assert one(zwolle, "plancapaciteit_dekking")["waarde"] == pytest.approx(11_859 / 9_127)  # 129,9%: just under the 130% norm
    assert one(zwolle, "plancapaciteit_na_uitval")["waarde"] == pytest.approx(8_114.1)
    # The stock account adds up: beginstand + mutaties = eindstand.
    parts = {m: one(zwolle, m, where={"jaar": 2020})["waarde"] for m in ("beginstand_woningvoorraad", "nieuwbouw", "overige_toevoeging", "sloop", "overige_onttrekking", "correctie_woningvoorraad")}
    assert parts["beginstand_woningvoorraad"] + parts["nieuwbouw"] + parts["overige_toevoeging"] - parts["sloop"] - parts["overige_onttrekking"] + parts["correctie_woningvoorraad"] == 59_491
    # The portal (1 January) and CBS (31 December) agree on the stock within a few woningen.
    assert one(zwolle, "woningen", where={"jaar": 2021})["waarde"] == pytest.approx(59_491, abs=50)


def test_real_deventer_without_settings_of_its_own(deventer):
    assert one(deventer, "nieuwbouw", where={"jaar": 2020})["waarde"] == 153
    assert one(deventer, "woningvoorraad", where={"jaar": 2020})["waarde"] == 46_224
    assert one(deventer, "plancapaciteit")["waarde"] == 4_783
    assert one(deventer, "woningbouwdoel")["waarde"] is None
    assert one(deventer, "resterende_opgave")["waarde"] is None and q(deventer, "doelpad", by=["jaar"]).is_empty()
    assert one(deventer, "plancapaciteit_na_uitval")["waarde"] == pytest.approx(2_401 * 0.9 + 2_382 * 0.6), "standard planuitval"
    first = one(deventer, "nieuwbouw_cumulatief", where={"jaar": 2020})
    assert first["startjaar"] == 2012 and first["doelpad"] is None
    assert not metrics.Engine(deventer.warehouse).available("woningen")
    assert metrics.ScopedEngine(deventer, GEMEENTE).analysis("wonen.instellingen").standaard


def test_the_target_path_is_zero_before_and_the_whole_target_after_its_period():
    from metrics.wonen.common import Doel

    d = Doel(woningen=10_000, van=2020, tot=2029)
    assert [d.pad(y) for y in (2019, 2020, 2024, 2029, 2031)] == [0, 1000, 5000, 10_000, 10_000]
    assert Doel().pad(2024) is None
