"""What makes the app fast at national scale, checked as behaviour (timings are measured by
`python -m benchmarks`, never in tests): the build stores the forecast of the gemeente as a whole
and a fresh server uses it, one model serves every analysis of a selection, a result another
session is making is waited for rather than made again, and DuckDB's memory is bounded."""

from __future__ import annotations

import threading
import time

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import metrics
from metrics import cache as cache_mod
from metrics.jeugd import jeugdzorg, prognose, selectie
from metrics.scoped import ANALYSIS_RESULTS, FACTS
from tests.apptest import open_page, write_roles
from ui import access, warehouse, warmup


@pytest.fixture
def fresh():
    """Every cache of the process empty, as in a freshly started server."""

    def clear() -> None:
        metrics.engine.CACHE.clear()
        selectie.clear()
        ANALYSIS_RESULTS.clear()
        FACTS.clear()

    clear()
    yield
    clear()


# --- single flight ------------------------------------------------------------------------------


def test_a_result_another_thread_is_making_is_waited_for_not_made_again():
    cache = cache_mod.FrameCache()
    made = []
    started = threading.Event()

    def compute():
        made.append(1)
        started.set()
        time.sleep(0.3)
        return pl.DataFrame({"x": [1]})

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", compute))) for _ in range(5)]
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(10)
    assert len(made) == 1, "five sessions asked at once; the query ran once"
    assert [r["x"][0] for r in results] == [1] * 5


def test_when_the_thread_making_a_result_fails_the_next_one_makes_it():
    cache = cache_mod.FrameCache()
    calls = []
    started, release = threading.Event(), threading.Event()

    def failing():
        calls.append("fail")
        started.set()
        release.wait(5)
        raise RuntimeError("kapot")

    errors = []

    def first():
        try:
            cache.get_or_compute("k", failing)
        except RuntimeError as e:
            errors.append(e)

    t1 = threading.Thread(target=first)
    t1.start()
    started.wait(5)
    got = []
    t2 = threading.Thread(target=lambda: got.append(cache.get_or_compute("k", lambda: calls.append("ok") or pl.DataFrame({"x": [2]}))))
    t2.start()
    time.sleep(0.1)
    release.set()
    t1.join(10)
    t2.join(10)
    assert errors and calls == ["fail", "ok"] and got[0]["x"][0] == 2


# --- the forecast, made once -----------------------------------------------------------------------


def test_the_build_stores_the_forecast_of_the_gemeente_as_the_app_would_make_it(demo_db, fresh):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        parts = dict(con.execute("SELECT onderdeel, count(*) FROM jeugd_prognose_vooraf GROUP BY ALL").fetchall())
        inputs = prognose.load(con.cursor(), con.execute("SELECT peildatum FROM builds").fetchone()[0])
    finally:
        con.close()
    assert parts.keys() == {"jaren", "prognose", "backtest", "laat"}
    engine = metrics.Engine(metrics.open_warehouse(demo_db))
    peil = engine.info.peildatum
    everything = selectie.Selectie()
    stored = selectie.forecast(engine, everything, peil.year)
    live = prognose.forecast(inputs.toewijzingen, inputs.declaraties, peil.year, peil, tarieven=inputs.tarieven, tarief_historie=inputs.tarief_historie)
    assert stored.total == pytest.approx(live.total, rel=1e-12)
    assert (stored.low, stored.high) == pytest.approx((live.low, live.high), rel=1e-12)
    assert stored.tarief_check == live.tarief_check and stored.completion.shares == pytest.approx(live.completion.shares)
    for name in ("months", "late", "backtest", "price_level", "tarieven"):
        assert_frame_equal(getattr(stored, name), getattr(live, name), check_exact=False, rel_tol=1e-12)
    for name in ("known", "new", "curves", "starts"):
        assert_frame_equal(getattr(stored.parts, name), getattr(live.parts, name), check_exact=False, rel_tol=1e-12)
    backtest = prognose.backtest(inputs.toewijzingen, inputs.declaraties, checkpoints=selectie.CHECKPOINTS, peildatum=peil, tarieven=inputs.tarieven)
    assert_frame_equal(selectie.backtest(engine, everything), backtest, check_exact=False, rel_tol=1e-12)
    late = prognose.late_aanbieders(inputs.toewijzingen, inputs.declaraties, peil, tarieven=inputs.tarieven)
    assert_frame_equal(selectie.late(engine, everything), late, check_exact=False, rel_tol=1e-12)


def _count_models(monkeypatch) -> list:
    made = []
    real = prognose.model_of

    def counting(inputs, **kw):
        made.append(inputs.toewijzingen.height)
        return real(inputs, **kw)

    monkeypatch.setattr(prognose, "model_of", counting)
    return made


def test_a_fresh_server_shows_the_default_jeugd_view_without_making_a_model(demo_db, tmp_path, monkeypatch, fresh):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    made = _count_models(monkeypatch)
    at = open_page("jeugd")
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.label.startswith("Prognose jaareinde") for m in at.metric)
    assert made == [], "the gemeente's forecast, backtest and signal come from the build"


def test_one_model_serves_every_analysis_of_a_wijkmanagers_selection(demo_db, tmp_path, monkeypatch, fresh):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    made = _count_models(monkeypatch)
    at = open_page("jeugd", role="wijkmanager")
    assert not at.exception, [e.value for e in at.exception]
    # The metric (this year and last), the forecast per month, the what-if, the backtest and the
    # late-aanbieder signal of the wijkmanager's own wijken: one model, made once.
    assert len(made) == 1
    engine = metrics.Engine(metrics.open_warehouse(demo_db))
    scope = metrics.Scope(role="wijkmanager", wijken={"WK019313", "WK019314"})
    keuze = jeugdzorg.Keuze(jaar=engine.info.peildatum.year, tm_maand=12)
    assert jeugdzorg._selectie(scope, keuze) == selectie.Selectie.of(wijk_code=["WK019314", "WK019313"])


def test_the_scopes_to_prepare_are_the_distinct_wijken_of_users_and_claims():
    roles = access.RolesFile.model_validate(
        {
            "users": [
                {"email": "a@zwolle.test", "role": "wijkmanager", "wijken": ["WK019314", "WK019313"]},
                {"email": "b@zwolle.test", "role": "wijkmanager", "wijken": ["WK019313", "WK019314"]},
                {"email": "c@zwolle.test", "role": "databrigade"},
            ],
            "claims": [{"claim": "groups", "value": "zuid", "role": "wijkmanager", "wijken": ["WK019322"]}],
        }
    )
    assert warmup.scopes(roles) == [("WK019313", "WK019314"), ("WK019322",)]


def test_after_preparing_a_wijkmanagers_first_pages_make_no_model(demo_db, tmp_path, monkeypatch, fresh):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    engine = metrics.Engine(warehouse.get())  # the server's own, as ui.warmup uses it
    (wijken,) = warmup.scopes(access.load_roles(tmp_path / "roles.toml"))
    selectie.prepare(engine, selectie.Selectie.of(wijk_code=wijken))
    made = _count_models(monkeypatch)
    for page in ("", "jeugd"):
        at = open_page(page, role="wijkmanager")
        assert not at.exception, [e.value for e in at.exception]
    assert made == [], "Kompas and Jeugd of the wijkmanager read what was prepared"
    entry = selectie._entry(engine, selectie.Selectie.of(wijk_code=wijken))
    assert entry.model is None, "the model is let go of once its results are in"


def test_duckdb_memory_is_bounded_in_the_app(demo_db):
    wh = metrics.open_warehouse(demo_db)
    cur = wh.cursor()
    try:
        limit = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:
        cur.close()
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 1024, limit
