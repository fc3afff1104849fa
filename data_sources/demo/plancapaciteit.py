"""Demo plancapaciteit file in the layout of the provincial compilation (sheet plancapaciteit_nl).

The compilation is a snapshot (about 2021), so the demo writes real rows as they are in it:
Zwolle and its neighbours, and a few gemeenten elsewhere that show how differently provinces
deliver (Overijssel and Limburg totals only, Gelderland and Utrecht phased, Noord-Brabant in
fractions, Zuid-Holland with plans of unknown hardheid, Drenthe a single total). The quirks of
the sheet stay: CRLF line ends, 'Limburg  ' with trailing spaces, empty cells where a province
gives no phase.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

KEY = "plancapaciteit"
FILE = "plancapaciteit/plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv"
HEADER = "provincie,gemeente,h2020-2024,h2025-2029,h2030+,z2021-2024,z2025-2029,z2030+,htotaal,ztotaal,totaal,onbekend_2021-2024,onbekend_2025-2029"

# Rows of the compilation, verbatim, in its province order.
ROWS = (
    "Noord-Brabant,Best,1270.2974828375286,453.81720430107526,,323.34096109839811,1381.1827956989248,,1724.1146871386038,1704.5237567973229,3428.6384439359267,,",
    "Utrecht,Amersfoort,3550,201,0,2105,409,0,3751,2514,6265,,",
    "Gelderland,Apeldoorn,1434,87,,1787,2486,,1521,4273,5794,,",
    "Gelderland,Hattem,240,0,,173,197,,240,370,610,,",
    "Gelderland,Heerde,91,0,,274,0,,91,274,365,,",
    "Gelderland,Oldebroek,115,0,,253,24,,115,277,392,,",
    "Overijssel,Dalfsen,,,,,,,495,500,995,,",
    "Overijssel,Deventer,,,,,,,2401,2382,4783,,",
    "Overijssel,Kampen,,,,,,,1389,2275,3664,,",
    "Overijssel,Olst-Wijhe,,,,,,,243,63,306,,",
    "Overijssel,Raalte,,,,,,,309,413,722,,",
    "Overijssel,Zwartewaterland,,,,,,,191,508,699,,",
    "Overijssel,Zwolle,,,,,,,3329,8530,11859,,",
    "Limburg  ,Beek,,,,,,,40,114,154,,",
    "Zuid-Holland,Albrandswaard,249,35,,190,800,,284,1142,1426,0,152",
    "Drenthe,Tynaarlo,,,,,,,,,1410,,",
)


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """The same file for every seed, scale and peildatum: the compilation is one snapshot."""
    path = out / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-8"))
    return {KEY: [FILE]}
