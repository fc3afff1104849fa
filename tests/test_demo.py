"""The demo generator: real formats, deterministic bytes, and a warehouse calibrated on Zwolle.

One demo (conftest: demo_inputs, demo_db) serves the calibration tests. The determinism and
`build --demo` tests write or build again, because that is what they are about. Format tests
compare with the real public files and skip when ../shared/realdata is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path

import duckdb
import polars as pl
import pytest
import shapely
from pyproj import Transformer

from data_sources import demo, inputs
from data_sources.__main__ import main
from data_sources.demo import geo, plancapaciteit, portaal, woningvoorraad
from data_sources.demo import zwolle as z
from data_sources.problems import InputError
from data_sources.registry import SOURCE_KEYS
from tests.conftest import DEMO_PEILDATUM

QUIET = {"progress": lambda msg: None}
# Meta columns that differ between two builds of the same inputs.
VOLATILE = {
    "builds": {"build_id", "started", "seconds", "inputs"},
    "datasets": {"loaded_at"},
    "quality_history": {"build_id", "started"},
    # The stored forecast differs in the last bits of its sums (polars adds in parallel, in any
    # order): compared as numbers below, not as bytes.
    "jeugd_prognose_vooraf": {"meta", "data"},
}


def _same_numbers(a, b) -> bool:
    """JSON values or Arrow IPC frames equal up to the last bits of a float sum."""
    if isinstance(a, bytes):
        from polars.testing import assert_frame_equal

        try:
            assert_frame_equal(pl.read_ipc(io.BytesIO(a)), pl.read_ipc(io.BytesIO(b)), check_row_order=False, check_exact=False, rel_tol=1e-9, abs_tol=1e-6)
        except AssertionError:
            return False
        return True
    if isinstance(a, str):
        return _same_numbers(json.loads(a), json.loads(b)) if a.startswith(("{", "[")) else a == b
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_numbers(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_numbers(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b
SEEDED = ("cbs_kwb", "politie_misdrijven", "politie_overlast", "cbs_woningvoorraad", "zwolle_portaal", "jeugd_toewijzingen", "meldingen")
UNSEEDED = ("cbs_regios", "plancapaciteit", "geo_buurten")  # real facts and centroids only


def _files(toml: Path) -> dict[str, tuple[Path, ...]]:
    return {key: spec.files for key, spec in inputs.load(toml).sources.items()}


def _query(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _one(db: Path, sql: str, *params):
    return _query(db, sql, *params)[0][0]


# --- orchestration and determinism ---------------------------------------------------------------


def test_inputs_toml_lists_every_source_with_the_peildatum(demo_inputs):
    loaded = inputs.load(demo_inputs)
    assert (loaded.gemeente, loaded.peildatum, loaded.demo) == ("GM0193", DEMO_PEILDATUM, True)
    assert list(loaded.sources) == list(SOURCE_KEYS)
    assert all(f.is_file() and f.is_relative_to(demo_inputs.parent) for f in loaded.all_files())


def test_same_seed_gives_the_same_bytes_and_another_seed_other_data(demo_inputs, tmp_path):
    same = demo.write(tmp_path / "same", seed=193, scale=1.0, peildatum=DEMO_PEILDATUM, **QUIET)
    other = demo.write(tmp_path / "other", seed=7, scale=1.0, peildatum=DEMO_PEILDATUM, **QUIET)
    base = demo_inputs.parent
    written = sorted(p.relative_to(base) for p in base.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(same.parent) for p in same.parent.rglob("*") if p.is_file())
    assert [f for f in written if (base / f).read_bytes() != (same.parent / f).read_bytes()] == []

    def differs(key: str) -> bool:
        return any(f.read_bytes() != (other.parent / f.relative_to(base)).read_bytes() for f in _files(demo_inputs)[key])

    assert [key for key in SEEDED if not differs(key)] == []
    assert [key for key in UNSEEDED if differs(key)] == []


def test_build_demo_gives_the_warehouse_of_build_inputs(demo_db, tmp_path, monkeypatch):
    # `build --demo` writes the demo for the current month; pin it to the session's peildatum.
    monkeypatch.setattr(demo, "default_peildatum", lambda: DEMO_PEILDATUM)
    db = tmp_path / "demo.duckdb"
    assert main(["build", "--demo", "--db", str(db)]) == 0
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{demo_db}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{db}' AS b (READ_ONLY)")
        tables = {
            catalog: {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [catalog]).fetchall()}
            for catalog in ("a", "b")
        }
        assert tables["a"] == tables["b"]
        differences = {}
        for table in sorted(tables["a"]):
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' AND table_name = ? ORDER BY ordinal_position", [table]
            ).fetchall() if r[0] not in VOLATILE.get(table, set())]
            select = ", ".join(f'"{c}"' for c in columns)
            a, b = f'SELECT {select} FROM a."{table}"', f'SELECT {select} FROM b."{table}"'
            only = con.execute(f"SELECT (SELECT count(*) FROM ({a} EXCEPT ALL {b})), (SELECT count(*) FROM ({b} EXCEPT ALL {a}))").fetchone()
            if only != (0, 0):
                differences[table] = only
        stored = {
            catalog: {r[:3]: r[3:] for r in con.execute(f"SELECT onderdeel, jaar, deel, meta, data FROM {catalog}.jeugd_prognose_vooraf").fetchall()}
            for catalog in ("a", "b")
        }
    assert differences == {}
    assert stored["a"].keys() == stored["b"].keys()
    assert [k for k in stored["a"] if not all(_same_numbers(x, y) for x, y in zip(stored["a"][k], stored["b"][k]))] == []


def test_a_peildatum_before_the_calibrated_years_is_refused(tmp_path):
    with pytest.raises(InputError, match="peildatum"):
        demo.write(tmp_path / "oud", peildatum=dt.date(2023, 12, 1), **QUIET)
    assert not (tmp_path / "oud").exists()


# --- calibration: the built warehouse is Zwolle --------------------------------------------------


def test_regions_are_zwolles_16_wijken_and_78_buurten(demo_db):
    assert _one(demo_db, "SELECT count(*) FROM wijken WHERE gemeente_code = 'GM0193'") == 16
    assert _one(demo_db, "SELECT count(*) FROM buurten WHERE gemeente_code = 'GM0193'") == 78
    assert _one(demo_db, "SELECT min(wijk_code) FROM wijken") == "WK019310"


def test_jeugd_rows_are_stored_by_year_and_wijk(demo_db):
    # WAREHOUSE.md, row order: what makes a wijkmanager's questions cheap (no answer depends on it).
    with duckdb.connect(str(demo_db), read_only=True) as con:
        toewijzingen = con.execute("SELECT wijk_code, toewijzing_id FROM jeugd_toewijzingen ORDER BY rowid").fetchall()
        assert toewijzingen == sorted(toewijzingen, key=lambda r: (r[0] is None, r[0] or "", r[1]))
        declaraties = con.execute(
            "SELECT year(d.maand), t.place, d.maand FROM jeugd_declaraties d LEFT JOIN "
            "(SELECT toewijzing_id, row_number() OVER (ORDER BY rowid) AS place FROM jeugd_toewijzingen) t USING (toewijzing_id) ORDER BY d.rowid"
        ).fetchall()
    assert len(declaraties) > 1000
    assert declaraties == sorted(declaraties, key=lambda r: (r[0], r[1] is None, r[1] or 0, r[2]))


def test_portal_population_is_the_real_2024_count(demo_db):
    assert _one(demo_db, "SELECT sum(inwoners) FROM bevolking WHERE jaar = 2024") == 133_128
    assert _one(demo_db, "SELECT sum(woningen) FROM bevolking WHERE jaar = 2024") == 61_186
    by_year = dict(_query(demo_db, "SELECT jaar, sum(inwoners) FROM bevolking GROUP BY jaar"))
    assert {y: by_year[y] for y in z.INWONERS} == z.INWONERS
    assert sorted(by_year) == list(range(2015, DEMO_PEILDATUM.year + 1))


def test_kwb_has_cbs_totals_and_the_real_jeugdzorg_percentage(demo_db):
    kwb = {(j, o): w for j, o, w in _query(demo_db, "SELECT jaar, onderwerp, waarde FROM kwb WHERE regio_code = 'GM0193'")}
    assert kwb[(2024, "AantalInwoners")] == z.KWB_2024_INWONERS
    assert kwb[(2024, "Woningvoorraad")] == z.KWB_2024_WONINGEN
    assert kwb[(2022, "PercentageJongerenMetJeugdzorg")] == z.PCT_JONGEREN_MET_JEUGDZORG_2022
    wijken = dict(_query(demo_db, "SELECT regio_code, waarde FROM kwb WHERE jaar = 2024 AND onderwerp = 'AantalInwoners' AND regio_niveau = 'wijk'"))
    assert wijken == {code: facts[0] for code, facts in z.WIJKEN_KWB_2024.items()}
    rounded = _one(demo_db, "SELECT count(*) FROM kwb WHERE regio_niveau IN ('wijk', 'buurt') AND onderwerp = 'AantalInwoners' AND waarde % 5 <> 0")
    assert rounded == 0


def test_misdrijven_are_about_6800_a_year_over_the_buurten(demo_db):
    years = dict(_query(demo_db, """
        SELECT jaar, sum(aantal) FROM misdrijven
        WHERE soort_code = '0.0.0' AND regio_niveau = 'buurt' AND maand IS NULL GROUP BY jaar"""))
    assert sorted(years) == list(range(2015, DEMO_PEILDATUM.year))
    assert {y: n for y, n in years.items() if not 6_000 <= n <= 7_600} == {}
    assert abs(years[2023] - z.MISDRIJVEN_2023) <= 0.05 * z.MISDRIJVEN_2023
    busiest = _one(demo_db, """
        SELECT regio_code FROM misdrijven WHERE soort_code = '0.0.0' AND regio_niveau = 'buurt' AND jaar = 2023 AND maand IS NULL
        ORDER BY aantal DESC LIMIT 1""")
    assert busiest == "BU01931000"  # Binnenstad-Zuid, as in 2023


def test_monthly_misdrijven_add_up_to_the_year_and_follow_the_seasons(demo_db):
    per_month = dict(_query(demo_db, """
        SELECT soort_code || '/' || maand, sum(aantal) FROM misdrijven
        WHERE regio_niveau = 'buurt' AND maand IS NOT NULL AND jaar < ? GROUP BY ALL""", DEMO_PEILDATUM.year))
    assert per_month["1.1.1/12"] + per_month["1.1.1/1"] > 1.5 * (per_month["1.1.1/6"] + per_month["1.1.1/7"])  # inbraak: dark evenings
    assert per_month["1.2.3/9"] + per_month["1.2.3/10"] > 1.4 * (per_month["1.2.3/1"] + per_month["1.2.3/2"])  # fietsen
    mismatch = _query(demo_db, """
        SELECT m.jaar, m.regio_code, m.soort_code FROM misdrijven m
        JOIN (SELECT jaar, regio_code, soort_code, sum(aantal) AS som FROM misdrijven WHERE maand IS NOT NULL GROUP BY ALL) s USING (jaar, regio_code, soort_code)
        WHERE m.maand IS NULL AND m.aantal <> s.som AND m.jaar < ?""", DEMO_PEILDATUM.year)
    assert mismatch == []


def test_woningvoorraad_is_the_real_zwolle_series_and_consistent(demo_db):
    zwolle = {j: (b, n, e) for j, b, n, e in _query(demo_db, "SELECT jaar, beginstand, nieuwbouw, eindstand FROM woningvoorraad WHERE gemeente_code = 'GM0193'")}
    assert zwolle[2012][0] == z.BEGINSTAND_2012
    assert zwolle[2020][2] == z.EINDSTAND_2020
    assert {j: zwolle[j][1] for j in z.NIEUWBOUW} == z.NIEUWBOUW
    assert max(zwolle) == DEMO_PEILDATUM.year - 1
    broken = _query(demo_db, """
        SELECT a.gemeente_code, a.jaar FROM woningvoorraad a JOIN woningvoorraad b ON a.gemeente_code = b.gemeente_code AND b.jaar = a.jaar + 1
        WHERE a.eindstand <> b.beginstand OR a.beginstand + a.saldo <> a.eindstand
           OR a.saldo <> a.nieuwbouw + a.overige_toevoeging - a.sloop - a.overige_onttrekking + a.correctie""")
    assert broken == []


def test_plancapaciteit_of_zwolle_is_the_real_total(demo_db):
    zwolle = dict(_query(demo_db, "SELECT hardheid, sum(woningen) FROM plancapaciteit WHERE gemeente_code = 'GM0193' GROUP BY hardheid"))
    assert zwolle == {"hard": z.PLANCAPACITEIT_HARD, "zacht": z.PLANCAPACITEIT_ZACHT}


def test_the_map_has_zwolles_real_buurt_and_wijk_shapes(demo_db):
    """78 buurten and 16 wijken, not schematic, valid, inside Zwolle, each buurt around its own centroid."""
    for table, key, n in (("geo_buurten", "buurt_code", 78), ("geo_wijken", "wijk_code", 16)):
        rows = dict(_query(demo_db, f"SELECT {key}, geometry FROM {table} WHERE NOT schematisch"))
        assert len(rows) == n == _query(demo_db, f"SELECT count(*) FROM {table}")[0][0], table
        shapes = {code: shapely.from_geojson(text) for code, text in rows.items()}
        assert all(g.is_valid and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon") for g in shapes.values()), table
        x0, y0, x1, y1 = shapely.union_all(list(shapes.values())).bounds
        assert 6.00 < x0 < x1 < 6.22 and 52.43 < y0 < y1 < 52.59, table  # gemeente Zwolle, PDOK bbox 6.0036-6.2108, 52.4405-52.5878
    buurten = {code: shapely.from_geojson(text) for code, text in _query(demo_db, "SELECT buurt_code, geometry FROM geo_buurten")}
    assert set(buurten) == {b.code for b in z.BUURTEN}
    assert all(buurten[b.code].contains(shapely.Point(b.lon, b.lat)) for b in z.BUURTEN)


def test_no_quality_check_fails_on_the_demo(demo_db):
    assert _query(demo_db, "SELECT dataset, check_name, observed FROM quality_checks WHERE status = 'fail'") == []


def test_schematic_cells_tile_the_gemeente_around_their_own_centroids():
    cells = geo.cells()
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    assert all(cell.contains(shapely.Point(*to_rd.transform(b.lon, b.lat))) for cell, b in zip(cells, z.BUURTEN))
    union = shapely.union_all(cells)
    assert abs(sum(c.area for c in cells) - union.area) < 1.0  # m²: no overlaps
    assert 10_000 < union.area / 10_000 < 15_000  # ha; Zwolle is 11,936 ha


# --- real formats: compared with the public files --------------------------------------------------


def _first_line(path: Path) -> bytes:
    return path.read_bytes().split(b"\n", 1)[0]


def _portal_parts(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The buurt rows by name, and the first cells of the footer block (after the empty row)."""
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()[1:], delimiter=";"))
    end = next(i for i, row in enumerate(rows) if not any(row))
    return {row[0]: row for row in rows[:end]}, [row[0] for row in rows[end:]]


def test_portal_exports_have_the_real_layout(demo_inputs, realdata):
    ours = demo_inputs.parent / "zwolle"
    real = realdata / "zwolle_cijfersoverzwolle"
    for year in (2015, 2023, 2024):
        assert _first_line(ours / f"demographics-buurt-{year}.csv") == _first_line(real / f"demographics-buurt-{year}.csv")
    for year in (2015, 2024):  # 2015 also lists '. Verborgen waarde' among the special values
        ours_rows, ours_footer = _portal_parts(ours / f"demographics-buurt-{year}.csv")
        real_rows, real_footer = _portal_parts(real / f"demographics-buurt-{year}.csv")
        assert list(ours_rows) == list(real_rows)
        assert ours_footer == real_footer


def test_portal_2015_and_2024_are_the_real_figures(demo_inputs, realdata):
    columns = {2015: (1, 3), 2024: (1, 3, 4, 5, 6)}  # woningen, inwoners (and 0-3, 4-11, 12-17 in 2024)
    for year, cols in columns.items():
        ours, _ = _portal_parts(demo_inputs.parent / "zwolle" / f"demographics-buurt-{year}.csv")
        real, _ = _portal_parts(realdata / "zwolle_cijfersoverzwolle" / f"demographics-buurt-{year}.csv")
        differ = [name for name in real if name != "Onbekend" and [ours[name][c] for c in cols] != [real[name][c] for c in cols]]
        assert differ == []


def test_wijken_en_buurten_rows_of_zwolle_are_as_cbs_writes_them(demo_inputs, realdata):
    ours = (demo_inputs.parent / "politie/47018NED/WijkenEnBuurten.csv").read_text(encoding="utf-8").splitlines()
    real = (realdata / "cbs_47018NED_misdrijven_buurt_2023/WijkenEnBuurten_subset.csv").read_text(encoding="utf-8").splitlines()
    assert ours[0] == real[0]
    zwolle = [line for line in real if '"GM0193"' in line]
    assert [line for line in ours if '"GM0193"' in line] == zwolle
    assert len(zwolle) == 1 + 16 + 78


def test_misdrijven_have_the_cbsodatar_layout_and_real_soorten(demo_inputs, realdata):
    real = realdata / "cbs_47018NED_misdrijven_buurt_2023"
    ours = demo_inputs.parent / "politie/47018NED"
    assert _first_line(ours / "PolRegCrime47018_2023.csv") == _first_line(real / "PolRegCrime47018_2023_totaal_zwolle_deventer_kampen.csv")
    assert _first_line(ours / "DataProperties.csv") == _first_line(real / "DataProperties.csv")
    titles = {r["Key"]: r["Title"] for r in csv.DictReader(io.StringIO((real / "SoortMisdrijf.csv").read_text(encoding="utf-8")))}
    ours_titles = {r["Key"]: r["Title"] for r in csv.DictReader(io.StringIO((ours / "SoortMisdrijf.csv").read_text(encoding="utf-8")))}
    assert {k: t for k, t in ours_titles.items() if titles.get(k) != t} == {}
    zero = next(r for r in csv.reader(io.StringIO((ours / "PolRegCrime47018_2023.csv").read_text(encoding="utf-8"))) if r[9] == "0")
    assert (zero[10], zero[11]) == (" " * 30, " " * 8)  # blank, as CBS writes a buurt without crimes


def test_overlast_soorten_are_the_real_dimension(demo_inputs, realdata):
    def keys(path: Path) -> dict[str, str]:
        return {r["Key"]: r["Title"] for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}

    assert keys(demo_inputs.parent / "politie/47024NED/Overlast.csv") == keys(realdata / "cbs_politie_overlast_codes/Overlast.csv")


def test_kwb_2024_topics_mirror_the_real_85984ned(demo_inputs, realdata):
    real = json.loads((realdata / "cbs_kwb_2024_85984NED/DataProperties.json").read_text(encoding="utf-8"))
    ours = json.loads((demo_inputs.parent / "cbs/kwb/85984NED/DataProperties.json").read_text(encoding="utf-8"))

    def topics(props: list[dict]) -> dict[str, tuple]:
        by_id = {p["ID"]: p for p in props}

        def groups(p: dict) -> tuple[str, ...]:
            chain = []
            while p.get("ParentID") is not None:
                p = by_id[p["ParentID"]]
                chain.append(p["Title"])
            return tuple(chain)

        return {p["Key"]: (p["Title"], p["Unit"], p["Datatype"], p["Decimals"], groups(p)) for p in props if p["Type"] == "Topic"}

    real_topics = topics(real)
    assert {k: v for k, v in topics(ours).items() if real_topics.get(k) != v} == {}
    infos = json.loads((demo_inputs.parent / "cbs/kwb/85984NED/TableInfos.json").read_text(encoding="utf-8"))
    assert (infos[0]["Identifier"], infos[0]["Period"]) == ("85984NED", "2024")


def test_kwb_keys_shift_between_table_versions(demo_inputs):
    def keys(table: str) -> set[str]:
        rows = json.loads((demo_inputs.parent / f"cbs/kwb/{table}/TypedDataSet.json").read_text(encoding="utf-8"))["value"]
        return set(rows[0])

    assert {"PercentageJongerenMetJeugdzorg_99", "Woningvoorraad_35"} <= keys("85984NED")
    assert {"PercentageJongerenMetJeugdzorg_88", "Woningvoorraad_34"} <= keys("85039NED")


def test_woningvoorraad_and_plancapaciteit_files_have_the_real_layout(demo_inputs, realdata):
    real = realdata / "housing_woningvoorraad_plancapaciteit"
    ours_voorraad = demo_inputs.parent / "cbs/81955NED/cbs_woningvoorraad_gemeenten.csv"
    assert _first_line(ours_voorraad) == _first_line(real / "cbs_woningvoorraad_gemeenten_2012-2020.csv")
    real_rows = {tuple(line.split(";")[2:4]): line.split(";")[4:] for line in (real / "cbs_woningvoorraad_gemeenten_2012-2020.csv").read_text().splitlines()[1:]}
    for line in ours_voorraad.read_text().splitlines()[1:]:
        fields = line.split(";")
        if fields[2] == "GM0193" and fields[3] in ("2012JJ00", "2020JJ00"):
            ours, theirs = fields[4:], real_rows[(fields[2], fields[3])]
            known = (0, 1) if fields[3] == "2012JJ00" else (1, 7)  # beginstand 2012, nieuwbouw, eindstand 2020
            assert [ours[i] for i in known] == [theirs[i] for i in known]
    ours_plan = (demo_inputs.parent / plancapaciteit.FILE).read_bytes()
    real_plan = (real / "plancapaciteit_databewijst_sheet1_plancapaciteit_nl.csv").read_bytes()
    assert ours_plan.split(b"\r\n")[0] == real_plan.split(b"\r\n")[0]
    real_lines = set(real_plan.split(b"\r\n"))
    assert [line for line in ours_plan.split(b"\r\n")[1:] if line and line not in real_lines] == []


def test_portal_model_keeps_every_year_consistent():
    model = portaal.model(193, DEMO_PEILDATUM.year)
    assert (model.leeftijd.sum(axis=2) == model.inwoners).all()
    assert (model.woonruimten >= model.woningen).all()
    assert woningvoorraad.voorraad(193, DEMO_PEILDATUM.year - 1)["GM0193"][2023].eindstand == z.KWB_2024_WONINGEN


def test_cbsodatar_labels_agree_with_the_dimension_files(demo_inputs):
    base = demo_inputs.parent / "politie"
    for dimension, data in (("47018NED/SoortMisdrijf.csv", "47018NED/PolRegCrime47018_2023.csv"), ("47024NED/Overlast.csv", "47024NED/Overlast47024_2023.csv")):
        titles = {r["Key"]: r["Title"] for r in csv.DictReader(io.StringIO((base / dimension).read_text(encoding="utf-8")))}
        rows = csv.reader(io.StringIO((base / data).read_text(encoding="utf-8")))
        next(rows)
        assert {(r[1], r[2]) for r in rows if titles.get(r[1]) != r[2]} == set()
