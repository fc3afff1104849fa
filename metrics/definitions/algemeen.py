"""Algemeen: population and housing stock per buurt, and CBS Kerncijfers for comparisons."""

from __future__ import annotations

from metrics.declarations import Aggregate, Analysis, DimensionColumn, Filter, InYear, Join, Metric, RegionLevels, SemanticModel
from metrics.definitions import ALL_ROLES

OWNER = "Databrigade (Onderzoek en Statistiek)"

MODELS = (
    SemanticModel(
        name="bevolking",
        description="Inwoners en woningen per buurt op 1 januari (cijferportaal van de gemeente); wijk via de CBS-buurtindeling.",
        table="bevolking",
        alias="b",
        joins=(Join(table="buurten", alias="bu", on=(("bu.buurt_code", "b.buurt_code"),)),),
        time=InYear(column="b.jaar"),
        dimensions=(
            DimensionColumn(dimension="buurt", column="b.buurt_code"),
            DimensionColumn(dimension="wijk", column="bu.wijk_code"),
        ),
    ),
    SemanticModel(
        name="kwb",
        description="CBS Kerncijfers wijken en buurten: één rij per regio per niveau (gemeente, wijk, buurt) en onderwerp.",
        table="kwb",
        alias="k",
        joins=(Join(table="buurten", alias="rb", on=(("rb.buurt_code", "k.regio_code"),)),),
        time=InYear(column="k.jaar"),
        regions=RegionLevels(code="k.regio_code", level="k.regio_niveau", wijk_of_buurt="rb.wijk_code"),
        gemeente="k.gemeente_code",
    ),
)


def _population(name: str, column: str, label: str, what: str) -> Metric:
    return Metric(
        name=name,
        label=label,
        description=(
            f"Aantal {what} op 1 januari van het jaar, opgeteld over de buurten (cijferportaal van de gemeente). "
            "Een stand, geen stroom: zonder gekozen jaar geldt het laatste jaar."
        ),
        unit="inwoners" if column.startswith("b.inwoners") else "woningen",
        format="aantal",
        owner=OWNER,
        domain="algemeen",
        time_grain="jaar",
        dimensions=("jaar", "wijk", "buurt"),
        expression=Aggregate(kind="sum", model="bevolking", column=column, stock=True),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    )


METRICS = (
    _population("inwoners", "b.inwoners", "Inwoners", "inwoners"),
    _population("inwoners_0_17", "b.inwoners_0_17", "Inwoners 0-17 jaar", "inwoners van 0 tot en met 17 jaar"),
    _population("inwoners_65plus", "b.inwoners_65plus", "Inwoners 65 jaar en ouder", "inwoners van 65 jaar en ouder"),
    _population("woningen", "b.woningen", "Woningen", "woningen"),
    Metric(
        name="cbs_inwoners",
        label="Inwoners (CBS)",
        description=(
            "Aantal inwoners op 1 januari volgens CBS Kerncijfers wijken en buurten (onderwerp AantalInwoners). "
            "Per niveau de gepubliceerde CBS-waarde: de gemeente telt niet op uit wijken, want CBS rondt wijken en buurten af op 5. "
            "Voor vergelijking met andere gemeenten."
        ),
        unit="inwoners",
        format="aantal",
        owner=OWNER,
        domain="algemeen",
        time_grain="jaar",
        dimensions=("jaar", "gemeente", "wijk", "buurt"),
        expression=Aggregate(
            kind="sum", model="kwb", column="k.waarde", filters=(Filter(column="k.onderwerp", op="=", value="AantalInwoners"),), stock=True
        ),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
)


# Open data (metrics.open_data): the disclosure-controlled aggregates for data.overheid.nl, made by
# the Databrigade on the data page; each figure computed as a role with disclosure control sees it.
ANALYSES = (
    Analysis(
        name="algemeen.open_data",
        label="Open data: aggregaten voor data.overheid.nl",
        description="De gepubliceerde aggregaten (CSV) van de geladen open en geaggregeerd openbare bronnen, afgeschermd als voor het publiek.",
        function="metrics.open_data:analysis",
        roles=("databrigade",),
    ),
)
