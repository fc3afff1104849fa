"""What every benchmark part shares: the machine it ran on, child processes measured from outside
(wall clock, CPU seconds, peak RSS via wait4), and the demo files and warehouse per scale.

Figures are wall-clock seconds unless a field says cpu: CPU seconds of the process (all its threads)
are reported beside them, because on a shared machine the wall clock also measures the neighbours.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"  # git-ignored
PEILDATUM = dt.date(2026, 11, 1)  # the tests' demo peildatum: the same data the tests see
SEED = 193


def machine() -> dict:
    """The machine and software the figures come from (for the README table)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for mod in ("polars", "duckdb", "streamlit", "pandas", "pyarrow"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


# A part starts only once the machine has calmed down (1-minute load average below this, at most
# SETTLE_MAX seconds): the ten browser sessions at the end of a scale left a load of 18-23 behind,
# and the next scale's build and cold pages were then measured against them.
QUIET_LOAD = 1.5
SETTLE_MAX = 300.0


def settle(log=print) -> dict:
    """Wait for a quiet machine; what was waited and the load the part then started at."""
    t0 = time.monotonic()
    load = load_average()
    if load is not None and load[0] >= QUIET_LOAD:
        log(f"  wachten op een rustige machine (belasting {load[0]:.1f}) ...")
        while load[0] >= QUIET_LOAD and time.monotonic() - t0 < SETTLE_MAX:
            time.sleep(5)
            load = load_average()
    return {"waited_s": time.monotonic() - t0, "load": load, "quiet": load is None or load[0] < QUIET_LOAD, "probe_s": speed_probe()}


def speed_probe() -> float:
    """Seconds for a fixed piece of Python (median of 3): how fast the host is at that moment. A
    quiet load average is not a fast machine: on this shared VM an unchanged page (/data at scale 30)
    took 0.26 s in one hour and 0.14 s in another, with a quiet load average both times."""

    def once() -> float:
        t0 = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        return time.perf_counter() - t0

    return statistics.median(once() for _ in range(3))


@dataclass
class Child:
    """A finished child process as seen from outside."""

    returncode: int
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (all its threads)
    peak_rss_mb: float  # the child's own maximum resident set size
    stdout: str
    stderr: str

    def json(self) -> dict:
        """The last line of stdout that is a JSON object (what a benchmark child reports)."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"geen JSON-uitvoer van het kindproces (exit {self.returncode}):\n{self.stderr[-3000:]}")

    def check(self, what: str) -> "Child":
        if self.returncode != 0:
            raise RuntimeError(f"{what} mislukt (exit {self.returncode}):\n{self.stderr[-4000:]}")
        return self


def run_child(args: list[str], *, env: dict | None = None, timeout: float | None = None, cwd: Path = ROOT) -> Child:
    """Run `args` and measure it with wait4: the rusage of exactly this child (peak RSS in kB on
    Linux), not the maximum over every child this process ever had (RUSAGE_CHILDREN)."""
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=full_env, stdout=out, stderr=err)
        deadline = None if timeout is None else t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            returncode=proc.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=usage.ru_maxrss / 1024,
            stdout=out.read().decode("utf-8", errors="replace"),
            stderr=err.read().decode("utf-8", errors="replace"),
        )


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


@dataclass
class Scale:
    """The demo files and warehouse of one scale, kept under benchmarks/results/work (git-ignored)
    so a second run does not write 900 MB of demo files again."""

    scale: float
    work: Path

    @property
    def dir(self) -> Path:
        return self.work / f"schaal-{self.scale:g}"

    @property
    def raw(self) -> Path:
        return self.dir / "raw"

    @property
    def inputs(self) -> Path:
        return self.raw / "inputs.toml"

    @property
    def db(self) -> Path:
        return self.dir / "datakompas.duckdb"

    def ensure_raw(self, log=print) -> dict:
        """Write the demo files unless they are there (seed 193, peildatum 2026-11-01)."""
        stamp = self.raw / ".klaar"
        if stamp.is_file():
            return json.loads(stamp.read_text())
        log(f"  demodata schrijven, schaal {self.scale:g} ...")
        child = run_child(
            python("-m", "data_sources", "demo", "--out", str(self.raw), "--scale", f"{self.scale:g}", "--seed", str(SEED), "--peildatum", PEILDATUM.isoformat())
        ).check("demodata schrijven")
        files = [f for f in self.raw.rglob("*") if f.is_file() and f.name != ".klaar"]
        info = {"seconds": round(child.wall, 1), "files": len(files), "mb": round(sum(f.stat().st_size for f in files) / 1e6, 1)}
        stamp.write_text(json.dumps(info))
        return info


def asdict_rounded(obj, digits: int = 3):
    """A dataclass or nested dict/list with floats rounded, for readable JSON."""
    if hasattr(obj, "__dataclass_fields__"):
        obj = asdict(obj)
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, dict):
        return {k: asdict_rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [asdict_rounded(v, digits) for v in obj]
    return obj


def cpu_seconds() -> float:
    """CPU seconds of this process so far (every thread)."""
    return time.process_time()
