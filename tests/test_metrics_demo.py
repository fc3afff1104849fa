"""Every metric compiles and runs on the real demo warehouse (built through the real loaders).

Uses the session fixture `demo_db` from conftest.py.
"""

from __future__ import annotations

import pytest

from metrics import registry
from metrics.cache import FrameCache
from metrics.engine import Engine
from metrics.roles import Scope
from metrics.warehouse import open_warehouse


@pytest.fixture(scope="module")
def engine(demo_db):
    with open_warehouse(demo_db) as wh:
        yield Engine(wh, cache=FrameCache(maxsize=2048))


@pytest.mark.parametrize("name", sorted(registry.METRICS))
def test_metric_runs_on_the_demo_for_every_dimension(engine, name):
    metric = registry.METRICS[name]
    assert engine.available(name), engine.unavailable_reason(name)
    year = engine.info.peildatum.year - 1
    where = {"jaar": year} if "jaar" in metric.dimensions else {}
    splits = [()] + [(d,) for d in metric.dimensions]
    if metric.expression.kind == "derived":
        splits = [()] + ([("jaar",)] if "jaar" in metric.dimensions else [])
    for by in splits:
        frame = engine.query(name, by=by, where=where, scope=Scope.local())
        assert frame.height > 0, f"{name} by {by}: no rows"
    total = engine.query(name, where=where, scope=Scope.local())["waarde"][0]
    assert total is not None, f"{name}: no value for {year}"


@pytest.mark.parametrize("name", sorted(n for n, m in registry.METRICS.items() if m.disclosure != "none"))
def test_protected_metrics_for_restricted_roles(engine, name):
    metric = registry.METRICS[name]
    year = engine.info.peildatum.year - 1
    for scope in (Scope(role="sociaal_domein"), Scope(role="wijkmanager", wijken={"WK019310", "WK019322"})):
        if scope.role not in metric.roles:
            continue
        by = ("wijk",) if "wijk" in metric.dimensions and metric.expression.kind != "derived" else ()
        frame = engine.query(name, by=by, where={"jaar": year}, scope=scope)
        if metric.disclosure == "persons":
            shown = frame.filter(~frame["geheim"])["waarde"].to_list()
            assert all(v % 5 == 0 and v >= 10 for v in shown), shown
        if scope.wijken is not None and by:
            assert set(frame["wijk"].to_list()) <= scope.wijken


def test_demo_reproduces_published_facts(engine):
    local = Scope.local()

    def value(name, **where):
        return engine.query(name, where=where, scope=local)["waarde"][0]

    assert value("inwoners", jaar=2024) == 133_128  # cijfersoverzwolle.nl, 1 January 2024
    assert value("cbs_inwoners", jaar=2024) == 133_141  # CBS KWB 2024
    assert value("nieuwbouw", jaar=2020) == 873
    assert value("woningvoorraad", jaar=2020) == 59_491
    assert (value("plancapaciteit_hard"), value("plancapaciteit_zacht"), value("plancapaciteit")) == (3_329, 8_530, 11_859)


def test_demo_comparisons_for_the_jeugd_page(engine):
    year = engine.info.peildatum.year
    month = engine.info.peildatum.month - 1
    scope = Scope(role="sociaal_domein")
    ytd = {"jaar": year, "maand": list(range(1, month + 1))}
    for name in ("lasten", "jeugdigen_gedeclareerd", "kosten_per_jeugdige"):
        row = engine.query(name, where=ytd, scope=scope, compare=["vorig_jaar"]).row(0, named=True)
        assert row["waarde"] > 0 and row["vorig_jaar"] > 0
    wijken = engine.query("jeugdigen_per_1000", by=["wijk"], where={"jaar": year}, scope=scope, compare=["index"])
    assert wijken.height == 16 and wijken["bevolking_jaar"].max() <= year
    top = engine.query("lasten", by=["aanbieder"], where={"jaar": year - 1}, scope=scope, compare=["aandeel"])
    assert 0.99 < top["aandeel"].sum() <= 1.0 + 1e-9 or top["geheim"].any()
