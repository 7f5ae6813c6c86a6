"""Report intake in real headless chromium: a report about a city the dashboard does not list. The editor
makes the new region on the intake page; nothing is written until the import is confirmed; then a fresh
visitor finds the region in the sidebar, its figure on the Overview and the report on Sources.
Screenshots land in artifacts/screens/ for a person to look at."""

from __future__ import annotations

import pytest

from metrics.registry import read_reference_csv
from tests.browser_support import ARTIFACTS, require_chromium, served_copy_with_editor
from tests.test_browser_editing import main_text
from tests.test_browser_intake import _intake_with, _typed
from tools.browser import full_page_screenshot, wait_until_painted

require_chromium()

pytestmark = pytest.mark.browser


OTHER_CITY = (
    "湖北省2024年上半年工业互联网工作简报\n"
    "截至6月底，鄂州市已完成规上企业智能化诊断服务300家。\n"
    "截至6月底，黄石市已完成规上企业智能化诊断服务612家。\n"
    "湖北省经济和信息化厅\n2024年7月10日\n"
)
NEW_REGION = {
    "zh": ("把不在看板中的地区建为新地区", "地区编号（英文）", "英文名称", "中文名称", "加入新地区"),
    "en": (
        "Make a new region for a place the dashboard does not list",
        "Region id (English)",
        "English name",
        "Chinese name",
        "Add the region",
    ),
}
REGION_ADDED = {
    "zh": "新地区“鄂州市”（ezhou）已选入1行",
    "en": 'The new region "Ezhou" (ezhou) is chosen for 1 row(s)',
}
REGION_PREVIEW = {"zh": "将新增1个地区", "en": "1 region(s) added"}


@pytest.fixture(scope="module")
def region_site(tmp_path_factory):
    """A second data copy: the new-region confirmation must not meet the year-end summary's records."""
    with served_copy_with_editor(tmp_path_factory.mktemp("intake_region")) as (base_url, data):
        yield base_url, data


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_editor_makes_a_new_region_from_a_report_and_a_fresh_visitor_sees_it(region_site, browser, tmp_path, lang):
    base_url, data = region_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "湖北省工业互联网简报.txt"
    report.write_text(OTHER_CITY, encoding="utf-8")
    page = _intake_with(browser, base_url, lang, report)
    heading, id_label, en_label, zh_label, add = NEW_REGION[lang]
    assert page.get_by_text(heading).count() == 1
    full_page_screenshot(page, ARTIFACTS / f"intake_region_table_{lang}.png", 1440)
    full_page_screenshot(page, ARTIFACTS / f"intake_region_table_{lang}_390.png", 390)

    page.get_by_test_id("stExpander").get_by_text(heading).click()
    panel = page.get_by_test_id("stExpander").filter(has_text=heading)
    _typed(page, panel, id_label, "ezhou")
    _typed(page, panel, en_label, "Ezhou")
    assert panel.get_by_label(zh_label, exact=True).input_value() == "鄂州市"
    full_page_screenshot(page, ARTIFACTS / f"intake_region_form_{lang}.png", 1440)
    panel.get_by_role("button", name=add).click()
    page.get_by_text(REGION_ADDED[lang], exact=False).wait_for(timeout=30_000)
    page.get_by_text(REGION_PREVIEW[lang], exact=False).wait_for()
    wait_until_painted(page)
    assert (data / "regions.csv").read_text(encoding="utf-8").count("ezhou") == 0  # pending until confirmed
    full_page_screenshot(page, ARTIFACTS / f"intake_region_confirm_{lang}.png", 1440)
    full_page_screenshot(page, ARTIFACTS / f"intake_region_confirm_{lang}_390.png", 390)
    if lang == "en":
        return  # the English run shows the confirmation; the Chinese run confirms (once per data copy)

    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("地区表新版本", exact=False).first.wait_for(timeout=30_000)
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / "intake_region_saved_zh.png", 1440)
    regions = read_reference_csv(data / "regions.csv")
    assert regions.set_index("region_id").loc["ezhou", "parent_id"] == "hubei"
    progress = read_reference_csv(data / "progress.csv").set_index("region_id")
    assert tuple(progress.loc["ezhou", ["value", "as_of"]]) == ("300", "2024-06-30")

    # A fresh visitor (no sign-in): the region is offered in the sidebar and its Overview shows its figure.
    for shown, name in (("zh", "鄂州市"), ("en", "Ezhou")):
        visitor = browser.new_page(viewport={"width": 1440, "height": 900})
        visitor.goto(f"{base_url}/?lang={shown}")
        wait_until_painted(visitor)
        visitor.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        offered = visitor.get_by_role("option").filter(has_text=name)
        assert offered.count() == 1, visitor.get_by_role("option").all_inner_texts()
        offered.click()
        wait_until_painted(visitor)
        assert "region=ezhou" in visitor.url
        assert "300" in main_text(visitor)
        full_page_screenshot(visitor, ARTIFACTS / f"intake_region_overview_{shown}.png", 1440)
        full_page_screenshot(visitor, ARTIFACTS / f"intake_region_overview_{shown}_390.png", 390)
        visitor.get_by_test_id("stSidebarNav").get_by_text("数据来源" if shown == "zh" else "Sources").click()
        wait_until_painted(visitor)
        assert "湖北省2024年上半年工业互联网工作简报" in main_text(visitor)
        full_page_screenshot(visitor, ARTIFACTS / f"intake_region_sources_{shown}.png", 1440)
        visitor.close()
