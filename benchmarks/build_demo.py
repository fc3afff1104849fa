"""Time the demo generator and the warehouse build, per source, at one or more scales.

    .venv/bin/python benchmarks/build_demo.py --scale 1 5 30

For each scale: write the demo files, read and validate every source (timed per source, as the
build does), then run the whole build. Scale multiplies the internal sources (jeugd, meldingen,
projecten); the CBS, Politie and portal files are Zwolle's own and do not grow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

# A script, not a package module: make the repository importable when run by path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_sources import demo, inputs  # noqa: E402
from data_sources.build import build, read_all  # noqa: E402


def quiet(message: str) -> None:
    """The build's own progress lines would drown the table."""


def run(scale: float, seed: int, peildatum: dt.date) -> None:
    with tempfile.TemporaryDirectory(prefix="datakompas-bench-") as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        toml = demo.write(out / "demo", scale=scale, seed=seed, peildatum=peildatum, progress=quiet)
        written = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in (out / "demo").rglob("*") if f.is_file())
        spec = inputs.load(toml)
        loaded, problems = read_all(spec, progress=quiet)
        if problems:
            sys.exit("\n".join(problems.lines()))
        t0 = time.perf_counter()
        build(spec, out / "bench.duckdb", progress=quiet)
        built = time.perf_counter() - t0
    print(f"\nschaal {scale:g}: demo schrijven {written:.1f} s ({size / 1e6:.0f} MB), bouwen {built:.1f} s, samen {written + built:.1f} s")
    print(f"  {'bron':<22}{'rijen':>12}{'inlezen (s)':>13}{'rijen/s':>13}")
    for item in loaded:
        rows = sum(t.height for t in item.tables.values())
        rate = rows / item.seconds if item.seconds > 0 else float("inf")
        print(f"  {item.key:<22}{rows:>12,}{item.seconds:>13.2f}{rate:>13,.0f}".replace(",", "."))


def main() -> None:
    parser = argparse.ArgumentParser(description="Meet demo + build per bron.")
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0], help="een of meer schalen, bijv. 1 5 30")
    parser.add_argument("--seed", type=int, default=193)
    parser.add_argument("--peildatum", type=dt.date.fromisoformat, default=None, help="JJJJ-MM-DD (standaard: eerste dag van deze maand)")
    args = parser.parse_args()
    for scale in args.scale:
        run(scale, args.seed, args.peildatum or demo.default_peildatum())


if __name__ == "__main__":
    main()
