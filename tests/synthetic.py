"""A tiny synthetic warehouse with every table of WAREHOUSE.md, small enough to check by hand.

For tests of the metrics and of pages (AppTest) that must not wait for a demo build. Three wijken
of "GM0193" with five buurten, 29 youth-care toewijzingen with declarations in Q1 2024 and Q1
2025, crime, nuisance, housing, projects and meldingen. The numbers are invented; the expected
results are worked out in tests/test_metrics_engine.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import duckdb

from metrics.tables import BUILT, TABLES

D = dt.date
PEILDATUM = D(2025, 10, 1)

WIJKEN = [("WK019310", "Wijk 10 Binnenstad"), ("WK019311", "Wijk 11 Diezerpoort"), ("WK019322", "Wijk 22 Stadshagen")]
BUURTEN = [
    ("BU01931000", "Binnenstad-Zuid", "WK019310"),
    ("BU01931010", "Binnenstad-Noord", "WK019310"),
    ("BU01931100", "Het Noorden", "WK019311"),
    ("BU01932200", "Frankhuis", "WK019322"),
    ("BU01932210", "Mastenbroek", "WK019322"),
]
# buurt: (inwoners 2023, 2024), (0-17 2023, 2024), woningen 2024
BEVOLKING = {
    "BU01931000": ((1950, 2000), (190, 200), 1000),
    "BU01931010": ((1000, 1000), (100, 100), 500),
    "BU01931100": ((1500, 1500), (300, 300), 700),
    "BU01932200": ((4800, 5000), (960, 1000), 2000),
    "BU01932210": ((500, 500), (100, 100), 200),
}

# Groups of toewijzingen: ids, wijk, buurt, productcategorie, aanbieder, verwijzer, aanvraag,
# begin, end per id (None = open), and declared months {(year, month): amount} per id.
_Q1_24 = [(2024, m) for m in (1, 2, 3)]
_Q1_25 = [(2025, m) for m in (1, 2, 3)]
TOEWIJZINGEN = [
    # T01-T12 Binnenstad: 12 clients, ambulant; T01-T10 continue into 2025, T11-T12 end 2024.
    *[
        (f"T{i:02d}", f"K{i:02d}", "WK019310", "BU01931000", "45", ("A001", "Aanbieder Een"), "huisarts",
         D(2024, 1, 1), D(2024, 1, 5), None if i <= 10 else D(2024, 12, 31),
         {**{p: 1000.0 for p in _Q1_24}, **({p: 1100.0 for p in _Q1_25} if i <= 10 else {})})
        for i in range(1, 13)
    ],
    # T13-T15 Diezerpoort: 3 clients with verblijf, 10 working days doorlooptijd.
    *[
        (f"T{i:02d}", f"K{i:02d}", "WK019311", "BU01931100", "40", ("A002", "Aanbieder Twee"), "gemeentelijke toegang",
         D(2024, 1, 1), D(2024, 1, 15), D(2024, 6, 30), {p: 2000.0 for p in _Q1_24})
        for i in range(13, 16)
    ],
    # T16-T25 Stadshagen: 10 clients from February; T16-T20 end 2024, T21-T25 continue.
    *[
        (f"T{i:02d}", f"K{i:02d}", "WK019322", "BU01932200", "45", ("A001", "Aanbieder Een"), "jeugdarts",
         D(2024, 2, 1), D(2024, 2, 5), D(2024, 12, 31) if i <= 20 else None,
         {**{p: 1000.0 for p in _Q1_24[1:]}, **({p: 1100.0 for p in _Q1_25} if i > 20 else {})})
        for i in range(16, 26)
    ],
    # T26-T28 Stadshagen (Mastenbroek): 3 new clients in March 2025.
    *[
        (f"T{i:02d}", f"K{i:02d}", "WK019322", "BU01932210", "40", ("A002", "Aanbieder Twee"), "huisarts",
         D(2025, 2, 24), D(2025, 3, 3), None, {(2025, 3): 2000.0})
        for i in range(26, 29)
    ],
    # T29: a second toewijzing for client K01 in March 2024.
    ("T29", "K01", "WK019310", "BU01931000", "40", ("A002", "Aanbieder Twee"), "huisarts",
     D(2024, 2, 26), D(2024, 3, 1), D(2024, 3, 31), {(2024, 3): 3000.0}),
]
# Extra declaration lines: one rejected (not in lasten), one credit line (in lasten).
EXTRA_DECLARATIES = [("X1", "T01", D(2024, 1, 1), 5000.0, "afgekeurd"), ("X2", "T02", D(2024, 2, 1), -500.0, "gecrediteerd")]


def _rows() -> dict[str, list[tuple]]:
    r: dict[str, list[tuple]] = {}
    r["gemeenten"] = [("GM0193", "Zwolle"), ("GM0150", "Deventer")]
    r["wijken"] = [(c, n, "GM0193") for c, n in WIJKEN]
    r["buurten"] = [(c, n, w, "GM0193") for c, n, w in BUURTEN]
    cols = list(TABLES["bevolking"])
    r["bevolking"] = []
    for buurt, ((i23, i24), (j23, j24), won) in BEVOLKING.items():
        for jaar, inw, jong in ((2023, i23, j23), (2024, i24, j24)):
            row = dict.fromkeys(cols)
            row |= {"jaar": jaar, "buurt_code": buurt, "inwoners": inw, "inwoners_0_17": jong, "woningen": won, "inwoners_65plus": inw // 5}
            r["bevolking"].append(tuple(row.values()))
    r["kwb"] = [
        (2024, "GM0193", "gemeente", "GM0193", "AantalInwoners", "Aantal inwoners", "aantal", 10010.0),
        (2024, "GM0150", "gemeente", "GM0150", "AantalInwoners", "Aantal inwoners", "aantal", 8000.0),
        (2024, "WK019310", "wijk", "GM0193", "AantalInwoners", "Aantal inwoners", "aantal", 3000.0),
        (2024, "WK019311", "wijk", "GM0193", "AantalInwoners", "Aantal inwoners", "aantal", 1500.0),
        (2024, "WK019322", "wijk", "GM0193", "AantalInwoners", "Aantal inwoners", "aantal", 5500.0),
        (2024, "GM0193", "gemeente", "GM0193", "PercentageJongerenMetJeugdzorg", "Jongeren met jeugdzorg", "%", 10.0),
        (2024, "WK019310", "wijk", "GM0193", "PercentageJongerenMetJeugdzorg", "Jongeren met jeugdzorg", "%", 12.0),
        (2024, "WK019311", "wijk", "GM0193", "PercentageJongerenMetJeugdzorg", "Jongeren met jeugdzorg", "%", 8.0),
        (2024, "WK019322", "wijk", "GM0193", "PercentageJongerenMetJeugdzorg", "Jongeren met jeugdzorg", "%", 9.5),
    ]
    r["soorten_misdrijf"] = [
        ("0.0.0", "Totaal misdrijven", None, "Totaal", False),
        ("1.1.1", "Diefstal/inbraak woning", None, "Veiligheid", True),
        ("1.4.5", "Mishandeling", None, "Veiligheid", True),
        ("2.2.1", "Vernieling cq. zaakbeschadiging", None, "Leefbaarheid", False),
    ]
    m = []
    # 2024 yearly: gemeente 600 in total (also crimes not placed in a buurt), wijken 550, buurten 550.
    yearly = {
        2024: {
            ("GM0193", "gemeente"): {"0.0.0": 600, "1.1.1": 40, "1.4.5": 60, "2.2.1": 100},
            ("WK019310", "wijk"): {"0.0.0": 300, "1.1.1": 20, "1.4.5": 30, "2.2.1": 50},
            ("WK019311", "wijk"): {"0.0.0": 100, "1.1.1": 5, "1.4.5": 10, "2.2.1": 20},
            ("WK019322", "wijk"): {"0.0.0": 150, "1.1.1": 10, "1.4.5": 15, "2.2.1": 25},
            ("BU01931000", "buurt"): {"0.0.0": 250},
            ("BU01931010", "buurt"): {"0.0.0": 50},
            ("BU01931100", "buurt"): {"0.0.0": 100},
            ("BU01932200", "buurt"): {"0.0.0": 120},
            ("BU01932210", "buurt"): {"0.0.0": 30},
        },
        2023: {("GM0193", "gemeente"): {"0.0.0": 500, "1.1.1": 50}, ("WK019310", "wijk"): {"0.0.0": 240}},
    }
    for jaar, regions in yearly.items():
        for (code, niveau), soorten in regions.items():
            for soort, n in soorten.items():
                m.append((f"{jaar}JJ00", jaar, None, None, code, niveau, "GM0193", soort, n))
    for maand, n in ((1, 50), (2, 45), (3, 55)):
        m.append((f"2024MM{maand:02d}", 2024, maand, None, "GM0193", "gemeente", "GM0193", "0.0.0", n))
    m.append(("2024JJ00", 2024, None, None, "NL00", "land", None, "0.0.0", 800000))
    r["misdrijven"] = m
    r["soorten_overlast"] = [("0.0.0", "Totaal registraties overlast", None), ("E35", "Melding overlast jeugd", None)]
    r["overlast"] = [
        ("2024JJ00", 2024, None, None, "GM0193", "gemeente", "GM0193", "0.0.0", 80),
        ("2024JJ00", 2024, None, None, "GM0193", "gemeente", "GM0193", "E35", 20),
        ("2024JJ00", 2024, None, None, "WK019310", "wijk", "GM0193", "0.0.0", 30),
        # 2025 has months only (the year is not published yet): 7 + 9.
        ("2025MM01", 2025, 1, None, "GM0193", "gemeente", "GM0193", "0.0.0", 7),
        ("2025MM02", 2025, 2, None, "GM0193", "gemeente", "GM0193", "0.0.0", 9),
    ]
    r["woningvoorraad"] = [
        (2019, "GM0193", 57000, 639, 60, 10, 5, 16, 700, 57700),
        (2020, "GM0193", 57700, 873, 187, 12, 49, 0, 999, 58699),
        (2020, "GM0150", 45900, 153, 200, 9, 20, 0, 324, 46224),
    ]
    r["plancapaciteit"] = [
        ("GM0193", "Zwolle", "Overijssel", "hard", "2020-2024", 1000),
        ("GM0193", "Zwolle", "Overijssel", "hard", "2025-2029", 2329),
        ("GM0193", "Zwolle", "Overijssel", "zacht", "ongefaseerd", 8530),
        ("GM0150", "Deventer", "Overijssel", "hard", "ongefaseerd", 2401),
        (None, "Onbekende Gemeente", "Overijssel", "hard", "ongefaseerd", 99),
    ]
    r["woningbouwprojecten"] = [
        ("P1", "Frankhuis-Oost", "BU01932200", "WK019322", "opgeleverd", "sociale huur", 40, D(2024, 6, 1), D(2024, 9, 15)),
        ("P1", "Frankhuis-Oost", "BU01932200", "WK019322", "opgeleverd", "dure koop", 20, D(2024, 6, 1), D(2024, 9, 15)),
        ("P2", "Binnenstad-Kade", "BU01931000", "WK019310", "in aanbouw", "middenhuur", 30, D(2025, 12, 1), None),
        ("P3", "Mastenbroek-Noord", "BU01932210", "WK019322", "idee", "betaalbare koop", 50, D(2027, 1, 1), None),
    ]
    r["geo_buurten"] = [(c, '{"type": "Point", "coordinates": [6.1, 52.5]}', 6.1, 52.5, True) for c, _, _ in BUURTEN]
    r["geo_wijken"] = [(c, '{"type": "Point", "coordinates": [6.1, 52.5]}', 6.1, 52.5, True) for c, _ in WIJKEN]
    r["jeugd_productcategorieen"] = [("45", "Jeugdhulp ambulant", "jeugdhulp zonder verblijf"), ("40", "Jeugdhulp met verblijf", "jeugdhulp met verblijf")]
    r["iv3_taakvelden"] = [
        ("6.72", "Maatwerkdienstverlening 18-", 2017, 2022, "6.72"),
        ("6.82", "Geëscaleerde zorg 18-", 2017, 2022, "6.82"),
        ("6.72a", "Jeugdhulp ambulant", 2023, None, "6.72"),
        ("6.82a", "Jeugdhulp met verblijf", 2023, None, "6.82"),
    ]
    r["jeugd_taakveld_koppeling"] = [("45", 2017, 2022, "6.72"), ("45", 2023, None, "6.72a"), ("40", 2017, 2022, "6.82"), ("40", 2023, None, "6.82a")]
    r["jeugd_begroting"] = [
        (2022, "6.72", "jeugdhulp zonder verblijf", 48000.0, 50000.0),
        (2022, "6.82", "jeugdhulp met verblijf", 19000.0, 20000.0),
        (2024, "6.72a", "jeugdhulp zonder verblijf", 55000.0, 60000.0),
        (2024, "6.82a", "jeugdhulp met verblijf", 22000.0, 25000.0),
    ]
    toe, dec = [], []
    for tid, client, wijk, buurt, pc, (agb, naam), verwijzer, aanvraag, begin, eind, months in TOEWIJZINGEN:
        toe.append((tid, client, 2012, buurt, wijk, pc, f"{pc}A01", agb, naam, verwijzer, aanvraag, begin, eind, 8, "uur", "per maand", 125.0))
        for (y, mnd), bedrag in months.items():
            dec.append((f"{tid}-{y}{mnd:02d}", tid, D(y, mnd, 1), bedrag, "goedgekeurd", D(y, mnd, 28), client, wijk))
    # The build copies the jeugdige and wijk of a line's toewijzing onto it (WAREHOUSE.md).
    of = {row[0]: (row[1], row[2]) for row in TOEWIJZINGEN}
    dec += [(i, t, m, b, s, m, *of[t]) for i, t, m, b, s in EXTRA_DECLARATIES]
    r["jeugd_toewijzingen"] = toe
    r["jeugd_declaraties"] = dec
    # The last column: the working days the build counts (afhandel_werkdagen, WAREHOUSE.md), e.g.
    # Tuesday 5 March to Friday 15 March is 3 + 5.
    r["meldingen"] = [
        ("M1", D(2024, 3, 4), "afval", "BU01931000", "WK019310", "afgehandeld", D(2024, 3, 6), 2),
        ("M2", D(2024, 3, 5), "afval", "BU01931000", "WK019310", "afgehandeld", D(2024, 3, 15), 8),
        ("M3", D(2024, 3, 7), "verlichting", "BU01932200", "WK019322", "afgehandeld", D(2024, 3, 8), 1),
        ("M4", D(2024, 4, 1), "verlichting", "BU01932200", "WK019322", "open", None, None),
        ("M5", D(2024, 4, 2), "groen", "BU01931100", "WK019311", "in behandeling", None, None),
        ("M6", D(2025, 1, 6), "afval", "BU01932210", "WK019322", "afgehandeld", D(2025, 1, 10), 4),
    ]
    # The settings of the build (data_sources/instellingen.py), as Zwolle's file has them.
    r["instellingen"] = [("GM0193", "Zwolle", "GM0193.toml", False)]
    r["instellingen_wonen"] = [(10_000, 2020, 2029, "doel", 1.30, "norm", 0.10, 0.40, "uitval")]
    r["instellingen_beleidsmix"] = [("goedkoop", "sociale huur", 0.30, "bron", "toelichting"), ("middelduur", "middenhuur, betaalbare koop", 0.40, "bron", "toelichting"), ("duur", "dure koop", 0.30, "bron", "toelichting")]
    r["instellingen_beleidsmix_segmenten"] = [("sociale huur", "goedkoop"), ("middenhuur", "middelduur"), ("betaalbare koop", "middelduur"), ("dure koop", "duur")]
    r["instellingen_meldingen"] = [(5, "Synthetisch: 5 werkdagen.")]
    # The gemeente's housing target and plancapaciteit norm (data_sources/gemeenten/GM0193.toml).
    r["instellingen_wonen"] = [(10000, 2020, 2029, "Begroting 2020", 1.30, "ABF Research 2020", 0.10, 0.40, "aanname")]
    r["builds"] = [(uuid.uuid4().hex[:12], dt.datetime(2025, 10, 1, 8, 0), 1.0, "GM0193", "synthetisch", True, PEILDATUM)]
    return r


def create_declaraties(con: duckdb.DuckDBPyConnection, frame: str) -> None:
    """jeugd_declaraties from the declaration lines registered as `frame`, as the build writes them:
    each line with its toewijzing's jeugdige and wijk (WAREHOUSE.md; NULL where that has none)."""
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'jeugd_toewijzingen'").fetchall()}
    copied = ", ".join(f"t.{c}" if c in have else f"NULL::VARCHAR AS {c}" for c in BUILT["jeugd_declaraties"])
    con.execute(f"CREATE TABLE jeugd_declaraties AS SELECT d.*, {copied} FROM {frame} d LEFT JOIN jeugd_toewijzingen t USING (toewijzing_id)")


def synthetic_warehouse(path: str | Path, *, omit: tuple[str, ...] = ()) -> Path:
    """Write the synthetic warehouse to `path` (leaving out the tables in `omit`) and return it."""
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        for table, rows in _rows().items():
            if table in omit:
                continue
            columns = TABLES[table]
            con.execute(f"CREATE TABLE {table} (" + ", ".join(f"{c} {t}" for c, t in columns.items()) + ")")
            con.executemany(f"INSERT INTO {table} VALUES (" + ", ".join("?" * len(columns)) + ")", rows)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
