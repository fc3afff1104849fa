"""Veiligheid: the exact Poisson interval against published values and its defining identity, the
reliability rule, the afhandeltermijn from the settings table, the high-impact crime codes, and
politie counts that sum their buurten when the files hold buurten only."""

from __future__ import annotations

import math

import duckdb
import pytest

import metrics
from data_sources import politie_misdrijven
from metrics import veiligheid as vg
from metrics.definitions import veiligheid as defs
from tests.synthetic import synthetic_warehouse

LOCAL = metrics.Scope(role="databrigade")

# 95% limits for a Poisson count k (Garwood 1936), as tabulated e.g. in Ulm (1990), Am J Epidemiol
# 131(2):373-375, and in every epidemiology handbook: k -> (lower, upper).
GARWOOD_95 = {
    0: (0.0, 3.689),
    1: (0.0253, 5.572),
    2: (0.2422, 7.225),
    3: (0.619, 8.767),
    5: (1.6235, 11.668),
    10: (4.7954, 18.390),
    20: (12.217, 30.888),
    50: (37.111, 65.919),
    100: (81.364, 121.627),
}


def poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu), by direct summation of the probabilities (in logs, so a mean
    of thousands does not underflow), independent of the gamma functions under test."""
    logs = [-mu + i * math.log(mu) - math.lgamma(i + 1) for i in range(k + 1)]
    top = max(logs)
    return math.exp(top) * math.fsum(math.exp(x - top) for x in logs)


@pytest.mark.parametrize("k", sorted(GARWOOD_95))
def test_interval_matches_published_values(k):
    low, high = vg.poisson_interval(k)
    want_low, want_high = GARWOOD_95[k]
    assert low == pytest.approx(want_low, abs=6e-4)
    assert high == pytest.approx(want_high, abs=6e-4)


@pytest.mark.parametrize("k", [0, 1, 4, 19, 20, 37, 250, 741, 6827])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_interval_is_exact(k, confidence):
    """The defining property: at the upper limit P(X <= k) = alpha/2, at the lower P(X >= k) = alpha/2."""
    alpha = 1 - confidence
    low, high = vg.poisson_interval(k, confidence)
    assert poisson_cdf(k, high) == pytest.approx(alpha / 2, rel=1e-7)
    if k:
        assert 1 - poisson_cdf(k - 1, low) == pytest.approx(alpha / 2, rel=1e-7)
    else:
        assert low == 0
    assert low <= k <= high


def test_gamma_quantile_inverts_the_incomplete_gamma():
    for a in (0.5, 1, 3.5, 40, 900):
        for p in (0.001, 0.025, 0.5, 0.975, 0.999):
            assert vg.gamma_p(a, vg.gamma_ppf(p, a)) == pytest.approx(p, rel=1e-9, abs=1e-12)
    assert vg.gamma_p(1, 2.0) == pytest.approx(1 - math.exp(-2))  # exponential distribution


def test_bad_counts_are_refused():
    with pytest.raises(ValueError):
        vg.poisson_interval(-1)
    with pytest.raises(ValueError):
        vg.poisson_interval(2.5)


def test_rate_interval_and_reliability():
    low, high = vg.rate_interval(10, 2000)
    assert (low, high) == pytest.approx((4.7954 / 2, 18.390 / 2), abs=1e-3)
    assert vg.rate_interval(10, None) == (None, None)
    assert vg.reliability(19, 5000) == "minder dan 20 gebeurtenissen"
    assert vg.reliability(20, 499) == "minder dan 500 inwoners"
    assert vg.reliability(3, 52) == "minder dan 20 gebeurtenissen en minder dan 500 inwoners"
    assert vg.reliability(741, 2373) is None


def test_high_impact_codes_agree_with_the_loader():
    assert set(defs.HIGH_IMPACT) == set(politie_misdrijven.HIGH_IMPACT)
    assert set(defs.HIC_GEWELD) == {"1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5"}


def warehouse(tmp_path, name: str, *statements: tuple[str, list]):
    """A synthetic warehouse with some statements run on it, opened by a fresh engine."""
    path = synthetic_warehouse(tmp_path / f"{name}.duckdb")
    con = duckdb.connect(str(path))
    for sql, params in statements:
        con.execute(sql, params)
    con.close()
    return metrics.Engine(metrics.open_warehouse(path))


def test_the_termijn_comes_from_the_settings_table(tmp_path):
    # 2024: handled after 2, 8 and 1 working days (M1-M3); with 5 days two of three are in time.
    e = warehouse(tmp_path, "vijf")
    assert e.query("afhandeltermijn", scope=LOCAL)["waarde"][0] == 5
    assert e.query("pct_binnen_termijn", where={"jaar": 2024}, scope=LOCAL)["waarde"][0] == pytest.approx(2 / 3)
    e = warehouse(tmp_path, "tien", ("UPDATE instellingen_meldingen SET afhandeltermijn_werkdagen = 10", []))
    assert e.query("afhandeltermijn", scope=LOCAL)["waarde"][0] == 10
    assert e.query("pct_binnen_termijn", where={"jaar": 2024}, scope=LOCAL)["waarde"][0] == pytest.approx(1.0)
    # No termijn set: no share (not 0%), and the termijn reads empty.
    e = warehouse(tmp_path, "geen", ("DELETE FROM instellingen_meldingen", []))
    assert e.query("afhandeltermijn", scope=LOCAL)["waarde"][0] is None
    assert e.query("pct_binnen_termijn", where={"jaar": 2024}, scope=LOCAL)["waarde"][0] is None


def test_counts_sum_their_buurten_only_where_a_level_is_missing(tmp_path):
    # 2022 has buurten only (an extract like the real 47018NED file); 2023 keeps its published rows.
    rows = [("BU01931000", "0.0.0", 30), ("BU01931010", "0.0.0", 12), ("BU01932200", "0.0.0", 7), ("BU01931000", "1.1.1", 4), ("BU01932200", "1.1.1", 1)]
    insert = "INSERT INTO misdrijven VALUES (?, ?, NULL, NULL, ?, 'buurt', 'GM0193', ?, ?)"
    e = warehouse(tmp_path, "buurten", *((insert, ["2022JJ00", 2022, c, s, n]) for c, s, n in rows), (insert, ["2023JJ00", 2023, "BU01931000", "0.0.0", 200]))
    assert e.query("misdrijven", where={"jaar": 2022}, scope=LOCAL)["waarde"][0] == 49
    wijken = e.query("misdrijven", by=["wijk"], where={"jaar": 2022}, scope=LOCAL)
    assert dict(zip(wijken["wijk"].to_list(), wijken["waarde"].to_list())) == {"WK019310": 42, "WK019322": 7}
    assert e.query("woninginbraken", where={"jaar": 2022}, scope=LOCAL)["waarde"][0] == 5
    # Published rows win: the gemeente and wijk 10 of 2023 are as published, not their buurten.
    assert e.query("misdrijven", where={"jaar": 2023}, scope=LOCAL)["waarde"][0] == 500
    wijk10 = e.query("misdrijven", by=["wijk"], where={"jaar": 2023, "wijk": "WK019310"}, scope=LOCAL)["waarde"][0]
    assert wijk10 == 240
    d = vg.dekking(e, LOCAL, 2022)
    assert (d.gemeente, d.gepubliceerd, d.buurten, d.soorten, d.niet_geplaatst) == (49, False, 49, True, None)
    d = vg.dekking(e, LOCAL, 2023)
    assert (d.gemeente, d.gepubliceerd, d.buurten, d.niet_geplaatst) == (500, True, 200, 300)


def test_analyses_per_area_and_soort_on_the_demo(demo_db):
    e = metrics.Engine(metrics.open_warehouse(demo_db))
    frame, gemeente = vg.per_gebied(e, LOCAL, "misdrijven", "buurt", 2025)
    assert frame.height == 78
    r = frame.row(0, named=True)
    assert r["laag"] == pytest.approx(vg.poisson_interval(int(r["aantal"]))[0] / r["inwoners"] * 1000)
    flagged = frame.filter(frame["onbetrouwbaar"].is_not_null())
    assert flagged.height and all(n < 20 or p < 500 for n, p in zip(flagged["aantal"].to_list(), flagged["inwoners"].to_list()))
    assert gemeente["aantal"] == e.query("misdrijven", where={"jaar": 2025}, scope=LOCAL)["waarde"][0]
    soorten = vg.per_soort(e, LOCAL, "WK019310", 2025)
    assert soorten["soort"].to_list()[0].split(" ")[0] in {"2.5.2", "1.2.3"}  # code then label
    assert soorten["aantal"].sum() <= e.query("misdrijven", where={"jaar": 2025, "wijk": "WK019310"}, scope=LOCAL)["waarde"][0]
    s = vg.seizoen(e, LOCAL, "overlast")
    assert s.height == 12 and s["index"].mean() == pytest.approx(100)
