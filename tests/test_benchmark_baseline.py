"""The pandas baseline of the benchmark (benchmarks/baseline.py) computes the same figures as the
pages, so the speed ratio in README compares like with like: on the demo files, every figure both
compute agrees with the metric the page shows (an independent second implementation of them, too)."""

from __future__ import annotations

import pytest

import metrics
from benchmarks import baseline
from metrics.cache import FrameCache
from metrics.engine import Engine
from metrics.jeugd import jeugdzorg
from metrics.roles import Scope
from metrics.warehouse import open_warehouse

LOCAL = Scope.local()


@pytest.fixture(scope="module")
def both(demo_inputs, demo_db):
    files = baseline.Files(demo_inputs)
    with open_warehouse(demo_db) as wh:
        yield {page: baseline.PAGES[page](files) for page in ("", "jeugd")}, Engine(wh, cache=FrameCache(maxsize=256))


def _value(engine: Engine, metric: str, where: dict, compare=()) -> dict:
    return engine.query(metric, where=where, scope=LOCAL, compare=compare).row(0, named=True)


def test_jeugd_lasten_so_far_and_at_the_same_moment_last_year(both):
    pages, engine = both
    jaar, maand = jeugdzorg.standaard_periode(engine.info.peildatum)
    row = _value(engine, "lasten", metrics.year_to_date(jaar, maand), compare=("zelfde_moment",))
    assert pages["jeugd"]["lasten"] == pytest.approx(row["waarde"], rel=1e-9)
    assert pages["jeugd"]["zelfde_moment"] == pytest.approx(row["zelfde_moment"], rel=1e-9)
    assert pages[""]["prognose_doortrekking"] == pytest.approx(row["waarde"] / maand * 12, rel=1e-9)


def test_kompas_population_and_crime(both):
    pages, engine = both
    jaar = engine.query("inwoners", by=["jaar"], scope=LOCAL)["jaar"].max()
    for metric, key in (("inwoners", "inwoners"), ("woningen", "woningen"), ("inwoners_0_17", "jong")):
        assert pages[""][key] == pytest.approx(_value(engine, metric, {"jaar": jaar})["waarde"]), metric
    years = engine.query("misdrijven_per_1000", by=["jaar"], scope=LOCAL)["jaar"]
    crime_year = years.filter(years < engine.info.peildatum.year).max()
    assert pages[""]["misdrijven_per_1000"] == pytest.approx(_value(engine, "misdrijven_per_1000", {"jaar": crime_year})["waarde"], rel=1e-6)

