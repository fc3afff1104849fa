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
from typing import Annotated

import streamlit as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from metrics.declarations import Role
from metrics.manifest import MANIFEST

WijkCode = Field(pattern=r"^WK\d{6}$")


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    role: Role
    # Wijk codes (e.g. WK019313) this user may see; empty means all wijken.
    wijken: tuple[Annotated[str, WijkCode], ...] = ()

    @model_validator(mode="after")
    def _wijkmanager_has_wijken(self):
        # A wijkmanager without wijken would see the internal figures of every wijk: refuse the
        # file rather than guess (give the role databrigade or sociaal_domein for that).
        if self.role == "wijkmanager" and not self.wijken:
            raise ValueError('een wijkmanager heeft wijken nodig (wijken = ["WK019313", ...])')
        return self


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

    @model_validator(mode="after")
    def _consistent(self):
        seen: set[str] = set()
        for rule in self.users:
            if rule.email.lower() in seen:
                raise ValueError(f"{rule.email} staat twee keer in [[users]]")
            seen.add(rule.email.lower())
        if self.default_role == "wijkmanager":
            raise ValueError("default_role kan geen wijkmanager zijn: een wijkmanager heeft eigen wijken")
        return self


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
    """A Dutch message explaining why this user cannot get in (shown on the page); `reason` is a
    short English tag for the audit log: no_roles_file, roles_file_invalid, no_role."""

    def __init__(self, message: str, reason: str = "roles_file_invalid") -> None:
        super().__init__(message)
        self.reason = reason


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
        raise AccessError(f"Het rollenbestand {path} bestaat niet. Zet DATAKOMPAS_ROLES op het juiste pad.", "no_roles_file") from None
    except tomllib.TOMLDecodeError as e:
        raise AccessError(f"Het rollenbestand {path} is geen geldige TOML: {e}") from None
    except OSError as e:
        raise AccessError(f"Het rollenbestand {path} is niet te lezen ({type(e).__name__}).") from None
    except UnicodeDecodeError:
        raise AccessError(f"Het rollenbestand {path} is geen UTF-8-tekst.") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        # The message only, never the input (`first["input"]`): a roles file is no place for
        # secrets, but we do not echo its contents to a browser or a log either.
        where_text = f" bij '{where}'" if where else ""
        raise AccessError(f"Het rollenbestand {path} klopt niet{where_text}: {first['msg'].removeprefix('Value error, ')}") from None


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


def identity() -> str | None:
    """Who is logged in, for the audit log (e-mail, else name); None when nobody is."""
    if not hosted() or not st.user.is_logged_in:
        return None
    info = st.user.to_dict()
    return info.get("email") or info.get("name") or info.get("sub")


def current_user() -> User | None:
    """The user of this session; None when hosted and not logged in yet."""
    if not hosted():
        return LOCAL_USER
    if not st.user.is_logged_in:
        return None
    path = _roles_path()
    if path is None:
        raise AccessError("Inloggen is aan, maar er is geen rollenbestand ingesteld (DATAKOMPAS_ROLES of roles_file in secrets).", "no_roles_file")
    info = st.user.to_dict()
    email = info.get("email")
    rule = resolve(load_roles(path), email, info)
    if rule is None:
        raise AccessError(f"U bent ingelogd als {email or 'onbekend'}, maar hebt (nog) geen toegang tot Datakompas. Vraag de Databrigade om een rol.", "no_role")
    return User(
        name=info.get("name") or email or "Gebruiker",
        email=email,
        role=rule.role,
        wijken=rule.wijken or None,
        hosted=True,
    )
