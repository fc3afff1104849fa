"""The app as users get it: `python -m ui.server run Home.py` (as `make run` starts it) on the
warehouse, pages opened in headless Chromium (tests/e2e/load.py), the server's memory measured
throughout.

Per page: the time from navigation to a finished render (app connected, script run over, no
skeleton left, no exception), first visit after the server started (cold: its caches are empty,
and the first page also pays for loading the app's modules) and a second visit (warm). Each of
those visits is a fresh browser context, so the browser's own cache is empty every time: a
browser that has never seen the app loads and compiles Streamlit's 5 MB of JavaScript.

That is a user's first visit ever. After it the browser keeps Streamlit's files (they are served
as immutable for a year), and within the app a page is opened from the menu without loading
anything again. So, on the warm server, per page also (median of `ROUNDS`): a returning visitor
(the browser has opened another page of the app before, then opens this one by its address) and a
move through the menu (from another page, a click on this page in the sidebar).

Memory (VmRSS of the server process): idle after start; the highest value while one session opens
every page; the highest while ten sessions do so at once; and then after every batch of ten
sessions until more than 100 page views have been served, to see whether it stays flat.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWS_TARGET = 100
ROUNDS = 3


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
                log(f"  Chromium /{path:<11} {visit:<5} {_s(seconds)}")
        views = 2 * len(pages)
        for path, (times, errors) in asyncio.run(_returning(url, pages)).items():
            row = out["pages"][f"/{path}"]
            for how in ("cached", "menu"):
                row[how] = statistics.median(times[how]) if times[how] else None
                row[f"{how}_all"] = times[how]
            if errors:
                row["returning_error"] = errors[0][:500]
            views += 3 * ROUNDS
            log(f"  Chromium /{path:<11} met browsercache {_s(row['cached'])}, via het menu {_s(row['menu'])} (mediaan van {ROUNDS})")

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


def _s(seconds: float | None) -> str:
    return "fout" if seconds is None else f"{seconds:5.2f} s"


async def _returning(url: str, pages: list[str]) -> dict[str, tuple[dict[str, list[float]], list[str]]]:
    """Per page: seconds to a finished render for a returning visitor and through the menu, and
    what failed."""
    from playwright.async_api import async_playwright

    from tests.e2e import load
    from tests.e2e.conftest import CHROMIUM_ARGS, _chromium

    out: dict[str, tuple[dict[str, list[float]], list[str]]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            for path in pages:
                times: dict[str, list[float]] = {"cached": [], "menu": []}
                errors: list[str] = []
                other = "data" if path != "data" else ""
                for _ in range(ROUNDS):
                    # The viewport of the load test's sessions (tests/e2e/load.py), so the figures compare.
                    context = await browser.new_context(viewport={"width": 1024, "height": 700}, locale="nl-NL")
                    pg = await context.new_page()
                    try:
                        await load.visit(pg, f"{url}/{other}")
                        times["cached"].append(await load.visit(pg, f"{url}/{path}"))
                        await load.visit(pg, f"{url}/{other}")
                        link = pg.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']")
                        t0 = time.monotonic()
                        await link.click()
                        times["menu"].append(await load.finished(pg, t0))
                    except Exception as e:  # noqa: BLE001 - a failure is a finding, reported with the figures
                        errors.append(f"/{path}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
                    finally:
                        await context.close()
                out[path] = (times, errors)
        finally:
            await browser.close()
    return out
