"""The demo's buurt and wijk boundaries: the committed reference file, how it was derived, and the schematic fallback."""

from __future__ import annotations

import json

import shapely
from shapely.geometry import shape

from data_sources.demo import geo, grenzen
from data_sources.demo import zwolle as z
from data_sources.geo_buurten import read as read_geo
from tests.test_buurtnamen import context, zwolle_regios


def _reference() -> tuple[dict, dict]:
    features = grenzen.load()["features"]
    buurten = {f["properties"]["code"]: f for f in features if f["properties"]["niveau"] == "buurt"}
    wijken = {f["properties"]["code"]: f for f in features if f["properties"]["niveau"] == "wijk"}
    return buurten, wijken


def test_reference_has_the_78_demo_buurten_with_their_wijk_and_16_wijken():
    buurten, wijken = _reference()
    assert {c: f["properties"]["wijkcode"] for c, f in buurten.items()} == {b.code: b.wijk_code for b in z.BUURTEN}
    assert set(wijken) == {code for code, _ in z.WIJKEN}
    assert all(shape(f["geometry"]).is_valid for f in [*buurten.values(), *wijken.values()])


def test_wijken_are_the_union_of_their_buurten():
    buurten, wijken = _reference()
    for code, wijk in wijken.items():
        parts = shapely.union_all([shape(f["geometry"]) for f in buurten.values() if f["properties"]["wijkcode"] == code])
        assert shape(wijk["geometry"]).symmetric_difference(parts).area < 1e-9, code


def test_buurten_tile_the_gemeente_without_overlaps():
    buurten, _ = _reference()
    shapes = [shape(f["geometry"]) for f in buurten.values()]
    union = shapely.union_all(shapes)
    assert abs(sum(s.area for s in shapes) - union.area) < 1e-9
    # Zwolle is 11,936 ha (KWB 2024); in degrees² at 52.5° N one ha is about 1.33e-6.
    km2 = union.area * 111.2 * 111.2 * 0.6088
    assert 110 < km2 < 125


def test_reference_is_small_and_carries_its_attribution():
    text = grenzen.REFERENCE.read_text(encoding="utf-8")
    assert len(text.encode()) < 300_000
    doc = json.loads(text)
    assert "Kadaster / Centraal Bureau voor de Statistiek, 2014" in doc["bron"]
    assert "bronvermelding" in doc["voorwaarden"]


def test_the_script_regenerates_the_committed_file(realdata):
    source = realdata / "zwolle_hackathon2015_buurten" / "bu_2014_zwolle.geojson"
    assert grenzen.dumps(grenzen.derive(source)) == grenzen.REFERENCE.read_text(encoding="utf-8")


def test_2014_codes_are_the_current_codes(realdata):
    """The 2014 kaart and the 2024 indeling (47018NED WijkenEnBuurten) have the same 78 buurt codes and wijken."""
    kaart = json.loads((realdata / "zwolle_hackathon2015_buurten" / "bu_2014_zwolle.geojson").read_text(encoding="utf-8"))
    codes_2014 = {f["properties"]["STATCODE"]: f["properties"]["WK_2014"] for f in kaart["features"]}
    regios = (realdata / "cbs_47018NED_misdrijven_buurt_2023" / "WijkenEnBuurten_subset.csv").read_text(encoding="utf-8")
    codes_2024 = {line.split(",")[0].strip('" ') for line in regios.splitlines() if line.startswith(('"BU0193', "BU0193"))}
    assert set(codes_2014) == codes_2024 == {b.code for b in z.BUURTEN}
    assert all(codes_2014[b.code] == b.wijk_code for b in z.BUURTEN)


def test_schematic_fallback_is_flagged_and_read_as_such(tmp_path):
    written = geo.write_schematic(tmp_path)
    ctx = context(zwolle_regios())
    tables = read_geo([tmp_path / written["geo_buurten"][0]], ctx)
    assert not ctx.problems
    assert tables["geo_buurten"].height == 78 and tables["geo_buurten"]["schematisch"].all()
    assert tables["geo_wijken"].height == 16 and tables["geo_wijken"]["schematisch"].all()


def test_demo_writes_the_real_boundaries_in_the_cbs_format(tmp_path):
    written = geo.write(tmp_path, seed=1, scale=1.0, peildatum=None)
    doc = json.loads((tmp_path / written["geo_buurten"][0]).read_text(encoding="utf-8"))
    assert "crs" not in doc and len(doc["features"]) == 78
    props = doc["features"][0]["properties"]
    assert set(props) == {"buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"}
    assert "schematisch" not in props
