"""Shared fixtures: where the real public files are, and a demo warehouse built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = Path(os.environ.get("DATAKOMPAS_REALDATA", ROOT.parent / "shared" / "realdata"))


@pytest.fixture(scope="session")
def realdata() -> Path:
    """../shared/realdata, or skip: a user's clone does not have the public fixture files."""
    if not REALDATA.is_dir():
        pytest.skip(f"real public files not found at {REALDATA} (set DATAKOMPAS_REALDATA)")
    return REALDATA
