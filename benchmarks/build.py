"""The warehouse build against its floor, in the same run: per source seconds and rows/s, and the
build's peak memory (the child process's own maximum RSS).

The build runs as a child process exactly as `python -m data_sources build --inputs ...` does
(same function, a JSON report instead of progress lines); the floor is DuckDB ingesting the same
files without any checks (benchmarks/floor.py), also in a child of its own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Scale, python, run_child  # noqa: E402


def measure(scale: Scale, log=print) -> dict:
    """Floor first, then the build (which leaves the warehouse the page benchmarks use)."""
    scale.dir.mkdir(parents=True, exist_ok=True)
    log(f"  vloer: DuckDB leest dezelfde bestanden in (schaal {scale.scale:g}) ...")
    floor_child = run_child(python("-m", "benchmarks.floor", str(scale.inputs), str(scale.dir / "vloer.duckdb"))).check("vloer")
    floor = floor_child.json()
    log(f"  bouwen (schaal {scale.scale:g}) ...")
    build_child = run_child(python("-m", "benchmarks.build", "--child", str(scale.inputs), str(scale.db))).check("bouwen")
    build = build_child.json()
    floor_by_key = {s["key"]: s for s in floor["sources"]}
    sources = []
    for s in build["sources"]:
        f = floor_by_key.get(s["key"], {})
        seconds = s["read_seconds"] + s["write_seconds"]
        cpu = s["read_cpu"] + s["write_cpu"]
        sources.append(
            {
                "key": s["key"],
                "rows": s["rows"],
                "seconds": seconds,
                "cpu": cpu,
                "rows_per_s": s["rows"] / seconds if seconds > 0 else None,
                "floor_seconds": f.get("seconds"),
                "floor_cpu": f.get("cpu"),
                "floor_rows_per_s": s["rows"] / f["seconds"] if f.get("seconds") else None,
                "ratio": seconds / f["seconds"] if f.get("seconds") else None,
            }
        )
    return {
        "seconds": build_child.wall,  # the whole command, as a user waits for it
        "cpu": build_child.cpu,
        "peak_rss_mb": build_child.peak_rss_mb,
        "build_seconds": build["seconds"],  # as the build records it (without interpreter start)
        "floor_seconds": floor_child.wall,
        "floor_cpu": floor_child.cpu,
        "floor_peak_rss_mb": floor_child.peak_rss_mb,
        "ratio": build_child.wall / floor_child.wall,
        "ingest_ratio": sum(s["read_seconds"] + s["write_seconds"] for s in build["sources"]) / floor["seconds"],
        "ratio_cpu": build_child.cpu / floor_child.cpu if floor_child.cpu else None,
        # The derived tables (the forecast of the gemeente as a whole, made once per build so no
        # server has to) are work the floor does not do: the ingest alone is measured too.
        "derive_seconds": build.get("derived", {}).get("seconds"),
        "derive_cpu": build.get("derived", {}).get("cpu"),
        "ingest_seconds": sum(s["read_seconds"] + s["write_seconds"] for s in build["sources"]),
        "ingest_cpu": sum(s["read_cpu"] + s["write_cpu"] for s in build["sources"]),
        "sources": sources,
    }


def _child(inputs_toml: str, db: str) -> None:
    from data_sources import inputs as inputs_mod
    from data_sources.build import build

    t0 = time.perf_counter()
    result = build(inputs_mod.load(Path(inputs_toml)), Path(db), progress=lambda message: None)
    result["wall"] = time.perf_counter() - t0
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
    else:
        sys.exit("gebruik: python -m benchmarks --scale N (dit is een onderdeel daarvan)")
