"""A phone's browser (WeChat's and other chat apps' included) gets charts laid out for its width.

Streamlit does not tell the server the window's width; a phone says so in its User-Agent ("Mobile",
"iPhone", "Android"), which chat apps keep. Only the chart's layout changes (metrics.narrow); cards and
tables reflow by CSS on any narrow window (render.CARD_STYLES, PHONE_CSS below).
"""

from __future__ import annotations

import streamlit as st

from ui.context import REGION_CSS, SCREENSHOT_CSS

PHONE_WORDS = ("Mobi", "iPhone", "Android", "MicroMessenger", "HarmonyOS")

# On any narrow window: the page uses the width (Streamlit's 6rem side padding leaves 300 px of 390),
# wide elements scroll inside themselves instead of the page scrolling sideways.
PHONE_CSS = """
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem !important; padding-right: 0.75rem !important; }
  [data-testid="stMarkdownContainer"] table, [data-testid="stHtml"] table { display: block; overflow-x: auto; }
  [data-testid="stMain"] { overflow-x: hidden; }
  .js-plotly-plot .modebar-container { visibility: hidden !important; }
}
"""


_PHONE_KEY = "_browser_is_a_phone"


def is_phone() -> bool:
    """Whether the viewer's browser says it is a phone's: read from the request once per session (a
    session is one browser tab), not for every chart of every view."""
    known = st.session_state.get(_PHONE_KEY)
    if known is None:
        known = st.session_state[_PHONE_KEY] = _says_phone()
    return known


def _says_phone() -> bool:
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # noqa: BLE001 - no request (AppTest, a script run outside a server)
        return False
    return any(word in agent for word in PHONE_WORDS)


def page_styles(screenshot: bool) -> None:
    """The page's style sheets in one element (each element costs a view as much as its words): the
    narrow-window sheet, the region list's, and in screenshot mode the panel sheet."""
    sheets = [PHONE_CSS, REGION_CSS, *([SCREENSHOT_CSS] if screenshot else [])]
    st.html("".join(f"<style>{sheet}</style>" for sheet in sheets))
