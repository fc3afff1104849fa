"""Shared steps of the loaders for the municipal CSV formats (FORMATS.md): jeugd, projecten, meldingen.

Each loader hands `load` its Schema and its own row checks: every file is read (`read`), rewritten
where the format allows more than the Schema types (codes, date-times), typed (`typed`), then the
row checks run through `report`, which names file, line, column and value. Frames carry two
helper columns, `__file` and `__line`, until the loader selects the warehouse columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

import polars as pl

from data_sources.privacy import ENV_KEY, SECRETS_FILE, configured_key, personal_columns
from data_sources.problems import MAX_PER_FILE, Problems
from data_sources.readers import read_csv_strings
from data_sources.schema import Schema, unique_by_order
from data_sources.source import Context

FIRST_LINE = 2  # one header line
KEY_HINT = (
    f"stel een vaste sleutel in (omgevingsvariabele {ENV_KEY}, of pseudo_key onder [privacy] in "
    f"{SECRETS_FILE.as_posix()}) of lever het bestand zonder deze kolom"
)


def key_configured(ctx: Context) -> bool:
    # The build makes a pseudonymiser only when jeugd files are loaded; other sources ask directly.
    if ctx.pseudonymiser is not None:
        return bool(ctx.pseudonymiser.configured)
    return configured_key() is not None


def read(path: Path, ctx: Context) -> pl.DataFrame | None:
    """The file as strings, or None when unreadable or refused for carrying personal data."""
    raw = read_csv_strings(path, ctx.problems)
    if raw is None:
        return None
    personal = personal_columns(raw.columns)
    if personal and not key_configured(ctx):
        for column in personal:
            ctx.problems.add(
                path,
                "bestand bevat persoonsgegevens en wordt zonder vaste pseudonimiseringssleutel geweigerd",
                line=1,
                column=column,
                expected=KEY_HINT,
            )
        return None
    return raw


def typed(raw: pl.DataFrame, schema: Schema, path: Path, problems: Problems) -> pl.DataFrame | None:
    """`schema.coerce` without the personal columns, plus `__file` and `__line`; None when columns are missing."""
    raw = raw.drop(personal_columns(raw.columns))
    before = len(problems)
    out = schema.coerce(raw, str(path), problems, first_line=FIRST_LINE)
    if out.height == 0 and raw.height > 0 and len(problems) > before:
        return None  # required columns missing: the rows cannot be checked further
    # The file as a categorical: one string per file, not one per row (millions of rows).
    return out.with_row_index("__line", offset=FIRST_LINE).with_columns(
        pl.col("__line").cast(pl.Int64), pl.lit(str(path)).cast(pl.Categorical).alias("__file")
    )


def read_typed(
    path: Path,
    ctx: Context,
    schema: Schema,
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> pl.DataFrame | None:
    """`read` then `typed`; `prepare` first rewrites strings the format allows but the schema cannot type."""
    raw = read(path, ctx)
    if raw is None:
        return None
    if prepare is not None:
        raw = prepare(raw)
    return typed(raw, schema, path, ctx.problems)


def load(
    files: Sequence[Path],
    ctx: Context,
    schema: Schema,
    check_rows: Callable[[pl.DataFrame, Context], None],
    read_file: Callable[[Path, Context], pl.DataFrame | None] | None = None,
) -> pl.DataFrame | None:
    """Every file read and typed, then the loader's row checks and its key across files; None when no file could be read.

    `read_file` replaces `read_typed` for a loader that derives columns per file.
    """
    read_file = read_file or partial(read_typed, schema=schema)
    frame = concat(read_file(Path(f), ctx) for f in files)
    if frame is None:
        return None
    check_rows(frame, ctx)
    duplicates_across_files(frame, schema.key, ctx.problems)
    return frame


def normalise(raw: pl.DataFrame, column: str, lookup: dict[str, str]) -> pl.DataFrame:
    """Replace codes and label spellings by the label; unknown values stay as found for the message."""
    if column not in raw.columns:
        return raw
    key = pl.col(column).str.strip_chars().str.to_lowercase()
    return raw.with_columns(key.replace_strict(lookup, default=pl.col(column), return_dtype=pl.String).alias(column))


def report(
    problems: Problems,
    frame: pl.DataFrame,
    mask: pl.Series | pl.Expr,
    column: str,
    message: str,
    expected: str,
) -> int:
    """One problem per failing row (at most MAX_PER_FILE per file), then one with the count."""
    if isinstance(mask, pl.Expr):
        mask = frame.select(mask.fill_null(False)).to_series()
    if not mask.any():
        return 0  # the usual case: no row to read again
    bad = frame.filter(mask)
    for (file,), rows in bad.group_by("__file", maintain_order=True):
        for line, value in rows.select("__line", pl.col(column).cast(pl.String)).head(MAX_PER_FILE).iter_rows():
            problems.add(file, message, line=line, column=column, value="" if value is None else value, expected=expected)
        if rows.height > MAX_PER_FILE:
            problems.add(file, f"nog meer regels: {message}", column=column, count=rows.height - MAX_PER_FILE)
    return bad.height


def with_wijk(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Add wijk_code for buurt_code; unknown buurt codes are problems.

    With the CBS indeling loaded (cbs_regios) a code must be one of its buurten. Without it the
    code must at least belong to the build gemeente; the wijk then follows the CBS code structure
    (BU gggg ww bb -> WK gggg ww), which holds for every gemeente.
    """
    if ctx.regios is not None:
        known = ctx.regios["buurten"].select("buurt_code", "wijk_code")
        # A lookup of one column, not a join: a join copies every column of millions of rows.
        wijk = pl.col("buurt_code").replace_strict(known["buurt_code"], known["wijk_code"], default=None, return_dtype=pl.String)
        out = frame.with_columns(wijk.alias("wijk_code"))
        report(
            ctx.problems,
            out,
            pl.col("buurt_code").is_not_null() & pl.col("wijk_code").is_null(),
            "buurt_code",
            "onbekende buurtcode",
            f"een buurtcode van {ctx.gemeente} uit de CBS-wijk- en buurtindeling (cbs_regios)",
        )
        return out
    prefix = "BU" + ctx.gemeente[2:]
    report(
        ctx.problems,
        frame,
        pl.col("buurt_code").is_not_null() & ~pl.col("buurt_code").str.starts_with(prefix),
        "buurt_code",
        "buurtcode hoort niet bij deze gemeente",
        f"een buurtcode die begint met {prefix}",
    )
    return frame.with_columns(("WK" + pl.col("buurt_code").str.slice(2, 6)).alias("wijk_code"))


def concat(frames: Iterable[pl.DataFrame]) -> pl.DataFrame | None:
    frames = [f for f in frames if f is not None]
    # No rechunk: a copy of every column of millions of rows for nothing.
    return pl.concat(frames, how="vertical", rechunk=False) if frames else None


def duplicates_across_files(frame: pl.DataFrame, key: tuple[str, ...], problems: Problems) -> None:
    """A key in more than one file (within one file `Schema.coerce` already reports it)."""
    if frame["__file"].n_unique() < 2:
        return
    if len(key) == 1 and unique_by_order(frame[key[0]]):
        return  # files in key order, each in key order: no key can be in two of them
    # A key in two files is a duplicate in the whole frame; within one file Schema.coerce
    # reported it already. Only when there are duplicates at all are files counted per key.
    whole = pl.col(key[0]) if len(key) == 1 else pl.struct(list(key))
    if not frame.select(whole.is_duplicated().any()).item():
        return
    spread = pl.col("__file").n_unique().over(list(key)) > 1
    report(
        problems,
        frame.with_columns(pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator="/").alias("+".join(key))),
        spread,
        "+".join(key),
        "sleutel komt ook in een ander bestand voor",
        "elke sleutel in precies een bestand (lever bestanden die elkaar niet overlappen)",
    )
