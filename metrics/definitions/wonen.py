"""Wonen: housing stock and its changes (CBS), plancapaciteit, the municipal project list, and the
gemeente's own targets and norms (the settings file, written by the build as `instellingen_wonen`
and `instellingen_beleidsmix`). Targets, norms and planuitval are read from those tables, never
written here: another gemeente's build brings its own, or none (then the figures that need them
are empty and the page says so).

Figures that combine sources (cumulative nieuwbouw against the target path, the remaining need,
plan capacity against it, the projection from the project pipeline, growth since a base year,
projects running late) are derived metrics computed in metrics.wonen.
"""

from __future__ import annotations

from metrics.declarations import Aggregate, Analysis, Derived, DimensionColumn, Filter, InYear, Join, Metric, Norm, OnDate, Ratio, SemanticModel
from metrics.definitions import ALL_ROLES, STAFF

OWNER = "Wonen en Ruimtelijke Ordening"
PROJECTS_NOTE = "Dit komt uit de interne projectenlijst van de gemeente"

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
        name="projecten",
        internal=True,
        description="Woningbouwprojecten van de gemeente: woningen per project en segment, met status en oplevering.",
        table="woningbouwprojecten",
        alias="p",
        # The doel of the gemeente's beleidsmix that a segment belongs to (none: segment outside the mix).
        joins=(Join(table="instellingen_beleidsmix_segmenten", alias="bs", on=(("bs.segment", "p.segment"),)),),
        time=OnDate(column="p.geplande_oplevering"),
        dimensions=(
            DimensionColumn(dimension="wijk", column="p.wijk_code"),
            DimensionColumn(dimension="buurt", column="p.buurt_code"),
            DimensionColumn(dimension="projectstatus", column="p.status"),
            DimensionColumn(dimension="segment", column="p.segment"),
            DimensionColumn(dimension="beleidsmix", column="bs.doel"),
        ),
    ),
    SemanticModel(
        name="instellingen_wonen",
        description="Woningbouwdoel, plancapaciteitsnorm en planuitval van de gemeente, uit haar instellingenbestand (één rij).",
        table="instellingen_wonen",
        alias="iw",
    ),
    SemanticModel(
        name="beleidsmix",
        description="De beleidsmix van de gemeente: per categorie (bijv. goedkoop) de segmenten en het beoogde aandeel van de nieuwbouw.",
        table="instellingen_beleidsmix",
        alias="bm",
        dimensions=(DimensionColumn(dimension="beleidsmix", column="bm.doel"),),
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


_PROJECT_DIMS = ("jaar", "kwartaal", "maand", "wijk", "buurt", "projectstatus", "segment", "beleidsmix")
# The pipeline: plans with at least a zacht status that are not delivered yet (ideas are not plans).
PIJPLIJN = ("zacht", "hard", "in aanbouw")


def _setting(name: str, column: str, label: str, description: str, *, fmt: str = "procent", unit: str = "fractie") -> Metric:
    return Metric(
        name=name,
        label=label,
        description=description + " Uit het instellingenbestand van de gemeente (data_sources/gemeenten/); leeg als het daar niet staat.",
        unit=unit,
        format=fmt,
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=(),
        # A mean over the one settings row: an unset setting stays empty (a sum would make it 0).
        expression=Aggregate(kind="mean", model="instellingen_wonen", column=column),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    )


def _derived(name: str, label: str, description: str, function: str, *, dims: tuple[str, ...] = ("jaar",), sources: tuple[str, ...],
             inputs: tuple[str, ...] = (), fmt: str = "aantal", unit: str = "woningen", better: bool | None = None, roles=ALL_ROLES,
             access_note: str | None = None, norm: Norm | None = None) -> Metric:  # fmt: skip
    return Metric(
        name=name,
        label=label,
        description=description,
        unit=unit,
        format=fmt,
        owner=OWNER,
        domain="wonen",
        time_grain="jaar" if "jaar" in dims else "geen",
        dimensions=dims,
        expression=Derived(function=f"metrics.wonen.{function}", inputs=inputs, sources=sources),
        higher_is_better=better,
        disclosure="none",
        roles=roles,
        access_note=access_note,
        norm=norm,
    )


_DOEL = ("instellingen_wonen", "woningvoorraad")
_PLAN = ("instellingen_wonen", "woningvoorraad", "plancapaciteit")
_PROJECTS = ("woningbouwprojecten",)

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
        access_note=PROJECTS_NOTE,
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
        access_note=PROJECTS_NOTE,
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
        access_note=PROJECTS_NOTE,
    ),
    Metric(
        name="woningen_pijplijn",
        label="Woningen in de pijplijn",
        description=(
            "Aantal woningen in projecten met status zacht, hard of in aanbouw: plannen die nog niet zijn opgeleverd. Ideeën tellen niet mee (nog geen plan). Naar jaar van geplande oplevering."
        ),
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="maand",
        dimensions=_PROJECT_DIMS,
        expression=Aggregate(kind="sum", model="projecten", column="p.woningen", filters=(Filter(column="p.status", op="in", value=PIJPLIJN),)),
        higher_is_better=True,
        disclosure="none",
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    # --- CBS mutaties: the other parts of the stock account (beginstand + mutaties = eindstand) ---
    _voorraad("beginstand_woningvoorraad", "wv.beginstand", "Beginstand woningvoorraad", "Aantal woningen op 1 januari van het jaar volgens CBS (beginstand 81955NED).", stock=True),
    _voorraad(
        "overige_toevoeging",
        "wv.overige_toevoeging",
        "Overige toevoeging",
        "Woningen die er in het jaar bij kwamen zonder nieuwbouw (CBS): splitsing, transformatie van bijvoorbeeld kantoren, verbouw.",
    ),
    _voorraad("overige_onttrekking", "wv.overige_onttrekking", "Overige onttrekking", "Woningen die in het jaar verdwenen zonder sloop (CBS): samenvoeging, verandering van gebruik naar niet-woning."),
    _voorraad("correctie_woningvoorraad", "wv.correctie", "Correctie", "Administratieve correcties op de woningvoorraad in het jaar (CBS), positief of negatief."),
    # --- the gemeente's settings (instellingen_wonen, instellingen_beleidsmix) ---
    _setting(
        "woningbouwdoel",
        "iw.woningbouwdoel",
        "Woningbouwdoel",
        "Het aantal nieuwe woningen dat de gemeente zich ten doel stelt over de doelperiode (van_jaar tot en met tot_jaar).",
        fmt="aantal",
        unit="woningen",
    ),
    _setting(
        "plancapaciteit_norm",
        "iw.plancapaciteit_norm",
        "Norm plancapaciteit",
        "De minimale plancapaciteit als deel van de resterende opgave (1,30 = 130%): extra plannen om uitval en vertraging op te vangen.",
    ),
    _setting("planuitval_hard", "iw.planuitval_hard", "Planuitval hard", "Het verwachte deel van de harde plancapaciteit dat niet of veel later wordt gebouwd (een aanname)."),
    _setting("planuitval_zacht", "iw.planuitval_zacht", "Planuitval zacht", "Het verwachte deel van de zachte plancapaciteit dat niet of veel later wordt gebouwd (een aanname)."),
    Metric(
        name="beleidsmix_aandeel",
        label="Beleidsmix",
        description="Het beoogde aandeel van een categorie (bijv. goedkoop) in de nieuwbouw, uit het instellingenbestand van de gemeente.",
        unit="% van de nieuwbouw",
        format="procent",
        owner=OWNER,
        domain="wonen",
        time_grain="geen",
        dimensions=("beleidsmix",),
        expression=Aggregate(kind="sum", model="beleidsmix", column="bm.aandeel"),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
    # --- the target: path, realisation, remaining need ---
    _derived(
        "doelpad",
        "Doelpad (cumulatief)",
        "Het woningbouwdoel gelijk verdeeld over de jaren van de doelperiode, opgeteld: wat er eind van elk jaar gebouwd zou moeten zijn. Zonder gekozen jaar: het hele doel.",
        "opgave:doelpad",
        sources=("instellingen_wonen",),
    ),
    _derived(
        "nieuwbouw_cumulatief",
        "Nieuwbouw sinds de start van het doel",
        "CBS-nieuwbouw opgeteld vanaf het eerste jaar van het woningbouwdoel tot en met het jaar (zonder doel: vanaf het eerste jaar met "
        "CBS-cijfers). Zonder gekozen jaar: tot en met het laatste jaar met cijfers. Ernaast het doelpad en het verschil ermee.",
        "opgave:nieuwbouw_cumulatief",
        sources=_DOEL,
        inputs=("nieuwbouw",),
        better=True,
    ),
    _derived(
        "resterende_opgave",
        "Resterende opgave",
        "Het woningbouwdoel min de CBS-nieuwbouw vanaf het eerste jaar van het doel tot en met het jaar (nooit onder 0): wat er na dat jaar "
        "nog gebouwd moet worden. Zonder gekozen jaar: na het laatste jaar met CBS-cijfers. Leeg zonder woningbouwdoel.",
        "opgave:resterende_opgave",
        sources=_DOEL,
        inputs=("nieuwbouw",),
    ),
    _derived(
        "plancapaciteit_nodig",
        "Nodige plancapaciteit",
        "De resterende opgave maal de norm voor plancapaciteit uit de instellingen (bij 130%: 1,3 × de resterende opgave).",
        "opgave:plancapaciteit_nodig",
        sources=_DOEL,
        inputs=("resterende_opgave", "plancapaciteit_norm"),
    ),
    _derived(
        "plancapaciteit_dekking",
        "Plancapaciteit tegen de opgave",
        "Plancapaciteit (hard, zacht en onbekend samen) gedeeld door de resterende opgave. Vergelijk met de norm (kolom norm): bij 130% is er genoeg om uitval en vertraging op te vangen.",
        "opgave:plancapaciteit_dekking",
        sources=_PLAN,
        inputs=("plancapaciteit", "resterende_opgave", "plancapaciteit_norm"),
        fmt="procent",
        unit="% van de resterende opgave",
        better=True,
        # A Kompas signal below the gemeente's norm (ABF Research's rule of thumb: 130%).
        norm=Norm(setting="plancapaciteit_norm", label="plancapaciteit minstens de norm van de gemeente (stelregel 130%) van de resterende opgave", direction="min"),
    ),
    _derived(
        "plancapaciteit_na_uitval",
        "Plancapaciteit na planuitval",
        "Plancapaciteit min de verwachte planuitval: harde plannen maal (1 - planuitval hard), zachte en plannen van onbekende hardheid "
        "maal (1 - planuitval zacht). De percentages staan in de instellingen van de gemeente.",
        "opgave:plancapaciteit_na_uitval",
        dims=("hardheid",),
        sources=("instellingen_wonen", "plancapaciteit"),
        inputs=("plancapaciteit", "planuitval_hard", "planuitval_zacht"),
        better=True,
    ),
    _derived(
        "plancapaciteit_dekking_na_uitval",
        "Plancapaciteit na uitval tegen de opgave",
        "Plancapaciteit na planuitval gedeeld door de resterende opgave: onder 100% is er na de verwachte uitval te weinig in plannen om het doel te halen.",
        "opgave:plancapaciteit_dekking_na_uitval",
        sources=_PLAN,
        inputs=("plancapaciteit_na_uitval", "resterende_opgave"),
        fmt="procent",
        unit="% van de resterende opgave",
        better=True,
    ),
    _derived(
        "prognose_nieuwbouw_cumulatief",
        "Prognose uit projecten (cumulatief)",
        "Nieuwbouw sinds de start van het doel tot en met het laatste CBS-jaar, daarna per jaar aangevuld met de verwachte opleveringen uit "
        "de woningbouwprojecten: opgeleverde projecten in hun opleverjaar, projecten in aanbouw volledig, harde en zachte plannen maal "
        "(1 - planuitval) in hun geplande opleverjaar; projecten die hun geplande oplevering al voorbij zijn in het jaar na de peildatum. "
        "Ideeën tellen niet mee. Projecten dekken niet alle nieuwbouw die CBS telt (particulieren, kleine plannen).",
        "opgave:prognose_nieuwbouw_cumulatief",
        sources=_DOEL + ("woningbouwprojecten",),
        inputs=("nieuwbouw_cumulatief", "planuitval_hard", "planuitval_zacht"),
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    # --- projects running late ---
    _derived(
        "projecten_te_laat",
        "Projecten over de geplande oplevering",
        "Aantal projecten dat nog niet is opgeleverd terwijl de geplande opleverdatum voor de peildatum ligt.",
        "projecten:te_laat",
        dims=("wijk", "buurt", "projectstatus", "segment"),
        sources=_PROJECTS,
        unit="projecten",
        better=False,
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    _derived(
        "woningen_te_laat",
        "Woningen over de geplande oplevering",
        "Aantal woningen in projecten die nog niet zijn opgeleverd terwijl de geplande opleverdatum voor de peildatum ligt.",
        "projecten:te_laat",
        dims=("wijk", "buurt", "projectstatus", "segment"),
        sources=_PROJECTS,
        better=False,
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    _derived(
        "vertraging_oplevering",
        "Vertraging bij oplevering",
        "Gemiddelde tijd tussen geplande en werkelijke oplevering van opgeleverde projecten, in maanden (30,4 dagen), gewogen naar "
        "woningen; negatief is eerder dan gepland. Naar jaar van werkelijke oplevering.",
        "projecten:vertraging",
        dims=("jaar", "wijk", "buurt", "segment"),
        sources=_PROJECTS,
        fmt="decimaal",
        unit="maanden",
        better=False,
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    _derived(
        "aandeel_later_opgeleverd",
        "Later opgeleverd dan het geplande jaar",
        "Deel van de opgeleverde woningen dat in een later kalenderjaar is opgeleverd dan gepland. Naar jaar van werkelijke oplevering.",
        "projecten:vertraging",
        dims=("jaar", "wijk", "buurt", "segment"),
        sources=_PROJECTS,
        fmt="procent",
        unit="% van de opgeleverde woningen",
        better=False,
        roles=STAFF,
        access_note=PROJECTS_NOTE,
    ),
    # --- per wijk and buurt: growth since the start of the target ---
    Metric(
        name="cbs_woningen",
        label="Woningen (CBS)",
        description=("Aantal woningen op 1 januari volgens CBS Kerncijfers wijken en buurten (onderwerp Woningvoorraad). Per niveau de gepubliceerde CBS-waarde (wijken en buurten afgerond op 5)."),
        unit="woningen",
        format="aantal",
        owner=OWNER,
        domain="wonen",
        time_grain="jaar",
        dimensions=("jaar", "gemeente", "wijk", "buurt"),
        expression=Aggregate(kind="sum", model="kwb", column="k.waarde", filters=(Filter(column="k.onderwerp", op="=", value="Woningvoorraad"),), stock=True),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
    _derived(
        "woningen_groei",
        "Groei woningen",
        "Woningen op 1 januari van het jaar min die op 1 januari van het basisjaar (cijfersoverzwolle.nl): het eerste jaar van het "
        "woningbouwdoel, of het eerste jaar met cijfers als dat later is of er geen doel is (kolom basisjaar; groei_pct relatief).",
        "groei:groei",
        dims=("jaar", "wijk", "buurt"),
        sources=("bevolking", "instellingen_wonen"),
        inputs=("woningen",),
    ),
    _derived(
        "inwoners_groei",
        "Groei inwoners",
        "Inwoners op 1 januari van het jaar min die op 1 januari van het basisjaar (cijfersoverzwolle.nl); basisjaar als bij de groei van de woningen.",
        "groei:groei",
        dims=("jaar", "wijk", "buurt"),
        sources=("bevolking", "instellingen_wonen"),
        inputs=("inwoners",),
        unit="inwoners",
    ),
    _derived(
        "cbs_woningen_groei",
        "Groei woningen (CBS)",
        "Woningen (CBS Kerncijfers wijken en buurten) op 1 januari van het jaar min die op 1 januari van het basisjaar; basisjaar als bij de groei van de woningen.",
        "groei:groei",
        dims=("jaar", "wijk", "buurt"),
        sources=("kwb", "instellingen_wonen"),
        inputs=("cbs_woningen",),
    ),
    _derived(
        "cbs_inwoners_groei",
        "Groei inwoners (CBS)",
        "Inwoners (CBS Kerncijfers wijken en buurten) op 1 januari van het jaar min die op 1 januari van het basisjaar; basisjaar als bij de groei van de woningen.",
        "groei:groei",
        dims=("jaar", "wijk", "buurt"),
        sources=("kwb", "instellingen_wonen"),
        inputs=("cbs_inwoners",),
        unit="inwoners",
    ),
    Metric(
        name="inwoners_per_woning",
        label="Inwoners per woning",
        description="Inwoners gedeeld door woningen op 1 januari (cijfersoverzwolle.nl): daalt als huishoudens kleiner worden.",
        unit="inwoners per woning",
        format="decimaal",
        owner=OWNER,
        domain="wonen",
        time_grain="jaar",
        dimensions=("jaar", "wijk", "buurt"),
        expression=Ratio(numerator="inwoners", denominator="woningen"),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
    Metric(
        name="cbs_inwoners_per_woning",
        label="Inwoners per woning (CBS)",
        description="Inwoners gedeeld door woningen op 1 januari volgens CBS Kerncijfers wijken en buurten.",
        unit="inwoners per woning",
        format="decimaal",
        owner=OWNER,
        domain="wonen",
        time_grain="jaar",
        dimensions=("jaar", "gemeente", "wijk", "buurt"),
        expression=Ratio(numerator="cbs_inwoners", denominator="cbs_woningen"),
        higher_is_better=None,
        disclosure="none",
        roles=ALL_ROLES,
    ),
)

# Analyses that are not one metric; pages reach them through ScopedEngine.analysis.
ANALYSES = (
    Analysis(
        name="wonen.instellingen",
        label="Instellingen wonen",
        description="Welke instellingen de gemeente heeft (doelperiode, beleidsmix) en hun bron of aanname, uit de instellingen-tabellen.",
        function="metrics.wonen.opgave:instellingen",
        roles=ALL_ROLES,
    ),
    Analysis(
        name="wonen.projecten_te_laat",
        label="Projecten over hun geplande oplevering",
        description="De projecten die nog niet zijn opgeleverd terwijl hun geplande opleverdatum voorbij is, met hoeveel maanden.",
        function="metrics.wonen.projecten:lijst_te_laat",
        roles=STAFF,
    ),
)

