"""The one way data leaves polars for Streamlit and Altair: as a pyarrow Table built from plain
Python values, so that no conversion asks the polars thread pool for anything.

Why. One Streamlit server runs every session's script in its own thread. Handed a polars frame,
Streamlit and Altair convert it themselves (`DataFrame.to_pandas`, `to_arrow`), and some polars
conversions hold the GIL while they wait for polars' shared thread pool. If any task in that pool
needs the GIL (a Python callback such as `map_elements`, from another session), the two wait for
each other and the whole server hangs: pola-rs/polars issues 27396, 26821 and 19382. The app
therefore (1) never runs Python callbacks inside polars (tests/test_concurrency.py checks the
source), and (2) hands Streamlit and Altair only what this module makes. See docs/concurrency.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pyarrow as pa

_TYPES = {
    pl.String: pa.string(),
    pl.Boolean: pa.bool_(),
    pl.Date: pa.date32(),
    pl.Int8: pa.int64(),
    pl.Int16: pa.int64(),
    pl.Int32: pa.int64(),
    pl.Int64: pa.int64(),
    pl.UInt8: pa.int64(),
    pl.UInt16: pa.int64(),
    pl.UInt32: pa.int64(),
    pl.UInt64: pa.int64(),
    pl.Float32: pa.float64(),
    pl.Float64: pa.float64(),
}


def _arrow_type(dtype: pl.DataType) -> pa.DataType | None:
    if isinstance(dtype, pl.Datetime):
        return pa.timestamp("us")
    return _TYPES.get(dtype.base_type())


def arrow(frame: pl.DataFrame) -> pa.Table:
    """The frame as a pyarrow Table, column by column through Python lists (no polars pool)."""
    columns = {}
    for name, dtype in frame.schema.items():
        values = frame.get_column(name).to_list()
        if isinstance(dtype, pl.Datetime):
            values = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in values]
        columns[name] = pa.array(values, type=_arrow_type(dtype))
    return pa.table(columns) if columns else pa.table({})


def column(frame: pl.DataFrame, name: str, source: str | list[str], fn) -> pl.DataFrame:
    """`frame` with text column `name` = fn(value) of column `source`, null where the value is
    null; or fn(*values) of several columns, nulls passed on. Computed in Python outside polars:
    the safe stand-in for `map_elements` (see above)."""
    if isinstance(source, str):
        texts = [None if v is None else fn(v) for v in frame.get_column(source).to_list()]
    else:
        texts = [fn(*vals) for vals in zip(*(frame.get_column(s).to_list() for s in source))]
    return frame.with_columns(pl.Series(name, texts, dtype=pl.String))
