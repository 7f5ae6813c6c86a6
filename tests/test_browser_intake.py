"""Report intake in real headless chromium: an editor signs in, uploads the year-end summary (.docx), sees
the document with its figures highlighted and the proposals table, confirms, and the Overview and Sources
pages show the new figures with their document. Screenshots (1440 and 390 px, both languages) land in
artifacts/screens/ for a person to look at.

A new region and a new metric made on the page have files of their own (test_browser_intake_region.py,
test_browser_intake_metric.py): each scenario confirms on its own data copy and server, so the three can run
on different test workers."""

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


def _intake_with(browser, base_url: str, lang: str, report: Path = FIXTURES / "year_end_summary.docx"):
    """An editor's intake page at 1440 px with `report` uploaded and shown, its figures marked."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open_intake(page, base_url, lang)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(report))
    page.locator(".intake-doc").wait_for(timeout=30_000)
    wait_until_painted(page)
    return page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_editor_uploads_a_report_confirms_and_sees_it_on_overview_and_sources(site, browser, lang):
    base_url, data = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = _intake_with(browser, base_url, lang)
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


def _typed(page, scope, label: str, value: str) -> None:
    field = scope.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")  # a text input commits on leaving it
    wait_until_painted(page)
