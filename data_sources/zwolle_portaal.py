"""cijfersoverzwolle.nl "Thema's" exports per buurt -> `bevolking` (one file per year).

The portal (a Swing monitor) writes `;`-separated UTF-8 with a BOM. Headers carry units and
footnote markers ("inwoners op 1 januari [personen] (1)"), so columns are found by their label
with those stripped. The rows end at a metadata block (Speciale waarden, Bron, Voetnoot, Datum
export); `-` (niet van toepassing) and `.` (verborgen) are empty values. Buurten are named, not
coded: names go to CBS codes through `buurtnamen`. The year is only in the file name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from data_sources.buurtnamen import NameIndex, buurt_index, normalise
from data_sources.readers import BOM, CsvRows, check_csv_text, read_text, sniff_separator
from data_sources.schema import Column, DType, Schema
from data_sources.source import Check, Context, Source, Table

KEY = "zwolle_portaal"
TABLE = "bevolking"

# Warehouse column, the portal's label (units and footnote markers left out), type.
COLUMNS: tuple[tuple[str, str, DType], ...] = (
    ("woningen", "woningen", "int"),
    ("woonruimten", "woonruimten totaal", "int"),
    ("inwoners", "inwoners op 1 januari", "int"),
    ("inwoners_0_3", "inwoners in de leeftijd van 0-3 jaar", "int"),
    ("inwoners_4_11", "inwoners in de leeftijd van 4-11 jaar", "int"),
    ("inwoners_12_17", "inwoners in de leeftijd van 12-17 jaar", "int"),
    ("inwoners_18_24", "inwoners in de leeftijd van 18-24 jaar", "int"),
    ("inwoners_25_39", "inwoners in de leeftijd van 25-39 jaar", "int"),
    ("inwoners_40_54", "inwoners in de leeftijd van 40-54 jaar", "int"),
    ("inwoners_55_64", "inwoners in de leeftijd van 55-64 jaar", "int"),
    ("inwoners_65_74", "inwoners in de leeftijd van 65-74 jaar", "int"),
    ("inwoners_75_84", "inwoners in de leeftijd van 75-84 jaar", "int"),
    ("inwoners_85plus", "inwoners in de leeftijd van 85 jaar en ouder", "int"),
    ("inwoners_0_17", "inwoners in de leeftijd van 0-17 jaar", "int"),
    ("inwoners_18_64", "inwoners in de leeftijd van 18-64 jaar", "int"),
    ("inwoners_65plus", "inwoners in de leeftijd van 65 jaar en ouder", "int"),
    ("inkomen_huishouden", "gemiddeld gestandaardiseerd inkomen per huishouden", "float"),
    ("pct_minima", "% huishoudens onder 105% van sociaal minimum", "float"),
)
NAME_LABELS = ("Buurt-naam", "Buurt_naam")  # 2024 export; earlier exports as renamed by their user
BOUNDS = {"pct_minima": (0.0, 100.0)}  # counts and incomes: at least 0
SPECIAL_VALUES = {"-": "niet van toepassing", ".": "verborgen"}
PSEUDO_BUURTEN = ("Onbekend",)  # residents the portal cannot place in a buurt; not stored
FOOTER_LABELS = ("Speciale waarden", "Bron", "Voetnoot", "Datum export")
EXPORT_DATE_LABEL = "Datum export"
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
MAX_AGE_DAYS = 550  # a yearly export (1 January counts) is due by the spring of the year after

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "jaar": pl.Int64(),
    "buurt_code": pl.String(),
    **{name: (pl.Int64() if dtype == "int" else pl.Float64()) for name, _, dtype in COLUMNS},
}


def _label(header: str) -> str:
    """A header as compared: no BOM, units, footnote markers, case or separator differences."""
    text = re.sub(r"\[[^\]]*\]|\(\d+\)", " ", header.lstrip(BOM).lower())
    return " ".join(re.sub(r"[-_]", " ", text).split())


_BY_LABEL = {_label(label): (name, dtype) for name, label, dtype in COLUMNS}
_NAME_LABELS = {_label(label) for label in NAME_LABELS}
_FOOTER = {label.lower() for label in FOOTER_LABELS}
_PSEUDO = {normalise(n) for n in PSEUDO_BUURTEN}
_EXPECTED_THEME = f"de export Thema's per buurt van het thema bevolking, met de kolommen {NAME_LABELS[0]}, {COLUMNS[0][1]}, {COLUMNS[2][1]}, ..."


def _n(count: int | None) -> str:
    return f"{count or 0:,}".replace(",", ".")


def _year(path: Path, ctx: Context) -> int | None:
    years = set(YEAR_IN_NAME.findall(path.stem))
    if len(years) == 1:
        return int(years.pop())
    found = "geen jaartal" if not years else "meer dan een jaartal (" + ", ".join(sorted(years)) + ")"
    ctx.problems.add(path, f"bestandsnaam bevat {found}; het portaal zet het jaar niet in het bestand", value=path.name,
                     expected="een bestandsnaam met precies een jaartal, bijv. demographics-buurt-2024.csv")
    return None


def _split(text: str, path: Path, ctx: Context) -> tuple[list[str], list[list[str]], str | None] | None:
    """Header, the rows from line 2 up to the metadata block, and the export date; None when unusable."""
    sep = sniff_separator(text.split("\n", 1)[0])
    if not check_csv_text(path, text, sep, ctx.problems):
        return None
    parsed = CsvRows(path, text, sep, ctx.problems)
    records = iter(parsed)
    header = [h.strip() for h in next(records, (1, []))[1]]
    if not _columns_fit(header, sep, path, ctx):
        return None
    rows: list[list[str]] = []
    footer = False
    export_date = None
    line_num = 1
    for line_num, row in records:
        head = row[0].strip().lower() if row else ""
        footer = footer or head in _FOOTER
        if not footer:
            if row and len(row) != len(header) and any(v.strip() for v in row):
                ctx.problems.add(path, f"regel heeft {len(row)} velden, de kopregel {len(header)}", line=line_num, value=sep.join(row),
                                 expected=f"evenveel velden als de kopregel; is het bestand afgebroken, of staat er een extra '{sep}' in een naam?")
            rows.append((row + [""] * len(header))[: len(header)])
        elif head == EXPORT_DATE_LABEL.lower() and len(row) > 1:
            export_date = row[1].strip()
    if parsed.failed:
        return None  # reported by CsvRows
    if not footer:
        ctx.problems.add(path, "het voetblok van het portaal (Speciale waarden, Bron, Datum export) ontbreekt: het bestand lijkt afgebroken",
                         line=line_num, expected="een volledige export van cijfersoverzwolle.nl; exporteer opnieuw")
    return header, rows, export_date


def _columns_fit(header: list[str], sep: str, path: Path, ctx: Context) -> bool:
    """Whether the header is this theme's; each missing or renamed column is a problem."""
    labels = [_label(h) for h in header]
    has_name = bool(labels) and labels[0] in _NAME_LABELS
    if not any(lab in _BY_LABEL for lab in labels):
        shown = ", ".join(f"'{h}'" for h in header[:4])
        theme = "een ander thema van het portaal" if has_name else "geen buurtexport van het thema bevolking"
        ctx.problems.add(path, f"dit is {theme} (kolommen {shown}, ...; scheidingsteken '{sep}')", line=1,
                         expected=_EXPECTED_THEME)
        return False
    ok = has_name
    if not ok:
        ctx.problems.add(path, "de eerste kolom is niet de buurtnaam", line=1, column=header[0],
                         expected=f"eerste kolom '{NAME_LABELS[0]}' (of '{NAME_LABELS[1]}')")
    unknown = {lab: h for h, lab in zip(header[1:], labels[1:]) if lab not in _BY_LABEL}
    for _, label, _ in COLUMNS:
        if _label(label) in labels:
            continue
        close = difflib.get_close_matches(_label(label), list(unknown), n=1, cutoff=0.6)
        hint = f"; lijkt op '{unknown[close[0]]}': is die kolom hernoemd?" if close else ""
        ctx.problems.add(path, f"kolom '{label}' ontbreekt{hint}", line=1, expected=f"een kolom '{label}' (eenheid en voetnootteken erachter mogen)")
        ok = False
    return ok


def _typed(header: list[str], rows: list[list[str]], path: Path, ctx: Context) -> pl.DataFrame:
    """buurt_naam, the warehouse columns and __line; blank lines dropped, problems recorded."""
    # Columns keep the file's own header while checked, so problems name the column the user sees.
    raw = {header[0]: [r[0] for r in rows]}
    columns = [Column(header[0], "str", "buurtnaam", nullable=True)]
    targets = {header[0]: "buurt_naam"}
    for i, h in enumerate(header[1:], start=1):
        name, dtype = _BY_LABEL.get(_label(h), (None, None))
        if name is None or name in targets.values():
            continue
        values = [None if r[i].strip() in SPECIAL_VALUES else r[i] for r in rows]
        if dtype == "float":  # a comma inside a field can only be a decimal comma
            values = [None if v is None else v.replace(",", ".") for v in values]
        raw[h] = values
        low, high = BOUNDS.get(name, (0.0, None))
        columns.append(Column(h, dtype, name, nullable=True, min=low, max=high))
        targets[h] = name
    frame = pl.DataFrame(raw, schema={k: pl.String() for k in raw})
    typed = Schema(TABLE, tuple(columns)).coerce(frame, str(path), ctx.problems, first_line=2)
    typed = typed.rename(targets).with_row_index("__line", offset=2)
    values_given = pl.any_horizontal(pl.col(n).is_not_null() for n in targets.values() if n != "buurt_naam")
    for line in typed.filter(pl.col("buurt_naam").is_null() & values_given)["__line"]:
        ctx.problems.add(path, "regel heeft cijfers maar geen buurtnaam", line=line, column=header[0], expected="de naam van de buurt in de eerste kolom")
    return typed.filter(pl.col("buurt_naam").is_not_null())


def _read_file(path: Path, ctx: Context, index: NameIndex | None) -> pl.DataFrame | None:
    year = _year(path, ctx)
    text = read_text(path, ctx.problems)
    split = None if text is None else _split(text, path, ctx)
    if split is None:
        return None
    header, rows, export_date = split
    typed = _typed(header, rows, path, ctx)
    if typed.height == 0:
        ctx.problems.add(path, "geen buurten gevonden tussen de kopregel en het voetblok", line=2, expected="een regel per buurt")
        return None
    pseudo = pl.Series([normalise(n) in _PSEUDO for n in typed["buurt_naam"]])
    outside, typed = typed.filter(pseudo), typed.filter(~pseudo)
    ctx.progress(
        f"    {path.name}: jaar {year}, {typed.height} buurten, {_n(typed['inwoners'].sum())} inwoners; "
        f"niet in een buurt (Onbekend): {_n(outside['inwoners'].sum())}; export {export_date or 'zonder datum'}"
    )
    if index is None or year is None:
        return None
    codes: list[str | None] = []
    first_line: dict[str, int] = {}
    for line, name in zip(typed["__line"], typed["buurt_naam"]):
        code = index.code(name)
        if code is None:
            index.report_unknown(ctx.problems, str(path), name, source_key=KEY, line=line, column=header[0])
        elif code in first_line:
            ctx.problems.add(path, f"buurt {code} ({index.names[code]}) staat er meer dan eens in, ook op regel {first_line[code]}", line=line,
                             column=header[0], value=name, expected="een regel per buurt")
        else:
            first_line[code] = line
        codes.append(code)
    out = typed.with_columns(buurt_code=pl.Series(codes, dtype=pl.String()), jaar=pl.lit(year, dtype=pl.Int64()))
    return out.filter(pl.col("buurt_code").is_not_null()).select(list(OUTPUT_SCHEMA))


def read(files: Sequence[Path], ctx: Context) -> dict[str, pl.DataFrame]:
    index = buurt_index(ctx, KEY, files[0]) if files else None
    frames: list[pl.DataFrame] = []
    years: dict[int, Path] = {}
    for path in files:
        frame = _read_file(path, ctx, index)
        if frame is None or frame.height == 0:
            continue
        year = int(frame["jaar"][0])
        if year in years:
            ctx.problems.add(path, f"jaar {year} staat ook in {years[year].name}", value=path.name, expected="een bestand per jaar")
            continue
        years[year] = path
        frames.append(frame)
    table = pl.concat(frames) if frames else pl.DataFrame(schema=OUTPUT_SCHEMA)
    return {TABLE: table.cast(OUTPUT_SCHEMA).sort("jaar", "buurt_code")}


SOURCE = Source(
    key=KEY,
    title="Bevolking en woningen per buurt (cijfersoverzwolle.nl)",
    description=(
        "Inwoners op 1 januari naar leeftijdsgroep, woningen, woonruimten, inkomen en minima per buurt, per jaar; "
        "exports 'Thema's – Buurten' van cijfersoverzwolle.nl, buurtnamen gekoppeld aan CBS-buurtcodes."
    ),
    publisher="Gemeente Zwolle (cijfersoverzwolle.nl)",
    owner="Onderzoek & Statistiek, gemeente Zwolle",
    steward="Databrigade",
    licence="niet vermeld in de export (openbare cijfers van cijfersoverzwolle.nl)",
    refresh="jaarlijks",
    personal_data=False,
    tables=(Table(TABLE, ("jaar", "buurt_code"), "Een buurt in een jaar: inwoners (naar leeftijd) en woningen op 1 januari."),),
    read=read,
    needs=("cbs_regios",),
    checks=(
        Check(TABLE, "completeness", "Elke buurt heeft een aantal inwoners", column="inwoners", threshold=0.99),
        Check(TABLE, "completeness", "Elke buurt heeft een aantal woningen", column="woningen", threshold=0.99),
        Check(TABLE, "freshness", "De nieuwste export is hooguit anderhalf jaar oud", column="jaar", threshold=MAX_AGE_DAYS),
    ),
    max_age_days=MAX_AGE_DAYS,
)
