"""The numbers a page shows, per role and view: recorded as a fixture before a page is rebuilt, and
compared after, so a refactor that changes a figure fails (tests/test_page_numbers.py).

    python -m tests.page_numbers --out tests/fixtures/page_numbers.json    # record (demo warehouse)

A view is a page with url query parameters (its filters and tab). What counts as a number: every
tile value and every table cell that holds digits, as the user reads it ("€ 1,2 mln", "1.863",
"+3,4%", "geheim" counts too: a hidden cell that appears or vanishes is a change).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

# (page url path, query parameters): the default view and the filters and tabs that change figures.
VIEWS: tuple[tuple[str, dict[str, str | list[str]]], ...] = (
    ("", {}),
    ("jeugd", {}),
    ("jeugd", {"tab": "Per taakveld (Iv3)"}),
    ("jeugd", {"tab": "Per aanbieder"}),
    ("jeugd", {"tab": "Per verwijzer"}),
    ("jeugd", {"soort": "jeugd-GGZ", "jaar": "2025", "tm": "december"}),
    ("ruimte", {}),
    ("ruimte", {"jaar": "2022", "niveau": "Per buurt"}),
    ("ruimte", {"wijk": ["Wijk 13 Assendorp"], "segment": "sociale huur"}),
    ("veiligheid", {}),
)
ROLES = ("databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast")
_NUMBER = re.compile(r"\d")
_DETAILS_KEY = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")  # the widget id of an expander with a key


def _is_figure(text: str) -> bool:
    return bool(_NUMBER.search(text)) or text == "geheim"


def view_key(role: str, path: str, params: dict[str, str | list[str]]) -> str:
    query = "&".join(f"{k}={x}" for k, v in sorted(params.items()) for x in (v if isinstance(v, list) else [v]))
    return f"{role} /{path}" + (f"?{query}" if query else "")


def numbers(at) -> dict[str, list[str]]:
    """Tile values by label, and the sorted figures of every table on the page. The table under a
    chart ("Tabel bij ...", its text alternative) repeats the chart and is left out."""
    tiles = sorted(f"{m.label} = {m.value}" for m in at.metric)
    behind_charts = {id(df.proto) for e in at.expander if e.label.startswith("Tabel bij") for df in e.dataframe}
    tables = [df for df in at.dataframe if id(df.proto) not in behind_charts]
    # When the warehouse was built ("Geladen") is the day the test's demo build ran, not a figure.
    cells = sorted(
        str(v) for df in tables for col in df.value.columns if col != "Geladen" for v in df.value[col].tolist() if v is not None and _is_figure(str(v))
    )
    return {"tiles": tiles, "cells": cells}


def record(db: Path, roles_file: Path) -> dict[str, dict]:
    import os

    from tests.apptest import app
    from ui import access, router

    os.environ["DATAKOMPAS_DB"] = str(db)
    os.environ["DATAKOMPAS_ROLES"] = str(roles_file)
    out: dict[str, dict] = {}
    for role in ROLES:
        user = access.User(name="t", email=None, role=role, wijken=None, hosted=True)
        allowed = {p.url_path: p for p in router.visible(user)}
        for path, params in VIEWS:
            if path not in allowed:
                continue

            def view(opened: list[str]):
                at = app(role=role, timeout=120)
                at.query_params.update(params)
                for key in opened:
                    at.session_state[key] = True
                at.run()
                if path:
                    at.switch_page(str(allowed[path].path.relative_to(router.ROOT)))
                    at.run()
                if at.exception:
                    raise RuntimeError(f"{view_key(role, path, params)}: {[e.value for e in at.exception]}")
                return at

            opened: list[str] = []
            at = view(opened)
            while closed := [key for key in details(at) if key not in opened]:  # details inside details too
                opened += closed
                at = view(opened)
            out[view_key(role, path, params)] = numbers(at)
    return out


def details(at) -> list[str]:
    """Keys of the expanders that draw their contents only once opened (Report.details), but for
    the tables behind charts: their figures count as shown, one click away, so the view is read
    with them open, as a user who opens them all sees it."""
    return [m[1] for e in at.expander if not e.label.startswith("Tabel bij") and (m := _DETAILS_KEY.match(e.proto.id))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.page_numbers")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    import datetime as dt
    import tempfile

    from data_sources import demo, inputs
    from data_sources.build import build
    from tests.apptest import write_roles
    from tests.conftest import DEMO_PEILDATUM

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        toml = demo.write(tmp / "raw", seed=193, scale=1.0, peildatum=DEMO_PEILDATUM, progress=lambda m: None)
        build(inputs.load(toml), tmp / "w.duckdb", progress=lambda m: None)
        result = record(tmp / "w.duckdb", write_roles(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"recorded": dt.date.today().isoformat(), "views": result}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(result)} views written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
