"""Reference tables for youth care, declared here as data: iJw codes and Iv3 taakvelden.

Every jeugd loader returns the three warehouse tables built from these declarations
(`jeugd_productcategorieen`, `iv3_taakvelden`, `jeugd_taakveld_koppeling`); the build writes
each table name once. The iJw code lists that the loaders accept (verwijzer, eenheid,
frequentie) live here too, so the loaders, the demo generator and FORMATS.md share one source.

Sources (FORMATS.md, "Referentietabellen", gives them beside each list):
- iJw code lists: Informatiemodel iStandaarden iJw release 3.2 (Zorginstituut Nederland,
  https://www.istandaarden.nl/ijw/releases/release-ijw-3.2), lists COD327 (verwijzer),
  WJ756 (eenheid), WMO757 (frequentie) and JZ020 (productcategorie).
- Iv3 taakvelden: Iv3-informatievoorschrift gemeenten en gemeenschappelijke regelingen 2023,
  blad 4 (the split of 6.72 into ten and of 6.82 into two taakvelden).
- Productcategorie -> taakveld from 2023: the Iv3 toelichting per taakveld (findo.nl, "De
  volgende iJw-productcodes moeten op dit taakveld worden geboekt"); where it names no
  category the mapping is derived from the taakveld's name or is an assumption (KOPPELING_GRONDSLAG).
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from data_sources.source import Table

ZONDER_VERBLIJF = "jeugdhulp zonder verblijf"
MET_VERBLIJF = "jeugdhulp met verblijf"
JEUGD_GGZ = "jeugd-GGZ"
JEUGDBESCHERMING = "jeugdbescherming"
JEUGDRECLASSERING = "jeugdreclassering"
GROEPEN: tuple[str, ...] = (ZONDER_VERBLIJF, MET_VERBLIJF, JEUGD_GGZ, JEUGDBESCHERMING, JEUGDRECLASSERING)

# Iv3 split the two youth taakvelden into sub-taakvelden from this begrotingsjaar on.
IV3_SPLITSING = 2023
# Iv3 taakvelden exist from begrotingsjaar 2017 (BBV); earlier years have no taakveld.
IV3_START = 2017


class Productcategorie(NamedTuple):
    code: str
    omschrijving: str
    groep: str


class Taakveld(NamedTuple):
    code: str
    omschrijving: str
    geldig_vanaf: int
    geldig_tot: int | None
    reeks: str  # the pre-2023 taakveld this one continues


class Koppeling(NamedTuple):
    productcategorie: str
    vanaf_jaar: int
    tot_jaar: int | None
    taakveld: str


# iJw JZ020 "Productcategorie" (iJw 3.2), descriptions as published; the group is ours (FORMATS.md).
PRODUCTCATEGORIEEN: tuple[Productcategorie, ...] = (
    Productcategorie("31", "(2015) Zonder verblijf: uitgevoerd door wijk- of buurtteam", ZONDER_VERBLIJF),
    Productcategorie("32", "(2015) Zonder verblijf: ambulante jeugdhulp op locatie van de aanbieder", ZONDER_VERBLIJF),
    Productcategorie("33", "(2015) Zonder verblijf: daghulp op locatie van de aanbieder", ZONDER_VERBLIJF),
    Productcategorie("34", "(2015) Zonder verblijf: jeugdhulp in het netwerk van de jeugdige", ZONDER_VERBLIJF),
    Productcategorie("35", "(2015) Met verblijf: pleegzorg", MET_VERBLIJF),
    Productcategorie("36", "(2015) Met verblijf: gezinsgericht", MET_VERBLIJF),
    Productcategorie("37", "(2015) Met verblijf: gesloten plaatsing", MET_VERBLIJF),
    Productcategorie("38", "(2015) Met verblijf: overig residentieel", MET_VERBLIJF),
    Productcategorie("40", "Persoonlijke verzorging", ZONDER_VERBLIJF),
    Productcategorie("41", "Dagbehandeling", ZONDER_VERBLIJF),
    Productcategorie("42", "Vervoerdiensten", ZONDER_VERBLIJF),
    Productcategorie("43", "Jeugdhulp verblijf (incl. behandeling)", MET_VERBLIJF),
    Productcategorie("44", "Jeugdhulp verblijf (excl. behandeling)", MET_VERBLIJF),
    Productcategorie("45", "Jeugdhulp ambulant", ZONDER_VERBLIJF),
    Productcategorie("46", "Jeugdhulp crisis", MET_VERBLIJF),
    Productcategorie("47", "Jeugdreclassering", JEUGDRECLASSERING),
    Productcategorie("48", "Jeugdbescherming", JEUGDBESCHERMING),
    # Justitieel (strafrechtelijk) kader: reported with jeugdreclassering (assumption, FORMATS.md).
    Productcategorie("49", "Activiteiten in het preventief justitieel kader", JEUGDRECLASSERING),
    Productcategorie("50", "Maatwerkarrangementen jeugd", ZONDER_VERBLIJF),
    Productcategorie("51", "Generalistische basis-ggz", JEUGD_GGZ),
    Productcategorie("52", "Specialistische ggz", JEUGD_GGZ),
    # Booked on 6.74a with jeugd-GGZ behandeling, so reported with jeugd-GGZ.
    Productcategorie("53", "Kindergeneeskunde", JEUGD_GGZ),
    Productcategorie("54", "Jeugd-ggz", JEUGD_GGZ),
    # Landelijk ingekochte zorg (the former LTA) is booked on 6.74b crisis/LTA/GGZ-verblijf:
    # reported with verblijf (assumption: it holds ambulante functions too).
    Productcategorie("55", "Landelijk ingekochte zorg", MET_VERBLIJF),
)

# Iv3-informatievoorschrift 2023, blad 4: "Het taakveld 6.72 Maatwerkdienstverlening 18- wordt
# opgedeeld in tien nieuwe taakvelden: 6.72a-d, 6.73a-c, 6.74a-c" and "Het taakveld 6.82
# Geëscaleerde zorg 18- wordt opgedeeld in twee nieuwe taakvelden: 6.82a, 6.82b". So every new
# taakveld continues exactly one old one (`reeks`); verblijf, crisis and gesloten plaatsing were
# on 6.72 before 2023, and 6.82 held jeugdbescherming and jeugdreclassering only.
TAAKVELDEN: tuple[Taakveld, ...] = (
    Taakveld("6.72", "Maatwerkdienstverlening 18-", IV3_START, IV3_SPLITSING - 1, "6.72"),
    Taakveld("6.82", "Geëscaleerde zorg 18-", IV3_START, IV3_SPLITSING - 1, "6.82"),
    Taakveld("6.72a", "Jeugdhulp begeleiding", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72b", "Jeugdhulp behandeling", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72c", "Jeugdhulp dagbesteding", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72d", "Jeugdhulp zonder verblijf overig", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.73a", "Pleegzorg", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.73b", "Gezinsgericht", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.73c", "Jeugdhulp met verblijf overig", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.74a", "Jeugdhulp behandeling GGZ zonder verblijf", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.74b", "Jeugdhulp crisis/LTA/GGZ-verblijf", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.74c", "Gesloten plaatsing", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.82a", "Jeugdbescherming", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.82b", "Jeugdreclassering", IV3_SPLITSING, None, "6.82"),
)

# Up to 2022 all jeugdhulp (with or without verblijf, crisis, GGZ) is on 6.72 and the justitieel
# kader (jeugdbescherming, jeugdreclassering, 49) on 6.82: each new taakveld has one parent, so
# the old booking of a category is the parent of its new taakveld.
_OUD = {
    **{pc: "6.72" for pc in ("31", "32", "33", "34", "35", "36", "37", "38")},
    **{pc: "6.72" for pc in ("40", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "55")},
    **{pc: "6.82" for pc in ("47", "48", "49")},
}
# From 2023 one default sub-taakveld per productcategorie. Where Iv3 splits a category by
# verblijfsvorm or by begeleiding/behandeling (43, 44, 45, 54 with verblijf) a productcode-level
# mapping would be needed (FORMATS.md).
_NIEUW = {
    "40": "6.72a", "41": "6.72b", "42": "6.72d", "43": "6.73c", "44": "6.73c", "45": "6.72a",
    "46": "6.74b", "47": "6.82b", "48": "6.82a", "49": "6.82b", "50": "6.72d",
    "51": "6.74a", "52": "6.74a", "53": "6.74a", "54": "6.74a", "55": "6.74b",
}  # fmt: skip
# Why each mapping from 2023 holds: "bron" = the Iv3 toelichting of that taakveld names the
# category; "naam" = follows from the taakveld's name in the Iv3 list; "aanname" = our choice.
KOPPELING_GRONDSLAG: dict[str, str] = {
    "40": "bron", "41": "aanname", "42": "aanname", "43": "bron", "44": "bron", "45": "bron",
    "46": "naam", "47": "naam", "48": "naam", "49": "aanname", "50": "bron",
    "51": "bron", "52": "bron", "53": "bron", "54": "bron", "55": "naam",
}  # fmt: skip
KOPPELING: tuple[Koppeling, ...] = tuple(
    [Koppeling(pc, IV3_START, IV3_SPLITSING - 1, tv) for pc, tv in _OUD.items()]
    + [Koppeling(pc, IV3_SPLITSING, None, tv) for pc, tv in _NIEUW.items()]
)

# iJw code lists (iJw 3.2): code -> the label stored in the warehouse. Loaders accept the code or
# the label (any case); ALIASES adds spellings seen in exports.
# COD327 "Code verwijzer". 07 ("onbekend") existed in iJw 2.x only and is refused.
VERWIJZERS: dict[str, str] = {
    "01": "gemeentelijke toegang",  # "Gemeente"
    "02": "huisarts",
    "03": "jeugdarts",
    "04": "gecertificeerde instelling",
    "05": "medisch specialist",
    "06": "zelfverwijzer/geen verwijzer",
    "08": "rechter/OvJ/functionaris JJI",  # "Rechter, Officier van Justitie, functionaris Justitiële jeugdinrichting"
}
# WJ756 "Eenheid" (there is no code for week or month: a monthly fee is 84 per maand).
EENHEDEN: dict[str, str] = {
    "01": "minuut",
    "04": "uur",
    "14": "etmaal",
    "16": "dagdeel",  # "Dagdeel (4 uur)"
    "82": "stuks (output)",
    "83": "euro's",
    "84": "stuks (inspanning)",
}
# WMO757 "Frequentie" (used by iWmo and iJw alike).
FREQUENTIES: dict[str, str] = {
    "1": "per dag",
    "2": "per week",
    "4": "per maand",
    "6": "totaal binnen geldigheidsduur",  # "Totaal binnen geldigheidsduur toewijzing"
}
ALIASES: dict[str, str] = {
    "gemeente": "gemeentelijke toegang",
    "zelfverwijzer": "zelfverwijzer/geen verwijzer",
    "geen verwijzer": "zelfverwijzer/geen verwijzer",
    "rechter/ovj": "rechter/OvJ/functionaris JJI",
    "rechter/officier van justitie": "rechter/OvJ/functionaris JJI",
    "rechter, officier van justitie, functionaris justitiële jeugdinrichting": "rechter/OvJ/functionaris JJI",
    "dagdeel (4 uur)": "dagdeel",
    "euro": "euro's",
    "totaal binnen geldigheidsduur toewijzing": "totaal binnen geldigheidsduur",
    "totaal": "totaal binnen geldigheidsduur",
}


def lookup(codes: dict[str, str]) -> dict[str, str]:
    """Lower-case code or label -> label, for normalising a column of one code list."""
    out = {label.lower(): label for label in codes.values()}
    for code, label in codes.items():
        out[code] = label
        if code.isdigit():
            out[code.lstrip("0") or "0"] = label  # "2" and "02", "4" and "04"
            out[code.zfill(2)] = label
    out.update({alias: label for alias, label in ALIASES.items() if label in codes.values()})
    return out


def groep(productcategorie: str) -> str:
    return next(p.groep for p in PRODUCTCATEGORIEEN if p.code == productcategorie)


def tables() -> dict[str, pl.DataFrame]:
    return {
        "jeugd_productcategorieen": pl.DataFrame(
            [p._asdict() for p in PRODUCTCATEGORIEEN],
            schema={"code": pl.String, "omschrijving": pl.String, "groep": pl.String},
        ).rename({"code": "productcategorie"}),
        "iv3_taakvelden": pl.DataFrame(
            [t._asdict() for t in TAAKVELDEN],
            schema={"code": pl.String, "omschrijving": pl.String, "geldig_vanaf": pl.Int32, "geldig_tot": pl.Int32, "reeks": pl.String},
        ).rename({"code": "taakveld"}),
        "jeugd_taakveld_koppeling": pl.DataFrame(
            [k._asdict() for k in KOPPELING],
            schema={"productcategorie": pl.String, "vanaf_jaar": pl.Int32, "tot_jaar": pl.Int32, "taakveld": pl.String},
        ),
    }


# Declared by every jeugd source, since each of them returns these tables.
TABLES: tuple[Table, ...] = (
    Table("jeugd_productcategorieen", ("productcategorie",), "Een iJw-productcategorie met omschrijving en rapportagegroep"),
    Table("iv3_taakvelden", ("taakveld",), "Een Iv3-taakveld jeugd met de jaren waarin het geldt en de reeks van voor 2023"),
    Table(
        "jeugd_taakveld_koppeling",
        ("productcategorie", "vanaf_jaar"),
        "Op welk Iv3-taakveld een productcategorie in een periode wordt geboekt",
    ),
)
