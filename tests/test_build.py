"""The build and its CLI: exit codes, one clear line per problem, atomic replacement, killed builds."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data_sources.demo.zwolle import BUURTEN, GEMEENTE_CODE, GEMEENTE_NAAM, WIJKEN
from tests.conftest import ROOT


def _regios_csv(path: Path) -> None:
    lines = ['"Key","Title","Description","Municipality","DetailRegionCode"', f'"{GEMEENTE_CODE}    ","{GEMEENTE_NAAM}","","{GEMEENTE_CODE}","{GEMEENTE_CODE}"']
    for code, naam in WIJKEN:
        lines.append(f'"{code}  ","{naam}","","{GEMEENTE_CODE}","{code}"')
    for b in BUURTEN:
        lines.append(f'"{b.code}","{b.naam}","","{GEMEENTE_CODE}","{b.code}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _misdrijven_csv(path: Path, years: range, soorten: tuple[str, ...] = ("0.0.0",)) -> None:
    """A cbsodataR-layout 47018NED file: buurt rows, one row per year and soort."""
    header = '"","SoortMisdrijf","SoortMisdrijf_label","WijkenEnBuurten","WijkenEnBuurten_label","Perioden","Perioden_Date","Perioden_freq","Perioden_label","GeregistreerdeMisdrijven_1","Gemeentenaam_2","SoortRegio_3"'
    rows = [header]
    i = 0
    for year in years:
        for soort in soorten:
            for b in BUURTEN:
                i += 1
                rows.append(
                    f'"{i}","{soort:<6}","Soort {soort}","{b.code}","{b.naam}","{year}JJ00",{year}-01-01,"Y","{year}",{b.misdrijven_2023},"{GEMEENTE_NAAM:<30}","Buurt   "'
                )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _inputs(directory: Path, years: range = range(2019, 2024), soorten: tuple[str, ...] = ("0.0.0",), extra: str = "") -> Path:
    _regios_csv(directory / "WijkenEnBuurten.csv")
    _misdrijven_csv(directory / "misdrijven.csv", years, soorten)
    toml = directory / "inputs.toml"
    toml.write_text(
        f'gemeente = "{GEMEENTE_CODE}"\npeildatum = 2024-03-01\n\n'
        '[cbs_regios]\nfiles = ["WijkenEnBuurten.csv"]\n\n'
        '[politie_misdrijven]\nfiles = ["misdrijven.csv"]\n' + extra,
        encoding="utf-8",
    )
    return toml


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data_sources", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_tables_meta_and_quality_and_leaves_no_wal(tmp_path):
    db = tmp_path / "w.duckdb"
    r = _cli("build", "--inputs", str(_inputs(tmp_path)), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "politie_misdrijven" in r.stderr and "rijen/s" in r.stderr, "progress per source with rows/s"
    assert not list(tmp_path.glob("*.wal")) and not list(tmp_path.glob(".*building*"))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT sum(aantal) FROM misdrijven WHERE jaar = 2023 AND regio_niveau = 'buurt'").fetchall()[0][0] == 6827
    datasets = dict(con.execute("SELECT key, owner FROM datasets").fetchall())
    assert set(datasets) == {"cbs_regios", "politie_misdrijven"} and all(datasets.values())
    build = con.execute("SELECT gemeente, demo, peildatum::VARCHAR, seconds FROM builds").fetchall()[0]
    assert build[:3] == ("GM0193", False, "2024-03-01") and build[3] > 0
    statuses = {r[0] for r in con.execute("SELECT status FROM quality_checks").fetchall()}
    assert statuses <= {"pass", "warn", "fail"} and "pass" in statuses
    checksums = con.execute("SELECT checksums FROM datasets WHERE key = 'politie_misdrijven'").fetchall()[0][0]
    assert _sha(tmp_path / "misdrijven.csv") in checksums
    con.close()


def test_check_validates_and_writes_nothing(tmp_path):
    r = _cli("check", "--inputs", str(_inputs(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert not list(tmp_path.glob("*.duckdb"))


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('gemeente = "GM0193"\n[cbs_regios\nfiles = []\n', "geen geldige TOML"),
        ('gemeente = "Zwolle"\n', "ongeldige gemeentecode"),
        ('gemeente = "GM0193"\n[politie_misdrijf]\nfiles = ["misdrijven.csv"]\n', "bedoelt u 'politie_misdrijven'"),
        ('gemeente = "GM0193"\n[politie_misdrijven]\nfiles = ["weg.csv"]\n', "bestand niet gevonden"),
        ('gemeente = "GM0193"\n[politie_misdrijven]\nbestanden = ["misdrijven.csv"]\n', "heeft geen files"),
    ],
)
def test_broken_inputs_toml_exits_2_with_a_clear_line(tmp_path, toml, expected):
    _misdrijven_csv(tmp_path / "misdrijven.csv", range(2023, 2024))
    path = tmp_path / "inputs.toml"
    path.write_text(toml, encoding="utf-8")
    r = _cli("check", "--inputs", str(path))
    assert r.returncode == 2
    assert expected in r.stderr
    assert "Traceback" not in r.stderr
    assert str(path) in r.stderr, "the message names the file"


def test_missing_inputs_file_and_unknown_gemeente(tmp_path):
    r = _cli("build", "--inputs", str(tmp_path / "nergens.toml"), "--db", str(tmp_path / "w.duckdb"))
    assert r.returncode == 2 and "niet gevonden" in r.stderr
    toml = _inputs(tmp_path)
    r = _cli("build", "--inputs", str(toml), "--db", str(tmp_path / "w.duckdb"), "--gemeente", "GM9999")
    assert r.returncode == 2 and "GM9999" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_bad_input_leaves_the_old_warehouse_byte_for_byte(tmp_path):
    db = tmp_path / "w.duckdb"
    toml = _inputs(tmp_path)
    assert _cli("build", "--inputs", str(toml), "--db", str(db)).returncode == 0
    before = _sha(db)
    # Text in a numeric column on line 5, an impossible period on line 7.
    lines = (tmp_path / "misdrijven.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = re.sub(r'"2019",\d+,', '"2019",twee,', lines[4])
    lines[6] = lines[6].replace('"2019JJ00"', '"2019XX13"')
    (tmp_path / "misdrijven.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = _cli("build", "--inputs", str(toml), "--db", str(db))
    assert r.returncode == 2
    assert "misdrijven.csv:5" in r.stderr and "twee" in r.stderr
    assert "misdrijven.csv:7" in r.stderr and "2019XX13" in r.stderr
    assert "Traceback" not in r.stderr
    assert _sha(db) == before


def test_many_problems_are_capped_at_20_per_file_with_a_count(tmp_path):
    toml = _inputs(tmp_path)
    text = (tmp_path / "misdrijven.csv").read_text(encoding="utf-8")
    (tmp_path / "misdrijven.csv").write_text(re.sub(r',\d+,"Zwolle', ',veel,"Zwolle', text), encoding="utf-8")
    r = _cli("check", "--inputs", str(toml))
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if "misdrijven.csv" in ln]
    assert len(lines) <= 21
    assert "en nog" in r.stderr


@pytest.mark.parametrize("stage", ["created", "tables-written", "before-rename"])
def test_killed_build_leaves_the_old_warehouse_untouched(tmp_path, stage):
    """The build is stopped at a named stage (DATAKOMPAS_BUILD_PAUSE, see data_sources.build._stage)
    and killed there: mid-write, with every table written, and checkpointed but not yet renamed."""
    db = tmp_path / "w.duckdb"
    small = tmp_path / "small"
    small.mkdir()
    assert _cli("build", "--inputs", str(_inputs(small)), "--db", str(db)).returncode == 0
    before = _sha(db)

    big = tmp_path / "big"
    big.mkdir()
    toml = _inputs(big, years=range(1990, 2024), soorten=("0.0.0", "1.1.1"))
    env = {**os.environ, "DATAKOMPAS_BUILD_PAUSE": stage}
    proc = subprocess.Popen([sys.executable, "-m", "data_sources", "build", "--inputs", str(toml), "--db", str(db)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if f"gepauzeerd bij {stage}" in line:
            break
    else:
        pytest.fail(f"the build never reached {stage} (exit {proc.wait()})")
    assert list(tmp_path.glob(".w.duckdb.*.building*")), "the new warehouse is being written beside the old one"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert _sha(db) == before, "a killed build must not touch the warehouse"
    assert not (tmp_path / "w.duckdb.wal").exists()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM misdrijven").fetchall()[0][0] == 5 * 78
    con.close()

    # The next build clears what the killed one left behind.
    assert _cli("build", "--inputs", str(_inputs(small)), "--db", str(db)).returncode == 0
    assert not list(tmp_path.glob(".w.duckdb.*.building*"))


def test_unexpected_error_exits_1(tmp_path):
    # A directory where the database file should go is not bad input but an environment fault
    # our code does not anticipate: exit 1, not 2.
    db = tmp_path / "w.duckdb"
    db.mkdir()
    r = _cli("build", "--inputs", str(_inputs(tmp_path)), "--db", str(db))
    assert r.returncode == 1
    assert "fout in Datakompas" in r.stderr


@pytest.mark.parametrize(
    ("keys", "dup"),
    [(["A1", "A2", "B1"], 0), (["B1", "A1", "C1"], 0), (["A1", "A2", "A2", "B1"], 1), (["B1", "A1", "B1", "A1"], 2), (["A1", None, None], 1)],
)
def test_unique_check_counts_repeated_keys_whatever_the_row_order(keys, dup):
    # Keys in order pass in one pass over the table; any other order is grouped as before.
    from data_sources import quality
    from data_sources.source import Check

    con = duckdb.connect()
    con.execute("CREATE TABLE t (k VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[k] for k in keys])
    check = Check("t", "unique", "uniek", columns=("k",), severity_on_miss="fail")
    assert quality._run_one(con, check, None)[3] == float(dup)
