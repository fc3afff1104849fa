"""Declarations: complete, consistent with WAREHOUSE.md, and refused when broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrics import registry
from metrics.declarations import Aggregate, DimensionColumn, Metric, Ratio, SemanticModel, parse_expr
from metrics.dimensions import DIMENSIONS
from metrics.errors import DefinitionError
from metrics.tables import BUILT, TABLES

WAREHOUSE_MD = Path(__file__).resolve().parent.parent / "data_sources" / "WAREHOUSE.md"


def _top_level(text: str) -> list[str]:
    """Split on commas outside parentheses: `a, b (x, y), c` -> a | b (x, y) | c."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _balanced(text: str, start: int) -> str:
    """The text inside the parenthesis that opens at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i]
    raise ValueError("unbalanced parentheses in WAREHOUSE.md")


def warehouse_md_tables() -> dict[str, list[str]]:
    """table -> columns, from the contract's table rows and its "`name` (col, col, ...)" lines."""
    text = WAREHOUSE_MD.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for m in re.finditer(r"^\| `(\w+)` \| (.+?) \|[^|\n]*\|?$", text, flags=re.M):
        found[m[1]] = m[2]
    for m in re.finditer(r"^`(\w+)` \(", text, flags=re.M):
        found[m[1]] = _balanced(text, m.end() - 1)
    return {t: [re.match(r"\s*(\w+)", c)[1] for c in _top_level(cols)] for t, cols in found.items()}


def test_tables_agree_with_warehouse_md():
    documented = warehouse_md_tables()
    assert {"bevolking", "kwb", "meldingen", "jeugd_declaraties", "misdrijven"} <= set(documented)
    for table, columns in TABLES.items():
        assert table in documented, f"{table} staat niet in WAREHOUSE.md"
        assert list(columns) == documented[table], f"kolommen van {table} wijken af van WAREHOUSE.md"


def test_the_columns_the_build_derives_are_the_ones_its_loaders_write():
    from data_sources import jeugd_declaraties, meldingen

    assert BUILT == {"jeugd_declaraties": jeugd_declaraties.FROM_TOEWIJZING, "meldingen": (meldingen.AFHANDEL_WERKDAGEN,)}
    for table, columns in BUILT.items():
        assert set(columns) <= set(TABLES[table])


def test_enough_metrics_in_every_domain():
    assert len(registry.METRICS) >= 30
    assert {m.domain for m in registry.METRICS.values()} == {"algemeen", "jeugd", "wonen", "veiligheid"}
    for m in registry.METRICS.values():
        assert m.label and m.description and m.owner and m.unit
        assert set(m.roles) <= {"databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast"}


def test_guests_see_no_youth_care():
    assert not [m.name for m in registry.METRICS.values() if m.domain == "jeugd" and "gast" in m.roles]


def test_declarations_are_frozen_and_strict():
    m = registry.METRICS["lasten"]
    with pytest.raises(ValidationError):
        m.label = "iets anders"
    with pytest.raises(ValidationError, match="Extra inputs"):
        Metric(**m.model_dump(), extra_field=1)


def _metric(**changes) -> Metric:
    base = registry.METRICS["trajecten_gestart"].model_dump()
    base.update(changes)
    return Metric.model_validate(base)


def _validate(extra_metrics=(), extra_models=()):
    return registry.validate([*registry.MODELS.values(), *extra_models], [*registry.METRICS.values(), *extra_metrics], DIMENSIONS)


def test_unknown_dimension_is_refused():
    with pytest.raises(DefinitionError, match="onbekende dimensie 'leeftijd'"):
        _validate([_metric(name="nieuw", dimensions=("jaar", "leeftijd"))])


def test_dimension_the_model_cannot_answer_is_refused():
    with pytest.raises(DefinitionError, match="kan niet splitsen naar 'soort_misdrijf'"):
        _validate([_metric(name="nieuw", dimensions=("jaar", "soort_misdrijf"))])


def test_duplicate_names_are_refused():
    with pytest.raises(DefinitionError, match="'lasten' is twee keer gedeclareerd"):
        _validate([registry.METRICS["lasten"]])
    with pytest.raises(DefinitionError, match="model 'meldingen' is twee keer"):
        _validate(extra_models=[registry.MODELS["meldingen"]])


def test_unknown_table_or_column_is_refused_at_construction():
    with pytest.raises(ValidationError, match="staat niet in WAREHOUSE.md"):
        SemanticModel(name="x", description="x", table="geheime_tabel", alias="x")
    with pytest.raises(ValidationError, match="meldingen.behandelaar staat niet in WAREHOUSE.md"):
        SemanticModel(
            name="x", description="x", table="meldingen", alias="me", dimensions=(DimensionColumn(dimension="wijk", column="me.behandelaar"),)
        )
    with pytest.raises(DefinitionError, match="jeugd_toewijzingen.bsn staat niet in WAREHOUSE.md"):
        _validate([_metric(name="nieuw", expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.bsn"))])


@pytest.mark.parametrize("text", ["t.x; DROP TABLE t", "t.x OR 1=1", "sum(t.x)", "werkdagen(t.a)", "T.X", "t.x -- c"])
def test_column_expressions_are_a_closed_grammar(text):
    with pytest.raises(ValueError):
        parse_expr(text)


def test_combined_metrics_must_fit_their_parts():
    with pytest.raises(DefinitionError, match="onderdeel begroting_actueel kan niet splitsen naar 'wijk'"):
        _validate([_metric(name="nieuw", dimensions=("jaar", "wijk"), disclosure="amount", expression=Ratio(numerator="lasten", denominator="begroting_actueel"))])
    with pytest.raises(DefinitionError, match="mogen onderdeel lasten niet zien"):
        _validate([_metric(name="nieuw", disclosure="amount", roles=("databrigade", "gast"), expression=Ratio(numerator="lasten", denominator="trajecten_gestart"))])
    with pytest.raises(DefinitionError, match="afscherming moet 'amount' zijn"):
        _validate([_metric(name="nieuw", disclosure="none", expression=Ratio(numerator="lasten", denominator="trajecten_gestart"))])
    with pytest.raises(DefinitionError, match="kringverwijzing"):
        _validate(
            [
                _metric(name="a1", disclosure="amount", expression=Ratio(numerator="a2", denominator="lasten")),
                _metric(name="a2", disclosure="amount", expression=Ratio(numerator="a1", denominator="lasten")),
            ]
        )


def test_inconsistent_time_grain_and_roles_are_refused():
    with pytest.raises(ValidationError, match="tijdsgranulariteit 'geen'"):
        _metric(time_grain="geen")
    with pytest.raises(ValidationError, match="databrigade"):
        _metric(roles=("sociaal_domein",))
    with pytest.raises(ValidationError, match="geen telling van personen"):
        _metric(disclosure="persons", expression=Ratio(numerator="lasten", denominator="trajecten_gestart"))


def test_every_metric_knows_its_sources():
    for m in registry.METRICS.values():
        assert set(registry.required_tables(m)) <= set(registry.sources(m)) <= set(TABLES)
    # The jeugdige is copied onto each declaration line (WAREHOUSE.md): no join, so no toewijzingen.
    assert registry.required_tables("kosten_per_jeugdige") == ("jeugd_declaraties",)
    assert registry.required_tables("trajecten_gestart") == ("jeugd_toewijzingen",)


def test_protected_metrics_need_record_keys():
    """Disclosure control keys every record: a protected metric needs the model's person, and its
    record id unless it counts distinct values; a median cannot be protected cell by cell."""
    keyless = registry.MODELS["toewijzingen"].model_copy(update={"name": "zonder_id", "record": None})
    summed = Aggregate(kind="sum", model="zonder_id", column="t.volume")
    with pytest.raises(DefinitionError, match="persoon en record-id in model zonder_id"):
        _validate([_metric(name="nieuw", disclosure="amount", format="decimaal", expression=summed)], [keyless])
    counted = Aggregate(kind="count_distinct", model="zonder_id", column="t.client_key")
    _validate([_metric(name="nieuw", expression=counted)], [keyless])  # distinct persons need no record id
    _validate([_metric(name="nieuw", disclosure="none", format="decimaal", expression=summed)], [keyless])
    with pytest.raises(DefinitionError, match="mediaan"):
        _validate([_metric(name="nieuw", disclosure="amount", format="dagen", expression=Aggregate(kind="median", model="toewijzingen", column="t.volume"))])
