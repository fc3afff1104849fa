"""Uploading a new export from the app: staged, checked and built in a child process.

Where things live (decided here, once):
- The staging folder: `DATAKOMPAS_STAGING`, else `staging/` next to the warehouse file. Every upload
  gets a folder of its own (`upload-<time>-<id>/`) with the uploaded files and an inputs.toml;
  nothing is ever written over the inputs in use.
- The inputs the app rebuilds from: `DATAKOMPAS_INPUTS` when set, else the inputs.toml the current
  warehouse was built from (`builds.inputs`) while it exists. A demo warehouse whose raw files are
  gone (`build --demo` writes them to a temporary folder) gets them written again into the staging
  folder (`demo-<peildatum>/`) by `python -m data_sources demo`, with the same seed, and checked
  against the checksums the build recorded: different files would change figures nobody uploaded.
- The staged inputs.toml is the base inputs.toml with absolute paths, where the chosen source's
  files are replaced by uploaded files of the same name and uploaded files with a new name added.

Checking and building run as `python -m data_sources check|build ... --problems-json`, never in
the server process: a build must not hold up other sessions. The build is atomic (data_sources.build):
on any failure the warehouse stays byte-for-byte as it was. One rebuild at a time (a lock file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from data_sources.registry import SOURCE_KEYS
from data_sources.registry import get as source

ROOT = Path(__file__).resolve().parent.parent
DEMO_SEED = 193  # the CLI's default (python -m data_sources demo|build --demo)


def staging_root(db: Path) -> Path:
    env = os.environ.get("DATAKOMPAS_STAGING")
    return Path(env).expanduser().resolve() if env else db.resolve().parent / "staging"


@dataclass(frozen=True)
class Base:
    """The inputs.toml a rebuild starts from, or why there is none."""

    inputs: Path | None
    how: str  # Dutch: where it came from
    problem: str | None = None


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def current_inputs(db: Path, *, built_from: str | None, demo: bool, peildatum: dt.date | None, checksums: dict[str, dict[str, str]]) -> Base:
    """Where the app's inputs.toml is for a rebuild (see the module note). `checksums`: per source
    key the {file name: sha256} the current build recorded (datasets.checksums)."""
    env = os.environ.get("DATAKOMPAS_INPUTS")
    if env:
        path = Path(env).expanduser()
        if path.is_file():
            return Base(path.resolve(), f"DATAKOMPAS_INPUTS ({path})")
        return Base(None, "", f"DATAKOMPAS_INPUTS wijst naar {path}, maar dat bestand bestaat niet.")
    if built_from and Path(built_from).is_file():
        return Base(Path(built_from).resolve(), f"de inputs.toml van de huidige build ({built_from})")
    if demo and peildatum is not None:
        folder = staging_root(db) / f"demo-{peildatum.isoformat()}"
        toml = folder / "inputs.toml"
        if not toml.is_file():
            done = subprocess.run(
                [sys.executable, "-m", "data_sources", "demo", "--out", str(folder), "--seed", str(DEMO_SEED), "--peildatum", peildatum.isoformat()],
                cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["onbekende fout"])[-1]
                return Base(None, "", f"De demobestanden konden niet opnieuw geschreven worden: {last}")
        differs = _differs(toml, checksums)
        if differs:
            return Base(None, "", f"De demodata van dit warehouse zijn niet opnieuw te maken (ander zaad of andere schaal: {differs} wijkt af). "
                                  "Bouw opnieuw met `python -m data_sources build --demo` of met eigen bestanden en DATAKOMPAS_INPUTS.")  # fmt: skip
        return Base(toml.resolve(), f"de demobestanden, opnieuw geschreven in de staging-map ({folder})")
    return Base(None, "", "Onbekend uit welke bestanden dit warehouse is gebouwd (de inputs.toml van de build bestaat niet meer). "
                          "Zet DATAKOMPAS_INPUTS op het pad van uw inputs.toml.")  # fmt: skip


def _differs(toml: Path, checksums: dict[str, dict[str, str]]) -> str | None:
    files = resolved_files(toml)
    for key, expected in checksums.items():
        have = {p.name: p for p in files.get(key, [])}
        for name, sha in expected.items():
            if name not in have or _sha(have[name]) != sha:
                return name
    return None


def resolved_files(toml: Path) -> dict[str, list[Path]]:
    """source key -> its files as absolute paths, from an inputs.toml."""
    doc = tomllib.loads(toml.read_text(encoding="utf-8"))
    out = {}
    for key, value in doc.items():
        if key in SOURCE_KEYS and isinstance(value, dict):
            files = value.get("files", [])
            files = [files] if isinstance(files, str) else files
            out[key] = [Path(f) if Path(f).is_absolute() else (toml.parent / f).resolve() for f in files]
    return out


# ---- staging an upload ---------------------------------------------------------------------------


_SAFE_NAME = re.compile(r"^[\w][\w .()+,-]*$")


def safe_name(name: str) -> str | None:
    """The file name of an upload, or None when it is not a plain file name (no folders, no '..')."""
    base = Path(name.replace("\\", "/")).name.strip()
    return base if base and base not in (".", "..") and _SAFE_NAME.match(base) and len(base) <= 200 else None


@dataclass
class Staged:
    folder: Path
    inputs: Path
    source: str
    plan: list[tuple[str, str]] = field(default_factory=list)  # (file name, "vervangt" | "nieuw")


def stage(base: Path, source_key: str, uploads: Iterable[tuple[str, bytes]], root: Path) -> Staged:
    """Write the uploads and a new inputs.toml into a fresh folder under `root` (see the module note)."""
    if source_key not in SOURCE_KEYS:
        raise ValueError(f"onbekende bron {source_key!r}")
    doc = tomllib.loads(base.read_text(encoding="utf-8"))
    files = resolved_files(base)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = root / f"upload-{stamp}-{uuid.uuid4().hex[:6]}"
    (folder / source_key).mkdir(parents=True)
    current = list(files.get(source_key, []))
    plan = []
    for name, data in uploads:
        clean = safe_name(name)
        if clean is None:
            raise ValueError(f"ongeldige bestandsnaam: {name!r}")
        target = folder / source_key / clean
        target.write_bytes(data)
        same = [i for i, p in enumerate(current) if p.name == clean]
        if same:
            current[same[0]] = target
            plan.append((clean, "vervangt"))
        else:
            current.append(target)
            plan.append((clean, "nieuw"))
    files[source_key] = current
    lines = [f"# Gemaakt door de app bij een upload voor [{source_key}] op {stamp}; basis: {base}"]
    for key in ("gemeente", "peildatum", "demo"):
        if key in doc:
            lines.append(f"{key} = {_toml(doc[key])}")
    if "instellingen" in doc:
        path = Path(doc["instellingen"])
        lines.append(f"instellingen = {_toml(str(path if path.is_absolute() else (base.parent / path).resolve()))}")
    for key in SOURCE_KEYS:
        if key not in files:
            continue
        lines += ["", f"[{key}]", "files = [" + ", ".join(_toml(str(p)) for p in files[key]) + "]"]
        lines += [f"{k} = {_toml(v)}" for k, v in (doc.get(key) or {}).items() if k != "files"]
    toml = folder / "inputs.toml"
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Staged(folder, toml, source_key, plan)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string


# ---- checking and building in a child process ------------------------------------------------------


@dataclass
class Outcome:
    code: int  # 0 ok, 2 invalid input, 1 a bug, -1 could not run
    problems: list[dict]  # file, line, column, value, expected, message, count
    log: list[str]  # the progress lines

    @property
    def ok(self) -> bool:
        return self.code == 0


def _run(args: list[str], problems_json: Path, on_line: Callable[[str], None] | None) -> Outcome:
    problems_json.unlink(missing_ok=True)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "data_sources", *args, "--problems-json", str(problems_json)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")  # fmt: skip
    except OSError as e:
        return Outcome(-1, [], [f"De controle kon niet starten: {e}"])
    log = []
    for line in proc.stderr:
        line = line.rstrip("\n")
        log.append(line)
        if on_line is not None:
            on_line(line)
    code = proc.wait()
    problems = json.loads(problems_json.read_text(encoding="utf-8")) if problems_json.is_file() else []
    return Outcome(code, problems, log)


def check(staged: Staged, on_line: Callable[[str], None] | None = None) -> Outcome:
    """`python -m data_sources check` on the staged inputs: every problem, nothing written."""
    return _run(["check", "--inputs", str(staged.inputs)], staged.folder / "problemen-controle.json", on_line)


class Busy(Exception):
    """Another rebuild is running."""


def _lock(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lock = root / ".herbouw.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        try:
            pid = int(lock.read_text().strip() or 0)
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError, PermissionError, OSError):
            lock.unlink(missing_ok=True)  # left by a process that is gone
            return _lock(root)
        raise Busy(f"Er loopt al een herbouw (proces {pid}); probeer het zo opnieuw.") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(str(os.getpid()))
    return lock


def rebuild(staged: Staged, db: Path, on_line: Callable[[str], None] | None = None) -> Outcome:
    """`python -m data_sources build --inputs <staged> --db <db>` in a child process; one at a time."""
    lock = _lock(staged.folder.parent)
    try:
        return _run(["build", "--inputs", str(staged.inputs), "--db", str(db)], staged.folder / "problemen-build.json", on_line)
    finally:
        lock.unlink(missing_ok=True)


READ_AND_WRITE = 0.6  # the share of the progress bar for reading sources and writing their tables


def progress(line: str, sources: int, state: dict) -> float | None:
    """A fraction done from one build progress line, or None. The build reads each source and writes
    its tables (to 60%), then derives tables such as the jeugd forecast (to 95%, its one long step)."""
    if line.startswith("Klaar in"):
        return 1.0
    if line.startswith("Afgeleide tabellen maken"):
        state["deriving"] = True
        return READ_AND_WRITE
    if state.get("deriving"):
        return 0.95 if line.startswith("  prognose vooraf") else None
    if not re.match(r"^  (\S+)\s+[\d.]+ rijen|^    -> (\S+)\s+[\d.]+ rijen", line):
        return None
    state["steps"] = state.get("steps", 0) + 1
    return min(READ_AND_WRITE * state["steps"] / max(sources + state.get("expected_tables", 0), 1), READ_AND_WRITE)


def expected_tables(staged: Staged) -> int:
    return sum(len(source(k).tables) for k in resolved_files(staged.inputs)) + 5  # + the settings tables
