"""The dimensions a metric may be split or filtered by: code type, Dutch label, sort order.

Which column answers a dimension differs per table; that mapping lives in each semantic model.
Closed sets (verwijzer, segment, ...) are declared with their members, in the order users expect;
open sets get their labels from a warehouse table, or from the fact row (aanbieder).
"""

from __future__ import annotations

from babel.dates import get_month_names

from metrics.declarations import Dimension, LabelTable, Member, RollUp

_MONTHS = get_month_names("abbreviated", locale="nl_NL")


def _members(*pairs: tuple) -> tuple[Member, ...]:
    return tuple(Member(code=c, label=lbl) for c, lbl in pairs)


def _same(*codes: str) -> tuple[Member, ...]:
    return tuple(Member(code=c, label=c) for c in codes)


_ALL = (
    Dimension(
        name="gemeente",
        label="Gemeente",
        description="CBS-gemeentecode (GMxxxx); voor vergelijkingen met andere gemeenten.",
        kind="regio",
        labels=LabelTable(table="gemeenten", key="gemeente_code", label="gemeente_naam"),
        pattern=r"GM\d{4}",
    ),
    Dimension(
        name="wijk",
        label="Wijk",
        description="CBS-wijk (WKxxxxxx) van de gemeente.",
        kind="regio",
        labels=LabelTable(table="wijken", key="wijk_code", label="wijk_naam"),
        pattern=r"WK\d{6}",
    ),
    Dimension(
        name="buurt",
        label="Buurt",
        description="CBS-buurt (BUxxxxxxxx); valt binnen één wijk.",
        kind="regio",
        labels=LabelTable(table="buurten", key="buurt_code", label="buurt_naam"),
        pattern=r"BU\d{8}",
        parent="wijk",
        rollup=RollUp(table="buurten", key="buurt_code", parent="wijk_code"),
    ),
    Dimension(name="jaar", label="Jaar", description="Kalenderjaar.", kind="tijd", type="int", pattern=r"(19|20)\d\d"),
    Dimension(
        name="kwartaal",
        label="Kwartaal",
        description="Kwartaal van het jaar (K1-K4).",
        kind="tijd",
        type="int",
        order="declared",
        members=_members(*((q, f"K{q}") for q in range(1, 5))),
    ),
    Dimension(
        name="maand",
        label="Maand",
        description="Maand van het jaar (1-12); combineer met jaar voor een tijdreeks.",
        kind="tijd",
        type="int",
        order="declared",
        members=_members(*((m, _MONTHS[m]) for m in range(1, 13))),
    ),
    Dimension(
        name="productcategorie",
        label="Productcategorie",
        description="iJw-productcategorie (2 cijfers) van de toewijzing.",
        kind="categorie",
        labels=LabelTable(table="jeugd_productcategorieen", key="productcategorie", label="omschrijving"),
        pattern=r"\d{2}",
        parent="productgroep",
        rollup=RollUp(table="jeugd_productcategorieen", key="productcategorie", parent="groep"),
    ),
    Dimension(
        name="productgroep",
        label="Soort jeugdhulp",
        description="Groep van productcategorieën, zoals in begroting en verantwoording.",
        kind="categorie",
        order="declared",
        members=_same(
            "jeugdhulp zonder verblijf",
            "jeugdhulp met verblijf",
            "jeugd-GGZ",
            "jeugdbescherming",
            "jeugdreclassering",
        ),
    ),
    Dimension(
        name="aanbieder",
        label="Aanbieder",
        description="Zorgaanbieder (AGB-code), met de naam uit de toewijzing.",
        kind="categorie",
        order="label",
        pattern=r"[0-9A-Za-z]{1,12}",
    ),
    Dimension(
        name="verwijzer",
        label="Verwijzer",
        description="Wie naar jeugdhulp verwees.",
        kind="categorie",
        order="declared",
        members=_same(
            "gemeentelijke toegang",
            "huisarts",
            "jeugdarts",
            "gecertificeerde instelling",
            "medisch specialist",
            "zelfverwijzer/geen verwijzer",
            "rechter/OvJ/functionaris JJI",
        ),
    ),
    Dimension(
        name="taakveld",
        label="Taakveld (Iv3)",
        description="Iv3-taakveld zoals in dat jaar geldig; vanaf 2023 fijner ingedeeld (6.72a-d, 6.73a-c, 6.74a-c, 6.82a-b).",
        kind="categorie",
        order="natural",
        labels=LabelTable(table="iv3_taakvelden", key="taakveld", label="omschrijving"),
        pattern=r"\d\.\d{2}[a-d]?",
    ),
    Dimension(
        name="taakveld_reeks",
        label="Taakveld (reeks)",
        description="Het taakveld van vóór 2023 dat een taakveld voortzet (6.72 of 6.82), zodat reeksen over 2023 heen doorlopen.",
        kind="categorie",
        order="declared",
        members=_members(("6.72", "6.72 Maatwerkdienstverlening 18-"), ("6.82", "6.82 Geëscaleerde zorg 18-")),
    ),
    Dimension(
        name="soort_misdrijf",
        label="Soort misdrijf",
        description="Soort misdrijf volgens CBS/Politie (bijv. 1.1.1 diefstal/inbraak woning).",
        kind="categorie",
        order="natural",
        labels=LabelTable(table="soorten_misdrijf", key="soort_code", label="titel"),
        pattern=r"\d\.\d\.\d{1,2}",
    ),
    Dimension(
        name="misdrijf_hoofdgroep",
        label="Hoofdgroep misdrijf",
        description="Hoofdgroep van de soort misdrijf.",
        kind="categorie",
        order="label",
        pattern=r"[^\x00-\x1f]{1,80}",
    ),
    Dimension(
        name="soort_overlast",
        label="Soort overlast",
        description="Categorie van registraties overlast (bijv. E35 jeugd).",
        kind="categorie",
        order="code",
        labels=LabelTable(table="soorten_overlast", key="soort_code", label="titel"),
        pattern=r"[A-Z]\d{2,3}",
    ),
    Dimension(
        name="segment",
        label="Segment",
        description="Woningmarktsegment van de woningen in een project.",
        kind="categorie",
        order="declared",
        members=_same("sociale huur", "middenhuur", "betaalbare koop", "dure koop"),
    ),
    Dimension(
        name="projectstatus",
        label="Projectstatus",
        description="Fase van een woningbouwproject.",
        kind="categorie",
        order="declared",
        members=_same("idee", "zacht", "hard", "in aanbouw", "opgeleverd"),
    ),
    Dimension(
        name="beleidsmix",
        label="Beleidsmix",
        description=(
            "Categorie van de woningbouwmix uit de instellingen van de gemeente (bij Zwolle goedkoop, middelduur en duur), "
            "met de segmenten die erbij horen; segmenten buiten de mix heten Onbekend."
        ),
        kind="categorie",
        order="label",
        labels=LabelTable(table="instellingen_beleidsmix", key="doel", label="doel"),
        pattern=r"[^\x00-\x1f]{1,80}",
    ),
    Dimension(
        name="hardheid",
        label="Hardheid",
        description="Hardheid van plancapaciteit: hard (vastgesteld plan) of zacht (in voorbereiding).",
        kind="categorie",
        order="declared",
        members=_same("hard", "zacht", "onbekend"),
    ),
    Dimension(
        name="planperiode",
        label="Planperiode",
        description="Periode waarin plancapaciteit gerealiseerd wordt.",
        kind="categorie",
        order="declared",
        members=_same("2020-2024", "2025-2029", "2030+", "ongefaseerd"),
    ),
    Dimension(
        name="meldingcategorie",
        label="Categorie melding",
        description="Categorie van de melding openbare ruimte.",
        kind="categorie",
        order="label",
        pattern=r"[^\x00-\x1f]{1,80}",
    ),
    Dimension(
        name="meldingstatus",
        label="Status melding",
        description="Status van de melding openbare ruimte.",
        kind="categorie",
        order="declared",
        members=_same("open", "in behandeling", "afgehandeld"),
    ),
)

DIMENSIONS: dict[str, Dimension] = {d.name: d for d in _ALL}
if len(DIMENSIONS) != len(_ALL):
    raise ValueError("dubbele dimensienaam in metrics.dimensions")
