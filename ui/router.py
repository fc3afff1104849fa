"""The menu: which pages exist, at which url, and which roles may open them (manifest.toml).

A page joins the menu only when its file exists (a use case is added when it works) and the
user's role is listed. Because `st.navigation` only receives these pages, a page a role may not
see cannot be opened by typing its url either.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from metrics.manifest import MANIFEST, PageSpec
from ui.access import User

ROOT = Path(__file__).resolve().parent.parent

# The pages of manifest.toml, in menu order.
PAGES: tuple[PageSpec, ...] = MANIFEST.pages


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
