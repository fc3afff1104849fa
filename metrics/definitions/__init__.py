"""Metric definitions, one module per domain. Each module exposes MODELS and METRICS."""

from __future__ import annotations

from metrics.declarations import Role

ALL_ROLES: tuple[Role, ...] = ("databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast")
# Municipal staff: internal (non-personal) registrations such as meldingen and projects.
STAFF: tuple[Role, ...] = ("databrigade", "sociaal_domein", "ruimte", "wijkmanager")
# Youth care: the sociaal domein, and wijkmanagers through disclosure control; never guests.
JEUGD: tuple[Role, ...] = ("databrigade", "sociaal_domein", "wijkmanager")

DOMAINS = ("algemeen", "jeugd", "wonen", "veiligheid")
