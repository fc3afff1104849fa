"""The app's read-only view of the warehouse: one DuckDB connection per file version, shared.

The connection is cached as a resource keyed by path, inode, modification time and size, so a
rebuilt warehouse (renamed into place by the build) is picked up on the next rerun, while the
old file stays readable for sessions still using it. DuckDB connections are not thread-safe:
every query runs on its own cursor (`Warehouse.cursor()`).

The file is ATTACHed read-only to a fresh in-memory database instead of opened with
`duckdb.connect(path)`: DuckDB keeps one database instance per path per process, so a second
`connect` to a rebuilt file would silently hand back the old, still-open version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "datakompas.duckdb"


def db_path() -> Path:
    env = os.environ.get("DATAKOMPAS_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


@dataclass(frozen=True)
class Warehouse:
    path: Path
    build_id: str
    tables: frozenset[str]
    _con: duckdb.DuckDBPyConnection = field(repr=False, compare=False)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        cur.execute(f"USE {_ALIAS}")  # a cursor is a new connection: it starts in the memory catalog
        return cur

    def has(self, *tables: str) -> bool:
        return all(t in self.tables for t in tables)


def _close(wh: Warehouse) -> None:
    wh._con.close()


_ALIAS = "wh"


def open_file(path: Path, version: str = "") -> Warehouse:
    """A read-only Warehouse on `path` (also used by tests and scripts outside Streamlit)."""
    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {_ALIAS} (READ_ONLY)")
    con.execute(f"USE {_ALIAS}")
    tables = frozenset(
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [_ALIAS]).fetchall()
    )
    build_id = ""
    if "builds" in tables:
        rows = con.execute("SELECT build_id FROM builds ORDER BY started DESC LIMIT 1").fetchall()
        build_id = rows[0][0] if rows else ""
    # The version (inode, mtime) is part of the id, so two builds never share cached results.
    return Warehouse(path, f"{build_id}:{version}" if version else build_id, tables, con)


@st.cache_resource(max_entries=4, show_spinner=False, on_release=_close)
def _open(path: str, inode: int, mtime_ns: int, size: int) -> Warehouse:
    return open_file(Path(path), f"{inode}-{mtime_ns}")


class WarehouseMissing(Exception):
    """No warehouse file at the configured path."""


def get() -> Warehouse:
    path = db_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseMissing(str(path)) from None
    return _open(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
