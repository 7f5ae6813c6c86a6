"""Every page on a phone (390×844, a chat app's browser) in both languages: the sidebar starts collapsed
and opens to the language and region, nothing is wider than the screen (tables scroll inside
themselves), and no chart text runs outside its chart. Screenshots land in artifacts/screens/phone_*."""

from __future__ import annotations

import pytest

from tests.apptest_support import PAGES
from tests.browser_support import ARTIFACTS, require_chromium, served_copy
from tools.browser import full_page_screenshot, wait_until_painted

require_chromium()

pytestmark = pytest.mark.browser

# WeChat's browser on an iPhone: chat apps keep the phone's "Mobile" in their User-Agent.
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47"
)
WIDTH, HEIGHT = 390, 844

# Elements wider than the screen, unless a parent scrolls or clips them (a data grid's canvas).
TOO_WIDE = """() => {
    const width = document.documentElement.clientWidth;
    const contained = (element) => {
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            const style = getComputedStyle(parent);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
                && parent.getBoundingClientRect().right <= width + 1) return true;
        }
        return false;
    };
    return [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1); })
        .filter(e => !contained(e))
        .slice(0, 5)
        .map(e => `${e.tagName}.${e.dataset.testid || ''} right=${Math.round(e.getBoundingClientRect().right)}`);
}"""

# Chart texts whose box leaves the chart's box: a clipped label, title or footer.
CLIPPED_TEXT = """() => {
    const clipped = [];
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
        const box = chart.querySelector('.main-svg').getBoundingClientRect();
        for (const text of chart.querySelectorAll('text')) {
            const r = text.getBoundingClientRect();
            if (!text.textContent.trim() || r.width === 0) continue;
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
                clipped.push(`${text.textContent.slice(0, 30)} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
            }
        }
    }
    return clipped.slice(0, 5);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served_copy(tmp_path_factory.mktemp("browser_phone")) as (base_url, _):
        yield base_url


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_reads_top_to_bottom_on_a_phone(server, phone, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        path = "" if name == PAGES[0] else name
        phone.goto(f"{server}/{path}?lang={lang}")
        wait_until_painted(phone)
        sidebar = phone.locator("[data-testid='stSidebar']")
        assert sidebar.get_attribute("data-collapsed") == "true", f"{name} {lang}: sidebar open on load"
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off the screen
        assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, f"{name} {lang}: page scrolls sideways"
        assert phone.evaluate(TOO_WIDE) == [], f"{name} {lang}"
        assert phone.evaluate(CLIPPED_TEXT) == [], f"{name} {lang}"
        assert phone.locator("[data-testid='stPlotlyChart'] .modebar-container:visible").count() == 0
        full_page_screenshot(phone, ARTIFACTS / f"phone_{name}_{lang}.png", WIDTH)


def test_language_and_region_stay_reachable(server, phone):
    phone.goto(f"{server}/?lang=zh")
    wait_until_painted(phone)
    phone.locator("[data-testid='stExpandSidebarButton']").click()
    sidebar = phone.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("English").wait_for()
    assert sidebar.get_attribute("data-collapsed") == "false"
    assert sidebar.get_by_text("地区").count() >= 1 or sidebar.get_by_text("区域").count() >= 1
    sidebar.get_by_text("English").click()
    phone.wait_for_url("**lang=en**")


def test_screenshot_mode_uses_a_1920_screen_and_opens_on_the_key_chart(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/?lang=zh&shot=1")
    wait_until_painted(page, expected=1)
    chart = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
    assert chart["width"] >= 1800  # not the 1120 px column that left 40% of the screen empty
    assert chart["y"] + chart["height"] <= 1080  # the Overview's first screen shows its key chart whole
    cards = page.locator(".hs-card").all()[:4]
    assert len({round(card.bounding_box()["y"]) for card in cards}) == 1  # four cards to a row
    full_page_screenshot(page, ARTIFACTS / "shot_1920_overview_zh.png", 1920)
    page.close()
