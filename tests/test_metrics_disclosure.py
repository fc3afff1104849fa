"""Disclosure control (metrics.disclosure): the perturbation table, the noise on counts and amounts,
and the properties the engine relies on: a cell's protected value depends on that cell alone.

The engine-level consequences (the same cell in any query, attacks by differencing) are tested on
the demo warehouse in tests/test_disclosure_attacks.py.
"""

from __future__ import annotations

import math
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure import KEY_MODULUS, PARAMETERS, CellKey, perturb, protect, round_count, tag_offset

KEYS = st.integers(min_value=0, max_value=KEY_MODULUS - 1)
CELL = st.fixed_dictionaries(
    {
        "waarde": st.integers(min_value=0, max_value=400),
        "personen": st.integers(min_value=0, max_value=400),
        "sleutel": KEYS,
    }
)
AMOUNT = st.fixed_dictionaries(
    {
        "waarde": st.floats(min_value=-1e5, max_value=5e7, allow_nan=False),
        "personen": st.integers(min_value=0, max_value=400),
        "sleutel": KEYS,
        "grootste": st.floats(min_value=0, max_value=5e5, allow_nan=False),
        "n": st.integers(min_value=1, max_value=400),
    }
)


def frame(cells: list[dict], schema: dict | None = None) -> pl.DataFrame:
    schema = schema or {"waarde": pl.Float64, "personen": pl.Int64, "sleutel": pl.Int64}
    return pl.DataFrame(cells, schema=schema, orient="row")


AMOUNT_SCHEMA = {"waarde": pl.Float64, "personen": pl.Int64, "sleutel": pl.Int64, "grootste": pl.Float64, "n": pl.Int64}


def test_perturbation_table_for_counts():
    p = PARAMETERS.count_probabilities
    ks = range(-PARAMETERS.max_noise, PARAMETERS.max_noise + 1)
    assert len(p) == 5 and math.isclose(sum(p), 1.0)
    assert math.isclose(sum(k * q for k, q in zip(ks, p)), 0.0, abs_tol=1e-12)  # unbiased
    assert math.isclose(sum(k * k * q for k, q in zip(ks, p)), PARAMETERS.variance, rel_tol=1e-9)
    assert p[0] < p[1] < p[2] and p == tuple(reversed(p))  # maximum entropy: falls off from 0, symmetric
    # The lookup draws each noise with its probability: on an even grid of cell keys the shares match.
    grid = frame([{"waarde": 100.0, "personen": 100, "sleutel": i * (KEY_MODULUS // 10_000)} for i in range(10_000)])
    from metrics.disclosure import count_noise, fraction

    drawn = grid.select(count_noise(fraction(pl.col("sleutel"))).alias("k"))["k"].value_counts().sort("k")
    assert drawn["k"].to_list() == list(map(float, ks))
    assert all(abs(c / 10_000 - q) < 0.001 for c, q in zip(drawn["count"].to_list(), p))


def test_other_parameters_give_another_table():
    wider = CellKey(max_noise=3, variance=2.0)
    assert len(wider.count_probabilities) == 7
    with pytest.raises(ValueError):
        _ = CellKey(max_noise=2, variance=4.0).count_probabilities


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, min_size=1, max_size=12))
def test_counts_geheim_rounded_and_close(cells):
    out = protect(frame(cells), "count")
    for cell, r in zip(cells, out.iter_rows(named=True)):
        small = cell["personen"] <= 7 or cell["waarde"] <= 7
        assert r["geheim"] == small
        if small:
            assert r["waarde"] is None
        else:
            v = r["waarde"]
            assert v % 5 == 0 and v >= 10
            assert abs(v - cell["waarde"]) <= PARAMETERS.max_noise + 2 or (v == 10 and cell["waarde"] <= 12)


@settings(max_examples=200, deadline=None)
@given(st.lists(AMOUNT, min_size=1, max_size=12), st.booleans())
def test_amounts_geheim_rounded_and_never_exact(cells, euro):
    out = protect(frame(cells, AMOUNT_SCHEMA), "amount", euro=euro)
    for cell, r in zip(cells, out.iter_rows(named=True)):
        assert r["geheim"] == (cell["personen"] <= 7)
        if r["geheim"]:
            assert r["waarde"] is None
            continue
        scale = max(0.1 * cell["grootste"], 5000.0 if euro else 0.0)
        moved = abs(r["waarde"] - cell["waarde"])
        rounding = 500.0 if euro else 0.0
        assert 0.5 * scale - rounding - 1e-6 <= moved <= 1.5 * scale + rounding + 1e-6
        if euro:
            assert r["waarde"] % 1000 == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(AMOUNT, min_size=1, max_size=8))
def test_means_are_the_perturbed_sum_over_the_count(cells):
    out = protect(frame(cells, AMOUNT_SCHEMA), "mean")
    amounts = protect(frame(cells, AMOUNT_SCHEMA), "amount")
    for cell, r, a in zip(cells, out.iter_rows(named=True), amounts.iter_rows(named=True)):
        if not r["geheim"]:
            assert r["waarde"] == pytest.approx(a["waarde"] / cell["n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(CELL, min_size=2, max_size=10, unique_by=lambda c: c["sleutel"]), st.randoms(use_true_random=False))
def test_a_cell_gets_the_same_value_in_any_table(cells, rnd):
    """Consistency: protection is a function of the cell alone (its value, persons and key), not of
    the table it is in, so a cell shows the same in every query. Suppression did not have this."""
    alone = {c["sleutel"]: protect(frame([c]), "count").row(0, named=True) for c in cells}
    mixed = cells[:]
    rnd.shuffle(mixed)
    table = protect(frame(mixed[: rnd.randint(1, len(mixed))]), "count")
    for cell, r in zip(mixed, table.iter_rows(named=True)):
        assert (r["waarde"], r["geheim"]) == (alone[cell["sleutel"]]["waarde"], alone[cell["sleutel"]]["geheim"])
    amounts = [c | {"grootste": 1000.0 * c["personen"], "n": 1} for c in cells]
    alone = {c["sleutel"]: protect(frame([c], AMOUNT_SCHEMA), "amount", euro=True)["waarde"][0] for c in amounts}
    rnd.shuffle(amounts)
    together = protect(frame(amounts, AMOUNT_SCHEMA), "amount", euro=True)["waarde"].to_list()
    assert together == [alone[c["sleutel"]] for c in amounts]


def test_different_cells_get_unrelated_noise():
    # Period differencing gave October exactly (Jan-Oct minus Jan-Sep). Two cells with different
    # records have unrelated keys, so their noises are independent and do not cancel in a
    # difference; two cells with the same records share a key and their noise (the same value).
    rnd = random.Random(18)
    n = 4000
    keys = [rnd.randrange(KEY_MODULUS) for _ in range(2 * n)]
    cells = frame([{"waarde": 1e6, "personen": 50, "sleutel": k, "grootste": 60_000.0, "n": 50} for k in keys], AMOUNT_SCHEMA)
    noise = [v - 1e6 for v in protect(cells, "amount", euro=False)["waarde"].to_list()]
    a, b = noise[:n], noise[n:]
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b)) / n
    sd = (sum((x - mean_a) ** 2 for x in a) / n) ** 0.5
    assert abs(cov / sd**2) < 0.05  # uncorrelated
    assert abs(mean_a) < 0.05 * sd  # unbiased
    assert sd == pytest.approx(6000 * (13 / 12) ** 0.5, rel=0.05)  # |V| uniform on [0.5, 1.5): E[V^2] = 13/12
    assert min(abs(x) for x in a) >= 3000 - 1e-6  # never less than half the scale
    same = protect(frame([{"waarde": 5e5, "personen": 30, "sleutel": keys[0], "grootste": 60_000.0, "n": 1}], AMOUNT_SCHEMA), "amount")
    assert same["waarde"][0] - 5e5 == pytest.approx(a[0])


def test_gemeente_exempt_rows_keep_their_amount():
    cells = frame([{"waarde": 1234.5, "personen": 100, "sleutel": 99, "grootste": 50.0, "n": 3}] * 2, AMOUNT_SCHEMA)
    out = protect(cells.with_columns(e=pl.Series([True, False])), "amount", euro=True, exempt=pl.col("e"))
    assert out["waarde"][0] == 1234.5 and out["waarde"][1] != 1234.5
    counts = protect(frame([{"waarde": 1234.0, "personen": 1234, "sleutel": 99}]), "count", exempt=True)
    assert counts["waarde"][0] % 5 == 0  # counts are never exempt
    mean = protect(cells, "mean", exempt=True)  # nor means: exact whole days x candidate counts give the count
    assert mean["waarde"][0] != pytest.approx(1234.5 / 3)


@pytest.mark.parametrize("value", [0, 1, 7])
def test_small_totals_are_geheim_too(value):
    out = protect(frame([{"waarde": float(value), "personen": value, "sleutel": 12345}]), "count")
    assert out["geheim"].to_list() == [True] and out["waarde"].to_list() == [None]


def test_estimates_move_with_their_range_under_a_tag_of_their_own():
    base = pl.DataFrame({"waarde": [500_000.0], "laag": [450_000.0], "hoog": [550_000.0], "sleutel": [123_456_789], "grootste": [80_000.0]})
    a = perturb(base, ["waarde", "laag", "hoog"], tag="prognose", euro=True)
    b = perturb(base, ["waarde", "laag", "hoog"], tag="backtest", euro=True)
    assert a.row(0) != b.row(0)
    noise = a["waarde"][0] - 500_000
    assert abs(a["laag"][0] - 450_000 - noise) <= 1000 and abs(a["hoog"][0] - 550_000 - noise) <= 1000
    assert 0.5 * 8000 - 500 <= abs(noise) <= 1.5 * 8000 + 500
    assert perturb(base, ["waarde"], tag="prognose", euro=True, exempt=True)["waarde"][0] == 500_000.0
    assert tag_offset("prognose") == tag_offset("prognose") != tag_offset("backtest")
    with pytest.raises(ValueError):  # the cell's own noise: with a known input it would reveal it
        perturb(base, ["waarde"], tag="", euro=True)


def test_cbs_rounding():
    assert [round_count(v) for v in (8, 12, 13, 17, 18, 22, 23)] == [10, 10, 15, 15, 20, 20, 25]
