"""Demo data: Zwolle's sources as raw files in their real formats, plus the inputs.toml that lists them.

The demo path runs through the real loaders, so everything the app shows in a demo was read and
checked exactly as a real export would be. Each module writes its sources with the signature
`write(out, *, seed, scale, peildatum) -> {source_key: [paths relative to out]}` and draws its
randomness from `numpy.random.default_rng([seed, <module constant>])`: the same seed, scale and
peildatum give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from data_sources.demo import (
    geo,
    jeugd,
    kwb,
    meldingen,
    misdrijven,
    overlast,
    plancapaciteit,
    portaal,
    projecten,
    regios,
    woningvoorraad,
)
from data_sources.demo import zwolle as z
from data_sources.problems import InputError, Problems
from data_sources.registry import SOURCE_KEYS

MODULES = (regios, kwb, misdrijven, overlast, woningvoorraad, portaal, plancapaciteit, geo, jeugd, projecten, meldingen)
# The demo is calibrated on real figures up to and including 2023; it forward-casts from there.
EARLIEST_PEILDATUM = dt.date(2024, 1, 1)


def print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def default_peildatum() -> dt.date:
    return dt.date.today().replace(day=1)


def write(
    out: Path,
    *,
    scale: float = 1.0,
    seed: int = 193,
    peildatum: dt.date | None = None,
    progress=print_to_stderr,
) -> Path:
    """Write every demo source under `out` and return the path of `out/inputs.toml`."""
    peildatum = peildatum or default_peildatum()
    _check(scale, peildatum)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {}
    for module in MODULES:
        written = module.write(out, seed=seed, scale=scale, peildatum=peildatum)
        for key, paths in written.items():
            progress(f"  {key:<20} {len(paths):>3} bestand(en)")
        files.update(written)
    path = out / "inputs.toml"
    path.write_text(inputs_toml(files, peildatum, seed, scale), encoding="utf-8")
    return path


def _check(scale: float, peildatum: dt.date) -> None:
    problems = Problems()
    if peildatum < EARLIEST_PEILDATUM:
        problems.add("demo", "peildatum ligt voor de periode waarop de demodata geijkt zijn", column="peildatum",
                     value=peildatum.isoformat(), expected=f"{EARLIEST_PEILDATUM.isoformat()} of later")
    if not scale > 0:
        problems.add("demo", "schaal moet groter dan 0 zijn", column="scale", value=scale, expected="bijv. 1 (Zwolle) of 30 (landelijk)")
    if problems:
        raise InputError(problems)


def inputs_toml(files: dict[str, list[str]], peildatum: dt.date, seed: int, scale: float) -> str:
    """inputs.toml for the written files, sources in registry order, paths relative to it."""
    lines = [
        f"# Demodata van Datakompas: gemeente {z.GEMEENTE_NAAM}, zaad {seed}, schaal {scale:g}.",
        "# Geschreven door `python -m data_sources demo`; de bestanden hebben de echte exportformaten.",
        f'gemeente = "{z.GEMEENTE_CODE}"',
        f"peildatum = {peildatum.isoformat()}",
        "demo = true",
    ]
    for key in SOURCE_KEYS:
        if key in files:
            listed = ", ".join(f'"{p}"' for p in files[key])
            lines += ["", f"[{key}]", f"files = [{listed}]"]
    return "\n".join(lines) + "\n"
