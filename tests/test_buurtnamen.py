"""Buurt names to CBS codes: normalisation, aliases, and why there is no fuzzy matching.

Also holds the region-table helpers the loader tests share (ctx.regios as cbs_regios makes it):
Zwolle from the facts in data_sources/demo/zwolle.py, other gemeenten from the real
WijkenEnBuurten subset of 47018NED.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import polars as pl
import pytest

from data_sources.buurtnamen import NameIndex, buurt_index, normalise, user_aliases
from data_sources.demo.zwolle import BUURTEN, GEMEENTE_CODE, GEMEENTE_NAAM, WIJKEN
from data_sources.problems import Problems
from data_sources.source import Context

WIJKEN_EN_BUURTEN = Path("cbs_47018NED_misdrijven_buurt_2023") / "WijkenEnBuurten_subset.csv"


def zwolle_regios() -> dict[str, pl.DataFrame]:
    return {
        "gemeenten": pl.DataFrame({"gemeente_code": [GEMEENTE_CODE], "gemeente_naam": [GEMEENTE_NAAM]}),
        "wijken": pl.DataFrame({"wijk_code": [c for c, _ in WIJKEN], "wijk_naam": [n for _, n in WIJKEN], "gemeente_code": GEMEENTE_CODE}),
        "buurten": pl.DataFrame(
            {
                "buurt_code": [b.code for b in BUURTEN],
                "buurt_naam": [b.naam for b in BUURTEN],
                "wijk_code": [b.wijk_code for b in BUURTEN],
                "gemeente_code": GEMEENTE_CODE,
            }
        ),
    }


def realdata_regios(realdata: Path, gemeente: str) -> dict[str, pl.DataFrame]:
    """Regions of `gemeente` from the real subset; gemeenten holds all of its gemeenten."""
    rows = pl.read_csv(realdata / WIJKEN_EN_BUURTEN, infer_schema=False).select(
        pl.col("Key").str.strip_chars().alias("code"),
        pl.col("Title").str.strip_chars().alias("naam"),
        pl.col("Municipality").str.strip_chars().alias("gemeente_code"),
    )
    own = rows.filter(pl.col("gemeente_code") == gemeente)
    return {
        "gemeenten": rows.filter(pl.col("code").str.starts_with("GM")).select(gemeente_code="code", gemeente_naam="naam"),
        "wijken": own.filter(pl.col("code").str.starts_with("WK")).select(wijk_code="code", wijk_naam="naam", gemeente_code="gemeente_code"),
        "buurten": own.filter(pl.col("code").str.starts_with("BU")).select(
            buurt_code="code",
            buurt_naam="naam",
            wijk_code=pl.concat_str(pl.lit("WK"), pl.col("code").str.slice(2, 6)),
            gemeente_code="gemeente_code",
        ),
    }


def context(regios: dict[str, pl.DataFrame] | None, gemeente: str = GEMEENTE_CODE, **options) -> Context:
    messages: list[str] = []
    ctx = Context(gemeente=gemeente, problems=Problems(), regios=regios, options=options, progress=messages.append)
    ctx.messages = messages  # what the build would print, for tests to read
    return ctx


@pytest.fixture
def zwolle() -> NameIndex:
    b = zwolle_regios()["buurten"]
    return NameIndex(zip(b["buurt_code"], b["buurt_naam"]))


def test_normalise_ignores_case_diacritics_and_separators():
    assert normalise("Aa-landen-Zuid") == normalise("aalanden zuid") == normalise("AA_LANDEN.ZUID")
    assert normalise("Súdwest-Fryslân") == normalise("Sudwest Fryslan")
    assert normalise("Oud Schelle") == normalise("Oud-Schelle")
    assert normalise("Holtenbroek I") != normalise("Holtenbroek II")


def test_2014_spellings_that_differ_only_in_spelling_match(zwolle):
    assert zwolle.code("Tippe bij de Ijssel") == "BU01932250"
    assert zwolle.code("Aalanden-Zuid") == "BU01933100"
    assert zwolle.code("Kantorenterrein-Oosterenk") == "BU01934030"


def test_a_different_letter_is_not_matched_but_suggested(zwolle):
    assert zwolle.code("Millingen") is None
    assert zwolle.closest("Millingen")[0] == ("Milligen", "BU01932240")
    assert zwolle.code("Harculo en Hoogzutmen") is None


def test_fuzzy_matching_would_merge_neighbouring_buurten(zwolle):
    # The reason there is no fuzzy rule: "Holtenbroek I" is closer to "Holtenbroek II" than the
    # typo "Millingen" is to "Milligen", so any cutoff that maps the typo merges two buurten.
    def ratio(a: str, b: str) -> float:
        return difflib.SequenceMatcher(None, normalise(a), normalise(b)).ratio()

    assert ratio("Holtenbroek I", "Holtenbroek II") > ratio("Millingen", "Milligen")
    assert zwolle.code("Holtenbroek I") == "BU01933010"
    assert zwolle.code("Holtenbroek II") == "BU01933020"


def test_declared_alias_maps_the_portal_name(zwolle):
    assert zwolle.code("De Tippe") == "BU01932250"
    assert zwolle.code("de tippe") == "BU01932250"


def test_alias_counts_only_where_its_code_exists():
    other = NameIndex([("BU01500101", "Centrum")])
    assert other.code("De Tippe") is None


def test_a_cbs_name_wins_over_an_alias():
    index = NameIndex([("BU09990010", "De Tippe"), ("BU01932250", "Tippe bij de IJssel")])
    assert index.code("De Tippe") == "BU09990010"


def test_names_that_normalise_alike_match_nothing_and_say_why():
    index = NameIndex([("BU09990010", "Oud-Noord"), ("BU09990020", "Oud Noord")])
    assert index.code("Oud-Noord") is None
    problems = Problems()
    index.report_unknown(problems, "f.csv", "Oud-Noord", source_key="zwolle_portaal", line=4, column="Buurt-naam")
    assert "niet eenduidig" in problems.lines()[0] and "BU09990010, BU09990020" in problems.lines()[0]


def test_unknown_name_problem_names_the_closest_cbs_buurten_and_the_alias_fix(zwolle):
    problems = Problems()
    zwolle.report_unknown(problems, "f.csv", "Millingen", source_key="zwolle_portaal", line=37, column="Buurt-naam")
    (line,) = problems.lines()
    assert line.startswith("f.csv:37, kolom 'Buurt-naam': buurtnaam komt niet voor")
    assert "'Milligen' (BU01932240)" in line
    assert 'aliassen = { "Millingen" = "BU01932240" }' in line


def test_a_name_like_nothing_gets_no_suggestion(zwolle):
    problems = Problems()
    zwolle.report_unknown(problems, "f.csv", "Xyzzy", source_key="geo_buurten")
    assert "geen CBS-buurtnaam lijkt erop" in problems.lines()[0]


def test_user_aliases_from_inputs_toml_are_checked():
    problems = Problems()
    codes = [b.code for b in BUURTEN]
    ok = user_aliases({"aliassen": {"Millingen": "BU01932240", "Fout": "GM0193", "Elders": "BU01500101"}}, codes, "zwolle_portaal", problems)
    assert ok == {"Millingen": "BU01932240"}
    text = "\n".join(problems.lines())
    assert "alias 'Fout' wijst niet naar een buurtcode" in text
    assert "alias 'Elders' wijst naar een buurt die niet in de CBS-indeling" in text
    problems = Problems()
    assert user_aliases({"aliassen": "Millingen=BU01932240"}, codes, "zwolle_portaal", problems) == {}
    assert "aliassen is geen tabel" in problems.lines()[0]


def test_buurt_index_uses_user_aliases():
    ctx = context(zwolle_regios(), aliassen={"Millingen": "BU01932240"})
    index = buurt_index(ctx, "zwolle_portaal", "f.csv")
    assert index.code("Millingen") == "BU01932240"
    assert not ctx.problems


def test_buurt_index_without_regios_says_cbs_regios_is_needed():
    ctx = context(None)
    assert buurt_index(ctx, "geo_buurten", "kaart.geojson") is None
    assert "cbs_regios" in ctx.problems.lines()[0]


@pytest.mark.parametrize("gemeente, n", [("GM0193", 78), ("GM0150", 69), ("GM0166", 36)])
def test_every_real_cbs_buurt_name_finds_itself(realdata, gemeente, n):
    buurten = realdata_regios(realdata, gemeente)["buurten"]
    index = NameIndex(zip(buurten["buurt_code"], buurten["buurt_naam"]))
    assert buurten.height == n
    assert not index.ambiguous
    assert all(index.code(name) == code for code, name in zip(buurten["buurt_code"], buurten["buurt_naam"]))


def test_demo_facts_agree_with_the_real_zwolle_indeling(realdata):
    real = realdata_regios(realdata, "GM0193")
    assert real["buurten"].sort("buurt_code").equals(zwolle_regios()["buurten"].sort("buurt_code"))
    assert real["wijken"]["wijk_code"].sort().to_list() == [c for c, _ in WIJKEN]
