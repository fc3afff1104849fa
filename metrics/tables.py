"""The warehouse tables metrics may read, as data: table -> column -> DuckDB type.

This mirrors data_sources/WAREHOUSE.md (the contract with the loaders); a test parses that file
and fails when the two drift apart. Declarations are checked against this mapping at import, so
a metric that names a column the loaders do not write cannot exist. The types are the ones the
metrics rely on (e.g. `misdrijven.maand` is a month number) and the synthetic test warehouse
(tests.synthetic) is created from them.
"""

from __future__ import annotations

from types import MappingProxyType

_CBS_PERIOD = {
    "periode_code": "VARCHAR",
    "jaar": "BIGINT",
    "maand": "BIGINT",  # 1-12, NULL for yearly rows
    "kwartaal": "BIGINT",  # 1-4, NULL unless a quarterly row
    "regio_code": "VARCHAR",
    "regio_niveau": "VARCHAR",
    "gemeente_code": "VARCHAR",
    "soort_code": "VARCHAR",
    "aantal": "BIGINT",
}

_AGE_BANDS = ("0_3", "4_11", "12_17", "18_24", "25_39", "40_54", "55_64", "65_74", "75_84", "85plus", "0_17", "18_64", "65plus")

TABLES: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        name: MappingProxyType(columns)
        for name, columns in {
            "gemeenten": {"gemeente_code": "VARCHAR", "gemeente_naam": "VARCHAR"},
            "wijken": {"wijk_code": "VARCHAR", "wijk_naam": "VARCHAR", "gemeente_code": "VARCHAR"},
            "buurten": {"buurt_code": "VARCHAR", "buurt_naam": "VARCHAR", "wijk_code": "VARCHAR", "gemeente_code": "VARCHAR"},
            "bevolking": {
                "jaar": "BIGINT",
                "buurt_code": "VARCHAR",
                "woningen": "BIGINT",
                "woonruimten": "BIGINT",
                "inwoners": "BIGINT",
                **{f"inwoners_{band}": "BIGINT" for band in _AGE_BANDS},
                "inkomen_huishouden": "DOUBLE",
                "pct_minima": "DOUBLE",
            },
            "kwb": {
                "jaar": "BIGINT",
                "regio_code": "VARCHAR",
                "regio_niveau": "VARCHAR",
                "gemeente_code": "VARCHAR",
                "onderwerp": "VARCHAR",
                "titel": "VARCHAR",
                "eenheid": "VARCHAR",
                "waarde": "DOUBLE",
            },
            "misdrijven": dict(_CBS_PERIOD),
            "soorten_misdrijf": {
                "soort_code": "VARCHAR",
                "titel": "VARCHAR",
                "omschrijving": "VARCHAR",
                "hoofdgroep": "VARCHAR",
                "high_impact": "BOOLEAN",
            },
            "overlast": dict(_CBS_PERIOD),
            "soorten_overlast": {"soort_code": "VARCHAR", "titel": "VARCHAR", "omschrijving": "VARCHAR"},
            "woningvoorraad": {
                "jaar": "BIGINT",
                "gemeente_code": "VARCHAR",
                "beginstand": "BIGINT",
                "nieuwbouw": "BIGINT",
                "overige_toevoeging": "BIGINT",
                "sloop": "BIGINT",
                "overige_onttrekking": "BIGINT",
                "correctie": "BIGINT",
                "saldo": "BIGINT",
                "eindstand": "BIGINT",
            },
            "plancapaciteit": {
                "gemeente_code": "VARCHAR",
                "gemeente_naam": "VARCHAR",
                "provincie": "VARCHAR",
                "hardheid": "VARCHAR",
                "periode": "VARCHAR",
                "woningen": "DOUBLE",
            },
            "woningbouwprojecten": {
                "project_id": "VARCHAR",
                "project_naam": "VARCHAR",
                "buurt_code": "VARCHAR",
                "wijk_code": "VARCHAR",
                "status": "VARCHAR",
                "segment": "VARCHAR",
                "woningen": "BIGINT",
                "geplande_oplevering": "DATE",
                "werkelijke_oplevering": "DATE",
            },
            "geo_buurten": {"buurt_code": "VARCHAR", "geometry": "VARCHAR", "lon": "DOUBLE", "lat": "DOUBLE", "schematisch": "BOOLEAN"},
            "geo_wijken": {"wijk_code": "VARCHAR", "geometry": "VARCHAR", "lon": "DOUBLE", "lat": "DOUBLE", "schematisch": "BOOLEAN"},
            "jeugd_toewijzingen": {
                "toewijzing_id": "VARCHAR",
                "client_key": "VARCHAR",
                "geboortejaar": "INTEGER",
                "buurt_code": "VARCHAR",
                "wijk_code": "VARCHAR",
                "productcategorie": "VARCHAR",
                "productcode": "VARCHAR",
                "aanbieder_agb": "VARCHAR",
                "aanbieder_naam": "VARCHAR",
                "verwijzer": "VARCHAR",
                "aanvraagdatum": "DATE",
                "begindatum": "DATE",
                "einddatum": "DATE",
                "volume": "DOUBLE",
                "eenheid": "VARCHAR",
                "frequentie": "VARCHAR",
                "tarief": "DOUBLE",
            },
            "jeugd_declaraties": {
                "declaratie_id": "VARCHAR",
                "toewijzing_id": "VARCHAR",
                "maand": "DATE",
                "bedrag": "DOUBLE",
                "status": "VARCHAR",
                "ingediend_op": "DATE",
                "client_key": "VARCHAR",
                "wijk_code": "VARCHAR",
            },
            "jeugd_begroting": {
                "jaar": "INTEGER",
                "taakveld": "VARCHAR",
                "productcategorie_groep": "VARCHAR",
                "primitieve_begroting": "DOUBLE",
                "actuele_begroting": "DOUBLE",
            },
            "jeugd_productcategorieen": {"productcategorie": "VARCHAR", "omschrijving": "VARCHAR", "groep": "VARCHAR"},
            "iv3_taakvelden": {
                "taakveld": "VARCHAR",
                "omschrijving": "VARCHAR",
                "geldig_vanaf": "INTEGER",
                "geldig_tot": "INTEGER",
                "reeks": "VARCHAR",
            },
            "jeugd_taakveld_koppeling": {"productcategorie": "VARCHAR", "vanaf_jaar": "INTEGER", "tot_jaar": "INTEGER", "taakveld": "VARCHAR"},
            "meldingen": {
                "melding_id": "VARCHAR",
                "datum": "DATE",
                "categorie": "VARCHAR",
                "buurt_code": "VARCHAR",
                "wijk_code": "VARCHAR",
                "status": "VARCHAR",
                "afgehandeld_op": "DATE",
                "afhandel_werkdagen": "INTEGER",
            },
            "instellingen": {"gemeente_code": "VARCHAR", "gemeente_naam": "VARCHAR", "bestand": "VARCHAR", "standaard": "BOOLEAN"},
            "instellingen_wonen": {
                "woningbouwdoel": "BIGINT",
                "doel_van_jaar": "BIGINT",
                "doel_tot_jaar": "BIGINT",
                "doel_bron": "VARCHAR",
                "plancapaciteit_norm": "DOUBLE",
                "norm_bron": "VARCHAR",
                "planuitval_hard": "DOUBLE",
                "planuitval_zacht": "DOUBLE",
                "planuitval_toelichting": "VARCHAR",
            },
            "instellingen_beleidsmix": {"doel": "VARCHAR", "segmenten": "VARCHAR", "aandeel": "DOUBLE", "bron": "VARCHAR", "toelichting": "VARCHAR"},
            "instellingen_beleidsmix_segmenten": {"segment": "VARCHAR", "doel": "VARCHAR"},
            "instellingen_tariefindexatie": {"jaar": "BIGINT", "indexatie": "DOUBLE", "aanname": "BOOLEAN", "bron": "VARCHAR"},
            "instellingen_meldingen": {"afhandeltermijn_werkdagen": "BIGINT", "toelichting": "VARCHAR"},
            "builds": {
                "build_id": "VARCHAR",
                "started": "TIMESTAMP",
                "seconds": "DOUBLE",
                "gemeente": "VARCHAR",
                "inputs": "VARCHAR",
                "demo": "BOOLEAN",
                "peildatum": "DATE",
            },
        }.items()
    }
)

# Columns the build derives instead of reading them from a source (WAREHOUSE.md): a warehouse of an
# older build lacks them, so the metrics that read such a table ask for a new build rather than
# fail on a missing column (metrics.warehouse).
BUILT: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({"jeugd_declaraties": ("client_key", "wijk_code"), "meldingen": ("afhandel_werkdagen",)})
