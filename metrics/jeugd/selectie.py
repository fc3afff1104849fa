"""The forecast's raw results per selection, made once: for the metric `prognose`, the forecast per
month (`jeugd.prognose_detail`), its backtest and the late-aanbieder signal alike.

A selection is what the forecast is made on: the toewijzingen of some productcategorieën,
aanbieders and wijken (None: no filter). Everything here is the model's exact output for that
selection, before disclosure control: callers protect it for the user's scope
(metrics.jeugd.jeugdzorg) exactly as before.

Where the results come from, cheapest first:

1. this process's cache (per build, selection and year);
2. the warehouse: the build computes the selection without filters (the gemeente as a whole,
   the default view of the Jeugd page) for every year, with its backtest and signal, and stores it
   in `jeugd_prognose_vooraf` (`tables`, `_stored`), so no server has to, and a fresh one answers
   at once;
3. the model (metrics.jeugd.prognose), made on the selection's inputs, used for every result
   asked of it while it lives. A national-scale model holds gigabytes: one is made at a time
   (other sessions wait for it rather than make their own) and it is let go of once its usual
   results are in (the year asked, the year before, the backtest, the signal).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import polars as pl

from metrics.jeugd import prognose

if TYPE_CHECKING:
    from metrics.engine import Engine

TABLE = "jeugd_prognose_vooraf"  # precomputed by the build (data_sources/WAREHOUSE.md)
CHECKPOINTS = (3, 6, 9)  # months at whose end the backtest makes the forecast again
MAX_ENTRIES = 32


@dataclass(frozen=True)
class Selectie:
    """The toewijzingen a forecast is made on; None means no filter. Values sorted, so equal
    selections are one cache entry."""

    productcategorie: tuple[str, ...] | None = None
    aanbieder_agb: tuple[str, ...] | None = None
    wijk_code: tuple[str, ...] | None = None

    @classmethod
    def of(cls, productcategorie=None, aanbieder_agb=None, wijk_code=None) -> Selectie:
        norm = lambda v: None if v is None else tuple(sorted(str(x) for x in v))  # noqa: E731
        return cls(norm(productcategorie), norm(aanbieder_agb), norm(wijk_code))

    @property
    def alles(self) -> bool:
        return self.productcategorie is None and self.aanbieder_agb is None and self.wijk_code is None


@dataclass
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    years: tuple[int, ...] | None = None
    forecasts: dict[int, prognose.Forecast | None] = field(default_factory=dict)  # None: too little history
    backtest: pl.DataFrame | None = None
    late: pl.DataFrame | None = None
    model: Any = None
    stored_checked: bool = False


_ENTRIES: OrderedDict[tuple, _Entry] = OrderedDict()
_ENTRIES_LOCK = threading.Lock()
# One model at a time in the whole process: a model of millions of declarations takes both cores
# and gigabytes; a second one at the same time would only double the memory, not the speed.
_MODEL_LOCK = threading.Lock()


def _entry(engine: Engine, sel: Selectie) -> _Entry:
    key = (engine.info.build_id, engine.info.peildatum, sel)
    with _ENTRIES_LOCK:
        entry = _ENTRIES.get(key)
        if entry is None:
            entry = _ENTRIES[key] = _Entry()
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)
        return entry


def clear() -> None:
    """Forget every result (tests that compare a live computation with a stored one)."""
    with _ENTRIES_LOCK:
        _ENTRIES.clear()


# --- the three results ----------------------------------------------------------------------


def forecast(engine: Engine, sel: Selectie, year: int) -> prognose.Forecast | None:
    """The forecast of `year` at the build's peildatum for the selection (None: too little history)."""
    entry = _entry(engine, sel)
    with entry.lock:
        _from_store(engine, sel, entry)
        if year not in entry.forecasts:
            _with_model(engine, sel, entry, lambda m: _forecast(m, entry, year, engine.info.peildatum))
            _release_when_done(entry, engine.info.peildatum, year)
        return entry.forecasts[year]


def backtest(engine: Engine, sel: Selectie) -> pl.DataFrame:
    """The backtest of the selection: every complete earlier year, made again at the end of
    March, June and September (prognose.backtest)."""
    entry = _entry(engine, sel)
    with entry.lock:
        _from_store(engine, sel, entry)
        if entry.backtest is None:
            peil = engine.info.peildatum
            entry.backtest = _with_model(engine, sel, entry, lambda m: prognose.backtest_on(m, checkpoints=CHECKPOINTS, peildatum=peil))
            _release_when_done(entry, peil, peil.year)
        return entry.backtest


def late(engine: Engine, sel: Selectie) -> pl.DataFrame:
    """The late-aanbieder signal at the build's peildatum, with its Dutch lines (prognose.late_aanbieders)."""
    entry = _entry(engine, sel)
    with entry.lock:
        _from_store(engine, sel, entry)
        if entry.late is None:
            peil = engine.info.peildatum
            entry.late = _with_model(engine, sel, entry, lambda m: prognose.late_on(m, peil))
            _release_when_done(entry, peil, peil.year)
        return entry.late


def years(engine: Engine, sel: Selectie) -> tuple[int, ...]:
    """The years with months of care in the selection's declarations."""
    entry = _entry(engine, sel)
    with entry.lock:
        _from_store(engine, sel, entry)
        if entry.years is None:
            entry.years = _with_model(engine, sel, entry, lambda m: tuple(m.years()))
        return entry.years


def prepare(engine: Engine, sel: Selectie) -> None:
    """Make for the selection what the build makes for the gemeente (`tables`), which is what a
    first Kompas or Jeugd page asks of it: the forecast of every year up to the peildatum's (a
    trend per year), the late-aanbieder signal and the backtest; the model is let go of after."""
    peildatum = engine.info.peildatum
    for year in sorted((y for y in years(engine, sel) if y <= peildatum.year), reverse=True):
        forecast(engine, sel, year)  # the current year first: its state serves the others
    late(engine, sel)
    backtest(engine, sel)


def _forecast(model, entry: _Entry, year: int, peildatum: dt.date) -> None:
    try:
        entry.forecasts[year] = prognose.forecast_on(model, year, peildatum)
    except prognose.InsufficientHistory:
        entry.forecasts[year] = None


def _with_model(engine: Engine, sel: Selectie, entry: _Entry, use):
    """Run `use(model)` on the selection's model, made when the entry has none."""
    with _MODEL_LOCK:
        if entry.model is None:
            with _ENTRIES_LOCK:  # the model of another selection goes first: one in memory at a time
                for other in _ENTRIES.values():
                    other.model = None
            entry.model = prognose.model_of(_inputs(engine, sel))
            if entry.years is None:
                entry.years = tuple(entry.model.years())
        return use(entry.model)


def _release_when_done(entry: _Entry, peildatum: dt.date, year: int) -> None:
    """Let go of the model once what a page asks of a selection is in: this year's forecast (or
    the one asked), the year before, the backtest and the signal."""
    wanted = {year, year - 1} & set(entry.years or ())
    if entry.backtest is not None and entry.late is not None and wanted <= set(entry.forecasts):
        entry.model = None


def _inputs(engine: Engine, sel: Selectie) -> prognose.Inputs:
    cursor = engine.warehouse.cursor()
    try:
        return prognose.load(
            cursor,
            engine.info.peildatum,
            productcategorie=sel.productcategorie,
            aanbieder_agb=sel.aanbieder_agb,
            wijk_code=sel.wijk_code,
        )
    finally:
        cursor.close()


# --- precomputed by the build ------------------------------------------------------------------


def tables(cursor, peildatum: dt.date, available: set[str] | frozenset[str], progress=lambda message: None) -> dict[str, pl.DataFrame]:
    """The build's part (data_sources.build, after the tables are written): the forecast of the
    gemeente as a whole for every year up to the peildatum's, its backtest and the late-aanbieder
    signal, made once on one model and stored as `jeugd_prognose_vooraf` (onderdeel, jaar, deel,
    meta JSON, data: an Arrow IPC frame). Nothing when the jeugd tables are not loaded or there is
    too little history."""
    if not {"jeugd_toewijzingen", "jeugd_declaraties"} <= set(available):
        return {}
    t0 = time.perf_counter()
    model = prognose.model_of(prognose.load(cursor, peildatum))
    rows: list[tuple[str, int | None, str, str | None, bytes | None]] = []
    years = [y for y in model.years() if y <= peildatum.year]
    rows.append(("jaren", None, "meta", json.dumps(list(model.years())), None))
    made = 0
    for year in reversed(years):  # the current year first: its state serves the others
        try:
            fc = prognose.forecast_on(model, year, peildatum)
        except prognose.InsufficientHistory:
            rows.append(("prognose", year, "meta", json.dumps(None), None))
            continue
        rows += [("prognose", year, name, meta, data) for name, meta, data in _encode_forecast(fc)]
        made += 1
    rows.append(("backtest", None, "frame", None, _ipc(prognose.backtest_on(model, checkpoints=CHECKPOINTS, peildatum=peildatum))))
    rows.append(("laat", None, "frame", None, _ipc(prognose.late_on(model, peildatum))))
    frame = pl.DataFrame(rows, schema={"onderdeel": pl.String, "jaar": pl.Int32, "deel": pl.String, "meta": pl.String, "data": pl.Binary}, orient="row")
    progress(f"  prognose vooraf (gemeente, {made} jaren, backtest, late aanbieders): {time.perf_counter() - t0:.1f} s")
    return {TABLE: frame}


def _from_store(engine: Engine, sel: Selectie, entry: _Entry) -> None:
    """Fill the entry of the selection without filters from the build's table, once."""
    if entry.stored_checked:
        return
    entry.stored_checked = True
    if not sel.alles or TABLE not in engine.info.tables:
        return
    stored = engine.run_sql(f"SELECT onderdeel, jaar, deel, meta, data FROM {TABLE}", {})
    per_year: dict[int, dict[str, tuple[str | None, bytes | None]]] = {}
    for onderdeel, jaar, deel, meta, data in stored.iter_rows():
        if onderdeel == "jaren":
            entry.years = tuple(json.loads(meta))
        elif onderdeel == "backtest":
            entry.backtest = _frame(data)
        elif onderdeel == "laat":
            entry.late = _frame(data)
        elif onderdeel == "prognose":
            per_year.setdefault(jaar, {})[deel] = (meta, data)
    for year, parts in per_year.items():
        entry.forecasts[year] = _decode_forecast(parts)


# --- a Forecast as rows of a table, and back ---------------------------------------------------

_FRAMES = ("months", "late", "backtest", "price_level", "tarieven")
_PARTS = ("known", "new", "curves", "starts")


def _ipc(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")
    return buffer.getvalue()


def _frame(data: bytes) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(data))


def _encode_forecast(fc: prognose.Forecast) -> list[tuple[str, str | None, bytes | None]]:
    scalars = {f.name: getattr(fc, f.name) for f in fields(fc) if f.name not in (*_FRAMES, "completion", "tarief_check", "parts")}
    scalars["peildatum"] = fc.peildatum.isoformat()
    scalars["completion"] = {"peildatum": fc.completion.peildatum.isoformat(), "shares": list(fc.completion.shares), "reference_months": fc.completion.reference_months}
    scalars["tarief_check"] = [fc.tarief_check.trusted, fc.tarief_check.reason]
    out = [("meta", json.dumps(scalars), None)]
    out += [(name, None, _ipc(getattr(fc, name))) for name in _FRAMES]
    out += [(f"parts.{name}", None, _ipc(getattr(fc.parts, name))) for name in _PARTS]
    return out


def _decode_forecast(parts: dict[str, tuple[str | None, bytes | None]]) -> prognose.Forecast | None:
    scalars = json.loads(parts["meta"][0])
    if scalars is None:
        return None
    completion = scalars.pop("completion")
    trusted, reason = scalars.pop("tarief_check")
    scalars["peildatum"] = dt.date.fromisoformat(scalars["peildatum"])
    return prognose.Forecast(
        **scalars,
        completion=prognose.CompletionFactors(dt.date.fromisoformat(completion["peildatum"]), tuple(completion["shares"]), completion["reference_months"]),
        tarief_check=prognose.TariefCheck(trusted, reason),
        parts=prognose._Parts(*(_frame(parts[f"parts.{name}"][1]) for name in _PARTS)),
        **{name: _frame(parts[name][1]) for name in _FRAMES},
    )
