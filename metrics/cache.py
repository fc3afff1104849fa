"""A small, thread-safe LRU cache of result frames, shared by every engine in the process.

Keys include the warehouse build id, so a rebuilt warehouse never serves old numbers. Values are
returned as clones: a page that adds a column cannot change what the next page gets.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import polars as pl


class FrameCache:
    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, pl.DataFrame] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key].clone()
            self.misses += 1
        # Computed outside the lock: a slow query must not block other sessions' cache hits.
        frame = compute()
        with self._lock:
            self._data[key] = frame
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return frame.clone()

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


CACHE = FrameCache()
