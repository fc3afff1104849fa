"""What a page costs the browser, and two source trees compared on it, visit by visit.

    python -m benchmarks.browser_cost --db WAREHOUSE --pages ,jeugd,ruimte --visits 6 \\
        --tree before=/work/wt-old --tree after=/work/wt-new [--tree knock=/work/wt-new:KNOCK=x]

    python -m benchmarks.browser_cost --kinds chart,dataframe,table,download,metric,caption,expander --n 20

With --kinds: what one element of a kind costs, from a page of n of them against an empty page
(benchmarks/element_cost_app.py), visits alternating, each in a fresh context.

One server per tree (`python -m ui.server run Home.py` from that tree, on the same warehouse; an
optional `:NAME=VALUE,...` sets environment variables for it), one headless Chromium. Every page is
opened once per server first (the server's caches warm: this measures the browser, not the first
query), then per round each tree in turn, the order reversed every other round, each visit in a
fresh browser context (empty cache, as a first visit).

Per visit: the time to a finished render (as tests/e2e/browser.py waits for it), the CPU seconds of
this benchmark's own Chromium processes (per process, those alive at the end: a renderer of the
previous visit that exits meanwhile would otherwise be subtracted), of which the renderer's main
thread (JavaScript, style, layout), and the page's elements by kind. The machine is shared and its
speed varies up to 1.6x within a day: compare trees within one run, on CPU seconds before the wall
clock.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The element kinds counted per page (data-testid of the element inside its container).
KINDS = ("stVegaLiteChart", "stDataFrame", "stTable", "stDownloadButton", "stMetric", "stExpander", "stMarkdown", "stHeading", "stAlert")


def _processes() -> tuple[dict[int, list[int]], dict[int, tuple[str, float]]]:
    """Children per pid, and (command name, CPU seconds) per pid, from /proc."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    info: dict[int, tuple[str, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        children[int(fields[1])].append(int(name))
        info[int(name)] = (raw[raw.index("(") + 1 : raw.rindex(")")], (int(fields[11]) + int(fields[12])) / tick)
    return children, info


def _main_thread_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chromium_cpu(root: int) -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds per Chromium process under `root`, and of each renderer's main thread."""
    children, info = _processes()
    total, main = {}, {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in info and "chrom" in info[pid][0].lower():
            total[pid] = info[pid][1]
            try:
                if "--type=renderer" in Path(f"/proc/{pid}/cmdline").read_text():
                    main[pid] = _main_thread_cpu(pid)
            except OSError:
                pass
        todo += children.get(pid, [])
    return total, main


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def visit(browser, url: str, width: int) -> dict:
    from tests.e2e.browser import assert_no_exception, wait_for_app_run

    context = browser.new_context(viewport={"width": width, "height": 700}, locale="nl-NL")
    pg = context.new_page()
    me = os.getpid()
    total0, main0 = chromium_cpu(me)
    t0 = time.monotonic()
    pg.goto(url, timeout=120_000)
    wait_for_app_run(pg)
    seconds = time.monotonic() - t0
    total1, main1 = chromium_cpu(me)
    assert_no_exception(pg)
    kinds = pg.evaluate("kinds => kinds.map(k => document.querySelectorAll(`[data-testid=stElementContainer] [data-testid=${k}]`).length)", list(KINDS))
    elements = pg.locator("[data-testid='stElementContainer']").count()
    context.close()
    return {"seconds": seconds, "cpu": _spent(total0, total1), "main": _spent(main0, main1), "elements": elements, "kinds": dict(zip(KINDS, kinds))}


def element_costs(kinds: list[str], n: int, visits: int, width: int, log: Path) -> None:
    import subprocess

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, _chromium, _free_port, _healthy

    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "benchmarks/element_cost_app.py", "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    with open(log, "wb") as out:
        server = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        while not _healthy(port):
            time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
            seen: dict[tuple[str, int], list[dict]] = collections.defaultdict(list)
            for r in range(visits + 1):  # the first round warms the server
                for kind in kinds:
                    for count in (0, n):
                        v = visit(browser, f"http://127.0.0.1:{port}/?kind={kind}&n={count}", width)
                        if r:
                            seen[(kind, count)].append(v)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"per element, uit een pagina met {n} tegen een lege (mediaan over {visits} bezoeken)")
    for kind in kinds:
        per = {k: (statistics.median(v[k] for v in seen[(kind, n)]) - statistics.median(v[k] for v in seen[(kind, 0)])) / n * 1000 for k in ("cpu", "main", "seconds")}
        print(f"  {kind:<10} Chromium {per['cpu']:5.1f} CPU-ms, hoofdthread {per['main']:5.1f} ms, klok {per['seconds']:5.1f} ms")


def _tree(text: str) -> tuple[str, Path, dict]:
    name, rest = text.split("=", 1)
    path, _, env = rest.partition(":")
    return name, Path(path), dict(kv.split("=", 1) for kv in env.split(",") if kv)


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, _chromium, serve

    ap = argparse.ArgumentParser(prog="python -m benchmarks.browser_cost", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--pages", default=",jeugd,ruimte,veiligheid,data", help="url paths, comma-separated ('' is Kompas)")
    ap.add_argument("--visits", type=int, default=4, help="measured visits per page and tree")
    ap.add_argument("--tree", action="append", default=[], help="NAME=PATH[:VAR=VALUE,...]; give two or more to compare")
    ap.add_argument("--kinds", help="instead: what one element of these kinds costs (benchmarks/element_cost_app.py)")
    ap.add_argument("--n", type=int, default=20, help="elements per page with --kinds")
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--log-dir", type=Path, default=Path("/tmp"))
    args = ap.parse_args(argv)
    if args.kinds:
        element_costs(args.kinds.split(","), args.n, args.visits, args.width, args.log_dir / "browser_cost-elements.log")
        return 0
    if not args.db or not args.tree:
        ap.error("--db and --tree are needed (or --kinds)")
    pages = args.pages.split(",")
    trees = [_tree(t) for t in args.tree]
    results: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    with ExitStack() as stack, sync_playwright() as pw:
        urls = {name: stack.enter_context(serve(args.db, args.log_dir / f"browser_cost-{name}.log", env=env, root=path)).url for name, path, env in trees}
        browser = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        for page in pages:
            for name in urls:
                visit(browser, f"{urls[name]}/{page}", args.width)
        for n in range(args.visits):
            order = list(urls) if n % 2 == 0 else list(reversed(urls))
            for page in pages:
                for name in order:
                    v = visit(browser, f"{urls[name]}/{page}", args.width)
                    results[(page, name)].append(v)
                    print(f"  {n} /{page:<11} {name:<8} {v['seconds']:5.2f} s  Chromium {v['cpu']:5.2f} CPU-s (hoofdthread {v['main']:4.2f})", flush=True)
        browser.close()
    print("\nmediaan (laagste) over", args.visits, "bezoeken")
    for page in pages:
        for name in urls:
            vs = results[(page, name)]
            med = {k: statistics.median(v[k] for v in vs) for k in ("seconds", "cpu", "main")}
            low = {k: min(v[k] for v in vs) for k in ("seconds", "cpu", "main")}
            kinds = ", ".join(f"{k.removeprefix('st')} {c}" for k, c in vs[-1]["kinds"].items() if c)
            print(
                f"/{page:<11} {name:<8} klaar {med['seconds']:5.2f} ({low['seconds']:4.2f}) s  Chromium {med['cpu']:5.2f} ({low['cpu']:4.2f}) CPU-s,"
                f" hoofdthread {med['main']:4.2f} ({low['main']:4.2f})  | {vs[-1]['elements']} elementen: {kinds}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
