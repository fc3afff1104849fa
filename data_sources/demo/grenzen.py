"""Zwolle's buurt and wijk boundaries for the demo map, derived once from the CBS Wijk- en buurtkaart 2014.

The committed file `zwolle_grenzen_2014.geojson` (next to this module) is what the demo reads; this
script regenerates it from the public fixture (../shared/realdata/zwolle_hackathon2015_buurten/
bu_2014_zwolle.geojson: the CBS kaart's Zwolle buurten, WGS84, already generalised by its
publisher) and is needed only to redo that:

    python -m data_sources.demo.grenzen [--bron PAD] [--uit PAD]

What it does: every buurt keeps its CBS code (STATCODE), 2014 name and wijk (WK_2014); shapes
are simplified together as one coverage (shared borders stay shared, no gaps or slivers) and
rounded to 5 decimals (about 1 m); each wijk is the union of its buurten. The buurt codes and
their wijk of 2014 are those of the current indeling (2024) for all 78 buurten; only the
spelling of eleven names changed (tests/test_demo.py checks this against demo.zwolle).

Attribution (CBS, "Voorwaarden gebruik" of the Wijk- en Buurtkaart: bronvermelding verplicht,
and with every visualisation of the boundaries): "Kadaster / Centraal Bureau voor de Statistiek,
2014". The file carries it in its `bron` member.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

REFERENCE = Path(__file__).with_name("zwolle_grenzen_2014.geojson")
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "zwolle_hackathon2015_buurten" / "bu_2014_zwolle.geojson"
DECIMALS = 5  # about 1.1 m north-south, 0.7 m east-west at Zwolle's latitude
SIMPLIFY_DEGREES = 0.00005  # about 4 m; the source is already generalised, this removes near-collinear points
BRON = (
    "CBS Wijk- en buurtkaart 2014, buurten van gemeente Zwolle (GM0193); bron: Kadaster / Centraal Bureau voor "
    "de Statistiek, 2014. Via github.com/djvanderlaan/hackathon_zwolle (visualisatie/map/bu_2014.json, commit "
    "a205a84548109028400c09ecf308e35c45a2c0dc). Vereenvoudigd en afgerond op 5 decimalen door Datakompas "
    "(data_sources/demo/grenzen.py); wijken samengevoegd uit hun buurten."
)
VOORWAARDEN = (
    "Alle rechten berusten bij CBS en Kadaster; bronvermelding is verplicht, ook bij elke weergave van de grenzen "
    "('Kadaster / Centraal Bureau voor de Statistiek, 2014')."
)


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    snapped = shapely.set_precision(geom, 10.0**-DECIMALS)
    return shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))


def derive(source: Path) -> dict:
    """The reference FeatureCollection: 78 buurten then 16 wijken, each with niveau, code and (buurt) naam and wijk."""
    doc = json.loads(source.read_text(encoding="utf-8"))
    rows = sorted(
        (f["properties"]["STATCODE"].strip(), f["properties"]["BU_NAAM"].strip(), f["properties"]["WK_2014"].strip(), shape(f["geometry"]))
        for f in doc["features"]
    )
    shapes = [shapely.make_valid(g) for *_, g in rows]
    simplified = [_round(g) for g in shapely.coverage_simplify(shapes, SIMPLIFY_DEGREES, simplify_boundary=True)]
    features = [
        {"type": "Feature", "properties": {"niveau": "buurt", "code": code, "naam": naam, "wijkcode": wijk}, "geometry": mapping(g)}
        for (code, naam, wijk, _), g in zip(rows, simplified)
    ]
    wijken: dict[str, list[shapely.Geometry]] = {}
    for (_, _, wijk, _), g in zip(rows, simplified):
        wijken.setdefault(wijk, []).append(g)
    features += [
        {"type": "Feature", "properties": {"niveau": "wijk", "code": wijk}, "geometry": mapping(_round(shapely.union_all(parts)))}
        for wijk, parts in sorted(wijken.items())
    ]
    return {"type": "FeatureCollection", "name": "zwolle_grenzen_2014", "bron": BRON, "voorwaarden": VOORWAARDEN, "features": features}


def dumps(collection: dict) -> str:
    """One feature per line: small, and a change shows as a readable diff."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"


def load() -> dict:
    """The committed reference file."""
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m data_sources.demo.grenzen", description=__doc__.split("\n")[0])
    p.add_argument("--bron", type=Path, default=SOURCE, help="bu_2014_zwolle.geojson (CBS Wijk- en buurtkaart 2014, Zwolle)")
    p.add_argument("--uit", type=Path, default=REFERENCE, help="het referentiebestand dat de demo leest")
    args = p.parse_args(argv)
    if not args.bron.is_file():
        print(f"{args.bron}: bestand niet gevonden; verwacht: ../shared/realdata/zwolle_hackathon2015_buurten/bu_2014_zwolle.geojson", file=sys.stderr)
        return 2
    text = dumps(derive(args.bron))
    args.uit.write_text(text, encoding="utf-8")
    print(f"{args.uit}: {len(text.encode()) // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
