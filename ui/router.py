"""The menu: which pages exist, at which url, and which roles may open them.

A page joins the menu only when its file exists (a use case is added when it works) and the
user's role is listed. Because `st.navigation` only receives these pages, a page a role may not
see cannot be opened by typing its url either.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.access import User

ROOT = Path(__file__).resolve().parent.parent

ALL_ROLES = frozenset({"databrigade", "sociaal_domein", "ruimte", "wijkmanager", "gast"})


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str  # "" for the default page at /
    roles: frozenset[str]
    summary: str  # one line for the Kompas overview

    @property
    def path(self) -> Path:
        return ROOT / self.file


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/kompas.py", "Kompas", ":material/explore:", "", ALL_ROLES, "Zwolle in één oogopslag: inwoners, wijken en de stand van de gegevens."),
    PageSpec(
        "pages/jeugd.py",
        "Sturingsdashboard Jeugd",
        ":material/family_restroom:",
        "jeugd",
        frozenset({"databrigade", "sociaal_domein", "wijkmanager"}),
        "Grip op de uitgaven jeugdzorg: begroting, realisatie, prognose en de drijvende factoren.",
    ),
    PageSpec(
        "pages/ruimte.py",
        "Ruimtelijke ordening",
        ":material/apartment:",
        "ruimte",
        frozenset({"databrigade", "ruimte", "wijkmanager", "gast"}),
        "Woningbouw tegen de opgave, plancapaciteit en voorraad per wijk.",
    ),
    PageSpec(
        "pages/veiligheid.py",
        "Veiligheid in wijken",
        ":material/shield:",
        "veiligheid",
        frozenset({"databrigade", "wijkmanager", "gast"}),
        "Misdrijven en overlast per wijk: trend, vergelijking en een wijkprofiel.",
    ),
    PageSpec("pages/data.py", "Data & eigenaarschap", ":material/dataset:", "data", ALL_ROLES, "Elke dataset met eigenaar, actualiteit en kwaliteit; elke maat met definitie."),
)


def visible(user: User) -> list[PageSpec]:
    return [p for p in PAGES if p.path.is_file() and user.role in p.roles]


# Set while Home.py runs a page. Streamlit still knows the old pages/-folder routing: on a
# freshly started server (and in every AppTest run), before st.navigation has been called, a
# link such as /jeugd runs pages/jeugd.py directly, without Home.py and so without the access
# check. A page that finds itself not routed runs Home.py in its place (see layout.page).
_routing = threading.local()


def routed() -> bool:
    return getattr(_routing, "active", False)


def run(user: User) -> None:
    """Build the menu this user may see and run the requested page (Home.py's job)."""
    specs = visible(user)
    pages = [st.Page(str(p.path), title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path) for p in specs]
    current = st.navigation(pages, position="sidebar")
    _routing.active = True
    try:
        current.run()
    finally:
        _routing.active = False
