"""Open data for data.overheid.nl: disclosure-controlled aggregates as CSV, and their metadata as
DCAT-AP-DONL 1.1 JSON-LD.

What is published is declared below (PUBLICATIONS): aggregates of the sources whose licence allows
it (CBS/Politie open data under CC BY 4.0, and the gemeente's own registrations that are
"geaggregeerd openbaar"); never the youth-care data (intern). Every figure is computed as a role
with disclosure control sees it (publication_scope), through the one engine: the same protection as
in the app, whatever the figure.

DCAT-AP-DONL 1.1 (dcat-ap-donl.readthedocs.io; source github.com/dataoverheid/readthedocs-dcat-ap-donl-1.1,
source/classes-dataset.rst and classes-distribution.rst) makes these properties mandatory:
- Dataset: identifier (dct:identifier, xsd:anyURI), title, description, metadataLanguage and
  language (both dct:language, donl:language), theme (dcat:theme, 1..n, overheid:taxonomiebeleidsagenda),
  modificationDate (dct:modified, xsd:date), authority (overheid:authority), publisher
  (dct:publisher), contactPoint (dcat:contactPoint, vcard:Kind); and, since DCAT-AP-NL 1.1,
  license (dct:license) on the dataset too (source/changes-dcat-ap-nl-11.rst).
- Distribution: accessURL, license, title, description, language, format (dct:format, mdr:filetype);
  rights (dct:rights) is mandatory by the same changes page.
REQUIRED_DATASET and REQUIRED_DISTRIBUTION list them; tests/test_open_data.py parses the JSON-LD
with rdflib and checks every one.

Value lists (waardelijsten.dcat-ap-donl.nl): languages and file types are EU Publications Office
authority URIs, licences CC URIs ending in deed.nl, themes OWMS TaxonomieBeleidsagenda terms, as
data.overheid.nl's own mappings use them. The authority is the gemeente's OWMS term; OWMS adds
"_(gemeente)" where the name is also a woonplaats (Amersfoort_(gemeente), Groningen_(gemeente)),
which holds for the cities this app serves: check it against donl_organization before publishing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from metrics import meta, registry
from metrics.dimensions import DIMENSIONS
from metrics.manifest import MANIFEST
from metrics.roles import Scope

if TYPE_CHECKING:
    from metrics.engine import Engine

OWMS = "http://standaarden.overheid.nl/owms/terms/"
LANGUAGE_NL = "http://publications.europa.eu/resource/authority/language/NLD"
FILE_TYPE_CSV = "http://publications.europa.eu/resource/authority/file-type/CSV"
MEDIA_TYPE_CSV = "https://www.iana.org/assignments/media-types/text/csv"
CC_BY = "http://creativecommons.org/licenses/by/4.0/deed.nl"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
_FREQUENCY_OF_DAYS = {1: "DAILY", 7: "WEEKLY", 31: "MONTHLY", 92: "QUARTERLY", 366: "ANNUAL"}

THEMES = {
    "veiligheid": OWMS + "Openbare_orde_en_veiligheid",
    "wonen": OWMS + "Huisvesting_(thema)",
    "openbare_ruimte": OWMS + "Ruimte_en_infrastructuur",
}

REQUIRED_DATASET = {
    "dct:identifier": "identifier",
    "dct:title": "title",
    "dct:description": "description",
    "dct:language": "language en metadataLanguage",
    "dcat:theme": "theme",
    "dct:modified": "modificationDate",
    "overheid:authority": "authority",
    "dct:publisher": "publisher",
    "dcat:contactPoint": "contactPoint",
    "dct:license": "license",
}
REQUIRED_DISTRIBUTION = {
    "dcat:accessURL": "accessURL",
    "dct:license": "license",
    "dct:title": "title",
    "dct:description": "description",
    "dct:language": "language",
    "dct:format": "format",
    "dct:rights": "rights",
}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "overheid": OWMS,
}


@dataclass(frozen=True)
class Publication:
    key: str  # file name and identifier, e.g. "misdrijven-per-wijk"
    dataset: str  # the source key it is made from
    title: str
    description: str
    metrics: tuple[str, ...]  # one column each
    by: tuple[str, ...]
    theme: str
    licence: str  # a licence URI (overheid:license)
    rights: str  # Dutch: attribution and reuse conditions


# Own registrations are published under CC0: an assumption until the data owner confirms it (the
# licence of the source says "geaggregeerd openbaar" without naming one).
PUBLICATIONS = (
    Publication(
        "misdrijven-per-wijk", "politie_misdrijven", "Geregistreerde misdrijven per wijk en jaar",
        "Aantal door de politie geregistreerde misdrijven per wijk en jaar, en per 1.000 inwoners op 1 januari, uit CBS/Politie 47018NED; alleen hele jaren.",
        ("misdrijven", "misdrijven_per_1000"), ("jaar", "wijk"), THEMES["veiligheid"], CC_BY,
        "Bron: Politie, via CBS Open Data (CC BY 4.0). Bewerking: Databrigade.",
    ),
    Publication(
        "overlast-per-wijk", "politie_overlast", "Registraties overlast per wijk en jaar",
        "Aantal door de politie geregistreerde overlastincidenten per wijk en jaar, uit CBS/Politie; alleen hele jaren.",
        ("overlast",), ("jaar", "wijk"), THEMES["veiligheid"], CC_BY,
        "Bron: Politie, via CBS Open Data (CC BY 4.0). Bewerking: Databrigade.",
    ),
    Publication(
        "woningvoorraad", "cbs_woningvoorraad", "Woningvoorraad, nieuwbouw en sloop per jaar",
        "Woningvoorraad aan het eind van het jaar, nieuwbouw en sloop in het jaar volgens CBS (81955NED).",
        ("woningvoorraad", "nieuwbouw", "sloop"), ("jaar",), THEMES["wonen"], CC_BY,
        "Bron: CBS (CC BY 4.0). Bewerking: Databrigade.",
    ),
    Publication(
        "meldingen-openbare-ruimte", "meldingen", "Meldingen openbare ruimte per wijk, maand en categorie",
        "Aantal meldingen openbare ruimte per wijk, maand en categorie, uit het meldingensysteem van de gemeente.",
        ("meldingen",), ("jaar", "maand", "wijk", "meldingcategorie"), THEMES["openbare_ruimte"], CC0,
        "Eigen registratie van de gemeente, als aggregaat; vrij te hergebruiken (CC0).",
    ),
    Publication(
        "woningbouwprojecten", "woningbouwprojecten", "Woningen in woningbouwprojecten per wijk, status en segment",
        "Aantal woningen in woningbouwprojecten van de gemeente per wijk, status, segment en jaar van geplande oplevering.",
        ("projecten_woningen",), ("jaar", "wijk", "projectstatus", "segment"), THEMES["wonen"], CC0,
        "Eigen registratie van de gemeente, als aggregaat; vrij te hergebruiken (CC0).",
    ),
)  # fmt: skip


def publication_scope(metric: str) -> Scope:
    """Who open data is computed for: the public (a guest) where a guest may see the figure, else the
    first role with disclosure control that may; never a role that sees exact small counts."""
    m = registry.get(metric)
    for name, spec in MANIFEST.roles.items():
        if spec.disclosure_control and name in m.roles and name == "gast":
            return Scope(role=name)
    for name, spec in MANIFEST.roles.items():
        if spec.disclosure_control and name in m.roles:
            return Scope(role=name)
    raise ValueError(f"geen rol met afscherming mag {metric} zien: niet te publiceren")


@dataclass(frozen=True)
class Aggregate:
    publication: Publication
    csv: bytes
    rows: int
    hidden: int  # cells shown as geheim (empty in the CSV, afgeschermd = true)
    roles: tuple[str, ...]  # the scopes the figures were computed for


def available(engine: Engine, loaded: set[str]) -> list[Publication]:
    """The publications whose source is loaded and whose metrics can be computed."""
    return [p for p in PUBLICATIONS if p.dataset in loaded and all(engine.available(m) for m in p.metrics)]


def aggregate(engine: Engine, pub: Publication) -> Aggregate:
    """The publication's table as CSV (RFC 4180: commas, UTF-8, a point as decimal separator), codes
    and names of every dimension, one column per metric, and `afgeschermd` where a cell is hidden."""
    frame = None
    hidden = 0
    roles = []
    for name in pub.metrics:
        scope = publication_scope(name)
        roles.append(scope.role)
        part = engine.query(name, by=list(pub.by), scope=scope)
        if "jaar" in pub.by and "maand" not in pub.by:
            # A year still running is not a year's figure (per 1.000 inwoners least of all): whole years only.
            part = part.filter(pl.col("jaar").is_null() | (pl.col("jaar") < engine.info.peildatum.year))
        hidden += int(part["geheim"].sum())
        part = part.select(*pub.by, *(f"{d}_label" for d in pub.by), pl.col("waarde").alias(name), pl.col("geheim").alias(f"_{name}_geheim"))
        frame = part if frame is None else frame.join(part.drop(*(f"{d}_label" for d in pub.by)), on=list(pub.by), how="full", coalesce=True)
    flags = [c for c in frame.columns if c.startswith("_") and c.endswith("_geheim")]
    frame = frame.with_columns(pl.any_horizontal(*(pl.col(c).fill_null(False) for c in flags)).alias("afgeschermd")).drop(flags)
    headers = []
    for d in pub.by:
        headers += [(d, f"{d}_code" if DIMENSIONS[d].kind != "tijd" else d), (f"{d}_label", f"{d}_naam")] if DIMENSIONS[d].kind != "tijd" else [(d, d)]
    headers += [(m, m) for m in pub.metrics] + [("afgeschermd", "afgeschermd")]
    out = frame.select([pl.col(src).alias(dst) for src, dst in headers]).sort(list(dict.fromkeys(dst for src, dst in headers if src in pub.by)))
    buffer = io.StringIO()
    # Written from Python lists (no polars writer callbacks on the serving path; docs/concurrency.md).
    columns = [out.get_column(c).to_list() for c in out.columns]
    buffer.write(",".join(out.columns) + "\r\n")
    for values in zip(*columns):
        buffer.write(",".join(_cell(v) for v in values) + "\r\n")
    return Aggregate(pub, buffer.getvalue().encode("utf-8"), out.height, hidden, tuple(dict.fromkeys(roles)))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v == int(v) else repr(round(v, 6))
    text = str(v)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def authority(gemeente_naam: str) -> str:
    """The gemeente's OWMS term (see the module note on '_(gemeente)')."""
    return OWMS + gemeente_naam.replace(" ", "_") + "_(gemeente)"


def default_base_url(gemeente_naam: str) -> str:
    return f"https://www.{slug(gemeente_naam)}.nl/open-data/datakompas/"


def _text(value: str) -> dict:
    return {"@value": value, "@language": "nl"}


def dcat(aggregates: list[Aggregate], sets: pl.DataFrame, gemeente_naam: str, *, base_url: str, contact_email: str | None = None,
         today: dt.date | None = None) -> dict:  # fmt: skip
    """The catalogue of the publications as DCAT-AP-DONL 1.1 JSON-LD (a dict; json.dumps it)."""
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+/", base_url):
        raise ValueError(f"geen geldig publicatieadres: {base_url!r} (verwacht https://.../ met een / aan het eind)")
    base = base_url if base_url.endswith("/") else base_url + "/"
    today = today or dt.date.today()
    org = {"@id": authority(gemeente_naam)}
    rows = {r["key"]: r for r in sets.iter_rows(named=True)}
    out = []
    for agg in aggregates:
        p = agg.publication
        source = rows.get(p.dataset, {})
        loaded = source.get("loaded_at")
        modified = (loaded.date() if isinstance(loaded, dt.datetime) else loaded) or today
        contact = {"@type": "vcard:Kind", "vcard:fn": source.get("steward") or f"Gemeente {gemeente_naam}"}
        contact["vcard:hasEmail" if contact_email else "vcard:hasURL"] = {"@id": f"mailto:{contact_email}" if contact_email else base}
        frequency = _FREQUENCY_OF_DAYS.get(meta.refresh_days(source.get("refresh")), "IRREG")
        url = base + p.key + ".csv"
        out.append(
            {
                "@id": base + p.key,
                "@type": "dcat:Dataset",
                "dct:identifier": {"@value": base + p.key, "@type": "xsd:anyURI"},
                "dct:title": _text(p.title),
                "dct:description": _text(f"{p.description} Gemeente {gemeente_naam}."),
                "dct:language": {"@id": LANGUAGE_NL},
                "dcat:theme": {"@id": p.theme},
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
                "overheid:authority": org,
                "dct:publisher": org,
                "dct:spatial": org,
                "dcat:contactPoint": contact,
                "dct:license": {"@id": p.licence},
                "dct:accrualPeriodicity": {"@id": FREQUENCY + frequency},
                "dcat:keyword": [_text(k) for k in (gemeente_naam, *(DIMENSIONS[d].label.lower() for d in p.by))],
                "dcat:distribution": [
                    {
                        "@id": url + "#distributie",
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": {"@id": url},
                        "dcat:downloadURL": {"@id": url},
                        "dct:title": _text(p.title + " (CSV)"),
                        "dct:description": _text(
                            "CSV (komma's, UTF-8, punt als decimaalteken): per " + ", ".join(DIMENSIONS[d].label.lower() for d in p.by)
                            + " de code en naam, een kolom per cijfer (" + ", ".join(p.metrics) + ") en 'afgeschermd' (true als een cel is "
                            "afgeschermd wegens kleine aantallen: dan is hij leeg)."
                        ),
                        "dct:language": {"@id": LANGUAGE_NL},
                        "dct:format": {"@id": FILE_TYPE_CSV},
                        "dcat:mediaType": {"@id": MEDIA_TYPE_CSV},
                        "dct:license": {"@id": p.licence},
                        "dct:rights": _text(p.rights),
                        "dcat:byteSize": {"@value": str(len(agg.csv)), "@type": "xsd:decimal"},
                        "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
                    }
                ],
            }
        )
    return {
        "@context": CONTEXT,
        "@id": base + "catalogus",
        "@type": "dcat:Catalog",
        "dct:title": _text(f"Open data Datakompas, gemeente {gemeente_naam}"),
        "dct:publisher": org,
        "dcat:dataset": out,
    }


def missing_required(doc: dict) -> list[str]:
    """Mandatory DCAT-AP-DONL 1.1 properties that a dataset or distribution of `doc` lacks (Dutch lines)."""
    out = []
    for ds in doc.get("dcat:dataset", []):
        out += [f"{ds.get('@id')}: {label} ({prop}) ontbreekt" for prop, label in REQUIRED_DATASET.items() if not ds.get(prop)]
        dists = ds.get("dcat:distribution") or []
        if not dists:
            out.append(f"{ds.get('@id')}: geen distributie")
        for d in dists:
            out += [f"{d.get('@id')}: {label} ({prop}) ontbreekt" for prop, label in REQUIRED_DISTRIBUTION.items() if not d.get(prop)]
    return out


def analysis(engine: Engine, scope: Scope, loaded: tuple[str, ...]) -> list[Aggregate]:
    """The declared analysis algemeen.open_data: every available publication of the loaded sources.
    `scope` is the caller's (the Databrigade); the figures use publication_scope, never it."""
    return [aggregate(engine, p) for p in available(engine, set(loaded))]
