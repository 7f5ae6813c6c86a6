"""黄石工业互联网进展看板: page setup, sidebar and navigation; the pages do the rest."""

from __future__ import annotations

import streamlit as st

from metrics.i18n import text
from ui import data, favicon
from ui.context import (
    in_pages_folder_mode,
    language,
    open_bookmarked_alias,
    rerun_through_navigation,
    screenshot_exit,
    session_pages,
    sidebar,
)
from ui.editing import sidebar_status
from ui.gate import stop_if_busy
from ui.navigation import PAGES
from ui.phone import page_styles

if in_pages_folder_mode() and len(st.context.headers):
    # The first run of a server started without the launcher: its sidebar widgets' ids would differ from
    # every later run's, and the first click (English, a region) be dropped. (AppTest, which has no
    # browser headers, turns the mode on before each of its runs.)
    rerun_through_navigation()

# A local icon (ui/favicon.py): a material icon as favicon would be fetched from the internet.
st.set_page_config(
    page_title=text("app.title", language()),
    page_icon=favicon.data_url(),
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone (the sidebar would cover the page), open on a desktop
)
stop_if_busy(language(), PAGES)  # a run the launcher's gate shed (ui/gate.py): a notice, no page work

data.begin_run()
st.session_state["context"] = context = sidebar()
page_styles(context.screenshot)
pages = session_pages(PAGES, context)
navigation = st.navigation(pages)
open_bookmarked_alias(navigation, pages)
sidebar_status(context)
st.sidebar.caption(context.t("app.department"))
navigation.run()
screenshot_exit(context)
