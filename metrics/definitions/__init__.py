"""Metric definitions, one module per domain. Each module exposes MODELS and METRICS.

The role groups a metric is shown to come from manifest.toml ([groups])."""

from __future__ import annotations

from metrics.manifest import MANIFEST

ALL_ROLES = MANIFEST.group("iedereen")
STAFF = MANIFEST.group("medewerkers")
JEUGD = MANIFEST.group("jeugd")
JEUGD_BEGROTING = MANIFEST.group("jeugd_begroting")

DOMAINS = ("algemeen", "jeugd", "wonen", "veiligheid")
