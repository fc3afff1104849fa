"""Jeugd: youth-care spending against budget, jeugdigen and trajecten, doorlooptijd.

Lasten are declarations by month of care (`jeugd_declaraties.maand`), not by the month they
were submitted: that is what the budget is for, and what the forecast completes. Every status
counts except `afgekeurd`: a submitted declaration not yet checked is care that was delivered.
Credit lines are negative and are included, so corrections net out in the month they concern.
"""

from __future__ import annotations

from metrics.declarations import (
    Aggregate,
    Analysis,
    Derived,
    DimensionColumn,
    Filter,
    InYear,
    Join,
    Metric,
    Norm,
    OnDate,
    PerCapita,
    Ratio,
    SemanticModel,
    Span,
)
from metrics.definitions import JEUGD, JEUGD_BEGROTING

# The budget is set for the gemeente as a whole, so it has no meaning inside one wijk.
_BUDGET_ROLES = JEUGD_BEGROTING
_BUDGET_NOTE = "De begroting geldt voor de gemeente als geheel"

OWNER = "Team Jeugd, sociaal domein (controller Jeugd)"

# Target of the toegang: care starts within 5 working days of the aanvraag (one constant, used by norm and count).
NORM_WERKDAGEN = 5

_KOPPELING = (
    Join(table="jeugd_productcategorieen", alias="pc", on=(("pc.productcategorie", "t.productcategorie"),)),
    Join(
        table="jeugd_taakveld_koppeling",
        alias="kt",
        on=(("kt.productcategorie", "t.productcategorie"),),
        during=("kt.vanaf_jaar", "kt.tot_jaar"),
    ),
    Join(table="iv3_taakvelden", alias="tv", on=(("tv.taakveld", "kt.taakveld"),)),
)

_TOEWIJZING_DIMENSIONS = (
    DimensionColumn(dimension="wijk", column="t.wijk_code"),
    DimensionColumn(dimension="buurt", column="t.buurt_code"),
    DimensionColumn(dimension="productcategorie", column="t.productcategorie"),
    DimensionColumn(dimension="productgroep", column="pc.groep"),
    DimensionColumn(dimension="aanbieder", column="t.aanbieder_agb", label="t.aanbieder_naam"),
    DimensionColumn(dimension="verwijzer", column="t.verwijzer"),
    DimensionColumn(dimension="taakveld", column="kt.taakveld"),
    DimensionColumn(dimension="taakveld_reeks", column="tv.reeks"),
)

MODELS = (
    SemanticModel(
        name="declaraties",
        internal=True,
        description="Declaratieregels per toewijzing per zorgmaand, met de kenmerken van de toewijzing.",
        table="jeugd_declaraties",
        alias="d",
        joins=(Join(table="jeugd_toewijzingen", alias="t", on=(("t.toewijzing_id", "d.toewijzing_id"),)),) + _KOPPELING,
        time=OnDate(column="d.maand"),
        # The jeugdige and the wijk are copied onto each line by the build (WAREHOUSE.md): a count
        # of jeugdigen, a protected cell or a wijkmanager's scope then needs no join with the toewijzingen.
        dimensions=(DimensionColumn(dimension="wijk", column="d.wijk_code"), *(c for c in _TOEWIJZING_DIMENSIONS if c.dimension != "wijk")),
        person="d.client_key",
        known_at="d.ingediend_op",
        record="d.declaratie_id",
    ),
    SemanticModel(
        name="toewijzingen",
        internal=True,
        description="Toewijzingen jeugdhulp (trajecten): één rij per toewijzing, met gepseudonimiseerde cliënt.",
        table="jeugd_toewijzingen",
        alias="t",
        joins=_KOPPELING,
        time=OnDate(column="t.begindatum"),
        dimensions=_TOEWIJZING_DIMENSIONS,
        person="t.client_key",
        record="t.toewijzing_id",
    ),
    SemanticModel(
        name="begroting",
        internal=True,
        description="Begroting jeugd per jaar, Iv3-taakveld en groep productcategorieën.",
        table="jeugd_begroting",
        alias="bg",
        joins=(Join(table="iv3_taakvelden", alias="tv", on=(("tv.taakveld", "bg.taakveld"),)),),
        time=InYear(column="bg.jaar"),
        dimensions=(
            DimensionColumn(dimension="taakveld", column="bg.taakveld"),
            DimensionColumn(dimension="taakveld_reeks", column="tv.reeks"),
            DimensionColumn(dimension="productgroep", column="bg.productcategorie_groep"),
        ),
    ),
)

_ALL_DIMS = ("jaar", "kwartaal", "maand", "wijk", "buurt", "productcategorie", "productgroep", "aanbieder", "verwijzer", "taakveld", "taakveld_reeks")
_BUDGET_DIMS = ("jaar", "taakveld", "taakveld_reeks", "productgroep")
_NOT_REJECTED = Filter(column="d.status", op="!=", value="afgekeurd")
_ACTIVE = Span(start="t.begindatum", end="t.einddatum")
_ENDED = OnDate(column="t.einddatum")
_HAS_END = Filter(column="t.einddatum", op="is not null")
_HAS_REQUEST = Filter(column="t.aanvraagdatum", op="is not null")
_DOORLOOPTIJD = "werkdagen(t.aanvraagdatum, t.begindatum)"


def _metric(name: str, **fields) -> Metric:
    fields.setdefault("owner", OWNER)
    fields.setdefault("roles", JEUGD)
    fields.setdefault("dimensions", _ALL_DIMS)
    fields.setdefault("time_grain", "maand")
    fields.setdefault("population", "inwoners_0_17")
    return Metric(name=name, domain="jeugd", **fields)


METRICS = (
    _metric(
        "lasten",
        label="Lasten jeugdhulp",
        description=(
            "Som van de gedeclareerde bedragen, toegerekend aan de maand waarin de zorg is geleverd (niet de maand van indienen). "
            "Alle declaraties tellen mee behalve afgekeurde; creditregels (negatief) verrekenen correcties. "
            "Recente maanden zijn nog onvolledig omdat aanbieders later declareren: zie de prognose."
        ),
        unit="euro",
        format="euro",
        expression=Aggregate(kind="sum", model="declaraties", column="d.bedrag", filters=(_NOT_REJECTED,)),
        higher_is_better=False,
        disclosure="amount",
    ),
    _metric(
        "jeugdigen_gedeclareerd",
        label="Jeugdigen met declaraties",
        description="Aantal verschillende jeugdigen (gepseudonimiseerde cliënten) met minstens één niet-afgekeurde declaratie voor zorg in de periode.",
        unit="jeugdigen",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="declaraties", column="d.client_key", filters=(_NOT_REJECTED,)),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "kosten_per_jeugdige",
        label="Kosten per jeugdige",
        description="Lasten gedeeld door het aantal jeugdigen met declaraties in dezelfde periode en groep (na afronding van het aantal jeugdigen).",
        unit="euro per jeugdige",
        format="euro_exact",
        expression=Ratio(numerator="lasten", denominator="jeugdigen_gedeclareerd"),
        higher_is_better=False,
        disclosure="amount",
    ),
    _metric(
        "aanbieders",
        label="Aanbieders met declaraties",
        description=(
            "Aantal verschillende zorgaanbieders (AGB-code) met minstens één niet-afgekeurde declaratie in de periode. "
            "Afgeschermd als een aantal personen: welke aanbieders een kleine groep jeugdigen helpen, zegt iets over die jeugdigen."
        ),
        unit="aanbieders",
        format="aantal",
        dimensions=tuple(d for d in _ALL_DIMS if d != "aanbieder"),
        expression=Aggregate(kind="count_distinct", model="declaraties", column="t.aanbieder_agb", filters=(_NOT_REJECTED,)),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "begroting_actueel",
        label="Actuele begroting jeugd",
        description="Actuele begroting (na begrotingswijzigingen) voor het jaar, per Iv3-taakveld en soort jeugdhulp.",
        unit="euro",
        format="euro",
        time_grain="jaar",
        dimensions=_BUDGET_DIMS,
        roles=_BUDGET_ROLES,
        access_note=_BUDGET_NOTE,
        expression=Aggregate(kind="sum", model="begroting", column="bg.actuele_begroting"),
        higher_is_better=None,
        disclosure="none",
    ),
    _metric(
        "begroting_primitief",
        label="Primitieve begroting jeugd",
        description="Begroting zoals vastgesteld door de raad vóór het begrotingsjaar, per Iv3-taakveld en soort jeugdhulp.",
        unit="euro",
        format="euro",
        time_grain="jaar",
        dimensions=_BUDGET_DIMS,
        roles=_BUDGET_ROLES,
        access_note=_BUDGET_NOTE,
        expression=Aggregate(kind="sum", model="begroting", column="bg.primitieve_begroting"),
        higher_is_better=None,
        disclosure="none",
    ),
    _metric(
        "budgetuitputting",
        label="Uitputting begroting",
        description="Lasten als percentage van de actuele begroting van hetzelfde jaar (en taakveld of soort jeugdhulp).",
        unit="% van de begroting",
        format="procent",
        time_grain="jaar",
        dimensions=_BUDGET_DIMS,
        roles=_BUDGET_ROLES,
        access_note=_BUDGET_NOTE,
        expression=Ratio(numerator="lasten", denominator="begroting_actueel"),
        higher_is_better=False,
        norm=Norm(value=1.0, label="actuele begroting (100%)", direction="max"),
        disclosure="amount",
    ),
    _metric(
        "prognose",
        label="Prognose lasten jaareinde",
        description=(
            "Verwachte lasten over het hele jaar, per zorgmaand opgeteld: wat al gedeclareerd is; plus wat voor zorgmaanden tot "
            "de peildatum nog binnenkomt, per aanbieder volgens diens eigen gebruikelijke vertraging (een aanbieder die duidelijk "
            "achterloopt wordt aangevuld tot wat zijn toewijzingen doen verwachten); plus, voor de maanden daarna, de kosten van "
            "bekende toewijzingen (volume x tarief, maal de kans dat ze dan nog lopen) en van nieuwe toewijzingen (in het tempo en "
            "tegen de kosten van het afgelopen jaar), op het tariefniveau uit de instellingen en de declaraties. De 80%-marge komt "
            "uit de backtest op eerdere jaren. Berekend door metrics.jeugd.prognose."
        ),
        unit="euro",
        format="euro",
        time_grain="jaar",
        dimensions=("jaar", "wijk", "productcategorie", "aanbieder"),  # split by jaar, filter by the others
        expression=Derived(
            function="metrics.jeugd.prognose:jaareinde",
            inputs=("lasten",),
            sources=("jeugd_declaraties", "jeugd_toewijzingen"),
            group="jeugdigen_gedeclareerd",
            noise="lasten",  # a forecast of a selection carries the noise of that selection's lasten
        ),
        higher_is_better=False,
        disclosure="amount",
    ),
    _metric(
        "prognose_saldo",
        label="Verwachte over- of onderschrijding",
        description=(
            "Prognose van de lasten over het hele jaar min de actuele begroting van hetzelfde jaar (en dezelfde soort "
            "jeugdhulp): positief is een verwachte overschrijding, negatief een onderschrijding. Met de 80%-marge van de "
            "prognose. De begroting geldt voor de gemeente als geheel, dus niet per wijk of aanbieder. Berekend door metrics.jeugd.jeugdzorg."
        ),
        unit="euro",
        format="euro",
        time_grain="jaar",
        dimensions=("jaar", "productgroep"),  # split by jaar, filter by productgroep
        roles=_BUDGET_ROLES,
        access_note=_BUDGET_NOTE,
        expression=Derived(
            function="metrics.jeugd.jeugdzorg:saldo",
            inputs=("prognose", "begroting_actueel"),
            sources=("jeugd_begroting", "jeugd_productcategorieen"),
            group="jeugdigen_gedeclareerd",
        ),
        higher_is_better=False,
        norm=Norm(value=0.0, label="binnen de actuele begroting", direction="max"),
        disclosure="amount",
    ),
    _metric(
        "lasten_ontleding",
        label="Verschil lasten met vorig jaar, ontleed",
        description=(
            "Verschil tussen de lasten van de gekozen maanden en die van dezelfde maanden vorig jaar, zoals die op dezelfde dag "
            "een jaar eerder bekend waren (zo drukken declaraties die nog moeten komen beide jaren even zwaar). Gesplitst in "
            "drie delen die precies optellen tot het verschil (log-mean Divisia, LMDI): meer of minder jeugdigen met "
            "declaraties; meer of minder zorg per jeugdige tegen gelijke tarieven (ook een verschuiving naar duurdere zorg); "
            "hogere of lagere tarieven, de prijs per eenheid van dezelfde producten (iJw-productcode en eenheid) uit het "
            "tarief van de toewijzingen achter de declaraties, gewogen naar hun aandeel in de lasten (Sato-Vartia). "
            "Groepen met 7 of minder jeugdigen in een van beide jaren worden niet gesplitst. Berekend door metrics.jeugd.drivers."
        ),
        unit="euro",
        format="euro",
        dimensions=("jaar", "maand", "wijk", "productcategorie", "productgroep", "aanbieder", "verwijzer", "taakveld", "taakveld_reeks"),
        expression=Derived(
            function="metrics.jeugd.drivers:ontleding",
            inputs=("lasten",),
            sources=("jeugd_declaraties", "jeugd_toewijzingen", "jeugd_productcategorieen", "jeugd_taakveld_koppeling", "iv3_taakvelden"),
            group="jeugdigen_gedeclareerd",
        ),
        higher_is_better=False,
        disclosure="amount",
    ),
    _metric(
        "jeugdigen",
        label="Jeugdigen met jeugdhulp",
        description=(
            "Aantal verschillende jeugdigen met een lopende toewijzing op enig moment in de periode "
            "(begindatum vóór het einde van de periode, einddatum leeg of ná het begin). Zonder gekozen periode: de maand van de peildatum."
        ),
        unit="jeugdigen",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.client_key", time=_ACTIVE),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "jeugdigen_per_1000",
        label="Jeugdigen met jeugdhulp per 1.000 jongeren",
        description=(
            "Jeugdigen met jeugdhulp (afgerond) per 1.000 inwoners van 0-17 jaar op 1 januari van hetzelfde jaar; "
            "ontbreekt dat jaar, dan het dichtstbijzijnde eerdere jaar."
        ),
        unit="per 1.000 inwoners 0-17",
        format="decimaal",
        time_grain="jaar",
        dimensions=("jaar", "wijk", "buurt"),
        expression=PerCapita(metric="jeugdigen", population="inwoners_0_17"),
        higher_is_better=None,
        disclosure="amount",
    ),
    _metric(
        "trajecten_gestart",
        label="Gestarte trajecten (instroom)",
        description="Aantal toewijzingen met een begindatum in de periode.",
        unit="trajecten",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.toewijzing_id"),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "trajecten_beeindigd",
        label="Beëindigde trajecten (uitstroom)",
        description="Aantal toewijzingen met een einddatum in de periode.",
        unit="trajecten",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.toewijzing_id", filters=(_HAS_END,), time=_ENDED),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "trajecten_lopend",
        label="Lopende trajecten",
        description="Aantal toewijzingen dat op enig moment in de periode liep. Zonder gekozen periode: de maand van de peildatum.",
        unit="trajecten",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.toewijzing_id", time=_ACTIVE),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "gemiddelde_duur",
        label="Gemiddelde duur beëindigde trajecten",
        description="Gemiddeld aantal kalenderdagen van begindatum tot einddatum, over de toewijzingen die in de periode eindigden.",
        unit="dagen",
        format="dagen",
        expression=Aggregate(kind="mean", model="toewijzingen", column="dagen(t.begindatum, t.einddatum)", filters=(_HAS_END,), time=_ENDED),
        higher_is_better=None,
        disclosure="amount",
    ),
    _metric(
        "toewijzingen_met_aanvraag",
        label="Toewijzingen met aanvraagdatum",
        description="Aantal toewijzingen met een begindatum in de periode waarvan de aanvraagdatum bekend is (basis voor de doorlooptijd).",
        unit="trajecten",
        format="aantal",
        expression=Aggregate(kind="count_distinct", model="toewijzingen", column="t.toewijzing_id", filters=(_HAS_REQUEST,)),
        higher_is_better=None,
        disclosure="persons",
    ),
    _metric(
        "doorlooptijd",
        label="Doorlooptijd aanvraag tot toewijzing",
        description=(
            "Gemiddeld aantal werkdagen (maandag tot en met vrijdag, feestdagen niet uitgezonderd) van de aanvraagdatum tot de "
            "begindatum van de toewijzing, voor toewijzingen die in de periode begonnen."
        ),
        unit="werkdagen",
        format="werkdagen",
        expression=Aggregate(kind="mean", model="toewijzingen", column=_DOORLOOPTIJD, filters=(_HAS_REQUEST,)),
        higher_is_better=False,
        norm=Norm(value=NORM_WERKDAGEN, label=f"norm: binnen {NORM_WERKDAGEN} werkdagen", direction="max"),
        disclosure="amount",
    ),
    _metric(
        "toewijzingen_binnen_norm",
        label="Toewijzingen binnen de norm",
        description=f"Aantal toewijzingen met aanvraagdatum dat binnen {NORM_WERKDAGEN} werkdagen na de aanvraag begon.",
        unit="trajecten",
        format="aantal",
        expression=Aggregate(
            kind="count_distinct",
            model="toewijzingen",
            column="t.toewijzing_id",
            filters=(_HAS_REQUEST, Filter(column=_DOORLOOPTIJD, op="<=", value=NORM_WERKDAGEN)),
        ),
        higher_is_better=True,
        disclosure="persons",
    ),
    _metric(
        "aandeel_binnen_norm",
        label="Aandeel toewijzingen binnen de norm",
        description=f"Toewijzingen binnen {NORM_WERKDAGEN} werkdagen gedeeld door alle toewijzingen met aanvraagdatum (beide afgerond).",
        unit="% van de toewijzingen",
        format="procent",
        expression=Ratio(numerator="toewijzingen_binnen_norm", denominator="toewijzingen_met_aanvraag"),
        higher_is_better=True,
        disclosure="amount",
    ),
    _metric(
        "cbs_pct_jongeren_jeugdzorg",
        label="Jongeren met jeugdzorg (CBS)",
        description=(
            "Percentage jongeren tot 18 jaar met jeugdzorg in natura volgens CBS Kerncijfers wijken en buurten "
            "(onderwerp PercentageJongerenMetJeugdzorg). CBS telt per jaar en naar woonadres, wij per toewijzing: verschillen zijn normaal."
        ),
        unit="% van de jongeren",
        format="percentage",
        owner="CBS (publicatie); Databrigade (beheer)",
        time_grain="jaar",
        dimensions=("jaar", "gemeente", "wijk", "buurt"),
        expression=Aggregate(
            kind="mean",
            model="kwb",
            column="k.waarde",
            filters=(Filter(column="k.onderwerp", op="=", value="PercentageJongerenMetJeugdzorg"),),
            stock=True,
        ),
        higher_is_better=None,
        disclosure="none",
    ),
)


# Analyses that are not one metric; pages reach them through ScopedEngine.analysis, and each
# function protects what it returns for the scope it is given.
ANALYSES = (
    Analysis(
        name="jeugd.prognose_detail",
        label="Prognose per zorgmaand",
        description="De jaareindprognose per zorgmaand: gedeclareerd, nog te declareren en verwacht uit lopende toewijzingen.",
        function="metrics.jeugd.jeugdzorg:prognose_detail",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.backtest",
        label="Toets van de prognose op eerdere jaren",
        description="De prognose opnieuw gemaakt eind maart, juni en september van elk volledig eerder jaar, tegen de uitkomst.",
        function="metrics.jeugd.jeugdzorg:backtest",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.wijkvergelijking",
        label="Jeugdhulp per wijk naast CBS",
        description="Jeugdigen met jeugdhulp per 1.000 jongeren per wijk, naast het CBS-percentage jongeren met jeugdzorg.",
        function="metrics.jeugd.jeugdzorg:wijkvergelijking",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.taakveld_reeksen",
        label="Iv3-taakvelden per reeks",
        description="Per taakveld van vóór 2023 de taakvelden vanaf 2023 die het voortzetten.",
        function="metrics.jeugd.jeugdzorg:taakveld_reeksen",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.categorieen",
        label="Productcategorieën per soort jeugdhulp",
        description="De iJw-productcategorieën die bij een soort jeugdhulp (productgroep) horen.",
        function="metrics.jeugd.jeugdzorg:categorieen",
        roles=JEUGD,
    ),
)

ANALYSES += (
    Analysis(
        name="jeugd.late_aanbieders",
        label="Aanbieders die later declareren dan verwacht",
        description="Aanbieders die over een reeks zorgmaanden duidelijk minder declareerden dan hun toewijzingen en hun eigen gebruikelijke vertraging doen verwachten, met het tekort.",
        function="metrics.jeugd.jeugdzorg:late_aanbieders",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.wat_als",
        label="Wat als: prognose onder andere aannames",
        description="De jaareindprognose bij een andere tariefstijging, instroom of duur van nieuwe trajecten, naast de ongewijzigde prognose.",
        function="metrics.jeugd.jeugdzorg:wat_als_detail",
        roles=JEUGD,
    ),
    Analysis(
        name="jeugd.herkomst",
        label="Herkomst van de gegevens van de backtest",
        description="Demodata (met het zaad) of echte exports: om geciteerde backtestcijfers te kunnen herhalen.",
        function="metrics.jeugd.jeugdzorg:herkomst",
        roles=JEUGD,
    ),
)

ANALYSES += (
    Analysis(
        name="jeugd.late_signaal",
        label="Signaal: aanbieders die later declareren dan verwacht",
        description="Dezelfde toets als jeugd.late_aanbieders, voor het lopende jaar zonder filters: voor het Kompas.",
        function="metrics.jeugd.jeugdzorg:late_signaal",
        roles=JEUGD,
        signal="Aanbieders declareren later dan verwacht",
    ),
)
