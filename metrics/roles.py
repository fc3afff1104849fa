"""Roles and the scope a query runs in: who asks, and for which wijken.

What a role may see is declared per metric (Metric.roles); how fine a person-based figure may be
is declared per role in manifest.toml. The engine enforces both, so hiding something in a page is never the
only protection.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from metrics.declarations import Role
from metrics.manifest import MANIFEST, RoleSpec

# The roles as declared in manifest.toml (label, disclosure control, finest area).
ROLES: dict[str, RoleSpec] = dict(MANIFEST.roles)


class Scope(BaseModel):
    """Who asks: a role and the wijken they may see (None = all). Hashable, so it keys the cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    wijken: frozenset[str] | None = None

    @field_validator("wijken", mode="before")
    @classmethod
    def _freeze(cls, v):
        if v is None:
            return None
        if isinstance(v, str) or not frozenset(v):
            raise ValueError("wijken: geef een lijst met minstens één wijkcode, of None voor alle wijken")
        return frozenset(v)

    @property
    def spec(self) -> RoleSpec:
        return ROLES[self.role]

    @classmethod
    def local(cls) -> "Scope":
        """Local mode on a Databrigade laptop: everything, unrounded."""
        return cls(role="databrigade")
