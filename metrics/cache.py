"""A small, thread-safe LRU cache of result frames, shared by every engine in the process.

Keys include the warehouse build id, so a rebuilt warehouse never serves old numbers. Values are
returned as clones: a page that adds a column cannot change what the next page gets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import polars as pl


class SingleFlight:
    """Make each key once at a time: a thread that asks for a key another thread is computing
    waits for that result instead of computing it too. Ten sessions opening the same page at the
    same moment then run each query once, not ten times over (ten times the memory, and a
    queue for the two cores). Subclasses keep the results (`_get`, `_put`) under `_lock`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Event] = {}

    def _get(self, key: Hashable) -> tuple[bool, object]:
        raise NotImplementedError

    def _put(self, key: Hashable, value: object) -> None:
        raise NotImplementedError

    def _once(self, key: Hashable, compute: Callable[[], object]) -> tuple[object, bool]:
        """(value, whether it came from the cache)."""
        while True:
            with self._lock:
                found, value = self._get(key)
                if found:
                    return value, True
                waiting = self._pending.get(key)
                if waiting is None:
                    done = self._pending[key] = threading.Event()
                    break
            # Another thread is computing it: wait, then look again (if it failed, try ourselves).
            waiting.wait()
        try:
            # Computed outside the lock: a slow query must not block other sessions' cache hits.
            value = compute()
            with self._lock:
                self._put(key, value)
            return value, False
        finally:
            with self._lock:
                self._pending.pop(key, None)
            done.set()


class FrameCache(SingleFlight):
    """At most `maxsize` frames and `maxbytes` (polars' estimate), least recently used out first.
    The cold views of the four pages leave about 600 frames of 0.2 MB together at demo scale 30:
    the bounds hold a few views of each, so a page that makes more frames than most does not push
    out its own first answers (or another page's) while it is still drawing."""

    def __init__(self, maxsize: int = 2048, maxbytes: int = 64_000_000) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.maxbytes = maxbytes
        self._data: OrderedDict[Hashable, pl.DataFrame] = OrderedDict()
        self._bytes = 0
        # Keys filed under a family (see get_or_compute), so find() looks at those only.
        self._families: dict[Hashable, dict[Hashable, None]] = {}
        self._family_of: dict[Hashable, Hashable] = {}
        self.hits = 0
        self.misses = 0

    def _get(self, key: Hashable) -> tuple[bool, object]:
        if key in self._data:
            self._data.move_to_end(key)
            self.hits += 1
            return True, self._data[key]
        return False, None

    def _put(self, key: Hashable, value: object) -> None:
        self.misses += 1
        if key in self._data:
            self._bytes -= self._data[key].estimated_size()
        self._data[key] = value
        self._bytes += value.estimated_size()
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize or (self._bytes > self.maxbytes and len(self._data) > 1):
            old, frame = self._data.popitem(last=False)
            self._bytes -= frame.estimated_size()
            if (family := self._family_of.pop(old, None)) is not None:
                members = self._families[family]
                del members[old]
                if not members:
                    del self._families[family]

    def get_or_compute(self, key: Hashable, compute: Callable[[], pl.DataFrame], family: Hashable | None = None) -> pl.DataFrame:
        """The frame of `key`, computed once. `family`: file the key under it for find()."""
        frame, _ = self._once(key, compute)
        if family is not None:
            with self._lock:
                if key in self._data and key not in self._family_of:
                    self._family_of[key] = family
                    self._families.setdefault(family, {})[key] = None
        return frame.clone()

    def find(self, family: Hashable, match: Callable[[Hashable], bool]) -> tuple[Hashable, pl.DataFrame] | None:
        """The key and a clone of the frame of an entry of `family` whose key matches, or None;
        computes nothing and does not count as a use. Only the family's keys are looked at (the
        questions about one metric for one scope): a full cache holds thousands of keys, and a
        page looks for a family's often."""
        with self._lock:
            for key in self._families.get(family, ()):
                if match(key):
                    return key, self._data[key].clone()
        return None

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._families.clear()
            self._family_of.clear()
            self._bytes = 0
            self.hits = self.misses = 0


CACHE = FrameCache()
