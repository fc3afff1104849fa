"""Settings per gemeente: the targets, norms and assumptions that are policy, not code.

One TOML file per gemeente, `data_sources/gemeenten/<GMxxxx>.toml` (Zwolle's is GM0193.toml), or
the file that `instellingen = "pad"` in inputs.toml names. A gemeente without a file gets
`gemeenten/standaard.toml`: national rules of thumb and stated assumptions only, with the
gemeente's name from the CBS indeling (cbs_regios) and no gemeente-specific targets.

The file is validated with pydantic (no unknown keys); every problem becomes one Dutch line with
file, line, key, what is wrong and what was expected, and the build stops (exit 2). The build
writes the settings as the `instellingen*` tables (WAREHOUSE.md) and takes the data-eigenaar and
steward of each loaded source from them, so the app reads all of it from the warehouse.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from data_sources.problems import Problems
from data_sources.readers import read_toml
from data_sources.registry import SOURCE_KEYS
from data_sources.woningbouwprojecten import SEGMENTEN

GEMEENTEN = Path(__file__).with_name("gemeenten")
STANDAARD = GEMEENTEN / "standaard.toml"
EXPECTED = "een instellingenbestand zoals data_sources/gemeenten/GM0193.toml"

Fractie = Annotated[float, Field(ge=0.0, le=1.0, description="een fractie van 0 tot en met 1, bijv. 0.30 voor 30%")]
Tekst = Annotated[str, Field(min_length=1, description="een tekst")]
Jaar = Annotated[int, Field(ge=2000, le=2100, description="een jaartal, bijv. 2025")]
Segment = Literal[SEGMENTEN]  # type: ignore[valid-type]
SourceKey = Literal[SOURCE_KEYS]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gemeente(_Model):
    code: str = Field(pattern=r"^GM\d{4}$", description="de CBS-gemeentecode, bijv. GM0193")
    naam: Tekst


class Dataset(_Model):
    eigenaar: str = Field(min_length=1, description="de data-eigenaar: de rol of afdeling die voor de inhoud verantwoordelijk is")
    steward: str = Field(min_length=1, description="de data-steward: wie de bron geladen en juist houdt")


class Woningbouwdoel(_Model):
    woningen: int = Field(gt=0, description="het aantal woningen van het doel, een geheel getal groter dan 0")
    van_jaar: Jaar
    tot_jaar: Jaar  # inclusive
    bron: Tekst

    @model_validator(mode="after")
    def _span(self) -> Woningbouwdoel:
        if self.tot_jaar < self.van_jaar:
            raise ValueError(f"tot_jaar ({self.tot_jaar}) ligt voor van_jaar ({self.van_jaar}); verwacht: tot_jaar op of na van_jaar")
        return self


class Plancapaciteit(_Model):
    norm: float = Field(ge=1.0, le=3.0, description="de minimale plancapaciteit als fractie van de resterende opgave, bijv. 1.30 voor 130%")
    bron: Tekst


class Planuitval(_Model):
    hard: Fractie
    zacht: Fractie
    toelichting: Tekst


class MixDoel(_Model):
    naam: Tekst
    segmenten: tuple[Segment, ...] = Field(min_length=1, description="segmenten uit: " + ", ".join(SEGMENTEN))
    aandeel: Fractie


class Beleidsmix(_Model):
    bron: Tekst
    toelichting: Tekst
    doelen: tuple[MixDoel, ...] = Field(min_length=1, description="ten minste één [[wonen.beleidsmix.doelen]]")

    @model_validator(mode="after")
    def _consistent(self) -> Beleidsmix:
        total = sum(d.aandeel for d in self.doelen)
        if total > 1 + 1e-9:
            raise ValueError(f"de aandelen tellen op tot {total:.2f}; verwacht: samen hooguit 1 (100%)")
        seen: dict[str, str] = {}
        for d in self.doelen:
            for s in d.segmenten:
                if s in seen:
                    raise ValueError(f"segment '{s}' staat bij '{seen[s]}' en bij '{d.naam}'; verwacht: elk segment bij één doel")
                seen[s] = d.naam
        if len({d.naam for d in self.doelen}) < len(self.doelen):
            raise ValueError("twee doelen met dezelfde naam; verwacht: elke naam één keer")
        return self


class Wonen(_Model):
    woningbouwdoel: Woningbouwdoel | None = None
    plancapaciteit: Plancapaciteit | None = None
    planuitval: Planuitval | None = None
    beleidsmix: Beleidsmix | None = None


class Indexatie(_Model):
    jaar: Jaar
    procent: float = Field(ge=-20.0, le=50.0, description="de indexatie in procent, bijv. 4.96")
    aanname: bool = False
    bron: Tekst


class Jeugd(_Model):
    tariefindexatie: tuple[Indexatie, ...] = ()

    @field_validator("tariefindexatie")
    @classmethod
    def _one_per_year(cls, value: tuple[Indexatie, ...]) -> tuple[Indexatie, ...]:
        years = [i.jaar for i in value]
        double = sorted({y for y in years if years.count(y) > 1})
        if double:
            raise ValueError(f"jaar {', '.join(map(str, double))} staat er meer dan eens in; verwacht: één indexatie per jaar")
        return value


class Meldingen(_Model):
    afhandeltermijn_werkdagen: int = Field(ge=1, le=365, description="een aantal werkdagen van 1 tot en met 365")
    toelichting: Tekst


class Instellingen(_Model):
    gemeente: Gemeente
    datasets: dict[SourceKey, Dataset] = {}
    wonen: Wonen = Wonen()
    jeugd: Jeugd = Jeugd()
    meldingen: Meldingen | None = None


@dataclass(frozen=True)
class Resolved:
    """The settings of a build and where they came from (None: the standard settings)."""

    instellingen: Instellingen
    bestand: Path | None

    @property
    def naam(self) -> str:
        return self.instellingen.gemeente.naam


# --- reading -------------------------------------------------------------------------------------

_PYDANTIC_DUTCH = {
    "missing": "sleutel ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "int_type": "geen geheel getal",
    "int_parsing": "geen geheel getal",
    "int_from_float": "geen geheel getal",
    "float_type": "geen getal",
    "float_parsing": "geen getal",
    "string_type": "geen tekst",
    "bool_type": "geen true/false",
    "bool_parsing": "geen true/false",
    "dict_type": "geen tabel",
    "model_type": "geen tabel",
    "list_type": "geen lijst",
    "tuple_type": "geen lijst",
    "literal_error": "onbekende waarde",
    "string_pattern_mismatch": "waarde heeft niet de juiste vorm",
    "string_too_short": "is leeg",
    "too_short": "is leeg",
    "greater_than": "waarde is te klein",
    "greater_than_equal": "waarde is te klein",
    "less_than": "waarde is te groot",
    "less_than_equal": "waarde is te groot",
}


def _walk(loc: tuple) -> tuple[type[BaseModel] | None, str | None]:
    """The model that holds the last key of `loc`, and that field's description (dict keys and list indexes skipped)."""
    current: object = Instellingen
    description = None
    skip = False
    for part in loc:
        if skip or not isinstance(part, str) or part == "[key]":
            skip = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None, description
        field = current.model_fields.get(part)
        if field is None:
            return current, None
        description = field.description
        for meta in field.metadata:
            description = getattr(meta, "description", None) or description
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        skip = getattr(annotation, "__origin__", None) is dict
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        current = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else (models[0] if models else None)
    return (current if isinstance(current, type) and issubclass(current, BaseModel) else None), description


def _expected(loc: tuple) -> str | None:
    return _walk(loc)[1]


def _fields_at(loc: tuple) -> list[str]:
    model, _ = _walk(loc)
    return list(model.model_fields) if model is not None else []


def _line_of(text: str, loc: tuple) -> int | None:
    """The line of key `loc` in a TOML text: the key's own line, else its table's header; None if not found."""
    keys = [p for p in loc if isinstance(p, str) and p != "[key]"]
    if not keys:
        return None
    full, table, key = ".".join(keys), ".".join(keys[:-1]), keys[-1]
    current, table_line, below = "", None, None
    for n, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$", line)
        if header:
            current = header.group(1)
            if current == full:
                return n
            if current == table and table_line is None:
                table_line = n
            if current.startswith(full + ".") and below is None:
                below = n
            continue
        if current == table and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return n
    return table_line or below


def _key(loc: tuple) -> str:
    """A key path as the user writes it: wonen.beleidsmix.doelen[3].segmenten[1] (counting from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif part != "[key]":
            out += ("." if out else "") + str(part)
    return out or "(bestand)"


def _renamed_keys(errors: list) -> dict[tuple, tuple | None]:
    """A missing key next to an unknown one that looks like it: missing loc -> unknown loc, and unknown loc -> None."""
    missing = [tuple(x["loc"]) for x in errors if x["type"] == "missing"]
    extra = [tuple(x["loc"]) for x in errors if x["type"] == "extra_forbidden"]
    out: dict[tuple, tuple | None] = {}
    for m in missing:
        near = [x for x in extra if x[:-1] == m[:-1] and x not in out]
        close = difflib.get_close_matches(str(m[-1]), [str(x[-1]) for x in near], n=1, cutoff=0.6)
        if close:
            found = next(x for x in near if str(x[-1]) == close[0])
            out[m], out[found] = found, None
    return out


def _report(e: ValidationError, path: Path, text: str, problems: Problems) -> None:
    errors = e.errors()
    renamed = _renamed_keys(errors)
    for err in errors:
        loc = tuple(err["loc"])
        if loc in renamed:
            extra = renamed[loc]
            if extra is not None:  # report a renamed key once, at the line of the name found
                problems.add(path, f"sleutel '{loc[-1]}' ontbreekt; '{extra[-1]}' lijkt erop (hernoemd?)", line=_line_of(text, extra),
                             column=_key(extra), expected=f"{loc[-1]} = ...: {_expected(loc) or 'zie GM0193.toml'}")
            continue
        if err["type"] in ("too_short", "string_too_short") and any(len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors):
            continue  # a list whose item is wrong: the item's own line says it
        key = _key(loc)
        kind = err["type"]
        if kind in ("value_error", "assertion_error"):
            message = str(err["ctx"].get("error", err["msg"])) if err.get("ctx") else err["msg"]
            message, _, expected = message.partition("; verwacht: ")
            problems.add(path, message, line=_line_of(text, loc), column=key, expected=expected or None)
            continue
        message = _PYDANTIC_DUTCH.get(kind, "waarde klopt niet")
        expected = _expected(loc)
        if kind == "extra_forbidden":
            parent = _fields_at(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), parent, n=1)
            expected = (f"'{close[0]}'? " if close else "") + ("een van: " + ", ".join(parent) if parent else "geen sleutels hier")
        elif kind == "literal_error":
            allowed = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
            close = difflib.get_close_matches(str(err.get("input")), allowed, n=1)
            what = "onbekende bron" if loc[:1] == ("datasets",) else "onbekende waarde"
            message = what
            expected = (f"'{close[0]}'? " if close else "") + "een van: " + ", ".join(allowed)
        value = None if kind in ("missing", "extra_forbidden") else err.get("input")
        problems.add(path, message, line=_line_of(text, loc), column=key, value=value, expected=expected or "zie data_sources/gemeenten/GM0193.toml")


def parse(path: Path, problems: Problems, gemeente: Gemeente | None = None) -> Instellingen | None:
    """A settings file validated; `gemeente` fills in the [gemeente] table (the standard file has none)."""
    doc = read_toml(path, problems, EXPECTED)
    if doc is None:
        return None
    if gemeente is not None:
        doc = {"gemeente": gemeente.model_dump(), **doc}
    try:
        return Instellingen.model_validate(doc)
    except ValidationError as e:
        _report(e, path, path.read_text(encoding="utf-8", errors="replace"), problems)
        return None


def cbs_naam(gemeente: str, gemeenten: pl.DataFrame | None) -> str | None:
    if gemeenten is None:
        return None
    found = gemeenten.filter(pl.col("gemeente_code") == gemeente)["gemeente_naam"]
    return found[0] if found.len() else None


def resolve(gemeente: str, chosen: Path | None, gemeenten: pl.DataFrame | None, problems: Problems, progress=lambda m: None) -> Resolved | None:
    """The settings for `gemeente`: the chosen file, else gemeenten/<code>.toml, else the standard settings.

    `gemeenten` is the CBS gemeente list (cbs_regios), when loaded: the standard settings take the
    name from it, and a file's name is checked against it.
    """
    path = chosen if chosen is not None else GEMEENTEN / f"{gemeente}.toml"
    naam = cbs_naam(gemeente, gemeenten)
    if chosen is not None or path.is_file():
        found = parse(path, problems)
        if found is None:
            return None
        if found.gemeente.code != gemeente:
            problems.add(path, f"instellingen zijn voor {found.gemeente.code}, de build is voor {gemeente}", column="gemeente.code",
                         value=found.gemeente.code, expected=f"code = \"{gemeente}\", of het instellingenbestand van {gemeente}")
            return None
        if naam is not None and found.gemeente.naam != naam:
            problems.add(path, f"naam past niet bij de CBS-naam van {gemeente} ('{naam}')", column="gemeente.naam",
                         value=found.gemeente.naam, expected=f"naam = \"{naam}\"")
            return None
        progress(f"  instellingen: {path}")
        return Resolved(found, path)
    if naam is None:
        naam = gemeente
        progress(f"  instellingen: standaard; naam van {gemeente} onbekend zonder [cbs_regios]")
    else:
        progress(f"  instellingen: standaard voor {naam} (geen {path.name}; geen gemeentelijke doelen)")
    found = parse(STANDAARD, problems, Gemeente(code=gemeente, naam=naam))
    return None if found is None else Resolved(found, None)


# --- warehouse tables ----------------------------------------------------------------------------

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "instellingen": {"gemeente_code": pl.String(), "gemeente_naam": pl.String(), "bestand": pl.String(), "standaard": pl.Boolean()},
    "instellingen_wonen": {
        "woningbouwdoel": pl.Int64(),
        "doel_van_jaar": pl.Int64(),
        "doel_tot_jaar": pl.Int64(),
        "doel_bron": pl.String(),
        "plancapaciteit_norm": pl.Float64(),
        "norm_bron": pl.String(),
        "planuitval_hard": pl.Float64(),
        "planuitval_zacht": pl.Float64(),
        "planuitval_toelichting": pl.String(),
    },
    "instellingen_beleidsmix": {"doel": pl.String(), "segmenten": pl.String(), "aandeel": pl.Float64(), "bron": pl.String(), "toelichting": pl.String()},
    # The same doelen one row per segment, so that project figures can be split by beleidsmix doel
    # with a plain join on the segment (metrics cannot join on a comma-separated list).
    "instellingen_beleidsmix_segmenten": {"segment": pl.String(), "doel": pl.String()},
    "instellingen_tariefindexatie": {"jaar": pl.Int64(), "indexatie": pl.Float64(), "aanname": pl.Boolean(), "bron": pl.String()},
    "instellingen_meldingen": {"afhandeltermijn_werkdagen": pl.Int64(), "toelichting": pl.String()},
}


def tables(resolved: Resolved) -> dict[str, pl.DataFrame]:
    s = resolved.instellingen
    w = s.wonen
    doel, norm, uitval = w.woningbouwdoel, w.plancapaciteit, w.planuitval
    rows = {
        "instellingen": [(s.gemeente.code, s.gemeente.naam, None if resolved.bestand is None else resolved.bestand.name, resolved.bestand is None)],
        "instellingen_wonen": [(
            doel and doel.woningen, doel and doel.van_jaar, doel and doel.tot_jaar, doel and doel.bron,
            norm and norm.norm, norm and norm.bron,
            uitval and uitval.hard, uitval and uitval.zacht, uitval and uitval.toelichting,
        )],
        "instellingen_beleidsmix": [
            (d.naam, ", ".join(d.segmenten), d.aandeel, w.beleidsmix.bron, w.beleidsmix.toelichting) for d in (w.beleidsmix.doelen if w.beleidsmix else ())
        ],
        "instellingen_beleidsmix_segmenten": [(seg, d.naam) for d in (w.beleidsmix.doelen if w.beleidsmix else ()) for seg in d.segmenten],
        "instellingen_tariefindexatie": [(i.jaar, round(i.procent / 100, 6), i.aanname, i.bron) for i in sorted(s.jeugd.tariefindexatie, key=lambda i: i.jaar)],
        "instellingen_meldingen": [(s.meldingen.afhandeltermijn_werkdagen, s.meldingen.toelichting)] if s.meldingen else [],
    }  # fmt: skip
    return {name: pl.DataFrame(rows[name], schema=schema, orient="row") for name, schema in SCHEMAS.items()}


def roles(resolved: Resolved | None, key: str, owner: str, steward: str) -> tuple[str, str]:
    """(data-eigenaar, steward) of a source: the settings', else the declared default with the gemeente's name."""
    if resolved is not None and key in resolved.instellingen.datasets:
        d = resolved.instellingen.datasets[key]
        return d.eigenaar, d.steward
    naam = resolved.naam if resolved is not None else "de gemeente"
    return owner.replace("{gemeente}", naam), steward.replace("{gemeente}", naam)
