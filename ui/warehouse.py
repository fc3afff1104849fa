"""The app's read-only view of the warehouse: one DuckDB connection per file version, shared.

A rebuild (`python -m data_sources build`, e.g. from a systemd timer) writes a new file and renames
it into place while the app serves. Every page run asks for the warehouse once (`get()`, called by
layout.page); we stat the path then, and a new inode, modification time or size is a new version:

- the new version is opened (read-only) and from then on handed to every new page run, so the app
  picks up a build without a restart;
- a run that started on the old version keeps it until the run ends (a lease, released by
  router.run), so a reader never loses its connection halfway through a page;
- the old version is closed as soon as no run holds it any more: its file (already unlinked by the
  rename) is then really freed, and at most one old version per run still in progress stays open.
  `open_versions()` says how many are open (tests check it stays at one when the server is idle);
- if the new file cannot be opened (a copy still being written by hand, a broken file), runs keep
  the version they had and the problem is logged once: readers never see an error for it.

DuckDB connections are not thread-safe: every query runs on its own cursor (`Warehouse.cursor()`).
Cursors are closed after each query (metrics.warehouse.run), so closing a version's connection
releases its file.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from metrics.warehouse import DuckDBWarehouse as Warehouse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "datakompas.duckdb"

log = logging.getLogger("datakompas.warehouse")


def db_path() -> Path:
    env = os.environ.get("DATAKOMPAS_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


class WarehouseMissing(Exception):
    """No warehouse file at the configured path."""


class WarehouseUnreadable(Exception):
    """The warehouse file exists but cannot be opened, and no earlier version is open."""


Key = tuple[str, int, int, int]  # path, inode, mtime_ns, size


@dataclass(eq=False)
class _Version:
    key: Key
    wh: Warehouse
    users: int = 0  # page runs holding it now
    stale: bool = False  # a newer version is current: close when the last user is done


@dataclass
class _Registry:
    """The open versions of every warehouse path this process serves (normally one path)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    current: dict[str, _Version] = field(default_factory=dict)  # path -> current version
    old: list[_Version] = field(default_factory=list)  # stale versions still in use
    failed: set[Key] = field(default_factory=set)  # keys that could not be opened (logged once)

    def acquire(self, path: Path, *, lease: bool) -> _Version:
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise WarehouseMissing(str(path)) from None
        key: Key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self.lock:
            cur = self.current.get(key[0])
            if cur is None or cur.key != key:
                cur = self._switch(cur, key)
            if lease:
                cur.users += 1
            return cur

    def _switch(self, cur: _Version | None, key: Key) -> _Version:
        """Open version `key` and make it current; keep `cur` when `key` cannot be opened."""
        if key in self.failed and cur is not None:
            return cur
        try:
            # Opening is an ATTACH and one small query: fast enough to do under the lock, and
            # doing it once keeps two sessions from opening the same new file twice.
            new = _Version(key, Warehouse(key[0], version=f"{key[1]}-{key[2]}"))
        except Exception as e:  # noqa: BLE001 - any failure to open: keep serving what we have
            if key not in self.failed:
                self.failed.add(key)
                log.warning("warehouse %s (inode %s, %s bytes) kan niet geopend worden: %s", key[0], key[1], key[3], type(e).__name__)
            if cur is not None:
                return cur
            raise WarehouseUnreadable(key[0]) from None
        self.failed.discard(key)
        if cur is not None:
            cur.stale = True
            if cur.users:
                self.old.append(cur)
            else:
                cur.wh.close()
        self.current[key[0]] = new
        log.info("warehouse %s: nieuwe versie geopend (build %s)", key[0], new.wh.build_id)
        return new

    def release(self, v: _Version) -> None:
        with self.lock:
            v.users -= 1
            if v.stale and v.users <= 0 and v in self.old:
                self.old.remove(v)
                v.wh.close()

    def open_versions(self) -> int:
        with self.lock:
            return len(self.current) + len(self.old)

    def close_all(self) -> None:
        """Close every version (tests; a process about to exit)."""
        with self.lock:
            for v in [*self.current.values(), *self.old]:
                v.wh.close()
            self.current.clear()
            self.old.clear()
            self.failed.clear()


_REGISTRY = _Registry()
_run = threading.local()  # the leases of the page run on this thread (Streamlit: a thread per run)


class run_leases:
    """Context for one page run (router.run): versions handed out during it are released at its end."""

    def __enter__(self) -> "run_leases":
        self.outer = getattr(_run, "leases", None)
        _run.leases = []
        return self

    def __exit__(self, *exc) -> None:
        leases, _run.leases = _run.leases, self.outer
        for v in leases:
            _REGISTRY.release(v)


def get() -> Warehouse:
    """The current warehouse version. Inside a page run it stays open until the run ends; outside
    one (a script, a test) it stays open until a newer build is picked up."""
    leases = getattr(_run, "leases", None)
    v = _REGISTRY.acquire(db_path(), lease=leases is not None)
    if leases is not None:
        leases.append(v)
    return v.wh


def open_versions() -> int:
    """How many warehouse versions this process holds open (1 when idle; more while runs that
    started on an older build are still going)."""
    return _REGISTRY.open_versions()


def close_all() -> None:
    _REGISTRY.close_all()
