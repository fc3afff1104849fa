"""What a source is: its declaration (who owns it, what it produces) and the context a reader gets.

Every module `data_sources/<key>.py` defines one `SOURCE = Source(...)`. Owners and stewards are
declared here, once per source, as the default; the gemeente's settings file names its own
(data_sources/gemeenten/<GMxxxx>.toml), and the build writes the result to `datasets`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from data_sources.problems import Problems

CheckKind = Literal[
    "completeness",  # share of non-empty values in `column` >= threshold
    "unique",  # `columns` form a key
    "refers_to_buurt",  # share of `column` values found in buurten.buurt_code >= threshold
    "freshness",  # newest `column` (a date or a jaar) is at most `threshold` days/years old
    "sum_matches",  # sum of `column` in `table` within `threshold` (relative) of `reference` SQL
    "rows_at_least",  # table has at least `threshold` rows
]


@dataclass(frozen=True)
class Check:
    """A data quality check, declared as data and run by the build on the new warehouse."""

    table: str
    kind: CheckKind
    description: str  # Dutch, shown on the data page
    column: str | None = None
    columns: tuple[str, ...] = ()
    threshold: float | None = None
    # sum_matches: SQL returning one number to compare with; warn (not fail) when off.
    reference_sql: str | None = None
    # SQL condition: the check looks only at the rows of `table` that meet it.
    where: str | None = None
    # Other tables the check reads (e.g. in reference_sql); it is skipped when one is absent,
    # since every source is optional.
    requires: tuple[str, ...] = ()
    severity_on_miss: Literal["warn", "fail"] = "warn"


@dataclass
class Context:
    """What a reader may use besides its own files."""

    gemeente: str  # e.g. "GM0193"; readers keep this gemeente's rows (see WAREHOUSE.md)
    problems: Problems
    # Region tables as produced by cbs_regios (None when that source is not loaded):
    # gemeenten(gemeente_code, gemeente_naam), wijken(...), buurten(...)
    regios: dict[str, pl.DataFrame] | None = None
    # Keyed pseudonymisation for person keys; see data_sources.privacy.
    pseudonymiser: "object | None" = None
    options: dict = field(default_factory=dict)  # extra keys of this source's table in inputs.toml
    # Tables of sources read earlier in this build without problems, by table name: a reader
    # checks references across sources against them (declaraties -> toewijzingen).
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    progress: Callable[[str], None] = lambda msg: None

    def need_regios(self, source_key: str, file: str | Path, why: str) -> dict[str, pl.DataFrame] | None:
        """The region tables, or a problem saying cbs_regios must be in inputs.toml."""
        if self.regios is None:
            self.problems.add(
                file,
                f"{source_key} heeft de wijk- en buurtindeling nodig om {why}",
                expected="een [cbs_regios]-tabel in inputs.toml met het CBS-bestand WijkenEnBuurten",
            )
        return self.regios


@dataclass(frozen=True)
class Table:
    """A warehouse table a source produces: its key and what a row means (Dutch, for the data page)."""

    name: str
    key: tuple[str, ...]
    description: str


Reader = Callable[[Sequence[Path], Context], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class Source:
    key: str
    title: str  # Dutch, as on the data page
    description: str  # Dutch: what the dataset is and what it is used for
    publisher: str  # who publishes the files (CBS, Politie, Gemeente {gemeente}, ...); {gemeente}: the build's name
    # Defaults; the gemeente's settings file (data_sources/instellingen.py) overrides them per source.
    owner: str  # data owner (eigenaar): role or department that answers for the content; {gemeente} as above
    steward: str  # data steward: who keeps it loaded and correct
    licence: str
    refresh: str  # Dutch: "jaarlijks", "maandelijks", ...
    personal_data: bool
    tables: tuple[Table, ...]  # warehouse tables the reader returns (see WAREHOUSE.md)
    read: Reader
    needs: tuple[str, ...] = ()  # source keys that must be read first
    checks: tuple[Check, ...] = ()
    # Maximum age before the freshness check warns, in days, for the newest period in the data.
    max_age_days: int | None = None
