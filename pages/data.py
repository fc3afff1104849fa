"""Data & eigenaarschap: every dataset with its owner, freshness and quality, every metric with its
definition and lineage, who is responsible for what, open data for data.overheid.nl, and loading
a new export (Databrigade). Facts about the data come from the build; no figure is typed in here."""

from ui import blocks_data, report

r = report.page(
    "data",
    "Welke gegevens Datakompas gebruikt, van wie ze zijn, hoe actueel en goed ze zijn, en hoe elk getal ontstaat. Hier laadt de Databrigade ook nieuwe exports.",
)
sets, checks, fresh = blocks_data.summary(r)

r.tabs(
    {
        "Datasets": lambda: blocks_data.datasets(r, sets, fresh),
        "Kwaliteit": lambda: blocks_data.quality(r, checks),
        "Metrics en herkomst": lambda: blocks_data.metric_catalog(r),
        "Rollen": lambda: blocks_data.roles(r, sets),
        "Open data": lambda: blocks_data.open_data_section(r, sets),
        "Nieuwe export laden": lambda: blocks_data.upload(r, sets),
    },
    key="tab",
)
