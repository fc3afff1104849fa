"""Time every page of the app on a demo warehouse: first run (cold caches) and a rerun (warm).

    .venv/bin/python benchmarks/pages.py --scale 1          # builds a demo warehouse in a temp dir
    .venv/bin/python benchmarks/pages.py --db data/datakompas.duckdb

Pages run under Streamlit's AppTest in local mode (role databrigade, no rounding), which is the
heaviest view; a wijkmanager's run is also timed because disclosure control adds work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_sources import demo, inputs  # noqa: E402
from data_sources.build import build  # noqa: E402
from tests.apptest import PAGE_FILES, open_page, write_roles  # noqa: E402
from ui import access, router  # noqa: E402


def _time_page(url_path: str, role: str | None) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    at = open_page(url_path, role=role, timeout=600)
    cold = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"/{url_path} ({role or 'lokaal'}): {at.exception[0].value}")
    t1 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t1
    return cold, warm, len(at.metric)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--db", type=Path, default=None, help="an existing warehouse instead of a fresh demo build")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="datakompas-bench-") as tmp:
        db = args.db
        if db is None:
            t0 = time.perf_counter()
            toml = demo.write(Path(tmp) / "raw", scale=args.scale, seed=193, peildatum=dt.date(2026, 11, 1), progress=lambda m: None)
            db = Path(tmp) / "w.duckdb"
            build(inputs.load(toml), db, progress=lambda m: None)
            print(f"demo build at scale {args.scale:g}: {time.perf_counter() - t0:.1f} s")
        os.environ["DATAKOMPAS_DB"] = str(db.resolve())
        os.environ["DATAKOMPAS_ROLES"] = str(write_roles(Path(tmp)))
        print(f"{'page':<12} {'rol':<12} {'koud (s)':>9} {'warm (s)':>9} {'tegels':>7}")
        for spec in router.visible(access.LOCAL_USER):
            assert spec.url_path in PAGE_FILES
            for role in (None, "wijkmanager"):
                if role and role not in spec.roles:
                    continue
                cold, warm, tiles = _time_page(spec.url_path, role)
                print(f"/{spec.url_path:<11} {role or 'lokaal':<12} {cold:>9.2f} {warm:>9.2f} {tiles:>7}")


if __name__ == "__main__":
    main()
