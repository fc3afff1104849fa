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


DATASET_COLUMNS = ("key", "title", "description", "owner", "steward", "publisher", "licence", "refresh", "personal_data", "loaded_at", "rows", "files", "tables", "checksums")


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


def quality_history(warehouse: Warehouse) -> pl.DataFrame:
    """Every quality check of every build this warehouse remembers (data_sources.build carries the
    history forward), oldest build first; empty for a warehouse without history."""
    if "quality_history" not in warehouse.tables:
        return pl.DataFrame(schema={"build_id": pl.String, "started": pl.Datetime, "dataset": pl.String, "table_name": pl.String,
                                    "check_name": pl.String, "status": pl.String, "observed": pl.String, "value": pl.Float64})  # fmt: skip
    return run(warehouse, "SELECT * FROM quality_history ORDER BY started, dataset, table_name, check_name")


def builds(warehouse: Warehouse) -> pl.DataFrame:
    """The builds this warehouse remembers, newest first."""
    if "builds" not in warehouse.tables:
        return pl.DataFrame(schema={"build_id": pl.String, "started": pl.Datetime})
    return run(warehouse, "SELECT build_id, started, seconds, gemeente, inputs, demo, peildatum FROM builds ORDER BY started DESC")


# ---- freshness -------------------------------------------------------------------------------

# How often a source is refreshed, from the Dutch words its declaration uses (Source.refresh), in
# days: the next load is due this long after the last. A declaration that names two rhythms
# ("jaarlijks (jaarcijfers) of maandelijks (maandcijfers)") is held to the first. Sources refreshed
# on an event ("bij elke begrotingswijziging") have no due date. tests/test_meta.py checks every
# declared source is understood.
REFRESH_DAYS = (("dagelijks", 1), ("wekelijks", 7), ("maandelijks", 31), ("per kwartaal", 92), ("jaarlijks", 366))
EVENT_DRIVEN = ("bij ",)


def refresh_days(refresh: str | None) -> int | None:
    """Days between loads for a refresh text; None when it is event-driven or unknown."""
    text = (refresh or "").strip().lower()
    for word, days in REFRESH_DAYS:
        if text.startswith(word):
            return days
    return None


@dataclass(frozen=True)
class Freshness:
    key: str
    due: dt.date | None  # when the next load is due (loaded_at + the refresh rhythm); None: no rhythm
    overdue: bool  # the load is past that date
    content: str | None  # the worst status of the source's content-freshness checks (pass/warn/fail), None without one
    content_text: str | None  # what that check observed ("nieuwste 2026-10-31 (1 dagen)")

    @property
    def stale(self) -> bool:
        return self.overdue or self.content in ("warn", "fail")

    @property
    def text(self) -> str:
        """Dutch, for a table cell or a badge."""
        if self.overdue:
            return f"verlopen sinds {self.due:%d-%m-%Y}"
        if self.content in ("warn", "fail"):
            return "inhoud verouderd" + (f": {self.content_text}" if self.content_text else "")
        if self.due is None:
            return "actueel (geen vaste verversing)"
        return f"actueel tot {self.due:%d-%m-%Y}"


_ORDER = {"pass": 0, "warn": 1, "fail": 2}


def freshness(sets: pl.DataFrame, checks: pl.DataFrame, today: dt.date | None = None) -> dict[str, Freshness]:
    """Per loaded dataset: is its load past the refresh rhythm, and do its freshness checks pass?"""
    today = today or dt.date.today()
    content: dict[str, tuple[str, str]] = {}
    if checks.height and "check_name" in checks.columns:
        for r in checks.filter(pl.col("check_name").str.starts_with("freshness")).iter_rows(named=True):
            worst = content.get(r["dataset"])
            if worst is None or _ORDER.get(r["status"], 0) > _ORDER.get(worst[0], 0):
                content[r["dataset"]] = (r["status"], r["observed"])
    out = {}
    for r in sets.iter_rows(named=True):
        days = refresh_days(r["refresh"])
        loaded = r["loaded_at"].date() if isinstance(r["loaded_at"], dt.datetime) else r["loaded_at"]
        due = loaded + dt.timedelta(days=days) if days and loaded else None
        status, observed = content.get(r["key"], (None, None))
        out[r["key"]] = Freshness(r["key"], due, bool(due and today > due), status, observed)
    return out


def worst_status(statuses) -> str | None:
    """The worst of pass / warn / fail (None for none)."""
    found = [s for s in statuses if s in _ORDER]
    return max(found, key=_ORDER.get) if found else None


def datasets_of_tables(sets: pl.DataFrame, tables) -> list[str]:
    """The keys of the loaded datasets that wrote any of these warehouse tables."""
    wanted = set(tables)
    return [k for k, t in zip(sets["key"].to_list(), sets["tables"].to_list()) if t and wanted & {x.strip() for x in t.split(",")}]
