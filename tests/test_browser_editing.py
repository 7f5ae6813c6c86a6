"""Editing in real headless chromium: an editor signs in, changes a target in the table, previews, saves,
and the dashboard shows it. Full-page screenshots of the editing pages land in artifacts/screens/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_support import ARTIFACTS, require_chromium, served_copy_with_editor
from tools.browser import full_page_screenshot, wait_until_painted

ROOT = Path(__file__).resolve().parent.parent

require_chromium()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a private data copy, with one editor account (jianghui / correct horse)."""
    with served_copy_with_editor(tmp_path_factory.mktemp("editing")) as (base_url, data):
        yield base_url, data


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def open_sign_in_form(page, lang: str) -> None:
    page.get_by_role("button", name="编辑人员登录" if lang == "zh" else "Editor sign-in").click()
    page.get_by_test_id("stForm").wait_for()
    wait_until_painted(page)  # the run that drew the form has ended (a submit during it was lost once in CI)


def sign_in(page, lang: str, screenshot: Path | None = None, enter: bool = False) -> None:
    """Open the form, fill it in and sign in with the 登录 button, or with Enter in the password field."""
    open_sign_in_form(page, lang)
    account = page.get_by_label("账号" if lang == "zh" else "Account")
    password = page.get_by_label("密码" if lang == "zh" else "Password", exact=True)
    assert account.input_value() == "" and password.input_value() == ""  # nothing left from an earlier try
    account.fill("jianghui")
    password.fill("correct horse")
    if screenshot:
        full_page_screenshot(page, screenshot, 1280)
    if enter:
        password.press("Enter")  # the form's first button, 登录, not 取消
    else:
        page.get_by_role("button", name="登录" if lang == "zh" else "Sign in", exact=True).click()
    signed_in = page.get_by_text("已登录为编辑人员" if lang == "zh" else "Signed in as editor")
    refused = page.get_by_test_id("stForm").get_by_test_id("stAlert")  # the sign-in form's own message
    try:
        signed_in.or_(refused).first.wait_for()
    except PlaywrightTimeout:
        _fail_with_page(page, "no answer to the sign-in within 30 s")
    if not signed_in.is_visible():
        _fail_with_page(page, f"sign-in refused: {refused.first.inner_text()}")
    wait_until_painted(page)


def _fail_with_page(page, what: str) -> None:
    """Fail with what the page shows, and keep its screenshot: a CI run leaves nothing else to look at."""
    shot = ARTIFACTS / "failed_sign_in.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    pytest.fail(f"{what}; the page ({page.url}, screenshot {shot}) shows:\n{main_text(page)[:2000]}")


def test_an_editor_signs_in_edits_a_target_previews_saves_and_sees_it(site, browser):
    base_url, data = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base_url}/targets?lang=zh")
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / "editing_targets_viewer_zh.png", 1280)
    # Opened by mistake: 取消 closes the form, and what was typed does not come back with it.
    open_sign_in_form(page, "zh")
    page.get_by_label("密码", exact=True).fill("typed by mistake")
    page.get_by_role("button", name="取消").click()
    page.get_by_role("button", name="编辑人员登录").wait_for()
    wait_until_painted(page)
    assert page.get_by_test_id("stForm").count() == 0
    sign_in(page, "zh", enter=True)

    # The data editor is a canvas: select a cell of the first row, go to 目标值, open the cell's
    # editor, type, commit.
    grid = page.locator("[data-testid='stTabs'] [data-testid='stDataFrame']").first
    cell = page.locator("#portal input").first
    # A click while the grid is still laying out (a slow CI machine) can open an empty cell: try again.
    for _attempt in range(3):
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 300, box["y"] + 35 + 17)  # below the 35 px header: the first row
        page.keyboard.press("Home")  # its first column, wherever the click landed
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:  # a click before the grid can take it opens no editor at all: try again, as for a wrong cell
            cell.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            continue
        if cell.input_value() == "152":
            break
        page.keyboard.press("Escape")
        page.wait_for_timeout(1000)
    assert cell.input_value() == "152"
    cell.fill("160")
    page.keyboard.press("Enter")
    page.get_by_text("保存前预览：新增0行，修改1行，删除0行").wait_for()
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / "editing_targets_preview_zh.png", 1280)

    page.get_by_role("button", name="保存为新版本").click()
    page.get_by_text("已保存新版本", exact=False).first.wait_for()
    wait_until_painted(page)
    assert ",160,=" in (data / "targets.csv").read_text(encoding="utf-8-sig")
    assert "江晖" in main_text(page)  # the history names the editor
    full_page_screenshot(page, ARTIFACTS / "editing_targets_saved_zh.png", 1280)

    # Through the navigation: a page load would open a new session (and so a signed-out one).
    page.locator("[data-testid='stSidebarNav']").get_by_text("总览").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="总览").wait_for()
    wait_until_painted(page)
    assert "2021年计划目标160家" in main_text(page)
    assert "已登录" not in main_text(page)  # the sign-in shows in the sidebar only, on other pages
    assert "江晖" in page.locator("[data-testid='stSidebar']").inner_text()

    # Restore the version before the save (walked in a browser, not only in AppTest), then look as a new viewer:
    # a fresh browser session, which shares nothing with the editor's.
    page.locator("[data-testid='stSidebarNav']").get_by_text("目标").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="目标").wait_for()
    wait_until_painted(page)
    chooser = page.get_by_test_id("stSelectbox").filter(has_text="选择版本").locator("input")
    chooser.scroll_into_view_if_needed()
    chooser.click()
    versions = page.get_by_role("option")
    if not versions.count():
        chooser.press("ArrowDown")  # opens the list where a click only focused the box
    versions.first.wait_for()
    assert versions.count() >= 2, versions.all_inner_texts()  # newest first: the save, then what it replaced
    assert "江晖" in versions.nth(0).inner_text()
    versions.nth(1).click()
    wait_until_painted(page)
    page.get_by_role("button", name="恢复此版本").click()
    page.get_by_role("button", name="确认恢复").click()
    page.get_by_text("已恢复版本", exact=False).first.wait_for()
    wait_until_painted(page)
    targets = (data / "targets.csv").read_text(encoding="utf-8-sig")
    assert ",152,=" in targets and ",160,=" not in targets
    full_page_screenshot(page, ARTIFACTS / "editing_targets_rolled_back_zh.png", 1280)

    viewer = browser.new_context(viewport={"width": 1280, "height": 720})
    fresh = viewer.new_page()
    fresh.goto(f"{base_url}/?lang=zh")
    wait_until_painted(fresh)
    shown = main_text(fresh)
    assert "超额完成2021年计划（152家）" in shown and "160家" not in shown, shown[:600]
    fresh.goto(f"{base_url}/targets?lang=zh")
    wait_until_painted(fresh)
    newest = fresh.get_by_test_id("stSelectbox").filter(has_text="选择版本").locator("input").input_value()
    assert "恢复旧版本" in newest and "江晖" in newest, newest  # the history says what happened, to viewers too
    assert fresh.get_by_role("button", name="恢复此版本").count() == 0  # and offers them no way to do it
    full_page_screenshot(fresh, ARTIFACTS / "editing_targets_after_rollback_viewer_zh.png", 1280)
    viewer.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots_of_the_editing_pages(site, browser, lang):
    base_url, _ = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base_url}/progress?lang={lang}")
    wait_until_painted(page)
    assert page.locator("[data-testid='stException']").count() == 0
    full_page_screenshot(page, ARTIFACTS / f"editing_progress_viewer_{lang}.png", 1280)
    sign_in(page, lang, ARTIFACTS / f"editing_progress_sign_in_{lang}.png")
    full_page_screenshot(page, ARTIFACTS / f"editing_progress_{lang}.png", 1280)
    page.get_by_role("tab", name="上传文件" if lang == "zh" else "Upload a file").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "tests" / "fixtures" / "progress" / "many_problems.csv")
    )
    page.get_by_text("修正后才能保存" if lang == "zh" else "Fix them to save").first.wait_for()
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / f"editing_progress_problems_{lang}.png", 1280)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        str(ROOT / "tests" / "fixtures" / "progress" / "gbk_chinese_headers_crlf.csv")
    )
    page.get_by_text("保存前预览" if lang == "zh" else "Preview before saving").wait_for()
    wait_until_painted(page)
    full_page_screenshot(page, ARTIFACTS / f"editing_progress_preview_{lang}.png", 1280)
    page.locator("[data-testid='stSidebarNav']").get_by_text("目标" if lang == "zh" else "Targets").click()
    page.locator("[data-testid='stMain'] h1").filter(has_text="目标" if lang == "zh" else "Targets").wait_for()
    wait_until_painted(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stTabs']").count() == 1  # still signed in: the editor shows
    full_page_screenshot(page, ARTIFACTS / f"editing_targets_{lang}.png", 1280)
