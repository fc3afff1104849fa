"""The app's read-only view of the warehouse: one DuckDB connection per file version, shared.

The connection (a metrics.DuckDBWarehouse) is cached as a resource keyed by path, inode,
modification time and size, so a rebuilt warehouse (renamed into place by the build) is picked
up on the next rerun, while the old file stays readable for sessions still using it. DuckDB
connections are not thread-safe: every query runs on its own cursor (`Warehouse.cursor()`).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from metrics.warehouse import DuckDBWarehouse as Warehouse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "datakompas.duckdb"


def db_path() -> Path:
    env = os.environ.get("DATAKOMPAS_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


def _close(wh: Warehouse) -> None:
    wh.close()


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_close)
def _open(path: str, inode: int, mtime_ns: int, size: int) -> Warehouse:
    return Warehouse(path, version=f"{inode}-{mtime_ns}")


class WarehouseMissing(Exception):
    """No warehouse file at the configured path."""


def get() -> Warehouse:
    path = db_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(str(path)) from None
    return _open(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
