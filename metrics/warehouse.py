"""What the engine needs from a warehouse, and a plain implementation on a DuckDB file.

The app supplies its own object (cached as a Streamlit resource); anything with `cursor()`,
`build_id` and `tables` will do. A cursor per query, because a DuckDB connection is not
thread-safe and Streamlit serves sessions from threads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl


class Warehouse(Protocol):
    build_id: str  # changes with every build: part of every cache key
    tables: frozenset[str]  # the tables present (every source is optional)

    def cursor(self) -> duckdb.DuckDBPyConnection: ...


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    gemeente: str  # the build gemeente, e.g. GM0193
    peildatum: dt.date  # the date the data describes ("today" of the export)
    tables: frozenset[str]


class DuckDBWarehouse:
    """A read-only DuckDB warehouse file (for tests, the CLI, or an app without its own)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._con = duckdb.connect(str(self.path), read_only=True)
        cur = self._con.cursor()
        rows = cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
        self.tables = frozenset(r[0] for r in rows)
        build = None
        if "builds" in self.tables:
            build = cur.execute("SELECT build_id FROM builds ORDER BY started DESC LIMIT 1").fetchone()
        stat = self.path.stat()
        self.build_id = build[0] if build else f"{self.path.resolve()}:{stat.st_mtime_ns}:{stat.st_size}"
        cur.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "DuckDBWarehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_warehouse(path: str | Path) -> DuckDBWarehouse:
    return DuckDBWarehouse(path)


def run(warehouse: Warehouse, sql: str, params: dict | None = None) -> pl.DataFrame:
    """Run one parameterised query on a fresh cursor and return a polars frame."""
    cur = warehouse.cursor()
    try:
        return cur.sql(sql, params=params or None).pl()
    finally:
        cur.close()


def build_info(warehouse: Warehouse) -> BuildInfo:
    """Gemeente and peildatum of the build (from `builds`), with sensible fallbacks."""
    gemeente, peildatum = None, None
    if "builds" in warehouse.tables:
        row = run(warehouse, "SELECT gemeente, peildatum FROM builds ORDER BY started DESC LIMIT 1")
        if row.height:
            gemeente, peildatum = row["gemeente"][0], row["peildatum"][0]
    if gemeente is None and "wijken" in warehouse.tables:
        row = run(warehouse, "SELECT min(gemeente_code) AS g FROM wijken")
        gemeente = row["g"][0]
    return BuildInfo(
        build_id=warehouse.build_id,
        gemeente=gemeente or "",
        peildatum=peildatum or dt.date.today(),
        tables=frozenset(warehouse.tables),
    )
