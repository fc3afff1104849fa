"""Demo cbs_woningvoorraad: 81955NED (mutaties per gemeente) as the `;` TypedDataSet CSV of the bulk feed.

The series is also the KWB's Woningvoorraad (see kwb.py), so both sources agree. Zwolle's stock
follows CBS and the portal where they are known; other gemeenten are back- and forward-cast from
their real stock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from data_sources.demo import portaal
from data_sources.demo import zwolle as z
from data_sources.demo.cbs_files import save

STREAM = 14  # this module's generator stream: independent of the other demo modules
VOORRAAD_FIRST = 2012
WONINGEN_CODE = "A045364"


@dataclass(frozen=True)
class Mutaties:
    beginstand: int
    nieuwbouw: int
    overige_toevoeging: int
    sloop: int
    overige_onttrekking: int
    correctie: int
    saldo: int
    eindstand: int


def _zwolle_eindstand(jaar: int) -> int | None:
    """Stock at 31 December where it is known: CBS, or the portal's count on 1 January after
    (the two agree within a few woningen in every year both exist); None for 2012 and 2013."""
    if jaar == 2020:
        return z.EINDSTAND_2020
    if jaar == 2023:
        return z.KWB_2024_WONINGEN
    if jaar >= 2014:
        return portaal.woningen_totaal(jaar + 1)
    return None


def _mutaties(rng, begin: int, saldo: int, nieuwbouw: int | None) -> Mutaties:
    """Split a year's change of stock into its parts; the parts add up to `saldo` exactly."""
    if nieuwbouw is None:
        nieuwbouw = max(0, round(saldo * rng.uniform(0.82, 0.95)))
    scale = max(begin / 50_000, 0.05)
    sloop = int(rng.poisson(45 * scale))
    onttrekking = int(rng.poisson(100 * scale))
    correctie = int(round(rng.normal(0, 6 * scale)))
    toevoeging = saldo - nieuwbouw + sloop + onttrekking - correctie
    if toevoeging < 0:  # a year with more withdrawals than the defaults: book them as such
        onttrekking -= toevoeging
        toevoeging = 0
    return Mutaties(begin, nieuwbouw, toevoeging, sloop, onttrekking, correctie, saldo, begin + saldo)


@cache
def voorraad(seed: int, last_year: int) -> dict[str, dict[int, Mutaties]]:
    """Mutaties per gemeente code and year, VOORRAAD_FIRST..last_year."""
    rng = np.random.default_rng([seed, STREAM])
    years = range(VOORRAAD_FIRST, last_year + 1)
    out: dict[str, dict[int, Mutaties]] = {}
    stand = z.BEGINSTAND_2012
    rows = {}
    for y in years:
        target = _zwolle_eindstand(y)
        nieuwbouw = z.NIEUWBOUW.get(y)
        saldo = target - stand if target is not None else round(nieuwbouw * rng.uniform(0.95, 1.1))
        rows[y] = _mutaties(rng, stand, saldo, nieuwbouw)
        stand = rows[y].eindstand
    out[z.GEMEENTE_CODE] = rows
    for g in z.GEMEENTEN:
        out[g.code] = _voorraad_gemeente(rng, g, years)
    return out


def _voorraad_gemeente(rng, g: z.Gemeente, years: range) -> dict[int, Mutaties]:
    """Back-cast from the real 2020 stock, through the real stock of 1 January 2024, and on."""
    typical = max(g.nieuwbouw_2020, round(g.eindstand_2020 * 0.006))
    saldo = {y: round(typical * rng.lognormal(0, 0.25)) for y in years}
    saldo[2020] = round(g.nieuwbouw_2020 * rng.uniform(1.0, 1.15))
    eind = {2020: g.eindstand_2020, 2023: g.woningen_2024}
    for y in range(2020, years.start - 1, -1):
        eind[y - 1] = eind[y] - saldo[y]
    between = g.woningen_2024 - g.eindstand_2020
    eind[2021] = eind[2020] + round(between * rng.uniform(0.25, 0.4))
    eind[2022] = eind[2021] + round((eind[2023] - eind[2021]) * rng.uniform(0.4, 0.6))
    for y in years:
        eind.setdefault(y, eind[y - 1] + saldo[y])
    return {y: _mutaties(rng, eind[y - 1], eind[y] - eind[y - 1], g.nieuwbouw_2020 if y == 2020 else None) for y in years}


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """`scale` does not apply: the stock is that of the real gemeenten."""
    last = peildatum.year - 1
    series = voorraad(seed, last)
    header = "ID;Gebruiksfunctie;RegioS;Perioden;BeginstandVoorraad_1;Nieuwbouw_2;OverigeToevoeging_3;Sloop_4;OverigeOnttrekking_5;Correctie_6;SaldoVoorraad_7;EindstandVoorraad_8"
    lines = [header]
    # IDs as in the bulk feed: rows of one region are 17 apart (its other periods lie between).
    for rank, code in enumerate(sorted(series)):
        for k, (jaar, m) in enumerate(sorted(series[code].items())):
            values = (m.beginstand, m.nieuwbouw, m.overige_toevoeging, m.sloop, m.overige_onttrekking, m.correctie, m.saldo, m.eindstand)
            row_id = 88_000 + rank * 4_700 + k * 17
            lines.append(";".join([str(row_id), WONINGEN_CODE, code, f"{jaar}JJ00", *map(str, values)]))
    return {"cbs_woningvoorraad": [save(out, "cbs/81955NED/cbs_woningvoorraad_gemeenten.csv", "\r\n".join(lines) + "\r\n")]}
