"""What the two politie sources on CBS Open Data share: misdrijven (47018NED, 47022NED) and overlast (47024NED).

Both tables are one count by a category dimension, WijkenEnBuurten and Perioden, published for
Nederland, the gemeenten and their wijken and buurten; both become a fact table with the same
columns and a reference table of their categories, whose code `0.0.0` is the total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from data_sources import cbs_odata as cbs
from data_sources.source import Context

TOTAAL = "0.0.0"
COLUMNS = ("periode_code", "jaar", "maand", "kwartaal", "regio_code", "regio_niveau", "gemeente_code", "soort_code", "aantal")


def cube(categorie: str, categorie_what: str, measure: cbs.Measure) -> cbs.Cube:
    return cbs.Cube(
        regio="WijkenEnBuurten",
        categorie=categorie,
        categorie_what=categorie_what,
        periode="Perioden",
        measures=(measure,),
        scopes=frozenset({"land", "gemeente", "wijken_buurten"}),
    )


def read(
    files: Sequence[Path],
    ctx: Context,
    cube: cbs.Cube,
    table: str,
    soorten_table: str,
    soorten: Callable[[pl.DataFrame], pl.DataFrame] = lambda reference: reference,
) -> dict[str, pl.DataFrame]:
    """The counts as `table` and the categories as `soorten_table`, after `soorten` has shaped them."""
    found = cbs.read_files(files, ctx.problems)
    data = cbs.read_cube(found, cube, ctx)
    if data is None:
        return {}
    return {
        table: data.select(COLUMNS).sort("periode_code", "regio_code", "soort_code"),
        soorten_table: soorten(cbs.category_reference(found, data)).sort("soort_code"),
    }
