"""Report intake in real headless chromium: a figure no metric matches. The editor makes a new metric for
it on the intake page; metrics.csv is unchanged until the import is confirmed; then a fresh visitor finds
the figure under its new metric on Sources, at 1440 and 390 px. Screenshots land in artifacts/screens/
for a person to look at."""

from __future__ import annotations

import pytest

from metrics.registry import read_reference_csv
from tests.browser_support import ARTIFACTS, require_chromium, served_copy_with_editor
from tests.test_browser_intake import _intake_with, _typed
from tools.browser import full_page_screenshot, wait_until_painted

require_chromium()

pytestmark = pytest.mark.browser


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
    page = _intake_with(browser, base_url, lang, report)
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
