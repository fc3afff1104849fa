"""Datakompas: the router. Decides who is looking and which pages they get, then runs one."""

import functools

import streamlit as st

from ui import access, audit, layout, router

st.set_page_config(
    page_title=layout.app_title(),
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="auto",  # expanded on a desktop, folded away on a phone (it would cover the page)
)

if access.hosted():
    audit.configure()

try:
    user = access.current_user()
except access.AccessError as e:
    # Logged in, but no access (no role, or no usable roles file): a message and no data at all.
    audit.event("denied", user=access.identity(), reason=e.reason)
    layout.only_page(functools.partial(layout.access_denied, str(e)), "Geen toegang")

if user is None:
    layout.only_page(layout.login_screen, "Inloggen")

layout.set_user(user)
layout.sidebar(user)
router.run(user)
