"""One server, many sessions in threads: nothing on the serving path may deadlock or stall it.

The causes found (docs/concurrency.md) each have a test here; the browser load test
(tests/e2e/test_load.py) checks the whole with ten sessions at once.
"""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

import metrics
from tests.apptest import open_page, write_roles
from ui import charts, frames, router

ROOT = Path(__file__).resolve().parent.parent
SERVING = [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "metrics").rglob("*.py"))]

# Polars calls that run Python inside polars' thread pool (they need the GIL there), or that
# convert under the GIL while waiting for that pool: together they deadlock (pola-rs/polars#27396).
FORBIDDEN = {"map_elements", "map_batches", "map_rows", "map_groups", "apply", "to_pandas", "write_excel", "Object"}


def test_no_python_callbacks_inside_polars_on_the_serving_path():
    found = []
    for path in SERVING:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert found == []


@pytest.fixture
def no_polars_conversions(monkeypatch):
    """Streamlit and Altair convert polars frames themselves (to_pandas / to_arrow): fail loudly if
    anything hands them one."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("polars frame handed to Streamlit or Altair: use ui.frames.arrow")

    for name in ("to_pandas", "to_arrow", "write_excel"):
        monkeypatch.setattr(pl.DataFrame, name, refuse)
    monkeypatch.setattr(pl.Series, "to_pandas", refuse)


# Every page that exists, for every role that may open it.
CASES = [(role, p.url_path) for p in router.PAGES if p.path.is_file() for role in sorted(p.roles)]


@pytest.mark.parametrize(("role", "url_path"), CASES, ids=[f"{r}-{p or 'kompas'}" for r, p in CASES])
def test_pages_hand_streamlit_no_polars_frames(demo_db, tmp_path, monkeypatch, no_polars_conversions, role, url_path):
    monkeypatch.setenv("DATAKOMPAS_DB", str(demo_db))
    monkeypatch.setenv("DATAKOMPAS_ROLES", str(write_roles(tmp_path)))
    at = open_page(url_path, role=role)
    assert not at.exception, [e.value for e in at.exception]


def test_arrow_keeps_types_and_nulls_without_polars_conversion(no_polars_conversions):
    import datetime as dt

    frame = pl.DataFrame(
        {"s": ["a", None], "i": [1, None], "f": [1.5, None], "b": [True, None], "d": [dt.date(2024, 1, 1), None], "t": [dt.datetime(2024, 1, 1, 12), None]}
    )
    table = frames.arrow(frame)
    assert table.column_names == frame.columns
    assert [str(t) for t in table.schema.types] == ["string", "int64", "double", "bool", "date32[day]", "timestamp[us]"]
    assert table.to_pylist() == frame.to_dicts()


def test_column_is_map_elements_without_polars():
    frame = pl.DataFrame({"v": [1.0, None], "w": [2.0, 3.0]})
    out = frames.column(frame, "t", "v", lambda v: f"<{v}>")
    assert out["t"].to_list() == ["<1.0>", None]
    both = frames.column(frame, "t", ["v", "w"], lambda v, w: f"{v}/{w}")
    assert both["t"].to_list() == ["1.0/2.0", "None/3.0"]


def test_png_rendering_leaves_the_other_threads_running():
    """vl-convert holds the GIL while it renders; in-process that froze every session for the
    duration. Rendered in a child process, the server's other threads keep running."""
    import altair as alt

    chart = alt.Chart(alt.Data(values=[{"a": i, "b": i * i} for i in range(3000)])).mark_point().encode(x="a:Q", y="b:Q")
    ticks, stop = [0], threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    worker = threading.Thread(target=spin)
    worker.start()
    t0 = time.monotonic()
    try:
        data = charts.png(chart)
    finally:
        elapsed = time.monotonic() - t0
        stop.set()
        worker.join()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A free thread ticks about once per 1-2 ms; under a held GIL it managed 5 in a second.
    assert ticks[0] >= elapsed * 100, (ticks[0], elapsed)


def test_warehouse_never_reads_python_variables_as_tables(demo_db):
    """DuckDB would otherwise resolve an unknown table name from the caller's Python variables,
    under the GIL, from its worker threads."""
    wh = metrics.open_warehouse(demo_db)
    cur = wh.cursor()
    try:
        geheim_frame = pl.DataFrame({"x": [1]})  # noqa: F841 - the variable the query must not see
        with pytest.raises(duckdb.CatalogException):
            cur.sql("SELECT * FROM geheim_frame").fetchall()
    finally:
        cur.close()
        wh.close()


def test_streamlit_serving_settings():
    """The file watcher and the forced GC after each run both held the event loop or the GIL
    for every session: off in the shipped config (make dev turns the watcher on)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
