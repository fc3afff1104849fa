"""Disclosure control for figures about persons (AVG): the cell-key method, with CBS's rules on top.

Why this design. Suppression decided per table (the previous method: hide 0-7 and a partner cell
so the table's totals do not give it away) protects each table on its own, but a reader combines
tables: ask the complement directly, subtract one period from a longer one, two wijken from one.
The same group was exact in one view and hidden in the next. Interactive table builders solve
this with the cell-key method (ABS TableBuilder: Thompson, Broadfoot and Elazar 2013; for amounts
Giessing and Tent 2019; Hundepool et al., Handbook on Statistical Disclosure Control, ch. 5):

- every record has a fixed random **record key** (metrics.sql: the leading 48 bits of the
  pseudonymised client key for a person; for a declaration line or a toewijzing a hash of the
  client key and the row's id, so the key is as secret as the HMAC key behind client_key);
- a cell's **cell key** is the sum of the record keys of what it adds up, modulo 1: the distinct
  persons for a count of persons, the distinct toewijzingen for a count of trajecten, the
  declaration lines for an amount. The same records give the same cell key, whatever query
  produced the cell, and any other set of records gives an unrelated key;
- the **noise** is a function of the cell key (and, for amounts, of the cell's largest
  contribution), so the same cell always shows the same protected value, and a figure made by
  subtracting or combining other cells carries the noise of each of them.

On top, what readers are used to (CBS practice for zorg figures):

- a cell with 0-7 persons is "geheim" (no value), whatever its noise; zero and small look the
  same, because the engine lists every known category (a missing row would mean 0);
- counts: perturbed by a value from the perturbation table (at most `D` = 2 either way, mean 0,
  variance 1.05, maximum entropy: the example table of the `ptable` package), then rounded to a
  multiple of 5; a shown count is never below 10, and a count of 0-7 (trajecten, aanbieders) is
  geheim like a group of 0-7 persons;
- amounts (euros, and days of duration): perturbed by V x max(m x largest contribution, floor),
  with m = 10%, the floor € 5.000 for euros (0 for days) and |V| between 0.5 and 1.5 drawn from
  the cell key (random sign, no mass near 0: no shown amount is ever exact); euros are then
  rounded to € 1.000. The largest contribution is the largest total of one person in the cell:
  that is whom an amount could give away. The floor sets how often a difference of two shown
  amounts lands near a hidden one by chance: about € 500 / floor (10%), without the reader
  being able to tell; the price is that a group of 8 with € 20.000 reads € 15.000-€ 28.000;
- means (doorlooptijd, duur) are the perturbed sum divided by the number of values: the sum is
  never shown, so neither it nor the count can be read back from the mean; ratios of metrics
  (kosten per jeugdige) divide the protected values as shown;
- euro amounts about the gemeente as a whole, split by period only (no wijk, soort, aanbieder or
  other filter), are exact: they are published in the jaarrekening anyway, and the forecast of
  the gemeente's spending must stay usable for its budget holder. Counts and means are always
  protected.

Everything here is pure polars (no SQL, no Python callbacks): the engine feeds it cells with
`waarde`, `personen`, `sleutel` (the cell key as an integer below 2**48) and, for amounts,
`grootste` (largest contribution) and `n` (count, for means). The note for the functionaris
gegevensbescherming is docs/afscherming.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import polars as pl

THRESHOLD = 7  # counts of persons up to and including this are "geheim"
BASE = 5  # shown counts are multiples of this
KEY_BITS = 48  # record and cell keys are integers below 2**48 (exact in a double, summed in SQL)
KEY_MODULUS = 2**KEY_BITS

Kind = Literal["count", "amount", "mean"]


@dataclass(frozen=True)
class CellKey:
    """The parameters, in one place (docs/afscherming.md explains each). Frozen and hashable: the
    engine's cache keys include them. `salt` is empty in the app; a non-empty salt derives every
    record key afresh (tests draw new keys with it to show an attack does not work by luck)."""

    threshold: int = THRESHOLD
    base: int = BASE
    min_shown: int = 10  # a count that is shown is at least this (no "5" for a group of 8)
    max_noise: int = 2  # D: counts move at most this much before rounding
    variance: float = 1.05  # V: variance of the count noise
    share: float = 0.10  # m: amount noise relative to the largest contribution
    floor: float = 5_000.0  # smallest noise scale for euros (see the module docstring)
    euro_base: float = 1_000.0  # shown euros are rounded to this
    salt: str = ""

    @cached_property
    def count_probabilities(self) -> tuple[float, ...]:
        """P(noise = k) for k = -D..D: maximum entropy given mean 0 and the variance (p_k ~ exp(-l k^2))."""
        ks = np.arange(-self.max_noise, self.max_noise + 1)
        if not 0 < self.variance < self.max_noise**2:
            raise ValueError("de variantie moet tussen 0 en D^2 liggen")

        def variance(lam: float) -> float:
            w = np.exp(-lam * ks**2)
            return float((w * ks**2).sum() / w.sum())

        lo, hi = -50.0, 50.0  # variance falls as lambda grows
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if variance(mid) > self.variance else (lo, mid)
        w = np.exp(-lo * ks**2)
        return tuple(float(x) for x in w / w.sum())

    @cached_property
    def count_thresholds(self) -> tuple[float, ...]:
        """Upper bounds of the cell-key intervals that map to noise -D, ..., D-1 (the last gets D)."""
        return tuple(float(x) for x in np.cumsum(self.count_probabilities)[:-1])


PARAMETERS = CellKey()


def round_count(value: float) -> int:
    """Round half up to a multiple of BASE (12 -> 10, 13 -> 15)."""
    return int(np.floor(value / BASE + 0.5)) * BASE


def tag_offset(tag: str) -> float:
    """A fixed fraction for a tag (a derived figure's name): added to a cell key, it gives the
    figure noise of its own, unrelated to the noise of the cell it is keyed by."""
    return int.from_bytes(hashlib.sha256(tag.encode()).digest()[:6], "big") / KEY_MODULUS


def fraction(sleutel: pl.Expr, tag: str | None = None) -> pl.Expr:
    """The cell key as a number in [0, 1), shifted by a tag's offset when given (an estimate's
    noise must differ from the cell's own, or showing both would give the difference exactly)."""
    ck = sleutel.cast(pl.Float64) / KEY_MODULUS
    if tag:
        ck = ck + tag_offset(tag)
        ck = ck - ck.floor()
    return ck


def count_noise(ck: pl.Expr, params: CellKey = PARAMETERS) -> pl.Expr:
    """The perturbation-table lookup: the noise k whose interval of the cumulative distribution holds the cell key."""
    out = pl.lit(params.max_noise)
    for k, bound in reversed(list(zip(range(-params.max_noise, params.max_noise), params.count_thresholds))):
        out = pl.when(ck < bound).then(pl.lit(k)).otherwise(out)
    return out.cast(pl.Float64)


def amount_factor(ck: pl.Expr) -> pl.Expr:
    """V in (-1.5, -0.5] or [0.5, 1.5): the sign from the first bit of the cell key, the size from
    the rest, uniform. Mean 0; |V| >= 0.5, so an amount is never shown without noise."""
    sign = pl.when(ck < 0.5).then(-1.0).otherwise(1.0)
    rest = ck * 2 - (ck * 2).floor()
    return sign * (0.5 + rest)


def amount_noise(ck: pl.Expr, grootste: pl.Expr, *, euro: bool, params: CellKey = PARAMETERS) -> pl.Expr:
    scale = grootste.abs().fill_null(0.0) * params.share
    if euro:
        scale = pl.max_horizontal(scale, pl.lit(params.floor))
    return amount_factor(ck) * scale


def round_euro(value: pl.Expr, params: CellKey = PARAMETERS) -> pl.Expr:
    return (value / params.euro_base + 0.5).floor() * params.euro_base


def shown_count(waarde: pl.Expr, ck: pl.Expr, params: CellKey = PARAMETERS) -> pl.Expr:
    noisy = waarde + count_noise(ck, params)
    return pl.max_horizontal((noisy / params.base + 0.5).floor() * params.base, pl.lit(float(params.min_shown)))


def hidden(personen: pl.Expr, params: CellKey = PARAMETERS) -> pl.Expr:
    """0-7 persons (or none known): geheim."""
    return personen.fill_null(0) <= params.threshold


def protect(
    frame: pl.DataFrame,
    kind: Kind,
    *,
    euro: bool = False,
    exempt: pl.Expr | bool = False,
    params: CellKey = PARAMETERS,
) -> pl.DataFrame:
    """Protect cells: one row per cell with `waarde`, `personen`, `sleutel` and, for amounts and
    means, `grootste` (and `n`, the count, for means). Sets `waarde` to the value a protected role
    sees (null when hidden) and adds `geheim`; drops the helper columns.

    count: waarde is a count (persons, trajecten): perturbed, rounded, at least `min_shown`.
    amount: waarde is a sum: perturbed and, when `euro`, rounded; `exempt` rows keep their value
    (the engine exempts euro amounts about the gemeente as a whole only).
    mean: waarde is the sum and `n` the count: the perturbed sum divided by the count.
    """
    ck = fraction(pl.col("sleutel").fill_null(0))
    geheim = hidden(pl.col("personen"), params)
    exempt = pl.lit(exempt) if isinstance(exempt, bool) else exempt
    if kind == "count":
        # A count of trajecten or aanbieders of 0-7 is geheim too, as CBS hides any small count.
        geheim = geheim | (pl.col("waarde").fill_null(0.0) <= params.threshold)
        shown = shown_count(pl.col("waarde").fill_null(0.0), ck, params)
    else:
        total = pl.col("waarde").fill_null(0.0) + amount_noise(ck, pl.col("grootste"), euro=euro, params=params)
        if kind == "amount":
            shown = round_euro(total, params) if euro else total
            shown = pl.when(exempt).then(pl.col("waarde")).otherwise(shown)
        else:
            # The protected sum over the number of values: the sum is never shown, so the mean
            # does not give the count away, and it stays readable for a cell of 8 (perturbing the
            # count as well would move a mean of 8 values by up to 25%). Never exempt: an exact
            # mean of whole days times the candidate counts would single out the exact count.
            shown = total / pl.col("n")
    helpers = [c for c in ("personen", "sleutel", "grootste", "n") if c in frame.columns]
    return frame.with_columns(
        waarde=pl.when(geheim).then(None).otherwise(shown).cast(pl.Float64),
        geheim=geheim,
    ).drop(helpers)


def perturb(
    frame: pl.DataFrame,
    columns: list[str],
    *,
    tag: str,
    euro: bool,
    exempt: pl.Expr | bool = False,
    params: CellKey = PARAMETERS,
) -> pl.DataFrame:
    """Add one cell's noise, under a tag, to estimates derived from it (a forecast and its range):
    the columns move together, so a range stays a range around its value. The frame carries the
    cell's `sleutel` and `grootste`; rows that are `exempt` keep their values."""
    if not tag:
        raise ValueError("perturb: an estimate needs a tag of its own")
    ck = fraction(pl.col("sleutel").fill_null(0), tag)
    noise = amount_noise(ck, pl.col("grootste"), euro=euro, params=params)
    exempt = pl.lit(exempt) if isinstance(exempt, bool) else exempt

    def one(c: str) -> pl.Expr:
        moved = pl.col(c) + noise
        moved = round_euro(moved, params) if euro else moved
        return pl.when(exempt | pl.col(c).is_null()).then(pl.col(c)).otherwise(moved).alias(c)

    return frame.with_columns(one(c) for c in columns)
