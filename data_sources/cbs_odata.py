"""Reading CBS OData exports: the part every CBS and Politie loader shares.

CBS tables reach a municipality in several shapes, each written by a real tool:
- cbsodataR CSV: a leading unnamed row-id column, every dimension key beside a `<Dim>_label`
  column, `Perioden_Date/_freq/_label`, topic columns such as `GeregistreerdeMisdrijven_1`;
- the OData TypedDataSet as JSON (`{"odata.metadata": ..., "value": [...]}`, or a bare list);
- the TypedDataSet as plain CSV (`;` or `,`), as the bulk feed and many scripts write it;
- Python `cbsodata` output, where dimension columns hold the Title instead of the key.
Metadata listed beside the data (DataProperties, TableInfos, dimension files) is recognised by
its columns, never by its file name. Keys lose their CBS space padding. Topic columns are found
by their key without the positional `_N` suffix, which differs between table versions.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_sources.problems import MAX_PER_FILE, Problems
from data_sources.readers import BOM, CsvRows, check_csv_text, read_csv_strings, read_json, read_text, sniff_separator
from data_sources.source import Check, Context

LINE = "__line"
FILE = "__file"
LABEL = "__label"

# What CBS and its clients write for a figure that is secret, unknown or not applicable.
MISSING = ("", ".", "NA")
MISSING_HINT = "'.' of leeg als het cijfer geheim of onbekend is"
# Columns that only number the rows: cbsodataR/pandas row ids and the OData ID.
ROW_ID_COLUMNS = ("", "ID", "Unnamed: 0")
# Columns cbsodataR adds beside a dimension; they repeat what the key says.
DERIVED_SUFFIXES = ("_label", "_Date", "_freq")

PERIOD_CODE = re.compile(r"\d{4}(?:JJ00|MM(?:0[1-9]|1[0-2])|KW0[1-4])")
PERIOD_HINT = "een CBS-periodecode: 2023JJ00 (jaar), 2023MM01 (maand 01-12) of 2023KW01 (kwartaal 01-04)"
# CBS region codes: land, gemeente, wijk (gemeente + 2), buurt (wijk + 2), and the two-digit codes
# of larger regions (landsdeel LD, provincie PV, ...), which no loader keeps. Wijk and buurt parts
# are not always digits: Amsterdam numbers its wijken WK0363AA, WK0363AB, ...
REGIO_CODE = re.compile(r"NL\d{2}|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4}|[A-Z]{2}\d{2}")
REGIO_HINT = "een CBS-regiocode: NL00, GM0193, WK019310 of BU01931000"
NIVEAU = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
# How the SoortRegio topic names the levels.
SOORT_REGIO = {"Land": "land", "Gemeente": "gemeente", "Wijk": "wijk", "Buurt": "buurt"}
# A category key as CBS writes them: 0.0.0, 1.4.5, E33, M061, A045364.
CATEGORY_KEY = re.compile(r"[0-9A-Z][0-9A-Z.]*")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
# Topics that name the region of a row; cbsodata output needs them to recover region keys.
GEMEENTENAAM, SOORTREGIO, CODERING = "Gemeentenaam", "SoortRegio", "Codering"



def base_name(key: str) -> str:
    """CBS topic key without its positional suffix: `AantalInwoners_5` -> `AantalInwoners`."""
    return re.sub(r"_\d+$", "", key)


@dataclass
class DataFile:
    path: Path
    frame: pl.DataFrame  # every column a string, plus LINE
    records: bool  # JSON: LINE counts records, not lines

    @property
    def header_line(self) -> int | None:
        return None if self.records else 1

    def add(self, problems: Problems, message: str, *, line: int | None = None, **kw) -> None:
        if self.records and line is not None:
            message, line = f"record {line}: {message}", None
        problems.add(self.path, message, line=line, **kw)


@dataclass
class Dimension:
    path: Path
    frame: pl.DataFrame  # Key and Title stripped, other columns as found, plus LINE
    kind: str  # "regio", "periode" or "categorie"


@dataclass
class Meta:
    path: Path
    frame: pl.DataFrame


@dataclass
class CbsFiles:
    data: list[DataFile] = field(default_factory=list)
    properties: list[Meta] = field(default_factory=list)  # DataProperties
    infos: list[Meta] = field(default_factory=list)  # TableInfos
    dimensions: list[Dimension] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Dimension]:
        return [d for d in self.dimensions if d.kind == kind]

    def same_table(self, metas: list[Meta], data: DataFile, what: str, problems: Problems) -> Meta | None:
        """The metadata file that belongs to `data`: the one in its folder, or the only one listed.

        cbsodataR writes every table into its own folder, so the folder tells which
        DataProperties or TableInfos describes which data file when several years are loaded.
        """
        here = [m for m in metas if m.path.parent == data.path.parent]
        if len(here) == 1:
            return here[0]
        if not here and len(metas) == 1:
            return metas[0]
        if metas:
            problems.add(
                data.path,
                f"niet te zeggen welk {what}-bestand bij dit bestand hoort",
                value=", ".join(str(m.path) for m in here or metas),
                expected=f"elke CBS-tabel in een eigen map, met daarin haar eigen {what}-bestand",
            )
        return None


def read_files(files: Sequence[Path], problems: Problems) -> CbsFiles:
    """Read and sort every file of a source: data, DataProperties, TableInfos, dimensions."""
    out = CbsFiles()
    for path in files:
        text = read_text(path, problems)
        if text is None:
            continue
        if text.lstrip()[:1] in ("{", "["):
            _add_json(path, problems, out)
        else:
            _add_csv(path, text, problems, out)
    return out


def _kind(columns: set[str]) -> str:
    if {"Type", "Key", "Title"} <= columns:
        return "properties"
    if {"Identifier", "Title", "Period"} <= columns:
        return "infos"
    if "DimensionKey" in columns:
        return "groups"
    if {"Key", "Title"} <= columns:
        return "dimension"
    return "data"


def _add(out: CbsFiles, path: Path, kind: str, frame: pl.DataFrame, records: bool) -> None:
    if kind == "data":
        out.data.append(DataFile(path, frame, records))
    elif kind == "properties":
        out.properties.append(Meta(path, frame))
    elif kind == "infos":
        out.infos.append(Meta(path, frame))
    elif kind == "dimension" and frame.height:
        frame = frame.with_columns(pl.col("Key").str.strip_chars(), pl.col("Title").str.strip_chars())
        keys = frame["Key"].drop_nulls()
        if keys.str.contains(f"^(?:{REGIO_CODE.pattern})$").all():
            dim_kind = "regio"
        elif keys.str.contains(f"^(?:{PERIOD_CODE.pattern})$").all():
            dim_kind = "periode"
        else:
            dim_kind = "categorie"
        out.dimensions.append(Dimension(path, frame, dim_kind))
    # "groups" (CategoryGroups) only arranges categories for display: nothing to load.


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _add_json(path: Path, problems: Problems, out: CbsFiles) -> None:
    doc = read_json(path, problems)
    if doc is None:
        return
    if isinstance(doc, dict) and isinstance(doc.get("value"), list):
        if "odata.nextLink" in doc:
            problems.add(
                path,
                "bestand bevat maar een deel van de tabel: de OData-API geeft records per pagina en verwijst met 'odata.nextLink' naar de rest",
                column="odata.nextLink",
                value=doc["odata.nextLink"],
                expected="de volledige tabel: haal alle pagina's op (cbsodataR, cbsodata) of gebruik de bulk-feed (ODataFeed)",
            )
        records = doc["value"]
    elif isinstance(doc, list):
        records = doc
    else:
        problems.add(path, "onbekende JSON-vorm", expected='een OData-antwoord {"value": [...]} of een lijst records')
        return
    if not records:
        problems.add(path, "bestand bevat geen records", expected="ten minste een record in 'value'")
        return
    bad = next((i for i, r in enumerate(records, 1) if not isinstance(r, dict)), None)
    if bad is not None:
        problems.add(path, f"record {bad}: geen object", value=records[bad - 1], expected='records als {"Key": waarde, ...}')
        return
    columns = list(dict.fromkeys(k for r in records for k in r))
    frame = pl.DataFrame(
        {c: [_text(r.get(c)) for r in records] for c in columns},
        schema={c: pl.String for c in columns},
    ).with_row_index(LINE, offset=1)
    _add(out, path, _kind(set(columns)), frame.with_columns(pl.col(LINE).cast(pl.Int64)), records=True)


def _add_csv(path: Path, text: str, problems: Problems, out: CbsFiles) -> None:
    header_line = text.split("\n", 1)[0].rstrip("\r")
    sep = sniff_separator(header_line)
    if not check_csv_text(path, text, sep, problems):
        return
    header = [h.strip().lstrip(BOM) for h in next(csv.reader([header_line], delimiter=sep), [])]
    kind = _kind(set(header))
    if kind == "data":
        text = _without_truncated_line(path, text, sep, header, problems)
    frame = read_csv_strings(path, problems, separator=sep, text=text)
    if frame is None:
        return
    if kind == "data":
        # Data rows never span lines, so row i is on line i + 2.
        frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    else:
        frame = frame.with_columns(pl.Series(LINE, _record_lines(path, text, sep, frame.height, problems), dtype=pl.Int64))
    _add(out, path, kind, frame, records=False)


def _record_lines(path: Path, text: str, sep: str, n: int, problems: Problems) -> list[int | None]:
    """First line of each record; metadata has descriptions that run over several lines."""
    starts: list[int | None] = []
    previous = None
    for line_num, row in CsvRows(path, text, sep, problems):
        if previous is not None and row:
            starts.append(previous + 1)
        previous = line_num
    return starts if len(starts) == n else [None] * n


def _without_truncated_line(path: Path, text: str, sep: str, header: list[str], problems: Problems) -> str:
    """Report and drop a last line cut off mid-record (an interrupted download or copy).

    Without this check a cut-off row would be read with empty fields and silently counted.
    """
    if text.endswith(("\n", "\r")):
        return text
    cut = text.rfind("\n")
    if cut < 0:
        return text
    last = text[cut + 1 :]
    fields = next(csv.reader([last], delimiter=sep), [])
    if last.count('"') % 2 == 0 and len(fields) >= len(header):
        return text
    where = max(min(len(fields), len(header)) - 1, 0)
    problems.add(
        path,
        "laatste regel is onvolledig: het bestand is afgebroken",
        line=text.count("\n", 0, cut) + 2,
        column=header[where],
        value=fields[-1] if fields else last,
        expected=f"{len(header)} velden zoals de kopregel; download of exporteer het bestand opnieuw",
    )
    return text[: cut + 1]


# --- columns ------------------------------------------------------------------------------------


def column(df: DataFile, name: str, what: str, problems: Problems, taken: set[str], *, topic: bool = False) -> str | None:
    """The column holding dimension or topic `name`; a clear problem when it is missing.

    A topic is matched without its `_N` suffix. When the column looks renamed, the message
    names the renamed column so the user can put the CBS header back.
    """
    wanted = base_name(name) if topic else name
    found = [c for c in df.frame.columns if (base_name(c) if topic else c) == wanted]
    if len(found) == 1:
        taken.add(found[0])
        return found[0]
    if found:
        df.add(problems, f"meer dan een kolom voor {what}", line=df.header_line, column=found[1], value=", ".join(found), expected=f"een kolom '{name}'")
        return None
    candidates = [
        c for c in df.frame.columns
        if c not in taken and c != LINE and c not in ROW_ID_COLUMNS and not c.endswith(DERIVED_SUFFIXES)
    ]
    close = _closest(name, candidates)
    if close is not None:
        df.add(
            problems,
            f"kolom '{name}' ({what}) ontbreekt; kolom '{close}' lijkt hernoemd",
            line=df.header_line,
            column=close,
            value=close,
            expected=f"de CBS-kopregel: hernoem '{close}' terug naar '{name}'",
        )
    else:
        df.add(
            problems,
            f"kolom '{name}' ({what}) ontbreekt",
            line=df.header_line,
            value=", ".join(candidates) or None,
            expected=f"een CBS-export met de kolom '{name}'",
        )
    return None


def optional_column(df: DataFile, topic: str) -> str | None:
    found = [c for c in df.frame.columns if base_name(c) == topic]
    return found[0] if len(found) == 1 else None


def _closest(name: str, candidates: list[str]) -> str | None:
    wanted = base_name(name).lower()
    bases = [base_name(c).lower() for c in candidates]
    for c, b in zip(candidates, bases):
        if b and (b in wanted or wanted in b):
            return c
    match = difflib.get_close_matches(wanted, bases, n=1, cutoff=0.6)
    return candidates[bases.index(match[0])] if match else None


# --- keys ---------------------------------------------------------------------------------------

Resolver = Callable[..., tuple[str | None, str, str]]  # value, *context -> (key, message, expected)


def recode(
    df: DataFile, frame: pl.DataFrame, col: str, resolve: Resolver, problems: Problems, context: Sequence[str | None] = ()
) -> pl.DataFrame:
    """Replace `col` by the stripped key `resolve` finds per distinct value (and context columns;
    None passes a blank).

    Works on distinct values only, so a million-row file costs a handful of lookups. Rows
    without a key are dropped; each unresolved value is reported once, at its first line.
    """
    ctx_cols = [f"__ctx{i}" for i in range(len(context))]
    frame = frame.with_columns(
        pl.col(col).str.strip_chars().alias("__v"),
        *[(pl.lit("") if c is None else pl.col(c).str.strip_chars().fill_null("")).alias(a) for c, a in zip(context, ctx_cols)],
    )
    distinct = frame.group_by(["__v", *ctx_cols]).agg(pl.col(LINE).min(), pl.len().alias("__n")).sort(LINE)
    keys: list[str | None] = []
    bad: list[tuple[int, str, int, str, str]] = []
    for row in distinct.iter_rows(named=True):
        key, message, expected = resolve(row["__v"], *[row[a] for a in ctx_cols])
        keys.append(key)
        if key is None:
            bad.append((row[LINE], row["__v"], row["__n"], message, expected))
    for line, value, n, message, expected in bad[:MAX_PER_FILE]:
        shown = message if n == 1 else f"{message} ({n} regels)"
        df.add(problems, shown, line=line, column=col, value="" if value is None else value, expected=expected)
    if len(bad) > MAX_PER_FILE:
        df.add(problems, f"nog meer onbekende waarden in kolom '{col}'", column=col, count=sum(b[2] for b in bad[MAX_PER_FILE:]))
    mapping = distinct.select("__v", *ctx_cols).with_columns(pl.Series("__key", keys, dtype=pl.String))
    frame = frame.join(mapping, on=["__v", *ctx_cols], how="left", maintain_order="left", nulls_equal=True)
    return frame.filter(pl.col("__key").is_not_null()).drop(col, "__v", *ctx_cols).rename({"__key": col})


def period_resolver(files: CbsFiles) -> Resolver:
    titles = {t: k for d in files.of_kind("periode") for k, t in d.frame.select("Key", "Title").iter_rows()}

    def resolve(value: str | None) -> tuple[str | None, str, str]:
        if not value:
            return None, "periode ontbreekt", PERIOD_HINT
        if PERIOD_CODE.fullmatch(value):
            return value, "", ""
        key = titles.get(value) or period_from_title(value)
        if key is not None:
            return key, "", ""
        return None, "onbekende periodecode", PERIOD_HINT

    return resolve


def period_from_title(title: str) -> str | None:
    """The key of a CBS period title as cbsodata writes it: `2023`, `2023 januari`, `2023 1e kwartaal`."""
    title = title.rstrip("*").strip()  # * and ** mark provisional figures
    if m := re.fullmatch(r"(\d{4})", title):
        return f"{m[1]}JJ00"
    if (m := re.fullmatch(r"(\d{4}) ([a-z]+)", title)) and m[2] in MONTHS:
        return f"{m[1]}MM{MONTHS.index(m[2]) + 1:02d}"
    if m := re.fullmatch(r"(\d{4}) ([1-4])e kwartaal", title):
        return f"{m[1]}KW0{m[2]}"
    return None


def category_resolver(files: CbsFiles, dimension: str, what: str) -> Resolver:
    dims = files.of_kind("categorie")
    keys = {k for d in dims for k in d.frame["Key"].drop_nulls()}
    titles: dict[str, str | None] = {}
    for d in dims:
        for k, t in d.frame.select("Key", "Title").iter_rows():
            titles[t] = k if titles.get(t, k) == k else None  # a title used twice names no key
    hint = f"de code (bijv. 0.0.0), of voeg het dimensiebestand {dimension}.csv toe aan de bestanden van deze bron"

    def resolve(value: str | None) -> tuple[str | None, str, str]:
        if not value:
            return None, f"{what} ontbreekt", hint
        if value in keys:
            return value, "", ""
        if titles.get(value):
            return titles[value], "", ""
        if dims:
            shown = ", ".join(d.path.name for d in dims)
            return None, f"onbekende {what}: staat niet in {shown}", f"een Key of Title uit {shown}"
        if CATEGORY_KEY.fullmatch(value):
            return value, "", ""
        return None, f"{what} is een omschrijving, geen CBS-code", hint

    return resolve


@dataclass(frozen=True)
class _Regio:
    key: str
    niveau: str | None
    gemeente_naam: str | None


def regio_resolver(files: CbsFiles, dimension: str) -> Resolver:
    """Region keys from region names (cbsodata output), narrowed by gemeentenaam and soort regio.

    Names repeat across gemeenten and levels (Deventer has wijk and buurt 'De Hoven'); the
    Gemeentenaam and SoortRegio topics settle most of those. They are blank for buurten with
    nothing to count, so a name that stays ambiguous is reported, never guessed.
    """
    dims = files.of_kind("regio")
    rows = pl.concat([d.frame.select("Key", "Title") for d in dims]).unique("Key", keep="first") if dims else None
    names = {} if rows is None else {k: t for k, t in rows.iter_rows() if k.startswith("GM")}
    by_title: dict[str, list[_Regio]] = {}
    if rows is not None:
        for k, t in rows.iter_rows():
            gm = gemeente_of(k)
            by_title.setdefault(t, []).append(_Regio(k, NIVEAU.get(k[:2]), names.get(gm) if gm else None))
    hint = f"een CBS-regiocode (GM0193, WK019310, BU01931000), of voeg het dimensiebestand {dimension}.csv toe aan de bestanden van deze bron"

    def resolve(value: str | None, gemeentenaam: str = "", soort: str = "") -> tuple[str | None, str, str]:
        if not value:
            return None, "regiocode ontbreekt", REGIO_HINT
        if REGIO_CODE.fullmatch(value):
            return value, "", ""
        if not dims:
            return None, "regio is een naam, geen CBS-code", hint
        found = by_title.get(value, [])
        if soort in SOORT_REGIO:
            found = [r for r in found if r.niveau == SOORT_REGIO[soort]]
        if gemeentenaam:
            found = [r for r in found if r.gemeente_naam == gemeentenaam]
        if len(found) == 1:
            return found[0].key, "", ""
        if not found:
            return None, "regio staat niet in het dimensiebestand", f"een regiocode of een naam uit {', '.join(d.path.name for d in dims)}"
        return None, f"regionaam is niet eenduidig ({', '.join(r.key for r in found[:5])})", "een export met regiocodes (cbsodataR of TypedDataSet)"

    return resolve


def gemeente_of(code: str) -> str | None:
    """GM code of a gemeente, wijk or buurt code: the 4 digits after the prefix (WK019310 -> GM0193)."""
    if code[:2] in ("GM", "WK", "BU"):
        return "GM" + code[2:6]
    return None


def regio_keys(files: CbsFiles, df: DataFile, frame: pl.DataFrame, col: str, problems: Problems) -> pl.DataFrame:
    """Region keys for `col`, recovered from names or the Codering topic when the export has names."""
    if frame.height == 0:
        return frame
    codes = frame[col].str.strip_chars().str.contains(f"^(?:{REGIO_CODE.pattern})$")
    if codes.null_count() == 0 and codes.all():
        return frame.with_columns(pl.col(col).str.strip_chars())
    codering = optional_column(df, CODERING)
    if codering is not None:
        # KWB: the Codering topic carries the region code itself.
        return recode(df, frame.with_columns(pl.col(codering).alias(col)), col, regio_resolver(CbsFiles(), col), problems)
    if not files.of_kind("regio") and not codes.any():
        # One message for the whole column rather than one per region name.
        first = frame.row(0, named=True)
        df.add(
            problems,
            f"kolom bevat regionamen in plaats van CBS-codes ({frame.height} regels)",
            line=first[LINE],
            column=col,
            value=first[col],
            expected=f"{REGIO_HINT}, of voeg het dimensiebestand {col}.csv toe aan de bestanden van deze bron",
        )
        return frame.clear()
    context = (optional_column(df, GEMEENTENAAM), optional_column(df, SOORTREGIO))
    return recode(df, frame, col, regio_resolver(files, col), problems, context)


def with_regio(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    code = pl.col(col)
    prefix = code.str.slice(0, 2)
    return frame.with_columns(
        code.alias("regio_code"),
        prefix.replace_strict(NIVEAU, default=None, return_dtype=pl.String).alias("regio_niveau"),
        pl.when(prefix == "GM").then(code).when(prefix.is_in(["WK", "BU"])).then(pl.lit("GM") + code.str.slice(2, 4)).alias("gemeente_code"),
    )


def keep(df: DataFile, frame: pl.DataFrame, col: str, gemeente: str, scopes: frozenset[str], problems: Problems) -> pl.DataFrame:
    """The rows a source keeps; a clear problem when the build gemeente is absent.

    Scopes: "land" (NL00), "alle_gemeenten" (every gemeente row, for comparisons), "gemeente"
    (the build gemeente's own row) and "wijken_buurten" (its wijken and buurten).
    """
    own = pl.col("gemeente_code") == gemeente
    if frame.height and frame.filter(own).height == 0:
        present = sorted(frame["gemeente_code"].drop_nulls().unique().to_list())
        shown = ", ".join(present[:12]) + (", ..." if len(present) > 12 else "") if present else "geen"
        df.add(
            problems,
            f"gemeente {gemeente} komt niet voor in {df.path.name}; aanwezig: {shown}",
            column=col,
            value=gemeente,
            expected=f"een export die {gemeente} bevat, of de juiste gemeente in inputs.toml (gemeente = ...)",
        )
    niveau = pl.col("regio_niveau")
    conditions = {
        "land": niveau == "land",
        "alle_gemeenten": niveau == "gemeente",
        "gemeente": own & (niveau == "gemeente"),
        "wijken_buurten": own & niveau.is_in(["wijk", "buurt"]),
    }
    return frame.filter(pl.any_horizontal([conditions[s] for s in scopes]))


def with_period(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    parts = pl.col(col).str.extract_groups(r"^(\d{4})(JJ|MM|KW)(\d{2})$")
    kind, number = parts.struct.field("2"), parts.struct.field("3").cast(pl.Int64)
    return frame.with_columns(
        pl.col(col).alias("periode_code"),
        parts.struct.field("1").cast(pl.Int64).alias("jaar"),
        pl.when(kind == "MM").then(number).alias("maand"),
        pl.when(kind == "KW").then(number).alias("kwartaal"),
    )


# --- values -------------------------------------------------------------------------------------

_NUMBER = {
    "int": (pl.Int64, "geen geheel getal", "een geheel getal"),
    "float": (pl.Float64, "geen getal", "een getal met een punt als decimaalteken"),
}


def numbers(df: DataFile, frame: pl.DataFrame, columns: dict[str, str], problems: Problems) -> pl.DataFrame:
    """Type topic columns ("int" or "float"); MISSING values become NULL, anything else is reported."""
    typed = []
    for col, dtype in columns.items():
        polars_type, what, expected = _NUMBER[dtype]
        s = pl.col(col).str.strip_chars()
        s = pl.when(s.is_in(MISSING)).then(None).otherwise(s)
        if dtype == "int":
            s = s.str.replace(r"^(-?\d+)\.0+$", "${1}")  # 582.0: pandas writes counts as floats
        value = s.cast(polars_type, strict=False)
        bad = frame.filter(s.is_not_null() & value.is_null())
        for line, found in bad.select(LINE, col).head(MAX_PER_FILE).iter_rows():
            df.add(problems, f"waarde is {what}", line=line, column=col, value=found, expected=f"{expected}, of {MISSING_HINT}")
        if bad.height > MAX_PER_FILE:
            df.add(problems, f"nog meer regels: waarde is {what}", column=col, count=bad.height - MAX_PER_FILE)
        typed.append(value.alias(col))
    return frame.with_columns(typed)


def report_duplicates(data: list[DataFile], frame: pl.DataFrame, key: Sequence[str], problems: Problems) -> pl.DataFrame:
    """Report rows whose key occurs more than once (within or across files); keep the first."""
    dup = frame.select(pl.struct(list(key)).is_duplicated()).to_series()
    if not dup.any():
        return frame
    by_path = {str(d.path): d for d in data}
    rows = frame.filter(dup)
    for r in rows.head(MAX_PER_FILE).iter_rows(named=True):
        by_path[r[FILE]].add(
            problems,
            "sleutel komt meer dan eens voor (in dit bestand of in een ander bestand van deze bron)",
            line=r[LINE],
            column="+".join(key),
            value="/".join(str(r[k]) for k in key),
            expected="elke combinatie een keer; laat overlappende exports weg",
        )
    if rows.height > MAX_PER_FILE:
        problems.add(by_path[rows[FILE][0]].path, "nog meer dubbele sleutels", column="+".join(key), count=rows.height - MAX_PER_FILE)
    return frame.unique(list(key), keep="first", maintain_order=True)


# --- a cube: one value per category x region x period --------------------------------------------


@dataclass(frozen=True)
class Measure:
    column: str  # warehouse column
    topic: str  # CBS key as in the current table, e.g. GeregistreerdeMisdrijven_1
    title: str  # Dutch, for messages
    dtype: str = "int"


@dataclass(frozen=True)
class Cube:
    """A CBS table of measures by region, optionally by category and period."""

    regio: str  # dimension, e.g. WijkenEnBuurten or RegioS
    measures: tuple[Measure, ...]
    scopes: frozenset[str]  # see keep()
    categorie: str | None = None  # dimension, e.g. SoortMisdrijf
    categorie_what: str = "soort"  # Dutch noun for messages
    periode: str | None = None  # dimension, usually Perioden


def read_cube(files: CbsFiles, cube: Cube, ctx: Context) -> pl.DataFrame | None:
    """All data files as one typed frame: [soort_code, LABEL], [periode columns], regio columns,
    the measures, FILE and LINE. None when no data file could be read."""
    problems = ctx.problems
    parts = []
    for df in files.data:
        part = _read_cube_file(files, df, cube, ctx)
        if part is not None:
            parts.append(part.with_columns(pl.lit(str(df.path)).alias(FILE)))
    if not parts:
        metadata = [m.path for m in files.properties + files.infos + files.dimensions]
        if not files.data and metadata:
            problems.add(
                ", ".join(p.name for p in metadata),
                "alleen metadata gevonden, geen gegevensbestand",
                expected="ook het databestand van de CBS-tabel (TypedDataSet of cbsodataR-CSV)",
            )
        return None
    frame = pl.concat(parts, how="diagonal_relaxed")
    key = [c for c in ("soort_code", "periode_code", "regio_code") if c in frame.columns]
    return report_duplicates(files.data, frame, key, problems)


def _read_cube_file(files: CbsFiles, df: DataFile, cube: Cube, ctx: Context) -> pl.DataFrame | None:
    problems = ctx.problems
    taken: set[str] = set()
    regio = column(df, cube.regio, "regio", problems, taken)
    categorie = column(df, cube.categorie, cube.categorie_what, problems, taken) if cube.categorie else None
    periode = column(df, cube.periode, "periode", problems, taken) if cube.periode else None
    measures = {m.column: column(df, m.topic, m.title, problems, taken, topic=True) for m in cube.measures}
    if regio is None or (cube.categorie and categorie is None) or (cube.periode and periode is None) or None in measures.values():
        return None

    frame = df.frame
    if categorie is not None:
        label = f"{categorie}_label"
        frame = frame.with_columns((pl.col(label) if label in frame.columns else pl.lit(None, pl.String)).str.strip_chars().alias(LABEL))
    frame = regio_keys(files, df, frame, regio, problems)
    frame = keep(df, with_regio(frame, regio), regio, ctx.gemeente, cube.scopes, problems)
    if categorie is not None:
        frame = recode(df, frame, categorie, category_resolver(files, cube.categorie, cube.categorie_what), problems).rename({categorie: "soort_code"})
    if periode is not None:
        frame = with_period(recode(df, frame, periode, period_resolver(files), problems), periode)
    frame = numbers(df, frame, {measures[m.column]: m.dtype for m in cube.measures}, problems)
    frame = frame.rename({src: dst for dst, src in measures.items() if src != dst})
    wanted = [
        *(["soort_code", LABEL] if categorie is not None else []),
        *(["periode_code", "jaar", "maand", "kwartaal"] if periode is not None else []),
        "regio_code", "regio_niveau", "gemeente_code",
        *[m.column for m in cube.measures],
        LINE,
    ]
    return frame.select(wanted)


def category_reference(files: CbsFiles, data: pl.DataFrame) -> pl.DataFrame:
    """soort_code, titel, omschrijving: from the dimension file, else the cbsodataR labels, else the codes."""
    dims = files.of_kind("categorie")
    if dims:
        rows = pl.concat([
            d.frame.select(
                pl.col("Key").alias("soort_code"),
                pl.col("Title").alias("titel"),
                (pl.col("Description") if "Description" in d.frame.columns else pl.lit(None, pl.String)).alias("omschrijving"),
            )
            for d in dims
        ])
        rows = rows.with_columns(pl.col("omschrijving").str.strip_chars())
        return rows.with_columns(pl.when(pl.col("omschrijving") == "").then(None).otherwise(pl.col("omschrijving")).alias("omschrijving")).unique("soort_code", keep="first", maintain_order=True)
    return (
        data.group_by("soort_code", maintain_order=True)
        .agg(pl.col(LABEL).drop_nulls().first())
        .select("soort_code", pl.coalesce(LABEL, "soort_code").alias("titel"), pl.lit(None, pl.String).alias("omschrijving"))
    )


def buurt_sum_check(table: str, what: str, totaal: str) -> Check:
    """Buurt counts of the total against the gemeente total, over the periods that have both.

    Counts that could not be placed in a buurt are in the gemeente total only, hence a tolerance.
    Exports with buurten only have no total to compare with: the check then warns.
    """
    both = (
        f"periode_code IN (SELECT periode_code FROM {table} WHERE regio_niveau = 'gemeente' "
        f"INTERSECT SELECT periode_code FROM {table} WHERE regio_niveau = 'buurt')"
    )
    return Check(
        table,
        "sum_matches",
        f"De {what} per buurt tellen op tot het gemeentetotaal (op 'buurt onbekend' na)",
        column="aantal",
        where=f"soort_code = '{totaal}' AND regio_niveau = 'buurt' AND {both}",
        reference_sql=f"SELECT sum(aantal) FROM {table} WHERE soort_code = '{totaal}' AND regio_niveau = 'gemeente' AND {both}",
        threshold=0.05,
    )
