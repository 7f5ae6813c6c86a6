"""Exports in real headless chromium: screenshot mode hides the chrome and shows 16:9 panels, survives a
reload and can be left; the PNG and briefing-pack buttons download real files. Screenshots land in
artifacts/screens/ for a person to look at."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from pptx import Presentation

from metrics import briefing, wordbrief
from tests.browser_support import ARTIFACTS, leaves_the_machine, require_chromium, served_copy
from tools.browser import full_page_screenshot, wait_until_painted

CHROME = ["stSidebar", "stHeader", "stToolbar", "stMainMenu", "stDecoration"]

require_chromium()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served_copy(tmp_path_factory.mktemp("browser_exports")) as (base_url, _):
        yield base_url


@pytest.fixture
def page(browser):
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page.on("request", lambda request: outside.append(request.url) if leaves_the_machine(request.url) else None)
    yield page
    page.close()
    assert not outside, f"requests left the machine: {outside[:5]}"


def visible_chrome(page) -> list[str]:
    return [name for name in CHROME if page.locator(f"[data-testid='{name}']").first.is_visible()]


def test_screenshot_mode_hides_the_chrome_and_draws_16_9_panels(server, page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/retrofit?lang=zh&shot=1")
    assert wait_until_painted(page) == 3
    assert visible_chrome(page) == []
    assert page.locator("[data-testid='stMain'] h1").first.is_visible()
    assert page.get_by_text("下载图片（PNG）").count() == 0
    for index in range(3):
        box = page.locator("[data-testid='stPlotlyChart']").nth(index).bounding_box()
        assert box["width"] / box["height"] == pytest.approx(16 / 9, rel=0.01) and box["width"] >= 900
    full_page_screenshot(page, ARTIFACTS / "retrofit_shot_zh.png", 1280)
    chart = page.locator("[data-testid='stPlotlyChart']").nth(2)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "retrofit_tiers_panel_zh.png"))  # what a capture of one chart gets

    page.reload()
    wait_until_painted(page)
    assert visible_chrome(page) == [] and "shot=1" in page.url

    page.get_by_role("button", name="退出截图模式").click()
    page.wait_for_selector("[data-testid='stSidebar']", state="visible")
    wait_until_painted(page)
    assert "shot=" not in page.url and "stSidebar" in visible_chrome(page)
    assert page.locator("[data-testid='stPlotlyChart']").first.bounding_box()["height"] != pytest.approx(630, abs=2)


def test_the_sidebar_switch_turns_screenshot_mode_on(server, page):
    page.goto(f"{server}/?lang=en")
    wait_until_painted(page)
    assert "stSidebar" in visible_chrome(page)
    full_page_screenshot(page, ARTIFACTS / "overview_normal_en.png", 1280)
    page.locator("[data-testid='stSidebar']").get_by_text("Screenshot mode").click()
    page.wait_for_selector("[data-testid='stSidebar']", state="hidden")
    wait_until_painted(page)
    assert "shot=1" in page.url and visible_chrome(page) == []
    assert page.get_by_text("Briefing pack (PowerPoint + images)").count() == 0
    full_page_screenshot(page, ARTIFACTS / "overview_shot_en.png", 1280)


def test_png_and_briefing_pack_download_from_the_overview(server, page, tmp_path):
    page.goto(f"{server}/?lang=zh")
    wait_until_painted(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="下载图片（PNG）").click()
    assert download.value.suggested_filename == "overview_progress_huangshi_zh.png"
    image = Image.open(download.value.path())
    assert image.format == "PNG" and image.size == (3200, 1800)

    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="一键生成简报（PPT + 图片）").click()
    assert download.value.suggested_filename == "briefing_huangshi_zh.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        deck = Presentation(io.BytesIO(archive.read("briefing_huangshi_zh.pptx")))
    charts = len(briefing.BRIEFING_CHARTS)
    assert len([name for name in names if name.endswith(".png")]) == charts
    assert len(deck.slides) == charts + 5  # cover, key points, charts, metrics without a target, checks, sources

    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Word 简报").click()
    assert download.value.suggested_filename == "briefing_huangshi_zh.docx"
    assert "一、总体情况" in wordbrief.read_text(download.value.path().read_bytes())
