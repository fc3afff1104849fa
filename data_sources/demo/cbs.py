"""Demo files for the CBS and Politie sources, in the layouts CBS and its clients write them.

- cbs_regios: the WijkenEnBuurten dimension of 47018NED, as cbsodataR saves it.
- cbs_kwb: per year the KWB table's TypedDataSet, DataProperties and TableInfos as the OData API
  returns them (JSON), one folder per table, with the positional key suffixes of that table.
- politie_misdrijven: 47018NED (yearly) and 47022NED (monthly) as cbsodataR CSV, with the
  SoortMisdrijf dimension and DataProperties.
- politie_overlast: 47024NED (monthly) as cbsodataR CSV, with the Overlast dimension.
- cbs_woningvoorraad: 81955NED as the `;` TypedDataSet CSV of the bulk feed.

Zwolle's buurten come from the portal model (portaal.model), so inwoners, woningen and crime
agree between sources; national mixes and trends are real figures written below as facts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from data_sources.demo import geo, portaal
from data_sources.demo import zwolle as z

RNG_KWB, RNG_MISDRIJVEN, RNG_OVERLAST, RNG_VOORRAAD = 11, 12, 13, 14
DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """Every CBS and Politie source. `scale` does not apply: these are Zwolle's own regions."""
    return {
        "cbs_regios": write_regios(out),
        "cbs_kwb": write_kwb(out, seed, peildatum),
        "politie_misdrijven": write_misdrijven(out, seed, peildatum),
        "politie_overlast": write_overlast(out, seed, peildatum),
        "cbs_woningvoorraad": write_woningvoorraad(out, seed, peildatum),
    }


# --- regions ------------------------------------------------------------------------------------


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


def _pad(text: str, width: int) -> str:
    return text.ljust(width)


def _cell(v) -> str:
    """A value as R's write.csv writes it: text quoted, numbers, dates and logicals bare, NA empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _r_line(values: Iterable) -> str:
    return ",".join(_cell(v) for v in values)


def _r_csv(header: Sequence[str], rows: Iterable[Sequence], newline: str = "\n") -> str:
    lines = [_r_line(header), *(_r_line(row) for row in rows)]
    return newline.join(lines) + newline


def _save(out: Path, relative: str, text: str) -> str:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return relative


def write_regios(out: Path) -> list[str]:
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
    return [_save(out, "politie/47018NED/WijkenEnBuurten.csv", _r_csv(header, rows))]


def _round5(x) -> np.ndarray:
    """CBS rounds counts of wijken and buurten to multiples of 5."""
    return (np.round(np.asarray(x, dtype=float) / 5) * 5).astype(np.int64)


# --- housing stock (81955NED): also the KWB's Woningvoorraad ---------------------------------------

VOORRAAD_FIRST = 2012
WONINGEN_CODE = "A045364"


@dataclass(frozen=True)
class Mutaties:
    beginstand: int
    nieuwbouw: int
    overige_toevoeging: int
    sloop: int
    overige_onttrekking: int
    correctie: int
    saldo: int
    eindstand: int


def _zwolle_eindstand(jaar: int) -> int | None:
    """Stock at 31 December where it is known: CBS, or the portal's count on 1 January after
    (the two agree within a few woningen in every year both exist); None for 2012 and 2013."""
    if jaar == 2020:
        return z.EINDSTAND_2020
    if jaar == 2023:
        return z.KWB_2024_WONINGEN
    if jaar >= 2014:
        return portaal.woningen_totaal(jaar + 1)
    return None


def _mutaties(rng, begin: int, saldo: int, nieuwbouw: int | None) -> Mutaties:
    """Split a year's change of stock into its parts; the parts add up to `saldo` exactly."""
    if nieuwbouw is None:
        nieuwbouw = max(0, round(saldo * rng.uniform(0.82, 0.95)))
    scale = max(begin / 50_000, 0.05)
    sloop = int(rng.poisson(45 * scale))
    onttrekking = int(rng.poisson(100 * scale))
    correctie = int(round(rng.normal(0, 6 * scale)))
    toevoeging = saldo - nieuwbouw + sloop + onttrekking - correctie
    if toevoeging < 0:  # a year with more withdrawals than the defaults: book them as such
        onttrekking -= toevoeging
        toevoeging = 0
    return Mutaties(begin, nieuwbouw, toevoeging, sloop, onttrekking, correctie, saldo, begin + saldo)


@cache
def voorraad(seed: int, last_year: int) -> dict[str, dict[int, Mutaties]]:
    """Mutaties per gemeente code and year, VOORRAAD_FIRST..last_year."""
    rng = np.random.default_rng([seed, RNG_VOORRAAD])
    years = range(VOORRAAD_FIRST, last_year + 1)
    out: dict[str, dict[int, Mutaties]] = {}
    stand = z.BEGINSTAND_2012
    rows = {}
    for y in years:
        target = _zwolle_eindstand(y)
        nieuwbouw = z.NIEUWBOUW.get(y)
        saldo = target - stand if target is not None else round(nieuwbouw * rng.uniform(0.95, 1.1))
        rows[y] = _mutaties(rng, stand, saldo, nieuwbouw)
        stand = rows[y].eindstand
    out[z.GEMEENTE_CODE] = rows
    for g in z.GEMEENTEN:
        out[g.code] = _voorraad_gemeente(rng, g, years)
    return out


def _voorraad_gemeente(rng, g: z.Gemeente, years: range) -> dict[int, Mutaties]:
    """Back-cast from the real 2020 stock, through the real stock of 1 January 2024, and on."""
    typical = max(g.nieuwbouw_2020, round(g.eindstand_2020 * 0.006))
    saldo = {y: round(typical * rng.lognormal(0, 0.25)) for y in years}
    saldo[2020] = round(g.nieuwbouw_2020 * rng.uniform(1.0, 1.15))
    eind = {2020: g.eindstand_2020, 2023: g.woningen_2024}
    for y in range(2020, years.start - 1, -1):
        eind[y - 1] = eind[y] - saldo[y]
    between = g.woningen_2024 - g.eindstand_2020
    eind[2021] = eind[2020] + round(between * rng.uniform(0.25, 0.4))
    eind[2022] = eind[2021] + round((eind[2023] - eind[2021]) * rng.uniform(0.4, 0.6))
    for y in years:
        eind.setdefault(y, eind[y - 1] + saldo[y])
    return {y: _mutaties(rng, eind[y - 1], eind[y] - eind[y - 1], g.nieuwbouw_2020 if y == 2020 else None) for y in years}


def write_woningvoorraad(out: Path, seed: int, peildatum: dt.date) -> list[str]:
    last = peildatum.year - 1
    series = voorraad(seed, last)
    header = "ID;Gebruiksfunctie;RegioS;Perioden;BeginstandVoorraad_1;Nieuwbouw_2;OverigeToevoeging_3;Sloop_4;OverigeOnttrekking_5;Correctie_6;SaldoVoorraad_7;EindstandVoorraad_8"
    lines = [header]
    # IDs as in the bulk feed: rows of one region are 17 apart (its other periods lie between).
    for rank, code in enumerate(sorted(series)):
        for k, (jaar, m) in enumerate(sorted(series[code].items())):
            values = (m.beginstand, m.nieuwbouw, m.overige_toevoeging, m.sloop, m.overige_onttrekking, m.correctie, m.saldo, m.eindstand)
            row_id = 88_000 + rank * 4_700 + k * 17
            lines.append(";".join([str(row_id), WONINGEN_CODE, code, f"{jaar}JJ00", *map(str, values)]))
    return [_save(out, "cbs/81955NED/cbs_woningvoorraad_gemeenten.csv", "\r\n".join(lines) + "\r\n")]


# --- KWB (Kerncijfers wijken en buurten) -------------------------------------------------------------

# The KWB is one table per year.
KWB_TABELLEN = {2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED", 2023: "85618NED", 2024: "85984NED", 2025: "86165NED"}
KWB_FIRST = 2019
KWB_FACT_YEAR = 2024  # the year of Zwolle's real KWB figures in zwolle.py
LAYOUT_FROM = 2024  # 85984NED renumbered the topics; earlier tables number as 85039NED does
OLD_GROUP_TITLES = {"Wonen en vastgoed": "Wonen"}  # renamed from verslagjaar 2024 (TableInfos 85984NED)


@dataclass(frozen=True)
class Topic:
    key: str  # without suffix
    title: str
    unit: str
    datatype: str  # Long, Double, String
    group: tuple[str, ...]  # topic group path, outermost first
    old: int  # position in the tables before LAYOUT_FROM
    new: int  # position from LAYOUT_FROM (85984NED)

    @property
    def decimals(self) -> int:
        return 1 if self.datatype == "Double" else 0


_REGIO = ("Regioaanduiding",)
_BEV = ("Bevolking",)
_HH = ("Bevolking", "Particuliere huishoudens")
_WONEN = ("Wonen en vastgoed",)
_HUUR = ("Wonen en vastgoed", "Woningen naar eigendom", "Huurwoningen")
_INK = ("Inkomen", "Inkomen van huishoudens")
TOPICS: tuple[Topic, ...] = (
    Topic("Gemeentenaam", "Gemeentenaam", "naam", "String", _REGIO, 1, 1),
    Topic("SoortRegio", "Soort regio", "omschrijving", "String", _REGIO, 2, 2),
    Topic("Codering", "Codering", "code", "String", _REGIO, 3, 3),
    Topic("IndelingswijzigingGemeenteWijkBuurt", "Indelingswijziging gemeente, wijk, buurt", "code", "String", _REGIO, 4, 4),
    Topic("AantalInwoners", "Aantal inwoners", "aantal", "Long", _BEV, 5, 5),
    Topic("Mannen", "Mannen", "aantal", "Long", (*_BEV, "Geslacht"), 6, 6),
    Topic("Vrouwen", "Vrouwen", "aantal", "Long", (*_BEV, "Geslacht"), 7, 7),
    Topic("k_0Tot15Jaar", "0 tot 15 jaar", "aantal", "Long", (*_BEV, "Leeftijdsgroepen"), 8, 8),
    Topic("k_15Tot25Jaar", "15 tot 25 jaar", "aantal", "Long", (*_BEV, "Leeftijdsgroepen"), 9, 9),
    Topic("k_25Tot45Jaar", "25 tot 45 jaar", "aantal", "Long", (*_BEV, "Leeftijdsgroepen"), 10, 10),
    Topic("k_45Tot65Jaar", "45 tot 65 jaar", "aantal", "Long", (*_BEV, "Leeftijdsgroepen"), 11, 11),
    Topic("k_65JaarOfOuder", "65 jaar of ouder", "aantal", "Long", (*_BEV, "Leeftijdsgroepen"), 12, 12),
    Topic("HuishoudensTotaal", "Huishoudens totaal", "aantal", "Long", _HH, 28, 29),
    Topic("Eenpersoonshuishoudens", "Eenpersoonshuishoudens", "aantal", "Long", _HH, 29, 30),
    Topic("HuishoudensZonderKinderen", "Huishoudens zonder kinderen", "aantal", "Long", _HH, 30, 31),
    Topic("HuishoudensMetKinderen", "Huishoudens met kinderen", "aantal", "Long", _HH, 31, 32),
    Topic("GemiddeldeHuishoudensgrootte", "Gemiddelde huishoudensgrootte", "aantal", "Double", _HH, 32, 33),
    Topic("Bevolkingsdichtheid", "Bevolkingsdichtheid", "aantal inwoners per km²", "Long", _BEV, 33, 34),
    Topic("Woningvoorraad", "Woningvoorraad", "aantal", "Long", _WONEN, 34, 35),
    Topic("Koopwoningen", "Koopwoningen", "%", "Long", (*_WONEN, "Woningen naar eigendom"), 40, 47),
    Topic("HuurwoningenTotaal", "Huurwoningen totaal", "%", "Long", _HUUR, 41, 48),
    Topic("InBezitWoningcorporatie", "In bezit woningcorporatie", "%", "Long", _HUUR, 42, 49),
    Topic("GemGestandaardiseerdInkomenVanHuish", "Gem. gestandaardiseerd inkomen van huish", "x 1 000 euro", "Double", _INK, 75, 86),
    Topic("HuishOnderOfRondSociaalMinimum", "Huish. onder of rond sociaal minimum", "%", "Double", _INK, 79, 90),
    Topic("PersonenPerSoortUitkeringBijstand", "Personen per soort uitkering; Bijstand", "aantal", "Long", ("Sociale zekerheid",), 83, 94),
    Topic("JongerenMetJeugdzorgInNatura", "Jongeren met jeugdzorg in natura", "aantal", "Long", ("Zorg",), 87, 98),
    Topic("PercentageJongerenMetJeugdzorg", "Percentage jongeren met jeugdzorg", "%", "Double", ("Zorg",), 88, 99),
    Topic("WmoClienten", "Wmo-cliënten", "aantal", "Long", ("Zorg",), 89, 100),
    Topic("WmoClientenRelatief", "Wmo-cliënten relatief", "per 1 000 inwoners", "Long", ("Zorg",), 90, 101),
    Topic("OppervlakteTotaal", "Oppervlakte totaal", "ha", "Long", ("Oppervlakte",), 111, 122),
    Topic("OppervlakteLand", "Oppervlakte land", "ha", "Long", ("Oppervlakte",), 112, 123),
    Topic("OppervlakteWater", "Oppervlakte water", "ha", "Long", ("Oppervlakte",), 113, 124),
)

# Percentage jongeren (0-17) met jeugdzorg in natura, gemeente Zwolle; 2022 is the real figure.
JEUGDZORG_ZWOLLE = {2019: 10.6, 2020: 10.3, 2021: 10.1, 2022: z.PCT_JONGEREN_MET_JEUGDZORG_2022, 2023: 10.4, 2024: 10.7, 2025: 10.9}
# Real KWB figures for some other gemeenten (same extract as Zwolle's 10.0).
JEUGDZORG_ANDERE_2022 = {"GM0150": 9.4, "GM0166": 10.2, "GM0307": 12.0, "GM0200": 11.1}
WMO_PER_1000 = 82  # Zwolle, KWB (derived extract)
BIJSTAND_PER_1000 = 27.7
MANNEN = 0.4927  # Zwolle 2024: 65,595 of 133,141


def _key(topic: Topic, jaar: int) -> str:
    return f"{topic.key}_{topic.new if jaar >= LAYOUT_FROM else topic.old}"


def write_kwb(out: Path, seed: int, peildatum: dt.date) -> list[str]:
    years = [y for y in KWB_TABELLEN if KWB_FIRST <= y < peildatum.year]
    rng = np.random.default_rng([seed, RNG_KWB])
    model = portaal.model(seed, peildatum.year)
    stock = voorraad(seed, peildatum.year - 1)
    shares = _kwb_buurt_shares(rng)
    files = []
    for jaar in years:
        table = KWB_TABELLEN[jaar]
        records = _kwb_records(rng, jaar, model, stock, shares)
        rows = [{"ID": i, "WijkenEnBuurten": key, **values} for i, (key, values) in enumerate(records)]
        typed = {"odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": rows}
        folder = f"cbs/kwb/{table}"
        files.append(_save(out, f"{folder}/TypedDataSet.json", json.dumps(typed, ensure_ascii=False, separators=(",", ":"))))
        files.append(_save(out, f"{folder}/DataProperties.json", json.dumps(_kwb_properties(jaar), ensure_ascii=False, indent=4)))
        files.append(_save(out, f"{folder}/TableInfos.json", json.dumps(_kwb_infos(jaar, table), ensure_ascii=False, indent=4)))
    return files


def _kwb_properties(jaar: int) -> list[dict]:
    """DataProperties as the OData API gives them: the geo dimension, topic groups and topics."""
    props: list[dict] = [
        {"odata.type": "Cbs.OData.GeoDetail", "ID": 0, "Position": 0, "ParentID": None, "Type": "GeoDetail",
         "Key": "WijkenEnBuurten", "Title": "Wijken en buurten", "Description": "", "MapYear": jaar}
    ]
    groups: dict[tuple[str, ...], int] = {}
    for topic in TOPICS:
        for depth in range(1, len(topic.group) + 1):
            path = topic.group[:depth]
            if path in groups:
                continue
            groups[path] = len(props)
            title = OLD_GROUP_TITLES.get(path[-1], path[-1]) if jaar < LAYOUT_FROM else path[-1]
            props.append({"odata.type": "Cbs.OData.TopicGroup", "ID": len(props), "Position": None,
                          "ParentID": groups.get(path[:-1]), "Type": "TopicGroup", "Key": "", "Title": title, "Description": ""})
        position = topic.new if jaar >= LAYOUT_FROM else topic.old
        props.append({
            "odata.type": "Cbs.OData.Topic", "ID": len(props), "Position": position, "ParentID": groups[topic.group],
            "Type": "Topic", "Key": _key(topic, jaar), "Title": topic.title, "Description": "", "Datatype": topic.datatype,
            "Unit": topic.unit, "Decimals": topic.decimals, "Default": "Impossible",
            "PresentationType": "" if topic.datatype == "String" else "Absolute",
        })
    return props


def _kwb_infos(jaar: int, table: str) -> list[dict]:
    modified = f"{jaar + 1}-03-27T02:00:00"
    return [{
        "ID": 0, "Title": f"Kerncijfers wijken en buurten {jaar}", "ShortTitle": f"Kerncijfers wijken en buurten {jaar}",
        "Identifier": table,
        "Summary": "Kerncijfers over demografische en sociaal-economische kenmerken\nUitgesplitst naar gemeenten, wijken en buurten",
        "Modified": modified, "ReasonDelivery": "Actualisering", "ExplanatoryText": "", "Language": "nl", "Catalog": "CBS",
        "Frequency": "Onregelmatig", "Period": str(jaar),
        "ShortDescription": f"\nOverzicht van statistische gegevens van gemeenten, wijken en buurten in Nederland.\n\nGegevens beschikbaar over: {jaar}.\n",
        "Description": f"Overzicht van statistische gegevens van gemeenten, wijken en buurten in Nederland, indeling {jaar}.",
        "DefaultPresentation": "", "DefaultSelection": "", "GraphTypes": "Table", "OutputStatus": "Regulier", "Source": "CBS.",
        "MetaDataModified": modified, "SearchPriority": "1",
    }]


@dataclass(frozen=True)
class _Shares:
    """Per buurt characteristics that do not change from year to year."""

    land: np.ndarray  # ha
    water: np.ndarray  # ha
    mannen: np.ndarray
    koop: np.ndarray  # %
    corporatie: np.ndarray  # %
    jeugdzorg: np.ndarray  # relative risk
    wmo: np.ndarray  # relative risk


def _kwb_buurt_shares(rng) -> _Shares:
    """Buurt areas split their wijk's real area by the schematic map; the other traits are each
    buurt's own deviation from what its deprivation predicts, the same in every year."""
    cell_area = np.array([c.area for c in geo.cells()])
    land = np.zeros(len(z.BUURTEN))
    water = np.zeros(len(z.BUURTEN))
    for k, w in enumerate(WIJKEN):
        members = WIJK_VAN == k
        wijk_land, wijk_water = z.WIJKEN_KWB_2024[w.code][2:]
        land[members] = portaal.allocate(cell_area[members], wijk_land)
        water[members] = portaal.allocate(cell_area[members] * rng.lognormal(0, 0.8, members.sum()), wijk_water)
    n = len(z.BUURTEN)
    return _Shares(
        land=land,
        water=water,
        mannen=np.clip(rng.normal(MANNEN, 0.012, n), 0.45, 0.56),
        koop=rng.normal(0, 8, n),
        corporatie=rng.normal(0, 6, n),
        jeugdzorg=np.exp(rng.normal(0, 0.15, n)),
        wmo=np.exp(rng.normal(0, 0.1, n)),
    )


def _kwb_records(rng, jaar: int, model: portaal.Buurten, stock, shares: _Shares) -> list[tuple[str, dict]]:
    """(padded region key, topic values) for every region of `all_ordered()` in year `jaar`."""
    buurten = _kwb_buurt_counts(jaar, model, stock, shares)
    wijken = {k: np.bincount(WIJK_VAN, weights=v, minlength=len(WIJKEN)) for k, v in buurten.items()}
    if jaar == KWB_FACT_YEAR:  # CBS's own wijk figures; its buurt figures differ a little from the portal's
        wijken["inwoners"] = np.array([z.WIJKEN_KWB_2024[w.code][0] for w in WIJKEN], dtype=float)
    gemeente = _kwb_zwolle(jaar, model, stock, {k: v.sum() for k, v in buurten.items()})
    index = {r.code: ("buurt", i) for i, r in enumerate(BUURTEN)} | {r.code: ("wijk", i) for i, r in enumerate(WIJKEN)}
    andere = {g.code: g for g in z.GEMEENTEN}
    out = []
    for r in all_ordered():
        if r.code in index:
            level, i = index[r.code]
            counts = {k: v[i] for k, v in (buurten if level == "buurt" else wijken).items()}
            values = _kwb_values(counts, rounded=True)
        elif r == ZWOLLE:
            values = _kwb_values(gemeente, rounded=False)
        elif r == NL:
            values = _kwb_nederland(jaar)
        else:
            values = _kwb_values(_kwb_andere(rng, jaar, andere[r.code], stock), rounded=False)
        region = {
            "Gemeentenaam": _pad(r.gemeente or r.naam, 40),
            "SoortRegio": _pad(r.soort, 10),
            "Codering": r.key,
            "IndelingswijzigingGemeenteWijkBuurt": "1" if r.soort in ("Wijk", "Buurt") else ".",
        }
        out.append((r.key, {_key(t, jaar): (region | values).get(t.key) for t in TOPICS}))
    return out


def _kwb_buurt_counts(jaar: int, model: portaal.Buurten, stock, shares: _Shares) -> dict[str, np.ndarray]:
    """Exact (unrounded) counts per buurt; every topic value derives from these sums."""
    i = model.at(jaar)
    ages = model.leeftijd[i].astype(float)
    inw = model.inwoners[i].astype(float)
    kids = ages[:, :3].sum(axis=1)
    kid_share = kids / np.maximum(inw, 1)
    households = inw / np.clip(1.35 + 4.0 * kid_share, 1.2, 3.0)
    alone = households * np.clip(0.72 - 1.5 * kid_share, 0.15, 0.8)
    with_kids = households * np.clip(0.05 + 1.5 * kid_share, 0.05, 0.6)
    woningen = _kwb_woningen(jaar, model.woningen[i].astype(float), stock[z.GEMEENTE_CODE][jaar - 1].eindstand)
    d = model.achterstand
    koop = np.clip(np.round(55 - 15 * d + shares.koop), 3, 97)
    corporatie = np.clip(np.round(33 + 12 * d + shares.corporatie), 0, 100 - koop)
    income_year = model.at(jaar - 2)  # the KWB publishes incomes two years after the fact
    jeugd_risk = np.exp(0.25 * d) * shares.jeugdzorg
    jeugd = kids * jeugd_risk * (JEUGDZORG_ZWOLLE[jaar] / 100 * kids.sum() / (kids * jeugd_risk).sum())
    seniors = ages[:, 7:].sum(axis=1)
    wmo_risk = (0.4 + 3.5 * seniors / np.maximum(inw, 1)) * shares.wmo
    wmo = inw * wmo_risk * (WMO_PER_1000 / 1000 * inw.sum() / (inw * wmo_risk).sum())
    return {
        "inwoners": inw,
        "mannen": inw * shares.mannen,
        "a0_15": ages[:, 0] + ages[:, 1] + ages[:, 2] / 2,
        "a15_25": ages[:, 2] / 2 + ages[:, 3],
        "a25_45": ages[:, 4] + ages[:, 5] / 3,
        "a45_65": ages[:, 5] * 2 / 3 + ages[:, 6],
        "a65": seniors,
        "huishoudens": households,
        "alleen": alone,
        "met_kinderen": with_kids,
        "woningen": woningen,
        "koop": woningen * koop / 100,
        "huur": woningen * (100 - koop) / 100,
        "corporatie": woningen * corporatie / 100,
        "inkomen": households * model.inkomen[income_year] / 1000,
        # CBS counts households up to 101% of the social minimum, the portal up to 105%.
        "minima": households * model.pct_minima[income_year] * 0.8 / 100,
        "bijstand": inw * BIJSTAND_PER_1000 / 1000 * np.exp(0.6 * d) / np.exp(0.6 * d).mean(),
        "jongeren": kids,
        "jeugdzorg": jeugd,
        "wmo": wmo,
        "land": shares.land,
        "water": shares.water,
    }


def _kwb_woningen(jaar: int, portal: np.ndarray, gemeente: int) -> np.ndarray:
    """The portal's woningen per buurt, with the difference to CBS's totals put on the largest buurt
    (of each wijk in the year CBS's wijk figures are known, of the gemeente otherwise)."""
    woningen = portal.copy()
    if jaar == KWB_FACT_YEAR:
        groups = [(WIJK_VAN == k, z.WIJKEN_KWB_2024[w.code][1]) for k, w in enumerate(WIJKEN)]
    else:
        groups = [(np.ones(len(portal), dtype=bool), gemeente)]
    for members, total in groups:
        largest = np.flatnonzero(members)[np.argmax(portal[members])]
        woningen[largest] += total - portal[members].sum()
    return woningen


def _kwb_zwolle(jaar: int, model: portaal.Buurten, stock, sums: dict[str, float]) -> dict[str, float]:
    """The gemeente row: real totals where CBS published them, otherwise the buurten's sum."""
    counts = dict(sums)
    inwoners = z.KWB_INWONERS.get(jaar, portaal.inwoners_totaal(jaar) + 10 + int(model.onbekend[model.at(jaar)]))
    counts["inwoners"] = inwoners
    counts["mannen"] = z.KWB_2024_MANNEN if jaar == 2024 else inwoners * MANNEN
    counts["woningen"] = stock[z.GEMEENTE_CODE][jaar - 1].eindstand
    counts["land"], counts["water"] = z.KWB_2024_OPPERVLAKTE_LAND, z.KWB_2024_OPPERVLAKTE_WATER
    return counts


def _kwb_andere(rng, jaar: int, g: z.Gemeente, stock) -> dict[str, float]:
    """Another gemeente: real inwoners (2019, 2024) and stock, a typical Dutch make-up otherwise."""
    inw = g.inwoners_2019 * (g.inwoners_2024 / g.inwoners_2019) ** ((jaar - 2019) / 5)
    households = inw / rng.uniform(2.15, 2.4)
    woningen = stock[g.code][jaar - 1].eindstand
    koop = rng.uniform(0.55, 0.7)
    jongeren = inw * rng.uniform(0.19, 0.22)
    pct = JEUGDZORG_ANDERE_2022.get(g.code, rng.uniform(8.5, 11.5)) * JEUGDZORG_ZWOLLE[jaar] / JEUGDZORG_ZWOLLE[2022]
    return {
        "inwoners": inw,
        "mannen": inw * rng.uniform(0.49, 0.505),
        "a0_15": inw * 0.16,
        "a15_25": inw * 0.12,
        "a25_45": inw * 0.23,
        "a45_65": inw * 0.27,
        "a65": inw * 0.22,
        "huishoudens": households,
        "alleen": households * rng.uniform(0.3, 0.4),
        "met_kinderen": households * rng.uniform(0.3, 0.38),
        "woningen": woningen,
        "koop": woningen * koop,
        "huur": woningen * (1 - koop),
        "corporatie": woningen * rng.uniform(0.2, 0.3),
        "inkomen": households * rng.uniform(36, 44),
        "minima": households * rng.uniform(0.04, 0.07),
        "bijstand": inw * rng.uniform(0.015, 0.03),
        "jongeren": jongeren,
        "jeugdzorg": jongeren * pct / 100,
        "wmo": inw * rng.uniform(0.07, 0.09),
        "land": g.oppervlakte_land,
        "water": g.oppervlakte_water,
    }


def _kwb_nederland(jaar: int) -> dict:
    """The NL00 row: real population; the rest is not needed by Datakompas and left empty."""
    inw = z.NL_INWONERS.get(jaar) or round(z.NL_INWONERS[max(z.NL_INWONERS)] * 1.005 ** (jaar - max(z.NL_INWONERS)))
    return {"AantalInwoners": inw}


def _kwb_values(c: dict[str, float], rounded: bool) -> dict:
    """Topic values from counts; wijken and buurten rounded to 5 and kept secret when small."""

    def count(x: float) -> int:
        return int(_round5(x)) if rounded else int(round(x))

    def share(part: float, whole: float, scale: float = 100.0, digits: int = 1):
        value = round(part / whole * scale, digits) if whole > 0 else None
        return None if value is None else (value if digits else int(value))

    small = rounded and c["inwoners"] < 50
    few_homes = rounded and c["woningen"] < 100
    few_young = rounded and c["jongeren"] < 50
    values = {
        "AantalInwoners": count(c["inwoners"]),
        "Mannen": count(c["mannen"]),
        "Vrouwen": count(c["inwoners"] - c["mannen"]),
        "k_0Tot15Jaar": count(c["a0_15"]),
        "k_15Tot25Jaar": count(c["a15_25"]),
        "k_25Tot45Jaar": count(c["a25_45"]),
        "k_45Tot65Jaar": count(c["a45_65"]),
        "k_65JaarOfOuder": count(c["a65"]),
        "HuishoudensTotaal": None if small else count(c["huishoudens"]),
        "Eenpersoonshuishoudens": None if small else count(c["alleen"]),
        "HuishoudensZonderKinderen": None if small else count(c["huishoudens"] - c["alleen"] - c["met_kinderen"]),
        "HuishoudensMetKinderen": None if small else count(c["met_kinderen"]),
        "GemiddeldeHuishoudensgrootte": None if small else share(c["inwoners"], c["huishoudens"], 1.0),
        "Bevolkingsdichtheid": share(c["inwoners"], c["land"], 100.0, 0),
        "Woningvoorraad": int(round(c["woningen"])),
        "Koopwoningen": None if few_homes else share(c["koop"], c["woningen"], digits=0),
        "HuurwoningenTotaal": None if few_homes else share(c["huur"], c["woningen"], digits=0),
        "InBezitWoningcorporatie": None if few_homes else share(c["corporatie"], c["woningen"], digits=0),
        "GemGestandaardiseerdInkomenVanHuish": None if few_homes else share(c["inkomen"], c["huishoudens"], 1.0),
        "HuishOnderOfRondSociaalMinimum": None if few_homes else share(c["minima"], c["huishoudens"]),
        "PersonenPerSoortUitkeringBijstand": None if small else (int(round(c["bijstand"] / 10) * 10) if rounded else int(round(c["bijstand"]))),
        "JongerenMetJeugdzorgInNatura": None if few_young else count(c["jeugdzorg"]),
        "PercentageJongerenMetJeugdzorg": None if few_young else share(c["jeugdzorg"], c["jongeren"]),
        "WmoClienten": None if small else count(c["wmo"]),
        "WmoClientenRelatief": None if small else share(c["wmo"], c["inwoners"], 1000.0, 0),
        "OppervlakteTotaal": int(c["land"] + c["water"]),
        "OppervlakteLand": int(c["land"]),
        "OppervlakteWater": int(c["water"]),
    }
    return values


# --- Politie: shared by misdrijven (47018NED, 47022NED) and overlast (47024NED) -------------------

LINK = "(uitgebreide beschrijving op https://www.politie.nl/algemeen/dataportaal/dataportaal-definities.html)"
NL_FIRST = 2015  # first year of the national facts below
ONBEKEND = Regio("BU00000000", "Buurt onbekend", "Buurt")
# Share of all national registrations that the police cannot place in a buurt (2023: 3,798).
ONBEKEND_SHARE = 0.0047
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


def _season(soort: Soort) -> np.ndarray:
    weights = np.array(SEIZOENEN[soort.seizoen]) * DAYS
    return weights / weights.sum()


def _national(soort: Soort, jaar: int) -> int:
    """National count: the real figure up to 2023, flat after (the latest year as estimate)."""
    return soort.landelijk[min(jaar, NL_FIRST + len(soort.landelijk) - 1) - NL_FIRST]


def _buurt_features() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _monthly(rng, expected: np.ndarray, soorten: Sequence[Soort]) -> np.ndarray:
    """Poisson counts per month from expected yearly counts (..., soorten) -> (..., 12, soorten)."""
    seasons = np.stack([_season(s) for s in soorten], axis=1)  # (12, soorten)
    return rng.poisson(expected[..., None, :] * seasons)


def _split_national(rng, totals: np.ndarray, soorten: Sequence[Soort]) -> np.ndarray:
    """National yearly counts (years, soorten) over the months, keeping every year's count exact."""
    seasons = np.stack([_season(s) for s in soorten], axis=0)  # (soorten, 12)
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
    return _pad(r.gemeente if r.soort != "Land" else r.naam, 30), _pad(r.soort, 8)


def _cube_csv(counts: Counts, regions: Sequence[Regio], soorten: Sequence[Soort], totaal: tuple[str, str],
              periods: Sequence[tuple[int, int | None]], first_id: int, dimension: str, measure: str) -> tuple[str, int]:
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
    labels = [_r_line((totaal[0].ljust(6), totaal[1]))] + [_r_line((s.key, s.titel)) for s in soorten]
    region_cells = [_r_line((r.key, r.naam)) for r in regions]
    region_tails = [_r_line(_regio_cells(r, 1)) for r in regions]
    blank_tail = _r_line(_regio_cells(NL, 0))
    period_cells = [_r_line(_period(j, m)) for j, m in periods]
    header = ("", dimension, f"{dimension}_label", "WijkenEnBuurten", "WijkenEnBuurten_label", "Perioden", "Perioden_Date",
              "Perioden_freq", "Perioden_label", measure, "Gemeentenaam_2", "SoortRegio_3")
    lines = [_r_line(header)]
    row_id = first_id
    for label, by_region in zip(labels, cube):
        for region, tail, by_period in zip(region_cells, region_tails, by_region):
            for period, value in zip(period_cells, by_period):
                lines.append(f'"{row_id}",{label},{region},{period},{value},{blank_tail if value == 0 else tail}')
                row_id += 1
    return "\n".join(lines) + "\n", row_id - first_id


def _write_cube(out: Path, pattern: str, counts: Counts, regions: Sequence[Regio], soorten: Sequence[Soort], totaal: tuple[str, str],
                periods: Sequence[tuple[int, int | None]], dimension: str, measure: str) -> list[str]:
    """One file per year of `periods`, row ids running on across the files as in one download."""
    files = []
    row_id = 1
    for jaar in sorted({y for y, _ in periods}):
        text, rows = _cube_csv(counts, regions, soorten, totaal, [p for p in periods if p[0] == jaar], row_id, dimension, measure)
        row_id += rows
        files.append(_save(out, pattern.format(jaar=jaar), text))
    return files


def _months(first: dt.date, peildatum: dt.date) -> list[tuple[int, int]]:
    """(year, month) from `first` up to the month before the peildatum."""
    out = []
    y, m = first.year, first.month
    while (y, m) < (peildatum.year, peildatum.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _dimension_csv(rows: Iterable[tuple[str, str, str | None]]) -> str:
    """A category dimension (SoortMisdrijf, Overlast) as cbsodataR saves it: CRLF between records."""
    return _r_csv(("Key", "Title", "Description", "CategoryGroupID"), [(k, t, d, None) for k, t, d in rows], newline="\r\n")


def _properties_csv(dimension: str, dimension_title: str, measure: str, measure_title: str, measure_description: str) -> str:
    header = ("odata.type", "ID", "Position", "ParentID", "Type", "Key", "Title", "Description", "MapYear", "ReleasePolicy",
              "Datatype", "Unit", "Decimals", "Default", "PresentationType")
    rows = [
        ("Cbs.OData.Dimension", 0, 0, None, "Dimension", dimension, dimension_title, "", None, None, None, None, None, None, None),
        ("Cbs.OData.GeoDetail", 1, 1, None, "GeoDetail", "WijkenEnBuurten", "Wijken en buurten", "Wijken en buurten (indeling 2024)",
         2019, None, None, None, None, None, None),
        ("Cbs.OData.TimeDimension", 2, 2, None, "TimeDimension", "Perioden", "Perioden", "", None, False, None, None, None, None, None),
        ("Cbs.OData.Topic", 3, 3, None, "Topic", measure, measure_title, measure_description, None, None, "Long", "aantal", 0, "Zero", "Absolute"),
        ("Cbs.OData.TopicGroup", 4, None, None, "TopicGroup", "", "Regioaanduiding",
         "De gemeenten in Nederland zijn onderverdeeld in wijken en buurten. Buurten vormen het laagste regionale niveau.",
         None, None, None, None, None, None, None),
        ("Cbs.OData.Topic", 5, 4, 4, "Topic", "Gemeentenaam_2", "Gemeentenaam", "De naam van de bestuurlijke gemeente.",
         None, None, "String", "naam", 0, "Missing", ""),
        ("Cbs.OData.Topic", 6, 5, 4, "Topic", "SoortRegio_3", "Soort regio", "De gekozen regioaanduiding betreft: Gemeente, Wijk of Buurt.",
         None, None, "String", "omschrijving", 0, "Missing", ""),
    ]
    return _r_csv(header, rows, newline="\r\n")


# --- Politie misdrijven -----------------------------------------------------------------------------

TOTAAL_MISDRIJVEN = ("0.0.0", "Totaal misdrijven")
# Registrations in Nederland per year 2015..2023 (CBS/Politie); shares and trends follow them.
MISDRIJVEN_NL = (961_208, 914_207, 816_603, 770_427, 803_646, 797_805, 742_992, 799_895, 802_043)
ZEDEN = Soort("1.4.1", "1.4.1 Zedenmisdrijf", f"Zedenmisdrijven; per wijk en buurt niet gepubliceerd.\n{LINK}",
              (6805, 7486, 7612, 8278, 7357, 7306, 7847, 9088, 8214), "vlak", 0, 0)
MISDRIJVEN: tuple[Soort, ...] = (
    Soort("1.1.1", "1.1.1 Diefstal/inbraak woning", f"Diefstal of inbraak in of uit een woning, ook met geweld.\n{LINK}\n",
          (64676, 55495, 49209, 42887, 39474, 30571, 23525, 24414, 22706), "winter", -0.5, -2.0),
    Soort("1.1.2", "1.1.2 Diefstal/inbraak box/garage/schuur", f"Diefstal of inbraak in of uit een box, garage, schuur of erf.\n{LINK}\n",
          (21224, 18493, 15235, 12526, 12250, 13804, 12285, 10677, 11000), "winter", -0.4, -1.0),
    Soort("1.2.1", "1.2.1 Diefstal uit/vanaf motorvoertuigen", f"Diefstal uit of vanaf een personenauto.\n{LINK}",
          (82098, 77412, 63759, 53478, 48515, 45250, 38642, 43210, 43515), "vlak", -0.1, 0.5),
    Soort("1.2.2", "1.2.2 Diefstal van motorvoertuigen", f"Diefstal van een personenauto, motor, vracht- of bestelauto.\n{LINK}\n",
          (14778, 13225, 11615, 10707, 9995, 9678, 7990, 9017, 9303), "vlak", -0.2, 0.6),
    Soort("1.2.3", "1.2.3 Diefstal van brom-, snor-, fietsen", f"Diefstal van een fiets, bromfiets of snorfiets.\n{LINK}\n",
          (123438, 110864, 91582, 82081, 81997, 76291, 71439, 92173, 96927), "zomer_herfst", 0.5, 0.0),
    Soort("1.2.4", "1.2.4 Zakkenrollerij", f"Zakkenrollerij en tassenrollerij.\n{LINK}\n",
          (29307, 25422, 20902, 15025, 12852, 6915, 5585, 10234, 12393), "december", 1.0, -1.0),
    Soort("1.2.5", "1.2.5 Diefstal af/uit/van ov. voertuigen", f"Diefstal van of uit andere vervoermiddelen.\n{LINK}\n",
          (17334, 15060, 14221, 13687, 16979, 17550, 16692, 24431, 28402), "vlak", -0.1, 0.8),
    Soort("1.3.1", "1.3.1 Ongevallen (weg)", f"Verkeersongeval met letsel of dodelijke afloop; doorrijden na een ongeval.\n{LINK}",
          (80796, 81047, 78787, 81167, 83072, 75133, 76068, 82834, 76458), "vlak", 0.0, 0.5),
    Soort("1.4.2", "1.4.2 Moord, doodslag", f"Moord, doodslag en andere misdrijven tegen het leven, ook pogingen.\n{LINK}",
          (3159, 3061, 2946, 2719, 2604, 2687, 2681, 2799, 2541), "vlak", 0.2, -0.5),
    Soort("1.4.3", "1.4.3 Openlijk geweld (persoon)", f"Openlijke geweldpleging tegen personen.\n{LINK}",
          (3909, 3691, 3773, 3607, 3733, 2910, 3343, 4068, 4037), "zomer", 0.6, -0.5),
    Soort("1.4.4", "1.4.4 Bedreiging", f"Bedreiging, stalking, gijzeling en andere misdrijven tegen de persoonlijke vrijheid.\n{LINK}\n",
          (31820, 30408, 27783, 26788, 28286, 29590, 26994, 25350, 23298), "zomer", 0.1, -0.3),
    Soort("1.4.5", "1.4.5 Mishandeling", f"Eenvoudige en zware mishandeling.\n{LINK}\n",
          (47471, 46248, 44085, 42331, 41787, 37582, 35759, 40591, 39268), "zomer", 0.3, -0.5),
    Soort("1.4.6", "1.4.6 Straatroof", f"Beroving op straat met geweld of bedreiging.\n{LINK}",
          (4738, 4179, 3591, 3534, 3781, 3187, 2318, 2484, 2435), "zomer", 0.5, -0.5),
    Soort("1.4.7", "1.4.7 Overval", f"Overval in een woning of op een winkel, bedrijf of geldtransport.\n{LINK}",
          (1226, 1152, 1111, 1148, 1177, 907, 684, 671, 541), "winter", 0.3, 0.3),
    Soort("1.6.1", "1.6.1 Brand/ontploffing", f"Brandstichting en ontploffing.\n{LINK}",
          (4880, 4770, 4677, 4600, 4738, 5049, 4113, 4227, 4103), "nieuwjaar", 0.0, 0.5),
    Soort("1.6.2", "1.6.2 Overige vermogensdelicten", f"Onder meer oplichting, verduistering en heling.\n{LINK}",
          (118279, 108948, 93906, 86966, 88449, 77472, 68667, 82918, 83379), "vlak", 0.2, 0.2),
    Soort("2.2.1", "2.2.1 Vernieling cq. zaakbeschadiging", f"Vernieling van auto's, openbaar vervoer, gebouwen en andere zaken.\n{LINK}\n",
          (102048, 94731, 81682, 72120, 76909, 78420, 72041, 71057, 69976), "nieuwjaar", 0.1, 0.3),
    Soort("2.4.2", "2.4.2 Huisvredebreuk", f"Wederrechtelijk binnendringen of vertoeven in een woning of besloten lokaal.\n{LINK}",
          (2069, 2298, 2112, 2328, 2676, 2622, 2494, 3032, 3234), "vlak", 0.0, -0.5),
    Soort("2.5.1", "2.5.1 Diefstal/inbraak bedrijven enz.", f"Diefstal of inbraak in of uit bedrijven, scholen, sportcomplexen en andere gebouwen.\n{LINK}\n",
          (29390, 26752, 22820, 19829, 19472, 16705, 11228, 12835, 12941), "winter", 0.3, 1.8),
    Soort("2.5.2", "2.5.2 Winkeldiefstal", f"Diefstal uit een winkel.\n{LINK}\n",
          (40239, 39095, 37610, 37491, 39229, 34343, 30714, 40142, 44844), "december", 0.9, 0.3),
    Soort("2.6.9", "2.6.9 Vuurwerk", f"Overtreding van het Vuurwerkbesluit.\n{LINK}",
          (608, 608, 827, 1087, 785, 1202, 1396, 1088, 373), "jaarwisseling", 0.1, -0.5),
    Soort("3.1.1", "3.1.1 Drugshandel", f"Handel in hard- en softdrugs.\n{LINK}\n",
          (13297, 12317, 11622, 12357, 13784, 12647, 11467, 11613, 13468), "vlak", 0.5, 0.0),
    Soort("3.1.3", "3.1.3 Wapenhandel", f"Handel in en bezit van wapens en munitie.\n{LINK}",
          (4966, 4876, 4243, 4943, 6226, 6601, 6756, 6840, 6662), "vlak", 0.3, 0.0),
    Soort("3.5.2", "3.5.2 Onder invloed (weg)", f"Rijden onder invloed van alcohol of drugs.\n{LINK}",
          (26715, 26057, 25427, 28547, 32541, 29285, 31584, 43388, 42799), "vlak", 0.1, 0.3),
    Soort("3.5.5", "3.5.5 Weg (overig)", f"Overige misdrijven in het wegverkeer, zoals rijden zonder rijbewijs.\n{LINK}",
          (4991, 5446, 5444, 6041, 6666, 8761, 9574, 11730, 12123), "vlak", 0.0, 0.3),
    Soort("3.6.4", "3.6.4 Aantasting openbare orde", f"Onder meer belediging van ambtenaren en verstoring van de openbare orde.\n{LINK}",
          (4825, 5436, 5227, 5673, 7002, 6525, 7508, 7526, 7937), "zomer", 0.5, 0.0),
    Soort("3.7.3", "3.7.3 Maatsch. integriteit (overig)", f"Onder meer belediging, smaad en laster.\n{LINK}",
          (10723, 10941, 10235, 10661, 11211, 12067, 11508, 11369, 10264), "vlak", 0.2, 0.0),
    Soort("3.7.4", "3.7.4 Cybercrime", f"Computervredebreuk en andere misdrijven met ICT als doel.\n{LINK}",
          (2152, 1809, 2228, 2839, 4718, 10825, 14174, 13996, 12029), "vlak", -0.6, -1.5),
    Soort("3.9.1", "3.9.1 Horizontale fraude", f"Fraude tussen burgers en bedrijven onderling, zoals oplichting bij online handel.\n{LINK}\n",
          (39318, 65542, 62362, 65263, 84618, 125446, 117640, 86734, 88132), "vlak", -0.6, -1.5),
)
MISDRIJVEN_TREND = 0.35  # Zwolle follows the national trend damped: a mild decline, not -20%
MISDRIJVEN_NA_2023 = 1.012  # yearly growth after the last national figure
MAANDCIJFERS_JAREN = 3  # the monthly table (47022NED) starts in January three years before the peildatum


def _nl_total(totals: Sequence[int], jaar: int, growth: float = 1.0) -> float:
    last = NL_FIRST + len(totals) - 1
    return totals[min(jaar, last) - NL_FIRST] * growth ** max(0, jaar - last)


@cache
def misdrijven(seed: int, peildatum: dt.date) -> Counts:
    """Monthly counts for NL00, Zwolle (gemeente, wijken, buurten), Deventer, Kampen, buurt onbekend."""
    rng = np.random.default_rng([seed, RNG_MISDRIJVEN])
    jaren = tuple(range(NL_FIRST, peildatum.year + 1))
    model = portaal.model(seed, peildatum.year)
    centrum, bedrijf, _ = _buurt_features()
    soorten = MISDRIJVEN
    nat = np.array([[_national(s, y) for s in soorten] for y in jaren], dtype=float)  # (years, soorten)
    nat_total = np.array([_nl_total(MISDRIJVEN_NL, y, MISDRIJVEN_NA_2023) for y in jaren])
    nat = nat * np.array([MISDRIJVEN_NA_2023 ** max(0, y - 2023) for y in jaren])[:, None]
    hidden_share = 1 - nat.sum(axis=1) / nat_total  # zeden and the soorten not listed

    # Zwolle's buurten: the real 2023 pattern, moved by population growth and a drifting local trend.
    inw = model.inwoners[[model.at(y) for y in jaren]].astype(float)
    growth = ((inw + 50) / (inw[jaren.index(2023)] + 50)) ** 0.6
    drift = np.zeros_like(inw)
    drift[0] = rng.normal(0, 0.1, inw.shape[1])
    for y in range(1, len(jaren)):
        drift[y] = 0.7 * drift[y - 1] + rng.normal(0, 0.07, inw.shape[1])
    weight = np.array([b.misdrijven_2023 for b in z.BUURTEN]) * growth * np.exp(drift)
    level = z.MISDRIJVEN_2023 * (nat_total / nat_total[jaren.index(2023)]) ** MISDRIJVEN_TREND
    per_buurt = level[:, None] * weight / weight.sum(axis=1, keepdims=True)  # (years, buurten)
    affinity = np.exp(np.outer(centrum, [s.centrum for s in soorten]) + np.outer(bedrijf, [s.kenmerk for s in soorten])
                      + rng.normal(0, 0.2, (len(z.BUURTEN), len(soorten))))
    mix = (nat / nat.sum(axis=1, keepdims=True))[:, None, :] * affinity[None]  # (years, buurten, soorten)
    mix /= mix.sum(axis=2, keepdims=True)
    expected = per_buurt[..., None] * (1 - hidden_share)[:, None, None] * mix
    buurten = _monthly(rng, expected.transpose(1, 0, 2), soorten)  # (buurten, years, 12, soorten)
    buurten_hidden = rng.poisson(per_buurt.T[..., None] * hidden_share[None, :, None] * _season(ZEDEN))

    per_soort: dict[str, np.ndarray] = {}
    hidden: dict[str, np.ndarray] = {}
    for i, b in enumerate(BUURTEN):
        per_soort[b.code], hidden[b.code] = buurten[i], buurten_hidden[i]
    for k, w in enumerate(WIJKEN):
        per_soort[w.code] = buurten[WIJK_VAN == k].sum(axis=0)
        hidden[w.code] = buurten_hidden[WIJK_VAN == k].sum(axis=0)
    # The gemeente also counts what could not be placed in a buurt.
    unplaced = _monthly(rng, expected.sum(axis=1) * ZWOLLE_ONGEPLAATST, soorten)
    per_soort[ZWOLLE.code] = buurten.sum(axis=0) + unplaced
    unplaced_hidden = (per_buurt.sum(axis=1) * hidden_share * ZWOLLE_ONGEPLAATST)[:, None] * _season(ZEDEN)
    hidden[ZWOLLE.code] = buurten_hidden.sum(axis=0) + rng.poisson(unplaced_hidden)

    national_mix = nat / nat.sum(axis=1, keepdims=True)
    for code, buurtsom in z.MISDRIJVEN_2023_BUURTSOM.items():
        total = buurtsom * (1 + ZWOLLE_ONGEPLAATST) * (nat_total / nat_total[jaren.index(2023)]) ** MISDRIJVEN_TREND
        per_soort[code] = _monthly(rng, (total * (1 - hidden_share))[:, None] * national_mix, soorten)
        hidden[code] = rng.poisson((total * hidden_share)[:, None] * _season(ZEDEN))
    per_soort[NL.code] = _split_national(rng, np.round(nat).astype(np.int64), soorten)
    hidden[NL.code] = rng.multinomial(np.round(nat_total - nat.sum(axis=1)).astype(np.int64), _season(ZEDEN))
    per_soort[ONBEKEND.code] = _monthly(rng, nat * ONBEKEND_SHARE, soorten)
    hidden[ONBEKEND.code] = np.zeros((len(jaren), 12), dtype=np.int64)
    return Counts(jaren, per_soort, hidden)


def _crime_regions(onbekend: bool) -> list[Regio]:
    others = [r for r in ANDERE if r.code in z.MISDRIJVEN_2023_BUURTSOM]
    regions = [NL, *sorted(others + [ZWOLLE], key=lambda r: r.code)]
    regions = [x for r in regions for x in (zwolle_ordered() if r == ZWOLLE else [r])]
    return regions + ([ONBEKEND] if onbekend else [])


def write_misdrijven(out: Path, seed: int, peildatum: dt.date) -> list[str]:
    counts = misdrijven(seed, peildatum)
    cube = ("SoortMisdrijf", "GeregistreerdeMisdrijven_1")
    years = [(jaar, None) for jaar in range(NL_FIRST, peildatum.year)]
    files = _write_cube(out, "politie/47018NED/PolRegCrime47018_{jaar}.csv", counts, _crime_regions(onbekend=True), MISDRIJVEN, TOTAAL_MISDRIJVEN, years, *cube)
    months = _months(dt.date(peildatum.year - MAANDCIJFERS_JAREN, 1, 1), peildatum)
    files += _write_cube(out, "politie/47022NED/PolRegCrime47022_{jaar}.csv", counts, _crime_regions(onbekend=False), MISDRIJVEN, TOTAAL_MISDRIJVEN, months, *cube)
    dimension = [(TOTAAL_MISDRIJVEN[0].ljust(6), TOTAAL_MISDRIJVEN[1], None)] + [(s.key, s.titel, s.omschrijving) for s in sorted((*MISDRIJVEN, ZEDEN), key=lambda s: s.code)]
    files.append(_save(out, "politie/47018NED/SoortMisdrijf.csv", _dimension_csv(dimension)))
    description = ("Totaal van de geregistreerde misdrijven, bron is de politieregistratie Basis Voorziening Informatie (BVI). "
                   "Een geregistreerd misdrijf is een misdrijf, door de politie vastgelegd in een proces-verbaal.")
    files.append(_save(out, "politie/47018NED/DataProperties.csv",
                       _properties_csv("SoortMisdrijf", "Soort misdrijf", "GeregistreerdeMisdrijven_1", "Geregistreerde misdrijven", description)))
    return files


# --- Politie overlast (47024NED) ------------------------------------------------------------------

TOTAAL_OVERLAST = ("0.0.0", "Totaal registraties overlast")
OVERLAST_JAREN = 7  # monthly figures from January seven years before the peildatum: covid shows
OVERLAST: tuple[Soort, ...] = (
    Soort("E33", "Overlast door verward persoon", "Elke vorm van overlast veroorzaakt door een verward of overspannen persoon.",
          (66030, 74939, 83611, 90628, 99662, 117246, 130194, 138807, 141724), "vlak", 0.5, 0.0),
    Soort("E35", "Melding overlast jeugd", "Meldingen waarbij wordt geklaagd over jeugd, bijvoorbeeld hangjeugd of geluidsoverlast door jeugd.",
          (81075, 86408, 87875, 70802, 76546, 137946, 125487, 88711, 83694), "jeugd", -0.1, 0.4),
    Soort("E38", "Overlast ivm alcohol/ drugs", "Overlast die samenhangt met harddrugs, softdrugs of alcohol.",
          (25689, 29709, 32429, 36807, 40159, 46275, 46015, 56028, 59430), "zomer", 0.6, 0.0),
    Soort("E41", "Overlast zwervers", "Overlast veroorzaakt door een zwerver.",
          (11523, 14221, 16142, 18889, 22281, 28719, 26766, 33092, 40525), "winter", 1.2, 0.0),
    Soort("F010", "Openbare dronkenschap", "Zich kennelijk dronken bevinden op een openbare of voor het publiek toegankelijke plaats.",
          (8146, 8385, 8312, 8136, 7920, 5779, 5104, 6735, 6045), "december", 1.2, 0.0),
    Soort("M061", "Geluidshinder horeca", "Geluidsoverlast die voortkomt uit een horecagelegenheid.\n",
          (6372, 6270, 5796, 5478, 4767, 3136, 2540, 4199, 3231), "terras", 2.0, 0.0),
    Soort("M062", "Geluidshinder evenement", "Geluidsoverlast tijdens een evenement.",
          (1897, 1856, 1834, 1689, 1593, 679, 1080, 1739, 1326), "evenement", 1.0, 0.0),
    Soort("M22", "Geluidshinder overig", "Geluidshinder die niet van horeca of een legaal evenement komt.\n",
          (104647, 111613, 115286, 117559, 113874, 170392, 199773, 132042, 108202), "geluid", -0.1, 0.0),
)


@cache
def overlast(seed: int, peildatum: dt.date) -> Counts:
    rng = np.random.default_rng([seed, RNG_OVERLAST])
    jaren = tuple(range(peildatum.year - OVERLAST_JAREN, peildatum.year + 1))
    model = portaal.model(seed, peildatum.year)
    centrum, _, family = _buurt_features()
    nat = np.array([[_national(s, y) for s in OVERLAST] for y in jaren], dtype=float)
    inw = model.inwoners[[model.at(y) for y in jaren]].astype(float)
    nl_inw = np.array([z.NL_INWONERS.get(y, z.NL_INWONERS[max(z.NL_INWONERS)]) for y in jaren], dtype=float)
    zwolle = nat * (inw.sum(axis=1) / nl_inw)[:, None]  # (years, soorten): Zwolle at the national rate
    affinity = np.exp(np.outer(centrum, [s.centrum for s in OVERLAST]) + np.outer(family, [s.kenmerk for s in OVERLAST])
                      + rng.normal(0, 0.25, (len(z.BUURTEN), len(OVERLAST))))
    weight = (inw[..., None] + 30) ** 0.85 * affinity[None]  # (years, buurten, soorten)
    expected = zwolle[:, None, :] * weight / weight.sum(axis=1, keepdims=True)
    buurten = _monthly(rng, expected.transpose(1, 0, 2), OVERLAST)
    none = np.zeros((len(jaren), 12), dtype=np.int64)
    per_soort = {b.code: buurten[i] for i, b in enumerate(BUURTEN)}
    per_soort |= {w.code: buurten[WIJK_VAN == k].sum(axis=0) for k, w in enumerate(WIJKEN)}
    per_soort[ZWOLLE.code] = buurten.sum(axis=0) + _monthly(rng, zwolle * ZWOLLE_ONGEPLAATST, OVERLAST)
    per_soort[NL.code] = _split_national(rng, nat.astype(np.int64), OVERLAST)
    return Counts(jaren, per_soort, {code: none for code in per_soort})


def write_overlast(out: Path, seed: int, peildatum: dt.date) -> list[str]:
    counts = overlast(seed, peildatum)
    months = _months(dt.date(counts.jaren[0], 1, 1), peildatum)
    files = _write_cube(out, "politie/47024NED/Overlast47024_{jaar}.csv", counts, [NL, *zwolle_ordered()], OVERLAST, TOTAAL_OVERLAST, months,
                        "Overlast", "GeregistreerdeOverlast_1")
    dimension = [(TOTAAL_OVERLAST[0].ljust(6), TOTAAL_OVERLAST[1], None)] + [(s.key, s.titel, s.omschrijving) for s in OVERLAST]
    files.append(_save(out, "politie/47024NED/Overlast.csv", _dimension_csv(dimension)))
    description = "Aantal registraties van overlast door de politie; een registratie is een melding die de politie vastlegt als incident."
    files.append(_save(out, "politie/47024NED/DataProperties.csv",
                       _properties_csv("Overlast", "Overlast", "GeregistreerdeOverlast_1", "Geregistreerde overlast", description)))
    return files
