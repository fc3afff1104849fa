"""Uploading a new export: staged in a folder of its own, checked and built by a child process;
a broken file changes nothing (byte for byte), a good one gives a new warehouse with its history."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import duckdb
import pytest

from data_sources import inputs, staging
from tests.conftest import DEMO_PEILDATUM


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def meldingen_lines(demo_inputs) -> list[str]:
    return (demo_inputs.parent / "meldingen" / "meldingen.csv").read_text(encoding="utf-8").splitlines()


def broken_meldingen(demo_inputs) -> bytes:
    lines = meldingen_lines(demo_inputs)[:50]
    lines[3] = "MOR-00000003,2022-02-30 03:01,groen,BU01935210,afgehandeld,2022-01-05"  # no 30 February
    lines[7] = lines[7].replace(lines[7].split(",")[3], "BU01939999")  # no such buurt
    return ("\n".join(lines) + "\n").encode("utf-8")


def good_meldingen(demo_inputs, n: int = 100_000) -> bytes:
    return ("\n".join(meldingen_lines(demo_inputs)[: n + 1]) + "\n").encode("utf-8")


@pytest.fixture
def warehouse(demo_db, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.delenv("DATAKOMPAS_INPUTS", raising=False)
    monkeypatch.delenv("DATAKOMPAS_STAGING", raising=False)
    return db


def _built_from(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT inputs FROM builds ORDER BY started DESC LIMIT 1").fetchall()[0][0]
    finally:
        con.close()


def test_stage_replaces_same_names_adds_new_ones_and_leaves_the_inputs_alone(demo_inputs, tmp_path):
    before = _sha(demo_inputs)
    staged = staging.stage(demo_inputs, "meldingen", [("meldingen.csv", b"x"), ("meldingen-extra.csv", b"y")], tmp_path / "staging")
    assert staged.plan == [("meldingen.csv", "vervangt"), ("meldingen-extra.csv", "nieuw")]
    assert staged.folder.parent == tmp_path / "staging" and staged.inputs.parent == staged.folder
    files = staging.resolved_files(staged.inputs)
    assert [p.parent for p in files["meldingen"]] == [staged.folder / "meldingen"] * 2
    assert files["jeugd_toewijzingen"] == staging.resolved_files(demo_inputs)["jeugd_toewijzingen"], "other sources keep the files in use"
    loaded = inputs.load(staged.inputs)
    assert loaded.gemeente == "GM0193" and loaded.demo and loaded.peildatum == DEMO_PEILDATUM
    assert _sha(demo_inputs) == before and (demo_inputs.parent / "meldingen" / "meldingen.csv").read_bytes() != b"x"


@pytest.mark.parametrize("name", ["", ".", "..", "map/..", "a\x00b.csv", "-rf.csv"])
def test_an_upload_name_that_is_not_a_plain_file_name_is_refused(demo_inputs, tmp_path, name):
    with pytest.raises(ValueError, match="ongeldige bestandsnaam"):
        staging.stage(demo_inputs, "meldingen", [(name, b"x")], tmp_path)
    # A path is cut to its file name: an upload lands in its own folder, whatever it is called.
    assert staging.safe_name("map/meldingen.csv") == staging.safe_name("..\\..\\meldingen.csv") == "meldingen.csv"


def test_a_broken_upload_lists_every_problem_and_the_warehouse_stays_byte_identical(warehouse, demo_inputs):
    before = _sha(warehouse)
    staged = staging.stage(demo_inputs, "meldingen", [("meldingen.csv", broken_meldingen(demo_inputs))], staging.staging_root(warehouse))
    checked = staging.check(staged)
    assert checked.code == 2
    by_line = {p["line"]: p for p in checked.problems}
    assert set(by_line) >= {4, 8}, checked.problems  # list index 3 and 7: file lines 4 and 8 (line 1 is the header)
    assert by_line[4]["column"] == "datum" and "2022-02-30" in by_line[4]["value"] and by_line[4]["expected"]
    assert by_line[8]["column"] == "buurt_code" and by_line[8]["value"] == "BU01939999"
    assert all(p["file"].endswith("meldingen.csv") for p in checked.problems)
    built = staging.rebuild(staged, warehouse)
    assert built.code == 2 and built.problems
    assert _sha(warehouse) == before


def test_a_good_upload_rebuilds_with_progress_and_keeps_the_history(warehouse, demo_inputs):
    staged = staging.stage(demo_inputs, "meldingen", [("meldingen.csv", good_meldingen(demo_inputs))], staging.staging_root(warehouse))
    assert staging.check(staged).ok
    fractions, state = [], {"expected_tables": staging.expected_tables(staged)}
    built = staging.rebuild(staged, warehouse, on_line=lambda line: fractions.append(staging.progress(line, 13, state)))
    assert built.ok, built.log[-5:]
    done = [f for f in fractions if f is not None]
    assert done == sorted(done) and done[-1] == 1.0 and len(done) > 20
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM meldingen").fetchall() == [(100_000,)]
    assert con.execute("SELECT count(*) FROM builds").fetchall() == [(2,)]
    assert con.execute("SELECT inputs FROM builds ORDER BY started DESC LIMIT 1").fetchall()[0][0] == str(staged.inputs)
    changed = con.execute(
        "SELECT count(DISTINCT value) FROM quality_history WHERE dataset = 'meldingen' AND check_name = 'rows_at_least'"
    ).fetchall()
    assert changed == [(2,)]
    con.close()
    assert not (staged.folder.parent / ".herbouw.lock").exists()


def test_one_rebuild_at_a_time(warehouse, demo_inputs):
    root = staging.staging_root(warehouse)
    root.mkdir(parents=True)
    (root / ".herbouw.lock").write_text(str(os.getpid()))  # a live process holds it
    staged = staging.stage(demo_inputs, "meldingen", [("meldingen.csv", b"")], root)
    with pytest.raises(staging.Busy):
        staging.rebuild(staged, warehouse)
    (root / ".herbouw.lock").write_text("999999999")  # a process that is gone: the lock is stale
    assert staging.rebuild(staged, warehouse).code == 2


def test_where_the_inputs_come_from(warehouse, demo_inputs, monkeypatch, tmp_path):
    checksums = _checksums(warehouse)
    base = staging.current_inputs(warehouse, built_from=_built_from(warehouse), demo=True, peildatum=DEMO_PEILDATUM, checksums=checksums)
    assert base.inputs == demo_inputs.resolve() and "huidige build" in base.how
    monkeypatch.setenv("DATAKOMPAS_INPUTS", str(tmp_path / "nergens.toml"))
    assert "bestaat niet" in staging.current_inputs(warehouse, built_from=None, demo=False, peildatum=None, checksums={}).problem
    monkeypatch.delenv("DATAKOMPAS_INPUTS")
    assert "DATAKOMPAS_INPUTS" in staging.current_inputs(warehouse, built_from="/weg/inputs.toml", demo=False, peildatum=None, checksums={}).problem


def test_a_demo_whose_raw_files_are_gone_gets_them_written_again_and_checked(warehouse):
    checksums = _checksums(warehouse)
    base = staging.current_inputs(warehouse, built_from="/weg/inputs.toml", demo=True, peildatum=DEMO_PEILDATUM, checksums=checksums)
    assert base.problem is None and base.inputs.parent == staging.staging_root(warehouse) / f"demo-{DEMO_PEILDATUM.isoformat()}"
    wrong = {"meldingen": {"meldingen.csv": "0" * 64}}
    refused = staging.current_inputs(warehouse, built_from=None, demo=True, peildatum=DEMO_PEILDATUM, checksums=wrong)
    assert refused.inputs is None and "meldingen.csv wijkt af" in refused.problem


def _checksums(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {k: json.loads(c) for k, c in con.execute("SELECT key, checksums FROM datasets").fetchall()}
    finally:
        con.close()
