"""Progress-record files as officials save them: accepted in every messy form, refused with a located message.

The files are made by tests/fixtures/make_progress_files.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics import queries
from metrics.__main__ import main
from metrics.registry import read_reference_csv
from metrics.store import versions

PROGRESS_FILES = Path(__file__).parent / "fixtures" / "progress"


def imported_records(data_dir: Path) -> pd.DataFrame:
    return read_reference_csv(data_dir / "progress.csv").astype({"value": float})


def record_of(frame: pd.DataFrame, metric: str, region: str = "huangshi") -> tuple[float, str]:
    rows = frame[(frame.metric_id == metric) & (frame.region_id == region) & (frame.as_of == "2021-12-31")]
    assert len(rows) == 1, f"{metric} {region}: {len(rows)} rows"
    return rows["value"].iloc[0], rows["qualifier"].iloc[0]


# file → (metric, region, value, qualifier) that must be read from it
ACCEPTED = {
    "utf8.csv": [
        ("diagnosis_enterprises", "huangshi", 160, "="),
        ("retrofit_projects_completed", "huangshi", 104, "="),
    ],
    "utf8_bom.csv": [("diagnosis_enterprises", "huangshi", 160, "=")],
    "gbk_chinese_headers_crlf.csv": [
        ("diagnosis_enterprises", "huangshi", 160, "="),
        ("wechat_reads", "huangshi", 10_000, ">="),
        ("funding_city_level", "huangshi", 20_000_000, "="),
        ("retrofit_projects_completed", "daye", 35, "="),
    ],
    "gb18030.csv": [("wechat_reads", "huangshi", 10_000, ">="), ("retrofit_projects_completed", "daye", 35, "=")],
    "blank_lines.csv": [("retrofit_projects_completed", "huangshi", 104, "=")],
    "fullwidth.csv": [
        ("diagnosis_enterprises", "huangshi", 160, "="),
        ("retrofit_completion_share", "huangshi", 70, "="),
    ],
    "thousands.csv": [
        ("wechat_reads", "huangshi", 12_000, "="),
        ("retrofit_investment", "huangshi", 4_200_000_000, "="),
    ],
    "units.csv": [
        ("funding_city_level", "huangshi", 20_000_000, "="),
        ("retrofit_investment", "huangshi", 4_200_000_000, "="),
        ("diagnosis_enterprises", "huangshi", 160, "="),
        ("retrofit_completion_share", "huangshi", 70, "="),
    ],
    "lower_bounds.csv": [
        ("wechat_reads", "huangshi", 10_000, ">="),  # 超过1万
        ("diagnosis_enterprises", "huangshi", 160, ">="),  # 160家以上
        ("local_service_providers", "huangshi", 40, ">="),  # 40多家
        ("retrofit_investment", "huangshi", 4_200_000_000, "~"),  # 约42亿元
    ],
    "labels_not_ids.csv": [
        ("diagnosis_enterprises", "huangshi", 160, "="),
        ("retrofit_projects_completed", "daye", 35, "="),
    ],
    "extra_columns.csv": [("diagnosis_enterprises", "huangshi", 160, "=")],
    "excel_unicode_text.txt": [("diagnosis_enterprises", "huangshi", 160, "=")],
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepts_files_as_officials_save_them(built: Path, name: str):
    assert main(["progress", "check", str(PROGRESS_FILES / name)]) == 0
    assert main(["progress", "import", str(PROGRESS_FILES / name), "--editor", "测试"]) == 0
    frame = imported_records(built)
    for metric, region, value, qualifier in ACCEPTED[name]:
        assert record_of(frame, metric, region) == (value, qualifier)


def test_gbk_file_keeps_chinese_text_and_reaches_the_database(built: Path):
    main(["progress", "import", str(PROGRESS_FILES / "gbk_chinese_headers_crlf.csv")])
    frame = imported_records(built)
    row = frame[frame.metric_id == "funding_city_level"].iloc[0]
    assert row["source"] == "市财政" and row["note"] == "已拨付"
    figures = queries.fetch("figures_for_region", database=built / "dashboard.duckdb", region_id="huangshi")
    reads = figures[(figures.metric_id == "wechat_reads") & (figures.as_of.astype(str) == "2021-12-31")]
    assert reads["value"].tolist() == [10_000] and reads["qualifier"].tolist() == [">="]


def test_extra_columns_are_ignored_with_a_warning(built: Path, capsys):
    assert main(["progress", "check", str(PROGRESS_FILES / "extra_columns.csv")]) == 0
    err = capsys.readouterr().err
    assert "第1行 D列" in err and "填报人" in err and "line 1, column E" in err


# file → (line, column letter or None, words both messages must contain)
REFUSED = {
    "text_number.csv": (2, "D", "待统计", "is not a number"),
    "negative.csv": (2, "D", "负数", "cannot be negative"),
    "unknown_metric.csv": (2, "A", "diagnosis_enterprises", "did you mean 'diagnosis_enterprises'"),
    "unknown_region.csv": (2, "B", "火星", "Unknown region"),
    "bad_date.csv": (2, "C", "不是日期", "is not a date"),
    "duplicate.csv": (4, "A", "与第2行重复", "Duplicates line 2"),
    "missing_column.csv": (1, None, "缺少必填列“数值”", "Required column"),
    "empty.csv": (None, None, "文件是空的", "empty"),
    "header_only.csv": (1, None, "只有表头", "no data rows"),
    "binary.csv": (1, "A", "二进制", "binary"),
    "workbook.xlsx": (None, None, "无法读取这个 Excel 工作簿", "cannot be read"),
    "undecodable.csv": (2, "D", "0xff", "neither UTF-8 nor GBK"),
    "unit_mismatch.csv": (2, "D", "单位", "does not match the metric's unit"),
    "conflicting_qualifier.csv": (2, "D", "不一致", "disagrees with the qualifier column"),
    "bad_qualifier.csv": (2, "E", "差不多", "is not a known qualifier"),
    "unlisted_source.csv": (2, "F", "“reply_2021_5”是文件编号的写法", "'reply_2021_5' is written as a document id"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refuses_bad_files_naming_line_and_column_and_changes_nothing(built: Path, name: str, capsys):
    before = (built / "progress.csv").read_bytes()
    database_before = (built / "dashboard.duckdb").read_bytes()
    assert main(["progress", "import", str(PROGRESS_FILES / name)]) == 1
    err = capsys.readouterr().err
    line, column, chinese, english = REFUSED[name]
    if line is not None:
        assert f"第{line}行" in err and f"line {line}" in err
    if column is not None:
        assert f"{column}列" in err and f"column {column}" in err
    assert chinese in err and english in err
    assert "未导入" in err and "nothing was imported" in err
    assert (built / "progress.csv").read_bytes() == before
    assert (built / "dashboard.duckdb").read_bytes() == database_before
    assert not (built / "history" / "progress").exists()


def test_every_problem_in_a_file_is_reported_at_once(built: Path, capsys):
    assert main(["progress", "check", str(PROGRESS_FILES / "many_problems.csv")]) == 1
    err = capsys.readouterr().err
    for expected in ("第2行 D列", "第3行 A列", "第4行 C列", "第5行 B列", "第5行 D列", "第6行 D列"):
        assert expected in err
    assert "共6处错误" in err


def test_a_second_import_keeps_the_first_in_history(built: Path):
    assert main(["progress", "import", str(PROGRESS_FILES / "utf8.csv"), "--editor", "江晖"]) == 0
    first = (built / "progress.csv").read_bytes()
    assert (
        main(["progress", "import", str(PROGRESS_FILES / "units.csv"), "--editor", "王芳", "--confirm-delete", "1"])
        == 0
    )
    history = versions("progress")
    assert [(v.action, v.editor) for v in history] == [("import", "王芳"), ("import", "江晖"), ("baseline", "")]
    assert (built / "history" / "progress" / history[1].snapshot).read_bytes() == first
    assert (history[0].added, history[0].changed, history[0].removed) == (3, 1, 1)
    assert main(["progress", "import", str(built / "progress.csv")]) == 0  # the same content: no new version
    assert len(versions("progress")) == 3


def test_cli_exit_code_in_a_real_process(built: Path):
    command = [sys.executable, "-m", "metrics", "progress", "import", str(PROGRESS_FILES / "bad_date.csv")]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert finished.returncode == 1
    assert "第2行 C列" in finished.stderr and "line 2, column C" in finished.stderr
