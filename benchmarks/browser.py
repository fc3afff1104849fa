"""The app as users get it: `python -m ui.server run Home.py` (as `make run` starts it) on the
warehouse, pages opened in headless Chromium (tests/e2e/load.py), the server's memory measured
throughout.

Per page: the time from navigation to a finished render (app connected, script run over, no
skeleton left, no exception), first visit after the server started (cold: its caches are empty,
and the first page also pays for loading the app's modules) and a second visit (warm). Each visit
is a fresh browser context, so the browser's own cache is empty every time.

Memory (VmRSS of the server process): idle after start; the highest value while one session opens
every page; the highest while ten sessions do so at once; and then after every batch of ten
sessions until more than 100 page views have been served, to see whether it stays flat.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWS_TARGET = 100


def measure(db: Path, workdir: Path, pages: list[str], log=print) -> dict:
    from tests.e2e import load
    from tests.e2e.conftest import serve

    out: dict = {"pages": {}, "memory": {}}
    with serve(db, workdir / "server.log") as (url, pid):  # local mode, as tests/e2e serves the app
        time.sleep(2.0)
        out["memory"]["idle_mb"] = load.rss_mb(pid)
        for visit in ("cold", "warm"):
            for path in pages:
                result = load.run(url, sessions=1, rounds=1, pages=[path], pid=pid)
                seconds = result.page_seconds.get(path, [None])[0]
                row = out["pages"].setdefault(f"/{path}", {})
                row[visit] = seconds
                if result.failures:
                    row[f"{visit}_error"] = result.failures[0][:500]
                log(f"  Chromium /{path:<11} {visit:<5} {'fout' if seconds is None else f'{seconds:5.2f} s'}")
        views = 2 * len(pages)

        one = load.run(url, sessions=1, rounds=1, pages=pages, pid=pid)
        views += one.visits
        out["memory"]["one_session_mb"] = max(one.rss_mb, default=None)
        out["memory"]["one_session_failures"] = one.failures[:5]
        log(f"  geheugen: rust {out['memory']['idle_mb']:.0f} MB, 1 sessie tot {out['memory']['one_session_mb']:.0f} MB")

        series = []  # (views served so far, RSS after the batch, highest RSS during it)
        ten_max = None
        failures: list[str] = []
        slowest = 0.0
        while True:
            batch = load.run(url, sessions=10, rounds=1, pages=pages, pid=pid)
            views += batch.visits
            failures += batch.failures
            slowest = max(slowest, batch.slowest)
            if ten_max is None:
                ten_max = max(batch.rss_mb, default=None)
            series.append((views, load.rss_mb(pid), max(batch.rss_mb, default=None)))
            log(f"  geheugen: na {views} paginabezoeken {series[-1][1]:.0f} MB (hoogste in deze ronde {series[-1][2]:.0f} MB)")
            if views - series[0][0] >= VIEWS_TARGET:
                break
        out["memory"]["ten_sessions_mb"] = ten_max
        out["memory"]["after_views"] = [{"views": v, "rss_mb": r, "max_mb": m} for v, r, m in series]
        first, last = series[0][1], series[-1][1]
        out["memory"]["growth_mb"] = last - first
        out["memory"]["views_measured"] = series[-1][0] - series[0][0]
        out["memory"]["load_failures"] = failures[:10]
        out["memory"]["load_failure_count"] = len(failures)
        out["memory"]["load_slowest_s"] = slowest
    return out
