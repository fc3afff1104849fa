"""CLI: python -m data_sources {demo, build, check}. Exit 0 ok, 2 invalid input, 1 a bug."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import traceback
from pathlib import Path

from data_sources import inputs as inputs_mod
from data_sources.build import build, default_db, read_inputs, say
from data_sources.problems import InputError, Problems


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum: {text!r}; verwacht JJJJ-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data_sources", description="Datakompas: gegevens inlezen en het warehouse bouwen.")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="schrijf demodata in de echte bestandsformaten, plus inputs.toml")
    d.add_argument("--out", type=Path, default=Path("data/demo"), help="map voor de bestanden (standaard data/demo)")
    d.add_argument("--scale", type=float, default=1.0, help="volume jeugdzorg en meldingen x N (30 = landelijke schaal)")
    d.add_argument("--seed", type=int, default=193, help="toevalszaad; zelfde zaad en peildatum geven dezelfde bestanden")
    d.add_argument("--peildatum", type=_date, default=None, help="datum van de export (standaard: eerste dag van deze maand)")

    b = sub.add_parser("build", help="controleer de invoer en bouw het warehouse")
    src = b.add_mutually_exclusive_group(required=True)
    src.add_argument("--demo", action="store_true", help="bouw met demodata (via dezelfde loaders)")
    src.add_argument("--inputs", type=Path, help="pad naar inputs.toml")
    b.add_argument("--db", type=Path, default=None, help="warehousebestand (standaard DATAKOMPAS_DB of data/datakompas.duckdb)")
    b.add_argument("--gemeente", default=None, help="gemeentecode, bijv. GM0193 (overschrijft inputs.toml)")
    b.add_argument("--scale", type=float, default=1.0, help="met --demo: volume x N")
    b.add_argument("--seed", type=int, default=193, help="met --demo: toevalszaad")
    b.add_argument("--problems-json", type=Path, default=None, help="schrijf de problemen ook als JSON naar dit bestand (voor de app)")

    c = sub.add_parser("check", help="controleer de invoer; schrijft niets")
    c.add_argument("--inputs", type=Path, required=True)
    c.add_argument("--gemeente", default=None)
    c.add_argument("--problems-json", type=Path, default=None, help="schrijf de problemen ook als JSON naar dit bestand (voor de app)")
    return p


def _report(problems: Problems, json_path: Path | None = None) -> int:
    say(f"Invoer ongeldig: {len(problems)} probleem/problemen. Er is niets geschreven; het bestaande warehouse is ongewijzigd.")
    for line in problems.lines():
        print(line, file=sys.stderr)
    if json_path is not None:
        # Every problem with its parts (file, line, column, value, expected): the data page shows them as a table.
        items = [{"file": p.file, "line": p.line, "column": p.column, "value": p.value, "expected": p.expected, "message": p.message, "count": p.count} for p in problems.items]
        json_path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from data_sources import demo

            path = demo.write(args.out, scale=args.scale, seed=args.seed, peildatum=args.peildatum, progress=say)
            say(f"Demodata geschreven: {path}")
            return 0
        if args.command == "check":
            inputs = inputs_mod.load(args.inputs, args.gemeente)
            _, resolved, problems = read_inputs(inputs)
            if problems or resolved is None:
                return _report(problems, args.problems_json)
            say("Invoer in orde.")
            return 0
        db = args.db or default_db()
        if args.demo:
            from data_sources import demo

            with tempfile.TemporaryDirectory(prefix="datakompas-demo-") as tmp:
                say("Demodata maken (gemeente Zwolle, GM0193)...")
                path = demo.write(Path(tmp), scale=args.scale, seed=args.seed, progress=say)
                build(inputs_mod.load(path, args.gemeente), db)
        else:
            build(inputs_mod.load(args.inputs, args.gemeente), db)
        return 0
    except InputError as e:
        return _report(e.problems, getattr(args, "problems_json", None))
    except KeyboardInterrupt:
        say("Afgebroken; het bestaande warehouse is ongewijzigd.")
        return 130
    except Exception:
        traceback.print_exc()
        say("Onverwachte fout: dit is een fout in Datakompas, niet in uw invoer. Meld het met de melding hierboven.")
        return 1


if __name__ == "__main__":
    sys.exit(main())
