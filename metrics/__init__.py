"""Datakompas metrics: every number declared once, computed by one engine, disclosure-controlled by role.

    import metrics
    engine = metrics.Engine(metrics.open_warehouse("data/datakompas.duckdb"))
    scope = metrics.Scope(role="wijkmanager", wijken={"WK019310"})
    frame = engine.query("lasten", by=["wijk"], where=metrics.year_to_date(2025, 9), scope=scope, compare=["vorig_jaar"])
    metrics.format.value("lasten", frame["waarde"][0], geheim=frame["geheim"][0])   # "€ 1,2 mln"

Declarations: metrics/definitions/ (one module per domain). No Streamlit in this package: the
engine serves pages, the CLI (`python -m metrics`) and tests alike.
"""

from metrics import format
from metrics.catalog import uses
from metrics.dimensions import DIMENSIONS
from metrics.engine import COMPARISONS, Engine
from metrics.errors import AccessDenied, DefinitionError, InvalidQuery, MetricError, Unavailable, UnknownMetric
from metrics.periods import year_to_date
from metrics.registry import METRICS, MODELS
from metrics.registry import get as metric
from metrics.roles import ROLES, Scope
from metrics.scoped import ScopedEngine
from metrics.warehouse import DuckDBWarehouse, Warehouse, open_warehouse

__all__ = [
    "COMPARISONS",
    "DIMENSIONS",
    "METRICS",
    "MODELS",
    "ROLES",
    "AccessDenied",
    "DefinitionError",
    "DuckDBWarehouse",
    "Engine",
    "InvalidQuery",
    "MetricError",
    "Scope",
    "ScopedEngine",
    "Unavailable",
    "UnknownMetric",
    "Warehouse",
    "format",
    "metric",
    "open_warehouse",
    "uses",
    "year_to_date",
]
