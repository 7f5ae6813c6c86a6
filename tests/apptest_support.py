"""Running the dashboard's pages under Streamlit's AppTest."""

from __future__ import annotations

import html
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tools.apptest import run_pages_as_the_server
from ui.navigation import VIEWER_PAGES

run_pages_as_the_server()  # a page switched to runs inside dashboard.py, with the sidebar, as viewers see it

ROOT = Path(__file__).resolve().parent.parent
PAGES = VIEWER_PAGES  # addresses, in navigation order


def open_page(page: str, lang: str = "zh", session: dict | None = None, **query: str) -> AppTest:
    """Run dashboard.py, then switch to a page (AppTest needs run() before switch_page()).

    `session` presets session state, e.g. a signed-in editor from metrics.editors.authenticate."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (session or {}).items():
        app.session_state[key] = value
    app.query_params["lang"] = lang
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page != PAGES[0]:
        app.switch_page(f"pages/{page}.py").run()
    return app


CARD = re.compile(r'<div class="hs-card-label"><span>(.*?)</span>.*?<div class="hs-card-value">(.*?)</div>')


def metric_values(app: AppTest) -> dict[str, str]:
    """Label → value of every card on the page (cards are drawn as one st.html element)."""
    return {
        html.unescape(label): html.unescape(value)
        for element in app.get("html")
        for label, value in CARD.findall(element.value)
    }


def static_tables(app: AppTest) -> list:
    """The page's static tables (ui.render.static_table, drawn as HTML) as DataFrames of text."""
    from io import StringIO

    import pandas as pd

    return [
        pd.read_html(StringIO(element.value), flavor="lxml", keep_default_na=False)[0].astype(str)
        for element in app.get("html")
        if 'class="hs-table"' in element.value
    ]


def all_text(app: AppTest) -> str:
    """Every markdown, caption, info and title text on the page, and its HTML elements (cards, static
    tables) as written, joined, as a reader sees it: text from the data is escaped for markdown
    (metrics.escaping), and the backslashes do not show."""
    parts = [
        element.value
        for kind in ("markdown", "html", "caption", "title", "subheader", "info", "warning", "success")
        for element in app.get(kind)
    ]
    return MARKDOWN_ESCAPE.sub(r"\1", "\n".join(str(part) for part in parts))


MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]{}()#+\-!|<>$~:])")


def chart_titles(app: AppTest) -> list[str]:
    import json

    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]
