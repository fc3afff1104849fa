"""Statistical disclosure control for figures about persons (AVG), as CBS does for zorg figures.

- Counts of persons are rounded to multiples of 5; counts 0-7 are not shown ("geheim").
- Complementary suppression: a table comes with its subtotals (the engine computes the full
  cube, so every total a user could also ask for is part of the table). A hidden cell must not be
  derivable from what is shown. Two passes, repeated until nothing changes:
  1. line rule: in every row/column (a line: cells that differ in one dimension only) whose
     total is shown, hide 0 or at least 2 cells, adding the smallest cell that is not itself
     pinned down by another line; if no such cell exists, hide the line's total instead;
  2. audit: solve the linear system of all lines; any hidden cell that is still determined
     (e.g. through a chain of lines) gets a partner hidden as well.
- Amounts (euros, durations) about a group hide when the group's person count hides.

Everything here is pure (no SQL): the engine feeds it the cube, tests feed it random tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import numpy as np
import polars as pl

THRESHOLD = 7  # counts up to and including this are "geheim"
BASE = 5  # visible counts are rounded to multiples of this


class _Total:
    """The marker for 'all values of this dimension' in a cell key."""

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL = _Total()

Key = tuple[Hashable, ...]


def round_count(value: float) -> int:
    """Round half up to a multiple of BASE (12 -> 10, 13 -> 15)."""
    return int(np.floor(value / BASE + 0.5)) * BASE


def lines(keys: list[Key]) -> list[tuple[Key, list[Key]]]:
    """Every line of the cube: (its total's key, its member keys), for totals that exist."""
    present = set(keys)
    groups: dict[tuple[int, Key], list[Key]] = defaultdict(list)
    for k in keys:
        for d, code in enumerate(k):
            if code is not TOTAL:
                groups[(d, k[:d] + (TOTAL,) + k[d + 1 :])].append(k)
    return [(total, members) for (_, total), members in groups.items() if total in present]


def suppress(cells: dict[Key, float | None]) -> set[Key]:
    """The keys to hide in a cube of person counts (None counts as 0). Deterministic: ties go by key order."""
    order = {k: i for i, k in enumerate(cells)}
    size = {k: (v or 0) for k, v in cells.items()}
    hidden = {k for k, v in size.items() if v <= THRESHOLD}
    table = lines(list(cells))
    sole: dict[Key, list[Key]] = defaultdict(list)  # member -> totals of lines it is alone in
    for total, members in table:
        if len(members) == 1:
            sole[members[0]].append(total)

    def pinned(k: Key) -> bool:
        return any(t not in hidden for t in sole[k])

    def smallest(keys) -> Key | None:
        free = [k for k in keys if k not in hidden and not pinned(k)]
        return min(free, key=lambda k: (size[k], order[k])) if free else None

    while True:
        _line_rule(table, hidden, smallest)
        determined = _determined(table, hidden, order)
        if not determined:
            return hidden
        x = determined[0]
        around = [(t, ms) for t, ms in table if x == t or x in ms]
        partner = smallest(k for _, ms in around for k in ms) or next((t for t, _ in around if t not in hidden), None)
        if partner is None:  # nothing near x is visible: widen to the whole table
            partner = min((k for k in cells if k not in hidden), key=lambda k: (size[k], order[k]))
        hidden.add(partner)


def _line_rule(table, hidden: set[Key], smallest) -> None:
    changed = True
    while changed:
        changed = False
        for total, members in table:
            if total in hidden or sum(m in hidden for m in members) != 1:
                continue
            hidden.add(smallest(members) or total)
            changed = True


def _determined(table, hidden: set[Key], order: dict[Key, int]) -> list[Key]:
    """Hidden cells whose value follows from the shown ones (the null space of the system has no freedom there)."""
    unknown = sorted(hidden, key=order.__getitem__)
    if not unknown:
        return []
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, members in table:
        row = np.zeros(len(unknown))
        for m in members:
            if m in index:
                row[index[m]] = 1.0
        if total in index:
            row[index[total]] = -1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    a = np.array(rows)
    _, s, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((s > 1e-9 * max(s.max(), 1.0)).sum())
    null = vt[rank:].T  # (unknowns x freedom)
    if null.shape[1] == 0:
        return unknown
    return [k for k in unknown if np.abs(null[index[k]]).max() < 1e-9]


def protect(frame: pl.DataFrame, by: tuple[str, ...], *, persons: bool) -> pl.DataFrame:
    """Disclosure control on a cube: one row per cell and subtotal, with a boolean `_totaal_<dim>`
    per dimension in `by` (True where the row is the total over that dimension).

    persons: `waarde` is a count of persons (rounded, or hidden); otherwise `waarde` is an amount
    hidden with the person count in column `personen`. Adds `geheim`; drops `personen`."""
    flags = [f"_totaal_{d}" for d in by]
    frame = frame.sort([*flags, *by], nulls_last=True)
    rows = frame.select(*by, *flags).iter_rows()
    n = len(by)
    keys = [tuple(TOTAL if r[n + i] else r[i] for i in range(n)) for r in rows] if by else [()] * frame.height
    counts = frame["waarde" if persons else "personen"].to_list()
    hidden = suppress(dict(zip(keys, counts)))
    geheim = [k in hidden for k in keys]
    values = frame["waarde"].to_list()
    shown = [None if h else (float(round_count(v)) if persons else v) for h, v in zip(geheim, values)]
    frame = frame.with_columns(waarde=pl.Series(shown, dtype=pl.Float64), geheim=pl.Series(geheim, dtype=pl.Boolean))
    return frame.drop("personen") if "personen" in frame.columns else frame
