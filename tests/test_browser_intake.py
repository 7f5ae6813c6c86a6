"""Report intake in real headless chromium: an editor signs in, uploads the year-end summary (.docx), sees
the document with its figures highlighted and the proposals table, confirms, and the Overview and Sources
pages show the new figures with their document. Screenshots (1440 and 390 px, both languages) land in
artifacts/screens/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.registry import read_reference_csv
from tests.browser_support import ARTIFACTS, require_chromium, served_copy_with_editor
from tests.test_browser_editing import main_text, sign_in
from tools.browser import full_page_screenshot, wait_until_painted

FIXTURES = Path(__file__).parent / "fixtures" / "intake"

require_chromium()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a private data copy, with one editor account (jianghui / correct horse)."""
    with served_copy_with_editor(tmp_path_factory.mktemp("intake")) as (base_url, data):
        yield base_url, data


def _open_intake(page, base_url: str, lang: str) -> None:
    page.goto(f"{base_url}/targets?lang={lang}")
    wait_until_painted(page)
    nav = page.locator("[data-testid='stSidebarNav']")
    assert ("报告导入" if lang == "zh" else "Report intake") not in nav.inner_text()  # viewers: no way in
    sign_in(page, lang)
    nav.get_by_text("报告导入" if lang == "zh" else "Report intake").click()
    heading = "报告导入" if lang == "zh" else "Report intake"
    page.locator("[data-testid='stMain'] h1").filter(has_text=heading).wait_for()
    wait_until_painted(page)


def _upload(page, lang: str) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(FIXTURES / "year_end_summary.docx"))
    page.locator(".intake-doc").wait_for(timeout=30_000)
    wait_until_painted(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_editor_uploads_a_report_confirms_and_sees_it_on_overview_and_sources(site, browser, lang):
    base_url, data = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open_intake(page, base_url, lang)
    _upload(page, lang)
    marks = page.locator(".intake-doc mark")
    assert marks.count() == 7
    assert "520家" in marks.first.inner_text()
    full_page_screenshot(page, ARTIFACTS / f"intake_document_{lang}.png", 1440)
    full_page_screenshot(page, ARTIFACTS / f"intake_document_{lang}_390.png", 390)
    if lang == "en":
        return  # the English run shows the page; the Chinese run confirms (one confirmation per data copy)

    page.get_by_text("确认前预览", exact=False).first.wait_for()
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已保存", exact=False).first.wait_for(timeout=30_000)
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / "intake_saved_zh.png", 1440)
    progress = read_reference_csv(data / "progress.csv")
    assert set(progress["value"]) == {"520", "6", "156", "132", "5860000000", "15"}
    assert progress["source"].str.startswith("doc_").all()
    assert any(path.suffix == ".docx" for path in (data / "documents").iterdir())

    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("总览").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="总览").wait_for()
    wait_until_painted(page)
    assert "520" in main_text(page)
    full_page_screenshot(page, ARTIFACTS / "intake_overview_zh.png", 1440)
    full_page_screenshot(page, ARTIFACTS / "intake_overview_zh_390.png", 390)

    nav.get_by_text("数据来源").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="数据来源").wait_for()
    wait_until_painted(page)
    signed = "《黄石市经济和信息化局2023年工业互联网工作总结》（黄石市经济和信息化局，2024年1月15日）"
    assert signed in main_text(page)  # the issuer, left empty, is the office that signs the document (落款)
    full_page_screenshot(page, ARTIFACTS / "intake_sources_zh.png", 1440)


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


def _typed(page, scope, label: str, value: str) -> None:
    field = scope.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")  # a text input commits on leaving it
    wait_until_painted(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_editor_makes_a_new_region_from_a_report_and_a_fresh_visitor_sees_it(region_site, browser, tmp_path, lang):
    base_url, data = region_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "湖北省工业互联网简报.txt"
    report.write_text(OTHER_CITY, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open_intake(page, base_url, lang)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(report))
    page.locator(".intake-doc").wait_for(timeout=30_000)
    wait_until_painted(page)
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


NEW_FIGURE = (
    "黄石市2024年上半年工业互联网工作进展\n截至6月底，全市新增5G全连接工厂2个。\n黄石市经济和信息化局\n2024年7月10日\n"
)
NEW_METRIC = {
    "zh": ("把未对应的数字建为新指标", "指标编号（英文）", "英文名称", "英文单位", "类别", "标杆示范", "建立新指标"),
    "en": (
        "Make a new metric for a figure without one",
        "Metric id (English)",
        "English label",
        "English unit",
        "Category",
        "Benchmarks",
        "Add the metric",
    ),
}
METRIC_ADDED = {
    "zh": "新指标“5G全连接工厂”（g5_factories）已选入1行",
    "en": 'The new metric "5G fully connected factories" (g5_factories) is chosen for 1 row(s)',
}
METRIC_PREVIEW = {"zh": "将新增1个指标", "en": "1 metric(s) added"}
SEARCH = {"zh": "搜索（指标、原文、章节）", "en": "Search (metric, words, section)"}
FOUND_ONE = {"zh": "黄石市：显示1条", "en": "Huangshi: showing 1 of"}


@pytest.fixture(scope="module")
def metric_site(tmp_path_factory):
    """A third data copy: the new-metric confirmation meets neither of the others."""
    with served_copy_with_editor(tmp_path_factory.mktemp("intake_metric")) as (base_url, data):
        yield base_url, data


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_editor_makes_a_new_metric_saved_only_on_confirming_and_a_visitor_finds_its_figure(
    metric_site, browser, tmp_path, lang
):
    base_url, data = metric_site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "上半年工作进展.txt"
    report.write_text(NEW_FIGURE, encoding="utf-8")
    metrics_before = (data / "metrics.csv").read_bytes()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open_intake(page, base_url, lang)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(report))
    page.locator(".intake-doc").wait_for(timeout=30_000)
    wait_until_painted(page)
    heading, id_label, en_label, unit_label, category_label, category, add = NEW_METRIC[lang]
    page.get_by_test_id("stExpander").get_by_text(heading).click()
    panel = page.get_by_test_id("stExpander").filter(has_text=heading)
    _typed(page, panel, id_label, "g5_factories")
    _typed(page, panel, en_label, "5G fully connected factories")
    _typed(page, panel, unit_label, "factories")
    chooser = panel.locator("[data-testid='stSelectbox']").filter(has_text=category_label).locator("input")
    chooser.click()
    chooser.fill(category)  # the selectbox searches its options as one types
    page.get_by_role("option").filter(has_text=category).first.click()
    wait_until_painted(page)
    panel.get_by_role("button", name=add).click()
    page.get_by_text(METRIC_ADDED[lang], exact=False).wait_for(timeout=30_000)
    page.get_by_text(METRIC_PREVIEW[lang], exact=False).wait_for()
    wait_until_painted(page)
    assert (data / "metrics.csv").read_bytes() == metrics_before  # pending until confirmed
    full_page_screenshot(page, ARTIFACTS / f"intake_metric_pending_{lang}.png", 1440)
    full_page_screenshot(page, ARTIFACTS / f"intake_metric_pending_{lang}_390.png", 390)
    if lang == "en":
        return  # the English run shows the pending metric; the Chinese run confirms (once per data copy)

    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("指标表新版本", exact=False).first.wait_for(timeout=30_000)
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / "intake_metric_saved_zh.png", 1440)
    metrics = read_reference_csv(data / "metrics.csv").set_index("metric_id")
    assert metrics.loc["g5_factories", "label_en"] == "5G fully connected factories"
    progress = read_reference_csv(data / "progress.csv").set_index("metric_id")
    assert tuple(progress.loc["g5_factories", ["value", "as_of"]]) == ("2", "2024-06-30")

    # A fresh visitor (no sign-in): Sources lists the figure under its new metric, with its sentence.
    for shown, label in (("zh", "5G全连接工厂"), ("en", "5G fully connected factories")):
        for width in (1440, 390):
            visitor = browser.new_page(viewport={"width": width, "height": 900})
            visitor.goto(f"{base_url}/sources?lang={shown}")
            wait_until_painted(visitor)
            _typed(visitor, visitor.get_by_test_id("stMain"), SEARCH[shown], label)  # the grid is a canvas
            visitor.get_by_text(FOUND_ONE[shown], exact=False).wait_for()
            suffix = "" if width == 1440 else "_390"
            full_page_screenshot(visitor, ARTIFACTS / f"intake_metric_sources_{shown}{suffix}.png", width)
            visitor.close()
