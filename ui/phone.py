"""A phone's browser (WeChat's and other chat apps' included) gets charts laid out for its width.

Streamlit does not tell the server the window's width; a phone says so in its User-Agent ("Mobile",
"iPhone", "Android"), which chat apps keep. Only the chart's layout changes (metrics.narrow); cards and
tables reflow by CSS on any narrow window (CARD_CSS, TABLE_CSS, PHONE_CSS below).
"""

from __future__ import annotations

import urllib.parse

import streamlit as st

from ui import markup
from ui.context import REGION_CSS, SCREENSHOT_CSS

PHONE_WORDS = ("Mobi", "iPhone", "Android", "MicroMessenger", "HarmonyOS")

# On any narrow window: the page uses the width (Streamlit's 6rem side padding leaves 300 px of 390),
# wide elements scroll inside themselves instead of the page scrolling sideways. On a touch screen a
# table's toolbar (show columns, search, full screen) is always shown, 44 px above the table: the table
# leaves it a row of its own rather than the toolbar covering the end of the caption above.
PHONE_CSS = """
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem !important; padding-right: 0.75rem !important; }
  [data-testid="stMarkdownContainer"] table, [data-testid="stHtml"] table { display: block; overflow-x: auto; }
  [data-testid="stMain"] { overflow-x: hidden; }
  .js-plotly-plot .modebar-container { visibility: hidden !important; }
}
@media (hover: none) {
  [data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]) {
    margin-top: 2.75rem;
  }
}
"""


# The cards' sheet (render.card_html). st.html keeps no SVG, so the help mark is drawn here.
_HELP_MARK_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16' viewBox='0 0 24 24' fill='none' "
    "stroke='rgb(49,51,63)' stroke-opacity='0.6' stroke-width='2' stroke-linecap='round' stroke-linejoin='round'>"
    "<circle cx='12' cy='12' r='10'/><path d='M9.09 9a3 3 0 0 1 5.83 1c0 2-3 3-3 3'/>"
    "<line x1='12' y1='17' x2='12.01' y2='17'/></svg>"
)
CARD_CSS = (
    """
.hs-cards{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:1rem;margin:0 0 1rem 0}
@media (max-width:640px){.hs-cards{grid-template-columns:minmax(0,1fr)}}
.hs-card{border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;padding:calc(1rem - 1px)}
.hs-card-label{display:flex;justify-content:space-between;gap:0.5rem;font-weight:600;line-height:1.6}
.hs-card-help{flex:none;width:16px;height:16px;margin-top:0.2rem;cursor:help;"""
    + f'background:url("data:image/svg+xml,{urllib.parse.quote(_HELP_MARK_SVG)}") center/16px 16px no-repeat'
    + """}
.hs-card-value{font-size:2.25rem;line-height:1.4;margin:0.75rem 0 0.25rem 0;overflow-wrap:anywhere}
.hs-card-note{color:rgba(49,51,63,0.6);font-size:0.875rem;line-height:1.5;margin-top:0.5rem}
.hs-card-line{margin-top:0.75rem;line-height:1.6}
"""
)
# A static table's sheet (render.static_table_html), as Streamlit styles st.table(border="horizontal").
TABLE_CSS = """
.hs-table-box{overflow-x:auto}
.hs-table{min-width:100%;border-collapse:separate;border-spacing:0;font-size:14px;line-height:21px}
.hs-table th,.hs-table td{text-align:left;vertical-align:middle;white-space:nowrap;padding:4px 6px;
border-bottom:1px solid rgba(47,45,43,0.1)}
.hs-table th{font-weight:400;color:rgba(47,45,43,0.7);padding-left:8px}
.hs-table tbody tr:last-child td{border-bottom:none}
.hs-table div{white-space:normal;max-width:400px;min-width:3em}
.hs-table .hs-whole{white-space:nowrap}
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
    cards' and static tables', the narrow-window sheet, the region list's, and in screenshot mode the
    panel sheet. Once per view, rather than with each card grid and table."""
    markup.html(_STYLE_SHEETS[screenshot])


# The two forms of the page's style element, made once: without and with the screenshot panel sheet.
_STYLE_SHEETS = {
    screenshot: "".join(
        f"<style>{sheet}</style>"
        for sheet in [CARD_CSS, TABLE_CSS, PHONE_CSS, REGION_CSS, *([SCREENSHOT_CSS] if screenshot else [])]
    )
    for screenshot in (False, True)
}
