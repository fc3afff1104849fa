"""The frame around every page: sidebar, page header, demo banner, and the screens before a page.

Pages call `page(...)` first; it draws the header and returns what the page computes with (the
metrics engine on the current warehouse and the user's scope), or stops the page with a plain
Dutch explanation when there is no warehouse.
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import metrics
from metrics import meta
from metrics.manifest import MANIFEST, PageSpec
from ui import audit, router, warehouse
from ui.access import User
from ui.selection import md_text

_USER_KEY = "_datakompas_user"
HOME = Path(__file__).resolve().parent.parent / "Home.py"


def set_user(user: User) -> None:
    st.session_state[_USER_KEY] = user


def user() -> User:
    # Only reached from a page that Home.py routed (see page()), after Home.py set the user.
    return st.session_state[_USER_KEY]


def only_page(draw, title: str) -> None:
    """Run `draw` as the one page there is, with no menu, and stop. Registering it with
    st.navigation also ends Streamlit's pages/-folder menu, which a fresh server would otherwise
    show an anonymous visitor; any url (/jeugd) then runs this page."""
    st.navigation([st.Page(draw, title=title, url_path="welkom", default=True)], position="hidden").run()
    st.stop()


def access_denied(message: str) -> None:
    """No data for this visitor: why (the message may hold their e-mail: escaped), and a way out."""
    st.title("Datakompas")
    st.error(md_text(message), icon=":material/lock:")
    if st.user.is_logged_in:
        st.button("Uitloggen", on_click=logout, icon=":material/logout:")


def logout(user: User | None = None) -> None:
    """Log out (Streamlit clears the identity cookie and asks the identity provider to end the
    session too, when it offers an end_session_endpoint), with an audit line."""
    if user is not None:
        audit.event("logout", user=user)
    st.logout()


def gemeente_naam() -> str | None:
    """The name of the gemeente the warehouse was built for; None without a (readable) warehouse."""
    try:
        b = meta.build(warehouse.get())
    except Exception:  # no warehouse yet, or one being replaced: the title simply says less
        return None
    return b.gemeente_naam if b else None


def app_title() -> str:
    """The browser tab's title: the app and the gemeente of the build, never a fixed name."""
    naam = gemeente_naam()
    return f"Datakompas · Gemeente {naam}" if naam else "Datakompas"


def login_screen() -> None:
    st.title("Datakompas")
    naam = gemeente_naam()
    st.markdown(
        f"De analyse-app van de **Databrigade{' van Gemeente ' + md_text(naam) if naam else ''}**. "
        "Log in met uw gemeente-account om de pagina's te zien die bij uw rol horen."
    )
    st.button("Inloggen", type="primary", icon=":material/login:", on_click=st.login)


def _wijk_names(codes: tuple[str, ...]) -> list[str]:
    """Wijk names for the sidebar (codes when there is no warehouse to look them up in)."""
    try:
        with warehouse.run_leases():
            names = metrics.Engine(warehouse.get()).labels("wijk")
    except Exception:  # noqa: BLE001 - a name is a nicety: the codes will do
        names = {}
    return [names.get(c, c) for c in codes]


def sidebar(u: User) -> None:
    with st.sidebar:
        if u.hosted:
            # The name comes from the identity provider: shown as text, never as Markdown.
            st.markdown(f"**{md_text(u.name)}**  \n{md_text(u.role_label)}")
            if u.wijken:
                st.caption("Uw wijken: " + ", ".join(md_text(n) for n in _wijk_names(u.wijken)))
            st.button("Uitloggen", on_click=logout, args=(u,), icon=":material/logout:")
        else:
            st.info(
                "**Lokale modus.** Geen inlog: u ziet alles, met de rechten van de Databrigade.",
                icon=":material/computer:",
            )


@dataclass(frozen=True)
class Page:
    """What a page computes with: the engine bound to the user's scope, and nothing else."""

    user: User
    engine: metrics.ScopedEngine
    build: meta.Build | None
    spec: PageSpec

    @property
    def gemeente(self) -> str:
        """The gemeente's name, Markdown-escaped (it comes from the data), for headings and prose."""
        return md_text(self.build.gemeente_naam) if self.build else "de gemeente"

    @property
    def area(self) -> str:
        """What internal figures cover: the gemeente, or the wijken this user may see (Markdown-escaped)."""
        wijken = self.engine.scope.wijken
        if wijken is None:
            return self.gemeente
        names = self.engine.labels("wijk")
        return "uw wijken (" + ", ".join(sorted(md_text(names.get(w, w)) for w in wijken)) + ")"


def scope_of(u: User) -> metrics.Scope:
    return metrics.Scope(role=u.role, wijken=frozenset(u.wijken) if u.wijken else None)


def page(key: str, intro: str) -> Page:
    """Start page `key` (manifest.toml): check it is routed, draw the header, the demo notice."""
    if not router.routed():
        # Run as a page of Streamlit's folder routing, without Home.py: run Home.py instead,
        # which checks access and then runs the page the link asked for (or a login screen).
        runpy.run_path(str(HOME), run_name="__main__")
        st.stop()
    spec = MANIFEST.page(key)
    st.title(spec.title)
    st.caption(intro)
    try:
        wh = warehouse.get()
    except warehouse.WarehouseMissing as e:
        st.error(
            f"Er is nog geen warehouse op {md_text(e)}. Bouw het met demodata via `make run` of "
            "`python -m data_sources build --demo`, of met eigen bestanden via "
            "`python -m data_sources build --inputs inputs.toml`.",
            icon=":material/database_off:",
        )
        st.stop()
    except warehouse.WarehouseUnreadable as e:
        st.error(
            f"Het warehouse op {md_text(e)} is niet te openen. Bouw het opnieuw met `python -m data_sources build ...`; de details staan in het log van de server.",
            icon=":material/database_off:",
        )
        st.stop()
    u = user()
    engine = metrics.ScopedEngine(metrics.Engine(wh), scope_of(u))
    b = engine.build()
    if b is not None and b.demo:
        st.warning(
            f"**Demodata.** {md_text(b.gemeente_naam)}'s echte wijken, buurten en inwonertallen, met gegenereerde cijfers over "
            "jeugdzorg, misdrijven, woningbouwprojecten en meldingen. Geschikt om de app te leren kennen, "
            "niet om conclusies uit te trekken.",
            icon=":material/science:",
        )
    return Page(u, engine, b, spec)
