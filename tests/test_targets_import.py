"""Target files as officials save them: accepted in every messy form, refused with a located message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics.__main__ import main
from metrics.registry import read_reference_csv
from metrics.store import versions

TARGET_FILES = Path(__file__).parent / "fixtures" / "targets"


def run_cli(*args: str) -> int:
    return main(list(args))


def deletes(path: Path) -> str:
    """What --confirm-delete must say for importing `path`: the number of live rows it deletes."""
    from metrics import updates

    return str(updates.check("targets", path.read_bytes()).counts["removed"])


def imported_targets(data_dir: Path) -> pd.DataFrame:
    return read_reference_csv(data_dir / "targets.csv").astype({"target": float})


def target_of(frame: pd.DataFrame, metric: str, start: str, end: str) -> float:
    rows = frame[(frame.metric_id == metric) & (frame.period_start == start) & (frame.period_end == end)]
    assert len(rows) == 1, f"{metric} {start}..{end}: {len(rows)} rows"
    return rows["target"].iloc[0]


# file → (metric, start, end, expected target) pairs that must be read from it
ACCEPTED = {
    "utf8.csv": [("diagnosis_enterprises", "2021-01-01", "2023-12-31", 500)],
    "utf8_bom.csv": [("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152)],
    "gbk_chinese_headers_crlf.csv": [
        ("diagnosis_enterprises", "2021-01-01", "2023-12-31", 500),
        ("funding_city_level", "2021-01-01", "2021-12-31", 20_000_000),
    ],
    "gb18030.csv": [("retrofit_projects_completed", "2021-01-01", "2021-12-31", 100)],
    "blank_lines.csv": [("retrofit_projects_completed", "2021-01-01", "2021-12-31", 100)],
    "fullwidth.csv": [
        ("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152),
        ("diagnosis_enterprises", "2021-01-01", "2023-12-31", 500),
    ],
    "thousands.csv": [
        ("funding_city_level", "2021-01-01", "2021-12-31", 20_000_000),
        ("diagnosis_enterprises", "2021-01-01", "2023-12-31", 1000),
    ],
    "units.csv": [
        ("funding_city_level", "2021-01-01", "2021-12-31", 20_000_000),
        ("retrofit_investment", "2021-01-01", "2023-12-31", 4_000_000_000),
        ("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152),
        ("retrofit_completion_share", "2021-01-01", "2021-12-31", 66),
    ],
    "extra_columns.csv": [("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152)],
    "labels_not_ids.csv": [
        ("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152),
        ("retrofit_projects_completed", "2021-01-01", "2021-12-31", 100),
    ],
    "excel_unicode_text.txt": [("diagnosis_enterprises", "2021-01-01", "2021-12-31", 152)],
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepts_files_as_officials_save_them(built: Path, name: str):
    assert run_cli("targets", "check", str(TARGET_FILES / name)) == 0
    path = TARGET_FILES / name
    assert run_cli("targets", "import", str(path), "--editor", "测试", "--confirm-delete", deletes(path)) == 0
    frame = imported_targets(built)
    for metric, start, end, expected in ACCEPTED[name]:
        assert target_of(frame, metric, start, end) == expected


def test_gbk_file_keeps_chinese_text_and_lower_bounds(built: Path):
    run_cli("targets", "import", str(TARGET_FILES / "gbk_chinese_headers_crlf.csv"))
    frame = imported_targets(built)
    row = frame[(frame.metric_id == "diagnosis_enterprises") & (frame.period_end == "2023-12-31")].iloc[0]
    assert row["qualifier"] == ">=" and row["note"] == "三年行动计划"
    assert frame[frame.metric_id == "funding_city_level"].iloc[0]["source"] == "市财政"


def test_extra_columns_are_ignored_with_a_warning(built: Path, capsys):
    assert run_cli("targets", "check", str(TARGET_FILES / "extra_columns.csv")) == 0
    err = capsys.readouterr().err
    assert "第1行 E列" in err and "负责处室" in err and "line 1, column E" in err


# file → (line, column letter or None, words both messages must contain)
REFUSED = {
    "text_number.csv": (2, "D", "待定", "is not a number"),
    "negative.csv": (2, "D", "负数", "cannot be negative"),
    "unknown_metric.csv": (2, "A", "diagnosis_enterprises", "did you mean 'diagnosis_enterprises'"),
    "period_order.csv": (2, "C", "早于", "ends (2021-01-01) before it starts"),
    "duplicate.csv": (4, "A", "第2行重复", "Duplicates line 2"),
    "missing_column.csv": (1, None, "缺少必填列", "Required column"),
    "empty.csv": (None, None, "文件是空的", "empty"),
    "header_only.csv": (1, None, "只有表头", "no data rows"),
    "binary.csv": (1, "A", "二进制", "binary"),
    "workbook.xlsx": (None, None, "无法读取这个 Excel 工作簿", "cannot be read"),
    "undecodable.csv": (2, "D", "0xff", "neither UTF-8 nor GBK"),
    "unit_mismatch.csv": (2, "D", "单位", "unit"),
    "bad_date.csv": (2, "B", "不是日期", "is not a date"),
    "unlisted_source.csv": (2, "F", "sources.csv 中没有这份文件", "sources.csv lists no such document"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refuses_bad_files_naming_line_and_column_and_changes_nothing(built: Path, name: str, capsys):
    before = (built / "targets.csv").read_bytes()
    database_before = (built / "dashboard.duckdb").read_bytes()
    assert run_cli("targets", "import", str(TARGET_FILES / name)) == 1
    err = capsys.readouterr().err
    line, column, chinese, english = REFUSED[name]
    if line is not None:
        assert f"第{line}行" in err and f"line {line}" in err
    if column is not None:
        assert f"{column}列" in err and f"column {column}" in err
    assert chinese in err and english in err
    assert "未导入" in err and "nothing was imported" in err
    assert (built / "targets.csv").read_bytes() == before
    assert (built / "dashboard.duckdb").read_bytes() == database_before
    assert not (built / "history" / "targets").exists()


def test_every_problem_in_a_file_is_reported_at_once(built: Path, capsys):
    assert run_cli("targets", "check", str(TARGET_FILES / "many_problems.csv")) == 1
    err = capsys.readouterr().err
    for expected in ("第3行 A列", "第4行 D列", "第5行 B列", "第5行 E列", "第6行 E列", "第7行 E列"):
        assert expected in err
    assert "共6处错误" in err


def test_refuses_files_over_the_size_limit(built: Path, tmp_path: Path, capsys):
    big = tmp_path / "big.csv"
    row = "diagnosis_enterprises,2021-01-01,2021-12-31,152\n"
    big.write_text("metric_id,period_start,period_end,target\n" + row * 120_000, encoding="utf-8")  # 5.9 MB
    before = (built / "targets.csv").read_bytes()
    assert run_cli("targets", "import", str(big)) == 1
    assert "文件过大" in capsys.readouterr().err
    assert (built / "targets.csv").read_bytes() == before


def test_importing_the_current_file_changes_nothing(built: Path):
    before = (built / "targets.csv").read_bytes()
    assert run_cli("targets", "import", str(built / "targets.csv")) == 0
    assert (built / "targets.csv").read_bytes() == before
    assert versions("targets") == []


def test_import_keeps_the_previous_version_in_history(built: Path):
    before = (built / "targets.csv").read_bytes()
    assert (
        run_cli("targets", "import", str(TARGET_FILES / "units.csv"), "--editor", "江晖", "--confirm-delete", "2") == 0
    )
    history = versions("targets")
    assert [entry.action for entry in history] == ["import", "baseline"]
    assert history[0].editor == "江晖" and history[0].detail == "units.csv"
    assert (built / "history" / "targets" / history[1].snapshot).read_bytes() == before
    assert history[0].added == 3 and history[0].removed == 2


def test_cli_exit_code_in_a_real_process(built: Path):
    command = [sys.executable, "-m", "metrics", "targets", "import", str(TARGET_FILES / "negative.csv")]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert finished.returncode == 1
    assert "第2行 D列" in finished.stderr and "line 2, column D" in finished.stderr


def test_a_qualifier_written_in_the_number_is_kept_without_a_qualifier_column(built: Path):
    """fullwidth.csv has no 限定 column: '５００以上' must still be read as at least 500."""
    path = TARGET_FILES / "fullwidth.csv"
    assert run_cli("targets", "import", str(path), "--confirm-delete", deletes(path)) == 0
    frame = imported_targets(built)
    row = frame[(frame.metric_id == "diagnosis_enterprises") & (frame.period_end == "2023-12-31")].iloc[0]
    assert (row["target"], row["qualifier"]) == (500, ">=")
