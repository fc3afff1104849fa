"""Problems found in input files, collected rather than raised one by one.

A user who feeds a wrong export wants every problem in one run, each on one line that names
the file, the line (or row), the column, the value found and what was expected. Loaders add
problems to a `Problems` collector; the CLI prints them and exits 2.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MAX_PER_FILE = 20


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    # How many occurrences this line stands for: a check that fails on a million rows reports
    # its first rows one by one and the rest as one problem with a count.
    count: int = 1

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(f"kolom '{self.column}'")
        text = ": ".join([", ".join(parts), self.message])
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f" (gevonden: {shown!r})"
        if self.expected:
            text += f"; verwacht: {self.expected}"
        return text


@dataclass
class Problems:
    """Collects problems; `lines()` gives at most MAX_PER_FILE per file plus a count of the rest."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
        count: int = 1,
    ) -> None:
        self.items.append(
            Problem(
                file=str(file),
                message=message,
                line=line,
                column=column,
                value=None if value is None else str(value),
                expected=expected,
                count=count,
            )
        )

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return sum(p.count for p in self.items)

    def lines(self) -> list[str]:
        shown: Counter[str] = Counter()
        total: Counter[str] = Counter()
        out: list[str] = []
        for p in self.items:
            total[p.file] += p.count
            if shown[p.file] < MAX_PER_FILE and p.count == 1:
                shown[p.file] += 1
                out.append(str(p))
        for file, n in total.items():
            if n > shown[file]:
                out.append(f"{file}: en nog {n - shown[file]} problemen (eerste {MAX_PER_FILE} getoond)")
        return out


class InputError(Exception):
    """Raised when input files are invalid; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("\n".join(problems.lines()))
