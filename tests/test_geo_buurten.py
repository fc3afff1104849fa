"""GeoJSON buurt boundaries -> geo_buurten and geo_wijken: real maps (WGS84, RD New) and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pyproj
import pytest
import shapely

from data_sources import geo_buurten
from data_sources.demo.zwolle import BUURTEN, WIJKEN
from tests.test_buurtnamen import context, zwolle_regios

HACKATHON_2014 = Path("zwolle_hackathon2015_buurten") / "bu_2014_zwolle.geojson"
RD_2024 = Path("zwolle_cijfersoverzwolle") / "buurten_zwolle_rd_2024_mapped.geojson"
# Zwolle GM0193 bounding box (PDOK gemeente_gegeneraliseerd 2022), SOURCES.md section 7.
ZWOLLE_BBOX = (6.0036, 52.4405, 6.2108, 52.5878)
# The buurt maps and the generalised gemeente map are drawn differently: allow ~100 m on the edge.
EDGE = 0.0015


def read(files, ctx=None):
    ctx = ctx or context(zwolle_regios())
    tables = geo_buurten.read(files, ctx)
    return tables["geo_buurten"], tables["geo_wijken"], ctx.problems.lines(), ctx.messages


def square(lon: float, lat: float, d: float = 0.001) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(tmp_path: Path, features: list, **extra) -> Path:
    path = tmp_path / "buurten.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}), encoding="utf-8")
    return path


BINNENSTAD = next(b for b in BUURTEN if b.code == "BU01931000")


@pytest.fixture(scope="module", params=[HACKATHON_2014, RD_2024], ids=["wgs84-codes-2014", "rd-names-2024"])
def real(request, realdata):
    return read([realdata / request.param])


def test_every_buurt_and_wijk_of_zwolle(real):
    buurten, wijken, problems, _ = real
    assert problems == []
    assert sorted(buurten["buurt_code"]) == sorted(b.code for b in BUURTEN)
    assert wijken["wijk_code"].to_list() == [c for c, _ in WIJKEN]
    assert not buurten["schematisch"].any() and not wijken["schematisch"].any()


def test_points_lie_in_zwolle_and_inside_their_shape(real):
    for frame in real[:2]:
        lon0, lat0, lon1, lat1 = ZWOLLE_BBOX
        assert frame["lon"].is_between(lon0, lon1).all() and frame["lat"].is_between(lat0, lat1).all()
        shapes = [shapely.from_geojson(g) for g in frame["geometry"]]
        assert all(s.contains(shapely.Point(x, y)) for s, x, y in zip(shapes, frame["lon"], frame["lat"]))


def test_shapes_are_reprojected_into_the_zwolle_bbox(real):
    buurten, _, _, _ = real
    x0, y0, x1, y1 = shapely.union_all([shapely.from_geojson(g) for g in buurten["geometry"]]).bounds
    lon0, lat0, lon1, lat1 = ZWOLLE_BBOX
    assert abs(x0 - lon0) < EDGE and abs(y0 - lat0) < EDGE and abs(x1 - lon1) < EDGE and abs(y1 - lat1) < EDGE


def test_wijken_cover_the_buurten(real):
    buurten, wijken, _, _ = real
    b = shapely.union_all([shapely.from_geojson(g) for g in buurten["geometry"]])
    w = [shapely.from_geojson(g) for g in wijken["geometry"]]
    assert all(s.area > 0 and s.is_valid for s in w)
    assert b.symmetric_difference(shapely.union_all(w)).area / b.area < 0.005


def test_geometry_text_is_small_and_rounded(real):
    buurten, wijken, _, _ = real
    assert buurten["geometry"].str.len_bytes().sum() < 100_000
    decimals = re.findall(r"\.(\d+)", "".join(buurten["geometry"]) + "".join(wijken["geometry"]))
    assert max(len(d) for d in decimals) <= 6
    assert {json.loads(g)["type"] for g in buurten["geometry"]} <= {"Polygon", "MultiPolygon"}


def test_rd_map_keeps_the_shape_area(realdata):
    # Binnenstad-Zuid in the RD file vs after reprojection and simplification: areas agree to 1%.
    doc = json.loads((realdata / RD_2024).read_text(encoding="utf-8"))
    rd = next(shapely.geometry.shape(f["geometry"]) for f in doc["features"] if f["properties"]["OFFICIËLE"] == "Binnenstad-Zuid")
    buurten, _, _, _ = read([realdata / RD_2024])
    stored = shapely.from_geojson(buurten.filter(pl.col("buurt_code") == "BU01931000")["geometry"].item())
    to_rd = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    back = shapely.transform(stored, to_rd.transform, interleaved=False)
    assert back.area == pytest.approx(rd.area, rel=0.01)


def test_wgs84_without_crs_with_names_and_schematic(tmp_path):
    path = write(tmp_path, [feature(square(BINNENSTAD.lon, BINNENSTAD.lat), buurtnaam="Binnenstad-Zuid", schematisch=True)])
    buurten, wijken, problems, messages = read([path])
    assert problems == []
    assert buurten.select("buurt_code", "schematisch").rows() == [("BU01931000", True)]
    assert wijken.select("wijk_code", "schematisch").rows() == [("WK019310", True)]
    assert any("77 van de 78 buurten hebben geen vlak" in m for m in messages)


def test_crs84_declared(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    buurten, _, problems, _ = read([write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01931000")], crs=crs)])
    assert problems == [] and buurten["lon"].item() == pytest.approx(6.0905, abs=1e-4)


def test_rd_recognised_without_crs(tmp_path):
    x, y = 203_000, 502_000  # central Zwolle in RD New
    rd = {"type": "Polygon", "coordinates": [[[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100], [x, y]]]}
    buurten, _, problems, _ = read([write(tmp_path, [feature(rd, STATCODE="BU01931000")])])
    assert problems == []
    lon, lat = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x + 50, y + 50)
    assert (buurten["lon"].item(), buurten["lat"].item()) == (pytest.approx(lon, abs=1e-4), pytest.approx(lat, abs=1e-4))


def test_buurten_of_other_gemeenten_are_skipped(tmp_path):
    path = write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01931000"), feature(square(6.16, 52.25), BU_CODE="BU01500101")])
    buurten, _, problems, messages = read([path])
    assert problems == [] and buurten["buurt_code"].to_list() == ["BU01931000"]
    assert any("1 buurten van andere gemeenten overgeslagen" in m for m in messages)


def test_invalid_json(tmp_path):
    path = tmp_path / "buurten.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    buurten, _, problems, _ = read([path])
    assert buurten.height == 0 and len(problems) == 1 and "geen geldige JSON" in problems[0]


def test_no_features(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [])])
    assert len(problems) == 1 and "de FeatureCollection heeft geen features" in problems[0]


def test_not_a_feature_collection(tmp_path):
    path = tmp_path / "buurten.geojson"
    path.write_text(json.dumps(square(6.09, 52.51)), encoding="utf-8")
    _, _, problems, _ = read([path])
    assert len(problems) == 1 and "geen GeoJSON FeatureCollection (gevonden: 'Polygon')" in problems[0]


def test_feature_without_geometry(tmp_path):
    path = write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01931000"), feature(None, BU_CODE="BU01931010")])
    buurten, _, problems, _ = read([path])
    assert len(problems) == 1 and "object 2 van features heeft geen geometrie" in problems[0]


def test_a_point_is_not_a_buurt(tmp_path):
    path = write(tmp_path, [feature({"type": "Point", "coordinates": [6.09, 52.51]}, BU_CODE="BU01931000")])
    _, _, problems, _ = read([path])
    assert len(problems) == 1 and "object 1 van features is geen vlak (gevonden: 'Point')" in problems[0]


def test_unreadable_coordinates(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature({"type": "Polygon", "coordinates": "6,52"}, BU_CODE="BU01931000")])])
    assert len(problems) == 1 and "geometrie is onleesbaar" in problems[0]


def test_unknown_buurt_name(tmp_path):
    path = write(tmp_path, [feature(square(6.09, 52.51), BU_NAAM="Binnenstad-Zuid"), feature(square(6.05, 52.54), BU_NAAM="Millingen")])
    buurten, _, problems, _ = read([path])
    assert len(problems) == 1
    assert "(object 2 van features), kolom 'BU_NAAM': buurtnaam komt niet voor in de CBS-indeling (gevonden: 'Millingen')" in problems[0]
    assert "'Milligen' (BU01932240)" in problems[0]


def test_best_matching_name_property_wins(tmp_path):
    # OMSCHR has Zwolle's own spelling; OFFICIËLE the CBS name: the loader picks the one that matches.
    path = write(tmp_path, [feature(square(6.09, 52.51), OMSCHR="Harculo en Hoogzutmen", naam="Harculo en Hoog-Zuthem")])
    buurten, _, problems, _ = read([path])
    assert problems == [] and buurten["buurt_code"].to_list() == ["BU01935210"]


def test_no_code_and_no_name(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(6.09, 52.51), id=7)])])
    assert len(problems) == 1 and "geen buurtcode en geen buurtnaam" in problems[0]


def test_unsupported_crs(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    buurten, _, problems, _ = read([write(tmp_path, [feature(square(678_000, 6_880_000, 100), BU_CODE="BU01931000")], crs=crs)])
    assert buurten.height == 0
    assert len(problems) == 1 and "coördinatenstelsel wordt niet ondersteund" in problems[0] and "EPSG::3857" in problems[0]


def test_coordinates_that_fit_no_supported_crs(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(678_000, 6_880_000, 100), BU_CODE="BU01931000")])])
    assert len(problems) == 1 and "coördinaten passen niet bij WGS84 of RD New" in problems[0]


def test_lat_lon_swapped(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(52.51, 6.09), BU_CODE="BU01931000")])])
    assert len(problems) == 1 and "ligt buiten Nederland" in problems[0] and "niet lat/lon" in problems[0]


def test_code_not_in_the_cbs_indeling(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01930101")])])
    assert len(problems) == 1 and "buurtcode staat niet in de CBS-indeling" in problems[0]


def test_buurt_twice(tmp_path):
    path = write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01931000"), feature(square(6.10, 52.51), BU_CODE="BU01931000")])
    _, _, problems, _ = read([path])
    assert len(problems) == 1 and "buurt BU01931000 heeft meer dan een vlak" in problems[0]


def test_schematisch_must_be_a_boolean(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(6.09, 52.51), BU_CODE="BU01931000", schematisch="ja")])])
    assert len(problems) == 1 and "schematisch is geen true/false" in problems[0]


def test_self_touching_ring_is_repaired(tmp_path):
    bow = {"type": "Polygon", "coordinates": [[[6.09, 52.51], [6.10, 52.52], [6.10, 52.51], [6.09, 52.52], [6.09, 52.51]]]}
    buurten, _, problems, _ = read([write(tmp_path, [feature(bow, BU_CODE="BU01931000")])])
    assert problems == [] and shapely.from_geojson(buurten["geometry"].item()).is_valid


def test_other_gemeente_only(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(square(6.16, 52.25), BU_CODE="BU01500101")])])
    assert len(problems) == 1 and "het bestand bevat geen buurten van gemeente GM0193" in problems[0]


def test_without_regios_the_file_is_still_checked(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature(None, BU_CODE="BU01931000")])], context(None))
    assert any("cbs_regios" in p for p in problems) and any("heeft geen geometrie" in p for p in problems)


def test_unknown_geometry_type(tmp_path):
    _, _, problems, _ = read([write(tmp_path, [feature({"type": "Vlak", "coordinates": []}, BU_CODE="BU01931000")])])
    assert len(problems) == 1 and "geometrie is onleesbaar" in problems[0]


def test_polygon_without_area(tmp_path):
    flat = {"type": "Polygon", "coordinates": [[[6.09, 52.51], [6.10, 52.51], [6.09, 52.51], [6.09, 52.51]]]}
    buurten, _, problems, _ = read([write(tmp_path, [feature(flat, BU_CODE="BU01931000")])])
    assert buurten.height == 0 and len(problems) == 1 and "heeft geen oppervlakte" in problems[0]


def test_codes_win_over_2014_names(realdata):
    # The 2014 map says "Millingen" (CBS 2024: "Milligen"); its STATCODE still places it.
    doc = json.loads((realdata / HACKATHON_2014).read_text(encoding="utf-8"))
    assert {"STATCODE": "BU01932240", "BU_NAAM": "Millingen"}.items() <= next(
        f["properties"] for f in doc["features"] if f["properties"]["STATCODE"] == "BU01932240"
    ).items()
    buurten, _, problems, _ = read([realdata / HACKATHON_2014])
    assert problems == [] and "BU01932240" in buurten["buurt_code"]
