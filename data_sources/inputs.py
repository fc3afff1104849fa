"""inputs.toml: which files feed which source, for which gemeente.

```toml
gemeente = "GM0193"

[politie_misdrijven]
files = ["politie/47018NED_2023.csv"]   # relative to this file, or absolute
```
Every source is optional. Extra keys in a source table are passed to its reader as options.
Optional top-level keys: `peildatum = 2026-11-01` (the date the exports were taken; default: the
day of the build), `demo = true` (written by the demo generator, shown as such in the app) and
`instellingen = "pad.toml"` (the settings file of the gemeente, relative to this file; default:
data_sources/gemeenten/<gemeente>.toml, see data_sources/instellingen.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from data_sources.problems import InputError, Problems
from data_sources.readers import read_toml
from data_sources.registry import SOURCE_KEYS

GEMEENTE_CODE = re.compile(r"GM\d{4}")


@dataclass(frozen=True)
class SourceInput:
    key: str
    files: tuple[Path, ...]
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Inputs:
    path: Path
    gemeente: str
    sources: dict[str, SourceInput]
    peildatum: dt.date | None = None
    demo: bool = False
    instellingen: Path | None = None  # chosen settings file; None: data_sources/gemeenten/<gemeente>.toml

    def all_files(self) -> list[Path]:
        return [f for s in self.sources.values() for f in s.files]


def check_gemeente_code(code: str, where: str, problems: Problems) -> None:
    if not GEMEENTE_CODE.fullmatch(code):
        problems.add(where, "ongeldige gemeentecode", column="gemeente", value=code, expected="GM gevolgd door 4 cijfers, bijv. GM0193 (Zwolle)")


def load(path: Path, gemeente_override: str | None = None) -> Inputs:
    """Parse and check inputs.toml; raise InputError listing every problem."""
    problems = Problems()
    shown = str(path)
    if not path.is_file():
        problems.add(shown, "bestand niet gevonden", expected="het pad naar een inputs.toml")
        raise InputError(problems)
    doc = read_toml(path, problems, 'TOML zoals in README (gemeente = "GM0193" en per bron files = [...])')
    if doc is None:
        raise InputError(problems)

    gemeente = gemeente_override or doc.get("gemeente")
    if not isinstance(gemeente, str):
        problems.add(shown, "sleutel 'gemeente' ontbreekt of is geen tekst", column="gemeente", expected='gemeente = "GM0193"')
        gemeente = ""
    else:
        check_gemeente_code(gemeente, shown, problems)

    peildatum = doc.get("peildatum")
    if peildatum is not None and not (isinstance(peildatum, dt.date) and not isinstance(peildatum, dt.datetime)):
        problems.add(shown, "peildatum is geen datum", column="peildatum", value=peildatum, expected="peildatum = 2026-11-01 (zonder aanhalingstekens)")
        peildatum = None
    demo = doc.get("demo", False)
    if not isinstance(demo, bool):
        problems.add(shown, "demo is geen true/false", column="demo", value=demo, expected="demo = true of weglaten")
        demo = False

    base = path.parent
    instellingen = doc.get("instellingen")
    if instellingen is not None:
        if not isinstance(instellingen, str) or not instellingen.strip():
            problems.add(shown, "instellingen is geen pad", column="instellingen", value=instellingen, expected='instellingen = "gemeenten/GM0193.toml"')
            instellingen = None
        else:
            instellingen = Path(instellingen) if Path(instellingen).is_absolute() else base / instellingen
            if not instellingen.is_file():
                problems.add(shown, f"instellingenbestand niet gevonden: {instellingen}", column="instellingen",
                             expected="een bestaand TOML-bestand (pad relatief aan inputs.toml of absoluut), of de regel weglaten")
    sources: dict[str, SourceInput] = {}
    for key, value in doc.items():
        if key in ("gemeente", "peildatum", "demo", "instellingen"):
            continue
        if key not in SOURCE_KEYS:
            close = difflib.get_close_matches(key, SOURCE_KEYS, n=1)
            hint = f"; bedoelt u '{close[0]}'?" if close else ""
            problems.add(shown, f"onbekende bron [{key}]{hint}", expected="een van: " + ", ".join(SOURCE_KEYS))
            continue
        if not isinstance(value, dict) or "files" not in value:
            problems.add(shown, f"[{key}] heeft geen files = [...]", column=key, expected='files = ["pad/naar/bestand.csv"]')
            continue
        files = value["files"]
        if isinstance(files, str):
            files = [files]
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            problems.add(shown, f"[{key}] files moet een lijst met paden zijn", column=key, value=files, expected='files = ["pad/naar/bestand.csv"]')
            continue
        resolved = []
        for f in files:
            p = Path(f)
            p = p if p.is_absolute() else base / p
            if not p.is_file():
                problems.add(shown, f"[{key}] bestand niet gevonden: {p}", expected="een bestaand bestand (pad relatief aan inputs.toml of absoluut)")
            resolved.append(p)
        options = {k: v for k, v in value.items() if k != "files"}
        sources[key] = SourceInput(key=key, files=tuple(resolved), options=options)
    if problems:
        raise InputError(problems)
    return Inputs(path=path, gemeente=gemeente, sources=sources, peildatum=peildatum, demo=demo, instellingen=instellingen)
