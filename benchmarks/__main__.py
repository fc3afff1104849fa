"""Benchmarks of Datakompas, run on demand (never as timed tests).

    python -m benchmarks --scale 1 10 30 --out benchmarks/results/run.json
    python -m benchmarks --scale 1 --parts build,pages        # a part only
    python -m benchmarks --table benchmarks/results/run.json  # the README table of an earlier run

Per scale (demo data, seed 193, peildatum 2026-11-01; the files are written once and kept under
benchmarks/results/work, git-ignored):

- build: seconds, CPU seconds and rows/s per source against the floor (DuckDB's own ingest of the
  same files, no checks, timed in the same run), and the build's peak memory (benchmarks/build.py);
- pages: every page of the menu, server-side under AppTest, cold in a fresh process and warm, in
  local mode and as a wijkmanager (benchmarks/pages.py);
- browser: time to a finished render in headless Chromium, and the server's memory idle, with one
  and with ten sessions, and over more than a hundred page views (benchmarks/browser.py);
- baseline: pandas reading the same files and computing the same page aggregates (benchmarks/baseline.py).

Each part starts once the machine is quiet (`common.settle`: the browser part of one scale leaves
a load that would otherwise fall on the next scale's build) and records a speed probe. The JSON
holds every figure with the machine and the load average beside it; `--table` prints the Markdown
table for README with the targets of issue 14.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.common import RESULTS, Scale, asdict_rounded, load_average, machine, settle  # noqa: E402

PARTS = ("build", "pages", "browser", "baseline")


def log(message: str) -> None:
    print(message, flush=True)


def _start(entry: dict, part: str) -> None:
    """Before a part: wait for a quiet machine, and keep the load it started at."""
    entry[f"settled_{part}"] = settled = settle(log)
    entry[f"load_before_{part}"] = settled["load"]


def run_scale(scale: Scale, parts: tuple[str, ...], result: dict, save) -> None:
    entry = result["scales"].setdefault(f"{scale.scale:g}", {})
    entry["load_before"] = load_average()
    entry["demo"] = scale.ensure_raw(log)
    if "build" in parts or not scale.db.is_file():
        from benchmarks import build

        _start(entry, "build")
        entry["build"] = build.measure(scale, log)
        b = entry["build"]
        log(
            f"  bouwen {b['seconds']:.1f} s (cpu {b['cpu']:.1f}) tegen vloer {b['floor_seconds']:.1f} s (cpu {b['floor_cpu']:.1f}): "
            f"{b['ratio']:.2f}x, piekgeheugen {b['peak_rss_mb']:.0f} MB"
        )
        save()
    from benchmarks.pages import pages_to_measure

    pages = [p for p, _, _ in pages_to_measure()]
    if "pages" in parts:
        from benchmarks import pages as pages_mod
        from tests.apptest import write_roles

        _start(entry, "pages")
        with tempfile.TemporaryDirectory() as tmp:
            entry["pages"] = pages_mod.measure(scale.db, write_roles(Path(tmp)), log)
        save()
    if "baseline" in parts:
        from benchmarks import baseline

        _start(entry, "baseline")
        entry["baseline"] = baseline.measure(scale.inputs, pages, log)
        save()
    if "browser" in parts:
        from benchmarks import browser

        _start(entry, "browser")
        entry["browser"] = browser.measure(scale.db, scale.dir, pages, log)
        save()
    entry["load_after"] = load_average()
    save()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, nargs="+", default=[1.0], help="een of meer schalen, bijv. 1 10 30")
    ap.add_argument("--out", type=Path, default=None, help="JSON met alle cijfers (standaard benchmarks/results/benchmark-<tijd>.json)")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"komma-gescheiden, uit {', '.join(PARTS)}")
    ap.add_argument("--work", type=Path, default=RESULTS / "work", help="map voor demobestanden en warehouses per schaal")
    ap.add_argument("--table", type=Path, default=None, help="alleen de README-tabel van een eerder resultaat tonen")
    args = ap.parse_args(argv)
    if args.table:
        print(report.table(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        ap.error(f"onbekend onderdeel {unknown}; kies uit {', '.join(PARTS)}")
    out = args.out or RESULTS / f"benchmark-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(), "parts": list(parts), "scales": {}}
    if out.is_file():  # add to an earlier run (another scale or part) instead of overwriting it
        earlier = json.loads(out.read_text(encoding="utf-8"))
        result["scales"] = earlier.get("scales", {})

    def save() -> None:
        out.write_text(json.dumps(asdict_rounded(result), indent=1, ensure_ascii=False, default=str), encoding="utf-8")

    t0 = time.perf_counter()
    for s in args.scale:
        log(f"schaal {s:g} (belasting {load_average()}):")
        run_scale(Scale(s, args.work), parts, result, save)
    result["seconds"] = time.perf_counter() - t0
    save()
    log(f"\nResultaten: {out}\n")
    print(report.table(json.loads(out.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
