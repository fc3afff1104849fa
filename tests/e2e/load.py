"""Many people at once: N browser sessions open every page, round after round, with other filters
each round, while the server's health endpoint is polled throughout.

    python -m tests.e2e.load --url http://127.0.0.1:8501 --sessions 20 --rounds 5 [--per-round K] [--pid PID] [--json out.json]

With --per-round K each session opens K of the pages per round, each session starting at another
page and moving on one page every round, so all pages are open at the same moment in every round.

Exit 0 when every page run finished without an exception and the health endpoint always answered
within --health-limit seconds; 1 otherwise. The browser test (tests/e2e/test_load.py) runs this
against its own server; by hand it runs against `make run`. Async Playwright in its own process,
so the sync Playwright of the other browser tests is not in the way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.e2e.conftest import CHROMIUM_ARGS, _chromium

# Filters per page (url path -> query strings): round r of session i opens variant (r + i) % n,
# so every round asks each page something new and sessions do not all ask the same.
FILTERS: dict[str, tuple[str, ...]] = {
    "": ("",),
    "jeugd": (
        "",
        "?jaar=2025&tm=december",
        "?soort=jeugd-GGZ&tab=Per+aanbieder",
        "?jaar=2024&tab=Per+verwijzer",
        "?tm=juni&tab=Per+taakveld+%28Iv3%29",
    ),
    "ruimte": (
        "",
        "?jaar=2024",
        "?jaar=2022&wijk=Wijk+22+Stadshagen&niveau=Per+buurt",
        "?segment=sociale+huur&wijk=Wijk+13+Assendorp&wijk=Wijk+14+Kamperpoort-Veerallee",
    ),
    "veiligheid": (
        "",
        "?jaar=2024&niveau=Buurten",
        "?wijk=Wijk+13+Assendorp&soort=Diefstal%2Finbraak+woning",
        "?jaar=2023&wijk=Wijk+22+Stadshagen&niveau=Buurten",
    ),
    "data": ("", "?tab=Kwaliteit", "?tab=Metrics+en+herkomst", "?tab=Rollen", "?tab=Open+data"),
}
PAGE_TIMEOUT_MS = 120_000


@dataclass
class Result:
    sessions: int
    rounds: int
    pages: list[str]
    per_round: int = 0  # pages per session per round; 0: all
    visits: int = 0
    failures: list[str] = field(default_factory=list)
    page_seconds: dict[str, list[float]] = field(default_factory=dict)
    health_max_seconds: float = 0.0
    health_failures: list[str] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def slowest(self) -> float:
        return max((s for v in self.page_seconds.values() for s in v), default=0.0)

    def ok(self, health_limit: float) -> bool:
        return not self.failures and not self.health_failures and self.health_max_seconds <= health_limit

    def summary(self) -> str:
        lines = [f"{self.sessions} sessies x {self.rounds} rondes x {self.per_round or len(self.pages)} pagina's = {self.visits} paginabezoeken in {self.seconds:.0f} s"]
        for path, secs in self.page_seconds.items():
            lines.append(f"  /{path:<11} klaar na mediaan {statistics.median(secs):5.1f} s, traagste {max(secs):5.1f} s")
        lines.append(f"  health: traagste antwoord {self.health_max_seconds:.2f} s, {len(self.health_failures)} keer geen antwoord")
        if self.rss_mb:
            lines.append(f"  server-RSS: begin {self.rss_mb[0]:.0f} MB, hoogste {max(self.rss_mb):.0f} MB, eind {self.rss_mb[-1]:.0f} MB")
        lines += [f"  FOUT: {f}" for f in self.failures[:20]]
        return "\n".join(lines)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class HealthWatch(threading.Thread):
    """Polls /_stcore/health every half second; records the slowest answer and every miss."""

    def __init__(self, url: str, result: Result, timeout: float, pid: int | None) -> None:
        super().__init__(daemon=True)
        self.url, self.result, self.timeout, self.pid = url, result, timeout, pid
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=self.timeout) as r:
                    r.read()
            except OSError as e:
                self.result.health_failures.append(f"{time.strftime('%H:%M:%S')} {e!r}")
            self.result.health_max_seconds = max(self.result.health_max_seconds, time.monotonic() - t0)
            if self.pid and (mb := rss_mb(self.pid)) is not None:
                self.result.rss_mb.append(mb)
            self.stopped.wait(0.5)


async def visit(pg, url: str) -> float:
    """Open url in the session's tab and wait until the script run finished (as tests/e2e/browser.py)."""
    t0 = time.monotonic()
    await pg.goto(url, timeout=PAGE_TIMEOUT_MS)
    return await finished(pg, t0)


async def finished(pg, t0: float) -> float:
    """Wait until the page's script run is over and drawn (no skeleton, no exception): seconds since t0."""
    app = pg.locator("[data-testid='stApp']")
    await pg.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    await pg.wait_for_timeout(250)
    await pg.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while await pg.get_by_test_id("stSkeleton").count() and time.monotonic() < deadline:
        await pg.wait_for_timeout(100)
    if await pg.get_by_test_id("stException").count():
        raise RuntimeError("exception op de pagina: " + (await pg.get_by_test_id("stException").first.inner_text())[:300])
    if not await app.count():
        raise RuntimeError("geen Streamlit-app op de pagina")
    return time.monotonic() - t0


def pages_of(i: int, r: int, pages: list[str], per_round: int) -> list[str]:
    """The pages session i opens in round r: all, or per_round of them from page (i + r) on."""
    if not per_round or per_round >= len(pages):
        return pages
    return [pages[(i + r + k) % len(pages)] for k in range(per_round)]


async def _session(browser, base: str, i: int, rounds: int, pages: list[str], result: Result, barrier) -> None:
    # A small laptop screen: the browsers draw on the same cores as the server (most of the CPU of a
    # round is theirs), and fewer pixels leave more of it to the server this test is about.
    context = await browser.new_context(viewport={"width": 1024, "height": 700}, locale="nl-NL")
    pg = await context.new_page()
    try:
        for r in range(rounds):
            await barrier.wait()  # rounds start together: the worst case for the server
            for path in pages_of(i, r, pages, result.per_round):
                variants = FILTERS.get(path, ("",))
                url = f"{base}/{path}{variants[(r + i) % len(variants)]}"
                try:
                    seconds = await visit(pg, url)
                    result.page_seconds.setdefault(path, []).append(seconds)
                except Exception as e:  # noqa: BLE001 - every failure is a finding to report
                    result.failures.append(f"sessie {i} ronde {r} {url}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
                result.visits += 1
    finally:
        await context.close()


async def _run(base: str, sessions: int, rounds: int, pages: list[str], result: Result) -> None:
    from playwright.async_api import async_playwright

    chromium = _chromium()
    if chromium is None:
        raise SystemExit("Chromium ontbreekt (/usr/bin/chromium)")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        barrier = asyncio.Barrier(sessions)
        try:
            await asyncio.gather(*(_session(browser, base, i, rounds, pages, result, barrier) for i in range(sessions)))
        finally:
            await browser.close()


def run(base: str, *, sessions: int, rounds: int, pages: list[str], per_round: int = 0, pid: int | None = None, health_timeout: float = 10.0) -> Result:
    result = Result(sessions=sessions, rounds=rounds, pages=pages, per_round=per_round)
    watch = HealthWatch(base, result, health_timeout, pid)
    watch.start()
    t0 = time.monotonic()
    try:
        asyncio.run(_run(base, sessions, rounds, pages, result))
    finally:
        watch.stopped.set()
        watch.join()
        result.seconds = time.monotonic() - t0
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.e2e.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8501")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-round", type=int, default=0, help="pagina's per sessie per ronde (0 = alle)")
    ap.add_argument("--pages", default=None, help="komma-gescheiden url-paden (leeg = Kompas); standaard elke pagina die de server toont")
    ap.add_argument("--pid", type=int, default=None, help="pid van de server, voor het geheugengebruik")
    ap.add_argument("--health-limit", type=float, default=10.0, help="langste toegestane antwoordtijd van /_stcore/health (s); waarom 10: tests/e2e/test_load.py")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.pages is None:
        from ui import access, router

        pages = [p.url_path for p in router.visible(access.LOCAL_USER)]
    else:
        pages = [p.strip().strip("/") for p in args.pages.split(",")]
    result = run(args.url.rstrip("/"), sessions=args.sessions, rounds=args.rounds, pages=pages, per_round=args.per_round, pid=args.pid)
    print(result.summary(), flush=True)
    if args.json:
        args.json.write_text(json.dumps(asdict(result) | {"slowest": result.slowest}, indent=1), encoding="utf-8")
    return 0 if result.ok(args.health_limit) else 1


if __name__ == "__main__":
    sys.exit(main())
