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
import importlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
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
BUILD_MEMORY = "512MB"  # DuckDB's share of the build's memory (it spills to its temp files beyond)
DERIVE_MEMORY = "256MB"  # and while the derived tables are made, which read more than they write


def default_db() -> Path:
    env = os.environ.get("DATAKOMPAS_DB")
    return Path(env) if env else DEFAULT_DB


def _cpu() -> float:
    return time.process_time()  # CPU seconds of the process, every thread (also on Windows)


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Loaded:
    key: str
    tables: dict[str, pl.DataFrame]  # emptied once the build has written them (see `build`)
    files: tuple[Path, ...]
    seconds: float  # reading and checking
    rows: int = 0
    table_names: tuple[str, ...] = ()
    write_seconds: float = 0.0  # writing into the new warehouse (build only)
    cpu_seconds: float = 0.0  # CPU time of reading and checking (every thread), for benchmarks
    write_cpu_seconds: float = 0.0


# A sink gets every source read without problems as long as no source had any, so the build can
# write its tables and let go of them (`build`); `check` passes none and writes nothing.
Sink = Callable[[Loaded], None]


def read_all(inputs: Inputs, progress=say, sink: Sink | None = None) -> tuple[list[Loaded], Problems]:
    """Read and validate every source in inputs; collect all problems (nothing is written).

    With a `sink`, each source goes to it as soon as it is read, while no problem has been found
    in any source so far; after the first problem the rest is only checked."""
    problems = Problems()
    ctx = Context(gemeente=inputs.gemeente, problems=problems, progress=progress)
    loaded: list[Loaded] = []
    jeugd_files = [f for k, s in inputs.sources.items() if k.startswith("jeugd_") for f in s.files]
    pseudonymiser = Pseudonymiser.for_files(jeugd_files) if jeugd_files else None
    # Tables another source checks its rows against (declaraties -> toewijzingen) stay in ctx.tables.
    needed = {need for key in inputs.sources for need in registry.get(key).needs}
    order = [key for key in registry.SOURCE_KEYS if key in inputs.sources]
    held: dict[str, tuple[str, ...]] = {}  # source key -> its table names in ctx.tables
    for at, key in enumerate(order):
        # Let go of what no source still to come checks against (toewijzingen after declaraties).
        later = {need for k in order[at:] for need in registry.get(k).needs}
        for done in [k for k in held if k not in later]:
            for name in held.pop(done):
                ctx.tables.pop(name, None)
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
        t0, c0 = time.perf_counter(), _cpu()
        before = len(problems)
        tables = read_guarded(source, spec.files, ctx)
        seconds = time.perf_counter() - t0
        rows = sum(t.height for t in tables.values())
        rate = rows / seconds if seconds > 0 else float("inf")
        status = "" if len(problems) == before else f", {len(problems) - before} problemen"
        progress(f"  {key:<20} {rows:>12,} rijen  {seconds:6.1f} s  {rate:>12,.0f} rijen/s{status}".replace(",", "."))
        if key == "cbs_regios" and len(problems) == before:
            ctx.regios = tables
        if len(problems) == before and key in needed:
            ctx.tables.update(tables)
            held[key] = tuple(tables)
        item = Loaded(key, tables, spec.files, seconds, rows, tuple(tables), cpu_seconds=_cpu() - c0)
        # Only `item` may hold the frames: the sink lets go of them once written, and a name here
        # would keep the largest source alive while the next one is read (hundreds of MB at scale 30).
        del tables
        loaded.append(item)
        if sink is not None and not problems:
            sink(item)
    return loaded, problems


def read_inputs(inputs: Inputs, progress=say, sink: Sink | None = None) -> tuple[list[Loaded], settings_mod.Resolved | None, Problems]:
    """`read_all` plus the gemeente's settings (validated; the CBS gemeente list gives a default its name)."""
    loaded, problems = read_all(inputs, progress, sink)
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
    derive: bool = True,
) -> dict:
    """Validate and build; raise InputError (and write nothing) when any input is invalid.
    `derive=False` leaves out the derived tables (DERIVED): the app then computes what they hold
    when asked, so only a tool that reads the loaded tables themselves should want that."""
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    t0 = time.perf_counter()
    db.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(db)
    old_builds, old_history = previous_history(db, inputs.gemeente, progress)
    tmp = db.parent / f".{db.name}.{os.getpid()}.building"
    build_id = uuid.uuid4().hex[:12]
    demo = inputs.demo
    peildatum = inputs.peildatum or dt.date.today()
    # Each source is written into the new file as soon as it is read and checked, and let go of:
    # the build holds one source at a time, not all of them (a national-scale build must fit on a
    # laptop). The file is only renamed into place when every input was valid; otherwise it is
    # removed, and the existing warehouse was never touched.
    # DuckDB would keep every block it wrote in memory (its default limit is 80% of RAM):
    # written tables go to the file; a laptop needs the memory for the next source.
    con = _connect(tmp, BUILD_MEMORY)
    try:
        _stage("created")
        written: set[str] = set()

        def write(item: Loaded) -> None:
            t1, c1 = time.perf_counter(), _cpu()
            for name, frame in item.tables.items():
                if name in written:  # reference tables that more than one source carries
                    continue
                t2 = time.perf_counter()
                # Arrow string views, as polars holds its strings: the default (large strings) copies
                # every string of the frame first, some 400 MB more at the peak for the declaraties.
                con.register("__frame", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM __frame')
                con.unregister("__frame")
                written.add(name)
                progress(f"    -> {name:<24} {frame.height:>12,} rijen  {time.perf_counter() - t2:6.1f} s".replace(",", "."))
            item.write_seconds, item.write_cpu_seconds = time.perf_counter() - t1, _cpu() - c1
            if item.key != "cbs_regios":  # the settings read the gemeente names from it
                item.tables = {}

        progress(f"Inlezen, controleren en schrijven ({inputs.gemeente}):")
        loaded, resolved, problems = read_inputs(inputs, progress, sink=write)
        if problems or resolved is None:
            raise InputError(problems)
        write(Loaded("instellingen", settings_mod.tables(resolved), (), 0.0))
        t1, c1 = time.perf_counter(), _cpu()
        if derive:
            # Closed and opened again: a lower memory limit alone leaves DuckDB's allocator holding
            # much of what writing gigabytes of tables took (over 1 GB at scale 30), which the
            # derivation's own frames then come on top of. The tables are in the file.
            con.close()
            con = _connect(tmp, DERIVE_MEMORY)
            _derive(con, peildatum, written, write, progress)
        derived = {"seconds": time.perf_counter() - t1, "cpu": _cpu() - c1}
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
    sources = [
        {"key": i.key, "rows": i.rows, "read_seconds": i.seconds, "write_seconds": i.write_seconds, "read_cpu": i.cpu_seconds, "write_cpu": i.write_cpu_seconds}
        for i in loaded
    ]
    return {"build_id": build_id, "seconds": seconds, "quality": counts, "sources": sources, "derived": derived}


# Results the app would otherwise compute for every fresh server, made once per build from the
# warehouse's own tables and stored beside them: work that does not depend on what a user chooses.
# "module:function(cursor, peildatum, tables, progress) -> {table: frame}"; metrics.waarden lists
# the values each protected metric has per open dimension (metriek_waarden), metrics.jeugd.selectie
# makes the forecast of the gemeente as a whole (jeugd_prognose_vooraf; data_sources/WAREHOUSE.md).
DERIVED = ("metrics.waarden:tables", "metrics.jeugd.selectie:tables")


def _connect(path: Path, memory: str):
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute("SET enable_progress_bar = false")  # the build reports its own progress
    return con


def _derive(con, peildatum: dt.date, written: set[str], write: Sink, progress) -> None:
    progress("Afgeleide tabellen maken (onder meer de jeugdprognose van de gemeente)...")
    for ref in DERIVED:
        module, name = ref.split(":")
        fn = getattr(importlib.import_module(module), name)
        cursor = con.cursor()
        try:
            tables = fn(cursor, peildatum, frozenset(written), progress)
        finally:
            cursor.close()
        if tables:
            write(Loaded("afgeleid", tables, (), 0.0))


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
                "rows": item.rows,
                "tables": ", ".join(item.table_names),
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
