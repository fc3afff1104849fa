"""Buurt boundaries (GeoJSON, WGS84 or RD New) -> `geo_buurten` and `geo_wijken` for the maps.

A feature is a buurt by its CBS code (any property whose values look like BU + 8 digits) or,
failing that, by its name through `buurtnamen`. Coordinates come in as lon/lat (the GeoJSON
standard, with or without a `crs` member) or as RD New (EPSG:28992, declared in `crs` or
recognised by its metre-sized numbers) and are stored as lon/lat. Wijken are the union of their
buurten, with the wijk of each buurt taken from the CBS indeling, not from the file.

Shapes are simplified by SIMPLIFY_DEGREES (0.00002 degrees: about 1.4 m east-west and 2.2 m
north-south in the Netherlands, invisible on a city map) and stored with 6 decimals (about
0.1 m): the browser draws every buurt of the gemeente at once, so the text must stay small.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pyproj
import shapely
from shapely.geometry import mapping, shape

from data_sources.buurtnamen import BUURT_CODE, NameIndex, buurt_index
from data_sources.readers import read_json
from data_sources.source import Context, Source, Table

KEY = "geo_buurten"

SIMPLIFY_DEGREES = 0.00002
DECIMALS = 6
SUPPORTED_EPSG = (4326, 28992)  # lon/lat (read as x = lon, as GeoJSON writers do) and RD New
CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)  # EPSG:28992 area of use, metres
NL_BOUNDS = (3.2, 50.7, 7.3, 53.7)  # lon/lat box around the Netherlands
POLYGONAL = ("Polygon", "MultiPolygon")
# Properties that name a buurt, in order of preference when several match equally well.
NAME_PROPERTIES = ("OFFICIËLE", "BU_NAAM", "buurtnaam", "buurt_naam", "BUURTNAAM", "statnaam", "naam", "NAAM", "name", "OMSCHR")
SCHEMATIC_PROPERTY = "schematisch"

OUTPUT_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "geo_buurten": {"buurt_code": pl.String(), "geometry": pl.String(), "lon": pl.Float64(), "lat": pl.Float64(), "schematisch": pl.Boolean()},
    "geo_wijken": {"wijk_code": pl.String(), "geometry": pl.String(), "lon": pl.Float64(), "lat": pl.Float64(), "schematisch": pl.Boolean()},
}
_EXPECTED_CRS = "WGS84 (lon/lat, zonder crs of met EPSG:4326/CRS84) of RD New (urn:ogc:def:crs:EPSG::28992)"


@cache
def _to_wgs84(source_crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source_crs, "EPSG:4326", always_xy=True)


def _declared_crs(doc: dict, path: Path, ctx: Context) -> tuple[bool, str | None]:
    """(usable, the declared CRS); (True, None) when the file declares none."""
    crs = doc.get("crs")
    if crs is None:
        return True, None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(crs.get("properties"), dict) else None
    if isinstance(name, str) and name.strip() == CRS84:
        return True, "EPSG:4326"
    m = re.search(r"EPSG:+(\d+)$", name.strip()) if isinstance(name, str) else None
    if m and int(m.group(1)) in SUPPORTED_EPSG:
        return True, f"EPSG:{int(m.group(1))}"
    ctx.problems.add(path, "coördinatenstelsel wordt niet ondersteund", column="crs", value=name if isinstance(name, str) else json.dumps(crs),
                     expected=f"{_EXPECTED_CRS}; zet het bestand om, bijv. ogr2ogr -t_srs EPSG:4326 uit.geojson in.geojson")
    return False, None


def _guess_crs(coords: np.ndarray, path: Path, ctx: Context) -> tuple[bool, str | None]:
    """Without a `crs` member: lon/lat if the numbers fit degrees, RD if they fit RD metres."""
    x, y = coords[:, 0], coords[:, 1]
    if (np.abs(x) <= 180).all() and (np.abs(y) <= 90).all():
        return True, "EPSG:4326"
    x0, y0, x1, y1 = RD_BOUNDS
    if ((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)).all():
        return True, "EPSG:28992"
    ctx.problems.add(path, "coördinaten passen niet bij WGS84 of RD New en er staat geen crs in het bestand",
                     value=f"x {x.min():.0f}..{x.max():.0f}, y {y.min():.0f}..{y.max():.0f}", expected=_EXPECTED_CRS)
    return False, None


def _features(doc: object, path: Path, ctx: Context) -> list | None:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        ctx.problems.add(path, "geen GeoJSON FeatureCollection", column="type", value=found, expected='{"type": "FeatureCollection", "features": [...]}')
        return None
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        ctx.problems.add(path, "de FeatureCollection heeft geen features", column="features", expected="een feature (vlak) per buurt")
        return None
    return features


def _geometry(i: int, feature: object, path: Path, ctx: Context) -> shapely.Geometry | None:
    where = f"object {i + 1} van features"
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if geometry is None:
        ctx.problems.add(path, f"{where} heeft geen geometrie", column="geometry", expected="een Polygon of MultiPolygon per buurt")
        return None
    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, shapely.errors.ShapelyError) as e:
        ctx.problems.add(path, f"{where}: geometrie is onleesbaar ({e})", column="geometry", expected="GeoJSON-coördinaten van een Polygon of MultiPolygon")
        return None
    if geom.geom_type not in POLYGONAL or geom.is_empty:
        ctx.problems.add(path, f"{where} is geen vlak", column="geometry", value=geom.geom_type, expected="Polygon of MultiPolygon")
        return None
    # Real boundary files contain self-touching rings; repair them rather than refuse them.
    valid = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    if valid.is_empty:
        ctx.problems.add(path, f"{where} heeft geen oppervlakte", column="geometry", value=shapely.to_wkt(geom, rounding_precision=5),
                         expected="een vlak met ten minste drie verschillende hoekpunten")
        return None
    return valid


def _code_property(properties: list[dict]) -> str | None:
    """The property whose values are BU codes in most features (more than half), if any."""
    counts: dict[str, int] = {}
    for props in properties:
        for k, v in props.items():
            if isinstance(v, str) and BUURT_CODE.fullmatch(v.strip()):
                counts[k] = counts.get(k, 0) + 1
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] * 2 > len(properties) else None


def _name_property(properties: list[dict], index: NameIndex | None) -> str | None:
    """The name property that matches most CBS names; ties go to NAME_PROPERTIES order."""
    present = [p for p in NAME_PROPERTIES if any(p in props for props in properties)]
    if len(present) < 2 or index is None:
        return present[0] if present else None

    def matched(prop: str) -> int:
        return sum(1 for props in properties if isinstance(props.get(prop), str) and index.code(props[prop]))

    return max(present, key=lambda p: (matched(p), -present.index(p)))


def _identify(properties: list[dict], path: Path, ctx: Context, index: NameIndex | None) -> list[str | None] | None:
    """The buurt code per feature (None where a problem was recorded); None for the whole file."""
    prop = _code_property(properties)
    if prop is not None:
        codes = []
        for i, props in enumerate(properties):
            v = props.get(prop)
            ok = isinstance(v, str) and BUURT_CODE.fullmatch(v.strip())
            if not ok:
                ctx.problems.add(path, f"object {i + 1} van features heeft geen geldige buurtcode", column=prop, value=v,
                                 expected="BU gevolgd door 8 cijfers, bijv. BU01931000")
            codes.append(v.strip() if ok else None)
        return codes
    prop = _name_property(properties, index)
    if prop is None:
        ctx.problems.add(path, "de features hebben geen buurtcode en geen buurtnaam", column="properties",
                         value=", ".join(sorted({k for p in properties for k in p})[:8]),
                         expected="een eigenschap met CBS-buurtcodes (bijv. BU_CODE) of een buurtnaam (" + ", ".join(NAME_PROPERTIES[:4]) + ", ...)")
        return None
    if index is None:
        return None
    codes = []
    for i, props in enumerate(properties):
        name = props.get(prop)
        code = index.code(name) if isinstance(name, str) else None
        if code is None:
            index.report_unknown(ctx.problems, f"{path} (object {i + 1} van features)", str(name), source_key=KEY, column=prop)
        codes.append(code)
    return codes


def _schematic(i: int, props: dict, path: Path, ctx: Context) -> bool:
    value = props.get(SCHEMATIC_PROPERTY, False)
    if not isinstance(value, bool):
        ctx.problems.add(path, f"object {i + 1} van features: {SCHEMATIC_PROPERTY} is geen true/false", column=SCHEMATIC_PROPERTY, value=value,
                         expected="true (schematische kaart) of false, of de eigenschap weglaten")
        return False
    return value


def _in_nl(i: int, geom: shapely.Geometry, path: Path, ctx: Context) -> bool:
    x0, y0, x1, y1 = geom.bounds
    lon0, lat0, lon1, lat1 = NL_BOUNDS
    if x0 >= lon0 and x1 <= lon1 and y0 >= lat0 and y1 <= lat1:
        return True
    ctx.problems.add(path, f"object {i + 1} van features ligt buiten Nederland", value=f"lon {x0:.3f}..{x1:.3f}, lat {y0:.3f}..{y1:.3f}",
                     expected=f"coördinaten in Nederland, als lon/lat (niet lat/lon) of RD New; {_EXPECTED_CRS}")
    return False


def _row(code: str, geom: shapely.Geometry, schematic: bool, key: str) -> dict:
    # The point is taken from the shape as stored, so it lies inside what the map draws.
    # set_precision snaps to the grid and keeps the shape valid; rounding then makes each value the
    # double nearest to its 6-decimal text, which json writes short (GEOS's writer would not).
    snapped = shapely.set_precision(geom.simplify(SIMPLIFY_DEGREES), 10.0**-DECIMALS)
    stored = shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))
    point = shapely.point_on_surface(stored)
    return {key: code, "geometry": json.dumps(mapping(stored), separators=(",", ":")), "lon": point.x, "lat": point.y, "schematisch": schematic}


def _read_file(path: Path, ctx: Context, index: NameIndex | None) -> list[tuple[str, shapely.Geometry, bool]]:
    """(buurt code, lon/lat shape, schematisch) of the build gemeente's buurten in one file.

    Features are identified first and only the gemeente's own are turned into shapes: a national
    buurtkaart with millions of coordinates costs the parsing of the JSON, not of every polygon.
    """
    doc = read_json(path, ctx.problems)
    features = None if doc is None else _features(doc, path, ctx)
    if features is None:
        return []
    usable, crs = _declared_crs(doc, path, ctx)
    if not usable:
        return []
    properties = [f.get("properties") if isinstance(f, dict) and isinstance(f.get("properties"), dict) else {} for f in features]
    codes = _identify(properties, path, ctx, index)
    if codes is None:
        return []
    prefix = "BU" + ctx.gemeente[2:]
    own = [i for i, code in enumerate(codes) if code is not None and code.startswith(prefix)]
    elsewhere = sum(1 for code in codes if code is not None and not code.startswith(prefix))
    if elsewhere and not own:
        ctx.problems.add(path, f"het bestand bevat geen buurten van gemeente {ctx.gemeente}", expected=f"buurten met codes {prefix}....")
        return []
    if elsewhere:
        ctx.progress(f"    {path.name}: {elsewhere} buurten van andere gemeenten overgeslagen")
    geoms = {i: _geometry(i, features[i], path, ctx) for i in own}
    parsed = [g for g in geoms.values() if g is not None]
    if not parsed:
        return []
    if crs is None:
        usable, crs = _guess_crs(shapely.get_coordinates(parsed), path, ctx)
        if not usable:
            return []
    if crs != "EPSG:4326":
        transformer = _to_wgs84(crs)
        geoms = {i: None if g is None else shapely.transform(g, transformer.transform, interleaved=False) for i, g in geoms.items()}
    out = []
    for i, geom in geoms.items():
        schematic = _schematic(i, properties[i], path, ctx)
        if geom is not None and _in_nl(i, geom, path, ctx):
            out.append((codes[i], geom, schematic))
    return out


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    index = buurt_index(ctx, KEY, files[0]) if files else None
    empty = {name: pl.DataFrame(schema=schema) for name, schema in OUTPUT_SCHEMAS.items()}
    shapes: dict[str, tuple[shapely.Geometry, bool, Path]] = {}
    for path in files:
        for code, geom, schematic in _read_file(path, ctx, index):
            if index is not None and code not in index.names:
                ctx.problems.add(path, "buurtcode staat niet in de CBS-indeling van de gemeente", value=code,
                                 expected="een buurtcode uit de tabel buurten (cbs_regios); hoort de kaart bij een oudere indeling?")
            elif code in shapes:
                ctx.problems.add(path, f"buurt {code} heeft meer dan een vlak (ook in {shapes[code][2].name})", value=code,
                                 expected="een feature per buurt; voeg losse delen samen tot een MultiPolygon")
            else:
                shapes[code] = (geom, schematic, path)
    if ctx.regios is None or not shapes:
        return empty
    buurten = ctx.regios["buurten"]
    missing = buurten.height - len(shapes)
    if missing:
        ctx.progress(f"    {missing} van de {buurten.height} buurten hebben geen vlak op de kaart")
    wijk_of = dict(zip(buurten["buurt_code"], buurten["wijk_code"]))
    rows = [_row(code, geom, schematic, "buurt_code") for code, (geom, schematic, _) in sorted(shapes.items())]
    per_wijk: dict[str, list[tuple[shapely.Geometry, bool]]] = {}
    for code, (geom, schematic, _) in shapes.items():
        per_wijk.setdefault(wijk_of[code], []).append((geom, schematic))
    wijken = [
        _row(wijk, shapely.union_all([g for g, _ in parts]), any(s for _, s in parts), "wijk_code") for wijk, parts in sorted(per_wijk.items())
    ]
    return {
        "geo_buurten": pl.DataFrame(rows, schema=OUTPUT_SCHEMAS["geo_buurten"], orient="row"),
        "geo_wijken": pl.DataFrame(wijken, schema=OUTPUT_SCHEMAS["geo_wijken"], orient="row"),
    }


SOURCE = Source(
    key=KEY,
    title="Buurt- en wijkgrenzen (kaart)",
    description=(
        "Grenzen van de buurten van de gemeente als GeoJSON (WGS84 of RD New), gekoppeld aan CBS-buurtcodes; "
        "wijken zijn samengevoegd uit hun buurten. Voor de kaarten in de app."
    ),
    publisher="CBS / PDOK (wijk- en buurtkaart) of gemeente {gemeente} (eigen buurtkaart)",
    owner="Geo-informatie, gemeente {gemeente}",
    steward="Databrigade",
    licence="CC BY 4.0 voor de CBS wijk- en buurtkaart; een eigen gemeentelijke kaart: zie de gemeente",
    refresh="jaarlijks, bij een nieuwe buurtindeling",
    personal_data=False,
    tables=(
        Table("geo_buurten", ("buurt_code",), "De grens van een buurt (GeoJSON, WGS84) en een punt erbinnen."),
        Table("geo_wijken", ("wijk_code",), "De grens van een wijk, samengevoegd uit haar buurten, en een punt erbinnen."),
    ),
    read=read,
    needs=("cbs_regios",),
)
