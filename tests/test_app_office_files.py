"""The targets and progress pages' upload with the files officials make (AppTest): a workbook, a UTF-16
tab file below a title row, the note on which row is the header, and the size limit beside the uploader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics.csvfile import UPLOAD_LIMIT_MB
from tests.apptest_support import all_text, open_page
from ui.editing import EDITOR_KEY

OFFICE = Path(__file__).parent / "fixtures" / "office"
SHEET = {"targets": "目标", "progress": "进展"}
NUMBER = {"targets": "G", "progress": "F"}

pytestmark = pytest.mark.usefixtures("built")


def upload(kind: str, editor, lang: str, name: str):
    app = open_page(kind, lang, session={EDITOR_KEY: editor})
    content = (OFFICE / name).read_bytes()
    app.file_uploader(key=f"editui_{kind}_upload_0").upload(name, content, "application/octet-stream").run()
    assert not app.exception
    return app


@pytest.mark.parametrize("kind", ["targets", "progress"])
def test_a_utf16_tab_file_shows_its_problem_row_split_into_columns(editor, kind):
    app = upload(kind, editor, "zh", f"{kind}_unicode_text_bad.txt")
    listing = app.table[0].value
    assert listing.iloc[:, 0].tolist() == ["4"]
    rows = app.dataframe[-1].value
    column = next(name for name in rows.columns if name.startswith(f"{NUMBER[kind]} "))
    assert column.endswith("目标值" if kind == "targets" else "数值")  # headed by the file's header row (line 2)
    assert rows.loc[4, column] == "待定" and rows.loc[4, rows.columns[0]] == ""
    assert "第2行：以此行为表头" in all_text(app)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_with_a_bad_cell_is_named_by_sheet_row_and_column(editor, lang):
    app = upload("targets", editor, lang, "targets_bad_cells.xlsx")
    # cells of a static table are markdown: the problems quote the file's cells, escaped to show as text
    messages = re.sub(r"\\(.)", r"\1", " ".join(app.table[0].value.iloc[:, 2]))
    if lang == "zh":
        assert "工作表“目标”第4行 G列（目标值）：“待定”不是数字" in messages
        assert "工作表“目标”第5行 G列（目标值）：公式“=100+20”没有保存计算结果" in messages
    else:
        assert "sheet '目标', row 4, column G (目标值): '待定' is not a number" in messages
    rows = app.dataframe[-1].value
    assert rows.loc[4, "G 目标值"] == "待定"
    assert "editui_targets_upload_save" not in {button.key for button in app.button}


@pytest.mark.parametrize("kind", ["targets", "progress"])
def test_a_good_workbook_is_read_from_its_sheet_and_previewed(editor, kind):
    app = upload(kind, editor, "zh", f"{kind}.xlsx")
    text = all_text(app)
    assert f"已读取 {kind}.xlsx（工作表“{SHEET[kind]}”，4行数据）" in text
    assert "以此行为表头" in text
    assert f"editui_{kind}_upload_save" in {button.key for button in app.button}


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", f"不超过{UPLOAD_LIMIT_MB} MB"), ("en", f"up to {UPLOAD_LIMIT_MB} MB")]
)
def test_the_limit_is_said_beside_the_uploader(editor, lang, words):
    app = open_page("targets", lang, session={EDITOR_KEY: editor})
    assert words in all_text(app)
    assert words in app.file_uploader(key="editui_targets_upload_0").proto.label


def test_a_utf16_tab_file_without_a_title_row_is_split_too(editor):
    """What officials met: Excel's "Unicode text" showed each whole line in column A."""
    text = "指标编号\t开始日期\t结束日期\t目标值\r\ndiagnosis_enterprises\t2021/1/1\t2021/12/31\t待定\r\n"
    app = open_page("targets", "zh", session={EDITOR_KEY: editor})
    data = b"\xff\xfe" + text.encode("utf-16-le")
    app.file_uploader(key="editui_targets_upload_0").upload("unicode.txt", data, "text/plain").run()
    rows = app.dataframe[-1].value
    assert list(rows.columns) == ["A 指标编号", "B 开始日期", "C 结束日期", "D 目标值"]
    assert rows.loc[2].tolist() == ["diagnosis_enterprises", "2021/1/1", "2021/12/31", "待定"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_uploaded_progress_date_after_today_is_refused(built, editor, monkeypatch, lang):
    monkeypatch.setenv("DASHBOARD_TODAY", "2022-03-01")
    before = (built / "progress.csv").read_bytes()
    app = open_page("progress", lang, session={EDITOR_KEY: editor})
    data = "指标编号,截至日期,数值\ndiagnosis_enterprises,2031/12/31,180\n".encode()
    app.file_uploader(key="editui_progress_upload_0").upload("jindu.csv", data, "text/csv").run()
    # cells of a static table are markdown: the problems quote the file's cells, escaped to show as text
    messages = re.sub(r"\\(.)", r"\1", " ".join(app.table[0].value.iloc[:, 2]))
    if lang == "zh":
        assert "第2行 B列（截至日期）：日期 2031/12/31 晚于今天（2022-03-01）" in messages
    else:
        assert "line 2, column B (截至日期): the date 2031/12/31 is after today (2022-03-01)" in messages
    assert "editui_progress_upload_save" not in {button.key for button in app.button}
    assert (built / "progress.csv").read_bytes() == before
