"""The what-if on the forecast (issue 13) against a synthetic world whose answer is known.

The world: three toewijzingen that run all along (productcategorie 43) and, from 2015 on, ten new
toewijzingen a month (productcategorie 45) that each run exactly `length` days at 100 euro a day
(volume 1 x 700 per week). Providers declare exactly that, along a fixed lag. In such a world the
forecast itself is right (checked first), so a what-if has a known answer:

- a tariff change raises the care still to be given from its start, and nothing else;
- more instroom raises only the part from new toewijzingen, by that percentage;
- new toewijzingen that last twice as long cost what the forecast says in a world where they do.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from metrics.jeugd import looptijd
from metrics.jeugd.prognose import forecast
from metrics.jeugd.wat_als import Scenario, wat_als
from tests.test_prognose import DATA_END, DATA_START, declare, month_starts, steady, toewijzing, toewijzingen_frame, truth

PEIL = dt.date(2024, 6, 30)
PER_DAY = 100.0


def world(length: int, per_month: int = 10) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = steady()
    i = 100
    for month in month_starts(DATA_START, DATA_END):
        for j in range(per_month):
            begin = month + dt.timedelta(days=3 * j)  # spread over the month
            rows.append(toewijzing(i, begin, end=begin + dt.timedelta(days=length - 1), frequentie="per week", volume=1, tarief=PER_DAY * 7))
            i += 1
    decl = declare(rows)
    frame = toewijzingen_frame(rows).with_columns(
        productcategorie=pl.when(pl.col("toewijzing_id").str.slice(1).cast(pl.Int64) >= 100).then(pl.lit("45")).otherwise(pl.lit("43"))
    )
    # What the export says at the peildatum: an einddatum only once it has passed.
    frame = frame.with_columns(einddatum=pl.when(pl.col("einddatum") <= PEIL).then(pl.col("einddatum")))
    return frame, decl


@pytest.fixture(scope="module")
def short():
    t, decl = world(61)
    return forecast(t, decl, 2024, PEIL), decl


def test_the_world_is_forecast_right(short):
    fc, decl = short
    assert fc.expected_new > 0 and fc.expected_known > 0
    assert fc.total == pytest.approx(truth(decl, 2024), rel=0.01)


def test_unchanged_scenario_is_the_forecast(short):
    fc, _ = short
    r = wat_als(fc, Scenario())
    assert r.prognose == pytest.approx(fc.total, rel=1e-12)
    assert r.prognose_scenario == pytest.approx(fc.total, rel=1e-12)
    assert r.months["verschil"].abs().max() < 1e-6
    assert r.aannames[0].startswith("Geen veranderingen")


def test_tariff_change_raises_only_the_care_still_to_come(short):
    fc, _ = short
    m = fc.months.with_columns(rest=pl.col("expected_known") + pl.col("expected_new"))
    oct_, nov, dec = m["rest"][9], m["rest"][10], m["rest"][11]
    r = wat_als(fc, Scenario(tarief_pct=10, tarief_vanaf=dt.date(2024, 10, 1)))
    assert r.verschil == pytest.approx(0.10 * (oct_ + nov + dec))
    assert r.months["verschil"][:9].abs().max() < 1e-6
    # From the 16th: October counts for its last 16 of 31 days.
    r = wat_als(fc, Scenario(tarief_pct=10, tarief_vanaf=dt.date(2024, 10, 16)))
    assert r.verschil == pytest.approx(0.10 * (oct_ * 16 / 31 + nov + dec))
    # Default: from the first day after the peildatum's month; a decrease works alike.
    r = wat_als(fc, Scenario(tarief_pct=-5))
    assert r.verschil == pytest.approx(-0.05 * float(m["rest"].sum()))
    assert "Tarieven -5% vanaf 1 juli 2024" in r.aannames[0]


def test_more_instroom_raises_only_the_new_toewijzingen(short):
    fc, _ = short
    r = wat_als(fc, Scenario(instroom_pct=20))
    assert r.verschil == pytest.approx(0.20 * fc.expected_new)
    # Ten a month started in the last year (the world), twelve in the scenario.
    assert "gemiddeld 12 in plaats van 10 per maand" in r.aannames[0]
    both = wat_als(fc, Scenario(instroom_pct=20, tarief_pct=10))
    assert both.verschil == pytest.approx(0.10 * fc.expected_known + (1.2 * 1.1 - 1) * fc.expected_new)


def test_longer_trajecten_cost_what_a_world_with_longer_ones_costs(short):
    fc, _ = short
    t_long, decl_long = world(122)
    long = forecast(t_long, decl_long, 2024, PEIL)
    r = wat_als(fc, Scenario(looptijd_pct=100))
    new_in_scenario = float((r.months["prognose_scenario"] - fc.months["realised"] - fc.months["expected_lag"] - fc.months["expected_known"]).sum())
    # The same starts, each running twice as long: what the forecast says where they really do.
    assert new_in_scenario == pytest.approx(long.expected_new, rel=0.03)
    assert new_in_scenario > 1.5 * fc.expected_new
    # In months: the mean length now (about two months: 61 days, kept per week) plus two.
    mean = fc.parts.starts["lengte"][0] / looptijd.MONTH_DAYS
    r2 = wat_als(fc, Scenario(looptijd_maanden=2))
    assert r2.prognose_scenario == pytest.approx(wat_als(fc, Scenario(looptijd_pct=200 / mean)).prognose_scenario)
    assert f"{mean + 2:.1f}".replace(".", ",") + " in plaats van " + f"{mean:.1f}".replace(".", ",") in r2.aannames[0]


def test_saldo_against_the_begroting_in_words(short):
    fc, _ = short
    begroting = fc.total - 100_000
    r = wat_als(fc, Scenario(instroom_pct=-50), begroting=begroting)
    assert r.saldo == pytest.approx(100_000)
    assert r.saldo_scenario == pytest.approx(100_000 - 0.5 * fc.expected_new)
    row = r.frame().row(0, named=True)
    assert row["saldo_scenario"] == pytest.approx(r.saldo_scenario) and row["jaar"] == 2024
    assert "zonder scenario een overschrijding van € 100.000" in r.tekst
    assert "50% minder nieuwe toewijzingen" in r.tekst


def test_scenario_from_and_to_the_url():
    s = Scenario.from_params({"tarief": "2,5", "instroom": "-10", "duur": "1.5", "tarief_vanaf": "2024-09-01"})
    assert s == Scenario(tarief_pct=2.5, instroom_pct=-10, looptijd_maanden=1.5, tarief_vanaf=dt.date(2024, 9, 1))
    assert Scenario.from_params(s.to_params()) == s
    assert Scenario().to_params() == {} and Scenario().unchanged


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tarief": "veel"}, "tarief moet een getal zijn"),
        ({"instroom": "500"}, "instroom_pct moet een getal tussen"),
        ({"duur": "2", "duur_pct": "10"}, "niet allebei"),
        ({"tarief_vanaf": "1-9-2024"}, "JJJJ-MM-DD"),
    ],
)
def test_bad_scenarios_are_refused_in_dutch(params, message):
    with pytest.raises(ValueError, match=message):
        Scenario.from_params(params)


def test_no_tariff_change_before_the_peildatum(short):
    fc, _ = short
    with pytest.raises(ValueError, match="na de peildatum"):
        wat_als(fc, Scenario(tarief_pct=5, tarief_vanaf=dt.date(2024, 3, 1)))
    with pytest.raises(ValueError, match="korter kan niet"):
        wat_als(fc, Scenario(looptijd_maanden=-10))
