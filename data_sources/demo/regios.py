"""Demo cbs_regios: the WijkenEnBuurten dimension of 47018NED as cbsodataR saves it.

Also the regions every CBS and Politie demo file lists, in CBS's order: Nederland, the gemeenten,
and Zwolle's wijken each followed by its buurten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data_sources.demo import zwolle as z
from data_sources.demo.cbs_files import r_csv, save


@dataclass(frozen=True)
class Regio:
    code: str
    naam: str
    soort: str  # as the SoortRegio topic names it: Land, Gemeente, Wijk, Buurt
    gemeente: str = ""  # name of its gemeente
    wijk: str = ""  # name of its wijk (buurten)

    @property
    def key(self) -> str:
        """CBS pads region keys to 10 characters."""
        return self.code.ljust(10)


NL = Regio("NL00", "Nederland", "Land")
ZWOLLE = Regio(z.GEMEENTE_CODE, z.GEMEENTE_NAAM, "Gemeente", z.GEMEENTE_NAAM)
WIJK_NAAM = dict(z.WIJKEN)
WIJKEN = tuple(Regio(code, naam, "Wijk", z.GEMEENTE_NAAM) for code, naam in z.WIJKEN)
BUURTEN = tuple(Regio(b.code, b.naam, "Buurt", z.GEMEENTE_NAAM, WIJK_NAAM[b.wijk_code]) for b in z.BUURTEN)
ANDERE = tuple(Regio(g.code, g.naam, "Gemeente", g.naam) for g in z.GEMEENTEN)
# Wijk index of every buurt, for summing buurten into wijken.
WIJK_VAN = np.array([[w.code for w in WIJKEN].index(b.wijk_code) for b in z.BUURTEN])


def zwolle_ordered() -> list[Regio]:
    """Zwolle as CBS lists it: the gemeente, then each wijk followed by its buurten."""
    out = [ZWOLLE]
    for w in WIJKEN:
        out.append(w)
        out += [b for b, k in zip(BUURTEN, WIJK_VAN) if WIJKEN[k] == w]
    return out


def all_ordered() -> list[Regio]:
    gemeenten = sorted([ZWOLLE, *ANDERE], key=lambda r: r.code)
    out = [NL]
    for g in gemeenten:
        out += zwolle_ordered() if g == ZWOLLE else [g]
    return out


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """The same file for every seed, scale and peildatum: these are Zwolle's own regions."""
    rows = []
    for r in all_ordered():
        if r.soort == "Land":
            rows.append((r.key, r.naam, None, "", ""))
        elif r.soort == "Gemeente":
            rows.append((r.key, r.naam, f"Gemeente '{r.naam}' ({r.code})", r.code, r.code))
        elif r.soort == "Wijk":
            rows.append((r.key, r.naam, f"Wijk '{r.naam}' ({r.code}) is een wijk in de gemeente '{r.gemeente}'.", z.GEMEENTE_CODE, r.code))
        else:
            description = f"Buurt '{r.naam}' ({r.code}) is een buurt in wijk '{r.wijk}' in de gemeente '{r.gemeente}'."
            rows.append((r.key, r.naam, description, z.GEMEENTE_CODE, r.code))
    header = ("Key", "Title", "Description", "Municipality", "DetailRegionCode")
    return {"cbs_regios": [save(out, "politie/47018NED/WijkenEnBuurten.csv", r_csv(header, rows))]}
