"""Issue 18 on the demo warehouse: the attacks of tests/disclosure_attacks.py, as a wijkmanager of
one wijk (Binnenstad) and of two (Assendorp and Binnenstad), and the consistency of disclosure
control across views (the same cell, the same value).

What "recover" means. Under the cell-key method an attack that subtracts shown figures returns the
hidden cell plus the noise of every figure it used. That sum can land near the true value by
chance, and the attacker cannot tell when it has. So an attack is run again under other record
keys (a salt, as if the HMAC key behind client_key were another one): it recovers a cell only if
it gives the value back regardless of the keys. Before this change every attack here did (main:
the same figure under any keys); now none is right in more than a minority of key draws, and the
results spread over thousands of euros. Figures the rules hide outright (the forecast per month,
last year's column, ...) must be geheim.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import metrics
from metrics.cache import FrameCache
from metrics.dimensions import DIMENSIONS
from metrics.jeugd import jeugdzorg
from tests import disclosure_attacks as attacks

DRAWS = 12  # key draws besides the real keys
DIFFERENCING = attacks.DIFFERENCING
HIDDEN = ("2b. prognose per zorgmaand", "2c. toets prognose per jaar", "3. kolom vorig jaar", "10. tekst 'N aanbieders'", "6. nul of geheim")


@pytest.fixture(scope="module")
def warehouse(demo_db):
    with metrics.open_warehouse(demo_db) as wh:
        yield wh


@pytest.fixture(scope="module")
def truth(warehouse):
    return metrics.Engine(warehouse, cache=FrameCache(maxsize=8192))


@pytest.fixture(scope="module")
def real(warehouse, truth):
    return attacks.run(metrics.Engine(warehouse, cache=FrameCache(maxsize=4096)), truth=truth)


@pytest.fixture(scope="module")
def draws(warehouse, truth):
    """Per (attack, scope): its outcome under the real keys and under DRAWS other keys."""
    return attacks.draws(warehouse, truth, DRAWS, DIFFERENCING)


def test_attacks_cover_both_scopes_and_reach_small_cells(real):
    for scope in attacks.SCOPES:
        targets = [o for o in real if o.scope == scope and o.kind != "none"]
        assert len(targets) >= 9, [o.attack for o in targets]
        assert all(1 <= o.persons <= 7 for o in targets if o.kind == "euro")
    assert any(o.attack.startswith("4") for o in real if o.scope == "2 wijken" and o.kind != "none")


def test_the_attacks_work_on_exact_figures(warehouse, truth):
    """Not vacuous: with the figures a role without disclosure control sees, each attack does
    give its target back (this is what a wijkmanager got on main)."""
    exact = attacks.run(truth, truth=truth, role="databrigade")
    works = {o.attack for o in exact if o.recovered}
    for name in ("1. complement", "2. periode", "2b. prognose", "2c. toets", "3. kolom", "4. twee", "4b. aanbieder", "9. aandelen", "10. tekst"):
        assert any(w.startswith(name) for w in works), (name, [o.row() for o in exact if o.attack.startswith(name)])


def test_what_the_rules_hide_is_never_shown(real):
    for o in real:
        if o.attack in HIDDEN and o.kind != "none":
            assert o.estimate is None, o.row()


@pytest.mark.parametrize("scope", list(attacks.SCOPES))
def test_differencing_does_not_determine_a_small_cell(draws, scope):
    for (attack, label), outs in draws.items():
        if label != scope or outs[0].kind in ("none", "presence"):
            continue
        estimates = [o.estimate for o in outs if o.estimate is not None]
        hits = sum(o.recovered for o in outs)
        if attack.startswith("5."):
            # The split only gives the ratio of the two shown (protected) counts: at best it
            # returns the shown count itself, never more than that.
            assert all(o.estimate in (None, o.shown) for o in outs), [o.row() for o in outs]
            continue
        if not estimates:
            continue  # the attack could not be carried out under any key: nothing shown to combine
        # By chance a difference lands within € 500 in about 1 of 10 key draws (€ 500 / the noise
        # floor of € 5.000); before, every draw did. 40% leaves room for chance, not for a method.
        assert hits <= 0.4 * len(outs), (attack, label, hits, [o.row() for o in outs])
        if outs[0].kind == "euro":
            # Possible results spread over more than € 4.000: the attacker cannot pin the cell down.
            assert max(estimates) - min(estimates) >= 4000, (attack, label, estimates)
        else:
            assert len(set(estimates)) >= 2, (attack, label, estimates)


# --- consistency: the same cell, the same value, in any view -------------------------------

GROEPEN = [m.code for m in DIMENSIONS["productgroep"].members]
VERWIJZERS = [m.code for m in DIMENSIONS["verwijzer"].members]


@pytest.fixture(scope="module")
def engine(warehouse):
    return metrics.Engine(warehouse, cache=FrameCache(maxsize=4096))


def cell(frame: pl.DataFrame, **codes) -> tuple:
    row = frame.filter(pl.all_horizontal([pl.col(k) == v for k, v in codes.items()]) if codes else pl.lit(True))
    if "totaal" in row.columns:
        row = row.filter(~pl.col("totaal"))
    assert row.height == 1, (codes, row)
    return row["waarde"][0], row["geheim"][0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    wijken=st.sampled_from([attacks.ONE, attacks.TWO]),
    metric=st.sampled_from(["lasten", "jeugdigen_gedeclareerd", "trajecten_gestart", "gemiddelde_duur", "aanbieders"]),
    groep=st.sampled_from(GROEPEN),
    verwijzer=st.sampled_from(VERWIJZERS),
    tm=st.integers(min_value=1, max_value=10),
)
def test_a_cell_shows_the_same_value_in_every_view(engine, wijken, metric, groep, verwijzer, tm):
    scope = metrics.Scope(role="wijkmanager", wijken=wijken)
    where = {"jaar": 2026, "maand": list(range(1, tm + 1))}
    q = lambda by=(), w=None, **kw: engine.query(metric, by=list(by), where=where | (w or {}), scope=scope, **kw)  # noqa: E731
    direct = cell(q(w={"productgroep": groep, "verwijzer": verwijzer}))
    views = [
        cell(q(["productgroep"], {"verwijzer": verwijzer}), productgroep=groep),
        cell(q(["verwijzer"], {"productgroep": groep}), verwijzer=verwijzer),
        cell(q(["productgroep", "verwijzer"]), productgroep=groep, verwijzer=verwijzer),
        cell(q(["productgroep", "verwijzer"], totals=True), productgroep=groep, verwijzer=verwijzer),
        # the same records through another filter: the productcategorieën of the soort
        cell(q(w={"productcategorie": list(jeugdzorg.categorieen(engine, None, [groep])), "verwijzer": verwijzer})),
    ]
    if len(wijken) == 2:  # both wijken named, or the scope
        views.append(cell(q(w={"productgroep": groep, "verwijzer": verwijzer, "wijk": sorted(wijken)})))
    assert all(v == direct for v in views), (direct, views)
    # A month as a column of a table, as a filter, and last year's value as a comparison.
    month = cell(q(["maand"], {"productgroep": groep}), maand=tm)
    alone = engine.query(metric, where={"jaar": 2026, "maand": [tm], "productgroep": groep}, scope=scope)
    assert month == cell(alone)
    vorig = engine.query(metric, where={"jaar": 2026, "maand": [tm], "productgroep": groep}, scope=scope, compare=["vorig_jaar"])
    last_year = engine.query(metric, where={"jaar": 2025, "maand": [tm], "productgroep": groep}, scope=scope)
    assert (vorig["vorig_jaar"][0], vorig["vorig_jaar_geheim"][0]) == cell(last_year)


def test_derived_figures_use_the_protected_cells(engine):
    scope = metrics.Scope(role="wijkmanager", wijken=attacks.TWO)
    where = {"jaar": 2026, "maand": attacks.YTD}
    lasten = engine.query("lasten", by=["productgroep"], where=where, scope=scope, compare=["aandeel"])
    ontleding = engine.query("lasten_ontleding", by=["productgroep"], where=where, scope=scope)
    for g in GROEPEN:
        (value, geheim), row = cell(lasten, productgroep=g), ontleding.filter(pl.col("productgroep") == g).row(0, named=True)
        if not row["geheim"]:
            assert row["lasten"] == value and not geheim
            assert row["verschil"] == pytest.approx(row["lasten"] - row["lasten_vorig_jaar"])
            assert row["effect_jeugdigen"] + row["effect_zorg"] + row["effect_tarief"] == pytest.approx(row["verschil"])
    total = engine.query("lasten", where=where, scope=scope)["waarde"][0]
    shown = lasten.filter(~pl.col("geheim"))
    assert shown["aandeel"].to_list() == pytest.approx((shown["waarde"] / total).to_list())
    per_kind = engine.query("kosten_per_jeugdige", where=where, scope=scope)["waarde"][0]
    assert per_kind == pytest.approx(total / engine.query("jeugdigen_gedeclareerd", where=where, scope=scope)["waarde"][0])


def test_forecast_detail_is_protected_for_a_wijkmanager_and_exact_for_the_gemeente(engine):
    jaar = engine.info.peildatum.year
    keuze = jeugdzorg.Keuze(jaar=jaar, tm_maand=12)
    wm = metrics.Scope(role="wijkmanager", wijken=attacks.TWO)
    fc = jeugdzorg.prognose_detail(engine, wm, keuze)
    exact = jeugdzorg.prognose_detail(engine, metrics.Scope(role="databrigade", wijken=attacks.TWO), keuze)
    row = engine.query("prognose", where={"jaar": jaar, "wijk": sorted(attacks.TWO)}, scope=wm).row(0, named=True)
    assert (fc.total, fc.low, fc.high) == (row["waarde"], row["laag"], row["hoog"]) and fc.total != exact.total
    months = engine.query("lasten", by=["maand"], where={"jaar": jaar, "wijk": sorted(attacks.TWO)}, scope=wm)
    for r, m in zip(fc.months.iter_rows(named=True), months.iter_rows(named=True)):
        if r["month"].month <= engine.info.peildatum.month:
            assert r["realised"] == (None if m["geheim"] else m["waarde"])  # the same cells as everywhere
        assert r["total"] is not None and r["total"] % 1000 == 0
    outcome = engine.query("lasten", by=["jaar"], where={"wijk": sorted(attacks.TWO)}, scope=wm)
    shown = dict(zip(outcome["jaar"].to_list(), outcome["waarde"].to_list()))
    assert all(a == shown[y] for y, a in zip(fc.backtest["year"].to_list(), fc.backtest["actual"].to_list()))
    band = jeugdzorg.prognose_band(fc)
    assert band["prognose"].to_list() == fc.months["cumulative"].to_list()
    # The gemeente as a whole, for its budget holder: the forecast and its detail are exact.
    sociaal = jeugdzorg.prognose_detail(engine, metrics.Scope(role="sociaal_domein"), keuze)
    local = jeugdzorg.prognose_detail(engine, metrics.Scope.local(), keuze)
    assert sociaal.total == pytest.approx(local.total, rel=1e-12)  # (sums in DuckDB may add up in another order)
    assert_frame_equal(sociaal.months, local.months, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(sociaal.backtest, local.backtest, check_exact=False, rel_tol=1e-12)
    bt = jeugdzorg.backtest(engine, wm, keuze)
    assert bt["actual"].to_list() == [shown[y] for y in bt["year"].to_list()]
