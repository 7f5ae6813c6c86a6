"""AppTest sessions that run the dashboard as its server does: every page through dashboard.py."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test


class ServerPagesManager(PagesManager):
    """Pages as a running server has them. A server runs an app with a pages/ folder in Streamlit's old
    folder mode (every page file made into a page, then the script run as one of them) only until its
    first st.navigation call, which turns that mode off for the process. AppTest turns it back on
    before every run: a page switched to then ran alone, without dashboard.py's sidebar, navigation and
    foot, which no viewer ever sees; and each timed run would pay for the folder mode."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def run_pages_as_the_server() -> None:
    """From now on in this process, AppTest runs every page through dashboard.py, as the server does."""
    app_test.PagesManager = ServerPagesManager
