"""CLI: python -m metrics {catalog, list, query, sql}. Exit 0 ok, 2 a question the metrics refuse."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import polars as pl

from metrics import catalog, registry
from metrics import format as fmt
from metrics.engine import COMPARISONS, Engine
from metrics.errors import MetricError
from metrics.roles import ROLES, Scope
from metrics.warehouse import open_warehouse

DEFAULT_DB = Path("data/datakompas.duckdb")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m metrics", description="Datakompas: metrics bekijken en berekenen.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("catalog", help="schrijf de metriekcatalogus (markdown)")
    c.add_argument("--out", type=Path, default=None, help="bestand, bijv. docs/metrics.md (standaard: scherm)")
    sub.add_parser("list", help="alle metrics met hun label")
    for name, text in (("query", "bereken een metric"), ("sql", "toon de SQL achter een metric")):
        q = sub.add_parser(name, help=text)
        q.add_argument("metric")
        q.add_argument("--db", type=Path, default=None, help="warehouse (standaard DATAKOMPAS_DB of data/datakompas.duckdb)")
        q.add_argument("--by", nargs="*", default=[], help="dimensies, bijv. --by wijk jaar")
        q.add_argument("--where", nargs="*", default=[], metavar="DIM=WAARDE[,WAARDE]", help="filters, bijv. --where jaar=2024")
        q.add_argument("--role", default="databrigade", choices=sorted(ROLES))
        q.add_argument("--wijk", nargs="*", default=None, help="alleen deze wijken (scope)")
        if name == "query":
            q.add_argument("--compare", nargs="*", default=[], choices=COMPARISONS)
    return p


def _where(items: list[str]) -> dict[str, list[str]]:
    out = {}
    for item in items:
        dim, sep, values = item.partition("=")
        if not sep:
            raise MetricError(f"filter {item!r}: verwacht DIM=WAARDE")
        out[dim] = values.split(",")
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "catalog":
            text = catalog.markdown()
            if args.out:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(text, encoding="utf-8")
                print(f"Catalogus geschreven: {args.out} ({len(registry.METRICS)} metrics)", file=sys.stderr)
            else:
                print(text, end="")
            return 0
        if args.command == "list":
            for m in registry.METRICS.values():
                print(f"{m.name:28} {m.domain:11} {m.label}")
            return 0
        db = args.db or Path(os.environ.get("DATAKOMPAS_DB", DEFAULT_DB))
        if not db.exists():
            raise MetricError(f"Geen warehouse gevonden op {db}; bouw het met: python -m data_sources build --demo")
        with open_warehouse(db) as wh:
            engine = Engine(wh)
            scope = Scope(role=args.role, wijken=args.wijk)
            where = _where(args.where)
            if args.command == "sql":
                for name, sql, params in engine.explain(args.metric, by=args.by, where=where, scope=scope):
                    print(f"-- {name}\n{sql}\n-- parameters: {params}\n")
                return 0
            frame = engine.query(args.metric, by=args.by, where=where, scope=scope, compare=args.compare)
            with pl.Config(tbl_rows=200, tbl_cols=30, tbl_width_chars=200, tbl_hide_dataframe_shape=True):
                print(fmt.display_frame(args.metric, frame))
        return 0
    except MetricError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
