"""Wonen: housing stock and its changes (CBS), plancapaciteit, and the municipal project list."""

from __future__ import annotations

from metrics.declarations import Aggregate, Derived, DimensionColumn, Filter, InYear, Metric, Norm, OnDate, Ratio, SemanticModel
from metrics.definitions import ALL_ROLES, STAFF

OWNER = "Wonen en Ruimtelijke Ordening"

MODELS = (
    SemanticModel(
        name="woningvoorraad",
        description="CBS-woningvoorraad en mutaties per gemeente per jaar (81955NED); alle gemeenten, voor vergelijking.",
        table="woningvoorraad",
        alias="wv",
        time=InYear(column="wv.jaar"),
        dimensions=(DimensionColumn(dimension="gemeente", column="wv.gemeente_code"),),
        gemeente="wv.gemeente_code",
    ),
    SemanticModel(
        name="plancapaciteit",
        description="Provinciale plancapaciteit per gemeente, hardheid en periode.",
        table="plancapaciteit",
        alias="pl",
        dimensions=(
            DimensionColumn(dimension="gemeente", column="pl.gemeente_code"),
            DimensionColumn(dimension="hardheid", column="pl.hardheid"),
            DimensionColumn(dimension="planperiode", column="pl.periode"),
        ),
        gemeente="pl.gemeente_code",
    ),
    SemanticModel(
        name="instellingen_wonen",
        description="De woningbouwdoelen en normen uit het instellingenbestand van de gemeente (één rij).",
        table="instellingen_wonen",
        alias="iw",
    ),
    SemanticModel(
        name="projecten",
        internal=True,
        description="Woningbouwprojecten van de gemeente: woningen per project en segment, met status en oplevering.",
        table="woningbouwprojecten",
        alias="p",
        time=OnDate(column="p.geplande_oplevering"),
        dimensions=(
            DimensionColumn(dimension="wijk", column="p.wijk_code"),
            DimensionColumn(dimension="buurt", column="p.buurt_code"),
            DimensionColumn(dimension="projectstatus", column="p.status"),
            DimensionColumn(dimension="segment", column="p.segment"),
        ),
    ),
)


def _voorraad(name: str, column: str, label: str, description: str, *, stock: bool = False, better: bool | None = None) -> Metric:
    return Metric(
        name=name,
        label=label,
        description=description,
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="jaar",
        dimensions=("jaar", "gemeente"),
        expression=Aggregate(kind="sum", model="woningvoorraad", column=column, stock=stock),
        higher_is_better=better,
        disclosure="none",
        roles=ALL_ROLES,
    )


def _plan(name: str, label: str, hardheid: str | None) -> Metric:
    which = f"met hardheid '{hardheid}'" if hardheid else "hard en zacht samen"
    return Metric(
        name=name,
        label=label,
        description=f"Geplande woningen in de provinciale plancapaciteit, {which}, over alle planperioden (stand van de compilatie).",
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=("gemeente", "planperiode") + (() if hardheid else ("hardheid",)),
        expression=Aggregate(
            kind="sum",
            model="plancapaciteit",
            column="pl.woningen",
            filters=(Filter(column="pl.hardheid", op="=", value=hardheid),) if hardheid else (),
        ),
        higher_is_better=True,
        disclosure="none",
        roles=ALL_ROLES,
    )


_PROJECT_DIMS = ("jaar", "kwartaal", "maand", "wijk", "buurt", "projectstatus", "segment")

METRICS = (
    _voorraad(
        "woningvoorraad",
        "wv.eindstand",
        "Woningvoorraad",
        "Aantal woningen aan het eind van het jaar volgens CBS (eindstand 81955NED). Een stand: zonder gekozen jaar het laatste jaar.",
        stock=True,
    ),
    _voorraad("nieuwbouw", "wv.nieuwbouw", "Nieuwbouw", "Aantal nieuwgebouwde woningen in het jaar volgens CBS.", better=True),
    _voorraad("sloop", "wv.sloop", "Sloop", "Aantal gesloopte woningen in het jaar volgens CBS."),
    _voorraad(
        "saldo_woningvoorraad",
        "wv.saldo",
        "Groei woningvoorraad",
        "Saldo van nieuwbouw, overige toevoeging, sloop, overige onttrekking en correctie in het jaar (CBS).",
        better=True,
    ),
    _plan("plancapaciteit", "Plancapaciteit", None),
    _plan("plancapaciteit_hard", "Harde plancapaciteit", "hard"),
    _plan("plancapaciteit_zacht", "Zachte plancapaciteit", "zacht"),
    Metric(
        name="projecten",
        label="Woningbouwprojecten",
        description="Aantal verschillende woningbouwprojecten, naar jaar van geplande oplevering.",
        unit="projecten",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="maand",
        dimensions=_PROJECT_DIMS,
        expression=Aggregate(kind="count_distinct", model="projecten", column="p.project_id"),
        higher_is_better=None,
        disclosure="none",
        roles=STAFF,
    ),
    Metric(
        name="projecten_woningen",
        label="Woningen in projecten",
        description="Aantal woningen in woningbouwprojecten, naar jaar van geplande oplevering, status en segment.",
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="maand",
        dimensions=_PROJECT_DIMS,
        expression=Aggregate(kind="sum", model="projecten", column="p.woningen"),
        higher_is_better=True,
        disclosure="none",
        roles=STAFF,
    ),
    Metric(
        name="opgeleverd",
        label="Opgeleverde woningen",
        description="Aantal woningen in projecten met status opgeleverd, naar de werkelijke opleverdatum.",
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="maand",
        dimensions=tuple(d for d in _PROJECT_DIMS if d != "projectstatus"),
        expression=Aggregate(
            kind="sum",
            model="projecten",
            column="p.woningen",
            filters=(Filter(column="p.status", op="=", value="opgeleverd"),),
            time=OnDate(column="p.werkelijke_oplevering"),
        ),
        higher_is_better=True,
        disclosure="none",
        roles=STAFF,
    ),
)


def _setting(name: str, label: str, description: str, column: str, unit: str, fmt: str) -> Metric:
    return Metric(
        name=name,
        label=label,
        description=description,
        unit=unit,
        format=fmt,
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=(),
        expression=Aggregate(kind="sum", model="instellingen_wonen", column=column),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    )


METRICS += (
    _setting(
        "woningbouwdoel",
        "Woningbouwdoel",
        "Het aantal woningen dat de gemeente zich ten doel stelt over de doelperiode, uit het instellingenbestand van de gemeente "
        "(met de bron erbij). Leeg als de gemeente geen doel heeft vastgelegd.",
        "iw.woningbouwdoel",
        "woningen",
        "aantal",
    ),
    _setting(
        "plancapaciteit_norm",
        "Norm plancapaciteit",
        "De minimale plancapaciteit als deel van de resterende woningbouwopgave, uit het instellingenbestand van de gemeente: de "
        "stelregel van ABF Research (Inventarisatie plancapaciteit, november 2020) is 130%, om uitval en vertraging van plannen op te vangen.",
        "iw.plancapaciteit_norm",
        "% van de resterende opgave",
        "procent",
    ),
    Metric(
        name="woningbouwopgave_rest",
        label="Resterende woningbouwopgave",
        description=(
            "Het woningbouwdoel van de gemeente min de nieuwbouw die CBS telt in de jaren van de doelperiode tot nu toe "
            "(81955NED); nooit minder dan 0. Leeg als de gemeente geen doel heeft vastgelegd."
        ),
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=(),
        expression=Derived(function="metrics.woningbouw:resterende_opgave", inputs=("woningbouwdoel", "nieuwbouw"), sources=("instellingen_wonen", "woningvoorraad")),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
    Metric(
        name="plancapaciteit_dekking",
        label="Plancapaciteit tegen de opgave",
        description=(
            "Plancapaciteit (hard en zacht, alle planperioden) gedeeld door de resterende woningbouwopgave. Onder de norm uit het "
            "instellingenbestand (stelregel 130%) is er te weinig in de plannen om uitval en vertraging op te vangen."
        ),
        unit="% van de resterende opgave",
        format="procent",
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=(),
        expression=Ratio(numerator="plancapaciteit", denominator="woningbouwopgave_rest"),
        higher_is_better=True,
        norm=Norm(setting="plancapaciteit_norm", label="plancapaciteit minstens de norm van de gemeente (stelregel 130%) van de resterende opgave", direction="min"),
        disclosure="none",
        roles=ALL_ROLES,
    ),
)
