"""Demo youth care for Zwolle: toewijzingen, declaraties and begroting in the formats of FORMATS.md.

The data behave like a real gemeente's, so the metrics and the year-end forecast meet the same
difficulties as on real exports:
- about 3,300 jeugdigen with care per year at scale 1 (some 12% of Zwolle's 0-17 year olds), more
  in buurten with a weaker social position;
- trajecten of one or more toewijzingen (renewals, a second product alongside, a follow-up)
  lasting weeks (crisis) to years (pleegzorg, voogdij); most toewijzingen start within five
  working days after the aanvraag, some after weeks on a waiting list;
- iJw products with tariffs indexed every year, some 44 fictional aanbieders of which a few large;
- per toewijzing per month a declaratie near volume x tarief, with rejected lines, credit lines
  and corrections, submitted weeks to months after the month of care, and only those submitted
  on or before the peildatum are written: the rest is not in yet, as in a real export;
- a begroting per year, taakveld (old codes up to 2022, new from 2023) and group that falls
  structurally short of the realisation in recent years.
All randomness comes from one numpy generator seeded with (seed, STREAM): same seed, scale and
peildatum give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from data_sources import jeugd_reference as ref
from data_sources.demo import zwolle

STREAM = 301  # this module's generator stream: independent of the other demo modules
YEARS = 10  # the export covers ten calendar years up to and including the peildatum's
BURN_IN_YEARS = 8  # trajecten that started before the window are still running in it
JEUGDIGEN_PER_JAAR = 3_300  # unique jeugdigen with care per year at scale 1
PILOT = 100_000  # trajecten in the sample that calibrates the arrival rate
TARGET_DAYS_TO_START = 5  # working days from aanvraag to start for most toewijzingen


class Product(NamedTuple):
    productcode: str
    productcategorie: str
    eenheid: str  # iJw code (FORMATS.md)
    frequentie: str  # iJw code
    tarief: float  # euro per eenheid in the first year of the window, before indexation
    volume: tuple[int, int]  # range of the assigned volume per frequentie
    duur_maanden: float  # median duration of one toewijzing
    duur_spreiding: float  # sigma of the log-normal duration
    realisatie: float  # share of the assigned volume that is declared, on average
    aandeel: float  # share of new trajecten starting with this product
    aanbieders: str  # which kind of aanbieder delivers it


# Demo catalogue in iJw style; 54001/54002/54004 are standard Jeugd-ggz codes, the rest is local.
# Eenheid (WJ756): a trajectprijs is 82 stuks (output) per toewijzing (frequentie 6); a monthly
# fee for jeugdbescherming/-reclassering is 84 stuks (inspanning) per maand (frequentie 4).
PRODUCTEN: tuple[Product, ...] = (
    Product("45A01", "45", "04", "2", 64.0, (2, 4), 7.0, 0.8, 0.85, 0.20, "breed"),
    Product("45A02", "45", "04", "2", 98.0, (1, 3), 5.0, 0.7, 0.85, 0.12, "breed"),
    Product("45A03", "45", "04", "2", 112.0, (3, 6), 5.0, 0.6, 0.88, 0.05, "breed"),
    Product("45A04", "45", "16", "2", 42.0, (1, 4), 9.0, 0.7, 0.85, 0.04, "breed"),
    Product("41A01", "41", "16", "2", 92.0, (2, 8), 9.0, 0.6, 0.90, 0.05, "breed"),
    Product("40A01", "40", "04", "2", 48.0, (2, 6), 14.0, 0.8, 0.90, 0.03, "breed"),
    Product("50A01", "50", "82", "6", 4800.0, (1, 1), 6.0, 0.6, 1.00, 0.03, "breed"),
    Product("54001", "54", "01", "6", 1.62, (600, 1800), 5.0, 0.6, 0.88, 0.17, "ggz"),
    Product("54002", "54", "01", "6", 1.98, (2400, 7200), 9.0, 0.7, 0.85, 0.08, "ggz"),
    Product("54004", "54", "01", "6", 1.85, (300, 900), 1.5, 0.5, 0.95, 0.05, "ggz"),
    Product("43A01", "43", "14", "2", 310.0, (7, 7), 8.0, 0.8, 0.97, 0.020, "verblijf"),
    Product("43A02", "43", "14", "2", 175.0, (7, 7), 24.0, 0.7, 0.98, 0.010, "verblijf"),
    Product("44A01", "44", "14", "2", 46.0, (7, 7), 30.0, 0.8, 0.99, 0.035, "verblijf"),
    Product("44A02", "44", "14", "2", 150.0, (7, 7), 12.0, 0.6, 0.97, 0.010, "verblijf"),
    Product("46A01", "46", "14", "2", 395.0, (7, 7), 0.7, 0.6, 0.98, 0.015, "verblijf"),
    Product("48A01", "48", "84", "4", 1180.0, (1, 1), 14.0, 0.5, 1.00, 0.045, "gi"),
    Product("48A02", "48", "84", "4", 860.0, (1, 1), 48.0, 0.5, 1.00, 0.010, "gi"),
    Product("47A01", "47", "84", "4", 930.0, (1, 1), 8.0, 0.5, 1.00, 0.020, "gi"),
)

# Yearly tariff indexation (OVA-like), applied from the first year of the window on.
INDEXATIE = (0.0, 0.030, 0.031, 0.034, 0.028, 0.042, 0.061, 0.055, 0.041, 0.035)

# Fictional aanbieders; a leading '+' marks the few large ones that also run verblijf.
AANBIEDERS: dict[str, tuple[str, ...]] = {
    "breed": (
        "+Stichting Kompaszorg Jeugd", "+Vechtzicht Jeugd en Gezin", "De Brugwachter Jeugdhulp",
        "Zorgcollectief Het Klaverveld", "Gezinsbegeleiding De Lantaarn", "Jeugdhulp Stadshagen Samen",
        "Opvoedpraktijk Wilgenhof", "Stichting Rondom het Kind", "Kindcentrum De Zandloper",
        "Begeleidingsdienst Noordenwind", "Zorgboerderij De Hooiberg", "Praktijk Kleine Stappen",
        "Jeugdteam Drievoud", "Autismecoaching Helder Zicht", "Stichting Op Koers",
        "Dagbehandeling De Kiem", "Thuisbegeleiding Vlinderveld", "Jeugdhulp Aan de Aa",
    ),
    "ggz": (
        "GGZ Jeugd Hanzekwartier", "Kinder- en Jeugdpsychiatrie Noordoost", "Jeugd-GGZ Het Groene Huis",
        "Praktijk voor Kind en Jeugd De Uilenspiegel", "Psychologenpraktijk Sassenstraat",
        "Praktijk Evenwicht Jeugd", "Kinderpsychologen Zwolle-Zuid", "Praktijk De Vuurtoren",
        "Centrum voor Ontwikkeling en Leren Zonnedauw", "Jeugdpsychologie Veerkracht",
        "Praktijk Kindertaal en Gedrag", "GGZ-praktijk De Waterlelie", "Behandelcentrum Polderlicht",
        "Praktijk Spelenderwijs",
    ),
    "verblijf": (
        "Pleegzorg Overal Thuis", "De Einder Jeugdzorg", "Gezinshuis De Appelgaard", "Gezinshuis Het Zwaluwnest",
        "Woongroep Stap Vooruit", "Crisisopvang Veilige Haven Jeugd", "Gezinshuis De Linde",
        "Behandelgroepen Buitenzorg", "Logeerhuis De Kapstok",
    ),
    "gi": (
        "Gecertificeerde Instelling Jeugdrecht Noordoost", "Stichting Gezinsvoogdij De Dijk",
        "Stichting Jeugdreclassering Kompasroos",
    ),
}  # fmt: skip

# Verwijzer shares per reporting group, in the order of ref.VERWIJZERS (COD327: 01-06, 08).
VERWIJZERS_PER_GROEP: dict[str, tuple[float, ...]] = {
    ref.ZONDER_VERBLIJF: (0.66, 0.14, 0.05, 0.07, 0.05, 0.02, 0.01),
    ref.JEUGD_GGZ: (0.24, 0.56, 0.04, 0.03, 0.11, 0.02, 0.00),
    ref.MET_VERBLIJF: (0.48, 0.02, 0.00, 0.40, 0.04, 0.01, 0.05),
    ref.JEUGDBESCHERMING: (0.00, 0.00, 0.00, 0.62, 0.00, 0.00, 0.38),
    ref.JEUGDRECLASSERING: (0.00, 0.00, 0.00, 0.50, 0.00, 0.00, 0.50),
}
# Age at the start of care per group (uniform range, years).
LEEFTIJD_PER_GROEP: dict[str, tuple[int, int]] = {
    ref.ZONDER_VERBLIJF: (2, 16),
    ref.JEUGD_GGZ: (6, 17),
    ref.MET_VERBLIJF: (4, 17),
    ref.JEUGDBESCHERMING: (0, 17),
    ref.JEUGDRECLASSERING: (13, 17),
}

# Demo assumption, not a fact: relative use of youth care per wijk, higher where more households
# live on a low income (Diezerpoort, Holtenbroek, Aa-landen), lower in the outer villages.
WIJK_GEBRUIK: dict[str, float] = {
    "WK019310": 1.00, "WK019311": 1.50, "WK019312": 1.10, "WK019313": 1.00, "WK019314": 1.15,
    "WK019320": 0.70, "WK019321": 0.90, "WK019322": 0.95, "WK019330": 1.45, "WK019331": 1.25,
    "WK019332": 0.70, "WK019340": 0.80, "WK019341": 0.70, "WK019350": 0.85, "WK019351": 0.85,
    "WK019352": 0.70,
}  # fmt: skip

# Aanvragen per calendar month relative to the mean: quiet summer holidays, busy autumn.
MAAND_SEIZOEN = (1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.8, 0.8, 1.1, 1.1, 1.1, 0.9)

# Submission lag after the end of the month of care: (share, low, high) in days.
INDIEN_VERTRAGING = ((0.70, 3, 35), (0.21, 35, 100), (0.08, 100, 250), (0.01, 250, 540))
AFGEKEURD = 0.015  # share of lines rejected (of which most are submitted again)
GECREDITEERD = 0.015  # share of approved lines later credited (of which most are corrected)
BEOORDELING_DAGEN = 21  # lines submitted within this many days before the peildatum are not yet assessed

# Primitieve begroting as a share of the realisation, for the years before the last four and
# for the last four years (structural overspending); actuele closes part of the gap.
BEGROTING_VROEG = (0.95, 1.03)
BEGROTING_RECENT = (0.85, 0.90)
RECENTE_JAREN = 4
BIJSTELLING = (0.3, 0.7)


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """Write jeugd/toewijzingen.csv, jeugd/declaraties_<jaar>.csv and jeugd/begroting.csv under out."""
    rng = np.random.default_rng([seed, STREAM])
    window = dt.date(peildatum.year - YEARS + 1, 1, 1)
    toewijzingen = _toewijzingen(rng, _trajecten(rng, scale, window, peildatum), window)
    maanden = _zorgmaanden(rng, toewijzingen, window, peildatum)

    (out / "jeugd").mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {"jeugd_toewijzingen": ["jeugd/toewijzingen.csv"], "jeugd_declaraties": [], "jeugd_begroting": ["jeugd/begroting.csv"]}
    _written(toewijzingen, rng, window, peildatum).write_csv(out / files["jeugd_toewijzingen"][0], float_precision=2)
    declaraties = _declaraties(rng, maanden, peildatum)
    for (jaar,), part in declaraties.group_by(pl.col("maand").str.slice(0, 4), maintain_order=True):
        name = f"jeugd/declaraties_{jaar}.csv"
        part.write_csv(out / name, float_precision=2)
        files["jeugd_declaraties"].append(name)
    _begroting(rng, maanden, window, peildatum).write_csv(out / files["jeugd_begroting"][0], float_precision=0)
    return files


# --- trajecten: clients and their sequence of products -------------------------------------

RENEWAL, ALONGSIDE, FOLLOW_UP = 1, 2, 3  # how a further toewijzing relates to the one before


def _product_arrays() -> dict[str, np.ndarray]:
    p = PRODUCTEN
    return {
        "aandeel": np.array([x.aandeel for x in p]) / sum(x.aandeel for x in p),
        "duur": np.array([x.duur_maanden for x in p]) * 30.44,
        "spreiding": np.array([x.duur_spreiding for x in p]),
    }


def _duration(rng: np.random.Generator, product: np.ndarray, pa: dict[str, np.ndarray]) -> np.ndarray:
    days = pa["duur"][product] * np.exp(rng.normal(0.0, pa["spreiding"][product]))
    return np.clip(np.round(days), 7, 8 * 365).astype(np.int64)


def _shapes(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """n client trajecten: per toewijzing the client, product, start offset and duration in days.

    Rows 0..n-1 are each client's first toewijzing. Further ones (up to four) are a renewal of
    the previous product (half), a second product alongside it (30%) or a follow-up (20%);
    `parent` is the row each one follows.
    """
    pa = _product_arrays()
    extra = np.minimum(rng.poisson(0.6, n), 4)
    client = np.arange(n)
    product = rng.choice(len(PRODUCTEN), size=n, p=pa["aandeel"])
    offset = np.zeros(n, dtype=np.int64)
    duur = _duration(rng, product, pa)
    cols = {"client": [client], "product": [product], "offset": [offset], "duur": [duur], "soort": [np.zeros(n, dtype=np.int64)], "parent": [np.full(n, -1)]}
    row = np.arange(n)
    total = n
    for step in range(1, 5):
        keep = extra[client] >= step
        client, product, offset, duur, row = client[keep], product[keep], offset[keep], duur[keep], row[keep]
        u = rng.random(client.size)
        soort = np.where(u < 0.5, RENEWAL, np.where(u < 0.8, ALONGSIDE, FOLLOW_UP))
        other = rng.choice(len(PRODUCTEN), size=client.size, p=pa["aandeel"])
        product = np.where(soort == RENEWAL, product, other)
        offset = np.where(
            soort == ALONGSIDE,
            offset + (rng.random(client.size) * duur * 0.6).astype(np.int64),
            offset + duur + np.where(soort == FOLLOW_UP, rng.exponential(45, client.size).astype(np.int64), 0),
        )
        duur = _duration(rng, product, pa)
        for key, value in (("client", client), ("product", product), ("offset", offset), ("duur", duur), ("soort", soort), ("parent", row)):
            cols[key].append(value)
        row = np.arange(total, total + client.size)
        total += client.size
    return {k: np.concatenate(v) for k, v in cols.items()}


def _trajecten(rng: np.random.Generator, scale: float, window: dt.date, peildatum: dt.date) -> dict[str, np.ndarray]:
    """Clients arriving over burn-in + window up to the end of the peildatum's year, and their toewijzingen.

    The arrival rate follows from the target number of unique jeugdigen per year: per year of
    arrivals, the expected number of clients with care in a given year is the expected length
    of the set of start times from which some toewijzing of the traject touches that year. A
    pilot sample with its own fixed generator measures it by placing trajecten at random.
    """
    pilot_rng = np.random.default_rng([STREAM, 0])
    pilot = _shapes(pilot_rng, PILOT)
    spread = BURN_IN_YEARS + 1
    start = (pilot_rng.random(PILOT) * spread - BURN_IN_YEARS) * 365.25
    first = start[pilot["client"]] + pilot["offset"]
    touches = (first < 365.25) & (first + pilot["duur"] > 0)
    hit = np.zeros(PILOT, dtype=bool)
    hit[pilot["client"][touches]] = True
    per_year = JEUGDIGEN_PER_JAAR * scale / (hit.mean() * spread)

    months = np.arange(np.datetime64(f"{window.year - BURN_IN_YEARS}-01"), np.datetime64(f"{peildatum.year}-12") + 1)
    season = np.array(MAAND_SEIZOEN)[months.astype(np.int64) % 12]
    month_of = np.repeat(months, rng.poisson(per_year / 12 * season))
    days_in = ((month_of + 1).astype("datetime64[D]") - month_of.astype("datetime64[D]")).astype(np.int64)
    start = month_of.astype("datetime64[D]") + (rng.random(month_of.size) * days_in).astype(np.int64)

    shapes = _shapes(rng, start.size)
    begin = start[shapes["client"]] + shapes["offset"]
    return {**shapes, "begin": begin, "einde": begin + shapes["duur"] - 1, "client_start": start}


# --- toewijzingen ---------------------------------------------------------------------------


def _aanbieders() -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str], list[str]]:
    """Per kind of aanbieder the candidates and their (skewed) weights; names; AGB codes."""
    names: list[str] = []
    options: dict[str, tuple[list[int], list[float]]] = {soort: ([], []) for soort in AANBIEDERS}
    for soort, group in AANBIEDERS.items():
        for rank, label in enumerate(group, start=1):
            large = label.startswith("+")
            names.append(label.lstrip("+"))
            options[soort][0].append(len(names) - 1)
            options[soort][1].append((4.0 if large else 1.0) / rank**1.1)
            if large:  # the large generalists also run pleegzorg and residential groups
                options["verblijf"][0].append(len(names) - 1)
                options["verblijf"][1].append(2.0)
    # Fictional AGB codes in the 8-digit format, fixed per aanbieder.
    agb = [f"98{(i * 7919 + 104729) % 1_000_000:06d}" for i in range(len(names))]
    return {k: (np.array(v[0]), np.array(v[1])) for k, v in options.items()}, names, agb


def _pick(rng: np.random.Generator, keys: np.ndarray, options: dict[str, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """For each element an option drawn with the weights of its key."""
    out = np.zeros(keys.size, dtype=np.int64)
    for key, (values, weights) in options.items():
        mask = keys == key
        out[mask] = rng.choice(values, size=int(mask.sum()), p=weights / weights.sum())
    return out


def _inherit(values: np.ndarray, t: dict[str, np.ndarray]) -> np.ndarray:
    """Renewals keep the aanbieder and verwijzer of the toewijzing they renew (parents come first)."""
    out = values.copy()
    renewal = np.flatnonzero(t["soort"] == RENEWAL)
    for _ in range(4):  # a chain of renewals is at most four long
        out[renewal] = out[t["parent"][renewal]]
    return out


def _buurt_kans(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    codes = np.array([b.code for b in zwolle.BUURTEN])
    jeugd = np.array([b.inwoners_0_3_2024 + b.inwoners_4_11_2024 + b.inwoners_12_17_2024 for b in zwolle.BUURTEN], dtype=float)
    gebruik = np.array([WIJK_GEBRUIK[b.wijk_code] for b in zwolle.BUURTEN])
    weights = jeugd * gebruik * np.exp(rng.normal(0, 0.15, codes.size))
    return codes, weights / weights.sum()


def _tarief_factor(jaar: np.ndarray, window: dt.date) -> np.ndarray:
    """Cumulative indexation relative to the first year of the window (3.5% a year outside the list)."""
    steps = np.concatenate([[1.0], 1 + np.array(INDEXATIE[1:])])
    level = np.cumprod(steps)
    k = jaar - window.year
    inside = level[np.clip(k, 0, len(level) - 1)]
    return inside * 1.035 ** np.where(k >= len(level), k - len(level) + 1, 0) / 1.035 ** np.where(k < 0, -k, 0)


def _toewijzingen(rng: np.random.Generator, t: dict[str, np.ndarray], window: dt.date) -> pl.DataFrame:
    """Every toewijzing of the simulation (future ones too, for the begroting)."""
    products = PRODUCTEN
    groep = np.array([ref.groep(p.productcategorie) for p in products])
    n_clients = t["client_start"].size
    primary = groep[t["product"][:n_clients]]

    codes, kans = _buurt_kans(rng)
    buurt = codes[rng.choice(codes.size, size=n_clients, p=kans)]
    low = np.array([LEEFTIJD_PER_GROEP[g][0] for g in primary])
    high = np.array([LEEFTIJD_PER_GROEP[g][1] for g in primary])
    geboortejaar = t["client_start"].astype("datetime64[Y]").astype(np.int64) + 1970 - rng.integers(low, high + 1)
    client_id = (1_000_000 + rng.permutation(n_clients)).astype(str)

    options, names, agb = _aanbieders()
    soort = np.array([p.aanbieders for p in products])[t["product"]]
    aanbieder = _inherit(_pick(rng, soort, options), t)
    verwijzer_codes = np.array(list(ref.VERWIJZERS))
    verwijzer_options = {g: (np.arange(len(w)), np.array(w)) for g, w in VERWIJZERS_PER_GROEP.items()}
    verwijzer = _inherit(_pick(rng, groep[t["product"]], verwijzer_options), t)

    # Working days from aanvraag to start: mostly within five, some weeks on a waiting list;
    # a court order (rechter/OvJ, code 08) starts on the day itself.
    u = rng.random(t["begin"].size)
    wait = np.where(u < 0.80, rng.integers(0, TARGET_DAYS_TO_START + 1, u.size), np.where(u < 0.95, rng.integers(6, 21, u.size), rng.integers(21, 61, u.size)))
    wait = np.where(verwijzer_codes[verwijzer] == "08", 0, wait)
    aanvraag = np.busday_offset(t["begin"], -wait, roll="backward")
    aanvraag = np.where(aanvraag > t["begin"], t["begin"], aanvraag)

    lo = np.array([p.volume[0] for p in products])[t["product"]]
    hi = np.array([p.volume[1] for p in products])[t["product"]]
    volume = rng.integers(lo, hi + 1)
    base = np.array([p.tarief for p in products])[t["product"]]
    jaar = t["begin"].astype("datetime64[Y]").astype(np.int64) + 1970
    realisatie = np.array([p.realisatie for p in products])[t["product"]] * np.exp(rng.normal(0, 0.08, volume.size))

    order = np.lexsort((t["client"], t["begin"]))
    toewijzing_id = np.empty(order.size, dtype=object)
    toewijzing_id[order] = [f"TW{i:08d}" for i in range(1, order.size + 1)]
    return pl.DataFrame(
        {
            "toewijzing_id": toewijzing_id.astype(str),
            "client_id": client_id[t["client"]],
            "geboortejaar": geboortejaar[t["client"]],
            "buurt_code": buurt[t["client"]],
            "product": t["product"],
            "aanbieder": aanbieder,
            "verwijzer": verwijzer_codes[verwijzer],
            "aanvraagdatum": aanvraag,
            "begindatum": t["begin"],
            "einde": t["einde"],
            "volume": volume,
            "tarief_basis": base,
            "tarief": np.round(base * _tarief_factor(jaar, window), 2),
            "realisatie": realisatie,
        }
    ).with_columns(
        pl.col("aanbieder").replace_strict(dict(enumerate(names)), return_dtype=pl.String).alias("aanbieder_naam"),
        pl.col("aanbieder").replace_strict(dict(enumerate(agb)), return_dtype=pl.String).alias("aanbieder_agb"),
    )


def _written(toewijzingen: pl.DataFrame, rng: np.random.Generator, window: dt.date, peildatum: dt.date) -> pl.DataFrame:
    """The export as the gemeente would take it on the peildatum, in the column order of FORMATS.md."""
    products = pl.DataFrame([p._asdict() for p in PRODUCTEN]).select("productcode", "productcategorie", "eenheid", "frequentie").with_row_index("product")
    out = toewijzingen.filter((pl.col("begindatum") <= peildatum) & (pl.col("einde") >= window)).sort("toewijzing_id")
    missing_aanvraag = rng.random(out.height) < 0.03  # not every aanvraag is registered
    return (
        out.join(products.with_columns(pl.col("product").cast(pl.Int64)), on="product", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.Series(missing_aanvraag)).then(None).otherwise(pl.col("aanvraagdatum")).alias("aanvraagdatum"),
            pl.when(pl.col("einde") > peildatum).then(None).otherwise(pl.col("einde")).alias("einddatum"),
        )
        .select(
            "toewijzing_id", "client_id", "geboortejaar", "buurt_code", "productcategorie", "productcode",
            "aanbieder_agb", "aanbieder_naam", "verwijzer", "aanvraagdatum", "begindatum", "einddatum",
            "volume", "eenheid", "frequentie", "tarief",
        )  # fmt: skip
    )


# --- months of care, declaraties, begroting -------------------------------------------------


def _zorgmaanden(rng: np.random.Generator, tw: pl.DataFrame, window: dt.date, peildatum: dt.date) -> pl.DataFrame:
    """The true cost of every toewijzing per month of care, from the window to the end of the peildatum's year."""
    begin = tw["begindatum"].to_numpy().astype("datetime64[D]")
    einde = tw["einde"].to_numpy().astype("datetime64[D]")
    first = np.maximum(begin, np.datetime64(window)).astype("datetime64[M]")
    last = np.minimum(einde, np.datetime64(f"{peildatum.year}-12-31")).astype("datetime64[M]")
    n = np.maximum((last - first).astype(np.int64) + 1, 0)
    row = np.repeat(np.arange(tw.height), n)
    month = first[row] + (np.arange(row.size) - np.repeat(np.cumsum(n) - n, n))
    m_start = month.astype("datetime64[D]")
    m_end = (month + 1).astype("datetime64[D]") - 1
    days = (np.minimum(einde[row], m_end) - np.maximum(begin[row], m_start)).astype(np.int64) + 1
    days_in_month = (m_end - m_start).astype(np.int64) + 1
    total_days = (einde - begin).astype(np.int64)[row] + 1

    product = tw["product"].to_numpy()[row]
    frequentie = np.array([p.frequentie for p in PRODUCTEN])[product]
    eenheid = np.array([p.eenheid for p in PRODUCTEN])[product]
    share = np.select([frequentie == "2", frequentie == "4"], [days / 7, days / days_in_month], days / total_days)
    jaar = month.astype("datetime64[Y]").astype(np.int64) + 1970
    tarief = tw["tarief_basis"].to_numpy()[row] * _tarief_factor(jaar, window)
    # Hours and minutes vary from month to month; a day in a group home or a monthly fee hardly.
    noise = np.exp(rng.normal(0, np.where(np.isin(eenheid, ["14", "82", "84"]), 0.02, 0.12)))
    bedrag = tw["volume"].to_numpy()[row] * tarief * share * tw["realisatie"].to_numpy()[row] * noise
    return pl.DataFrame({"row": row, "maand": m_start, "maand_einde": m_end, "bedrag": np.round(bedrag, 2)}).with_columns(
        toewijzing_id=tw["toewijzing_id"].gather(row), product=pl.Series(product)
    )


def _lag(rng: np.random.Generator, n: int) -> np.ndarray:
    shares = np.array([s[0] for s in INDIEN_VERTRAGING])
    band = rng.choice(len(INDIEN_VERTRAGING), size=n, p=shares / shares.sum())
    low = np.array([s[1] for s in INDIEN_VERTRAGING])[band]
    high = np.array([s[2] for s in INDIEN_VERTRAGING])[band]
    return rng.integers(low, high + 1)


def _declaraties(rng: np.random.Generator, maanden: pl.DataFrame, peildatum: dt.date) -> pl.DataFrame:
    """Declaration lines as submitted; only those in by the peildatum are returned."""
    care = maanden.filter(pl.col("maand") <= peildatum)
    n = care.height
    ingediend = care["maand_einde"].to_numpy().astype("datetime64[D]") + _lag(rng, n)
    u = rng.random(n)
    rejected = u < AFGEKEURD
    credited = (u >= AFGEKEURD) & (u < AFGEKEURD + GECREDITEERD)
    bedrag = care["bedrag"].to_numpy()
    ids = care["toewijzing_id"].to_numpy()
    maand = care["maand"].to_numpy()

    resubmit = rejected & (rng.random(n) < 0.7)
    credit_on = ingediend + rng.integers(20, 151, n)
    corrected = credited & (rng.random(n) < 0.6)
    correct_on = credit_on + rng.integers(0, 11, n)
    parts = [
        (ids, maand, bedrag, np.where(rejected, "afgekeurd", ""), ingediend),
        (ids[resubmit], maand[resubmit], bedrag[resubmit], np.full(int(resubmit.sum()), ""), (ingediend + rng.integers(20, 91, n))[resubmit]),
        (ids[credited], maand[credited], -bedrag[credited], np.full(int(credited.sum()), "gecrediteerd"), credit_on[credited]),
        (ids[corrected], maand[corrected], np.round(bedrag * rng.uniform(0.7, 1.0, n), 2)[corrected], np.full(int(corrected.sum()), ""), correct_on[corrected]),
    ]
    lines = pl.concat(
        [pl.DataFrame({"toewijzing_id": a, "maand": b, "bedrag": c, "status": d, "ingediend_op": e}) for a, b, c, d, e in parts]
    )
    assessed = pl.col("ingediend_op") <= peildatum - dt.timedelta(days=BEOORDELING_DAGEN)
    return (
        lines.filter(pl.col("ingediend_op") <= peildatum)
        .with_columns(
            pl.when(pl.col("status") != "").then(pl.col("status")).when(assessed).then(pl.lit("goedgekeurd")).otherwise(pl.lit("ingediend")).alias("status")
        )
        .sort("maand", "toewijzing_id", "ingediend_op", "bedrag")
        .with_row_index("n", offset=1)
        .select(
            pl.format("D{}", pl.col("n").cast(pl.String).str.zfill(9)).alias("declaratie_id"),
            "toewijzing_id",
            pl.col("maand").dt.strftime("%Y-%m").alias("maand"),
            "bedrag",
            "status",
            "ingediend_op",
        )
    )


def _begroting(rng: np.random.Generator, maanden: pl.DataFrame, window: dt.date, peildatum: dt.date) -> pl.DataFrame:
    """Per year, taakveld and group: a begroting set against the true cost, short in recent years."""
    products = pl.DataFrame(
        {"product": range(len(PRODUCTEN)), "productcategorie": [p.productcategorie for p in PRODUCTEN]}, schema={"product": pl.Int64, "productcategorie": pl.String}
    )
    koppeling = ref.tables()["jeugd_taakveld_koppeling"]
    groepen = ref.tables()["jeugd_productcategorieen"].select("productcategorie", pl.col("groep").alias("productcategorie_groep"))
    real = (
        maanden.with_columns(pl.col("maand").dt.year().cast(pl.Int64).alias("jaar"), pl.col("product").cast(pl.Int64))
        .join(products, on="product")
        .join(koppeling, on="productcategorie")
        .filter((pl.col("jaar") >= pl.col("vanaf_jaar")) & (pl.col("jaar") <= pl.col("tot_jaar").fill_null(9999)))
        .join(groepen, on="productcategorie")
        .group_by("jaar", "taakveld", "productcategorie_groep")
        # Summed in whole cents: exact in any order, so threads cannot change a single byte.
        .agg(((pl.col("bedrag") * 100).round().cast(pl.Int64).sum() / 100).alias("realisatie"))
        .sort("jaar", "taakveld", "productcategorie_groep")
    )
    jaar = real["jaar"].to_numpy()
    recent = jaar > peildatum.year - RECENTE_JAREN
    low = np.where(recent, BEGROTING_RECENT[0], BEGROTING_VROEG[0])
    high = np.where(recent, BEGROTING_RECENT[1], BEGROTING_VROEG[1])
    realisatie = real["realisatie"].to_numpy()
    primitief = realisatie * rng.uniform(low, high)
    tekort = np.maximum(realisatie - primitief, 0)
    actueel = primitief + tekort * rng.uniform(*BIJSTELLING, jaar.size)
    return real.select("jaar", "taakveld", "productcategorie_groep").with_columns(
        primitieve_begroting=np.round(primitief, -3), actuele_begroting=np.round(actueel, -3)
    )
