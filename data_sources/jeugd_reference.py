"""Reference tables for youth care, declared here as data: iJw codes and Iv3 taakvelden.

Every jeugd loader returns the three warehouse tables built from these declarations
(`jeugd_productcategorieen`, `iv3_taakvelden`, `jeugd_taakveld_koppeling`); the build writes
each table name once. The iJw code lists that the loaders accept (verwijzer, eenheid,
frequentie) live here too, so the loaders, the demo generator and FORMATS.md share one source.

Provenance and doubts are in FORMATS.md ("Referentietabellen"). In short: productcategorieën
40-50 and the 2015 codes 31-38 follow the VECOZO/berichtenapp list of iJw productcategorieën;
51, 53 and 54 and the taakvelden 6.72a, 6.72d, 6.73a, 6.73c, 6.74a-c are named as in the Iv3
toelichting (findo.nl); the names of 6.72b, 6.72c, 6.73b, 6.82a and 6.82b, the reporting group
of 49, and the eenheid and frequentie codes could not be checked against a source.
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
    # Justitieel (strafrechtelijk) kader: reported with jeugdreclassering; see FORMATS.md.
    Productcategorie("49", "Activiteiten in het preventief justitieel kader", JEUGDRECLASSERING),
    Productcategorie("50", "Maatwerkarrangementen jeugd", ZONDER_VERBLIJF),
    Productcategorie("51", "Generalistische Basis GGZ", JEUGD_GGZ),
    # Booked on 6.74a with jeugd-GGZ behandeling, so reported with jeugd-GGZ.
    Productcategorie("53", "Kindergeneeskunde", JEUGD_GGZ),
    Productcategorie("54", "Jeugd-ggz", JEUGD_GGZ),
)

TAAKVELDEN: tuple[Taakveld, ...] = (
    Taakveld("6.72", "Maatwerkdienstverlening 18-", IV3_START, IV3_SPLITSING - 1, "6.72"),
    Taakveld("6.82", "Geëscaleerde zorg 18-", IV3_START, IV3_SPLITSING - 1, "6.82"),
    Taakveld("6.72a", "Jeugdhulp begeleiding", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72b", "Jeugdhulp behandeling", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72c", "Jeugdhulp dagbesteding", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.72d", "Jeugdhulp zonder verblijf overig", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.73a", "Pleegzorg", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.73b", "Gezinsgericht", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.73c", "Jeugdhulp met verblijf overig", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.74a", "Jeugd behandeling GGZ zonder verblijf", IV3_SPLITSING, None, "6.72"),
    Taakveld("6.74b", "Jeugdhulp crisis/LTA/GGZ-verblijf", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.74c", "Gesloten plaatsing", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.82a", "Jeugdbescherming", IV3_SPLITSING, None, "6.82"),
    Taakveld("6.82b", "Jeugdreclassering", IV3_SPLITSING, None, "6.82"),
)

# Up to 2022: zonder verblijf (incl. GGZ) on 6.72, the rest on 6.82. From 2023 one default
# sub-taakveld per productcategorie; where Iv3 splits a category by verblijfsvorm or by
# begeleiding/behandeling (43, 44, 45) a productcode-level mapping would be needed (FORMATS.md).
_OUD = {
    "31": "6.72", "32": "6.72", "33": "6.72", "34": "6.72",
    "35": "6.82", "36": "6.82", "37": "6.82", "38": "6.82",
    "40": "6.72", "41": "6.72", "42": "6.72", "43": "6.82", "44": "6.82", "45": "6.72",
    "46": "6.82", "47": "6.82", "48": "6.82", "49": "6.82", "50": "6.72",
    "51": "6.72", "53": "6.72", "54": "6.72",
}  # fmt: skip
_NIEUW = {
    "40": "6.72a", "41": "6.72b", "42": "6.72d", "43": "6.73c", "44": "6.73c", "45": "6.72a",
    "46": "6.74b", "47": "6.82b", "48": "6.82a", "49": "6.82b", "50": "6.72d",
    "51": "6.74a", "53": "6.74a", "54": "6.74a",
}  # fmt: skip
KOPPELING: tuple[Koppeling, ...] = tuple(
    [Koppeling(pc, IV3_START, IV3_SPLITSING - 1, tv) for pc, tv in _OUD.items()]
    + [Koppeling(pc, IV3_SPLITSING, None, tv) for pc, tv in _NIEUW.items()]
)

# iJw code lists: code -> the label stored in the warehouse. Loaders accept the code or the
# label (any case); ALIASES adds spellings seen in exports.
VERWIJZERS: dict[str, str] = {
    "01": "gemeentelijke toegang",
    "02": "huisarts",
    "03": "jeugdarts",
    "04": "gecertificeerde instelling",
    "05": "medisch specialist",
    "06": "rechter/OvJ",
    "07": "geen verwijzer",
}
EENHEDEN: dict[str, str] = {
    "01": "minuut",
    "04": "uur",
    "14": "etmaal",
    "16": "dagdeel",
    "21": "week",
    "82": "stuks (inspanning)",
    "83": "euro's",
    "84": "stuks (output)",
}
FREQUENTIES: dict[str, str] = {
    "1": "per dag",
    "2": "per week",
    "4": "per maand",
    "6": "totaal binnen geldigheidsduur",
}
ALIASES: dict[str, str] = {
    "rechter/officier van justitie": "rechter/OvJ",
    "dagdeel (4 uur)": "dagdeel",
    "euro": "euro's",
    "stuks": "stuks (inspanning)",
    "prestatie": "stuks (output)",
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
