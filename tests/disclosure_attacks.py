"""Attacks on disclosure control, as a curious wijkmanager would try them (issue 18), on a warehouse.

Each attack picks, from the exact figures, a target: a cell of 1-7 jeugdigen (or, for the LMDI
attack, an exact count that is only shown rounded) that the rules hide. Then it tries to get the
target's value back using only what the engine gives the wijkmanager, and reports its estimate.
The targets are chosen from the exact data only, so the same targets are attacked on any version
of the code; the attacks use the public API only (Engine.query, jeugdzorg.prognose_detail and
backtest), so this file runs on main as well as on this branch:

    python tests/disclosure_attacks.py --demo-dir /tmp/dk --trekkingen 50   # this branch (after)
    cd ../main && PYTHONPATH=. python ../wt-disclosure/tests/disclosure_attacks.py --demo-dir /tmp/dk   # main (before)

--demo-dir builds the demo warehouse the tests use (tests/conftest.py: seed 193, peildatum
1 november 2026) in that folder when it is not there yet; --db takes any warehouse.

tests/test_disclosure_attacks.py runs them on the demo warehouse and checks that none recovers a
target (docs/afscherming.md has the table with both results).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

import metrics
from metrics.jeugd import drivers, jeugdzorg

JAAR, TM = 2026, 10  # the demo's default period: januari t/m oktober 2026 (peildatum 1 november 2026)
YTD = list(range(1, TM + 1))
MONTHS = ("", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
ONE = frozenset({"WK019310"})  # Binnenstad
TWO = frozenset({"WK019313", "WK019310"})  # Assendorp and Binnenstad, as in the issue
SCOPES = {"1 wijk": ONE, "2 wijken": TWO}


@dataclass
class Outcome:
    attack: str
    scope: str
    target: str
    persons: int  # jeugdigen in the target (1-7), or the count itself for count targets
    kind: str  # "euro" (within 500), "count" (exact), "presence" (which of the geheim rows are 1-7, not 0)
    truth: float | None
    estimate: float | None = None
    note: str = ""  # why there is no estimate, or what it was made of
    shown: float | None = None  # the target as shown (rounded) when it is shown at all (LMDI)

    @property
    def recovered(self) -> bool:
        if self.estimate is None or self.truth is None or self.kind == "none":
            return False
        if self.kind == "euro":
            return abs(self.estimate - self.truth) <= 500
        return self.estimate == self.truth

    def row(self) -> dict:
        return {
            "aanval": self.attack,
            "scope": self.scope,
            "doel": self.target,
            "jeugdigen": self.persons,
            "waarheid": self.truth,
            "schatting": self.estimate,
            "teruggevonden": self.recovered,
            "toelichting": self.note,
        }


@dataclass
class Attacker:
    """The wijkmanager (engine as they see it) and, for choosing targets and scoring, the truth
    (`truth`: an engine on the same warehouse, by default the same one; `role`: whom the attacker
    is, wijkmanager unless a test wants to see the attacks work on exact figures)."""

    engine: metrics.Engine
    wijken: frozenset[str]
    truth: metrics.Engine | None = None
    role: str = "wijkmanager"
    scope: metrics.Scope = field(init=False)
    exact: metrics.Scope = field(init=False)

    def __post_init__(self) -> None:
        self.scope = metrics.Scope(role=self.role, wijken=self.wijken)
        self.exact = metrics.Scope(role="databrigade", wijken=self.wijken)
        self.truth = self.truth or self.engine

    def shown(self, metric: str, where: dict, **kw) -> float | None:
        """One figure as the wijkmanager sees it: None when geheim (or not shown)."""
        row = self.engine.query(metric, where=where, scope=self.scope, **kw).row(0, named=True)
        return None if row["geheim"] else row["waarde"]

    def table(self, metric: str, by: str, where: dict, **kw) -> pl.DataFrame:
        return self.engine.query(metric, by=[by], where=where, scope=self.scope, **kw)

    def true(self, metric: str, where: dict) -> float:
        return self.truth.query(metric, where=where, scope=self.exact)["waarde"][0] or 0.0

    def true_query(self, metric: str, by: str, where: dict) -> pl.DataFrame:
        return self.truth.query(metric, by=[by], where=where, scope=self.exact)

    def true_table(self, metric: str, by: str, where: dict) -> dict:
        frame = self.truth.query(metric, by=[by], where=where, scope=self.exact)
        return {k: (v or 0.0) for k, v in zip(frame[by].to_list(), frame["waarde"].to_list())}


def _small(n: float | None) -> bool:
    return n is not None and 1 <= n <= 7


# --- 1. the complement asked directly --------------------------------------------------------


def complement(a: Attacker, label: str) -> Iterator[Outcome]:
    """The soort (or verwijzer) table hides a small group; ask every other group directly and
    subtract them from the total of the selection."""
    where = {"jaar": JAAR, "maand": YTD}
    for dim in ("productgroep", "verwijzer"):
        persons = a.true_table("jeugdigen_gedeclareerd", dim, where)
        lasten = a.true_table("lasten", dim, where)
        present = {m for m, n in persons.items() if n > 0}
        small = [m for m in sorted(present, key=str) if _small(persons[m])]
        if len(small) != 1:
            continue  # more than one small group: this attack cannot single one out
        target = small[0]
        out = Outcome("1. complement direct gevraagd", label, f"{dim} = {target}", int(persons[target]), "euro", lasten[target])
        total = a.shown("lasten", where)
        table = a.table("lasten", dim, where)
        listed = [m for m in table[dim].to_list() if m is not None]  # a missing row reads as 0
        others = [a.shown("lasten", where | {dim: m}) for m in listed if m != target]
        if total is None or any(v is None for v in others):
            out.note = "een van de andere groepen of het totaal is geheim"
        else:
            out.estimate = total - sum(others)
            out.note = f"totaal min {len(others)} andere groepen, elk apart gevraagd"
        yield out
        return


# --- 2. period differencing, and the forecast's month and year details ----------------------


def _selections(a: Attacker) -> Iterator[dict]:
    """Selections within the scope (soort, aanbieder, aanbieder x soort) with at least 8 jeugdigen
    this year, for attacks that need a selection which is shown for the year but small in one of
    its months or earlier years."""
    where = {"jaar": JAAR}
    groups = a.true_table("jeugdigen_gedeclareerd", "productgroep", where)
    yield from ({"productgroep": g} for g, n in sorted(groups.items()) if n >= 8)
    frame = a.true_query("jeugdigen_gedeclareerd", "aanbieder", where).sort("waarde", "aanbieder", descending=True)
    top = [agb for agb, n in zip(frame["aanbieder"].to_list(), frame["waarde"].to_list()) if n and n >= 8][:12]
    yield from ({"aanbieder": agb} for agb in top)
    for agb in top:
        per_groep = a.true_table("jeugdigen_gedeclareerd", "productgroep", where | {"aanbieder": agb})
        yield from ({"aanbieder": agb, "productgroep": g} for g, n in sorted(per_groep.items()) if n >= 8)


def _what(sel: dict) -> str:
    return ", ".join(f"één {k}" if k == "aanbieder" else str(v) for k, v in sel.items())


def _keuze(a: Attacker, sel: dict) -> jeugdzorg.Keuze:
    keuze = jeugdzorg.Keuze(jaar=JAAR, tm_maand=12, productgroep=sel.get("productgroep"), aanbieder=sel.get("aanbieder"), wijken=tuple(sorted(a.wijken)))
    return keuze.met_categorieen(a.engine)


def period_difference(a: Attacker, label: str) -> Iterator[Outcome]:
    """Januari t/m m minus januari t/m m-1 is month m alone (the latest month with something
    declared: at a peildatum of 1 November, October has nothing in yet)."""
    for m in range(TM, 1, -1):
        for sel in _selections(a):
            n = a.true("jeugdigen_gedeclareerd", sel | {"jaar": JAAR, "maand": [m]})
            if not _small(n) or a.true("jeugdigen_gedeclareerd", sel | {"jaar": JAAR, "maand": list(range(1, m))}) < 8:
                continue
            truth = a.true("lasten", sel | {"jaar": JAAR, "maand": [m]})
            out = Outcome("2. periode min periode", label, f"{MONTHS[m]}, {_what(sel)}", int(n), "euro", truth)
            ytd = a.shown("lasten", sel | {"jaar": JAAR, "maand": list(range(1, m + 1))})
            prev = a.shown("lasten", sel | {"jaar": JAAR, "maand": list(range(1, m))})
            if ytd is None or prev is None:
                out.note = "een van beide tegels is geheim"
            else:
                out.estimate, out.note = ytd - prev, f"tegel januari t/m {MONTHS[m]} min tegel januari t/m {MONTHS[m - 1]}"
            yield out
            return


def forecast_month(a: Attacker, label: str) -> Iterator[Outcome]:
    """The forecast per care month shows what was declared in each month of the selection."""
    for sel in _selections(a):
        months = a.true_query("jeugdigen_gedeclareerd", "maand", sel | {"jaar": JAAR})
        small = [m for m, n in zip(months["maand"].to_list(), months["waarde"].to_list()) if m <= TM and _small(n)]
        if not small:
            continue
        keuze = _keuze(a, sel)
        m = small[0]
        truth = a.true("lasten", sel | {"jaar": JAAR, "maand": [m]})
        n = a.true("jeugdigen_gedeclareerd", sel | {"jaar": JAAR, "maand": [m]})
        out = Outcome("2b. prognose per zorgmaand", label, f"{MONTHS[m]}, {_what(sel)}", int(n), "euro", truth)
        fc = jeugdzorg.prognose_detail(a.engine, a.scope, keuze)
        if fc is None:
            out.note = "geen prognose voor deze selectie"
        else:
            row = fc.months.filter(pl.col("month").dt.month() == m).row(0, named=True)
            out.estimate, out.note = row["realised"], "kolom gedeclareerd van die maand"
            if out.estimate is None:
                out.note = "gedeclareerd in die maand: geheim"
        yield out
        return


def backtest_year(a: Attacker, label: str) -> Iterator[Outcome]:
    """The backtest shows the outcome of earlier years for the selection; some years are small."""
    for sel in _selections(a):
        years = a.true_query("jeugdigen_gedeclareerd", "jaar", sel)
        small = [y for y, n in zip(years["jaar"].to_list(), years["waarde"].to_list()) if y < JAAR - 1 and _small(n)]
        if not small:
            continue
        keuze = _keuze(a, sel)
        bt = jeugdzorg.backtest(a.engine, a.scope, keuze)
        if bt is None or bt.filter(pl.col("year").is_in(small)).is_empty():
            continue
        y = int(bt.filter(pl.col("year").is_in(small))["year"][0])
        n = a.true("jeugdigen_gedeclareerd", sel | {"jaar": y})
        out = Outcome("2c. toets prognose per jaar", label, f"{y}, {_what(sel)}", int(n), "euro", a.true("lasten", sel | {"jaar": y}))
        out.estimate = bt.filter(pl.col("year") == y)["actual"][0]
        out.note = "kolom uitkomst in de backtest" if out.estimate is not None else "uitkomst van dat jaar: geheim"
        yield out
        return


# --- 3. last year's column -------------------------------------------------------------------


def last_year_column(a: Attacker, label: str) -> Iterator[Outcome]:
    """'Lasten vorig jaar (zelfde moment)' beside this year, per aanbieder or soort."""
    where = {"jaar": JAAR, "maand": YTD}
    for dim in ("aanbieder", "productgroep", "verwijzer"):
        exact = a.true_query("lasten_ontleding", dim, where)
        now = a.true_table("jeugdigen_gedeclareerd", dim, where)
        for r in exact.iter_rows(named=True):
            if now.get(r[dim], 0) < 8:
                continue
            prev_n = _persons_known_last_year(a, {dim: r[dim]})
            if not _small(prev_n):
                continue
            out = Outcome("3. kolom vorig jaar", label, f"{dim} = {r[f'{dim}_label']}, vorig jaar", prev_n, "euro", r["lasten_vorig_jaar"])
            shown = a.engine.query("lasten_ontleding", by=[dim], where=where, scope=a.scope).filter(pl.col(dim) == r[dim]).row(0, named=True)
            out.estimate = None if shown["geheim"] else shown["lasten_vorig_jaar"]
            out.note = "kolom lasten vorig jaar (zelfde moment)" if out.estimate is not None else "vorig jaar: geheim"
            yield out
            return


def _persons_known_last_year(a: Attacker, where: dict) -> int:
    """Jeugdigen with declarations for the same months last year, as known on the same day a year earlier."""
    conds = ["d.status IS DISTINCT FROM 'afgekeurd'", "year(d.maand) = $jaar", "month(d.maand) <= $tm", "d.ingediend_op <= $peil", "list_contains($w::VARCHAR[], t.wijk_code)"]
    params = {"jaar": JAAR - 1, "tm": TM, "peil": drivers.same_day_last_year(a.engine.info.peildatum), "w": sorted(a.wijken)}
    column = {"aanbieder": "t.aanbieder_agb", "productgroep": "pc.groep", "verwijzer": "t.verwijzer"}
    for dim, value in where.items():
        conds.append(f"{column[dim]} = $v_{dim}")
        params[f"v_{dim}"] = value
    sql = (
        "SELECT count(DISTINCT t.client_key) AS n FROM jeugd_declaraties d JOIN jeugd_toewijzingen t USING (toewijzing_id) "
        "LEFT JOIN jeugd_productcategorieen pc ON pc.productcategorie = t.productcategorie WHERE " + " AND ".join(conds)
    )
    return int(a.truth.run_sql(sql, params)["n"][0])


# --- 4. two wijken minus one; aanbieder x wijk ----------------------------------------------


def two_minus_one(a: Attacker, label: str) -> Iterator[Outcome]:
    """A table for both wijken minus the table for one gives the other wijk's cells."""
    if len(a.wijken) < 2:
        return
    where = {"jaar": JAAR, "maand": YTD}
    for dim, name in (("productgroep", "4. twee wijken min één"), ("aanbieder", "4b. aanbieder x wijk")):
        found = False
        for w1, w2 in (sorted(a.wijken), sorted(a.wijken, reverse=True)):
            persons = a.true_table("jeugdigen_gedeclareerd", dim, where | {"wijk": w2})
            both_n = a.true_table("jeugdigen_gedeclareerd", dim, where)
            one_n = a.true_table("jeugdigen_gedeclareerd", dim, where | {"wijk": w1})
            for m in sorted(persons, key=str):
                if not (_small(persons[m]) and both_n.get(m, 0) >= 8 and one_n.get(m, 0) >= 8):
                    continue
                truth = a.true("lasten", where | {"wijk": w2, dim: m})
                out = Outcome(name, label, f"{dim} {m} in {w2}", int(persons[m]), "euro", truth)
                both = a.table("lasten", dim, where).filter(pl.col(dim) == m)
                one = a.table("lasten", dim, where | {"wijk": w1}).filter(pl.col(dim) == m)
                if both.is_empty() or one.is_empty() or both["geheim"][0] or one["geheim"][0]:
                    out.note = "een van beide cellen is geheim"
                else:
                    out.estimate, out.note = both["waarde"][0] - one["waarde"][0], "tabel beide wijken min tabel één wijk"
                yield out
                found = True
                break
            if found:
                break


def averaging(a: Attacker, label: str) -> Iterator[Outcome]:
    """Average several routes to the same hidden cell (both wijken minus one: directly, summed over
    verwijzers, summed over months): each route carries other noise, so their mean, weighted by
    the number of figures in each, could be closer than any one of them."""
    if len(a.wijken) < 2:
        return
    where = {"jaar": JAAR, "maand": YTD}
    for w1, w2 in (sorted(a.wijken), sorted(a.wijken, reverse=True)):
        persons = a.true_table("jeugdigen_gedeclareerd", "productgroep", where | {"wijk": w2})
        both_n = a.true_table("jeugdigen_gedeclareerd", "productgroep", where)
        one_n = a.true_table("jeugdigen_gedeclareerd", "productgroep", where | {"wijk": w1})
        for g in sorted(persons):
            if not (_small(persons[g]) and both_n.get(g, 0) >= 8 and one_n.get(g, 0) >= 8):
                continue
            out = Outcome("11. middelen over routes", label, f"productgroep {g} in {w2}", int(persons[g]), "euro", a.true("lasten", where | {"wijk": w2, "productgroep": g}))
            routes = []
            for dim in (None, "verwijzer", "maand"):
                sel = where | {"productgroep": g}
                if dim is None:
                    both, one = a.shown("lasten", sel), a.shown("lasten", sel | {"wijk": w1})
                    if both is not None and one is not None:
                        routes.append((both - one, 2))
                    continue
                both, one = a.table("lasten", dim, sel), a.table("lasten", dim, sel | {"wijk": w1})
                if not (both["geheim"].any() or one["geheim"].any()):
                    routes.append((both["waarde"].fill_null(0).sum() - one["waarde"].fill_null(0).sum(), both.height + one.height))
            if routes:
                weights = [1 / k for _, k in routes]
                out.estimate = sum(w * e for w, (e, _) in zip(weights, routes)) / sum(weights)
                out.note = f"{len(routes)} route(s) zonder geheime cel"
            else:
                out.note = "elke route loopt via een geheime cel"
            yield out
            return


# --- 5. the LMDI split gives the exact counts -------------------------------------------------


def lmdi_counts(a: Attacker, label: str) -> Iterator[Outcome]:
    """effect_jeugdigen = L(lasten, lasten_vorig) x ln(n / n_vorig): with both lasten shown, the
    ratio of jeugdigen follows; only one pair of counts near the rounded ones has that ratio."""
    where = {"jaar": JAAR, "maand": YTD}
    row = a.engine.query("lasten_ontleding", where=where, scope=a.scope).row(0, named=True)
    truth = a.true("jeugdigen_gedeclareerd", where)
    out = Outcome("5. LMDI-splitsing", label, "aantal jeugdigen (getoond afgerond)", int(truth), "count", truth)
    shown = out.shown = a.shown("jeugdigen_gedeclareerd", where)
    if row["geheim"] or row["effect_jeugdigen"] is None or shown is None:
        out.note = "splitsing of aantal geheim"
        return iter([out])
    ratio = math.exp(row["effect_jeugdigen"] / drivers.log_mean(row["lasten"], row["lasten_vorig_jaar"]))
    fits = [(n1, n0) for n1 in range(int(shown) - 6, int(shown) + 7) for n0 in range(max(1, int(n1 / ratio) - 3), int(n1 / ratio) + 4) if n1 > 0 and abs(n1 / n0 - ratio) < 1e-9]
    if len(fits) == 1:
        out.estimate, out.note = fits[0][0], "het enige paar aantallen met die verhouding"
    else:
        out.note = f"{len(fits)} paren aantallen passen"
    return iter([out])


# --- 6. zero versus geheim ------------------------------------------------------------------


def zero_vs_geheim(a: Attacker, label: str) -> Iterator[Outcome]:
    """A geheim row means 1-7, a missing row 0: which aanbieders serve a youth from the wijk."""
    where = {"jaar": JAAR, "maand": YTD}
    exact = a.true_table("jeugdigen_gedeclareerd", "aanbieder", where)
    serving = {m for m, n in exact.items() if _small(n)}
    table = a.table("lasten", "aanbieder", where)
    geheim = set(table.filter(pl.col("geheim"))["aanbieder"].to_list())
    out = Outcome("6. nul of geheim", label, "welke aanbieders 1-7 jeugdigen uit de wijk helpen", len(serving), "presence", float(len(serving)))
    # The attacker reads every geheim row as "1-7": right for all of them only if zeros are missing.
    correct = len(geheim & serving)
    out.estimate = float(correct) if geheim == serving else None
    out.note = f"{len(geheim)} geheime rijen, waarvan {correct} met 1-7 en {len(geheim - serving)} met 0"
    return iter([out])


# --- others: month tiles, averages x counts, shares, text ------------------------------------


def _latest_small_month(a: Attacker, metric: str, sel: dict) -> int | None:
    """The latest month m <= TM with 1-7 in `metric` while januari t/m m-1 has at least 8."""
    for m in range(TM, 1, -1):
        if _small(a.true(metric, sel | {"jaar": JAAR, "maand": [m]})) and a.true(metric, sel | {"jaar": JAAR, "maand": list(range(1, m))}) >= 8:
            return m
    return None


GROEPEN = ("jeugdhulp zonder verblijf", "jeugd-GGZ", "jeugdhulp met verblijf", "jeugdbescherming")


def month_tiles(a: Attacker, label: str) -> Iterator[Outcome]:
    """Instroom (gestarte trajecten) januari t/m m minus januari t/m m-1."""
    for sel in [{}, *({"productgroep": g} for g in GROEPEN)]:
        m = _latest_small_month(a, "trajecten_gestart", sel)
        if m is None:
            continue
        n = a.true("trajecten_gestart", sel | {"jaar": JAAR, "maand": [m]})
        out = Outcome("7. maandtegels (aantallen)", label, f"gestarte trajecten in {MONTHS[m]}" + (f", {sel['productgroep']}" if sel else ""), int(n), "count", n)
        ytd = a.shown("trajecten_gestart", sel | {"jaar": JAAR, "maand": list(range(1, m + 1))})
        prev = a.shown("trajecten_gestart", sel | {"jaar": JAAR, "maand": list(range(1, m))})
        if ytd is None or prev is None:
            out.note = "een van beide tegels is geheim"
        else:
            out.estimate, out.note = ytd - prev, f"tegel januari t/m {MONTHS[m]} min tegel januari t/m {MONTHS[m - 1]}"
        yield out
        return


def averages_times_counts(a: Attacker, label: str) -> Iterator[Outcome]:
    """The mean doorlooptijd is a sum of whole working days over a count: of the counts the rounded
    figure allows, usually only one makes mean x count a whole number. Both periods, then subtract."""
    for sel in [{}, *({"productgroep": g} for g in GROEPEN)]:
        m = _latest_small_month(a, "toewijzingen_met_aanvraag", sel)
        if m is None:
            continue
        n = a.true("toewijzingen_met_aanvraag", sel | {"jaar": JAAR, "maand": [m]})
        out = Outcome("8. gemiddelde x aantal", label, f"toewijzingen met aanvraag in {MONTHS[m]}" + (f", {sel['productgroep']}" if sel else ""), int(n), "count", n)
        counts = []
        for months in (list(range(1, m + 1)), list(range(1, m))):
            w = sel | {"jaar": JAAR, "maand": months}
            mean, shown = a.shown("doorlooptijd", w), a.shown("toewijzingen_met_aanvraag", w)
            if mean is None or shown is None:
                break
            counts.append([k for k in range(max(1, int(shown) - 6), int(shown) + 7) if abs(mean * k - round(mean * k)) < 1e-6])
        if len(counts) == 2 and len(counts[0]) == 1 and len(counts[1]) == 1:
            out.estimate, out.note = counts[0][0] - counts[1][0], "het enige aantal waarbij gemiddelde x aantal heel is, in beide perioden"
        else:
            out.note = "aantallen niet eenduidig: " + " en ".join(str(len(c)) for c in counts) + " aantallen passen"
        yield out
        return


def shares(a: Attacker, label: str) -> Iterator[Outcome]:
    """Aandeel per soort: 1 minus the shown shares, times the total, minus other hidden groups asked directly."""
    where = {"jaar": JAAR, "maand": YTD}
    persons = a.true_table("jeugdigen_gedeclareerd", "productgroep", where)
    lasten = a.true_table("lasten", "productgroep", where)
    small = [m for m in sorted(persons) if _small(persons[m])]
    if not small:
        return iter([])
    target = small[0]
    out = Outcome("9. aandelen", label, f"productgroep = {target}", int(persons[target]), "euro", lasten[target])
    table = a.table("lasten", "productgroep", where, compare=["aandeel"])
    total = a.shown("lasten", where)
    hidden = [m for m, g in zip(table["productgroep"].to_list(), table["geheim"].to_list()) if g and m != target]
    others = [a.shown("lasten", where | {"productgroep": m}) for m in hidden]
    if total is None or any(v is None for v in others) or target not in table["productgroep"].to_list():
        out.note = "andere verborgen groepen ook direct geheim"
    else:
        rest = 1 - sum(s for m, s in zip(table["productgroep"].to_list(), table["aandeel"].to_list()) if s is not None and m != target)
        out.estimate, out.note = total * rest - sum(others), "totaal x (1 - zichtbare aandelen) min de andere verborgen groepen"
    return iter([out])


def aanbieders_text(a: Attacker, label: str) -> Iterator[Outcome]:
    """'N aanbieders' for a soort with 1-7 jeugdigen: how many aanbieders help that small group."""
    where = {"jaar": JAAR, "maand": YTD}
    persons = a.true_table("jeugdigen_gedeclareerd", "productgroep", where)
    for groep in sorted(persons):
        if not _small(persons[groep]):
            continue
        truth = a.true("aanbieders", where | {"productgroep": groep})
        out = Outcome("10. tekst 'N aanbieders'", label, f"aanbieders voor {groep}", int(persons[groep]), "count", truth)
        out.estimate = a.shown("aanbieders", where | {"productgroep": groep})
        out.note = "metric aanbieders voor die soort" if out.estimate is not None else "geheim"
        return iter([out])
    return iter([])


ATTACKS: tuple[Callable[[Attacker, str], Iterator[Outcome]], ...] = (
    complement,
    period_difference,
    forecast_month,
    backtest_year,
    last_year_column,
    two_minus_one,
    averaging,
    lmdi_counts,
    zero_vs_geheim,
    month_tiles,
    averages_times_counts,
    shares,
    aanbieders_text,
)


# The attacks whose result moves with the record keys (they combine shown figures); the others
# ask for a figure the rules hide, which is geheim under any key.
DIFFERENCING = (complement, period_difference, two_minus_one, averaging, lmdi_counts, month_tiles, averages_times_counts, shares)

TITLES = {
    complement: "1. complement direct gevraagd",
    period_difference: "2. periode min periode",
    forecast_month: "2b. prognose per zorgmaand",
    backtest_year: "2c. toets prognose per jaar",
    last_year_column: "3. kolom vorig jaar",
    two_minus_one: "4. twee wijken min één",
    averaging: "11. middelen over routes",
    lmdi_counts: "5. LMDI-splitsing",
    zero_vs_geheim: "6. nul of geheim",
    month_tiles: "7. maandtegels (aantallen)",
    averages_times_counts: "8. gemiddelde x aantal",
    shares: "9. aandelen",
    aanbieders_text: "10. tekst 'N aanbieders'",
}


def run(engine: metrics.Engine, attacks=ATTACKS, *, truth: metrics.Engine | None = None, role: str = "wijkmanager") -> list[Outcome]:
    """Every attack for a wijkmanager of one and of two wijken; an attack that finds no target in
    a scope (no cell of 1-7 that it could reach) is listed as such."""
    out = []
    for label, wijken in SCOPES.items():
        attacker = Attacker(engine, wijken, truth=truth, role=role)
        for attack in attacks:
            found = list(attack(attacker, label))
            if not found and not (attack in (two_minus_one, averaging) and len(wijken) < 2):
                found = [Outcome(TITLES[attack], label, "geen cel van 1-7 die deze aanval kan bereiken", 0, "none", None)]
            out.extend(found)
    return out


def _fmt(kind: str, v: float | None) -> str:
    if v is None:
        return "–"
    if kind == "euro":
        return f"€ {v:,.0f}".replace(",", ".")
    return f"{v:.0f}"


def draws(warehouse, truth: metrics.Engine, n: int, attacks=ATTACKS) -> dict[tuple[str, str], list[Outcome]]:
    """The attacks under the real record keys and under n other draws of them (a salt on every
    record key, as if the HMAC key behind client_key were another one)."""
    from metrics.cache import FrameCache
    from metrics.disclosure import CellKey

    out: dict[tuple[str, str], list[Outcome]] = {}
    for i in range(n + 1):
        engine = metrics.Engine(warehouse, cache=FrameCache(maxsize=4096), params=CellKey(salt=f"trekking-{i}" if i else ""))
        for o in run(engine, attacks, truth=truth):
            out.setdefault((o.attack, o.scope), []).append(o)
    return out


def _demo(folder: str) -> str:
    """The demo warehouse of tests/conftest.py (same seed, scale and peildatum), built once."""
    import datetime as dt
    from pathlib import Path

    from data_sources import demo, inputs
    from data_sources.build import build

    db = Path(folder) / "datakompas.duckdb"
    if not db.exists():
        toml = demo.write(Path(folder) / "raw", seed=193, scale=1.0, peildatum=dt.date(2026, 11, 1), progress=lambda msg: None)
        build(inputs.load(toml), db, progress=lambda msg: None)
    return str(db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="a warehouse file")
    where.add_argument("--demo-dir", help="build (once) and use the tests' demo warehouse in this folder")
    parser.add_argument("--trekkingen", type=int, default=0, help="also run under this many other record keys (cell-key versions only)")
    args = parser.parse_args(argv)
    from metrics.cache import FrameCache

    db = args.db or _demo(args.demo_dir)
    with metrics.open_warehouse(db) as wh:
        truth = metrics.Engine(wh, cache=FrameCache(maxsize=8192))
        outcomes = run(metrics.Engine(wh, cache=FrameCache(maxsize=4096)), truth=truth)
        spread = draws(wh, truth, args.trekkingen, DIFFERENCING) if args.trekkingen else {}
    extra = f" binnen € 500 / exact bij {args.trekkingen + 1} sleutels | uitkomsten bij die sleutels |" if spread else ""
    print("| aanval | scope | doel | jeugdigen | waarde | schatting | teruggevonden | hoe |" + extra)
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if spread else ""))
    for o in outcomes:
        line = (
            f"| {o.attack} | {o.scope} | {o.target} | {o.persons or ''} | {_fmt(o.kind, o.truth)} | {_fmt(o.kind, o.estimate)} | "
            f"{'ja' if o.recovered else 'nee'} | {o.note} |"
        )
        if spread:
            outs = spread.get((o.attack, o.scope), [])
            known = [x.estimate for x in outs if x.estimate is not None]
            hits = sum(x.recovered for x in outs)
            span = f"{_fmt(o.kind, min(known))} tot {_fmt(o.kind, max(known))}" if known else "geen"
            line += f" {hits}/{len(outs)} | {span} |" if outs and o.kind != "none" else " | |"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
