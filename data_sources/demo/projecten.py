"""Demo housing programme for Zwolle: woningbouwprojecten in the format of FORMATS.md.

Projects lie in Zwolle's real growth and transformation areas (Stadshagen, Spoorzone,
Voorsterpoort, Oosterenk, Hessenpoort/Tolhuislanden, Windesheim, Holtenbroek, ...). The numbers
are calibrated on public facts (data_sources.demo.zwolle): woningen delivered per year follow
CBS nieuwbouw where it is known (2012-2020) and stay of that order in other years; the hard and
soft pipelines add up to the provincial plancapaciteit (3,329 hard, 8,530 zacht); a few hard
plans and buildings are past their planned oplevering, as in a real programme. Which project
lies where, its name and its segment mix are invented. Housing is not scaled with --scale: the
programme is a fact of Zwolle, not a volume.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from data_sources.demo import zwolle

STREAM = 302  # this module's generator stream: independent of the other demo modules
OPGELEVERD_JAREN = 7  # delivered projects of the last seven years, the current one included
NIEUWBOUW_ANDERS = 650  # woningen per year where CBS nieuwbouw is not among the facts
SEGMENTEN = ("sociale huur", "middenhuur", "betaalbare koop", "dure koop")


class Fase(NamedTuple):
    status: str
    woningen: int  # total over all projects in this status (0: from the yearly deliveries)
    mediaan: float  # median project size
    maanden: tuple[int, int]  # geplande oplevering, months after the peildatum


FASEN: tuple[Fase, ...] = (
    Fase("idee", 2_400, 180, (60, 144)),
    Fase("zacht", zwolle.PLANCAPACITEIT_ZACHT, 220, (36, 108)),
    # Some hard plans and buildings have passed their planned date without being delivered, as in
    # every real programme (the Monitor ruimte lists them as running late).
    Fase("hard", zwolle.PLANCAPACITEIT_HARD, 90, (-4, 60)),
    Fase("in aanbouw", 1_300, 70, (-14, 24)),
    Fase("opgeleverd", 0, 60, (0, 0)),
)


class Gebied(NamedTuple):
    buurten: tuple[str, ...]
    kans: dict[str, float]  # relative chance of a project in this area, per status
    mix: tuple[float, ...]  # expected segment shares, in the order of SEGMENTEN


# Demo assumption: where each phase of the programme lies (real buurt codes, invented weights).
GEBIEDEN: dict[str, Gebied] = {
    "Stadshagen": Gebied(
        ("BU01932260", "BU01932270", "BU01932230", "BU01932240"),
        {"idee": 0.5, "zacht": 1.0, "hard": 2.5, "in aanbouw": 3.0, "opgeleverd": 4.0},
        (0.30, 0.20, 0.25, 0.25),
    ),
    "Stadsbroek": Gebied(("BU01932280", "BU01932210"), {"idee": 2.0, "zacht": 3.0, "hard": 0.5, "in aanbouw": 0.2, "opgeleverd": 0.1}, (0.30, 0.25, 0.20, 0.25)),
    "Spoorzone": Gebied(
        ("BU01931300", "BU01931360", "BU01931400"),
        {"idee": 1.5, "zacht": 2.0, "hard": 1.5, "in aanbouw": 1.0, "opgeleverd": 1.0},
        (0.30, 0.35, 0.15, 0.20),
    ),
    "Voorsterpoort": Gebied(("BU01932000", "BU01932010"), {"idee": 1.5, "zacht": 2.5, "hard": 0.5, "in aanbouw": 0.2, "opgeleverd": 0.1}, (0.35, 0.30, 0.20, 0.15)),
    "Oosterenk": Gebied(("BU01934030",), {"idee": 0.2, "zacht": 0.5, "hard": 1.0, "in aanbouw": 1.0, "opgeleverd": 1.0}, (0.25, 0.40, 0.20, 0.15)),
    "Hessenpoort en Tolhuislanden": Gebied(
        ("BU01934050", "BU01934000"), {"idee": 1.0, "zacht": 1.5, "hard": 1.0, "in aanbouw": 0.5, "opgeleverd": 0.5}, (0.25, 0.20, 0.25, 0.30)
    ),
    "Windesheim": Gebied(("BU01935200", "BU01935210"), {"idee": 1.5, "zacht": 1.5, "hard": 0.3, "in aanbouw": 0.2, "opgeleverd": 0.2}, (0.20, 0.20, 0.25, 0.35)),
    "Holtenbroek en Aa-landen": Gebied(
        ("BU01933000", "BU01933010", "BU01933020", "BU01933030", "BU01933110"),
        {"idee": 0.5, "zacht": 0.5, "hard": 1.0, "in aanbouw": 1.0, "opgeleverd": 1.5},
        (0.45, 0.25, 0.20, 0.10),
    ),
    "Binnenstad en Diezerpoort": Gebied(
        ("BU01931010", "BU01931130", "BU01931100", "BU01931140"),
        {"idee": 0.3, "zacht": 0.5, "hard": 0.8, "in aanbouw": 0.8, "opgeleverd": 1.0},
        (0.25, 0.35, 0.15, 0.25),
    ),
    "Zuid": Gebied(
        ("BU01935060", "BU01935160", "BU01934120", "BU01935110"),
        {"idee": 0.3, "zacht": 0.5, "hard": 0.8, "in aanbouw": 0.6, "opgeleverd": 1.2},
        (0.25, 0.20, 0.25, 0.30),
    ),
}

NAAMDELEN = ("Hof", "Park", "Kwartier", "Erven", "Veld", "Tuinen", "Kade", "Poort", "Haven", "Dreef", "Hoven", "Weide")


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """Write projecten/woningbouwprojecten.csv under out (scale does not apply, see module doc)."""
    rng = np.random.default_rng([seed, STREAM])
    projects = pl.concat([_fase(rng, fase, peildatum) for fase in FASEN])
    rows = _segments(rng, _placed(rng, projects))
    path = "projecten/woningbouwprojecten.csv"
    (out / "projecten").mkdir(parents=True, exist_ok=True)
    rows.write_csv(out / path)
    return {"woningbouwprojecten": [path]}


def _sizes(rng: np.random.Generator, total: int, median: float) -> np.ndarray:
    """Project sizes (skewed, 8-600 woningen) adding up to total exactly."""
    sizes = np.clip(np.round(median * np.exp(rng.normal(0, 0.7, max(8, 4 * total // int(median))))), 8, 600).astype(np.int64)
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, total))
    sizes = sizes[: k + 1]
    sizes[-1] = total - (cum[k - 1] if k > 0 else 0)
    if sizes.size > 1 and sizes[-1] < 8:  # too small a remainder joins the project before it
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def _months_later(day: dt.date, months: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first = np.datetime64(day, "M") + months
    return first.astype("datetime64[D]") + rng.integers(0, 28, months.size)


def _fase(rng: np.random.Generator, fase: Fase, peildatum: dt.date) -> pl.DataFrame:
    if fase.status == "opgeleverd":
        return _opgeleverd(rng, fase, peildatum)
    sizes = _sizes(rng, fase.woningen, fase.mediaan)
    gepland = _months_later(peildatum, rng.integers(fase.maanden[0], fase.maanden[1] + 1, sizes.size), rng)
    frame = pl.DataFrame({"status": fase.status, "woningen": sizes, "geplande_oplevering": gepland, "werkelijke_oplevering": None})
    if fase.status == "idee":  # many ideas have no planning yet
        frame = frame.with_columns(pl.when(pl.Series(rng.random(sizes.size) < 0.4)).then(None).otherwise(pl.col("geplande_oplevering")).alias("geplande_oplevering"))
    return frame.with_columns(pl.col("werkelijke_oplevering").cast(pl.Date))


def _opgeleverd(rng: np.random.Generator, fase: Fase, peildatum: dt.date) -> pl.DataFrame:
    frames = []
    for jaar in range(peildatum.year - OPGELEVERD_JAREN + 1, peildatum.year + 1):
        per_year = zwolle.NIEUWBOUW.get(jaar, round(NIEUWBOUW_ANDERS * rng.uniform(0.8, 1.25)))
        first, last = dt.date(jaar, 1, 1), min(dt.date(jaar, 12, 31), peildatum)
        total = round(per_year * ((last - first).days + 1) / 365)
        sizes = _sizes(rng, total, fase.mediaan)
        werkelijk = np.datetime64(first) + rng.integers(0, (last - first).days + 1, sizes.size)
        # Most projects are delivered later than planned, a few early.
        delay = np.round(rng.exponential(120, sizes.size) - 20).astype(np.int64)
        frames.append(
            pl.DataFrame({"status": fase.status, "woningen": sizes, "geplande_oplevering": werkelijk - delay, "werkelijke_oplevering": werkelijk})
        )
    return pl.concat(frames)


def _placed(rng: np.random.Generator, projects: pl.DataFrame) -> pl.DataFrame:
    """Give each project an area, a buurt and a name."""
    names = list(GEBIEDEN)
    status = projects["status"].to_numpy()
    gebied = np.empty(status.size, dtype=object)
    for s in np.unique(status):
        mask = status == s
        weights = np.array([GEBIEDEN[n].kans[s] for n in names])
        gebied[mask] = np.array(names, dtype=object)[rng.choice(len(names), size=int(mask.sum()), p=weights / weights.sum())]
    buurt = np.array([rng.choice(GEBIEDEN[g].buurten) for g in gebied])
    naam_van = {b.code: b.naam for b in zwolle.BUURTEN}
    labels = [f"{naam_van[b]} {NAAMDELEN[i]}" for b, i in zip(buurt, rng.integers(0, len(NAAMDELEN), buurt.size))]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} fase {seen[label]}")
    order = ["idee", "zacht", "hard", "in aanbouw", "opgeleverd"]
    return (
        projects.with_columns(gebied=pl.Series(gebied.astype(str)), buurt_code=pl.Series(buurt), project_naam=pl.Series(unique))
        .with_columns(pl.col("status").replace_strict({s: i for i, s in enumerate(order)}, return_dtype=pl.Int64).alias("__order"))
        .sort("__order", "geplande_oplevering", "project_naam", nulls_last=True)
        .with_row_index("n", offset=1)
        .with_columns(pl.format("WBP{}", pl.col("n").cast(pl.String).str.zfill(4)).alias("project_id"))
        .drop("n", "__order")
    )


def _segments(rng: np.random.Generator, projects: pl.DataFrame) -> pl.DataFrame:
    """Split every project over the segments (largest remainder), one row per segment with woningen."""
    mix = np.array([GEBIEDEN[g].mix for g in projects["gebied"]])
    shares = np.array([rng.dirichlet(m * 12) for m in mix])
    woningen = projects["woningen"].to_numpy()
    raw = shares * woningen[:, None]
    counts = np.floor(raw).astype(np.int64)
    rest = woningen - counts.sum(axis=1)
    order = np.argsort(-(raw - counts), axis=1)
    for k in range(len(SEGMENTEN)):
        counts[np.arange(counts.shape[0]), order[:, k]] += rest > k
    long = projects.select("project_id", "project_naam", "buurt_code", "status", "geplande_oplevering", "werkelijke_oplevering").with_columns(
        pl.Series("segment", [list(SEGMENTEN)] * projects.height), pl.Series("woningen", counts.tolist())
    )
    return (
        long.explode("segment", "woningen")
        .filter(pl.col("woningen") > 0)
        .select("project_id", "project_naam", "buurt_code", "status", "segment", "woningen", "geplande_oplevering", "werkelijke_oplevering")
    )
