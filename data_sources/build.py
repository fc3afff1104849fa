"""The atomic warehouse build: validate every input, write a new DuckDB file, rename it into place.

Nothing touches the existing warehouse until the new one is complete and checkpointed: a failed
or killed build leaves it byte-for-byte as it was. A killed build can leave a `.building` file
next to the warehouse; the next build removes it.

History. Each build replaces the whole file, so the new file carries the history forward: it
reads (read-only) the `builds` and `quality_history` of the warehouse it replaces, for the same
gemeente, and writes them with its own rows added. The data page charts a quality check across
builds from `quality_history`. A previous file that cannot be read costs its history, never the
build (the progress line says so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from data_sources import instellingen as settings_mod
from data_sources import quality, registry
from data_sources.inputs import Inputs
from data_sources.privacy import Pseudonymiser
from data_sources.problems import InputError, Problems
from data_sources.readers import read_guarded
from data_sources.source import Context

DEFAULT_DB = Path("data/datakompas.duckdb")


def default_db() -> Path:
    env = os.environ.get("DATAKOMPAS_DB")
    return Path(env) if env else DEFAULT_DB


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Loaded:
    key: str
    tables: dict[str, pl.DataFrame]
    files: tuple[Path, ...]
    seconds: float


def read_all(inputs: Inputs, progress=say) -> tuple[list[Loaded], Problems]:
    """Read and validate every source in inputs; collect all problems (nothing is written)."""
    problems = Problems()
    ctx = Context(gemeente=inputs.gemeente, problems=problems, progress=progress)
    loaded: list[Loaded] = []
    jeugd_files = [f for k, s in inputs.sources.items() if k.startswith("jeugd_") for f in s.files]
    pseudonymiser = Pseudonymiser.for_files(jeugd_files) if jeugd_files else None
    for key in registry.SOURCE_KEYS:
        if key not in inputs.sources:
            continue
        spec = inputs.sources[key]
        source = registry.get(key)
        for need in source.needs:
            if need not in inputs.sources:
                problems.add(
                    inputs.path,
                    f"bron [{key}] heeft ook [{need}] nodig",
                    expected=f"een [{need}]-tabel in inputs.toml ({registry.get(need).title})",
                )
        ctx.options = spec.options
        ctx.pseudonymiser = pseudonymiser
        t0 = time.perf_counter()
        before = len(problems)
        tables = read_guarded(source, spec.files, ctx)
        seconds = time.perf_counter() - t0
        rows = sum(t.height for t in tables.values())
        rate = rows / seconds if seconds > 0 else float("inf")
        status = "" if len(problems) == before else f", {len(problems) - before} problemen"
        progress(f"  {key:<20} {rows:>12,} rijen  {seconds:6.1f} s  {rate:>12,.0f} rijen/s{status}".replace(",", "."))
        if key == "cbs_regios" and len(problems) == before:
            ctx.regios = tables
        if len(problems) == before:
            ctx.tables.update(tables)
        loaded.append(Loaded(key, tables, spec.files, seconds))
    return loaded, problems


def read_inputs(inputs: Inputs, progress=say) -> tuple[list[Loaded], settings_mod.Resolved | None, Problems]:
    """`read_all` plus the gemeente's settings (validated; the CBS gemeente list gives a default its name)."""
    loaded, problems = read_all(inputs, progress)
    regios = next((item.tables for item in loaded if item.key == "cbs_regios"), {})
    resolved = settings_mod.resolve(inputs.gemeente, inputs.instellingen, regios.get("gemeenten"), problems, progress)
    return loaded, resolved, problems


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stage(name: str) -> None:
    """A named point of the build where a test can stop it for good (DATAKOMPAS_BUILD_PAUSE=name):
    tests/test_build.py kills the build there and checks the warehouse is untouched. Unset, nothing."""
    if os.environ.get("DATAKOMPAS_BUILD_PAUSE") == name:
        print(f"gepauzeerd bij {name}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)


def remove_stale(db: Path) -> None:
    for stale in db.parent.glob(f".{db.name}.*.building*"):
        stale.unlink(missing_ok=True)


# Builds of history kept in a warehouse (older ones are dropped): enough for years of monthly loads.
HISTORY_BUILDS = 200

_BUILD_COLUMNS = "build_id, started, seconds, gemeente, inputs, demo, peildatum"
_HISTORY_COLUMNS = "build_id, started, dataset, table_name, check_name, description, status, observed, threshold, value"


def previous_history(db: Path, gemeente: str, progress=say) -> tuple[list[tuple], list[tuple]]:
    """(builds, quality history) of the warehouse at `db` when it is of `gemeente`; empty otherwise.

    Read from a read-only ATTACH (the file is not changed). A warehouse from before the history
    existed gives its one build and its quality_checks as the first entry."""
    if not db.is_file():
        return [], []
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS old (READ_ONLY)")
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old'").fetchall()}
        if "builds" not in tables:
            return [], []
        builds = con.execute(f"SELECT {_BUILD_COLUMNS} FROM old.builds ORDER BY started").fetchall()
        if not builds or builds[-1][3] != gemeente:
            if builds:
                progress(f"  geschiedenis: het vorige warehouse is van {builds[-1][3]}, niet van {gemeente}; begint opnieuw")
            return [], []
        if "quality_history" in tables:
            history = con.execute(f"SELECT {_HISTORY_COLUMNS} FROM old.quality_history ORDER BY started").fetchall()
        elif "quality_checks" in tables:
            cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_catalog = 'old' AND table_name = 'quality_checks'").fetchall()}
            value = "value" if "value" in cols else "NULL::DOUBLE"
            last = builds[-1]
            history = con.execute(
                f"SELECT ?, ?::TIMESTAMP, dataset, table_name, check_name, description, status, observed, threshold, {value} FROM old.quality_checks",
                [last[0], last[1]],
            ).fetchall()
        else:
            history = []
        return builds, history
    except duckdb.Error as e:
        progress(f"  geschiedenis: het vorige warehouse is niet te lezen ({e}); de geschiedenis begint opnieuw")
        return [], []
    finally:
        con.close()


def _write_history(con, builds: list[tuple], history: list[tuple], build_id: str) -> None:
    """Append the previous builds and quality history (at most HISTORY_BUILDS builds) to this build's."""
    keep = {b[0] for b in builds[-(HISTORY_BUILDS - 1):]} if builds else set()
    old_builds = [b for b in builds if b[0] in keep and b[0] != build_id]
    if old_builds:
        con.executemany("INSERT INTO builds VALUES (?, ?, ?, ?, ?, ?, ?)", old_builds)
    con.execute(
        "CREATE TABLE quality_history AS SELECT b.build_id, b.started, q.* FROM quality_checks q CROSS JOIN "
        "(SELECT build_id, started FROM builds WHERE build_id = ?) b",
        [build_id],
    )
    rows = [h for h in history if h[0] in keep and h[0] != build_id]
    if rows:
        con.executemany(f"INSERT INTO quality_history ({_HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def build(
    inputs: Inputs,
    db: Path,
    *,
    progress=say,
) -> dict:
    """Validate and build; raise InputError (and write nothing) when any input is invalid."""
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    t0 = time.perf_counter()
    progress(f"Inlezen en controleren ({inputs.gemeente}):")
    loaded, resolved, problems = read_inputs(inputs, progress)
    if problems or resolved is None:
        raise InputError(problems)

    db.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(db)
    old_builds, old_history = previous_history(db, inputs.gemeente, progress)
    tmp = db.parent / f".{db.name}.{os.getpid()}.building"
    build_id = uuid.uuid4().hex[:12]
    demo = inputs.demo
    peildatum = inputs.peildatum or dt.date.today()
    progress("Schrijven naar het warehouse:")
    con = duckdb.connect(str(tmp))
    try:
        _stage("created")
        written: set[str] = set()
        settings_tables = Loaded("instellingen", settings_mod.tables(resolved), (), 0.0)
        for item in [*loaded, settings_tables]:
            for name, frame in item.tables.items():
                if name in written:  # reference tables that more than one source carries
                    continue
                t1 = time.perf_counter()
                con.register("__frame", frame.to_arrow())
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM __frame')
                con.unregister("__frame")
                written.add(name)
                progress(f"  {name:<26} {frame.height:>12,} rijen  {time.perf_counter() - t1:6.1f} s".replace(",", "."))
        _stage("tables-written")
        _write_meta(con, inputs, loaded, resolved, started, build_id, demo, peildatum)
        results = quality.run(con, [registry.get(i.key) for i in loaded], peildatum)
        con.register("__q", pl.DataFrame(results, schema=quality.RESULT_SCHEMA, orient="row").to_arrow())
        con.execute("CREATE TABLE quality_checks AS SELECT * FROM __q")
        con.unregister("__q")
        _write_history(con, old_builds, old_history, build_id)
        seconds = round(time.perf_counter() - t0, 2)
        con.execute("UPDATE builds SET seconds = ? WHERE build_id = ?", [seconds, build_id])
        con.execute("CHECKPOINT")
        con.close()
        _stage("before-rename")
        os.replace(tmp, db)
    except BaseException:
        try:
            con.close()
        except duckdb.Error:
            pass
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    counts = {s: sum(1 for r in results if r[4] == s) for s in ("pass", "warn", "fail")}
    progress(
        f"Klaar in {seconds:.1f} s: {db} (build {build_id}); kwaliteitscontroles: "
        f"{counts['pass']} goed, {counts['warn']} waarschuwing, {counts['fail']} fout"
    )
    return {"build_id": build_id, "seconds": seconds, "quality": counts}


def _write_meta(con, inputs: Inputs, loaded: list[Loaded], resolved: settings_mod.Resolved, started, build_id: str, demo: bool, peildatum) -> None:
    rows = []
    for item in loaded:
        s = registry.get(item.key)
        owner, steward = settings_mod.roles(resolved, s.key, s.owner, s.steward)
        rows.append(
            {
                "key": s.key,
                "title": s.title,
                "description": s.description,
                "owner": owner,
                "steward": steward,
                "publisher": s.publisher.replace("{gemeente}", resolved.naam),
                "licence": s.licence,
                "refresh": s.refresh,
                "personal_data": s.personal_data,
                "loaded_at": started.replace(tzinfo=None),
                "rows": sum(t.height for t in item.tables.values()),
                "tables": ", ".join(item.tables),
                "files": json.dumps([f.name for f in item.files], ensure_ascii=False),
                "checksums": json.dumps({f.name: _checksum(f) for f in item.files}),
                "demo": demo,
            }
        )
    frame = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"key": pl.String})
    con.register("__d", frame.to_arrow())
    con.execute("CREATE TABLE datasets AS SELECT * FROM __d")
    con.unregister("__d")
    con.execute(
        "CREATE TABLE builds (build_id VARCHAR, started TIMESTAMP, seconds DOUBLE, gemeente VARCHAR, "
        "inputs VARCHAR, demo BOOLEAN, peildatum DATE)"
    )
    con.execute(
        "INSERT INTO builds VALUES (?, ?, NULL, ?, ?, ?, ?)",
        [build_id, started.replace(tzinfo=None), inputs.gemeente, str(inputs.path), demo, peildatum],
    )
