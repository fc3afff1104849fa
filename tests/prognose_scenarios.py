"""The four situations of issue 16, made from the demo: one past year changed before the build.

Not a test module itself (pytest collects test_*.py only); used by tests/test_prognose_scenarios.py
and by benchmarks/prognose_scenarios.py (the before/after table).

The demo's raw files are written once (`data_sources.demo.write`, seed and peildatum fixed below);
each situation copies the jeugd files, changes the year `JAAR` as a controller would have seen it
happen, and builds a warehouse with the jeugd sources only (the forecast reads nothing else):

- `geen`: nothing changed;
- `late_aanbieder`: the aanbieder with the most declared in `JAAR` submits every line for a month
  of care in `JAAR` four months later than it did (lines that would then arrive after the
  peildatum are not in the export);
- `tarief`: tariffs +10% for care from 1 July of `JAAR`: toewijzingen starting on or after that day
  carry the new tarief, and every declaration line for a month of care from July on is 10% higher
  (the years after too: a tariff does not go back down);
- `instroom`: 20% more new trajecten in the second half of `JAAR`: a fifth of the clients whose
  first toewijzing starts then are duplicated (new ids), with all their toewijzingen and lines.

Only files are changed, never the loaders: the situation goes through the real build.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zlib
from pathlib import Path

import polars as pl

SEED = 193
SCALE = 1.0
PEILDATUM = dt.date(2026, 12, 1)
JAAR = 2024
SCENARIOS = ("geen", "late_aanbieder", "tarief", "instroom")
LABELS = {
    "geen": "niets (uitgangssituatie)",
    "late_aanbieder": "grootste aanbieder declareert 4 maanden later",
    "tarief": "tarieven +10% vanaf 1 juli",
    "instroom": "20% meer nieuwe trajecten in het tweede halfjaar",
}
LATE_MONTHS = 4
TARIEF_STAP = 0.10
TARIEF_VANAF = dt.date(JAAR, 7, 1)
# When the tariff change was decided: a month before it starts, as a gemeente announces it.
TARIEF_BEKEND_OP = dt.date(JAAR, 6, 1)
INSTROOM_EXTRA = 0.20
JEUGD_KEYS = ("jeugd_toewijzingen", "jeugd_declaraties", "jeugd_begroting")


def write_demo(out: Path) -> Path:
    """The demo raw files (every source, real formats) under `out`; returns inputs.toml."""
    from data_sources import demo

    return demo.write(out, seed=SEED, scale=SCALE, peildatum=PEILDATUM, progress=lambda message: None)


def _read(path: Path) -> pl.DataFrame:
    # Every column as text, so unchanged cells are written back byte for byte.
    return pl.read_csv(path, infer_schema=False)


def _jeugd_files(raw: Path) -> tuple[Path, list[Path], Path]:
    jeugd = raw / "jeugd"
    return jeugd / "toewijzingen.csv", sorted(jeugd.glob("declaraties_*.csv")), jeugd / "begroting.csv"


def biggest_aanbieder(raw: Path, jaar: int = JAAR) -> tuple[str, str]:
    """(agb, naam) of the aanbieder with the largest declared amount for months of care in `jaar`."""
    toew, decl_files, _ = _jeugd_files(raw)
    t = _read(toew).select("toewijzing_id", "aanbieder_agb", "aanbieder_naam")
    d = pl.concat([_read(f) for f in decl_files]).filter(pl.col("maand").str.starts_with(str(jaar)) & (pl.col("status") != "afgekeurd"))
    top = (
        d.join(t, on="toewijzing_id")
        .group_by("aanbieder_agb", "aanbieder_naam")
        .agg(pl.col("bedrag").cast(pl.Float64).sum())
        .sort("bedrag", descending=True)
        .row(0)
    )
    return top[0], top[1]


def _late(t: pl.DataFrame, d: pl.DataFrame, raw: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    agb, _ = biggest_aanbieder(raw)
    ids = t.filter(pl.col("aanbieder_agb") == agb)["toewijzing_id"]
    moved = pl.col("toewijzing_id").is_in(ids.implode()) & pl.col("maand").str.starts_with(str(JAAR))
    ingediend = pl.col("ingediend_op").str.to_date()
    d = d.with_columns(
        ingediend_op=pl.when(moved).then(ingediend.dt.offset_by(f"{LATE_MONTHS}mo")).otherwise(ingediend)
    ).filter(pl.col("ingediend_op") <= PEILDATUM)
    return t, d.with_columns(pl.col("ingediend_op").dt.to_string("%Y-%m-%d"))


def _money(expr: pl.Expr) -> pl.Expr:
    """Euro text -> whole cents, so a 10% increase is rounded once, to the cent."""
    return (expr.cast(pl.Float64) * 100).round().cast(pl.Int64)


def _cents_to_text(expr: pl.Expr) -> pl.Expr:
    # Amounts with two decimals, as the export writes them (also -0.50 and 12.00).
    cents = expr.abs()
    sign = pl.when(expr < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, (cents // 100).cast(pl.String), pl.lit("."), (cents % 100).cast(pl.String).str.zfill(2))


def _tarief(t: pl.DataFrame, d: pl.DataFrame, raw: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    new = pl.col("begindatum").str.to_date() >= TARIEF_VANAF
    t = t.with_columns(
        tarief=pl.when(new).then(_cents_to_text((_money(pl.col("tarief")) * (1 + TARIEF_STAP)).round().cast(pl.Int64))).otherwise(pl.col("tarief"))
    )
    later = pl.col("maand").str.slice(0, 7) >= TARIEF_VANAF.strftime("%Y-%m")
    d = d.with_columns(
        bedrag=pl.when(later).then(_cents_to_text((_money(pl.col("bedrag")) * (1 + TARIEF_STAP)).round().cast(pl.Int64))).otherwise(pl.col("bedrag"))
    )
    return t, d


def _instroom(t: pl.DataFrame, d: pl.DataFrame, raw: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    first = t.group_by("client_id").agg(start=pl.col("begindatum").str.to_date().min())
    h2 = first.filter(pl.col("start").is_between(dt.date(JAAR, 7, 1), dt.date(JAAR, 12, 31)))
    # A fixed fifth of them: a checksum of the client id, the same on every machine.
    chosen = [c for c in h2["client_id"].sort().to_list() if zlib.crc32(c.encode()) % 1000 < INSTROOM_EXTRA * 1000]
    extra_t = t.filter(pl.col("client_id").is_in(chosen)).with_columns(
        client_id=pl.lit("9") + pl.col("client_id"), toewijzing_id=pl.lit("TX") + pl.col("toewijzing_id").str.slice(2)
    )
    extra_d = d.filter(pl.col("toewijzing_id").is_in(t.filter(pl.col("client_id").is_in(chosen))["toewijzing_id"].implode())).with_columns(
        toewijzing_id=pl.lit("TX") + pl.col("toewijzing_id").str.slice(2), declaratie_id=pl.lit("DX") + pl.col("declaratie_id").str.slice(1)
    )
    return pl.concat([t, extra_t]), pl.concat([d, extra_d])


_CHANGES = {"late_aanbieder": _late, "tarief": _tarief, "instroom": _instroom}


def make(raw: Path, scenario: str, out: Path) -> Path:
    """Copy the jeugd files of `raw` to `out` with `scenario` applied; returns out/inputs.toml."""
    if scenario not in SCENARIOS:
        raise ValueError(f"onbekende situatie {scenario!r}; kies uit {SCENARIOS}")
    from data_sources import demo

    toew, decl_files, begroting = _jeugd_files(raw)
    (out / "jeugd").mkdir(parents=True, exist_ok=True)
    shutil.copy(begroting, out / "jeugd" / begroting.name)
    t = _read(toew)
    parts = [_read(f) for f in decl_files]
    d = pl.concat(parts)
    if scenario in _CHANGES:
        t, d = _CHANGES[scenario](t, d, raw)
    t.write_csv(out / "jeugd" / toew.name)
    names = []
    for (jaar,), part in d.sort("maand", "declaratie_id").group_by(pl.col("maand").str.slice(0, 4), maintain_order=True):
        name = f"jeugd/declaraties_{jaar}.csv"
        part.write_csv(out / name)
        names.append(name)
    files = {"jeugd_toewijzingen": ["jeugd/toewijzingen.csv"], "jeugd_declaraties": names, "jeugd_begroting": ["jeugd/begroting.csv"]}
    path = out / "inputs.toml"
    path.write_text(demo.inputs_toml(files, PEILDATUM, SEED, SCALE), encoding="utf-8")
    return path


def build(inputs_toml: Path, db: Path) -> Path:
    """The warehouse of one situation, through the real loaders and build."""
    from data_sources import inputs
    from data_sources.build import build as build_warehouse

    # Only the loaded tables are read (prognose.load): the forecast the build stores is not needed.
    build_warehouse(inputs.load(inputs_toml), db, progress=lambda message: None, derive=False)
    return db


def tariefwijzigingen(scenario: str, settings: pl.DataFrame | None = None) -> pl.DataFrame | None:
    """The tariff changes the forecast is told of: the gemeente's settings from the warehouse
    (`settings`, as prognose.load gives them) plus, in the tariff situation, the change of 1 July,
    decided a month before. None when there are none."""
    frames = [settings] if settings is not None else []
    if scenario == "tarief":
        frames.append(pl.DataFrame({"ingangsdatum": [TARIEF_VANAF], "indexatie": [TARIEF_STAP], "bekend_op": [TARIEF_BEKEND_OP]}))
    if not frames:
        return None
    return pl.concat([f.select(pl.col("ingangsdatum").cast(pl.Date), pl.col("indexatie").cast(pl.Float64), pl.col("bekend_op").cast(pl.Date)) for f in frames])
