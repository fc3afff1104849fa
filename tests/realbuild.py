"""Warehouses built from the real public files in ../shared/realdata for the housing tests: the CBS
regions, CBS 81955NED woningvoorraad and the provincial plancapaciteit, with Zwolle's own portal
exports and buurt boundaries for Zwolle. Not a test module itself (pytest collects test_*.py only).
"""

from __future__ import annotations

from pathlib import Path

from data_sources import inputs
from data_sources.build import build

REGIOS = Path("cbs_47018NED_misdrijven_buurt_2023") / "WijkenEnBuurten_subset.csv"
WONINGVOORRAAD = Path("housing_woningvoorraad_plancapaciteit") / "cbs_woningvoorraad_gemeenten_2012-2020.csv"
PLANCAPACITEIT = Path("housing_woningvoorraad_plancapaciteit") / "plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv"
PORTAAL = Path("zwolle_cijfersoverzwolle")
GRENZEN = Path("zwolle_hackathon2015_buurten") / "bu_2014_zwolle.geojson"


def housing_warehouse(directory: Path, realdata: Path, gemeente: str, *, zwolle_extras: bool = False, extra: str = "") -> Path:
    """Build a warehouse for `gemeente` from the real files (Zwolle's portal and boundaries with
    `zwolle_extras`); `extra` is appended to inputs.toml. Returns the warehouse file."""
    files = lambda *paths: "files = [" + ", ".join(f'"{realdata / p}"' for p in paths) + "]"  # noqa: E731
    text = (
        f'gemeente = "{gemeente}"\npeildatum = 2024-06-01\n{extra}\n'
        f"[cbs_regios]\n{files(REGIOS)}\n\n[cbs_woningvoorraad]\n{files(WONINGVOORRAAD)}\n\n[plancapaciteit]\n{files(PLANCAPACITEIT)}\n"
    )
    if zwolle_extras:
        portaal = sorted((realdata / PORTAAL).glob("demographics-buurt-*.csv"))
        text += f"\n[zwolle_portaal]\n{files(*portaal)}\n\n[geo_buurten]\n{files(GRENZEN)}\n"
    directory.mkdir(parents=True, exist_ok=True)
    toml = directory / "inputs.toml"
    toml.write_text(text, encoding="utf-8")
    db = directory / "datakompas.duckdb"
    build(inputs.load(toml), db, progress=lambda m: None)
    return db
