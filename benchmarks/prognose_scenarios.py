"""Before/after table for issue 16: how far the forecast of 2024 was off, made at the end of March,
June and September, on the four demo situations (tests/prognose_scenarios.py).

    .venv/bin/python benchmarks/prognose_scenarios.py                   # this checkout
    .venv/bin/python benchmarks/prognose_scenarios.py --before ../main  # and another checkout beside it

Writes the demo raw files (seed 193, peildatum 2026-12-01, all sources), makes the situations,
builds one warehouse each through the real build, and backtests them with the forecast of the
checkout in --code (default: this one). --before runs the same on the given checkout (in a
subprocess, on the same warehouses) for the "before" column. The lag-aware baseline (last year's
amount x the growth of what was declared by the same point) is computed here from the
declarations, the same for every checkout, in two forms: last year's amount as known at the
checkpoint (no look-ahead) and its final amount (look-ahead; the form the issue quoted).
Also reported: the mean absolute error over every backtest year and checkpoint, and CPU seconds
per backtest (single-threaded polars) — speed is measured here, not in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _harness():
    # Loaded by path: with --code pointing at another checkout, `tests` is that checkout's package.
    spec = importlib.util.spec_from_file_location("prognose_scenarios", HERE / "tests" / "prognose_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def baseline_errors(declaraties, checkpoints=(3, 6, 9), cutoff=None):
    """Per (year, checkpoint): the lag-aware baseline's error in % in both forms (known, final)."""
    import polars as pl

    d = declaraties.select(pl.col("maand").dt.year().alias("jaar"), "ingediend_op", pl.col("bedrag").cast(pl.Float64))
    cutoff = cutoff or d["ingediend_op"].max()

    def by(year, when):
        return float(d.filter((pl.col("jaar") == year) & (pl.col("ingediend_op") <= when))["bedrag"].sum())

    def month_end(y, m):
        return (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)

    out = {}
    years = sorted(set(d["jaar"].to_list()))
    for y in years:
        if y - 1 not in years or (cutoff.year * 12 + cutoff.month) - (y * 12 + 12) < 12:
            continue
        actual = by(y, cutoff)
        for c in checkpoints:
            p, p_prev = month_end(y, c), month_end(y - 1, c)
            growth = by(y, p) / by(y - 1, p_prev)
            out[(y, c)] = (
                (by(y - 1, p) * growth - actual) / actual * 100,
                (by(y - 1, cutoff) * growth - actual) / actual * 100,
            )
    return out


def evaluate(work: Path, code: Path, scenarios, with_settings: bool) -> dict:
    """Backtest every situation's warehouse in `work` with the forecast of checkout `code`."""
    sys.path.insert(0, str(code))
    import duckdb
    import polars as pl

    from metrics.jeugd import prognose

    sc = _harness()
    takes_settings = "tarieven" in inspect.signature(prognose.backtest).parameters
    result = {}
    for name in scenarios:
        con = duckdb.connect(str(work / f"{name}.duckdb"), read_only=True)
        try:
            inputs = prognose.load(con.cursor(), sc.PEILDATUM)
        finally:
            con.close()
        kwargs = {"peildatum": sc.PEILDATUM}
        if takes_settings:
            # The gemeente's settings from the warehouse, and in the tariff situation its change of 1 July.
            kwargs["tarieven"] = sc.tariefwijzigingen(name if with_settings else "geen", getattr(inputs, "tarieven", None))
        start = time.process_time()
        bt = prognose.backtest(inputs.toewijzingen, inputs.declaraties, **kwargs)
        seconds = time.process_time() - start
        rows = bt.filter(pl.col("year") == sc.JAAR).sort("checkpoint")
        result[name] = {
            "year": [round(x, 2) for x in rows["error_pct"]],
            "mape": float(bt["error_pct"].abs().mean()),
            "rows": [[int(r["year"]), int(r["checkpoint"]), float(r["error_pct"])] for r in bt.iter_rows(named=True)],
            "seconds": seconds,
            "baseline": {f"{y}-{c}": v for (y, c), v in baseline_errors(inputs.declaraties, cutoff=sc.PEILDATUM).items()},
        }
    return result


def fmt(values) -> str:
    return " / ".join(f"{v:+.1f}%".replace(".", ",") for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description="Backtest 2024 op de vier situaties van issue 16 (demo, zaad 193).")
    parser.add_argument("--code", type=Path, default=HERE, help="checkout waarvan de prognose getoetst wordt")
    parser.add_argument("--before", type=Path, default=None, help="tweede checkout voor de kolom 'voor'")
    parser.add_argument("--work", type=Path, default=None, help="map voor de ruwe bestanden en warehouses (anders tijdelijk)")
    parser.add_argument("--json", action="store_true", help="alleen de uitkomst als JSON (voor --before)")
    parser.add_argument("--no-settings", action="store_true", help="zonder de opgegeven wijziging van 1 juli (alleen wat declaraties laten zien)")
    args = parser.parse_args()

    os.environ.setdefault("POLARS_MAX_THREADS", "1")
    sys.path.insert(0, str(HERE))
    sc = _harness()
    with tempfile.TemporaryDirectory(prefix="prognose-scenarios-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not all((work / f"{n}.duckdb").exists() for n in sc.SCENARIOS):
            raw = sc.write_demo(work / "raw").parent
            for name in sc.SCENARIOS:
                sc.build(sc.make(raw, name, work / name), work / f"{name}.duckdb")
        if args.json:
            print(json.dumps(evaluate(work, args.code, sc.SCENARIOS, not args.no_settings)))
            return
        after = evaluate(work, args.code, sc.SCENARIOS, not args.no_settings)
        blind = evaluate(work, args.code, ["tarief"], False)["tarief"] if not args.no_settings else None
        before = None
        if args.before is not None:
            out = subprocess.run(
                [sys.executable, __file__, "--code", str(args.before), "--work", str(work), "--json"],
                check=True, capture_output=True, text=True, env=os.environ | {"POLARS_MAX_THREADS": "1"},
            )  # fmt: skip
            before = json.loads(out.stdout)

    print(f"Demodata zaad {sc.SEED}, schaal {sc.SCALE:g}, peildatum {sc.PEILDATUM.isoformat()}; {sc.JAAR} veranderd vóór de build.")
    print(f"Afwijking van de prognose {sc.JAAR} van de uitkomst, gemaakt eind maart / juni / september:\n")
    head = "| situatie in " + str(sc.JAAR) + " |" + (" vóór |" if before else "") + " na | lag-aware baseline (vorig jaar zoals toen bekend) | lag-aware baseline (eindbedrag vorig jaar) |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in sc.SCENARIOS:
        base = after[name]["baseline"]
        known = [base[f"{sc.JAAR}-{c}"][0] for c in (3, 6, 9)]
        final = [base[f"{sc.JAAR}-{c}"][1] for c in (3, 6, 9)]
        cells = [sc.LABELS[name]] + ([fmt(before[name]["year"])] if before else []) + [fmt(after[name]["year"]), fmt(known), fmt(final)]
        print("| " + " | ".join(cells) + " |")
    if blind is not None:
        print(f"| {sc.LABELS['tarief']}, zonder opgegeven wijziging |" + (" |" if before else "") + f" {fmt(blind['year'])} | | |")
    print("\nGemiddelde absolute afwijking over alle getoetste jaren en momenten (zelfde jaren voor elke kolom):\n")
    head = "| situatie |" + (" vóór |" if before else "") + " na | baseline (toen bekend) | baseline (eindbedrag) | CPU-seconden backtest |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in sc.SCENARIOS:
        rows = after[name]["rows"]
        base = after[name]["baseline"]
        keys = [f"{y}-{c}" for y, c, _ in rows if f"{y}-{c}" in base]
        ours = sum(abs(e) for y, c, e in rows if f"{y}-{c}" in base) / len(keys)
        known = sum(abs(base[k][0]) for k in keys) / len(keys)
        final = sum(abs(base[k][1]) for k in keys) / len(keys)
        cells = [sc.LABELS[name]]
        if before:
            old = {f"{y}-{c}": e for y, c, e in before[name]["rows"]}
            cells.append(f"{sum(abs(old[k]) for k in keys) / len(keys):.2f}%".replace(".", ","))
        cells += [f"{ours:.2f}%", f"{known:.2f}%", f"{final:.2f}%"]
        cells = [c.replace(".", ",") for c in cells]
        seconds = f"{after[name]['seconds']:.1f}".replace(".", ",")
        if before:
            seconds = f"{before[name]['seconds']:.1f} → {seconds}".replace(".", ",")
        print("| " + " | ".join(cells) + f" | {seconds} |")


if __name__ == "__main__":
    main()
