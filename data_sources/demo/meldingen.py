"""Demo meldingen openbare ruimte (MOR) for Zwolle, in the format of FORMATS.md.

Some 30,000 meldingen a year at scale 1 (a Zwolle-size city), over the last five years up to the
peildatum. Every category has its season (groen and ongedierte in summer, straatverlichting and
gladheid in winter) and its handling time (a few days for afval, weeks for bestrating), with a
long tail; meldingen still being handled on the peildatum are open or in behandeling. Buurten
get meldingen in proportion to their woningen, the city centre more for zwerfafval and overlast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from data_sources.demo import zwolle

STREAM = 303  # this module's generator stream: independent of the other demo modules
YEARS = 5
START_BEHANDELING_DAGEN = 2  # a melding is picked up (in behandeling) after about this many days
NOOIT_AFGEHANDELD = 0.004  # meldingen that stay open (lost in the process), as in real systems


class Categorie(NamedTuple):
    per_jaar: int  # meldingen per year at scale 1
    seizoen: tuple[float, ...]  # relative volume per calendar month
    afhandeling: float  # median handling time in days
    centrum: bool  # more meldingen in busy (high-crime) buurten


_VLAK = (1.0,) * 12
_ZOMER = (0.5, 0.5, 0.7, 1.0, 1.4, 1.6, 1.6, 1.5, 1.2, 0.9, 0.6, 0.5)
_WINTER = (1.7, 1.4, 1.0, 0.7, 0.5, 0.4, 0.4, 0.5, 0.8, 1.2, 1.6, 1.8)
_HERFST = (1.0, 0.9, 0.8, 0.7, 0.7, 0.8, 1.0, 1.0, 1.1, 1.4, 1.4, 1.2)

CATALOGUS: dict[str, Categorie] = {
    "afval": Categorie(7000, (1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.0, 0.9, 0.9, 1.0), 2, False),
    "zwerfafval": Categorie(3500, (0.8, 0.8, 0.9, 1.1, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 0.9), 3, True),
    "groen": Categorie(5000, _ZOMER, 14, False),
    "straatverlichting": Categorie(2500, _WINTER, 10, False),
    "bestrating": Categorie(3500, (1.2, 1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 0.8, 1.0, 1.0, 1.0, 1.0), 21, False),
    "verkeersborden": Categorie(1200, _VLAK, 7, False),
    "riolering": Categorie(1500, _HERFST, 5, False),
    "wateroverlast": Categorie(700, (1.0, 0.9, 0.7, 0.5, 0.6, 1.1, 1.4, 1.3, 1.0, 1.1, 1.2, 1.2), 4, False),
    "gladheid": Categorie(400, (3.5, 3.0, 0.8, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 1.0, 3.5), 1, False),
    "ongedierte": Categorie(1200, (0.4, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 2.3, 1.6, 0.8, 0.5, 0.3), 5, False),
    "dieren": Categorie(500, _VLAK, 1, False),
    "overlast": Categorie(2000, _ZOMER, 3, True),
    "graffiti": Categorie(500, _VLAK, 10, True),
    "speelvoorzieningen": Categorie(600, _ZOMER, 14, False),
    "overig": Categorie(1500, _VLAK, 7, False),
}

# Hour of the day a melding comes in: mostly office and evening hours.
UUR = np.array([1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2], dtype=float)


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """Write meldingen/meldingen.csv under out."""
    rng = np.random.default_rng([seed, STREAM])
    frame = _meldingen(rng, scale, peildatum)
    path = "meldingen/meldingen.csv"
    (out / "meldingen").mkdir(parents=True, exist_ok=True)
    frame.write_csv(out / path)
    return {"meldingen": [path]}


def _buurt_kans() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = np.array([b.code for b in zwolle.BUURTEN])
    woningen = np.array([b.woningen_2024 + 0.2 * b.inwoners_2024 for b in zwolle.BUURTEN], dtype=float)
    druk = woningen + 8.0 * np.array([b.misdrijven_2023 for b in zwolle.BUURTEN], dtype=float)
    return codes, woningen / woningen.sum(), druk / druk.sum()


def _meldingen(rng: np.random.Generator, scale: float, peildatum: dt.date) -> pl.DataFrame:
    days = np.arange(np.datetime64(dt.date(peildatum.year - YEARS + 1, 1, 1)), np.datetime64(peildatum))
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    codes, gewoon, druk = _buurt_kans()
    parts = []
    for name, cat in CATALOGUS.items():
        seizoen = np.array(cat.seizoen)
        expected = cat.per_jaar * scale / 365.25 * seizoen[month] / seizoen.mean()
        day = np.repeat(days, rng.poisson(expected))
        minute = rng.choice(24, size=day.size, p=UUR / UUR.sum()) * 60 + rng.integers(0, 60, day.size)
        moment = (day.astype("datetime64[m]") + minute).astype("datetime64[ms]")
        buurt = codes[rng.choice(codes.size, size=day.size, p=druk if cat.centrum else gewoon)]
        handling = np.ceil(cat.afhandeling * np.exp(rng.normal(0, 0.9, day.size))).astype(np.int64)
        parts.append(pl.DataFrame({"moment": moment, "categorie": name, "buurt_code": buurt, "klaar": day + handling}))
    frame = pl.concat(parts).sort("moment", "categorie", "buurt_code")
    stuck = pl.Series(rng.random(frame.height) < NOOIT_AFGEHANDELD)
    done = (pl.col("klaar") <= peildatum) & ~stuck
    started = pl.col("moment").dt.date() + dt.timedelta(days=START_BEHANDELING_DAGEN) <= peildatum
    return frame.with_row_index("n", offset=1).select(
        pl.format("MOR-{}", pl.col("n").cast(pl.String).str.zfill(8)).alias("melding_id"),
        pl.col("moment").dt.strftime("%Y-%m-%d %H:%M").alias("datum"),
        "categorie",
        "buurt_code",
        pl.when(done).then(pl.lit("afgehandeld")).when(started).then(pl.lit("in behandeling")).otherwise(pl.lit("open")).alias("status"),
        pl.when(done).then(pl.col("klaar")).otherwise(None).alias("afgehandeld_op"),
    )
