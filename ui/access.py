"""Who is looking: local mode (a Databrigade member on a laptop) or a logged-in user on a host.

Hosted mode is on when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's OIDC
login). The roles file (env `DATAKOMPAS_ROLES`, or `roles_file` in secrets) maps a user's
e-mail or an identity claim to a role and the wijken they may see. Access is enforced by which
pages the router hands to `st.navigation` and by the metrics scope, never by hiding widgets.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from metrics.declarations import Role
from metrics.manifest import MANIFEST


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    role: Role
    # Wijk codes (e.g. WK019313) this user may see; empty means all wijken.
    wijken: tuple[str, ...] = ()


class UserRule(_Rule):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class ClaimRule(_Rule):
    claim: str  # e.g. "groups"
    value: str  # e.g. "datakompas-wijkmanagers-zuid"


class RolesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    users: tuple[UserRule, ...] = ()
    claims: tuple[ClaimRule, ...] = ()
    # Role for logged-in users matched by no rule; None refuses them.
    default_role: Role | None = None


@dataclass(frozen=True)
class User:
    name: str
    email: str | None
    role: str
    wijken: tuple[str, ...] | None  # None = all wijken
    hosted: bool

    @property
    def role_label(self) -> str:
        return MANIFEST.label(self.role)


LOCAL_USER = User(name="Lokale gebruiker", email=None, role="databrigade", wijken=None, hosted=False)


class AccessError(Exception):
    """A Dutch message explaining why this user cannot get in (shown on the page)."""


def hosted() -> bool:
    # `"auth" in st.secrets` raises when there is no secrets file at all: probe first.
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _roles_path() -> Path | None:
    env = os.environ.get("DATAKOMPAS_ROLES")
    if env:
        return Path(env)
    value = st.secrets.get("roles_file") if st.secrets.load_if_toml_exists() else None
    return Path(value) if value else None


def load_roles(path: Path) -> RolesFile:
    try:
        return RolesFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise AccessError(f"Het rollenbestand {path} bestaat niet. Zet DATAKOMPAS_ROLES op het juiste pad.") from None
    except tomllib.TOMLDecodeError as e:
        raise AccessError(f"Het rollenbestand {path} is geen geldige TOML: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AccessError(f"Het rollenbestand {path} klopt niet bij '{where}': {first['msg']}") from None


def resolve(roles: RolesFile, email: str | None, claims: dict) -> _Rule | None:
    """The rule for this identity: an e-mail rule wins over claim rules; first match counts."""
    if email:
        for rule in roles.users:
            if rule.email.lower() == email.lower():
                return rule
    for rule in roles.claims:
        got = claims.get(rule.claim)
        values = got if isinstance(got, (list, tuple)) else [got]
        if rule.value in values:
            return rule
    if roles.default_role:
        return _Rule(role=roles.default_role)
    return None


def current_user() -> User | None:
    """The user of this session; None when hosted and not logged in yet."""
    if not hosted():
        return LOCAL_USER
    if not st.user.is_logged_in:
        return None
    path = _roles_path()
    if path is None:
        raise AccessError("Inloggen is aan, maar er is geen rollenbestand ingesteld (DATAKOMPAS_ROLES of roles_file in secrets).")
    info = st.user.to_dict()
    email = info.get("email")
    rule = resolve(load_roles(path), email, info)
    if rule is None:
        raise AccessError(f"U bent ingelogd als {email or 'onbekend'}, maar hebt (nog) geen toegang tot Datakompas. Vraag de Databrigade om een rol.")
    return User(
        name=info.get("name") or email or "Gebruiker",
        email=email,
        role=rule.role,
        wijken=rule.wijken or None,
        hosted=True,
    )
