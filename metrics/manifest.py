"""The manifest (manifest.toml at the repository root): roles, role groups and pages, declared once.

    from metrics.manifest import MANIFEST
    MANIFEST.roles["wijkmanager"].label          # "Wijkmanager"
    MANIFEST.group("jeugd")                      # roles that may see youth-care figures
    MANIFEST.page("jeugd").roles                 # who may open /jeugd

Read and validated at import (pydantic, no unknown keys): a wrong manifest stops the app at once
with the key that is wrong, never halfway through a page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PATH = Path(__file__).resolve().parent.parent / "manifest.toml"


class _Decl(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RoleSpec(_Decl):
    name: str
    label: str
    description: str
    # Statistical disclosure control (rounding, "geheim", suppression) applies to this role.
    disclosure_control: bool
    # The finest area for figures about persons: below it they are aggregated up.
    finest_area: Literal["buurt", "wijk"]


class PageSpec(_Decl):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    file: str = Field(pattern=r"^pages/[a-z][a-z0-9_]*\.py$")
    url_path: str = Field(pattern=r"^[a-z0-9_-]*$")  # "" for the default page at /
    title: str
    icon: str
    roles: tuple[str, ...]
    summary: str
    role_limited: tuple[str, ...] = ()  # metrics shown to only some of `roles` (with a notice)
    # The use case's one number on the Kompas home (a metric name; tests check it is declared), and
    # the metric domain whose norm signals belong to this page.
    headline: str | None = None
    domain: str | None = None

    @property
    def path(self) -> Path:
        return PATH.parent / self.file


class Manifest(_Decl):
    roles: dict[str, RoleSpec]
    groups: dict[str, tuple[str, ...]]
    pages: tuple[PageSpec, ...]

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data):
        roles = data.get("roles", {})
        data["roles"] = {name: {"name": name, **spec} for name, spec in roles.items()} if isinstance(roles, dict) else roles
        return data

    @model_validator(mode="after")
    def _consistent(self):
        if not self.roles or not any(not r.disclosure_control for r in self.roles.values()):
            raise ValueError("roles: minstens één rol zonder afscherming nodig (de Databrigade ziet alles)")
        for where, names in [*((f"groups.{g}", r) for g, r in self.groups.items()), *((f"pages.{p.key}.roles", p.roles) for p in self.pages)]:
            unknown = [r for r in names if r not in self.roles]
            if unknown:
                raise ValueError(f"{where}: onbekende rol(len) {', '.join(unknown)}")
        for attr in ("key", "url_path", "file"):
            values = [getattr(p, attr) for p in self.pages]
            if len(values) != len(set(values)):
                raise ValueError(f"pages: {attr} komt twee keer voor")
        if sum(1 for p in self.pages if p.url_path == "") != 1:
            raise ValueError("pages: precies één pagina hoort op / (url_path = \"\")")
        return self

    def group(self, name: str) -> tuple[str, ...]:
        return self.groups[name]

    def page(self, key: str) -> PageSpec:
        for p in self.pages:
            if p.key == key:
                return p
        raise KeyError(f"geen pagina {key!r} in manifest.toml")

    def label(self, role: str) -> str:
        return self.roles[role].label


def load(path: Path = PATH) -> Manifest:
    try:
        return Manifest.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as e:
        raise SystemExit(f"{path}: geen geldige TOML: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SystemExit(f"{path}: fout bij '{where}': {first['msg']}") from None


MANIFEST = load()
# The role names, in declared order; metrics.declarations builds its Role type from them.
ROLE_NAMES: tuple[str, ...] = tuple(MANIFEST.roles)
