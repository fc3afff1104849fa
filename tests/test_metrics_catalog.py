"""The catalog generated from the declarations, page usage, and the `python -m metrics` CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import catalog, registry
from metrics.errors import UnknownMetric
from tests.synthetic import synthetic_warehouse

ROOT = Path(__file__).resolve().parent.parent


def test_pages_declare_what_they_use_statically_and_at_run_time(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "_USED", {})  # the run-time registry is per process
    (tmp_path / "wijk.py").write_text(
        "import metrics\nimport streamlit as st\nlasten, = metrics.uses('wijk', 'lasten')\nst.write(lasten)\n"
        "from metrics import uses\nuses('wijk', 'jeugdigen', 'misdrijven')\n",
        encoding="utf-8",
    )
    (tmp_path / "kapot.py").write_text("def (:\n", encoding="utf-8")  # a page mid-edit is skipped
    assert catalog.scan_pages(tmp_path) == {"wijk": {"lasten", "jeugdigen", "misdrijven"}}
    found = catalog.uses("testpagina", "inwoners")
    assert found == (registry.METRICS["inwoners"],)
    usage = catalog.used_by(tmp_path)
    assert usage["lasten"] == ("wijk",) and usage["inwoners"] == ("testpagina",)
    with pytest.raises(UnknownMetric):
        catalog.uses("testpagina", "bestaat_niet")


def test_catalog_frame_has_every_metric_with_its_definition(tmp_path):
    (tmp_path / "jeugd.py").write_text("import metrics\nmetrics.uses('jeugd', 'lasten', 'kosten_per_jeugdige')\n", encoding="utf-8")
    frame = catalog.frame(tmp_path)
    assert frame.height == len(registry.METRICS)
    assert {"naam", "label", "omschrijving", "eenheid", "eigenaar", "bronnen", "dimensies", "afscherming", "gebruikt_door"} <= set(frame.columns)
    lasten = frame.filter(frame["naam"] == "lasten").row(0, named=True)
    assert lasten["bronnen"].startswith("jeugd_declaraties, jeugd_toewijzingen")
    assert lasten["berekening"] == "som(d.bedrag) uit jeugd_declaraties waar d.status != 'afgekeurd'"
    assert lasten["gebruikt_door"] == "jeugd" and "geheim" in lasten["afscherming"]
    assert frame.filter(frame["naam"] == "kosten_per_jeugdige")["berekening"][0] == "lasten / jeugdigen_gedeclareerd"


def test_markdown_lists_every_metric_by_domain(tmp_path):
    text = catalog.markdown(tmp_path)
    assert text.startswith("# Metriekcatalogus Datakompas")
    for m in registry.METRICS.values():
        assert f"(`{m.name}`)" in text
    assert text.index("## Algemeen") < text.index("## Jeugd") < text.index("## Wonen") < text.index("## Veiligheid")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_writes_the_catalog(tmp_path):
    out = tmp_path / "docs" / "metrics.md"
    result = run_cli("catalog", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").strip() == catalog.markdown().strip()


def test_cli_query_and_refusals(tmp_path):
    db = synthetic_warehouse(tmp_path / "w.duckdb")
    ok = run_cli("query", "lasten", "--db", str(db), "--by", "wijk", "--where", "jaar=2024", "--role", "sociaal_domein")
    assert ok.returncode == 0, ok.stderr
    # Binnenstad (€ 38.500 for 12 jeugdigen) is shown with noise, rounded to € 1.000; Diezerpoort (3) is geheim.
    assert re.search(r"€ [34]\d\.000", ok.stdout) and "€ 38.500" not in ok.stdout and "geheim" in ok.stdout
    sql = run_cli("sql", "lasten", "--db", str(db), "--where", "jaar=2024")
    assert "sum(d.bedrag) AS waarde" in sql.stdout and "$jaar" in sql.stdout
    refused = run_cli("query", "lasten", "--db", str(db), "--role", "gast")
    assert refused.returncode == 2 and "geen toegang" in refused.stderr and "Traceback" not in refused.stderr


def test_committed_catalog_matches_the_declarations():
    """docs/metrics.md is generated; CI fails when a declaration changed without regenerating it."""
    from pathlib import Path

    from metrics import catalog

    committed = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert committed == catalog.markdown(), "run: python -m metrics catalog --out docs/metrics.md"
