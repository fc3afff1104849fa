"""Shared fixtures: where the real public files are, and one demo warehouse per test session."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = Path(os.environ.get("DATAKOMPAS_REALDATA", ROOT.parent / "shared" / "realdata"))

# A fixed export date keeps the demo warehouse, and every figure asserted on it, the same on
# any day the suite runs.
DEMO_PEILDATUM = dt.date(2026, 11, 1)

# Charts are checked against the Vega-Lite schema in every AppTest; the app skips that check when
# serving (ui/charts.py), and so does the browser tests' server (tests/e2e/conftest.serve): it
# runs as users get it, and the same pages were checked here.
os.environ.setdefault("DATAKOMPAS_VALIDATE_CHARTS", "1")


@pytest.fixture(scope="session")
def realdata() -> Path:
    """../shared/realdata, or skip: a user's clone does not have the public fixture files."""
    if not REALDATA.is_dir():
        pytest.skip(f"real public files not found at {REALDATA} (set DATAKOMPAS_REALDATA)")
    return REALDATA


@pytest.fixture(scope="session")
def demo_inputs(tmp_path_factory) -> Path:
    """The demo raw files (real formats) and their inputs.toml, written once per session."""
    from data_sources import demo

    out = tmp_path_factory.mktemp("demo-raw")
    return demo.write(out, seed=193, scale=1.0, peildatum=DEMO_PEILDATUM, progress=lambda msg: None)


@pytest.fixture(scope="session")
def demo_db(demo_inputs, tmp_path_factory) -> Path:
    """A demo warehouse built through the real loaders, once per session."""
    from data_sources import inputs
    from data_sources.build import build

    db = tmp_path_factory.mktemp("demo-db") / "datakompas.duckdb"
    build(inputs.load(demo_inputs), db, progress=lambda msg: None)
    return db
