"""Pages under AppTest run as the server runs them: inside dashboard.py, with its sidebar and foot."""

from __future__ import annotations

import pytest

from tests.apptest_support import PAGES, open_page

pytestmark = pytest.mark.usefixtures("built")


@pytest.mark.parametrize("page", PAGES[1:])
def test_a_page_switched_to_has_the_sidebar_a_viewer_sees(page):
    app = open_page(page, "zh", shot="1")
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.selectbox[0].value == "huangshi"  # dashboard.py's sidebar ran
    assert "shot_exit" in [button.key for button in app.button]  # and its foot, after the page
