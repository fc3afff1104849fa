"""Shapes to draw figures on: wijk and buurt outlines from the warehouse (geo_wijken, geo_buurten).

Like `meta`, this is data about where, not a figure, and it keeps SQL out of the pages.
"""

from __future__ import annotations

import json

from metrics.warehouse import Warehouse, run

_TABLES = {"wijk": ("geo_wijken", "wijk_code"), "buurt": ("geo_buurten", "buurt_code")}


def shapes(warehouse: Warehouse, level: str) -> tuple[dict, bool] | None:
    """A GeoJSON FeatureCollection of the level's outlines (property `code`) and whether it is
    schematic; None when no map is loaded."""
    table, key = _TABLES[level]
    if table not in warehouse.tables:
        return None
    rows = run(warehouse, f"SELECT {key} AS code, geometry, schematisch FROM {table} ORDER BY {key}")
    if not rows.height:
        return None
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": json.loads(geometry)}
        for code, geometry in zip(rows["code"].to_list(), rows["geometry"].to_list())
    ]
    return {"type": "FeatureCollection", "features": features}, bool(rows["schematisch"].any())
