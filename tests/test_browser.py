"""Every page in both languages in real headless chromium: charts paint, no error, nothing fetched
from the internet. Full-page screenshots land in artifacts/screens/ for a person to look at."""

from __future__ import annotations

import pytest

from tests.apptest_support import PAGES
from tests.browser_support import ARTIFACTS, leaves_the_machine, require_chromium, served_copy
from tools.browser import full_page_screenshot, wait_until_painted

CHARTS_PER_PAGE = {"overview": 1, "diagnosis": 1, "retrofit": 3, "funding": 2, "benchmarks": 1, "activities": 1}

require_chromium()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served_copy(tmp_path_factory.mktemp("browser")) as (base_url, _):
        yield base_url


def test_every_page_paints_in_both_languages(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.on("request", lambda request: outside.append(request.url) if leaves_the_machine(request.url) else None)
    for name in PAGES:
        for lang in ("zh", "en"):
            path = "" if name == PAGES[0] else name
            page.goto(f"{server}/{path}?lang={lang}")
            painted = wait_until_painted(page, expected=CHARTS_PER_PAGE.get(name))
            assert painted == CHARTS_PER_PAGE.get(name, 0), f"{name} {lang}: {painted} charts"
            assert page.locator("[data-testid='stException']").count() == 0, f"{name} {lang}"
            assert page.locator("[data-testid='stAlertContentError']").count() == 0, f"{name} {lang}"
            heading = page.locator("[data-testid='stMain'] h1").first.inner_text()
            assert heading and (lang == "en" or any("\u4e00" <= ch <= "\u9fff" for ch in heading))
            full_page_screenshot(page, ARTIFACTS / f"{name}_{lang}.png", 1280)
    assert not outside, f"requests left the machine: {outside[:5]}"


def test_a_page_opened_by_its_own_address_first_goes_through_the_navigation(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/retrofit?lang=zh")
    assert wait_until_painted(page, expected=3) == 3
    assert "智能化改造项目" in page.locator("[data-testid='stMain'] h1").first.inner_text()
    assert page.locator("[data-testid='stSidebarNav']").inner_text().count("总览") == 1
    full_page_screenshot(page, ARTIFACTS / "retrofit_zh_1920.png", 1920)


def test_language_switch_keeps_the_page_and_region(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server}/funding?lang=en")
    wait_until_painted(page)
    switch = page.locator("[data-testid='stSidebar']").get_by_text("English")
    switch.click()  # off: back to Chinese
    page.wait_for_url("**/funding?lang=zh")
    wait_until_painted(page)
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == "资金支持"
    switch.click()
    page.wait_for_url("**/funding?lang=en")
    wait_until_painted(page)
    assert page.locator("[data-testid='stMain'] h1").first.inner_text() == "Funding"
    assert "region=" not in page.url  # the city total is the default and stays out of the address
