"""The Targets, Progress and Sources pages' Excel downloads, as the buttons hand them out, read back with
openpyxl: the rows on screen, numbers as numbers, dates as dates, units and qualifiers in their own
columns, the page's headers in the reader's language, and formula-like text kept as marked text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from metrics import editing, updates
from tests.apptest_support import open_page
from tests.test_downloads import deferred, downloaded  # noqa: F401 - the fixture, and reading a button

pytestmark = pytest.mark.usefixtures("built")
LABEL = {"zh": "下载 Excel 表格", "en": "Download Excel table"}


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def table(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def store_target_formulas() -> None:
    frame = editing.editable_frame("targets")
    frame.loc[0, "note"] = "=1+1"
    frame.loc[1, "evidence"] = '=HYPERLINK("http://example.com","点此")'
    assert updates.import_file("targets", updates.KINDS["targets"].to_bytes(frame), "甲").saved.changed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_targets_page_hands_out_its_targets_as_xlsx(deferred, lang):  # noqa: F811
    store_target_formulas()
    app = open_page("targets", lang)
    assert not app.exception
    sheet = sheet_of(downloaded(app, deferred, LABEL[lang]))
    rows = table(sheet)
    assert rows[0] == (
        ("指标", "地区", "计划", "期初", "期末", "目标值", "目标限定（以上）", "单位")
        + ("来源", "章节", "原文", "备注")
        if lang == "zh"
        else (
            "Metric",
            "Region",
            "Plan",
            "Period start",
            "Period end",
            "Target",
            "Target qualifier (at least)",
            "Unit",
            "Source",
            "Section",
            "Source's words",
            "Note",
        )
    )
    name = "完成智能化诊断的规上企业" if lang == "zh" else "Enterprises diagnosed"
    diagnosis = [row for row in rows[1:] if row[0] == name]
    assert diagnosis[0][3:8] == (
        dt.datetime(2021, 1, 1),
        dt.datetime(2021, 12, 31),
        152,
        None,
        "家" if lang == "zh" else "enterprises",
    )
    assert diagnosis[1][5:7] == (500, "以上" if lang == "zh" else "at least")
    assert sheet["D2"].number_format == "yyyy-mm-dd" and sheet["F2"].data_type == "n"
    # formula-like text: stored as text, marked with Excel's quote prefix; other text is not marked
    formula = [cell for row in sheet.iter_rows(min_row=2) for cell in row if str(cell.value).startswith("=")]
    assert {cell.value for cell in formula} == {"=1+1", '=HYPERLINK("http://example.com","点此")'}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in formula)
    assert not sheet["A2"].quotePrefix
    assert len(rows) - 1 == len(editing.editable_frame("targets"))  # every target of Huangshi's view


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_progress_page_hands_out_its_records_as_xlsx(deferred, lang):  # noqa: F811
    record = (
        "\ufeffmetric_id,region_id,as_of,value,qualifier,source,note\n"
        "diagnosis_enterprises,huangshi,2022-03-31,260,>=,市经信局季度报表,=SUM(A1)\n"
        "funding_city_level,huangshi,2022-03-31,30000000,~,市财政局,\n"
    )
    assert updates.import_file("progress", record.encode(), "甲").saved.changed
    app = open_page("progress", lang)
    assert not app.exception
    rows = table(sheet := sheet_of(downloaded(app, deferred, LABEL[lang])))
    assert rows[0][:6] == (
        ("指标", "地区", "截至", "数值", "数值限定（超过/约）", "单位")
        if lang == "zh"
        else ("Metric", "Region", "As of", "Value", "Value qualifier (more than / about)", "Unit")
    )
    by_value = {row[3]: row for row in rows[1:]}
    assert set(by_value) == {260, 3000}  # money in 万元, as a number
    assert by_value[260][4:6] == (("超过", "家") if lang == "zh" else ("more than", "enterprises"))
    assert by_value[3000][4:6] == (("约", "万元") if lang == "zh" else ("about", "万元"))
    note = next(cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == "=SUM(A1)")
    assert note.data_type == "s" and note.quotePrefix


def test_the_sources_xlsx_holds_exactly_the_rows_on_screen(deferred):  # noqa: F811
    app = open_page("sources", "zh")
    everything = table(sheet_of(downloaded(app, deferred, LABEL["zh"])))
    app.text_input(key="sources_search").input("诊断").run()
    assert not app.exception
    (shown,) = [frame.value for frame in app.dataframe][:1]
    rows = table(sheet_of(downloaded(app, deferred, LABEL["zh"])))
    assert 1 < len(rows) - 1 < len(everything) - 1
    on_screen = list(zip(shown["指标"], shown["地区"], shown["截至"], shown["章节"], strict=True))
    assert [(row[0], row[1], row[6], row[7]) for row in rows[1:]] == on_screen
