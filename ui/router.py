"""The menu: which pages exist, at which url, and which roles may open them (manifest.toml).

A page joins the menu only when its file exists (a use case is added when it works) and the
user's role is listed. Because `st.navigation` only receives these pages, a page a role may not
see cannot be opened by typing its url either: Streamlit then says the page was not found and
runs the default page (Kompas) instead.

`run` also holds what every page run needs around it: the warehouse leases of the run (released
when it ends, see ui.warehouse) and, in hosted mode, the audit line of the view (ui.audit).
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from metrics.manifest import MANIFEST, PageSpec
from ui import audit, warehouse
from ui.access import User

ROOT = Path(__file__).resolve().parent.parent

# The pages of manifest.toml, in menu order.
PAGES: tuple[PageSpec, ...] = MANIFEST.pages

_LOGGED_IN_AS = "_datakompas_audit_user"


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
    spec = next((p for p in specs if (p.url_path or "") == (current.url_path or "")), None)
    view = None
    if user.hosted:
        ctx = get_script_run_ctx()
        session = ctx.session_id if ctx else None
        who = user.email or user.name
        if st.session_state.get(_LOGGED_IN_AS) != who:
            st.session_state[_LOGGED_IN_AS] = who
            audit.event("login", user=user, session=audit.session_tag(session))
        view = audit.PageView(user, spec.key if spec else str(current.url_path), current.url_path or "", session)
        audit.begin_run()
    _routing.active = True
    result, error = "error", None
    try:
        with warehouse.run_leases():
            current.run()
        result = "ok"
    except StopException:
        result = "stopped"
        raise
    except RerunException:
        result = "rerun"  # superseded by a new run of the same session, which logs the view
        raise
    except Exception as e:
        error = e
        raise
    finally:
        _routing.active = False
        if view is not None and result != "rerun":
            view.done(result, st.query_params, error)
