"""Iv3 series across the 2023 split, on a known booking that runs through loaders, build and engine.

Iv3-informatievoorschrift 2023 (blad 4): 6.72 Maatwerkdienstverlening 18- was split into
6.72a-d, 6.73a-c and 6.74a-c; 6.82 Geëscaleerde zorg 18- into 6.82a (jeugdbescherming) and
6.82b (jeugdreclassering). A residential placement (43) was on 6.72 in 2022 and is on 6.73c in
2023; a jeugdbeschermingsmaatregel (48) moved from 6.82 to 6.82a. Per series the years line up.
"""

from __future__ import annotations

import polars as pl
import pytest

from data_sources import inputs, jeugd_reference
from data_sources.build import build
from metrics.cache import FrameCache
from metrics.engine import Engine
from metrics.roles import Scope
from metrics.warehouse import open_warehouse
from tests.helpers import write

TOEWIJZINGEN = (
    "toewijzing_id,client_id,geboortejaar,buurt_code,productcategorie,productcode,aanbieder_agb,aanbieder_naam,"
    "verwijzer,aanvraagdatum,begindatum,einddatum,volume,eenheid,frequentie,tarief",
    # A residential placement and a jeugdbeschermingsmaatregel, both running over New Year 2023.
    "TW1,1001,2010,BU01931000,43,43A01,98000001,Gezinshuis De Linde,04,2022-11-25,2022-12-01,,7,14,2,300",
    "TW2,1002,2012,BU01931000,48,48A01,98000002,GI Noordoost,08,2022-12-01,2022-12-01,,1,84,4,1180",
)
DECLARATIES = (
    "declaratie_id,toewijzing_id,maand,bedrag,status,ingediend_op",
    "D1,TW1,2022-12,9300.00,goedgekeurd,2023-01-10",
    "D2,TW1,2023-01,9610.00,goedgekeurd,2023-02-10",
    "D3,TW2,2022-12,1180.00,goedgekeurd,2023-01-10",
    "D4,TW2,2023-01,1230.00,goedgekeurd,2023-02-10",
)
BEGROTING = (
    "jaar,taakveld,productcategorie_groep,primitieve_begroting,actuele_begroting",
    "2022,6.72,jeugdhulp met verblijf,100000,110000",
    "2022,6.82,jeugdbescherming,14000,15000",
    "2023,6.73c,jeugdhulp met verblijf,105000,120000",
    "2023,6.82a,jeugdbescherming,15000,16000",
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reeksen")
    files = {
        "jeugd_toewijzingen": write(tmp, "toewijzingen.csv", *TOEWIJZINGEN),
        "jeugd_declaraties": write(tmp, "declaraties.csv", *DECLARATIES),
        "jeugd_begroting": write(tmp, "begroting.csv", *BEGROTING),
    }
    toml = tmp / "inputs.toml"
    toml.write_text(
        'gemeente = "GM0193"\npeildatum = 2023-03-01\n' + "".join(f'[{k}]\nfiles = ["{p.name}"]\n' for k, p in files.items()),
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"
    build(inputs.load(toml), db, progress=lambda msg: None)
    with open_warehouse(db) as wh:
        yield Engine(wh, cache=FrameCache())


def _rows(frame: pl.DataFrame, *columns: str) -> set[tuple]:
    return set(frame.select(*columns).rows())


def test_lasten_per_taakveld_change_codes_in_2023(engine):
    per = engine.query("lasten", by=["jaar", "taakveld"], scope=Scope.local())
    assert _rows(per, "jaar", "taakveld", "waarde") == {
        (2022, "6.72", 9300.0),
        (2022, "6.82", 1180.0),
        (2023, "6.73c", 9610.0),
        (2023, "6.82a", 1230.0),
    }


def test_lasten_per_reeks_run_on_across_2023(engine):
    per = engine.query("lasten", by=["jaar", "taakveld_reeks"], scope=Scope.local())
    assert _rows(per, "jaar", "taakveld_reeks", "waarde") == {
        (2022, "6.72", 9300.0),
        (2023, "6.72", 9610.0),
        (2022, "6.82", 1180.0),
        (2023, "6.82", 1230.0),
    }


def test_begroting_per_reeks_runs_on_across_2023(engine):
    per = engine.query("begroting_actueel", by=["jaar", "taakveld_reeks"], scope=Scope.local())
    assert _rows(per, "jaar", "taakveld_reeks", "waarde") == {
        (2022, "6.72", 110000.0),
        (2023, "6.72", 120000.0),
        (2022, "6.82", 15000.0),
        (2023, "6.82", 16000.0),
    }


def test_every_category_stays_in_one_series_across_the_split():
    """A category's taakveld before 2023 is the series of its taakveld from 2023 (Iv3: one parent each)."""
    reeks = {t.code: t.reeks for t in jeugd_reference.TAAKVELDEN}
    oud = {k.productcategorie: k.taakveld for k in jeugd_reference.KOPPELING if k.tot_jaar is not None}
    nieuw = {k.productcategorie: k.taakveld for k in jeugd_reference.KOPPELING if k.tot_jaar is None}
    assert set(nieuw) <= set(oud)
    for pc, taakveld in nieuw.items():
        assert reeks[taakveld] == oud[pc], pc
    # 6.82 held jeugdbescherming and jeugdreclassering only.
    assert {pc for pc, tv in oud.items() if tv == "6.82"} == {"47", "48", "49"}
    assert {t.code for t in jeugd_reference.TAAKVELDEN if t.reeks == "6.82" and t.geldig_tot is None} == {"6.82a", "6.82b"}
