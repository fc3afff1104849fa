"""The demo map: Zwolle's real buurt boundaries, or a schematic map where none are at hand.

`write` puts the 78 buurten of the reference file (`grenzen.py`: CBS Wijk- en buurtkaart 2014,
simplified and rounded, codes as in the current indeling) into a GeoJSON as CBS/PDOK publish the
wijk- en buurtkaart: WGS84 lon/lat without a `crs` member, one feature per buurt with buurtcode,
buurtnaam, wijkcode, gemeentecode and gemeentenaam. The geo_buurten loader reads it like any real
boundary file and dissolves the wijken itself.

The schematic map remains for a demo gemeente without boundaries in the reference file: each
buurt gets the Voronoi cell of its real centroid (zwolle.py), clipped to a buffered hull around
all centroids, computed in RD New metres so that cells are not stretched by longitude degrees.
Every schematic feature carries `schematisch: true`: the loader stores that flag and every map
that draws it says so. (The demo KWB also splits wijk areas by these cells, so its figures stay
the same whatever map is drawn.)
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from data_sources.demo import grenzen
from data_sources.demo import zwolle as z

KEY = "geo_buurten"
FILE = "geo/buurten_zwolle.geojson"
SCHEMATIC_FILE = "geo/buurten_zwolle_schematisch.geojson"
MARGIN = 900.0  # metres of countryside around the outermost centroids
DECIMALS = 6  # about 0.1 m: plenty for a schematic map, and it keeps the file small

_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@cache
def cells() -> tuple[Polygon, ...]:
    """One cell per buurt in `zwolle.BUURTEN` order, in RD New (EPSG:28992) metres."""
    points = [Point(*_TO_RD.transform(b.lon, b.lat)) for b in z.BUURTEN]
    area = MultiPoint(points).convex_hull.buffer(MARGIN)
    voronoi = shapely.voronoi_polygons(MultiPoint(points), extend_to=area, ordered=True)
    return tuple(cell.intersection(area) for cell in voronoi.geoms)


def _rd_to_wgs84(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(_TO_WGS84.transform(xy[:, 0], xy[:, 1]))


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """The map is the same for every seed, scale and peildatum: real boundaries when the reference has every demo buurt."""
    reference = {f["properties"]["code"]: f for f in grenzen.load()["features"] if f["properties"]["niveau"] == "buurt"}
    if set(reference) >= {b.code for b in z.BUURTEN}:
        return _write(out, FILE, "buurten_zwolle", [_real_feature(b, reference[b.code]) for b in z.BUURTEN], bron=grenzen.BRON)
    return write_schematic(out)


def write_schematic(out: Path) -> dict[str, list[str]]:
    features = []
    for buurt, cell in zip(z.BUURTEN, cells()):
        shape = shapely.set_precision(shapely.transform(cell, _rd_to_wgs84), 10.0**-DECIMALS)
        features.append({"type": "Feature", "properties": {**_properties(buurt), "schematisch": True}, "geometry": mapping(shape)})
    return _write(out, SCHEMATIC_FILE, "buurten_zwolle_schematisch", features)


def _properties(buurt: z.Buurt) -> dict:
    return {
        "buurtcode": buurt.code,
        "buurtnaam": buurt.naam,
        "wijkcode": buurt.wijk_code,
        "gemeentecode": z.GEMEENTE_CODE,
        "gemeentenaam": z.GEMEENTE_NAAM,
    }


def _real_feature(buurt: z.Buurt, reference: dict) -> dict:
    # Current names (zwolle.py): the 2014 kaart spells eleven of them differently; codes are the same.
    return {"type": "Feature", "properties": _properties(buurt), "geometry": reference["geometry"]}


def _write(out: Path, file: str, name: str, features: list[dict], bron: str | None = None) -> dict[str, list[str]]:
    doc = {"type": "FeatureCollection", "name": name, **({"bron": bron} if bron else {}), "features": features}
    path = out / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {KEY: [file]}
