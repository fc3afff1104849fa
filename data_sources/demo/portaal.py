"""Demo exports of cijfersoverzwolle.nl ("Thema's – Buurten"), and the buurt model behind them.

The model gives each of the 78 buurten its inwoners (by age band), woningen, woonruimten,
income and share of minima for every year. The portal files are its direct output; the CBS demo
tables (KWB, misdrijven) are calibrated on the same model, so a buurt grows, ages and struggles
alike in every source. Years 2015 and 2024 are Zwolle's real figures per buurt, the years
between follow the real gemeente totals, later years are forward-cast.

The export layout is the portal's own: `;`, UTF-8 with BOM, units and footnote markers in the
header, `Buurt_naam` before 2024 and `Buurt-naam` from 2024 (as the exports in use were saved),
portal names (not CBS names), an `Onbekend` row, `-` and `.` special values, a metadata footer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from data_sources.demo import zwolle as z

KEY = "zwolle_portaal"
RNG_CONSTANT = 3
FIRST_YEAR = 2015
FACT_YEAR = 2024

# Age bands of the portal, in column order.
BANDS = ("0-3", "4-11", "12-17", "18-24", "25-39", "40-54", "55-64", "65-74", "75-84", "85 jaar en ouder")
KIDS = slice(0, 3)
ADULTS_18_64 = slice(3, 7)
SENIORS = slice(7, 10)
# Adult age profile of an average Zwolle buurt (18-24 ... 85+), shifted per buurt below.
ADULT_PROFILE = np.array([0.135, 0.29, 0.235, 0.135, 0.11, 0.07, 0.025])
# Yearly drift of the age shares (log scale): Zwolle ages, like the country.
AGEING = np.array([-0.004, -0.004, 0.0, 0.0, 0.0, -0.004, 0.002, 0.012, 0.016, 0.02])
WOONRUIMTEN_EXTRA = 0.0049  # 2024: 61,488 woonruimten for 61,186 woningen
INKOMEN_2015 = 33_000.0  # euro per huishouden, gestandaardiseerd, a median buurt
INKOMEN_GROEI = 0.02
MINIMA_GEMIDDELD = 6.5  # % huishoudens onder 105% van het sociaal minimum
# Income figures reach the portal about four years late; before then the cells are empty.
INKOMEN_VERTRAGING = 4
KLEIN = 100  # woningen: below this the portal hides income and minima ("-")
# The oldest exports hide (".") rather than omit minima of small buurten.
VERBORGEN_TOT = 2015
INWONERS_GROEI = 0.0065  # per year after the last real total
WONINGEN_GROEI = 880  # per year after the last real total

HEADER = (
    ["woningen [woonruimten]", "woonruimten totaal [woonruimten] (1)", "inwoners op 1 januari [personen] (1)"]
    + [f"inwoners in de leeftijd van {b}{'' if b.endswith('ouder') else ' jaar'} [personen] (1)" for b in BANDS]
    + [
        "inwoners in de leeftijd van 0-17 jaar [personen] (1)",
        "inwoners in de leeftijd van 18-64 jaar [personen] (1)",
        "inwoners in de leeftijd van 65 jaar en ouder [personen] (1)",
        "gemiddeld gestandaardiseerd inkomen per huishouden [euro]",
        "% huishoudens onder 105% van sociaal minimum [%]",
    ]
)
WIDTH = len(HEADER) + 1
BRONNEN = ("BAG", "BAG / BRP", "BRP", "CBS")
DAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def inwoners_totaal(jaar: int) -> int:
    """Inwoners over the 78 buurten on 1 January: the portal's real totals, else interpolated/forward-cast."""
    return _totaal(z.INWONERS, jaar, lambda last, n: last * (1 + INWONERS_GROEI) ** n)


def woningen_totaal(jaar: int) -> int:
    return _totaal(z.WONINGEN, jaar, lambda last, n: last + WONINGEN_GROEI * n)


def _totaal(facts: dict[int, int], jaar: int, forward) -> int:
    if jaar in facts:
        return facts[jaar]
    last = max(facts)
    if jaar > last:
        return round(forward(facts[last], jaar - last))
    before = max(y for y in facts if y < jaar)
    after = min(y for y in facts if y > jaar)
    share = (jaar - before) / (after - before)
    return round(facts[before] + share * (facts[after] - facts[before]))


@dataclass(frozen=True)
class Buurten:
    """The model: arrays over years (axis 0) and the buurten of `zwolle.BUURTEN` (axis 1)."""

    jaren: tuple[int, ...]
    inwoners: np.ndarray  # int (jaren, buurten)
    leeftijd: np.ndarray  # int (jaren, buurten, BANDS)
    woningen: np.ndarray  # int (jaren, buurten)
    woonruimten: np.ndarray  # int (jaren, buurten)
    inkomen: np.ndarray  # euro per huishouden (jaren, buurten)
    pct_minima: np.ndarray  # (jaren, buurten)
    achterstand: np.ndarray  # (buurten,) standardised deprivation; also drives jeugdzorg in the KWB
    onbekend: np.ndarray  # int (jaren,) inwoners the portal cannot place in a buurt

    def at(self, jaar: int) -> int:
        return self.jaren.index(jaar)


@cache
def model(seed: int, last_year: int) -> Buurten:
    """The buurten from FIRST_YEAR to `last_year` (at least FACT_YEAR); same seed, same model."""
    rng = np.random.default_rng([seed, RNG_CONSTANT])
    jaren = tuple(range(FIRST_YEAR, max(last_year, FACT_YEAR) + 1))
    start = np.array([z.BUURT_2015[b.code] for b in z.BUURTEN], dtype=float)
    inwoners = _series(rng, jaren, start[:, 0], np.array([b.inwoners_2024 for b in z.BUURTEN], float), inwoners_totaal)
    woningen = _series(rng, jaren, start[:, 1], np.array([b.woningen_2024 for b in z.BUURTEN], float), woningen_totaal)
    extra = rng.lognormal(np.log(WOONRUIMTEN_EXTRA) - 0.5, 1.0, len(z.BUURTEN))
    woonruimten = woningen + rng.poisson(woningen * extra + 0.2)
    leeftijd = _ages(rng, jaren, inwoners)
    achterstand = _achterstand(rng)
    inkomen, minima = _income(rng, jaren, achterstand)
    onbekend = rng.poisson(0.6, len(jaren))
    return Buurten(jaren, inwoners, leeftijd, woningen, woonruimten, inkomen, minima, achterstand, onbekend)


def _series(rng, jaren, first: np.ndarray, fact: np.ndarray, totaal) -> np.ndarray:
    """Per buurt: the real 2015 and 2024 figures, a buurt-specific path between, growth after."""
    shape = rng.lognormal(0.0, 0.45, len(first))  # early (<1) or late (>1) growth
    growth = np.clip(((fact + 20) / (first + 20)) ** (1 / (FACT_YEAR - FIRST_YEAR)) - 1, -0.01, 0.03) * 0.5
    out = np.zeros((len(jaren), len(first)), dtype=np.int64)
    for i, jaar in enumerate(jaren):
        if jaar == FIRST_YEAR:
            out[i] = first
            continue
        if jaar == FACT_YEAR:
            out[i] = fact
            continue
        if jaar < FACT_YEAR:
            t = (jaar - FIRST_YEAR) / (FACT_YEAR - FIRST_YEAR)
            guess = first + (fact - first) * t**shape
        else:
            guess = fact * (1 + growth) ** (jaar - FACT_YEAR)
        guess = guess * rng.normal(1.0, 0.008, len(first))
        out[i] = allocate(np.where((first == 0) & (fact == 0), 0.0, guess), totaal(jaar))
    return out


def allocate(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    w = np.clip(weights, 0, None)
    exact = w / w.sum() * total
    out = np.floor(exact).astype(np.int64)
    short = total - out.sum()
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def _ages(rng, jaren, inwoners: np.ndarray) -> np.ndarray:
    """Age bands: the real 0-3/4-11/12-17 of 2024, adults profiled by how family-like a buurt is."""
    kids = np.array([[b.inwoners_0_3_2024, b.inwoners_4_11_2024, b.inwoners_12_17_2024] for b in z.BUURTEN])
    inw = np.array([b.inwoners_2024 for b in z.BUURTEN])
    kid_share = kids.sum(axis=1) / np.maximum(inw, 1)
    family = np.clip((kid_share - 0.18) / 0.08, -1.5, 1.5)[:, None]
    # Family buurten have more 25-54 and fewer students and elderly; buurten with few children
    # are mostly central ones, full of students and starters.
    family_tilt = np.array([-0.35, 0.1, 0.3, 0.0, -0.2, -0.3, -0.3])
    urban_tilt = np.array([0.55, 0.45, -0.3, -0.3, -0.35, -0.3, -0.2])
    tilt = np.where(family > 0, family * family_tilt, -family * urban_tilt)
    profile = ADULT_PROFILE * np.exp(tilt + rng.normal(0, 0.2, (len(inw), 7)))
    profile /= profile.sum(axis=1, keepdims=True)
    adults = rng.multinomial(inw - kids.sum(axis=1), profile)
    base = np.concatenate([kids, adults], axis=1).astype(float)
    shares = np.where(inw[:, None] > 0, base / np.maximum(inw, 1)[:, None], base.sum(axis=0) / base.sum())
    out = np.zeros((len(jaren), len(inw), len(BANDS)), dtype=np.int64)
    for i, jaar in enumerate(jaren):
        if jaar == FACT_YEAR:
            out[i] = base
            continue
        p = shares * np.exp(AGEING * (jaar - FACT_YEAR) + rng.normal(0, 0.05, shares.shape))
        out[i] = rng.multinomial(inwoners[i], p / p.sum(axis=1, keepdims=True))
    return out


def _achterstand(rng) -> np.ndarray:
    """A deprivation score per buurt: partly where crime per inhabitant is high, partly chance."""
    crime = np.log((np.array([b.misdrijven_2023 for b in z.BUURTEN]) + 1) / (np.array([b.inwoners_2024 for b in z.BUURTEN]) + 50))
    score = 0.6 * (crime - crime.mean()) / crime.std() + 0.8 * rng.normal(0, 1, len(crime))
    return (score - score.mean()) / score.std()


def _income(rng, jaren, achterstand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(achterstand)
    base = INKOMEN_2015 * np.exp(-0.18 * achterstand + rng.normal(0, 0.05, n))
    level = np.log(MINIMA_GEMIDDELD) + 0.5 * achterstand + rng.normal(0, 0.15, n)
    years = np.array(jaren)[:, None] - FIRST_YEAR
    inkomen = base * (1 + INKOMEN_GROEI) ** years * rng.normal(1.0, 0.015, (len(jaren), n))
    minima = np.exp(level - 0.02 * years + rng.normal(0, 0.12, (len(jaren), n)))
    return np.round(inkomen, -2), np.clip(np.round(minima), 0, 40)


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """One export per year, FIRST_YEAR..peildatum's year. `scale` does not apply: Zwolle has 78 buurten."""
    m = model(seed, peildatum.year)
    folder = out / "zwolle"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for jaar in range(FIRST_YEAR, peildatum.year + 1):
        name = f"demographics-buurt-{jaar}.csv"
        (folder / name).write_bytes(("\ufeff" + export(m, jaar, peildatum)).encode("utf-8"))
        files.append(f"zwolle/{name}")
    return {KEY: files}


def export(m: Buurten, jaar: int, peildatum: dt.date) -> str:
    i = m.at(jaar)
    with_income = jaar <= peildatum.year - INKOMEN_VERTRAGING
    hidden = jaar <= VERBORGEN_TOT
    lines = [";".join(["Buurt_naam" if jaar < FACT_YEAR else "Buurt-naam", *HEADER])]
    special: set[str] = set()
    for j, b in enumerate(z.BUURTEN):
        ages = m.leeftijd[i, j]
        tail = ["", ""]
        if with_income:
            if m.woningen[i, j] >= KLEIN:
                tail = [str(int(m.inkomen[i, j])), str(int(m.pct_minima[i, j]))]
            else:
                tail = ["-", "." if hidden and m.inwoners[i, j] >= 20 else "-"]
            special.update(v for v in tail if v in ("-", "."))
        counts = [m.woningen[i, j], m.woonruimten[i, j], m.inwoners[i, j], *ages, ages[KIDS].sum(), ages[ADULTS_18_64].sum(), ages[SENIORS].sum()]
        lines.append(";".join([z.PORTAAL_NAAM.get(b.naam, b.naam), *map(str, counts), *tail]))
    lines.append(";".join(["Onbekend", "-", "-", *_onbekend(m.onbekend[i]), *(["-", "-"] if with_income else ["", ""])]))
    special.add("-")
    lines += _footer(special, peildatum)
    return "\n".join(lines) + "\n"


def _onbekend(n: int) -> list[str]:
    """Residents the portal cannot place: counted as 25-39 (18-64), the usual case."""
    ages = [0] * len(BANDS)
    ages[4] = n
    return [str(n), *map(str, ages), "0", str(n), "0"]


def _row(*cells: str) -> str:
    return ";".join([*cells, *[""] * (WIDTH - len(cells))])


def _footer(special: set[str], peildatum: dt.date) -> list[str]:
    labels = [(".", ". Verborgen waarde"), ("-", "- Niet van toepassing")]
    used = [text for mark, text in labels if mark in special]
    rows = [_row()]
    rows += [_row("Speciale waarden" if k == 0 else "", text) for k, text in enumerate(used)]
    rows += [_row("Bron" if k == 0 else "", bron) for k, bron in enumerate(BRONNEN)]
    rows += [
        _row("Voetnoot"),
        _row("(1)", f"Cijfers van {peildatum.year} zijn voorlopig."),
        _row(),
        _row("cijfersoverzwolle.nl"),
        _row(),
        _row("Datum export", f"{DAGEN[peildatum.weekday()]} {peildatum.day} {MAANDEN[peildatum.month - 1]} {peildatum.year}"),
    ]
    return rows
