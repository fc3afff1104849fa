"""What the demo politie tables share: misdrijven (47018NED, 47022NED) and overlast (47024NED).

Both are cubes of a category dimension (SoortMisdrijf, Overlast) by WijkenEnBuurten and Perioden
with one count, saved by cbsodataR as CSV with the dimension file and DataProperties beside them.
Counts are drawn per month and category from national figures (real up to 2023) and the seasonal
pattern of each category.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data_sources.demo import zwolle as z
from data_sources.demo.cbs_files import pad, r_csv, r_line, save
from data_sources.demo.regios import NL, Regio

DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
NL_FIRST = 2015  # first year of the national facts (Soort.landelijk)
# Share of a gemeente's registrations that cannot be placed in one of its buurten.
ZWOLLE_ONGEPLAATST = 0.012
SEIZOENEN = {
    "vlak": (1,) * 12,
    "winter": (1.35, 1.15, 1.0, 0.85, 0.8, 0.75, 0.8, 0.85, 0.9, 1.1, 1.25, 1.45),
    "zomer_herfst": (0.75, 0.7, 0.85, 0.95, 1.05, 1.1, 1.1, 1.1, 1.2, 1.25, 1.1, 0.85),
    "zomer": (0.85, 0.8, 0.9, 1.0, 1.1, 1.15, 1.15, 1.15, 1.0, 0.95, 0.9, 0.95),
    "december": (0.95, 0.9, 0.95, 0.95, 1.0, 0.95, 0.95, 1.0, 0.95, 1.0, 1.1, 1.3),
    "jaarwisseling": (3.0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 1.0, 6.0),
    "nieuwjaar": (1.3, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.95, 0.95, 1.0),
    "jeugd": (0.7, 0.7, 0.9, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0, 1.0, 0.85, 0.85),
    "terras": (0.7, 0.7, 0.85, 1.0, 1.15, 1.3, 1.35, 1.3, 1.05, 0.95, 0.8, 0.9),
    "evenement": (0.3, 0.3, 0.5, 0.9, 1.6, 2.0, 2.0, 2.0, 1.3, 0.5, 0.3, 0.6),
    "geluid": (1.2, 0.85, 0.9, 1.0, 1.1, 1.2, 1.2, 1.1, 0.95, 0.9, 0.85, 1.05),
}


@dataclass(frozen=True)
class Soort:
    code: str
    titel: str
    omschrijving: str
    landelijk: tuple[int, ...]  # registrations in Nederland, NL_FIRST..2023 (CBS/Politie)
    seizoen: str
    centrum: float  # log affinity with busy, central buurten (crime per inhabitant)
    kenmerk: float  # log affinity with the table's second buurt trait: bedrijventerrein (misdrijven), children (overlast)

    @property
    def key(self) -> str:
        return self.code.ljust(6)


def season(soort: Soort) -> np.ndarray:
    weights = np.array(SEIZOENEN[soort.seizoen]) * DAYS
    return weights / weights.sum()


def national(soort: Soort, jaar: int) -> int:
    """National count: the real figure up to 2023, flat after (the latest year as estimate)."""
    return soort.landelijk[min(jaar, NL_FIRST + len(soort.landelijk) - 1) - NL_FIRST]


def buurt_features() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centrality, bedrijventerrein, family) per buurt: what makes a buurt attract what."""
    inw = np.array([b.inwoners_2024 for b in z.BUURTEN])
    per_head = np.log((np.array([b.misdrijven_2023 for b in z.BUURTEN]) + 1) / (inw + 50))
    centrum = (per_head - per_head.mean()) / per_head.std()
    bedrijf = np.array([b.naam.startswith(("Bedrijventerrein", "Kantorenterrein")) for b in z.BUURTEN], dtype=float)
    kids = np.array([b.inwoners_0_3_2024 + b.inwoners_4_11_2024 + b.inwoners_12_17_2024 for b in z.BUURTEN]) / np.maximum(inw, 1)
    return centrum, bedrijf, (kids - kids.mean()) / kids.std()


@dataclass(frozen=True)
class Counts:
    """Monthly counts per region code: (years, 12, soorten), plus registrations of no listed soort."""

    jaren: tuple[int, ...]
    per_soort: dict[str, np.ndarray]
    hidden: dict[str, np.ndarray]  # (years, 12); in the total only


def monthly(rng, expected: np.ndarray, soorten: Sequence[Soort]) -> np.ndarray:
    """Poisson counts per month from expected yearly counts (..., soorten) -> (..., 12, soorten)."""
    seasons = np.stack([season(s) for s in soorten], axis=1)  # (12, soorten)
    return rng.poisson(expected[..., None, :] * seasons)


def split_national(rng, totals: np.ndarray, soorten: Sequence[Soort]) -> np.ndarray:
    """National yearly counts (years, soorten) over the months, keeping every year's count exact."""
    seasons = np.stack([season(s) for s in soorten], axis=0)  # (soorten, 12)
    out = rng.multinomial(totals, seasons)  # (years, soorten, 12)
    return out.transpose(0, 2, 1)


def _period(jaar: int, maand: int | None) -> tuple:
    """Perioden, Perioden_Date, Perioden_freq, Perioden_label as cbsodataR writes them."""
    if maand is None:
        return (f"{jaar}JJ00", dt.date(jaar, 1, 1), "Y", str(jaar))
    return (f"{jaar}MM{maand:02d}", dt.date(jaar, maand, 1), "M", f"{jaar} {MAANDEN[maand - 1]}")


def _regio_cells(r: Regio, value: int) -> tuple[str, str]:
    """Gemeentenaam_2 and SoortRegio_3: padded, and blank where nothing was registered."""
    if value == 0:
        return " " * 30, " " * 8
    return pad(r.gemeente if r.soort != "Land" else r.naam, 30), pad(r.soort, 8)


@dataclass(frozen=True)
class Table:
    """A politie table as cbsodataR saves it: one count by a category dimension, WijkenEnBuurten and Perioden."""

    dimension: str  # SoortMisdrijf, Overlast
    dimension_title: str
    measure: str  # topic key with its positional suffix
    measure_title: str
    measure_description: str
    totaal: tuple[str, str]  # code and title of the category that counts every registration


def _cube_csv(table: Table, counts: Counts, regions: Sequence[Regio], soorten: Sequence[Soort],
              periods: Sequence[tuple[int, int | None]], first_id: int) -> tuple[str, int]:
    """cbsodataR CSV in soort, region, period order for `periods` of (year, month or None); and its row count."""
    per_soort = np.stack([counts.per_soort[r.code] for r in regions])  # (regions, years, 12, soorten)
    hidden = np.stack([counts.hidden[r.code] for r in regions])  # (regions, years, 12)
    values = []
    for jaar, maand in periods:
        y = counts.jaren.index(jaar)
        months = slice(None) if maand is None else slice(maand - 1, maand)
        soort = per_soort[:, y, months].sum(axis=1)  # (regions, soorten)
        values.append(np.column_stack([soort.sum(axis=1) + hidden[:, y, months].sum(axis=1), soort]).T)
    cube = np.stack(values, axis=2).tolist()  # [soort 0 = totaal][region][period]
    labels = [r_line((table.totaal[0].ljust(6), table.totaal[1]))] + [r_line((s.key, s.titel)) for s in soorten]
    region_cells = [r_line((r.key, r.naam)) for r in regions]
    region_tails = [r_line(_regio_cells(r, 1)) for r in regions]
    blank_tail = r_line(_regio_cells(NL, 0))
    period_cells = [r_line(_period(j, m)) for j, m in periods]
    header = ("", table.dimension, f"{table.dimension}_label", "WijkenEnBuurten", "WijkenEnBuurten_label", "Perioden", "Perioden_Date",
              "Perioden_freq", "Perioden_label", table.measure, "Gemeentenaam_2", "SoortRegio_3")
    lines = [r_line(header)]
    row_id = first_id
    for label, by_region in zip(labels, cube):
        for region, tail, by_period in zip(region_cells, region_tails, by_region):
            for period, value in zip(period_cells, by_period):
                lines.append(f'"{row_id}",{label},{region},{period},{value},{blank_tail if value == 0 else tail}')
                row_id += 1
    return "\n".join(lines) + "\n", row_id - first_id


def write_cube(out: Path, pattern: str, table: Table, counts: Counts, regions: Sequence[Regio], soorten: Sequence[Soort],
               periods: Sequence[tuple[int, int | None]]) -> list[str]:
    """One file per year of `periods`, row ids running on across the files as in one download."""
    files = []
    row_id = 1
    for jaar in sorted({y for y, _ in periods}):
        text, rows = _cube_csv(table, counts, regions, soorten, [p for p in periods if p[0] == jaar], row_id)
        row_id += rows
        files.append(save(out, pattern.format(jaar=jaar), text))
    return files


def write_metadata(out: Path, folder: str, table: Table, soorten: Sequence[Soort]) -> list[str]:
    """The dimension file (the total, then `soorten` in the given order) and DataProperties, in `folder`."""
    rows = [(table.totaal[0].ljust(6), table.totaal[1], None)] + [(s.key, s.titel, s.omschrijving) for s in soorten]
    return [
        save(out, f"{folder}/{table.dimension}.csv", _dimension_csv(rows)),
        save(out, f"{folder}/DataProperties.csv", _properties_csv(table)),
    ]


def months_before(first: dt.date, peildatum: dt.date) -> list[tuple[int, int]]:
    """(year, month) from `first` up to the month before the peildatum."""
    out = []
    y, m = first.year, first.month
    while (y, m) < (peildatum.year, peildatum.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _dimension_csv(rows: Iterable[tuple[str, str, str | None]]) -> str:
    """A category dimension (SoortMisdrijf, Overlast) as cbsodataR saves it: CRLF between records."""
    return r_csv(("Key", "Title", "Description", "CategoryGroupID"), [(k, t, d, None) for k, t, d in rows], newline="\r\n")


def _properties_csv(table: Table) -> str:
    header = ("odata.type", "ID", "Position", "ParentID", "Type", "Key", "Title", "Description", "MapYear", "ReleasePolicy",
              "Datatype", "Unit", "Decimals", "Default", "PresentationType")
    rows = [
        ("Cbs.OData.Dimension", 0, 0, None, "Dimension", table.dimension, table.dimension_title, "", None, None, None, None, None, None, None),
        ("Cbs.OData.GeoDetail", 1, 1, None, "GeoDetail", "WijkenEnBuurten", "Wijken en buurten", "Wijken en buurten (indeling 2024)",
         2019, None, None, None, None, None, None),
        ("Cbs.OData.TimeDimension", 2, 2, None, "TimeDimension", "Perioden", "Perioden", "", None, False, None, None, None, None, None),
        ("Cbs.OData.Topic", 3, 3, None, "Topic", table.measure, table.measure_title, table.measure_description, None, None, "Long", "aantal", 0,
         "Zero", "Absolute"),
        ("Cbs.OData.TopicGroup", 4, None, None, "TopicGroup", "", "Regioaanduiding",
         "De gemeenten in Nederland zijn onderverdeeld in wijken en buurten. Buurten vormen het laagste regionale niveau.",
         None, None, None, None, None, None, None),
        ("Cbs.OData.Topic", 5, 4, 4, "Topic", "Gemeentenaam_2", "Gemeentenaam", "De naam van de bestuurlijke gemeente.",
         None, None, "String", "naam", 0, "Missing", ""),
        ("Cbs.OData.Topic", 6, 5, 4, "Topic", "SoortRegio_3", "Soort regio", "De gekozen regioaanduiding betreft: Gemeente, Wijk of Buurt.",
         None, None, "String", "omschrijving", 0, "Missing", ""),
    ]
    return r_csv(header, rows, newline="\r\n")

