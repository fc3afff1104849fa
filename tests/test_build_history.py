"""The build carries the previous warehouse's history forward: builds and every quality check per
build, so the data page can show a check across builds although each build replaces the file."""

from __future__ import annotations

import duckdb

from data_sources import inputs
from data_sources.build import build, previous_history
from tests.test_build import _inputs, _sha


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_three_builds_keep_three_builds_of_quality_history(tmp_path):
    db = tmp_path / "w.duckdb"
    ids = [build(inputs.load(_inputs(tmp_path, years=range(2019, 2019 + n))), db, progress=lambda m: None)["build_id"] for n in (3, 4, 5)]
    assert sorted(r[0] for r in _rows(db, "SELECT build_id FROM builds")) == sorted(ids)
    per_build = dict(_rows(db, "SELECT build_id, count(*) FROM quality_history GROUP BY build_id"))
    assert set(per_build) == set(ids)
    current = _rows(db, "SELECT count(*) FROM quality_checks")[0][0]
    assert per_build[ids[-1]] == current
    # A check whose value changed across builds: the row count of misdrijven (3, 4, 5 years of buurt rows).
    rows = _rows(
        db,
        "SELECT h.value FROM quality_history h JOIN builds b USING (build_id) "
        "WHERE h.table_name = 'misdrijven' AND h.check_name = 'rows_at_least' ORDER BY b.started, h.value",
    )
    assert sorted(v for (v,) in rows) == [78 * 3, 78 * 4, 78 * 5]
    assert all(v is not None for (v,) in _rows(db, "SELECT value FROM quality_checks WHERE check_name IN ('rows_at_least', 'unique')"))


def test_a_failed_build_keeps_file_and_history_and_another_gemeente_starts_anew(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    build(inputs.load(_inputs(tmp_path)), db, progress=lambda m: None)
    before = _sha(db)
    builds, history = previous_history(db, "GM0193")
    assert len(builds) == 1 and history and all(h[0] == builds[0][0] for h in history)
    assert previous_history(db, "GM0150", progress=print) == ([], [])
    assert "van GM0193, niet van GM0150" in capsys.readouterr().out
    assert _sha(db) == before, "reading the history leaves the file as it was"


def test_an_unreadable_previous_file_costs_the_history_not_the_build(tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"this is not a duckdb file")
    said = []
    build(inputs.load(_inputs(tmp_path)), db, progress=said.append)
    assert any("niet te lezen" in s for s in said)
    assert _rows(db, "SELECT count(*) FROM builds")[0][0] == 1


def test_a_warehouse_from_before_the_history_gives_its_checks_as_the_first_entry(tmp_path):
    db = tmp_path / "w.duckdb"
    build(inputs.load(_inputs(tmp_path)), db, progress=lambda m: None)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE quality_history")
    con.execute("ALTER TABLE quality_checks DROP COLUMN value")
    con.close()
    first = _rows(db, "SELECT build_id FROM builds")[0][0]
    build(inputs.load(_inputs(tmp_path)), db, progress=lambda m: None)
    per_build = dict(_rows(db, "SELECT build_id, count(*) FROM quality_history GROUP BY build_id"))
    assert first in per_build and len(per_build) == 2
    assert _rows(db, f"SELECT count(*) FROM quality_history WHERE build_id = '{first}' AND value IS NULL")[0][0] == per_build[first]
