"""Datakompas: the router. Decides who is looking and which pages they get, then runs one."""

import streamlit as st

from ui import access, layout, router

st.set_page_config(
    page_title="Datakompas · Gemeente Zwolle",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone, where it would cover the page
)

try:
    user = access.current_user()
except access.AccessError as e:
    layout.access_denied(str(e))
    st.stop()

if user is None:
    layout.login_screen()
    st.stop()

layout.set_user(user)
layout.sidebar(user)
router.run(user)
