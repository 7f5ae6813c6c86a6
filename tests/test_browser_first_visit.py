"""The first visitor of a freshly started server: their first click in the sidebar counts.

Streamlit starts a process with a pages/ folder in its old folder mode and leaves it at the first
st.navigation call. That first run gave the sidebar's widgets other ids than every later run, so the first
visitor's first click on English (or a region) was dropped after every restart. The other browser tests
did not see it: each module's first test does something else first.
"""

from __future__ import annotations

import pytest

from tests.browser_support import require_chromium, served_copy
from tools.browser import wait_until_painted

require_chromium()

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "start", [None, ["-m", "ui.serve"]], ids=["streamlit run dashboard.py", "the launcher (make run)"]
)
def test_the_first_click_on_a_fresh_server_switches_the_language(tmp_path, browser, start):
    with served_copy(tmp_path, start=start) as (base_url, _):
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base_url}/?lang=zh")
        wait_until_painted(page)
        page.locator("[data-testid='stSidebar']").get_by_text("English").click()
        page.wait_for_function("location.search.includes('lang=en')", timeout=15_000)
        page.locator("[data-testid='stMain'] h1").filter(has_text="Overview").wait_for(timeout=15_000)
        page.close()
