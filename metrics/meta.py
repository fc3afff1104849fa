"""What the warehouse says about itself: the build, the datasets loaded, their quality checks.

These are facts about the data, not figures about Zwolle, so they are not metrics; but they live
here, beside the engine, so that pages stay free of SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from metrics.warehouse import Warehouse, run


@dataclass(frozen=True)
class Build:
    build_id: str
    started: dt.datetime
    seconds: float | None
    gemeente: str
    gemeente_naam: str
    peildatum: dt.date
    demo: bool


def build(warehouse: Warehouse) -> Build | None:
    if "builds" not in warehouse.tables:
        return None
    row = run(warehouse, "SELECT build_id, started, seconds, gemeente, demo, peildatum FROM builds ORDER BY started DESC LIMIT 1")
    if not row.height:
        return None
    r = row.row(0, named=True)
    naam = r["gemeente"]
    if "gemeenten" in warehouse.tables:
        found = run(warehouse, "SELECT gemeente_naam FROM gemeenten WHERE gemeente_code = $g", {"g": r["gemeente"]})
        if found.height:
            naam = found["gemeente_naam"][0]
    return Build(r["build_id"], r["started"], r["seconds"], r["gemeente"], naam, r["peildatum"], bool(r["demo"]))


DATASET_COLUMNS = ("key", "title", "description", "owner", "steward", "publisher", "licence", "refresh", "personal_data", "loaded_at", "rows", "files")


def datasets(warehouse: Warehouse) -> pl.DataFrame:
    """One row per loaded dataset, with its quality summary (checks passed / warned / failed)."""
    if "datasets" not in warehouse.tables:
        return pl.DataFrame(schema={c: pl.String for c in DATASET_COLUMNS})
    frame = run(warehouse, f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY title")
    if "quality_checks" in warehouse.tables:
        q = run(
            warehouse,
            "SELECT dataset AS key, count(*) FILTER (status = 'pass') AS goed, count(*) FILTER (status = 'warn') AS waarschuwing, "
            "count(*) FILTER (status = 'fail') AS fout FROM quality_checks GROUP BY dataset",
        )
        frame = frame.join(q, on="key", how="left").with_columns(pl.col("goed", "waarschuwing", "fout").fill_null(0))
    return frame


def quality_checks(warehouse: Warehouse) -> pl.DataFrame:
    if "quality_checks" not in warehouse.tables:
        return pl.DataFrame(schema={"dataset": pl.String, "status": pl.String})
    return run(warehouse, "SELECT * FROM quality_checks ORDER BY dataset, table_name, check_name")
