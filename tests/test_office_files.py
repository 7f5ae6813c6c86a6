"""Files as officials really make them (issue 12): a title row above the header, rows with only the
metric or region name, LibreOffice's 21年1月1日, .xlsx workbooks, UTF-16 tab text, a mistyped future
date, cells the csv module cannot take, and the one size limit, for the targets and the progress
tables, through the command line (and, for the browser's problem rows, the same reader)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from metrics import importing, records, targets, updates
from metrics.__main__ import main
from metrics.csvfile import UPLOAD_LIMIT_MB
from metrics.importing import parse_date
from metrics.registry import read_reference_csv

ROOT = Path(__file__).resolve().parent.parent
OFFICE = Path(__file__).parent / "fixtures" / "office"
KINDS = ("targets", "progress")
SHEET = {"targets": "目标", "progress": "进展"}
NUMBER_COLUMN = {"targets": "G", "progress": "F"}


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def stored(data_dir: Path, kind: str) -> pd.DataFrame:
    return read_reference_csv(data_dir / f"{kind}.csv")


def rows_of(frame: pd.DataFrame, kind: str) -> set[tuple]:
    if kind == "targets":
        columns = ["metric_id", "region_id", "period_start", "period_end", "target", "qualifier"]
    else:
        columns = ["metric_id", "region_id", "as_of", "value", "qualifier"]
    return {tuple(row) for row in frame[columns].astype(str).itertuples(index=False)}


# What the office fixtures hold (tests/fixtures/make_office_files.py): one row by id, one by metric name
# only, one by region name only (大冶市), one percentage.
EXPECTED = {
    "targets": {
        ("diagnosis_enterprises", "huangshi", "2022-01-01", "2022-12-31", "200", "="),
        ("retrofit_projects_completed", "huangshi", "2022-01-01", "2022-12-31", "120", "="),
        ("diagnosis_providers", "daye", "2021-01-01", "2021-12-31", "3", ">="),
        ("retrofit_completion_share", "huangshi", "2022-01-01", "2022-12-31", "70", "="),
    },
    "progress": {
        ("diagnosis_enterprises", "huangshi", "2021-12-31", "160", "="),
        ("retrofit_projects_completed", "huangshi", "2021-12-31", "105", "="),
        ("diagnosis_providers", "daye", "2021-12-31", "4", "="),
        ("retrofit_completion_share", "huangshi", "2021-12-31", "66", "="),
    },
}


# ---------- a title row, name-only rows, 21年1月1日, an .xlsx ----------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["{kind}.xlsx", "{kind}_libreoffice_utf8.csv"])
def test_a_filled_in_office_file_imports_with_its_title_row_and_name_only_rows(built, capsys, kind, name):
    path = OFFICE / name.format(kind=kind)
    # the office file holds only the new rows: the rows live before are deleted, and that is confirmed
    live_rows = str(len(pd.read_csv(built / f"{kind}.csv", dtype=str)))
    code, output = cli(capsys, kind, "import", str(path), "--editor", "测试", "--confirm-delete", live_rows)
    assert code == 0, output
    assert rows_of(stored(built, kind), kind) >= EXPECTED[kind]
    # the note says which row was taken as the header, in both languages
    assert "第2行" in output and "以此行为表头" in output and "第1行" in output
    assert "taken as the header" in output
    if name.endswith(".xlsx"):
        assert f"工作表“{SHEET[kind]}”第2行" in output and f"sheet '{SHEET[kind]}', row 2" in output
    for wrong in ("缺少必填列", "必填项为空", "未知指标", "重复"):
        assert wrong not in output


@pytest.mark.parametrize("kind", KINDS)
def test_a_problem_below_a_title_row_keeps_the_files_own_line_number(built, capsys, kind):
    before = (built / f"{kind}.csv").read_bytes()
    code, output = cli(capsys, kind, "import", str(OFFICE / f"{kind}_unicode_text_bad.txt"))
    assert code == 1
    column = NUMBER_COLUMN[kind]
    assert f"第4行 {column}列" in output and f"line 4, column {column}" in output and "待定" in output
    assert (built / f"{kind}.csv").read_bytes() == before


def test_the_header_is_looked_for_only_near_the_top(registry):
    notes = "\n".join(f"说明{i}" for i in range(10))
    data = f"{notes}\nmetric_id,period_start,period_end,target\ndiagnosis_enterprises,2022-01-01,2022-12-31,1\n"
    parsed = targets.parse_targets(data.encode(), registry)
    assert [p.code for p in parsed.errors][:1] == ["missing_column"] and parsed.errors[0].line == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("21年1月1日", dt.date(2021, 1, 1)),
        ("22年12月31日", dt.date(2022, 12, 31)),
        ("2021年1月1日", dt.date(2021, 1, 1)),
    ],
)
def test_libreoffice_two_digit_year_dates(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["21/1/1", "21-1-1", "1年1月1日", "21年13月1日"])
def test_other_short_years_are_still_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


# ---------- an id and a name that contradict each other ----------

CONFLICTS = {
    "targets": "指标编号,指标名称,开始日期,结束日期,目标值\n"
    "diagnosis_enterprises,已完成智能化改造项目,2022-01-01,2022-12-31,120\n",
    "progress": "指标编号,地区,地区名称,日期,数值\ndiagnosis_enterprises,daye,阳新县,2021-12-31,20\n",
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_id_and_a_name_that_disagree_are_refused_naming_both(built, capsys, tmp_path, kind):
    path = tmp_path / "conflict.csv"
    path.write_text(CONFLICTS[kind], encoding="utf-8")
    before = (built / f"{kind}.csv").read_bytes()
    code, output = cli(capsys, kind, "import", str(path))
    assert code == 1
    if kind == "targets":
        assert "第2行 A列（指标编号）：“diagnosis_enterprises”是“完成智能化诊断的规上企业”" in output
        assert "B列（指标名称）写的是“已完成智能化改造项目”" in output
        assert "'diagnosis_enterprises' is 'Enterprises diagnosed' but column B (指标名称) says" in output
    else:
        assert "第2行 B列（地区）：“daye”是“大冶市”，而C列（地区名称）写的是“阳新县”" in output
        assert "'daye' is 'Daye' but column C (地区名称) says '阳新县'" in output
    assert (built / f"{kind}.csv").read_bytes() == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_row_with_neither_id_nor_name_is_one_problem_not_three(registry, kind):
    header, row = (
        ("指标编号,指标名称,开始日期,结束日期,目标值", ",,2022-01-01,2022-12-31,{n}")
        if kind == "targets"
        else ("指标编号,指标名称,日期,数值", ",,2021-12-3{n},{n}")
    )
    data = "\n".join([header, row.format(n=1), row.format(n=1)]) + "\n"
    parse = targets.parse_targets if kind == "targets" else records.parse_records
    parsed = parse(data.encode(), registry)
    assert [(p.code, p.line) for p in parsed.errors] == [("empty_required", 2), ("empty_required", 3)]


# ---------- suggestions in the words the official used ----------


@pytest.mark.parametrize(
    ("kind", "cells", "zh", "en"),
    [
        ("progress", "diagnosis_enterprises,大治市", "是否是“大冶市”（daye）？", "did you mean '大冶市' (daye)?"),
        (
            "progress",
            "完成智能化诊断规上企业,黄石市",
            "是否是“完成智能化诊断的规上企业”（diagnosis_enterprises）？",
            "did you mean '完成智能化诊断的规上企业' (diagnosis_enterprises)?",
        ),
        (
            "progress",
            "Enterprise diagnosed,黄石市",
            "是否是“Enterprises diagnosed”（diagnosis_enterprises）？",
            "did you mean 'Enterprises diagnosed' (diagnosis_enterprises)?",
        ),
        (
            "progress",
            "diagnosis_enterprise,黄石市",
            "是否是“diagnosis_enterprises”（完成智能化诊断的规上企业）？",
            "did you mean 'diagnosis_enterprises' (Enterprises diagnosed)?",
        ),
    ],
)
def test_a_suggestion_is_in_the_words_the_official_wrote(registry, kind, cells, zh, en):
    data = f"指标,地区,日期,数值\n{cells},2021-12-31,5\n".encode()
    parsed = records.parse_records(data, registry)
    assert len(parsed.errors) == 1
    assert zh in parsed.errors[0].message("zh") and en in parsed.errors[0].message("en")


# ---------- a recorded figure dated after today ----------


@pytest.fixture
def today_is(monkeypatch):
    def fix(day: str) -> None:
        monkeypatch.setenv("DASHBOARD_TODAY", day)

    return fix


def test_a_progress_date_after_today_is_refused_with_line_column_and_date(built, capsys, tmp_path, today_is):
    today_is("2022-03-01")
    path = tmp_path / "future.csv"
    path.write_text(
        "指标编号,截至日期,数值\ndiagnosis_enterprises,2022/2/28,170\ndiagnosis_enterprises,2031/12/31,180\n",
        encoding="utf-8",
    )
    before = (built / "progress.csv").read_bytes()
    for action in ("check", "import"):
        code, output = cli(capsys, "progress", action, str(path))
        assert code == 1
        assert "第3行 B列（截至日期）：日期 2031/12/31 晚于今天（2022-03-01）" in output
        assert "line 3, column B (截至日期): the date 2031/12/31 is after today (2022-03-01)" in output
        assert "第2行" not in output
    assert (built / "progress.csv").read_bytes() == before


def test_the_same_date_is_accepted_once_it_has_come(built, capsys, tmp_path, today_is):
    today_is("2031-12-31")
    path = tmp_path / "late.csv"
    path.write_text("指标编号,截至日期,数值\ndiagnosis_enterprises,2031/12/31,180\n", encoding="utf-8")
    assert cli(capsys, "progress", "import", str(path))[0] == 0


def test_a_target_period_may_lie_in_the_future(built, capsys, tmp_path, today_is):
    today_is("2022-03-01")
    path = tmp_path / "plan.csv"
    path.write_text(
        "指标编号,开始日期,结束日期,目标值\ndiagnosis_enterprises,2024/1/1,2026/12/31,800\n", encoding="utf-8"
    )
    live_rows = str(len(pd.read_csv(built / "targets.csv", dtype=str)))
    assert cli(capsys, "targets", "import", str(path), "--confirm-delete", live_rows)[0] == 0


def test_a_future_date_typed_into_the_table_is_refused_at_its_cell(built, today_is):
    today_is("2022-03-01")
    frame = pd.DataFrame(
        [["diagnosis_enterprises", "huangshi", dt.date(2031, 12, 31), 180.0, "=", "", ""]],
        columns=list(updates.KINDS["progress"].columns),
    )
    result = updates.check_table("progress", frame)
    assert not result.ok
    [found] = [p for p in result.table_problems if p.severity == "error"]
    assert (found.row, found.column, found.code) == (0, "as_of", "files.future_date")
    assert "2031-12-31" in found.message("zh") and "2022-03-01" in found.message("en")


def test_stored_data_is_not_judged_by_the_clock(built, today_is):
    """data/progress.csv was accepted when it was imported; a build never refuses it for the date."""
    (built / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\ndiagnosis_enterprises,huangshi,2022-02-28,170,=,,\n",
        encoding="utf-8-sig",
    )
    today_is("2022-01-01")
    assert main(["build", "--force"]) == 0


# ---------- .xlsx ----------


@pytest.mark.parametrize("kind", KINDS)
def test_a_workbook_bad_cell_and_a_formula_without_result_are_named_by_sheet_row_and_column(built, capsys, kind):
    before = (built / f"{kind}.csv").read_bytes()
    code, output = cli(capsys, kind, "import", str(OFFICE / f"{kind}_bad_cells.xlsx"))
    assert code == 1
    sheet, column = SHEET[kind], NUMBER_COLUMN[kind]
    assert f"工作表“{sheet}”第4行 {column}列" in output and "“待定”不是数字" in output
    assert f"sheet '{sheet}', row 4, column {column}" in output
    assert f"工作表“{sheet}”第5行 {column}列" in output and "公式“=100+20”没有保存计算结果" in output
    assert "共2处错误" in output
    assert (built / f"{kind}.csv").read_bytes() == before


def _workbook_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_formula_with_its_saved_result_and_typed_values(registry):
    """Excel dates, numbers, a percentage, and a formula as Excel saves it (with its cached result)."""

    def build(book):
        sheet = book.active
        sheet.title = "targets"
        sheet.append(["metric_id", "period_start", "period_end", "target"])
        sheet.append(["diagnosis_enterprises", dt.datetime(2022, 1, 1), dt.date(2022, 12, 31), 152.0])
        sheet.append(["retrofit_completion_share", dt.date(2022, 1, 1), dt.date(2022, 12, 31), 0.655])
        sheet["D3"].number_format = "0.0%"
        sheet.append(["retrofit_projects_completed", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "=100+20"])

    data = _workbook_bytes(build)
    # openpyxl writes no result for a formula; Excel and WPS write <v>: add it as they would
    data = _with_cached_value(data, "D4", "120")
    parsed = targets.parse_targets(data, registry)
    assert parsed.ok, [p.bilingual() for p in parsed.problems]
    values = dict(zip(parsed.frame["metric_id"], parsed.frame["target"], strict=True))
    assert values == {
        "diagnosis_enterprises": 152,
        "retrofit_completion_share": 65.5,
        "retrofit_projects_completed": 120,
    }
    assert set(parsed.frame["period_start"]) == {dt.date(2022, 1, 1)}


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text, count = re.subn(
                    rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", text
                )
                assert count == 1
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_the_sheet_named_like_the_table_is_read_not_the_first(registry):
    def build(book):
        book.active.title = "进展"
        book.active.append(["指标编号", "截至日期", "数值"])
        book.active.append(["diagnosis_enterprises", dt.date(2021, 12, 31), 160])
        target_sheet = book.create_sheet("目标")
        target_sheet.append(["指标编号", "开始日期", "结束日期", "目标值"])
        target_sheet.append(["diagnosis_enterprises", dt.date(2022, 1, 1), dt.date(2022, 12, 31), 200])

    data = _workbook_bytes(build)
    as_targets = targets.parse_targets(data, registry)
    as_progress = records.parse_records(data, registry)
    assert (as_targets.ok, as_targets.sheet, as_targets.frame["target"].tolist()) == (True, "目标", [200])
    assert (as_progress.ok, as_progress.sheet, as_progress.frame["value"].tolist()) == (True, "进展", [160])


def test_a_damaged_workbook_is_refused_with_a_message(registry):
    parsed = targets.parse_targets(b"PK\x03\x04" + b"\x00" * 200, registry)
    assert parsed.errors and "无法读取这个 Excel 工作簿" in parsed.errors[0].message("zh")


# ---------- cells the csv module cannot take ----------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fault", ["unclosed", "long"])
def test_an_unclosed_quote_or_a_huge_cell_is_a_located_message_not_a_traceback(tmp_path, kind, fault):
    header = "metric_id,period_start,period_end,target,note" if kind == "targets" else "metric_id,as_of,value,note"
    dates = "2022-01-01,2022-12-31" if kind == "targets" else "2021-12-31"
    first = f"diagnosis_enterprises,{dates},1,ok"
    bad = f'diagnosis_providers,{dates},2,"' + ("x" * 140_000 + '"' if fault == "long" else "opened")
    last = f"retrofit_projects_completed,{dates},3,ok"
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join([header, first, bad, last]) + "\n", encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, "-m", "metrics", kind, "check", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr and "_csv.Error" not in finished.stderr
    column = "E" if kind == "targets" else "D"
    assert f"第3行 {column}列" in finished.stderr and f"line 3, column {column}" in finished.stderr
    expected = ("128 KB", "128 KB") if fault == "long" else ("引号", "quote")
    assert expected[0] in finished.stderr and expected[1] in finished.stderr


# ---------- one size limit for the command line and the browser ----------


def test_the_browser_limit_is_the_importer_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == UPLOAD_LIMIT_MB
    assert importing.UPLOAD_LIMIT == UPLOAD_LIMIT_MB * 1024 * 1024


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_line_refuses_a_file_over_the_browser_limit(built, capsys, tmp_path, kind):
    row = (
        "diagnosis_enterprises,2021-01-01,2021-12-31,152\n"
        if kind == "targets"
        else "diagnosis_enterprises,2021-12-31,1\n"
    )
    header = "metric_id,period_start,period_end,target\n" if kind == "targets" else "metric_id,as_of,value\n"
    path = tmp_path / "big.csv"
    path.write_text(header + row * (UPLOAD_LIMIT_MB * 1024 * 1024 // len(row) + 10), encoding="utf-8")
    code, output = cli(capsys, kind, "check", str(path))
    assert code == 1
    assert "文件过大" in output and f"{UPLOAD_LIMIT_MB * 1024:,} KB" in output


# ---------- the browser's problem rows: split as the importer split them ----------


@pytest.mark.parametrize("kind", KINDS)
def test_problem_rows_of_a_utf16_tab_file_are_split_into_columns(registry, kind):
    data = (OFFICE / f"{kind}_unicode_text_bad.txt").read_bytes()
    parse = targets.parse_targets if kind == "targets" else records.parse_records
    parsed = parse(data, registry)
    assert parsed.delimiter == "\t" and parsed.header_line == 2
    rows = importing.file_rows(data, parsed, {2, 4})
    assert set(rows) == {2, 4}
    assert rows[2][0] == "指标编号" and len(rows[2]) == 9
    assert rows[4][ord(NUMBER_COLUMN[kind]) - ord("A")] == "待定"


@pytest.mark.parametrize("kind", KINDS)
def test_problem_rows_of_a_workbook_are_its_sheet_rows(registry, kind):
    data = (OFFICE / f"{kind}_bad_cells.xlsx").read_bytes()
    parse = targets.parse_targets if kind == "targets" else records.parse_records
    parsed = parse(data, registry)
    rows = importing.file_rows(data, parsed, {2, 4})
    assert parsed.sheet == SHEET[kind] and rows[2][:2] == ["指标编号", "指标名称"]
    assert rows[4][ord(NUMBER_COLUMN[kind]) - ord("A")] == "待定"


def test_an_old_xls_workbook_is_refused_saying_to_save_as_xlsx_or_csv(registry):
    parsed = targets.parse_targets(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), registry)
    assert ".xlsx" in parsed.errors[0].message("zh") and "(.xlsx) or CSV" in parsed.errors[0].message("en")


@pytest.mark.parametrize("kind", KINDS)
def test_a_sheet_named_like_the_table_is_reported_against_even_when_its_header_is_wrong(registry, kind):
    """A notes sheet first, then 目标 / 进展 with a header missing a column: the problems are about the
    table's sheet, not the notes."""

    def build(book):
        book.active.title = "说明"
        book.active.append(["请在下一个工作表中填写"])
        sheet = book.create_sheet(SHEET[kind])
        sheet.append(["指标编号", "目标值" if kind == "targets" else "数值"])
        sheet.append(["diagnosis_enterprises", 1])

    parse = targets.parse_targets if kind == "targets" else records.parse_records
    parsed = parse(_workbook_bytes(build), registry)
    assert parsed.sheet == SHEET[kind]
    assert parsed.errors and {p.code for p in parsed.errors} == {"missing_column"}
    assert f"工作表“{SHEET[kind]}”第1行" in parsed.errors[0].message("zh")
