"""Downloads and screenshot mode on the pages, under AppTest: buttons exist, carry deferred data (nothing
is rendered while a page is drawn), and screenshot mode swaps them for 16:9 panels."""

from __future__ import annotations

import json

import pytest

from tests.apptest_support import PAGES, open_page

pytestmark = pytest.mark.usefixtures("built")


def downloads(app) -> dict[str, list]:
    buttons: dict[str, list] = {}
    for button in app.get("download_button"):
        buttons.setdefault(button.proto.label, []).append(button.proto)
    return buttons


def chart_layouts(app) -> list[dict]:
    return [json.loads(chart.proto.spec)["layout"] for chart in app.get("plotly_chart")]


def test_overview_offers_the_briefing_pack_and_a_png_per_chart():
    app = open_page("overview", "zh")
    buttons = downloads(app)
    (pack,) = buttons["一键生成简报（PPT + 图片）"]
    assert pack.deferred_file_id and not pack.url  # made on click, not while the page is drawn
    assert not pack.disabled
    pngs = buttons["下载图片（PNG）"]
    assert len(pngs) == len(app.get("plotly_chart")) == 1
    assert all(button.deferred_file_id for button in pngs)
    (word,) = buttons["Word 简报"]
    assert word.deferred_file_id and not word.url and word.help.startswith("生成 A4 Word 简报")
    english = downloads(open_page("overview", "en"))
    assert set(english) == {
        "Briefing pack (PowerPoint + images)",
        "Word briefing",
        "Download image (PNG)",
        "Download Excel table",
    }


def test_every_chart_on_every_page_has_a_png_download():
    for page in PAGES:
        app = open_page(page, "zh")
        charts = len(app.get("plotly_chart"))
        assert len(downloads(app).get("下载图片（PNG）", [])) == charts, page
        assert ("一键生成简报（PPT + 图片）" in downloads(app)) == (page == "overview"), page


def test_screenshot_mode_draws_16_9_panels_with_larger_type_and_no_buttons():
    normal = chart_layouts(open_page("retrofit", "zh"))
    app = open_page("retrofit", "zh", shot="1")
    assert not app.exception and not downloads(app)
    panels = chart_layouts(app)
    assert len(panels) == len(normal) == 3
    for panel, plain in zip(panels, normal, strict=True):
        assert "height" not in panel  # it fills its 16:9 box (the browser test measures it)
        assert panel["font"]["size"] == pytest.approx(plain["font"]["size"] * 1.3)
        assert panel["title"]["text"] == plain["title"]["text"]


def test_screenshot_mode_hides_the_chrome_until_left():
    app = open_page("overview", "zh", shot="1")
    assert app.toggle(key="screenshot").value is True
    assert any("display: none" in element.proto.body for element in app.get("html"))
    assert not downloads(app)

    # What the button changes here; the page coming back with its chrome is checked in the browser test.
    app.button(key="shot_exit").click().run()
    assert "shot" not in app.query_params
    assert not app.session_state["context"].screenshot
    assert "screenshot" not in app.session_state or app.session_state["screenshot"] is False


def test_screenshot_switch_is_in_the_sidebar_and_off_by_default():
    app = open_page("overview", "en")
    switch = app.sidebar.toggle(key="screenshot")
    assert switch.label == "Screenshot mode" and switch.value is False
    assert not any("display: none" in element.proto.body for element in app.get("html"))
    # Flipping it is exercised in the browser test: AppTest reruns only the page after a widget change.


def test_key_metrics_and_sources_offer_excel():

    overview = downloads(open_page("overview", "zh"))
    (key_figures,) = overview["下载 Excel 表格"]
    assert key_figures.deferred_file_id and key_figures.help.startswith("数值为数字格式")
    sources = downloads(open_page("sources", "en"))
    assert len(sources["Download Excel table"]) == 1
    assert not downloads(open_page("overview", "zh", shot="1"))  # none in screenshot mode


def test_overview_in_screenshot_mode_shows_its_key_chart_first():
    def kinds(app) -> list[str]:
        return [element.type for element in app.main]

    shot, plain = kinds(open_page("overview", "zh", shot="1")), kinds(open_page("overview", "zh"))
    assert shot.index("plotly_chart") < shot.index("subheader")  # first screen: title, date, the chart
    assert plain.index("plotly_chart") > plain.index("subheader")
