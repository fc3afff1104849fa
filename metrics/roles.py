"""Roles and the scope a query runs in: who asks, and for which wijken.

What a role may see is declared per metric (Metric.roles); how fine a person-based figure may be
is declared here per role. The engine enforces both, so hiding something in a page is never the
only protection.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from metrics.declarations import Role


class RoleSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Role
    label: str
    # Statistical disclosure control (rounding, "geheim", complementary suppression) applies.
    disclosure_control: bool
    # The finest area for figures about persons: below it they are aggregated up.
    finest_area: Literal["buurt", "wijk"]


ROLES: dict[str, RoleSpec] = {
    r.name: r
    for r in (
        RoleSpec(name="databrigade", label="Databrigade", disclosure_control=False, finest_area="buurt"),
        RoleSpec(name="sociaal_domein", label="Sociaal domein", disclosure_control=True, finest_area="buurt"),
        RoleSpec(name="ruimte", label="Ruimte (wonen en RO)", disclosure_control=True, finest_area="buurt"),
        RoleSpec(name="wijkmanager", label="Wijkmanager", disclosure_control=True, finest_area="wijk"),
        RoleSpec(name="gast", label="Gast", disclosure_control=True, finest_area="wijk"),
    )
}


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
