"""Typed errors of the metrics library. `str(error)` is a Dutch sentence a page can show as is."""

from __future__ import annotations


class MetricError(Exception):
    """Base class: anything the metrics library refuses, with a message for the user."""


class DefinitionError(MetricError, ValueError):
    """A declaration is inconsistent (raised at import, so a broken definition never ships)."""


class UnknownMetric(MetricError, KeyError):
    """No metric by that name is declared."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0] if self.args else ""


class AccessDenied(MetricError):
    """The user's role may not see this metric, or not at the grain asked for."""


class Unavailable(MetricError):
    """The warehouse lacks a table (or a forecast module) the metric needs."""


class InvalidQuery(MetricError, ValueError):
    """A dimension, filter value or comparison that the metric does not support."""
