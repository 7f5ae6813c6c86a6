"""What officials see in a real browser (issue 12): a bookmarked /overview opens, the long region name is
readable in full, and no table hands out a CSV of its own (only our neutralised download buttons do)."""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, require_chromium, served_copy
from tools.browser import full_page_screenshot, wait_until_painted

require_chromium()

pytestmark = pytest.mark.browser

GROUP = "daye_yangxin_kaifaqu"
GROUP_NAMES = {"zh": "大冶市、阳新县、开发区（合计）", "en": "Daye, Yangxin and the Development Zone (combined)"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("words")
    with served_copy(folder) as (base_url, data):
        yield base_url, data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_opens_by_its_own_address(server, browser, lang):
    base_url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{base_url}/overview?lang={lang}&region={GROUP}")
    wait_until_painted(page)
    heading = page.locator("[data-testid='stMain'] h1").first.inner_text()
    assert heading == {"zh": "总览", "en": "Overview"}[lang]
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role='dialog']").count() == 0
    # The sidebar's choices survive the bookmark, and the navigation marks the page as the one shown.
    assert f"lang={lang}" in page.url and f"region={GROUP}" in page.url
    current = page.locator("[data-testid='stSidebarNav'] a[aria-current='page']").all_inner_texts()
    assert len(current) == 1 and heading in current[0]
    page.close()


@pytest.mark.parametrize(("lang", "width"), [("zh", 1440), ("en", 1440), ("zh", 390), ("en", 390)])
def test_the_combined_groups_name_is_readable_in_full(server, browser, lang, width):
    base_url, _ = server
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(f"{base_url}/?lang={lang}&region={GROUP}")
    wait_until_painted(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    if not sidebar.is_visible() or sidebar.bounding_box()["x"] < 0:
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
        page.wait_for_timeout(500)
    name = GROUP_NAMES[lang]
    # Closed: the whole name is written under the box (the box itself is a one-line field).
    caption = sidebar.locator("[data-testid='stCaptionContainer']", has_text=name)
    assert caption.count() == 1 and _shown_whole(caption.first)
    # Open: the option wraps instead of being cut at the box's width.
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    option = page.locator("[role='option']", has_text=name).first
    option.wait_for()
    assert _shown_whole(option.locator("div").first)
    box = option.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=str(_artifact(f"region_{lang}_{width}.png")))
    page.close()


def _shown_whole(element) -> bool:
    """Whether an element's text is drawn whole: not clipped inside its box, not cut by an ellipsis."""
    return element.evaluate(
        "e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1"
        " && getComputedStyle(e).textOverflow !== 'ellipsis'"
    )


def _artifact(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


@pytest.mark.parametrize("name", ["targets", "sources"])
def test_no_table_hands_out_a_csv_of_its_own(server, browser, name):
    """The grid's toolbar download wrote cells as they are (=1+1, =HYPERLINK(...) live in Excel): it is
    switched off (client.disableDataExport), and the page's own neutralised download stays."""
    base_url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page.goto(f"{base_url}/{name}?lang=zh")
    wait_until_painted(page)
    tables = page.locator("[data-testid='stDataFrame']")
    # The grid's component loads after the script has finished: on a busy machine, later than "painted".
    tables.first.wait_for(state="visible", timeout=30_000)
    assert tables.count() >= 1
    for index in range(tables.count()):
        table = tables.nth(index)
        table.scroll_into_view_if_needed()
        table.hover()
        page.wait_for_timeout(400)
        toolbar = page.locator("[data-testid='stElementToolbar']")
        assert toolbar.get_by_role("button", name="Download as CSV").count() == 0
        assert page.locator("[data-testid='stElementToolbarButton']", has_text="Download").count() == 0
    full_page_screenshot(page, _artifact(f"{name}_no_grid_download.png"), 1440)
    assert page.locator("[data-testid='stDownloadButton']").count() >= 1
    page.close()
