"""A schematic buurt map of Zwolle, for a clone that has no real boundaries.

Each buurt gets the Voronoi cell of its real centroid (zwolle.py), clipped to a buffered hull
around all centroids. The cells are computed in RD New metres so that they are not stretched by
longitude degrees, then written as a WGS84 GeoJSON FeatureCollection. Every feature carries
`schematisch: true`: the loader stores that flag and every map that draws it says so.
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

from data_sources.demo import zwolle as z

KEY = "geo_buurten"
FILE = "geo/buurten_zwolle_schematisch.geojson"
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
    """The map is the same for every seed, scale and peildatum: it follows from the centroids."""
    features = []
    for buurt, cell in zip(z.BUURTEN, cells()):
        shape = shapely.set_precision(shapely.transform(cell, _rd_to_wgs84), 10.0**-DECIMALS)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "buurtcode": buurt.code,
                    "buurtnaam": buurt.naam,
                    "wijkcode": buurt.wijk_code,
                    "gemeentecode": z.GEMEENTE_CODE,
                    "schematisch": True,
                },
                "geometry": mapping(shape),
            }
        )
    doc = {"type": "FeatureCollection", "name": "buurten_zwolle_schematisch", "features": features}
    path = out / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {KEY: [FILE]}
