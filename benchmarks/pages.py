"""Time every page of the app server-side: a cold run in a fresh process and warm reruns, per role.

    .venv/bin/python benchmarks/pages.py --scale 1          # builds a demo warehouse in a temp dir
    .venv/bin/python benchmarks/pages.py --db data/datakompas.duckdb
    .venv/bin/python -m benchmarks --scale 1 --parts pages  # the same, as part of the benchmark

Pages are the ones in manifest.toml whose file exists (router.visible), so a page that lands is
measured without a change here. Each (page, role) runs in a child process of its own: the app's
modules are imported first (once per server start in real life, reported as `import_seconds`),
then the page is opened under Streamlit's AppTest with every cache empty (cold: the warehouse is
not open yet, no query or analysis was ever answered), then run three more times (warm: the
median). Roles: local mode (the Databrigade's view, nothing rounded) and a wijkmanager with two
wijken, where the page admits one, because disclosure control adds work; and that wijkmanager on a
server that has prepared their forecast (ui.warmup), the time not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# None: local mode (databrigade). "wijkmanager, voorbereid": the wijkmanager's first visit to a
# hosted server that has prepared their forecast in the background (ui.warmup), as it does after
# every start and new build.
ROLES = (None, "wijkmanager", PREPARED := "wijkmanager, voorbereid")
WARM_RUNS = 3


def pages_to_measure() -> list[tuple[str, str, tuple[str, ...]]]:
    """(url path, file, roles) of every page in the menu of local mode, in menu order."""
    from ui import access, router

    return [(p.url_path, str(p.path.relative_to(ROOT)), tuple(p.roles)) for p in router.visible(access.LOCAL_USER)]


def measure(db: Path, roles_file: Path, log=print, timeout: float = 3600) -> list[dict]:
    from benchmarks.common import python, run_child

    out = []
    for url_path, file, roles in pages_to_measure():
        for role in ROLES:
            user = "wijkmanager" if role == PREPARED else role
            if user is not None and user not in roles:
                continue
            args = python("-m", "benchmarks.pages", "--child", "--db", str(db), "--file", file)
            if user:
                args += ["--role", user, "--roles-file", str(roles_file)]
            if role == PREPARED:
                args.append("--prepared")
            child = run_child(args, timeout=timeout)
            try:
                row = child.json()
            except RuntimeError as e:
                row = {"error": str(e)[-500:]}
            row |= {"page": f"/{url_path}", "role": role or "lokaal", "peak_rss_mb": child.peak_rss_mb}
            log(
                f"  /{url_path:<11} {role or 'lokaal':<23} koud {row.get('cold', float('nan')):6.2f} s (cpu {row.get('cold_cpu', float('nan')):5.2f}), "
                f"warm {row.get('warm', float('nan')):5.2f} s" + (f"  FOUT: {row['error'][:200]}" if row.get("error") else "")
            )
            out.append(row)
    return out


def _import_app() -> float:
    """Import the app's modules (and through them polars, DuckDB, Altair, Streamlit): what a server
    does once, before the first page. Returns the seconds it took."""
    import importlib
    import pkgutil

    t0 = time.perf_counter()
    import streamlit.testing.v1  # noqa: F401

    for package in ("metrics", "ui"):
        mod = importlib.import_module(package)
        for info in pkgutil.walk_packages(mod.__path__, prefix=f"{package}."):
            importlib.import_module(info.name)
    return time.perf_counter() - t0


def child(db: str, file: str, role: str | None, roles_file: str | None, prepared: bool = False) -> dict:
    os.environ["DATAKOMPAS_DB"] = db
    if roles_file:
        os.environ["DATAKOMPAS_ROLES"] = roles_file
    imported = _import_app()
    from tests.apptest import app

    prepare_seconds = None
    if prepared:  # what the hosted server's background thread does before anyone comes
        from ui import access, warmup

        t0 = time.perf_counter()
        warmup.prepare(access.load_roles(Path(roles_file)), {})
        prepare_seconds = time.perf_counter() - t0

    # Installed components are discovered here, before the clock runs, as the server does at start.
    at = app(role=role, timeout=3600)
    at.switch_page(file)
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    if at.exception:
        return {"error": str(at.exception[0].value)[:1000], "cold": cold, "cold_cpu": cold_cpu}
    titles = [t.value for t in at.title]
    warm, warm_cpu = [], []
    for _ in range(WARM_RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        warm.append(time.perf_counter() - t0)
        warm_cpu.append(time.process_time() - c0)
    return {
        "import_seconds": imported,
        "prepare_seconds": prepare_seconds,
        "cold": cold,
        "cold_cpu": cold_cpu,
        "warm": statistics.median(warm),
        "warm_cpu": statistics.median(warm_cpu),
        "title": titles[0] if titles else None,
        "tiles": len(at.metric),
        "exception": bool(at.exception),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--db", type=Path, default=None, help="an existing warehouse instead of a fresh demo build")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--role", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--roles-file", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--prepared", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(str(args.db), args.file, args.role, args.roles_file, args.prepared)))
        return
    from data_sources import demo, inputs
    from data_sources.build import build
    from tests.apptest import write_roles

    with tempfile.TemporaryDirectory(prefix="datakompas-bench-") as tmp:
        db = args.db
        if db is None:
            t0 = time.perf_counter()
            toml = demo.write(Path(tmp) / "raw", scale=args.scale, seed=193, peildatum=dt.date(2026, 11, 1), progress=lambda m: None)
            db = Path(tmp) / "w.duckdb"
            build(inputs.load(toml), db, progress=lambda m: None)
            print(f"demo build at scale {args.scale:g}: {time.perf_counter() - t0:.1f} s")
        print(f"{'pagina':<12} {'rol':<12} {'koud (s)':>9} {'warm (s)':>9}")
        measure(db.resolve(), write_roles(Path(tmp)))


if __name__ == "__main__":
    main()
