"""Finding the CBS code of a buurt (or gemeente) that a file names but does not code.

Municipal exports and maps name buurten; CBS codes them. A name is the CBS name when both are
equal after `normalise`: case, diacritics and separators are spelling, not identity, so
"Aalanden-Zuid" is "Aa-landen-Zuid" and "Tippe bij de Ijssel" is "Tippe bij de IJssel".
Any other difference needs an alias: declared in `ALIASES` for the spellings a known export
uses, or by the user under `aliassen` in inputs.toml.

There is deliberately no fuzzy matching. Within one gemeente, names one letter apart are
different buurten ("Holtenbroek I" and "Holtenbroek II"), so a rule that maps the 2014 typo
"Millingen" to "Milligen" would just as readily put one buurt's figures on its neighbour.
A wrong silent match is worse than a clear problem, so an unknown name is reported together
with the closest CBS names and the alias that would fix it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from data_sources.problems import Problems
from data_sources.source import Context

BUURT_CODE = re.compile(r"BU\d{8}")

# Names that known exports use where CBS uses another name, mapped to the CBS code (codes are
# stable within an indeling; CBS names get respelled). An alias only counts in the gemeente
# whose buurten contain its code.
ALIASES: Mapping[str, str] = {
    "De Tippe": "BU01932250",  # cijfersoverzwolle.nl; CBS: "Tippe bij de IJssel"
}

_SEPARATORS = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """The comparison key of a name: lower case, no diacritics, no spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("", bare.casefold())


class NameIndex:
    """The regions of one table, found by name or alias."""

    def __init__(self, regions: Iterable[tuple[str, str]], aliases: Mapping[str, str] = ALIASES):
        self.names: dict[str, str] = {}  # code -> CBS name
        by_key: dict[str, set[str]] = {}
        for code, name in regions:
            self.names[code] = name
            by_key.setdefault(normalise(name), set()).add(code)
        # Two CBS names that normalise alike cannot be told apart by name: they match nothing.
        self.ambiguous = {k: sorted(v) for k, v in by_key.items() if len(v) > 1}
        self._codes = {k: next(iter(v)) for k, v in by_key.items() if len(v) == 1}
        for alias, code in aliases.items():
            key = normalise(alias)
            if code in self.names and key not in by_key:
                self._codes[key] = code

    def code(self, name: str) -> str | None:
        return self._codes.get(normalise(name))

    def closest(self, name: str, n: int = 3) -> list[tuple[str, str]]:
        """(CBS name, code) of the names that look most like `name`: suggestions, never matches."""
        keys = {normalise(v): (v, c) for c, v in self.names.items()}
        return [keys[k] for k in difflib.get_close_matches(normalise(name), list(keys), n=n, cutoff=0.6)]

    def report_unknown(
        self,
        problems: Problems,
        file: str,
        name: str,
        *,
        source_key: str,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        """One problem for a name that matches nothing, with the fix spelled out."""
        key = normalise(name)
        if key in self.ambiguous:
            codes = ", ".join(self.ambiguous[key])
            problems.add(file, f"buurtnaam is niet eenduidig: meerdere CBS-buurten heten zo ({codes})", line=line, column=column, value=name,
                         expected=f'een alias met de juiste code onder [{source_key}] in inputs.toml, bijv. aliassen = {{ "{name}" = "{self.ambiguous[key][0]}" }}')
            return
        close = self.closest(name)
        if close:
            hint = "dichtstbij: " + ", ".join(f"'{v}' ({c})" for v, c in close)
            fix = f'of zet onder [{source_key}] in inputs.toml aliassen = {{ "{name}" = "{close[0][1]}" }} als dat dezelfde buurt is'
        else:
            hint = "geen CBS-buurtnaam lijkt erop"
            fix = "controleer of het bestand bij deze gemeente en de CBS-indeling hoort"
        problems.add(file, "buurtnaam komt niet voor in de CBS-indeling", line=line, column=column, value=name,
                     expected=f"de CBS-naam van de buurt; {hint}; {fix}")


def buurt_index(ctx: Context, source_key: str, file: str | Path) -> NameIndex | None:
    """The build gemeente's CBS buurten with the declared and the user's aliases; None without regios."""
    regios = ctx.need_regios(source_key, file, "buurtnamen aan CBS-buurtcodes te koppelen")
    if regios is None:
        return None
    buurten = regios["buurten"]
    extra = user_aliases(ctx.options, buurten["buurt_code"], source_key, ctx.problems)
    return NameIndex(zip(buurten["buurt_code"], buurten["buurt_naam"]), {**ALIASES, **extra})


def user_aliases(options: Mapping, buurt_codes: Iterable[str], source_key: str, problems: Problems) -> dict[str, str]:
    """`aliassen = { "naam" = "BU........" }` from the source's table in inputs.toml, checked."""
    raw = options.get("aliassen", {})
    where = f"inputs.toml [{source_key}]"
    example = 'aliassen = { "Millingen" = "BU01932240" }'
    if not isinstance(raw, Mapping):
        problems.add(where, "aliassen is geen tabel", column="aliassen", value=raw, expected=example)
        return {}
    known = set(buurt_codes)
    out: dict[str, str] = {}
    for name, code in raw.items():
        if not isinstance(code, str) or not BUURT_CODE.fullmatch(code):
            problems.add(where, f"alias '{name}' wijst niet naar een buurtcode", column="aliassen", value=code, expected=f"BU gevolgd door 8 cijfers, bijv. {example}")
        elif code not in known:
            problems.add(where, f"alias '{name}' wijst naar een buurt die niet in de CBS-indeling van de gemeente staat", column="aliassen", value=code,
                         expected="een buurtcode uit de tabel buurten (cbs_regios)")
        else:
            out[name] = code
    return out
