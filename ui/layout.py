"""The frame around every page: sidebar, page header, demo banner, and the screens before a page.

Pages call `page_header(...)` first; it returns the warehouse, or stops the page with a plain
Dutch explanation when there is none.
"""

from __future__ import annotations

import streamlit as st

from ui import warehouse
from ui.access import LOCAL_USER, User

_USER_KEY = "_datakompas_user"


def set_user(user: User) -> None:
    st.session_state[_USER_KEY] = user


def user() -> User:
    # Pages always run through Home.py, which sets the user first; a page opened on its own
    # (a developer running `streamlit run pages/x.py`) runs in local mode.
    return st.session_state.get(_USER_KEY, LOCAL_USER)


def access_denied(message: str) -> None:
    st.title("Datakompas")
    st.error(message, icon=":material/lock:")
    if st.user.is_logged_in:
        st.button("Uitloggen", on_click=st.logout)


def login_screen() -> None:
    st.title("Datakompas")
    st.markdown(
        "De analyse-app van de **Databrigade van Gemeente Zwolle**. "
        "Log in met uw gemeente-account om de pagina's te zien die bij uw rol horen."
    )
    st.button("Inloggen", type="primary", icon=":material/login:", on_click=st.login)


def sidebar(u: User) -> None:
    with st.sidebar:
        if u.hosted:
            st.markdown(f"**{u.name}**  \n{u.role_label}")
            if u.wijken:
                st.caption("Uw wijken: " + ", ".join(u.wijken))
            st.button("Uitloggen", on_click=st.logout, icon=":material/logout:")
        else:
            st.info(
                "**Lokale modus.** Geen inlog: u ziet alles, met de rechten van de Databrigade.",
                icon=":material/computer:",
            )


def page_header(title: str, intro: str) -> warehouse.Warehouse:
    st.title(title)
    st.caption(intro)
    try:
        wh = warehouse.get()
    except warehouse.WarehouseMissing as e:
        st.error(
            f"Er is nog geen warehouse op {e}. Bouw het met demodata via `make run` of "
            "`python -m data_sources build --demo`, of met eigen bestanden via "
            "`python -m data_sources build --inputs inputs.toml`.",
            icon=":material/database_off:",
        )
        st.stop()
    return wh
