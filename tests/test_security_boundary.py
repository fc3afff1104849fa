"""A page gets an engine bound to the user's scope and nothing else (issue 8): no raw warehouse,
cursor, SQL or unprotected value within its reach, and the forecast detail and backtest go
through the same role check and scope as every figure."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

import metrics
from metrics.errors import AccessDenied
from metrics.jeugd import jeugdzorg

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))
# What a page may import: the public metrics API, the app's blocks, and the Jeugd rules and prose.
ALLOWED_IMPORTS = {
    "metrics", "metrics.format", "metrics.periods", "metrics.jeugd", "metrics.veiligheid",
    "ui", "ui.report", "ui.selection", "ui.blocks_jeugd", "ui.blocks_veiligheid", "ui.blocks_kompas", "ui.blocks_data", "ui.blocks_ruimte",
}  # fmt: skip
FORBIDDEN_NAMES = {"run_sql", "unprotected", "cursor", "warehouse", "Engine", "open_warehouse", "DuckDBWarehouse", "streamlit", "st", "altair", "alt", "polars", "pl"}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if a.name not in ALLOWED_IMPORTS]
        elif isinstance(node, ast.ImportFrom):
            if node.module not in ALLOWED_IMPORTS:
                found.append(f"{where} from {node.module} import ...")
            found += [f"{where} imports {a.name}" for a in node.names if a.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr in FORBIDDEN_NAMES):
            found.append(f"{where} .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{where} {node.id}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_code_reaches_only_the_scoped_engine(page):
    """No import of the warehouse, the engine, duckdb, Streamlit, Altair or polars; no private
    attribute; no SQL or cursor: the page draws with report blocks and asks r.engine."""
    assert _violations(page) == []


def test_the_scoped_engine_exposes_no_warehouse(demo_db):
    engine = metrics.ScopedEngine(metrics.Engine(metrics.open_warehouse(demo_db)), metrics.Scope(role="wijkmanager", wijken={"WK019313"}))
    public = [name for name in dir(engine) if not name.startswith("_")]
    assert "query" in public and "analysis" in public
    for name in public:
        value = getattr(engine, name)
        assert not isinstance(value, (metrics.Engine, metrics.DuckDBWarehouse, duckdb.DuckDBPyConnection)), name
    assert not hasattr(engine, "__dict__"), "slots only: nothing can be hung on it either"
    for name in ("warehouse", "run_sql", "unprotected", "cursor", "engine"):
        assert not hasattr(engine, name), name


def test_analyses_follow_the_role_and_the_scope(demo_db):
    engine = metrics.Engine(metrics.open_warehouse(demo_db))
    keuze = jeugdzorg.Keuze(jaar=2026, tm_maand=12)
    gast = metrics.ScopedEngine(engine, metrics.Scope(role="gast"))
    with pytest.raises(AccessDenied):
        gast.analysis("jeugd.prognose_detail", keuze)
    wijk = metrics.ScopedEngine(engine, metrics.Scope(role="wijkmanager", wijken={"WK019313"}))
    gemeente = metrics.ScopedEngine(engine, metrics.Scope(role="sociaal_domein"))
    own, whole = wijk.analysis("jeugd.prognose_detail", keuze), gemeente.analysis("jeugd.prognose_detail", keuze)
    assert own is not None and whole is not None
    assert own.total < whole.total / 5, "the wijkmanager's forecast covers their wijk only"
    # The figure the page shows and the detail agree, for the wijk as for the gemeente.
    assert own.total == pytest.approx(wijk.query("prognose", where={"jaar": 2026})["waarde"][0], rel=1e-9) or wijk.query("prognose", where={"jaar": 2026})["geheim"][0]
