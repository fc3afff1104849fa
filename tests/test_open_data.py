"""Open data: the DCAT-AP-DONL 1.1 JSON-LD is valid JSON-LD (parsed by rdflib, nothing fetched) with
every mandatory property, and the CSV aggregates hold what a role with disclosure control sees."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

import metrics
from metrics import meta, open_data

OVERHEID = rdflib.Namespace(open_data.OWMS)
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")

# DCAT-AP-DONL 1.1 mandatory properties with their cardinality (min, max; None = n), from
# source/classes-dataset.rst and classes-distribution.rst of dataoverheid/readthedocs-dcat-ap-donl-1.1,
# plus Dataset:license and Distribution:rights (source/changes-dcat-ap-nl-11.rst).
DATASET = {
    DCTERMS.identifier: (1, 1),
    DCTERMS.title: (1, 1),
    DCTERMS.description: (1, 1),
    DCTERMS.language: (1, None),  # language 1..n and metadataLanguage 1..1, both dct:language
    DCAT.theme: (1, None),
    DCTERMS.modified: (1, 1),
    OVERHEID.authority: (1, 1),
    DCTERMS.publisher: (1, 1),
    DCAT.contactPoint: (1, 1),
    DCTERMS.license: (1, 1),
}
DISTRIBUTION = {
    DCAT.accessURL: (1, 1),
    DCTERMS.license: (1, 1),
    DCTERMS.title: (1, 1),
    DCTERMS.description: (1, 1),
    DCTERMS.language: (1, None),
    DCTERMS.format: (1, 1),
    DCTERMS.rights: (1, 1),
}


@pytest.fixture(scope="module")
def published(demo_db):
    wh = metrics.open_warehouse(demo_db)
    engine = metrics.Engine(wh)
    sets = meta.datasets(wh)
    aggs = open_data.analysis(engine, metrics.Scope.local(), tuple(sets["key"].to_list()))
    doc = open_data.dcat(aggs, sets, "Zwolle", base_url="https://www.zwolle.nl/open-data/datakompas/", contact_email="databrigade@zwolle.nl")
    return engine, sets, aggs, doc


def _graph(doc: dict) -> rdflib.Graph:
    return rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")


def _violations(g: rdflib.Graph) -> list[str]:
    out = []
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    if not datasets:
        return ["geen dcat:Dataset"]
    for ds in datasets:
        for prop, (low, high) in DATASET.items():
            n = len(list(g.objects(ds, prop)))
            if n < low or (high is not None and n > high):
                out.append(f"{ds} {prop}: {n}")
        dists = list(g.objects(ds, DCAT.distribution))
        if not dists:
            out.append(f"{ds}: geen distributie")
        for d in dists:
            if (d, RDF.type, DCAT.Distribution) not in g:
                out.append(f"{d}: geen dcat:Distribution")
            for prop, (low, high) in DISTRIBUTION.items():
                n = len(list(g.objects(d, prop)))
                if n < low or (high is not None and n > high):
                    out.append(f"{d} {prop}: {n}")
    return out


def test_the_dcat_export_is_json_ld_with_every_mandatory_dcat_ap_donl_property(published):
    _, _, aggs, doc = published
    g = _graph(doc)
    assert {p.key for p in (a.publication for a in aggs)} == {"misdrijven-per-wijk", "overlast-per-wijk", "woningvoorraad", "meldingen-openbare-ruimte", "woningbouwprojecten"}
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == len(aggs)
    assert _violations(g) == []
    assert open_data.missing_required(doc) == []
    for ds in g.subjects(RDF.type, DCAT.Dataset):
        (identifier,) = g.objects(ds, DCTERMS.identifier)
        assert identifier.datatype == XSD.anyURI and str(identifier).startswith("https://")
        (modified,) = g.objects(ds, DCTERMS.modified)
        assert modified.datatype == XSD.date
        assert (ds, DCTERMS.language, rdflib.URIRef(open_data.LANGUAGE_NL)) in g
        assert all(str(t).startswith(open_data.OWMS) for t in g.objects(ds, DCAT.theme))
        (contact,) = g.objects(ds, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in g and list(g.objects(contact, VCARD.fn))
        for d in g.objects(ds, DCAT.distribution):
            (url,) = g.objects(d, DCAT.accessURL)
            assert isinstance(url, rdflib.URIRef) and str(url).endswith(".csv")
            assert (d, DCTERMS.format, rdflib.URIRef(open_data.FILE_TYPE_CSV)) in g
            assert str(next(g.objects(d, DCTERMS.license))) in (open_data.CC_BY, open_data.CC0)


@pytest.mark.parametrize("remove", ["dcat:theme", "overheid:authority", "dcat:contactPoint", "dct:identifier"])
def test_the_check_fails_when_a_mandatory_property_is_missing(published, remove):
    doc = copy.deepcopy(published[3])
    del doc["dcat:dataset"][0][remove]
    assert _violations(_graph(doc)), f"rdflib check missed {remove}"
    assert any(remove in line for line in open_data.missing_required(doc))


def test_a_distribution_without_format_or_rights_is_caught(published):
    doc = copy.deepcopy(published[3])
    dist = doc["dcat:dataset"][1]["dcat:distribution"][0]
    del dist["dct:format"], dist["dct:rights"]
    assert len([v for v in _violations(_graph(doc)) if "format" in v or "rights" in v]) == 2


def test_a_bad_base_url_is_refused(published):
    _, sets, aggs, _ = published
    with pytest.raises(ValueError, match="geen geldig publicatieadres"):
        open_data.dcat(aggs, sets, "Zwolle", base_url="zwolle open data")


def test_the_csv_holds_what_a_role_with_disclosure_control_sees(published):
    engine, _, aggs, _ = published
    peil = engine.info.peildatum
    by_key = {a.publication.key: a for a in aggs}
    for a in aggs:
        assert all(metrics.ROLES[r].disclosure_control for r in a.roles)
    rows = list(csv.DictReader(io.StringIO(by_key["misdrijven-per-wijk"].csv.decode("utf-8"))))
    assert {int(r["jaar"]) for r in rows} and max(int(r["jaar"]) for r in rows) < peil.year, "whole years only"
    guest = metrics.Scope(role="gast")
    expected = engine.query("misdrijven", by=["jaar", "wijk"], where={"jaar": 2025}, scope=guest)
    shown = {r["wijk_code"]: float(r["misdrijven"]) for r in rows if r["jaar"] == "2025"}
    assert shown == dict(zip(expected["wijk"].to_list(), expected["waarde"].to_list()))
    assert len(shown) == 16
    meldingen = list(csv.DictReader(io.StringIO(by_key["meldingen-openbare-ruimte"].csv.decode("utf-8"))))
    assert {"jaar", "maand", "wijk_code", "wijk_naam", "meldingcategorie_code", "meldingen", "afgeschermd"} <= set(meldingen[0])


def test_youth_care_is_never_published():
    assert not {p.dataset for p in open_data.PUBLICATIONS} & {"jeugd_toewijzingen", "jeugd_declaraties", "jeugd_begroting"}
    for p in open_data.PUBLICATIONS:
        for m in p.metrics:
            assert open_data.publication_scope(m).spec.disclosure_control
