"""Veiligheid: registered crime and nuisance (CBS/Politie), and meldingen openbare ruimte."""

from __future__ import annotations

from metrics.declarations import (
    Aggregate,
    Analysis,
    CbsPeriod,
    DimensionColumn,
    Filter,
    Join,
    Metric,
    Norm,
    OnDate,
    PerCapita,
    Ratio,
    RegionLevels,
    SemanticModel,
    TotalMember,
)
from metrics.definitions import ALL_ROLES, STAFF

OWNER = "Openbare Orde en Veiligheid"
OWNER_MELDINGEN = "Beheer Openbare Ruimte"

# High-impact crimes: "Woninginbraak, overvallen, straatroof en geweld zijn High Impact Crimes
# (HIC)" (Regioburgemeesters / ministerie van JenV, thema High Impact Criminaliteit; OM, thema
# Overvallen: "Overvallen, straatroven, woninginbraken en geweld"). In the politie classification
# of 47018NED (dimension SoortMisdrijf, checked against SoortMisdrijf.csv of the table, with the
# incident codes of https://www.politie.nl/algemeen/dataportaal/dataportaal-definities.html):
#   woninginbraak  1.1.1 Diefstal/inbraak woning (A20, A30, B20, B30)
#   straatroof     1.4.6 Straatroof
#   overval        1.4.7 Overval
#   geweld         1.4.1 Zedenmisdrijf, 1.4.2 Moord, doodslag, 1.4.3 Openlijk geweld (persoon),
#                  1.4.4 Bedreiging, 1.4.5 Mishandeling
# The loader marks these in soorten_misdrijf.high_impact (data_sources.politie_misdrijven.HIGH_IMPACT).
HIC_WONINGINBRAAK = ("1.1.1",)
HIC_STRAATROOF = ("1.4.6",)
HIC_OVERVAL = ("1.4.7",)
HIC_GEWELD = ("1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5")
HIGH_IMPACT = HIC_WONINGINBRAAK + HIC_STRAATROOF + HIC_OVERVAL + HIC_GEWELD


def _cbs_model(name: str, table: str, alias: str, soorten: str, description: str, dims: tuple[DimensionColumn, ...], total_dims: tuple[str, ...]):
    return SemanticModel(
        name=name,
        description=description,
        table=table,
        alias=alias,
        joins=(
            Join(table=soorten, alias="s", on=(("s.soort_code", f"{alias}.soort_code"),)),
            Join(table="buurten", alias="rb", on=(("rb.buurt_code", f"{alias}.regio_code"),)),
        ),
        time=CbsPeriod(year=f"{alias}.jaar", month=f"{alias}.maand", quarter=f"{alias}.kwartaal"),
        dimensions=dims,
        regions=RegionLevels(code=f"{alias}.regio_code", level=f"{alias}.regio_niveau", wijk_of_buurt="rb.wijk_code", buurten_when_missing=True),
        gemeente=f"{alias}.gemeente_code",
        total_member=TotalMember(column=f"{alias}.soort_code", code="0.0.0", dimensions=total_dims),
    )


MODELS = (
    _cbs_model(
        "misdrijven",
        "misdrijven",
        "m",
        "soorten_misdrijf",
        "Geregistreerde misdrijven (CBS/Politie) per periode, regio en soort; CBS-regioniveaus gemeente, wijk en buurt.",
        (
            DimensionColumn(dimension="soort_misdrijf", column="m.soort_code"),
            DimensionColumn(dimension="misdrijf_hoofdgroep", column="s.hoofdgroep"),
        ),
        ("soort_misdrijf", "misdrijf_hoofdgroep"),
    ),
    _cbs_model(
        "overlast",
        "overlast",
        "o",
        "soorten_overlast",
        "Registraties overlast (Politie) per periode, regio en soort.",
        (DimensionColumn(dimension="soort_overlast", column="o.soort_code"),),
        ("soort_overlast",),
    ),
    SemanticModel(
        name="meldingen",
        internal=True,
        description="Meldingen openbare ruimte (MOR) met datum, categorie, buurt en afhandeling.",
        table="meldingen",
        alias="me",
        # The gemeente's afhandeltermijn (one-row settings table): every melding is held to it.
        joins=(Join(table="instellingen_meldingen", alias="ti", on=()),),
        time=OnDate(column="me.datum"),
        dimensions=(
            DimensionColumn(dimension="wijk", column="me.wijk_code"),
            DimensionColumn(dimension="buurt", column="me.buurt_code"),
            DimensionColumn(dimension="meldingcategorie", column="me.categorie"),
            DimensionColumn(dimension="meldingstatus", column="me.status"),
        ),
    ),
    SemanticModel(
        name="instellingen_meldingen",
        internal=True,
        description="De afhandeltermijn van meldingen openbare ruimte uit het instellingenbestand van de gemeente (één rij, of geen als die niet is ingesteld).",
        table="instellingen_meldingen",
        alias="im",
    ),
)

_CRIME_DIMS = ("jaar", "kwartaal", "maand", "wijk", "buurt")
_MELDING_DIMS = ("jaar", "kwartaal", "maand", "wijk", "buurt", "meldingcategorie")
_PUBLISHED = (
    " Per niveau de gepubliceerde politiecijfers: het gemeentetotaal bevat ook misdrijven die niet aan een buurt zijn toe te wijzen."
)
_HANDLED = Filter(column="me.afgehandeld_op", op="is not null")
_HAS_TERM = Filter(column="ti.afhandeltermijn_werkdagen", op="is not null")
_TERM = "de afhandeltermijn van de gemeente (instellingen_meldingen, uit het instellingenbestand)"


def _crime(name: str, label: str, description: str, filters: tuple[Filter, ...] = (), dims: tuple[str, ...] = _CRIME_DIMS) -> Metric:
    return Metric(
        name=name,
        label=label,
        description=description + _PUBLISHED,
        unit="misdrijven",
        format="aantal",
        owner=OWNER,
        domain="veiligheid",
        time_grain="maand",
        dimensions=dims,
        expression=Aggregate(kind="sum", model="misdrijven", column="m.aantal", filters=filters),
        higher_is_better=False,
        disclosure="none",
        roles=ALL_ROLES,
    )


def _meldingen(name: str, label: str, description: str, expression, *, unit="meldingen", fmt="aantal", better=None, dims=_MELDING_DIMS) -> Metric:
    return Metric(
        name=name,
        label=label,
        description=description,
        unit=unit,
        format=fmt,
        owner=OWNER_MELDINGEN,
        domain="veiligheid",
        time_grain="maand",
        dimensions=dims,
        expression=expression,
        higher_is_better=better,
        disclosure="none",
        roles=STAFF,
    )


METRICS = (
    _crime(
        "misdrijven",
        "Geregistreerde misdrijven",
        "Aantal door de politie geregistreerde misdrijven in de periode, alle soorten samen of per soort.",
        dims=_CRIME_DIMS + ("soort_misdrijf", "misdrijf_hoofdgroep"),
    ),
    _crime(
        "high_impact_crimes",
        "High-impact crimes",
        "Woninginbraak, straatroof, overval en geweldsmisdrijven (zeden, moord en doodslag, openlijk geweld, bedreiging, mishandeling): "
        "de soorten die in soorten_misdrijf als high impact gemarkeerd zijn.",
        filters=(Filter(column="s.high_impact", op="=", value=True),),
        dims=_CRIME_DIMS + ("soort_misdrijf",),
    ),
    _crime(
        "hic_geweld",
        "Geweldsmisdrijven (HIC)",
        "Zedenmisdrijven, moord en doodslag, openlijk geweld tegen personen, bedreiging en mishandeling (soorten 1.4.1-1.4.5).",
        filters=(Filter(column="m.soort_code", op="in", value=HIC_GEWELD),),
    ),
    _crime(
        "straatroven",
        "Straatroven",
        "Geregistreerde straatroven (soort 1.4.6).",
        filters=(Filter(column="m.soort_code", op="=", value="1.4.6"),),
    ),
    _crime(
        "overvallen",
        "Overvallen",
        "Geregistreerde overvallen (soort 1.4.7).",
        filters=(Filter(column="m.soort_code", op="=", value="1.4.7"),),
    ),
    _crime(
        "woninginbraken",
        "Woninginbraken",
        "Geregistreerde diefstallen en inbraken uit woningen (soort 1.1.1).",
        filters=(Filter(column="m.soort_code", op="=", value="1.1.1"),),
    ),
    Metric(
        name="misdrijven_per_1000",
        label="Misdrijven per 1.000 inwoners",
        description=(
            "Geregistreerde misdrijven per 1.000 inwoners op 1 januari van hetzelfde jaar (dichtstbijzijnde eerdere jaar als dat ontbreekt)."
            + _PUBLISHED
        ),
        unit="per 1.000 inwoners",
        format="decimaal",
        owner=OWNER,
        domain="veiligheid",
        time_grain="jaar",
        dimensions=("jaar", "wijk", "buurt"),
        expression=PerCapita(metric="misdrijven", population="inwoners"),
        higher_is_better=False,
        # A signal for the Kompas, not a published norm: a wijk with more than twice the gemeente's
        # rate per 1.000 inwoners (index 200) is worth a look in the driehoek.
        norm=Norm(value=200, on="index", label="signaalgrens: meer dan twee keer het gemiddelde van de gemeente (index 200)", direction="max"),
        disclosure="none",
        roles=ALL_ROLES,
    ),
    Metric(
        name="overlast",
        label="Registraties overlast",
        description="Aantal door de politie geregistreerde overlastincidenten in de periode, alle soorten samen of per soort.",
        unit="registraties",
        format="aantal",
        owner=OWNER,
        domain="veiligheid",
        time_grain="maand",
        dimensions=_CRIME_DIMS + ("soort_overlast",),
        expression=Aggregate(kind="sum", model="overlast", column="o.aantal"),
        higher_is_better=False,
        disclosure="none",
        roles=ALL_ROLES,
    ),
    _meldingen(
        "meldingen",
        "Meldingen openbare ruimte",
        "Aantal meldingen openbare ruimte met een meldingsdatum in de periode.",
        Aggregate(kind="count", model="meldingen"),
        dims=_MELDING_DIMS + ("meldingstatus",),
    ),
    _meldingen(
        "meldingen_open",
        "Openstaande meldingen",
        "Meldingen uit de periode die nog niet zijn afgehandeld (geen afhandeldatum).",
        Aggregate(kind="count", model="meldingen", filters=(Filter(column="me.afgehandeld_op", op="is null"),)),
        better=False,
    ),
    _meldingen(
        "meldingen_afgehandeld",
        "Afgehandelde meldingen",
        "Meldingen uit de periode met een afhandeldatum.",
        Aggregate(kind="count", model="meldingen", filters=(_HANDLED,)),
    ),
    Metric(
        name="afhandeltermijn",
        label="Afhandeltermijn meldingen",
        description=(
            "De termijn in werkdagen waarbinnen een melding openbare ruimte afgehandeld hoort te zijn, zoals de gemeente die in haar "
            "instellingenbestand vastlegt ([meldingen] afhandeltermijn_werkdagen). Leeg als de gemeente geen termijn heeft ingesteld."
        ),
        unit="werkdagen",
        format="werkdagen",
        owner=OWNER_MELDINGEN,
        domain="veiligheid",
        time_grain="geen",
        dimensions=(),
        expression=Aggregate(kind="mean", model="instellingen_meldingen", column="im.afhandeltermijn_werkdagen"),
        higher_is_better=None,
        disclosure="none",
        roles=STAFF,
    ),
    _meldingen(
        "meldingen_afgehandeld_met_termijn",
        "Afgehandelde meldingen (met termijn)",
        f"Afgehandelde meldingen uit de periode, als er een afhandeltermijn is ingesteld ({_TERM}); anders geen.",
        Aggregate(kind="count", model="meldingen", filters=(_HANDLED, _HAS_TERM)),
    ),
    _meldingen(
        "meldingen_binnen_termijn",
        "Meldingen afgehandeld binnen termijn",
        f"Afgehandelde meldingen uit de periode met hoogstens zoveel werkdagen tussen melding en afhandeling als {_TERM}.",
        Aggregate(
            kind="count",
            model="meldingen",
            filters=(_HANDLED, Filter(column="me.afhandel_werkdagen", op="<=", other="ti.afhandeltermijn_werkdagen")),
        ),
        better=True,
    ),
    _meldingen(
        "pct_binnen_termijn",
        "Percentage afgehandeld binnen termijn",
        f"Meldingen afgehandeld binnen {_TERM} gedeeld door alle afgehandelde meldingen uit de periode; leeg zonder ingestelde termijn.",
        Ratio(numerator="meldingen_binnen_termijn", denominator="meldingen_afgehandeld_met_termijn"),
        unit="% van de afgehandelde meldingen",
        fmt="procent",
        better=True,
    ),
    _meldingen(
        "afhandeltijd",
        "Afhandeltijd meldingen (mediaan)",
        "Mediaan van het aantal kalenderdagen tussen melding en afhandeling, over de afgehandelde meldingen uit de periode.",
        Aggregate(kind="median", model="meldingen", column="dagen(me.datum, me.afgehandeld_op)", filters=(_HANDLED,)),
        unit="dagen",
        fmt="dagen",
        better=False,
    ),
)


ANALYSES = (
    Analysis(
        name="veiligheid.per_gebied",
        label="Per wijk of buurt, met toevalsmarge",
        description=(
            "Misdrijven, high-impact crimes of overlast per wijk of buurt: aantal, inwoners, per 1.000 inwoners met het exacte "
            "95%-interval van Poisson, index (gemeente = 100) en of het cijfer onbetrouwbaar is (weinig gebeurtenissen of inwoners)."
        ),
        function="metrics.veiligheid:per_gebied",
        roles=ALL_ROLES,
    ),
    Analysis(
        name="veiligheid.dekking",
        label="Wat de politiecijfers bevatten",
        description="Het gemeentecijfer en de som van de buurten, en of de soorten en maandcijfers geladen zijn, voor één jaar.",
        function="metrics.veiligheid:dekking",
        roles=ALL_ROLES,
    ),
    Analysis(
        name="veiligheid.seizoen",
        label="Seizoenspatroon",
        description="Per kalendermaand het gemiddelde over de volledige jaren met maandcijfers, als index (gemiddelde maand = 100).",
        function="metrics.veiligheid:seizoen",
        roles=ALL_ROLES,
    ),
    Analysis(
        name="veiligheid.per_soort",
        label="Per soort misdrijf in een wijk",
        description=(
            "Per soort misdrijf (code en omschrijving van CBS/Politie 47018NED) in één wijk: aantal en verandering, per 1.000 inwoners "
            "met het 95%-interval, naast de gemeente, en de index (gemeente = 100)."
        ),
        function="metrics.veiligheid:per_soort",
        roles=ALL_ROLES,
    ),
    Analysis(
        name="veiligheid.wijkprofiel",
        label="Wijkprofiel",
        description=(
            "Veiligheid, inwoners, wonen en (afgeschermde) jeugdhulp van één wijk tegen de gemeente, voor de rol die het vraagt: "
            "dezelfde cijfers op het scherm en in het wijkrapport (PDF)."
        ),
        function="metrics.veiligheid:wijkprofiel",
        roles=ALL_ROLES,
    ),
)
