"""What the engine needs from a warehouse, and a plain implementation on a DuckDB file.

The app supplies its own object (cached as a Streamlit resource); anything with `cursor()`,
`build_id` and `tables` will do. A cursor per query, because a DuckDB connection is not
thread-safe and Streamlit serves sessions from threads.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from metrics.tables import BUILT


class Warehouse(Protocol):
    build_id: str  # changes with every build: part of every cache key
    tables: frozenset[str]  # the tables present (every source is optional)
    outdated: frozenset[str]  # present, but written by an older build without a column metrics read

    def cursor(self) -> duckdb.DuckDBPyConnection: ...


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    gemeente: str  # the build gemeente, e.g. GM0193
    peildatum: dt.date  # the date the data describes ("today" of the export)
    tables: frozenset[str]
    outdated: frozenset[str] = frozenset()


MEMORY_LIMIT = "512MB"  # per warehouse file the app has open (see DuckDBWarehouse)


class DuckDBWarehouse:
    """A read-only DuckDB warehouse file: the app's (cached per file version), the CLI's, the tests'.

    The file is ATTACHed read-only to a fresh in-memory database rather than opened with
    `duckdb.connect(path)`: DuckDB keeps one database instance per path per process, so a second
    `connect` to a rebuilt (renamed-into-place) file would silently return the old version.
    """

    _ALIAS = "wh"

    def __init__(self, path: str | Path, version: str = "") -> None:
        self.path = Path(path)
        self._con = duckdb.connect(":memory:")
        # DuckDB keeps the blocks it read in memory up to 80% of RAM by default: for a server that
        # shares the machine with its users' sessions that is far too much. Beyond this it reads
        # the file again (from the OS cache) and spills large sorts and joins to a temp directory.
        spill = (Path(tempfile.gettempdir()) / f"datakompas-duckdb-{os.getpid()}").as_posix().replace("'", "''")
        self._con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self._con.execute(f"SET temp_directory = '{spill}'")
        quoted = str(self.path).replace("'", "''")
        self._con.execute(f"ATTACH '{quoted}' AS {self._ALIAS} (READ_ONLY)")
        cur = self.cursor()
        try:
            rows = cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = ?", [self._ALIAS]).fetchall()
            columns: dict[str, set[str]] = {}
            for table, column in rows:
                columns.setdefault(table, set()).add(column)
            # A table without a column the build now derives was written by an older build: metrics
            # treat it as absent (and say to build again) rather than fail on the missing column.
            self.outdated = frozenset(t for t, cols in columns.items() if not set(BUILT.get(t, ())) <= cols)
            self.tables = frozenset(columns) - self.outdated
            build = []
            if "builds" in self.tables:
                build = cur.execute("SELECT build_id FROM builds ORDER BY started DESC LIMIT 1").fetchall()
        finally:
            cur.close()
        if build:
            # The version (the app passes inode and mtime) keeps two builds' caches apart.
            self.build_id = f"{build[0][0]}:{version}" if version else build[0][0]
        else:
            stat = self.path.stat()
            self.build_id = f"{self.path.resolve()}:{stat.st_mtime_ns}:{stat.st_size}"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        cur.execute(f"USE {self._ALIAS}")  # a cursor is a new connection: it starts in the memory catalog
        # An unknown table name would otherwise be looked up among the caller's Python variables
        # (a replacement scan, under the GIL): nothing the app needs, and a way for one query to
        # stall other sessions (docs/concurrency.md). A per-connection setting, so per cursor.
        cur.execute("SET python_enable_replacements = false")
        return cur

    def has(self, *tables: str) -> bool:
        return all(t in self.tables for t in tables)

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
        outdated=frozenset(warehouse.outdated),
    )
