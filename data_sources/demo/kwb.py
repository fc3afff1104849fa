"""Demo cbs_kwb: per year the KWB table's TypedDataSet, DataProperties and TableInfos as the OData
API returns them (JSON), one folder per table, with the positional key suffixes of that table.

Zwolle's buurten come from the portal model (portaal.model) and its housing stock from
woningvoorraad, so inwoners and woningen agree between sources; other gemeenten have their real
inwoners and stock and a typical Dutch make-up otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data_sources.demo import geo, portaal, woningvoorraad
from data_sources.demo import zwolle as z
from data_sources.demo.cbs_files import pad, save
from data_sources.demo.regios import BUURTEN, NL, WIJK_VAN, WIJKEN, ZWOLLE, all_ordered

STREAM = 11  # this module's generator stream: independent of the other demo modules
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


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """`scale` does not apply: these are Zwolle's own regions."""
    years = [y for y in KWB_TABELLEN if KWB_FIRST <= y < peildatum.year]
    rng = np.random.default_rng([seed, STREAM])
    model = portaal.model(seed, peildatum.year)
    stock = woningvoorraad.voorraad(seed, peildatum.year - 1)
    shares = _kwb_buurt_shares(rng)
    files = []
    for jaar in years:
        table = KWB_TABELLEN[jaar]
        records = _kwb_records(rng, jaar, model, stock, shares)
        rows = [{"ID": i, "WijkenEnBuurten": key, **values} for i, (key, values) in enumerate(records)]
        typed = {"odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet", "value": rows}
        folder = f"cbs/kwb/{table}"
        files.append(save(out, f"{folder}/TypedDataSet.json", json.dumps(typed, ensure_ascii=False, separators=(",", ":"))))
        files.append(save(out, f"{folder}/DataProperties.json", json.dumps(_kwb_properties(jaar), ensure_ascii=False, indent=4)))
        files.append(save(out, f"{folder}/TableInfos.json", json.dumps(_kwb_infos(jaar, table), ensure_ascii=False, indent=4)))
    return {"cbs_kwb": files}


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
            "Gemeentenaam": pad(r.gemeente or r.naam, 40),
            "SoortRegio": pad(r.soort, 10),
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


def _round5(x) -> np.ndarray:
    """CBS rounds counts of wijken and buurten to multiples of 5."""
    return (np.round(np.asarray(x, dtype=float) / 5) * 5).astype(np.int64)


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
